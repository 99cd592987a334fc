"""An incremental site build for watch mode: same bytes as build_site, less work.

Decided by content hashes, never by mtimes:
- content files are parsed again only when their text's hash changed (parsed files cached);
- the whole site is planned again (plan_site is a pure function of the corpus and cheap next to
  rendering), and each planned page gets a fingerprint: a hash of everything its bytes depend
  on, that is its template and every template it extends, includes or imports (found with
  jinja2.meta), the site-wide template globals, and the page's own data (its context and
  links, walked structurally; shared objects such as an article are hashed once per build);
- only pages whose fingerprint changed (or whose file went missing) are rendered, and only files
  whose bytes changed are written (each atomically); files the plan no longer has are removed.
The fingerprint table is the recorded dependency graph: page -> (templates, data it shows).
An edit of one article's body changes the data of its own page and of the listings that show
it (home, its 版面, tags, people, timeline, neighbours, feed), so exactly those re-render.

Byte-identical to a full build_site is the contract (tests compare whole trees after random
edit sequences). Rendering happens before any write, so a template error leaves output/ as it
was, like build_site.
"""
from __future__ import annotations

import dataclasses
import enum
import hashlib
import inspect
import os
import multiprocessing
import pickle
import shutil
import sqlite3
import sys
import threading
import time
import zlib
from functools import lru_cache
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any, Callable, Iterable, Sequence

from .config import Config
from .content import Corpus, ParsedFile, parse_article
from .model import Article, Diagnostic

ExtraFiles = Callable[[list[Article], Config], Iterable[tuple[str, bytes]]]
STATE_FORMAT = 2
RENDER_MODULES = ("render", "plan", "edtf", "model", "content", "config", "incremental")
PARALLEL_MIN_PAGES = 400  # below this, starting workers costs more than it saves


