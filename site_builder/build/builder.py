"""An incremental site build for watch mode: same bytes as build_site, less work.

Decided by content hashes, never by mtimes:
- content files are parsed again only when their text's hash changed (parsed files cached);
- the whole site is planned again (plan_site is a pure function of the corpus and cheap next to
  rendering), and each planned page gets a fingerprint: a hash of everything its bytes depend
  on, that is its template and every template it extends, includes or imports (found with
  jinja2.meta), the site-wide template globals, and the page's own data: its pickle with
  articles by id and the shared link table by reference (build_index.pickle_page, the bytes
  the plan store keeps), each article standing for its content file's path and text digest
  (an Article is parse_article of that text), and the link table for its own digest;
- only pages whose fingerprint changed (or whose file went missing) are rendered, and only files
  whose bytes changed are written (each atomically); files the plan no longer has are removed.
The fingerprint table is the recorded dependency graph: page -> (templates, data it shows).
An edit of one article's body changes the data of its own page and of the listings that show
it (home, its 版面, tags, people, timeline, neighbours, feed), so exactly those re-render.

Byte-identical to a full build_site is the contract (tests compare whole trees after random
edit sequences). Pages are written as they render, but only as new files or beside their
targets (SyncWriter's first phase); the renames and removals wait for the last page, so a
template error takes those writes back and leaves output/ as it was, like build_site.
"""
from __future__ import annotations

import concurrent.futures
import gc
import hashlib
import inspect
import os
import pickle
import sqlite3
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Sequence

from ..config import Config
from ..content import Corpus, ParsedFile, parse_article
from ..model import Article, Diagnostic, Reported, StageClock
from ..plan import slug_clashes
from .build_index import (BuildIndex, ContentHint, ContentScan, FileEntry, LazyArticle, PlanStore, face_key,
                          pickle_page, plan_key, rescan_content, resolve_all, scan_content)
from .extras import (ExtraFiles, ExtraOutput, compute_extra_files, extra_file_keys, extra_file_sizes,
                     extras_token, is_static_output, record_extras)
from .fingerprint import ArticleKeys, Hasher, article_hash, code_version, template_closure_hashes
from .output import PublishedTree
from .page_store import PageStore
from . import render_pool
from .render_pool import PageSink, render_all
from .writer import (WRITE_THREADS, WRITE_THREADS_MIN_FILES, SyncWriter, file_sizes, known_sizes, no_strays,
                     output_intact, sync_some)

STATE_FORMAT = 3


