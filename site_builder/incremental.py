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
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any, Callable, Iterable, Sequence

from .config import Config
from .content import Corpus, ParsedFile, parse_article
from .model import Article, Diagnostic

ExtraFiles = Callable[[list[Article], Config], Iterable[tuple[str, bytes]]]


@dataclass
class IncrementalResult:
    ok: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)  # written or removed, output-relative
    pages_rendered: int = 0
    pages_planned: int = 0
    articles: int = 0
    seconds: float = 0.0

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
    between calls; a new Config (site.toml changed) drops them."""

    def __init__(self, extras: Sequence[ExtraFiles] | None = None):
        from .site import default_extras

        self.extras = default_extras() if extras is None else tuple(extras)
        self._parsed: dict[str, tuple[str, ParsedFile]] = {}  # rel -> (text hash, parse)
        self._fingerprints: dict[str, bytes] = {}  # output file -> fingerprint of its bytes
        self._config: Config | None = None
        self._article_digests: dict[int, tuple[Any, bytes]] = {}

    def __call__(self, config: Config) -> IncrementalResult:
        from .plan import plan_site
        from .render import RenderError, make_environment, render_page

        started = time.perf_counter()
        if config != self._config:
            self._fingerprints.clear()
            self._config = config
        config = replace(config, site_url=config.site_url.rstrip("/") + "/")  # as build_site
        result = IncrementalResult(ok=False)
        corpus = self.read_corpus(config.path("content_dir"))
        result.diagnostics.extend(corpus.diagnostics)
        result.articles = len(corpus.articles)
        pages = plan_site(corpus.articles, config)
        result.pages_planned = len(pages)
        env = make_environment(config)
        out_dir = Path(config.path("output_dir"))
        template_hashes = _template_closure_hashes(env)
        site_wide = _Hasher().digest((env.globals.get("site"), config))
        files: dict[str, bytes | None] = {}  # None: unchanged, keep what is on disk
        fingerprints: dict[str, bytes] = {}
        # One memo per build (shared objects hashed once); article digests kept across builds.
        self._article_digests = {id(a): self._article_digests[id(a)] for a in corpus.articles
                                 if self._article_digests.get(id(a), (None,))[0] is a}
        hasher = _Hasher(self._article_digests)
        try:
            for page in pages:
                fp = hashlib.blake2b(site_wide + template_hashes.get(page.template, b"?")
                                     + hasher.digest(page), digest_size=16).digest()
                fingerprints[page.file] = fp
                if self._fingerprints.get(page.file) == fp and (out_dir / page.file).is_file():
                    files[page.file] = None
                else:
                    files[page.file] = render_page(env, page)
        except RenderError as exc:
            result.diagnostics.append(exc.diagnostic)
            return _done(result, started)
        result.pages_rendered = sum(1 for v in files.values() if v is not None)
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
        try:
            result.changed_files = _sync(out_dir, files)
        except OSError as exc:
            self._fingerprints.clear()  # unknown state on disk: render everything next time
            result.diagnostics.append(Diagnostic(str(out_dir), f"cannot write the site: {exc}"))
            return _done(result, started)
        self._fingerprints = fingerprints
        result.ok = True
        return _done(result, started)

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


def _sync(out_dir: Path, files: dict[str, bytes | None]) -> list[str]:
    """Make out_dir hold exactly `files` (None: keep the file on disk as it is). Writes only
    changed bytes, each atomically; removes everything else. Returns what changed."""
    from .output import check_relative

    out_dir.mkdir(parents=True, exist_ok=True)
    changed: list[str] = []
    for rel, data in files.items():
        target = out_dir.joinpath(*check_relative(rel).parts)
        if data is None:
            continue
        try:
            if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        changed.append(rel)
    for path in sorted(out_dir.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        rel = path.relative_to(out_dir).as_posix()
        if path.is_symlink() or (path.is_file() and rel not in files):
            path.unlink()
            changed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return sorted(changed)