@dataclass
class IncrementalResult:
    ok: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)  # written or removed, output-relative
    pages_rendered: int = 0
    pages_planned: int = 0
    articles: int = 0
    seconds: float = 0.0
    pages_from_store: int = 0  # bytes taken from the page store instead of rendered
    files_written: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def summary(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        if self.ok:
            lines.append(f"rendered {self.pages_rendered} of {self.pages_planned} pages, "
                         f"{len(self.changed_files)} files changed, in {self.seconds:.2f}s")
        else:
            lines.append("build failed; output was left as it was")
        return "\n".join(lines)


class IncrementalBuilder:
    """Call it like build_site: `builder(config) -> IncrementalResult`. Keeps its caches
    between calls; a new Config (site.toml changed) drops them.

    With `state_dir` (the CLI uses `.cache/` of the project) the caches outlive the process:
    parsed content files and page fingerprints in `build-state.pickle`, and the bytes of every
    page by fingerprint in `pages.sqlite` (zlib), so a build after `rm -rf output` copies pages
    instead of rendering them. With `workers` > 1, many pages to render are shared out to
    forked processes (never from a process running other threads, e.g. the dev server)."""

    def __init__(self, extras: Sequence[ExtraFiles] | None = None, state_dir: str | Path | None = None,
                 workers: int = 1):
        from .site import default_extras

        self.extras = default_extras() if extras is None else tuple(extras)
        self._parsed: dict[str, tuple[str, ParsedFile]] = {}  # rel -> (text hash, parse)
        self._fingerprints: dict[str, tuple[bytes, int]] = {}  # output file -> (fingerprint, size)
        self._config: Config | None = None
        self._article_digests: dict[int, tuple[Any, bytes]] = {}
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.workers = workers
        self._loaded = False
        self._inputs: str | None = None  # key of everything the last build read
        self._extra_sizes: dict[str, int] | None = None  # files besides pages it wrote -> size

    def _inputs_key(self, config: Config) -> str:
        """A hash of everything a build reads: content (by the parse cache's hashes), settings,
        templates and static files, the code, and the extras' code."""
        h = hashlib.blake2b(digest_size=16)
        h.update(repr(config).encode("utf-8", "surrogatepass") + _code_version().encode())
        for rel, (digest, _) in sorted(self._parsed.items()):
            h.update(f"{rel}\0{digest}\0".encode("utf-8", "surrogatepass"))
        for folder in ("templates_dir", "static_dir"):
            base = Path(config.path(folder))
            for file in sorted(p for p in base.rglob("*") if p.is_file()) if base.is_dir() else ():
                h.update(file.relative_to(base).as_posix().encode("utf-8", "surrogatepass") + b"\0")
                h.update(hashlib.blake2b(file.read_bytes(), digest_size=16).digest())
        for extra in self.extras:
            module = sys.modules.get(getattr(extra, "__module__", "") or "")
            source = getattr(module, "__file__", None)
            h.update(f"{getattr(extra, '__module__', '')}.{getattr(extra, '__qualname__', repr(extra))}".encode())
            h.update(Path(source).read_bytes() if source and Path(source).is_file() else b"?")
            if not (inspect.isfunction(extra) and not extra.__closure__):
                h.update(repr(extra).encode())  # state we cannot see: its address, so never skipped
        return h.hexdigest()

    def __call__(self, config: Config) -> IncrementalResult:
        from .plan import plan_site
        from .render import RenderError, make_environment

        started = time.perf_counter()
        result = IncrementalResult(ok=False)
        clock = _Clock(result.timings)
        self._load_state(config)
        if config != self._config:
            self._fingerprints.clear()
            self._config = config
        config = replace(config, site_url=config.site_url.rstrip("/") + "/")  # as build_site
        corpus = self.read_corpus(config.path("content_dir"))
        result.diagnostics.extend(corpus.diagnostics)
        result.articles = len(corpus.articles)
        out_dir = Path(config.path("output_dir"))
        inputs = self._inputs_key(config)
        on_disk = _sizes(out_dir)
        clock.lap("read")
        if inputs == self._inputs and self._fingerprints and self._extra_sizes is not None and \
                all(on_disk.get(f) == size for f, (_, size) in self._fingerprints.items()) and \
                all(on_disk.get(f) == size for f, size in self._extra_sizes.items()) and \
                len(on_disk) == len(self._fingerprints) + len(self._extra_sizes):
            # Same content, templates, static files, settings and code as the last build, and
            # output/ holds what it wrote: that build stands (no plan, no fingerprints).
            result.pages_planned = len(self._fingerprints)
            result.ok = True
            return _done(result, started)
        pages = plan_site(corpus.articles, config)
        result.pages_planned = len(pages)
        clock.lap("plan")
        env = make_environment(config)
        template_hashes = _template_closure_hashes(env)
        site_wide = _Hasher().digest((env.globals.get("site"), config, _code_version()))
        files: dict[str, bytes | None] = {}  # None: unchanged, keep what is on disk
        fingerprints: dict[str, tuple[bytes, int]] = {}
        # One memo per build (shared objects hashed once); article digests kept across builds.
        self._article_digests = {id(a): self._article_digests[id(a)] for a in corpus.articles
                                 if self._article_digests.get(id(a), (None,))[0] is a}
        hasher = _Hasher(self._article_digests)
        page_fps: dict[str, bytes] = {}
        for page in pages:
            page_fps[page.file] = hashlib.blake2b(site_wide + template_hashes.get(page.template, b"?")
                                                  + hasher.digest(page), digest_size=16).digest()
        clock.lap("fingerprint")
        store = _PageStore.open(self.state_dir)
        to_render = []
        for page in pages:
            fp = page_fps[page.file]
            old = self._fingerprints.get(page.file)
            if old is not None and old[0] == fp and on_disk.get(page.file) == old[1]:
                files[page.file] = None
                fingerprints[page.file] = old
            else:
                to_render.append(page)
        stored = store.get_many([page_fps[p.file] for p in to_render])
        rendered_pages = [p for p in to_render if page_fps[p.file] not in stored]
        clock.lap("lookup")
        try:
            rendered = _render_all(env, config, rendered_pages, self.workers)
        except RenderError as exc:
            store.close()
            result.diagnostics.append(exc.diagnostic)
            return _done(result, started)
        clock.lap("render")
        store.put_many((page_fps[p.file], data) for p, data in zip(rendered_pages, rendered))
        by_file = dict(zip((p.file for p in rendered_pages), rendered))
        for page in to_render:
            data = by_file.get(page.file)
            if data is None:
                data = stored[page_fps[page.file]]
            files[page.file] = data
            fingerprints[page.file] = (page_fps[page.file], len(data))
        result.pages_rendered = len(rendered_pages)
        result.pages_from_store = len(to_render) - len(rendered_pages)
        files[".nojekyll"] = b""
        static = Path(config.path("static_dir"))
        if static.is_dir():
            for file in sorted(p for p in static.rglob("*") if p.is_file()):
                rel = file.relative_to(static)
                if not any(part.startswith(".") for part in rel.parts):
                    files[f"static/{rel.as_posix()}"] = file.read_bytes()
        for extra in self.extras:
            for rel, data in extra(corpus.articles, config):
                files[rel] = data
        clock.lap("extras")
        try:
            result.changed_files = _sync(out_dir, files, on_disk)
        except (OSError, ValueError) as exc:  # ValueError: output.UnsafePathError
            store.close()
            self._fingerprints.clear()  # unknown state on disk: render everything next time
            self._inputs = None
            self._save_state()
            result.diagnostics.append(Diagnostic(str(out_dir), f"cannot write the site: {exc}"))
            return _done(result, started)
        result.files_written = sum(1 for rel in result.changed_files if rel in files)
        self._fingerprints = fingerprints
        self._inputs = inputs
        self._extra_sizes = {rel: len(data) for rel, data in files.items() if rel not in fingerprints}
        clock.lap("write")
        store.keep_only({fp for fp, _ in fingerprints.values()})
        store.close()
        self._save_state()
        clock.lap("save")
        result.ok = True
        return _done(result, started)

    # -- state kept between processes

    _STATE_FILE = "build-state.pickle"

    def _load_state(self, config: Config) -> None:
        if self._loaded or self.state_dir is None:
            return
        self._loaded = True
        try:
            with open(self.state_dir / self._STATE_FILE, "rb") as fh:
                state = pickle.load(fh)
            if state["format"] == STATE_FORMAT and state["code"] == _code_version():
                self._parsed, self._fingerprints, self._config = state["parsed"], state["fps"], state["config"]
                self._inputs, self._extra_sizes = state["inputs"], state["extra_sizes"]
        except Exception:  # missing or unreadable: build from scratch
            pass

    def _save_state(self) -> None:
        if self.state_dir is None:
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        file = self.state_dir / self._STATE_FILE
        tmp = file.with_name(f".{file.name}.tmp-{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump({"format": STATE_FORMAT, "code": _code_version(), "parsed": self._parsed,
                         "fps": self._fingerprints, "config": self._config,
                         "inputs": self._inputs, "extra_sizes": self._extra_sizes}, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)

    def read_corpus(self, content_dir: str | Path) -> Corpus:
        """content.read_corpus with a parse cache keyed by each file's text hash."""
        root = Path(content_dir)
        articles: list[Article] = []
        diagnostics: list[Diagnostic] = []
        seen: dict[str, str] = {}
        parsed_now: dict[str, tuple[str, ParsedFile]] = {}
        for file in sorted(root.rglob("*.md")):
            rel = file.relative_to(root).as_posix()
            shown = os.path.join(str(content_dir), rel)
            try:
                text = file.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError) as exc:
                diagnostics.append(Diagnostic(shown, f"cannot read as UTF-8 ({exc}); skipped"))
                continue
            digest = hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
            cached = self._parsed.get(rel)
            if cached is not None and cached[0] == digest:
                parsed = cached[1]
            else:
                parsed = parse_article(text, shown)
                if parsed.article is not None:
                    parsed.article.path = rel
            parsed_now[rel] = (digest, parsed)
            diagnostics.extend(parsed.diagnostics)
            if parsed.article is None:
                continue
            article = parsed.article
            if article.id in seen:
                diagnostics.append(Diagnostic(shown, f"id {article.id!r} is already used by "
                                              f"{seen[article.id]}; skipped", _id_line(text)))
                continue
            seen[article.id] = shown
            articles.append(article)
        self._parsed = parsed_now
        articles.sort(key=lambda a: (a.source, a.order, a.id))
        return Corpus(articles, diagnostics)