@dataclass
class IncrementalResult(Reported):
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
    # "unchanged": nothing to do; "pages": only the pages holding the edited articles were
    # loaded and fingerprinted; "full": the whole site was planned
    mode: str = "full"

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
    parsed content files and page fingerprints in `build-state.pickle`, and every page by
    fingerprint in `pages/` (hard links to the output files, see PageStore), so a build
    after `rm -rf output` links pages back instead of rendering them. With `workers` > 1, many pages to render are shared out to
    forked processes (never from a process running other threads, e.g. the dev server)."""

    def __init__(self, extras: Sequence[ExtraFiles] | None = None, state_dir: str | Path | None = None,
                 workers: int = 1, defer_extras: bool = False):
        from .site import default_extras

        self.extras = default_extras() if extras is None else tuple(extras)
        # The dev server rebuilds pages and signals the reload first, then calls run_extras():
        # a one-article edit must not wait for the whole search index.
        self.defer_extras = defer_extras
        self.generation = 0  # counts builds, so extras computed for an older one are dropped
        self._parsed: dict[str, tuple[str, ParsedFile]] = {}  # rel -> (text hash, parse)
        self._parsed_loaded = False
        # Articles unpickled from the plan store by earlier one-article builds of this process
        # (id -> (text digest, Article)): serve loads the home page's 10,000 articles once.
        self._article_cache: dict[str, tuple[str, Article]] = {}
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.workers = workers
        self._loaded = False
        self._index: BuildIndex | None = None  # what the last build left, see build_index.py
        self._db: sqlite3.Connection | None = None
        self._corpus: list[Article] | None = None  # the last build's articles (this process)
        self._links_digest: bytes | None = None  # of the last build's link table
        self._template_refs: dict[str, tuple[str, set[str] | None]] = {}  # name -> (source, refs)
        self._background = StoreThread()
        self._warnings: list[Diagnostic] = []  # caches discarded, reported with the next result
        # When the last full content scan of a successful build (and every build since) began:
        # a watcher running since before then has seen every change after it.
        self._scanned_since: int | None = None

    takes_hints = True  # the Rebuilder passes what its watcher saw (ContentHint)

    def _others_key(self, config: Config) -> str:
        """A hash of everything a build reads except content: settings, templates and static
        files, the code, and the extras' code."""
        h = hashlib.blake2b(digest_size=16)
        h.update(repr(config).encode("utf-8", "surrogatepass") + code_version().encode())
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

    def __call__(self, config: Config, hint: ContentHint | None = None) -> IncrementalResult:
        """`hint`: the content files a watcher saw change. Trusted when the watcher was
        running before this builder's last full scan began: then only those files are read
        again, and output/ is taken to be as this process's last build left it (the watcher
        ignores output/; a deletion there is repaired by the next build without a hint)."""
        try:
            try:
                result = self._build(config, hint)
            except sqlite3.DatabaseError as exc:
                # the store went bad under us (corrupted after it opened): without it, again
                self._background.finish()
                if self.state_dir is None:
                    raise
                self._discard_db(f"{type(exc).__name__}: {exc}")
                self._scanned_since = None
                result = self._build(config, None)
        except BaseException:
            self._scanned_since = None
            raise
        finally:
            self._background.finish()
        result.diagnostics[:0] = self._warnings
        self._warnings = []
        if not result.ok:
            self._scanned_since = None
        return result

    def _build(self, config: Config, hint: ContentHint | None = None) -> IncrementalResult:
        self.generation += 1
        started = time.perf_counter()
        result = IncrementalResult(ok=False)
        clock = StageClock(result.timings)
        self._load_state()
        if self.state_dir is not None:
            self._open_db()  # a store that must be discarded takes the index along, now
        config = replace(config, site_url=config.site_url.rstrip("/") + "/")  # as build_site
        index = self._index
        content_dir = Path(config.path("content_dir"))
        hinted = hint is not None and index is not None and self._scanned_since is not None \
            and hint.since_ns <= self._scanned_since
        if hinted:
            scan = rescan_content(content_dir, index, hint.paths)
        else:
            scan = scan_content(content_dir, index)
            self._scanned_since = scan.started_ns
        others = self._others_key(config)
        out_dir = Path(config.path("output_dir"))
        if index is not None and index.others == others and index.extra_sizes is not None \
                and index.config == config:
            if hinted:  # as this process's last build left it
                on_disk = {**{f: size for f, (_, size) in index.fingerprints.items()}, **index.extra_sizes}
            else:
                # stat() the files the last build wrote instead of walking output/ (a walk
                # costs one scandir per page folder: 0.3 s at 10,000 articles, this a quarter)
                on_disk = known_sizes(out_dir, index)
            known_only = True
            intact = output_intact(index, on_disk) and (hinted or no_strays(out_dir, index))
        else:
            on_disk, intact, known_only = file_sizes(out_dir), False, False
        clock.lap("read")
        if intact:
            changed = scan.changed(index.files)
            if not changed:
                # Same content, templates, static files, settings and code as the last build,
                # and output/ holds what it wrote: that build stands (no plan, no fingerprints).
                if index.extras_stale and not self.defer_extras:
                    extras = self.run_extras(config)
                    result.changed_files = extras.changed_files
                    result.diagnostics.extend(extras.diagnostics)
                    if not extras.ok:
                        return _done(result, started)
                result.diagnostics.extend(index.diagnostics)
                result.pages_planned = len(index.fingerprints)
                result.articles = index.articles
                result.ok = True
                result.mode = "unchanged"
                return _done(result, started)
            if self._fast_update(config, scan, changed, on_disk, result, clock):
                return _done(result, started)
        if known_only:  # a full build removes what the plan lacks (strays too): walk it all
            on_disk = file_sizes(out_dir)
        self._full_update(config, scan, others, on_disk, result, clock)
        return _done(result, started)

    # -- a one-article edit: only the pages that hold the article

    def _fast_update(self, config: Config, scan: ContentScan, changed: set[str], on_disk: dict[str, int],
                     result: IncrementalResult, clock: StageClock) -> bool:
        """Re-render the pages holding the changed articles when no change touches what
        plan_site decides (same files, ids and plan keys). False: not applicable, nothing done."""
        from ..plan import ArticleContext, _description

        index = self._index
        content_dir = Path(config.path("content_dir"))
        patched: dict[str, Article] = {}
        new_entries: dict[str, FileEntry] = {}
        new_diagnostics: list[Diagnostic] = []
        for rel in sorted(changed):
            old = index.files.get(rel)
            if old is None or old.article_id is None or rel not in scan.digests or rel not in scan.texts:
                return False
            shown = os.path.join(str(config.path("content_dir")), rel)
            try:
                text = scan.texts[rel].decode("utf-8")
            except UnicodeDecodeError:
                return False
            parsed = parse_article(text, shown)
            article = parsed.article
            if article is None or any(d.severity == "error" for d in parsed.diagnostics):
                return False
            article.path = rel
            key = plan_key(article)
            if article.id != old.article_id or key != old.plan_key:
                return False
            patched[article.id] = article
            new_diagnostics += parsed.diagnostics
            size, mtime = scan.stats[rel]
            new_entries[rel] = FileEntry(size, mtime, scan.digests[rel], article.id, key, face_key(article, key))
        store = self._plan_store()
        if store is None:
            return False
        files = self._pages_to_update(store, {e.article_id: e.face_key for e in new_entries.values()})
        # stored articles a template (or the extras) read since: the Article itself, so this
        # build's templates do not go through LazyArticle.__getattr__ (0.2 s for a person page)
        cached = {i: a._article if type(a) is LazyArticle and a._article is not None else a
                  for i, (digest, a) in self._article_cache.items()
                  if i not in patched and index.article_digests.get(i) == digest}
        pages = store.load_pages(files, patched, cached, stored=index.article_digests)
        if pages is None:
            return False
        if len(pages) >= render_pool.PARALLEL_MIN_PAGES:  # forked render workers must not read the store
            resolve_all(list(store.loaded_articles.values()), store)
        self._article_cache = {i: (index.article_digests[i], a) for i, a in store.loaded_articles.items()
                               if i not in patched and i in index.article_digests}
        # Articles are hashed by their file's text, never walked (see article_hash).
        article_hashes = {i: index.article_hashes.get(i) for i in store.loaded_articles}
        article_hashes.update((e.article_id, article_hash(rel, e.digest)) for rel, e in new_entries.items())
        face_keys = {i: index.face_keys.get(i) for i in store.loaded_articles}
        face_keys.update((e.article_id, e.face_key) for e in new_entries.values())
        for page in pages:  # the one value plan.py derives from plan-neutral fields
            if isinstance(page.context, ArticleContext) and page.context.article.id in patched:
                page.description = _description(page.context.article)
        clock.lap("plan")
        shown_changed = {os.path.join(str(content_dir), rel) for rel in changed}
        diagnostics = [d for d in index.diagnostics if d.path not in shown_changed] + new_diagnostics
        result.diagnostics.extend(diagnostics)
        result.articles = index.articles
        result.pages_planned = len(index.fingerprints)
        corpus = None
        if self.extras:
            corpus = self._corpus_with(patched, store)
        reported = len(result.diagnostics)
        unchanged = self._unchanged_for_extras(config, patched) \
            if corpus is not None and not self.defer_extras else set()
        written = self._render_and_write(config, pages, None if self.defer_extras else corpus, on_disk,
                                         result, clock, full=False, articles=store.loaded_articles.values(),
                                         article_hashes=article_hashes, face_keys=face_keys,
                                         links_digest=store.links_digest,
                                         unchanged=unchanged)
        self._background.finish()  # the store's connection is ours again
        if not written:
            # The stored plans could not be rendered as they are (an error a full build would
            # report again, or plans out of step with each other): forget them and plan the
            # whole site, which stores every page afresh.
            del result.diagnostics[reported:]
            index.data_digests = {}
            self._forget_plans()
            return False
        data_digests, fingerprints, blobs = written
        store.put_page_data([p for p in pages if index.data_digests.get(p.file) != data_digests[p.file]
                             and isinstance(p.context, ArticleContext)], blobs)
        store.put_articles(patched.values())
        for i, a in patched.items():
            self._article_cache[i] = (new_entries[a.path].digest, a)
        for rel, entry in new_entries.items():
            index.files[rel] = entry
            index.article_digests[entry.article_id] = entry.digest
            index.article_hashes[entry.article_id] = article_hashes[entry.article_id]
            index.face_keys[entry.article_id] = entry.face_key
        index.data_digests.update(data_digests)
        index.diagnostics = diagnostics
        # Files read again by this scan but unchanged (touched, or racy): their stat now, so
        # the next scan trusts them once they are old enough. Every file this scan did not
        # read is as the entry says as of its start (scan_content re-reads every racy file;
        # a hinted scan has the watcher's word): the next scan's racy window starts there. With
        # the older start kept, every build after a re-ingest re-read all 10,000 files.
        for rel in scan.texts:
            entry = index.files.get(rel)
            if rel not in new_entries and entry is not None and entry.digest == scan.digests.get(rel):
                index.files[rel] = replace(entry, size=scan.stats[rel][0], mtime_ns=scan.stats[rel][1])
        index.scanned_ns = scan.started_ns
        if corpus is not None:
            self._corpus = corpus
        index.extras_stale = self.defer_extras and bool(self.extras)
        self._note_extras(config)
        self._save_index()
        clock.lap("save")
        result.ok = True
        result.mode = "pages"
        return True

    def _pages_to_update(self, store: PlanStore, faces: dict[str, bytes]) -> list[str]:
        """The pages an edit of these articles (id -> new face_key) can change: every page
        holding one whose face changed; where only deeper fields changed, the pages whose last
        render read them (the article's own page, the feed), not the listings of its title."""
        deep_refs = self._index.deep_refs
        files: set[str] = set()
        for article_id, face in faces.items():
            holders = store.pages_holding([article_id])
            if face != self._index.face_keys.get(article_id):
                files.update(holders)
            else:
                files.update(f for f in holders if article_id in deep_refs.get(f, ()))
        return sorted(files)

    def run_extras(self, config: Config) -> IncrementalResult:
        """Bring the extras' files (the search index) up to date with the last build's corpus;
        only changed files are written. What a deferred build left to do."""
        generation, corpus = self.extras_snapshot()
        return self.commit_extras(generation, self.compute_extras(corpus, config), config)

    def extras_snapshot(self) -> tuple[int, list[Article]]:
        """The last build's generation and corpus, for computing the extras elsewhere (the
        dev server does it on another thread, so page rebuilds never wait for it)."""
        self._load_state()
        corpus = self._corpus
        if corpus is None and self._index is not None:
            store = self._plan_store()
            corpus = sorted(store.all_articles(), key=lambda a: (a.source, a.order, a.id)) if store else []
        return self.generation, resolve_all(list(corpus or ()), self._plan_store())

    def compute_extras(self, corpus: list[Article], config: Config) -> ExtraOutput:
        return compute_extra_files(self.extras, corpus, config)

    def commit_extras(self, generation: int, extras: ExtraOutput, config: Config) -> IncrementalResult:
        """Write the extras computed for `generation`; a newer build makes them stale (not ok,
        mode "superseded": that build's own extras follow)."""
        started = time.perf_counter()
        result = IncrementalResult(ok=True, mode="extras", diagnostics=list(extras.diagnostics))
        index = self._index
        if index is None or not self.extras:
            return _done(result, started)
        if generation != self.generation:
            extras.discard()
            result.ok, result.mode = False, "superseded"
            return _done(result, started)
        extra_files = extras.files
        out_dir = Path(config.path("output_dir"))
        on_disk = file_sizes(out_dir)
        old_dynamic = {rel for rel in (index.extra_sizes or {}) if not is_static_output(rel)}
        keys = extra_file_keys(extra_files)
        tree = PublishedTree(out_dir)
        try:
            result.changed_files = sync_some(tree.prepare(), {k: v for k, v in extra_files.items() if v is not None},
                                              (old_dynamic - set(extra_files)) & set(on_disk), on_disk,
                                              self._page_store(), {k: v for k, v in keys.items() if v is not None})
            tree.publish(result.changed_files) if result.changed_files else tree.settle()
        except (OSError, ValueError) as exc:
            extras.discard()
            result.ok = False
            result.diagnostics.append(Diagnostic(str(out_dir), f"cannot write the search index: {exc}"))
            return _done(result, started)
        extras.commit()
        record_extras(index, keys)
        sizes = {rel: size for rel, size in (index.extra_sizes or {}).items() if rel not in old_dynamic}
        sizes.update(extra_file_sizes(extra_files, on_disk))
        index.extra_sizes = sizes
        index.extras_stale = False
        self._note_extras(config)
        self._save_index()
        result.files_written = sum(1 for rel in result.changed_files if rel in extra_files)
        return _done(result, started)

    def _note_extras(self, config: Config) -> None:
        """After a build or extras run: which articles (id -> text digest) the extras' state
        now stands for, with the token that identifies that state; nothing while the extras
        are stale (deferred) or without a page store (no digests)."""
        index = self._index
        index.extras_digests, index.extras_token = None, None
        if self.extras and not index.extras_stale and index.article_digests:
            token = extras_token(self.extras, config)
            if token is not None:
                index.extras_digests, index.extras_token = dict(index.article_digests), token

    def _unchanged_for_extras(self, config: Config, patched: dict[str, Article]) -> set[str]:
        """Ids of articles whose content the extras' state was computed from: the last build
        noted the state's token and the articles' digests, the state still has that token
        (no other build wrote it since), and the article's text digest is the one noted.
        The search index then neither hashes nor reads them (10,000 record hashes, and
        the unpickling of every article they would need)."""
        index = self._index
        noted = index.extras_digests
        if not noted or index.extras_stale or index.extras_token is None \
                or extras_token(self.extras, config) != index.extras_token:
            return set()
        current = index.article_digests
        return {i for i, d in noted.items() if i not in patched and current.get(i) == d}

    def _restore_extras(self, out_dir: Path, store: "PageStore", on_disk: dict[str, int]) -> list[str]:
        """Put back the extras' files of the last build that are missing from output/ (it was
        deleted), from the page store, when the store has every one of them: the extras
        (the search index, whose state says what it wrote) then find their files in place
        and have nothing to compute. Anything missing: the extras compute as usual."""
        index = self._index
        digests = (index.extra_digests or {}) if index is not None else {}
        missing = {rel: key for rel, key in digests.items() if rel not in on_disk}
        if not missing or set(digests) != {r for r in (index.extra_sizes or {}) if not is_static_output(r)}:
            return []
        sizes = store.lookup(sorted(set(missing.values())))
        if any(key not in sizes for key in missing.values()):
            return []
        writer = SyncWriter(out_dir, on_disk, store, WRITE_THREADS if len(missing) >= WRITE_THREADS_MIN_FILES else 0)
        try:
            for rel, key in sorted(missing.items()):
                writer.put_stored(rel, key, sizes[key])
            written = writer.commit()
        except (OSError, ValueError):  # the extras compute them, and the write reports it
            writer.undo()
            return []
        on_disk.update((rel, sizes[key]) for rel, key in missing.items())
        return written

    def _forget_plans(self) -> None:
        store = self._plan_store()
        if store is not None:
            store.drop_pages(store.all_page_files())

    def _corpus_with(self, patched: dict[str, Article], store: PlanStore) -> list[Article]:
        """The whole corpus as the extras see it, with the patched articles."""
        if self._corpus is not None:
            base = self._corpus
        elif self._index.order and set(self._index.order) == set(self._index.article_digests):
            # The order the last full build recorded still holds: an edit this path takes
            # keeps every id, source and order (plan keys). Every article is in the store
            # (article_digests says so, as for load_pages): those the pages did not load stay
            # there until the extras read them (the search index reads only the edited ones
            # while its state is this builder's; unpickling all 10,000 cost 0.4 s).
            loaded = store.loaded_articles
            return [patched.get(i) or loaded.get(i) or LazyArticle(i, store) for i in self._index.order]
        else:
            # The pages just loaded (home, the page index) usually hold every article already:
            # unpickle only the others.
            loaded = store.loaded_articles
            missing = [i for i in self._index.article_digests if i not in loaded]
            base = resolve_all([*(a for i, a in loaded.items() if i in self._index.article_digests),
                                *store.articles(missing)])
        corpus = [patched.get(a.id, a) for a in base]
        corpus.sort(key=lambda a: (a.source, a.order, a.id))
        return corpus

    # -- everything else: plan the whole site

    def _full_update(self, config: Config, scan: ContentScan, others: str, on_disk: dict[str, int],
                     result: IncrementalResult, clock: StageClock) -> None:
        # The corpus and the planned pages live to the end of the build: frozen, the cyclic
        # collector stops walking them again and again as the build allocates (its oldest
        # generation took 2.2 s of a 10,000-article full build, 0.8 s with them frozen).
        frozen_before = gc.get_freeze_count()
        try:
            self._plan_and_write(config, scan, others, on_disk, result, clock)
        finally:
            if not frozen_before:
                gc.unfreeze()

    def _plan_and_write(self, config: Config, scan: ContentScan, others: str, on_disk: dict[str, int],
                        result: IncrementalResult, clock: StageClock) -> None:
        from ..plan import plan_site

        self._load_parsed()
        index = self._index
        if index is None or index.config != config:
            index = BuildIndex(code=code_version(), config=config)
        corpus, entries = self.read_corpus(config.path("content_dir"), scan)
        gc.freeze()
        result.diagnostics.extend(corpus.diagnostics)
        result.articles = len(corpus.articles)
        clock.lap("read")
        pages = plan_site(corpus.articles, config)
        gc.freeze()
        result.pages_planned = len(pages)
        clock.lap("plan")
        self._index = index
        article_hashes = {a.id: article_hash(a.path, entries[a.path].digest) for a in corpus.articles}
        face_keys = {a.id: entries[a.path].face_key for a in corpus.articles}
        fresh_ids = {e.article_id: e.digest for e in entries.values() if e.article_id is not None}
        old_data, old_ids = index.data_digests, index.article_digests

        def store_plans(data_digests: dict[str, bytes], blobs: dict[str, tuple[bytes, set[str]]]) -> None:
            # on the page store's thread while the files are written
            store = self._plan_store()
            if store is None:
                return
            stale = [p for p in pages if old_data.get(p.file) != data_digests[p.file]]
            if stale:
                store.put_pages(stale, blobs, pages[0].links, self._links_digest)
            # A new index knows nothing of what the store holds (code changed, or site.toml):
            # compare with the store itself, or plans of pages the site no longer has stay and
            # a later one-article edit loads them (the KeyError seen at 10,000 articles).
            known = set(old_data) if old_data else set(store.all_page_files())
            gone = known - set(data_digests)
            if gone:
                store.drop_pages(gone)
            store.put_articles(a for a in corpus.articles if old_ids.get(a.id) != fresh_ids.get(a.id))
            stored_ids = set(old_ids) if old_ids else set(store.all_article_ids())
            store.drop_articles(stored_ids - set(fresh_ids))

        written = self._render_and_write(config, pages, None if self.defer_extras else corpus.articles,
                                         on_disk, result, clock, full=True, articles=corpus.articles,
                                         article_hashes=article_hashes, face_keys=face_keys,
                                         on_rendered=lambda digests, blobs: self._background.submit(
                                             store_plans, digests, blobs))
        if not written:
            return
        data_digests, _, blobs = written
        index.article_hashes = article_hashes
        index.face_keys = face_keys
        if self._open_db() is not None:
            index.article_digests = fresh_ids
            index.data_digests = data_digests
        index.files = entries
        index.others = others
        index.scanned_ns = scan.started_ns
        index.diagnostics = list(corpus.diagnostics)
        index.articles = len(corpus.articles)
        index.order = [a.id for a in corpus.articles]
        index.extras_stale = self.defer_extras and bool(self.extras)
        self._corpus = corpus.articles
        self._note_extras(config)
        self._save_parsed()
        self._background.finish()  # the index names stored plans: they must be there first
        self._save_index()
        clock.lap("save")
        result.ok = True

    def _render_and_write(self, config: Config, pages: list, corpus: list[Article] | None,
                          on_disk: dict[str, int], result: IncrementalResult, clock: StageClock,
                          full: bool, articles: Iterable[Article] = (),
                          article_hashes: dict[str, bytes | None] | None = None,
                          face_keys: dict[str, bytes | None] | None = None, links_digest: bytes | None = None,
                          on_rendered: Callable[[dict[str, bytes], dict], None] | None = None,
                          unchanged: Collection[str] = ()):
        """Fingerprint `pages`, render those whose fingerprint changed, run the extras (with
        `corpus`, when given) and write what changed. `full`: `pages` is the whole site, so
        files it does not name are removed. Returns (page -> data digest, fingerprints), or
        None after reporting an error (output/ left as it was)."""
        from .render import RenderError, make_environment

        index = self._index
        out_dir = Path(config.path("output_dir"))
        env = make_environment(config, self._bytecode_dir(config))
        template_hashes = template_closure_hashes(env, self._template_refs)
        site_wide = Hasher().digest((env.globals.get("site"), config, code_version()))
        # One memo per build (shared objects hashed once). Articles (`articles`, with their
        # `article_hashes`) are not walked: an Article is parse_article(its file's text) with
        # its path, so the text digest stands for it (what it shows on the page, its fields,
        # are in the data digest through that).
        links = pages[0].links if pages else None
        if links_digest is None:  # the link table every page shares: hashed once
            links_digest = hashlib.blake2b(pickle.dumps(links, protocol=pickle.HIGHEST_PROTOCOL),
                                           digest_size=16).digest()
        self._links_digest = links_digest
        keys = ArticleKeys(article_hashes, face_keys, {a.id: a for a in articles})
        previous = index.fingerprints if index is not None else {}
        previous_deep = index.deep_refs if index is not None else {}
        data_digests: dict[str, bytes] = {}
        page_fps: dict[str, bytes] = {}
        blobs: dict[str, tuple[bytes, set[str]]] = {}
        bases: dict[str, Any] = {}
        deep_refs: dict[str, frozenset[str] | None] = {}

        def page_fingerprint(page, deep: frozenset[str] | None) -> tuple[bytes, bytes]:
            data = keys.data_digest(bases[page.file], blobs[page.file][1], deep)
            return data, hashlib.blake2b(site_wide + template_hashes.get(page.template, b"?") + data,
                                         digest_size=16).digest()

        def fingerprint(page, deep: frozenset[str] | None) -> None:
            data_digests[page.file], page_fps[page.file] = page_fingerprint(page, deep)

        for page in pages:
            blob, ids = blobs[page.file] = pickle_page(page, links)
            h = bases[page.file] = hashlib.blake2b(blob, digest_size=16)
            h.update(links_digest)
            # what the page read of its articles last time it rendered; a page never rendered
            # counts as reading every article whole
            deep = deep_refs[page.file] = previous_deep.get(page.file, frozenset()) \
                if page.file in previous else None
            fingerprint(page, deep)
        clock.lap("fingerprint")
        store = self._page_store()
        files: dict[str, bytes | None] = {}  # the site's files (None: written, or unchanged on disk)
        fingerprints: dict[str, tuple[bytes, int]] = {}
        to_render = []
        for page in pages:
            fp = page_fps[page.file]
            old = previous.get(page.file)
            if old is not None and old[0] == fp and on_disk.get(page.file) == old[1]:
                files[page.file] = None
                fingerprints[page.file] = old
            else:
                to_render.append(page)
        stored = store.lookup([page_fps[p.file] for p in to_render])
        rendered_pages = [p for p in to_render if page_fps[p.file] not in stored]
        clock.lap("lookup")
        # The extras (the search index, a plain function of the corpus) run before the pages
        # render, not after: their working memory is freed before rendering, and the search
        # index's forked child starts from a smaller process.
        # Everything is written into a tree beside output/ that holds the same files, then
        # swapped in as output/ in one step (see output.PublishedTree): a build killed at any
        # point leaves output/ whole, old or new, never mixed, and a reader never sees a page
        # half-written.
        tree = PublishedTree(out_dir)
        write_dir = tree.prepare()
        extras, restored = None, []
        if corpus is not None:
            restored = self._restore_extras(write_dir, store, on_disk)
            # the extras look at their files as they are about to be published (restored)
            extras = compute_extra_files(self.extras, corpus, replace(config, output_dir=str(write_dir)),
                                         unchanged)
        clock.lap("extras")
        extra_files: dict[str, bytes | None] = {}
        if full:
            extra_files[".nojekyll"] = b""
            static = Path(config.path("static_dir"))
            if static.is_dir():
                for file in sorted(p for p in static.rglob("*") if p.is_file()):
                    rel = file.relative_to(static)
                    if not any(part.startswith(".") for part in rel.parts):
                        extra_files[f"static/{rel.as_posix()}"] = file.read_bytes()
        if extras is not None:
            extra_files.update(extras.files)
            result.diagnostics.extend(extras.diagnostics)
        extra_sizes = extra_file_sizes(extra_files, on_disk)
        extra_keys = extra_file_keys(extra_files)
        # Everything is written as it comes, in phase one of SyncWriter until every page has
        # rendered (a template error still leaves output/ as it was): the extras' files and
        # the pages from the store now, on threads; each page where it renders. Nothing holds
        # the site's bytes (6.3 GB at 50,000 articles when rendered pages waited for the end).
        writer = SyncWriter(write_dir, on_disk, store, WRITE_THREADS)
        try:
            for rel, data in extra_files.items():
                if data is not None:
                    writer.put(rel, data, extra_keys.get(rel))
            for page in to_render:
                fp = page_fps[page.file]
                if fp in stored:
                    writer.put_stored(page.file, fp, stored[fp])
            writer.drain()  # no threads while render workers are forked
        except (OSError, ValueError) as exc:  # ValueError: output.UnsafePathError
            return self._write_failed(writer, extras, out_dir, result, exc)
        files.update(dict.fromkeys(extra_files))
        extra_files = {}
        if extras is not None:
            extras.files = {}  # written: their bytes can go

        def store_key(i: int, read: frozenset[str]) -> bytes:
            """The page's fingerprint by what its render read (in a forked worker too)."""
            page = rendered_pages[i]
            if read == deep_refs[page.file]:
                return page_fps[page.file]
            return page_fingerprint(page, read)[1]

        sink = PageSink(writer, [p.file for p in rendered_pages], store_key)
        try:
            sizes = render_all(env, config, rendered_pages, self.workers, self._bytecode_dir(config), sink)
        except RenderError as exc:
            writer.undo()
            tree.settle(restored)  # the tree is output/ again, but for restored files
            if extras is not None:
                extras.discard()
            result.diagnostics.append(exc.diagnostic)
            return None
        except (OSError, ValueError) as exc:
            return self._write_failed(writer, extras, out_dir, result, exc)
        for i, page in enumerate(rendered_pages):
            read = sink.reads[i]
            if read != deep_refs[page.file]:  # fingerprinted by what this render read
                deep_refs[page.file] = read
                fingerprint(page, read)
        for page in to_render:
            if deep_refs[page.file] is None:  # from the store, by the fingerprint that reads all
                deep_refs[page.file] = frozenset(blobs[page.file][1])
        bases.clear()
        clock.lap("render")
        if on_rendered is not None:
            on_rendered(data_digests, blobs)
        by_file = dict(zip((p.file for p in rendered_pages), sizes))
        for page in to_render:
            fp = page_fps[page.file]
            files[page.file] = None
            fingerprints[page.file] = (fp, by_file[page.file] if page.file in by_file else stored[fp])
        result.pages_rendered = len(rendered_pages)
        result.pages_from_store = len(to_render) - len(rendered_pages)
        old_dynamic = {rel for rel in (index.extra_sizes or {}) if not is_static_output(rel)} \
            if index is not None else set()
        if full and corpus is None:  # extras deferred: their last files stay until run_extras()
            for rel in old_dynamic:
                files.setdefault(rel, None)
        try:
            if full:
                result.changed_files = writer.commit(set(on_disk) - set(files), prune=True, site=files)
            else:  # every other file stays, except extras' leftovers
                dropped = old_dynamic - set(extra_sizes) if corpus is not None else set()
                remove = dropped & set(on_disk)
                result.changed_files = writer.commit(remove, prune=bool(remove))
        except (OSError, ValueError) as exc:
            return self._write_failed(writer, extras, out_dir, result, exc)
        self._background.submit(store.record, writer.stored)
        if restored:
            result.changed_files = sorted({*result.changed_files, *restored})
        try:
            tree.publish(result.changed_files) if result.changed_files else tree.settle()
        except OSError as exc:
            return self._write_failed(writer, extras, out_dir, result, exc)
        result.files_written = sum(1 for rel in result.changed_files if rel in files)
        if extras is not None:
            extras.commit()  # the extras' files are on disk: their state may say so
            if self._index is not None:
                record_extras(self._index, extra_keys)
        if self._index is not None:
            recorded = {f: d for f, d in deep_refs.items() if d}  # None only for unrendered pages
            if full:
                self._index.deep_refs = recorded
            else:
                for f, d in deep_refs.items():
                    self._index.deep_refs.pop(f, None)
                self._index.deep_refs.update(recorded)
            if full:
                self._index.fingerprints = fingerprints
                kept = {rel: size for rel, size in (index.extra_sizes or {}).items()
                        if rel in old_dynamic} if corpus is None else {}
                self._index.extra_sizes = {**kept, **extra_sizes}
            else:
                self._index.fingerprints.update(fingerprints)
                sizes = {rel: size for rel, size in (index.extra_sizes or {}).items()
                         if corpus is None or rel not in old_dynamic}
                sizes.update(extra_sizes)
                self._index.extra_sizes = sizes
        clock.lap("write")
        if full:
            keep = {fp for fp, _ in fingerprints.values()}
            keep.update((self._index.extra_digests or {}).values() if self._index is not None else ())
            self._background.submit(store.keep_only, keep)
        return data_digests, fingerprints, blobs

    def _write_failed(self, writer: "SyncWriter", extras: ExtraOutput | None, out_dir: Path,
                      result: IncrementalResult, exc: Exception) -> None:
        writer.undo()
        self._index = None  # unknown state on disk: render everything next time
        self._forget_state()
        if extras is not None:
            extras.discard()
        result.diagnostics.append(Diagnostic(str(out_dir), f"cannot write the site: {exc}"))
        return None

    # -- state kept between processes

    _STATE_FILE = "build-state.pickle"  # the parse cache (read by full builds only)
    _DB_FILE = "pages.sqlite"  # the page store's table and the plan store
    _INDEX_FILE = "build-index.pickle"

    def _load_state(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.state_dir is not None:
            file = self.state_dir / self._INDEX_FILE
            self._index, problem = BuildIndex.load_checked(file, code_version())
            if problem:
                self._cache_warning(file, problem)

    def _load_parsed(self) -> None:
        if self._parsed_loaded or self.state_dir is None:
            return
        self._parsed_loaded = True
        try:
            with open(self.state_dir / self._STATE_FILE, "rb") as fh:
                state = pickle.load(fh)
            if state["format"] == STATE_FORMAT and state["code"] == code_version():
                self._parsed = state["parsed"]
        except FileNotFoundError:
            pass
        except Exception as exc:  # unreadable: parse again
            self._cache_warning(self.state_dir / self._STATE_FILE, f"{type(exc).__name__}: {exc}")

    def _save_index(self) -> None:
        if self.state_dir is not None and self._index is not None:
            self._index.save(self.state_dir / self._INDEX_FILE)

    def _save_parsed(self) -> None:
        if self.state_dir is None:
            return
        self.state_dir.mkdir(parents=True, exist_ok=True)
        file = self.state_dir / self._STATE_FILE
        tmp = file.with_name(f".{file.name}.tmp-{os.getpid()}")
        with open(tmp, "wb") as fh:
            pickle.dump({"format": STATE_FORMAT, "code": code_version(), "parsed": self._parsed},
                        fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, file)

    def _forget_state(self) -> None:
        if self.state_dir is not None:
            (self.state_dir / self._INDEX_FILE).unlink(missing_ok=True)

    def _open_db(self) -> sqlite3.Connection | None:
        """The page store, kept open for the builder's life (in memory without a state dir,
        so a long-lived builder still has one). A store that cannot be opened (a corrupted
        file) is deleted with a warning and made again, empty."""
        if self._db is None:
            try:
                self._db = self._connect()
            except sqlite3.DatabaseError as exc:
                if self.state_dir is None:
                    return None
                self._discard_db(f"{type(exc).__name__}: {exc}")
                try:
                    self._db = self._connect()
                except sqlite3.Error:
                    self._db = None
            except sqlite3.Error:
                self._db = None
        return self._db

    def _connect(self) -> sqlite3.Connection:
        if self.state_dir is None:
            db = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.state_dir / self._DB_FILE, check_same_thread=False)
        try:
            if self.state_dir is not None:
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # a lost write is a page rendered again
            PageStore.create_tables(db)
        except BaseException:
            db.close()
            raise
        return db

    def _discard_db(self, problem: str) -> None:
        """Delete the page and plan store (and the index that names what it holds)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        file = self.state_dir / self._DB_FILE
        self._cache_warning(file, problem)
        for suffix in ("", "-wal", "-shm"):
            file.with_name(file.name + suffix).unlink(missing_ok=True)
        self._index = None
        self._forget_state()

    def _cache_warning(self, file: Path, problem: str) -> None:
        self._warnings.append(Diagnostic(str(file), f"cache could not be read ({problem}); "
                                         "discarded, it is rebuilt", None, "warning"))

    def _page_store(self) -> "PageStore":
        return PageStore(self._open_db(), self.state_dir / "pages" if self.state_dir is not None else None)

    def _bytecode_dir(self, config: Config) -> Path | None:
        """Where compiled templates are kept, one folder per settings and code: Jinja folds
        filters applied to constants at compile time (`"static/x.css"|url` holds base_url),
        so compiled code is only valid for the environment that compiled it."""
        if self.state_dir is None:
            return None
        key = hashlib.blake2b(repr(config).encode("utf-8", "surrogatepass") + code_version().encode(),
                              digest_size=8).hexdigest()
        return self.state_dir / "jinja" / key

    def _plan_store(self) -> PlanStore | None:
        db = self._open_db()
        if db is None:
            return None
        try:
            return PlanStore(db)
        except sqlite3.Error:
            return None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def read_corpus(self, content_dir: str | Path, scan: ContentScan | None = None) -> tuple[Corpus, dict[str, FileEntry]]:
        """content.read_corpus with a parse cache keyed by each file's text hash; also the
        index entry of every file."""
        root = Path(content_dir)
        if scan is None:
            scan = scan_content(root, None)
        articles: list[Article] = []
        diagnostics: list[Diagnostic] = []
        seen: dict[str, str] = {}
        parsed_now: dict[str, tuple[str, ParsedFile]] = {}
        entries: dict[str, FileEntry] = {}
        for rel in sorted(set(scan.stats) | set(scan.unreadable)):
            shown = os.path.join(str(content_dir), rel)
            if rel in scan.unreadable:
                diagnostics.append(Diagnostic(shown, f"cannot read as UTF-8 ({scan.unreadable[rel]}); skipped"))
                continue
            digest = scan.digests[rel]
            size, mtime = scan.stats[rel]
            entries[rel] = FileEntry(size, mtime, digest)
            cached = self._parsed.get(rel)
            text = None
            if cached is not None and cached[0] == digest:
                parsed = cached[1]
            else:
                data = scan.texts.get(rel)
                try:
                    text = (data if data is not None else (root / rel).read_bytes()).decode("utf-8")
                except (UnicodeDecodeError, OSError) as exc:
                    diagnostics.append(Diagnostic(shown, f"cannot read as UTF-8 ({exc}); skipped"))
                    continue
                parsed = parse_article(text, shown)
                if parsed.article is not None:
                    parsed.article.path = rel
            parsed_now[rel] = (digest, parsed)
            diagnostics.extend(parsed.diagnostics)
            if parsed.article is None:
                continue
            article = parsed.article
            if article.id in seen:
                if text is None:
                    text = (root / rel).read_text(encoding="utf-8", errors="replace")
                diagnostics.append(Diagnostic(shown, f"id {article.id!r} is already used by "
                                              f"{seen[article.id]}; skipped", _id_line(text)))
                continue
            seen[article.id] = shown
            entries[rel].article_id = article.id
            entries[rel].plan_key = key = plan_key(article)
            entries[rel].face_key = face_key(article, key)
            articles.append(article)
        self._parsed = parsed_now
        articles.sort(key=lambda a: (a.source, a.order, a.id))
        return Corpus(articles, diagnostics + slug_clashes(articles, str(content_dir))), entries


class StoreThread:
    """One thread for the page store's SQLite writes, in the order given; finish() waits for
    them and raises what they raised. Never running while render workers are forked."""

    def __init__(self):
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._futures: list[concurrent.futures.Future] = []

    def submit(self, fn: Callable, *args) -> None:
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="page-store")
        self._futures.append(self._pool.submit(fn, *args))

    def finish(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        futures, self._futures = self._futures, []
        for future in futures:
            future.result()




def _id_line(text: str) -> int:
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith("id:"):
            return i
    return 1


def _done(result: IncrementalResult, started: float) -> IncrementalResult:
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------- fingerprints