def _id_line(text: str) -> int:
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith("id:"):
            return i
    return 1


def _done(result: IncrementalResult, started: float) -> IncrementalResult:
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------- fingerprints


class _Hasher:
    """A structural digest of template data: dataclasses by field, containers by item.
    Objects are memoised by identity for the life of the hasher (one build), so an article
    shown on 30 listing pages is hashed once."""

    def __init__(self, articles: dict[int, tuple[Any, bytes]] | None = None):
        self._memo: dict[int, tuple[Any, bytes]] = {}
        # Articles come from the parse cache: the same object while its file's hash is
        # unchanged, so their digests may outlive one build (the caller prunes this table).
        self.articles = articles if articles is not None else {}

    def digest(self, obj: Any) -> bytes:
        h = hashlib.blake2b(digest_size=16)
        self._feed(h, obj)
        return h.digest()

    def _feed(self, h, obj: Any) -> None:
        if obj is None or isinstance(obj, (bool, int, float, str, bytes, enum.Enum, PurePath)):
            # type name too: "1" and 1 render alike but are different data
            h.update(f"{type(obj).__name__}:{obj!r};".encode("utf-8", "surrogatepass"))
        elif isinstance(obj, (list, tuple)):
            h.update(f"[{len(obj)}".encode())
            for item in obj:
                self._feed(h, item)
            h.update(b"]")
        elif isinstance(obj, dict):
            h.update(f"{{{len(obj)}".encode())
            for key, value in obj.items():  # insertion order is part of what a loop renders
                self._feed(h, key)
                self._feed(h, value)
            h.update(b"}")
        elif isinstance(obj, (set, frozenset)):
            h.update(b"set" + hashlib.blake2b(repr(sorted(map(repr, obj))).encode()).digest())
        elif dataclasses.is_dataclass(obj):
            h.update(self._dataclass_digest(obj))
        else:
            # Unknown types: their repr (an address in it makes the page re-render every time,
            # which costs time, never correctness).
            h.update(f"{type(obj).__qualname__}:{obj!r};".encode("utf-8", "surrogatepass"))

    def _dataclass_digest(self, obj: Any) -> bytes:
        memo = self.articles if type(obj) is Article else self._memo
        known = memo.get(id(obj))
        if known is not None and known[0] is obj:
            return known[1]
        h = hashlib.blake2b(digest_size=16)
        h.update(type(obj).__qualname__.encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode() + b"=")
            self._feed(h, getattr(obj, f.name))
        digest = h.digest()
        memo[id(obj)] = (obj, digest)  # keep obj alive so its id is not reused
        return digest


def _template_closure_hashes(env) -> dict[str, bytes]:
    """For every template: a hash of its source and of every template it extends, includes or
    imports, transitively. A dynamic reference (a name computed at render time) makes the
    template depend on all templates."""
    from jinja2 import meta

    names = env.list_templates()
    sources: dict[str, str] = {}
    refs: dict[str, set[str] | None] = {}
    for name in names:
        source, _, _ = env.loader.get_source(env, name)
        sources[name] = source
        try:
            found = set(meta.find_referenced_templates(env.parse(source)))
        except Exception:  # a syntax error: render_page will report it with file and line
            found = set()
        refs[name] = None if None in found else found
    closures: dict[str, bytes] = {}
    for name in names:
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen or current not in sources:
                continue
            seen.add(current)
            more = refs[current]
            stack.extend(names if more is None else more)
        h = hashlib.blake2b(digest_size=16)
        for dep in sorted(seen):
            h.update(dep.encode() + b"\0" + sources[dep].encode("utf-8") + b"\0")
        closures[name] = h.digest()
    return closures


# ---------------------------------------------------------------------------- writing


def _sizes(out_dir: Path) -> dict[str, int]:
    """Every file below out_dir -> its size (os.scandir: a fraction of rglob's time)."""
    out: dict[str, int] = {}
    stack = [(out_dir, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), rel + "/"))
            else:
                try:
                    out[rel] = entry.stat(follow_symlinks=False).st_size if entry.is_file(follow_symlinks=False) else -1
                except OSError:
                    out[rel] = -1
    return out


def _sync(out_dir: Path, files: dict[str, bytes | None], on_disk: dict[str, int] | None = None) -> list[str]:
    """Make out_dir hold exactly `files` (None: keep the file on disk as it is). Only changed
    bytes are written. Two phases keep a failure from leaving a half-updated site: every
    changed file is first written beside its target under a temporary name (an error here
    removes them all and leaves out_dir as it was), then all are renamed into place and
    files the site no longer has are removed. Returns what changed."""
    from .output import check_relative

    if on_disk is None:
        on_disk = _sizes(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path, str]] = []
    try:
        for rel, data in files.items():
            target = out_dir.joinpath(*check_relative(rel).parts)
            if data is None:
                continue
            try:
                if on_disk.get(rel) == len(data) and target.read_bytes() == data:
                    continue
            except OSError:
                pass
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            tmp.write_bytes(data)
            staged.append((tmp, target, rel))
    except BaseException:
        for tmp, _, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    changed: list[str] = []
    for tmp, target, rel in staged:
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        os.replace(tmp, target)
        changed.append(rel)
    for rel in sorted(set(on_disk) - set(files), key=lambda r: r.count("/"), reverse=True):
        path = out_dir / rel
        if path.is_symlink() or path.is_file():
            path.unlink()
            changed.append(rel)
    _remove_empty_folders(out_dir)
    return sorted(changed)


def _remove_empty_folders(out_dir: Path) -> None:
    for folder, dirs, names in os.walk(out_dir, topdown=False):
        if folder != str(out_dir) and not dirs and not names:
            try:
                os.rmdir(folder)
            except OSError:
                pass


@lru_cache(maxsize=1)
def _code_version() -> str:
    """Source of the modules that decide a page's bytes, and the library versions: a
    persisted fingerprint must not outlive a change of code."""
    import jinja2
    import markdown

    here = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    h.update(f"jinja2 {jinja2.__version__} markdown {markdown.__version__};".encode())
    for name in RENDER_MODULES:
        file = here / f"{name}.py"
        h.update(name.encode() + (file.read_bytes() if file.is_file() else b"-"))
    return h.hexdigest()


class _Clock:
    def __init__(self, timings: dict[str, float]):
        self.timings, self.last = timings, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now


# ---------------------------------------------------------------------------- page store


class _PageStore:
    """Page bytes by fingerprint in SQLite (zlib-compressed); a no-op without a state dir."""

    def __init__(self, db: sqlite3.Connection | None):
        self.db = db

    @classmethod
    def open(cls, state_dir: Path | None) -> "_PageStore":
        if state_dir is None:
            return cls(None)
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(state_dir / "pages.sqlite")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # a lost write is a page rendered again
            db.execute("CREATE TABLE IF NOT EXISTS pages (fp BLOB PRIMARY KEY, data BLOB) WITHOUT ROWID")
            return cls(db)
        except sqlite3.Error:
            return cls(None)

    def get_many(self, fps: list[bytes]) -> dict[bytes, bytes]:
        out: dict[bytes, bytes] = {}
        if self.db is None or not fps:
            return out
        try:
            for i in range(0, len(fps), 500):
                chunk = fps[i:i + 500]
                rows = self.db.execute(f"SELECT fp, data FROM pages WHERE fp IN ({','.join('?' * len(chunk))})",
                                       chunk)
                out.update((fp, zlib.decompress(data)) for fp, data in rows)
        except (sqlite3.Error, zlib.error):
            return {}
        return out

    def put_many(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)",
                                    ((fp, zlib.compress(data, 1)) for fp, data in items))
        except sqlite3.Error:
            pass

    def keep_only(self, fps: set[bytes]) -> None:
        """Drop pages no current fingerprint names (keeps the store the size of one site)."""
        if self.db is None:
            return
        try:
            have = {row[0] for row in self.db.execute("SELECT fp FROM pages")}
            stale = have - fps
            if stale:
                with self.db:
                    self.db.executemany("DELETE FROM pages WHERE fp = ?", ((fp,) for fp in stale))
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


# ---------------------------------------------------------------------------- rendering

_job: tuple | None = None  # (config, pages) for forked render workers


def _render_all(env, config: Config, pages: list, workers: int) -> list[bytes]:
    from .render import RenderError, render_page

    if workers <= 1 or len(pages) < PARALLEL_MIN_PAGES or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        return [render_page(env, p) for p in pages]
    global _job
    _job = (config, pages)
    try:
        ctx = multiprocessing.get_context("fork")  # children see the planned pages as they are
        slices = [list(range(k, len(pages), workers)) for k in range(workers)]
        with ctx.Pool(workers) as pool:
            parts = pool.map(_render_slice, slices)
    finally:
        _job = None
    out: list[bytes] = [b""] * len(pages)
    for indices, (ok, part) in zip(slices, parts):
        if not ok:
            raise RenderError(part)
        for i, data in zip(indices, part):
            out[i] = data
    return out


def _render_slice(indices: list[int]):
    from .render import RenderError, make_environment, render_page

    config, pages = _job
    env = make_environment(config)
    try:
        return True, [render_page(env, pages[i]) for i in indices]
    except RenderError as exc:  # the diagnostic pickles; the exception would lose it
        return False, exc.diagnostic
