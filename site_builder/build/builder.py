"""The builder: one build, as a short sequence of named steps, with its caches between builds.

  scan         build_index.scan_content: which content files changed (stat, then text digest)
  plan         plan.plan_site (the whole site), or, when no edit touches what the plan
               decides, the stored plans of just the pages holding the edited articles
  fingerprint  fingerprint.PageFingerprints: a hash of everything each page's bytes depend on
  render       render.py through render_pool.py, only pages whose fingerprint changed and
               that the page store (page_store.py) cannot give back
  write        writer.SyncWriter into output.PublishedTree, swapped in as output/ in one step
  extras       extras.py: the search index, from the whole corpus, after or with the pages

Decided by content hashes, never by mtimes alone (a stat is trusted only outside git's racy
window, see build_index). Byte-identical to a build from empty caches is the contract (tests
compare whole trees after random edit sequences). page_run.py holds steps 3-6.
"""
from __future__ import annotations

import concurrent.futures
import gc
import hashlib
import inspect
import os
import sqlite3
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Sequence

from ..config import Config
from ..content import parse_article
from ..model import Article, Diagnostic, Reported, StageClock
from .build_index import (BuildIndex, ContentHint, ContentScan, FileEntry, LazyArticle, PlanStore, face_key,
                          plan_key, rescan_content, resolve_all, scan_content)
from .caches import BuildCaches
from .extras import (ExtraFiles, default_extras, ExtraOutput, compute_extra_files, extra_file_keys, extra_file_sizes,
                     extras_token, is_static_output, record_extras)
from .fingerprint import article_hash, code_version
from .output import PublishedTree
from .page_run import PageJob, run_pages
from .page_store import PageStore
from . import render_pool
from .writer import (WRITE_THREADS, WRITE_THREADS_MIN_FILES, SyncWriter, file_sizes, known_sizes, no_strays,
                     output_intact, sync_some)



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

    With `state_dir` (the CLI uses `.cache/` of the project) the caches outlive the process
    (caches.BuildCaches: the build index, the parse cache, the plan and page stores), so a
    build after `rm -rf output` links pages back instead of rendering them. With `workers` > 1,
    many pages to render are shared out to forked processes (never from a process running
    other threads, e.g. the dev server)."""

    def __init__(self, extras: Sequence[ExtraFiles] | None = None, state_dir: str | Path | None = None,
                 workers: int = 1, defer_extras: bool = False):
        self.extras = default_extras() if extras is None else tuple(extras)
        # The dev loop rebuilds pages and signals the reload first, then computes the extras
        # from extras_snapshot() in a worker and calls commit_extras() (dev/loop.py):
        # a one-article edit must not wait for the whole search index.
        self.defer_extras = defer_extras
        self.generation = 0  # counts builds, so extras computed for an older one are dropped
        # Articles unpickled from the plan store by earlier one-article builds of this process
        # (id -> (text digest, Article)): serve loads the home page's 10,000 articles once.
        self._article_cache: dict[str, tuple[str, Article]] = {}
        self.caches = BuildCaches(state_dir)
        self.workers = workers
        self._corpus: list[Article] | None = None  # the last build's articles (this process)
        self.links_digest: bytes | None = None  # of the last build's link table
        self.template_refs: dict[str, tuple[str, set[str] | None]] = {}  # name -> (source, refs)
        self.store_thread = StoreThread()
        # When the last full content scan of a successful build (and every build since) began:
        # a watcher running since before then has seen every change after it.
        self._scanned_since: int | None = None

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
                self.store_thread.finish()
                if self.caches.state_dir is None:
                    raise
                self.caches.discard_db(f"{type(exc).__name__}: {exc}")
                self._scanned_since = None
                result = self._build(config, None)
        except BaseException:
            self._scanned_since = None
            raise
        finally:
            self.store_thread.finish()
        result.diagnostics[:0] = self.caches.warnings
        self.caches.warnings = []
        if not result.ok:
            self._scanned_since = None
        return result

    build_hinted = __call__  # protocols.HintedBuild: the dev loop passes what its watcher saw

    def _build(self, config: Config, hint: ContentHint | None = None) -> IncrementalResult:
        self.generation += 1
        started = time.perf_counter()
        result = IncrementalResult(ok=False)
        clock = StageClock(result.timings)
        self.caches.load_index()
        if self.caches.state_dir is not None:
            self.caches.open_db()  # a store that must be discarded takes the index along, now
        config = replace(config, site_url=config.site_url.rstrip("/") + "/")  # as build_site
        index = self.caches.index
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
        index = self.caches.index
        edits = parse_edits(index, scan, changed, str(config.path("content_dir")))
        store = self.caches.plan_store() if edits is not None else None
        if store is None:
            return False
        pages = self._load_edited_pages(store, edits)
        if pages is None:
            return False
        # Articles are hashed by their file's text, never walked (see article_hash).
        article_hashes = {i: index.article_hashes.get(i) for i in store.loaded_articles}
        article_hashes.update((e.article_id, article_hash(rel, e.digest)) for rel, e in edits.entries.items())
        face_keys = {i: index.face_keys.get(i) for i in store.loaded_articles}
        face_keys.update((e.article_id, e.face_key) for e in edits.entries.values())
        clock.lap("plan")
        shown_changed = {os.path.join(str(config.path("content_dir")), rel) for rel in changed}
        diagnostics = [d for d in index.diagnostics if d.path not in shown_changed] + edits.diagnostics
        result.diagnostics.extend(diagnostics)
        result.articles = index.articles
        result.pages_planned = len(index.fingerprints)
        corpus = self._corpus_with(edits.patched, store) if self.extras else None
        reported = len(result.diagnostics)
        unchanged = self._unchanged_for_extras(config, edits.patched) \
            if corpus is not None and not self.defer_extras else set()
        written = run_pages(self, PageJob(config, pages, None if self.defer_extras else corpus, on_disk,
                                          result, clock, full=False, articles=store.loaded_articles.values(),
                                          article_hashes=article_hashes, face_keys=face_keys,
                                          links_digest=store.links_digest, unchanged=unchanged))
        self.store_thread.finish()  # the store's connection is ours again
        if not written:
            # The stored plans could not be rendered as they are (an error a full build would
            # report again, or plans out of step with each other): forget them and plan the
            # whole site, which stores every page afresh.
            del result.diagnostics[reported:]
            index.data_digests = {}
            self._forget_plans()
            return False
        self._record_edits(store, pages, edits, written, article_hashes, scan)
        index.diagnostics = diagnostics
        if corpus is not None:
            self._corpus = corpus
        index.extras_stale = self.defer_extras and bool(self.extras)
        self._note_extras(config)
        self.caches.save_index()
        clock.lap("save")
        result.ok = True
        result.mode = "pages"
        return True

    def _load_edited_pages(self, store: PlanStore, edits: "Edits") -> list | None:
        """The stored plans of the pages the edits can change, with the edited articles in
        them (None: the store cannot give them all)."""
        from ..plan import ArticleContext, _description

        index = self.caches.index
        files = self._pages_to_update(store, {e.article_id: e.face_key for e in edits.entries.values()})
        # stored articles a template (or the extras) read since: the Article itself, so this
        # build's templates do not go through LazyArticle.__getattr__ (0.2 s for a person page)
        cached = {i: a._article if type(a) is LazyArticle and a._article is not None else a
                  for i, (digest, a) in self._article_cache.items()
                  if i not in edits.patched and index.article_digests.get(i) == digest}
        pages = store.load_pages(files, edits.patched, cached, stored=index.article_digests)
        if pages is None:
            return None
        if len(pages) >= render_pool.PARALLEL_MIN_PAGES:  # forked render workers must not read the store
            resolve_all(list(store.loaded_articles.values()), store)
        self._article_cache = {i: (index.article_digests[i], a) for i, a in store.loaded_articles.items()
                               if i not in edits.patched and i in index.article_digests}
        for page in pages:  # the one value plan.py derives from plan-neutral fields
            if isinstance(page.context, ArticleContext) and page.context.article.id in edits.patched:
                page.description = _description(page.context.article)
        return pages

    def _record_edits(self, store: PlanStore, pages: list, edits: "Edits", written: tuple,
                      article_hashes: dict[str, bytes | None], scan: ContentScan) -> None:
        """Store the edited articles and page plans; the index learns their new digests."""
        from ..plan import ArticleContext

        index = self.caches.index
        data_digests, _, blobs = written
        store.put_page_data([p for p in pages if index.data_digests.get(p.file) != data_digests[p.file]
                             and isinstance(p.context, ArticleContext)], blobs)
        store.put_articles(edits.patched.values())
        for i, a in edits.patched.items():
            self._article_cache[i] = (edits.entries[a.path].digest, a)
        for rel, entry in edits.entries.items():
            index.files[rel] = entry
            index.article_digests[entry.article_id] = entry.digest
            index.article_hashes[entry.article_id] = article_hashes[entry.article_id]
            index.face_keys[entry.article_id] = entry.face_key
        index.data_digests.update(data_digests)
        # Files read again by this scan but unchanged (touched, or racy): their stat now, so
        # the next scan trusts them once they are old enough. Every file this scan did not
        # read is as the entry says as of its start (scan_content re-reads every racy file;
        # a hinted scan has the watcher's word): the next scan's racy window starts there. With
        # the older start kept, every build after a re-ingest re-read all 10,000 files.
        for rel in scan.texts:
            entry = index.files.get(rel)
            if rel not in edits.entries and entry is not None and entry.digest == scan.digests.get(rel):
                index.files[rel] = replace(entry, size=scan.stats[rel][0], mtime_ns=scan.stats[rel][1])
        index.scanned_ns = scan.started_ns

    def _pages_to_update(self, store: PlanStore, faces: dict[str, bytes]) -> list[str]:
        """The pages an edit of these articles (id -> new face_key) can change: every page
        holding one whose face changed; where only deeper fields changed, the pages whose last
        render read them (the article's own page, the feed), not the listings of its title."""
        deep_refs = self.caches.index.deep_refs
        files: set[str] = set()
        for article_id, face in faces.items():
            holders = store.pages_holding([article_id])
            if face != self.caches.index.face_keys.get(article_id):
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
        self.caches.load_index()
        corpus = self._corpus
        if corpus is None and self.caches.index is not None:
            store = self.caches.plan_store()
            corpus = sorted(store.all_articles(), key=lambda a: (a.source, a.order, a.id)) if store else []
        return self.generation, resolve_all(list(corpus or ()), self.caches.plan_store())

    def compute_extras(self, corpus: list[Article], config: Config) -> ExtraOutput:
        return compute_extra_files(self.extras, corpus, config)

    def commit_extras(self, generation: int, extras: ExtraOutput, config: Config) -> IncrementalResult:
        """Write the extras computed for `generation`; a newer build makes them stale (not ok,
        mode "superseded": that build's own extras follow)."""
        started = time.perf_counter()
        result = IncrementalResult(ok=True, mode="extras", diagnostics=list(extras.diagnostics))
        index = self.caches.index
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
                                              self.caches.page_store(), {k: v for k, v in keys.items() if v is not None})
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
        self.caches.save_index()
        result.files_written = sum(1 for rel in result.changed_files if rel in extra_files)
        return _done(result, started)

    def _note_extras(self, config: Config) -> None:
        """After a build or extras run: which articles (id -> text digest) the extras' state
        now stands for, with the token that identifies that state; nothing while the extras
        are stale (deferred) or without a page store (no digests)."""
        index = self.caches.index
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
        index = self.caches.index
        noted = index.extras_digests
        if not noted or index.extras_stale or index.extras_token is None \
                or extras_token(self.extras, config) != index.extras_token:
            return set()
        current = index.article_digests
        return {i for i, d in noted.items() if i not in patched and current.get(i) == d}

    def restore_extras(self, out_dir: Path, store: "PageStore", on_disk: dict[str, int]) -> list[str]:
        """Put back the extras' files of the last build that are missing from output/ (it was
        deleted), from the page store, when the store has every one of them: the extras
        (the search index, whose state says what it wrote) then find their files in place
        and have nothing to compute. Anything missing: the extras compute as usual."""
        index = self.caches.index
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
        store = self.caches.plan_store()
        if store is not None:
            store.drop_pages(store.all_page_files())

    def _corpus_with(self, patched: dict[str, Article], store: PlanStore) -> list[Article]:
        """The whole corpus as the extras see it, with the patched articles."""
        if self._corpus is not None:
            base = self._corpus
        elif self.caches.index.order and set(self.caches.index.order) == set(self.caches.index.article_digests):
            # The order the last full build recorded still holds: an edit this path takes
            # keeps every id, source and order (plan keys). Every article is in the store
            # (article_digests says so, as for load_pages): those the pages did not load stay
            # there until the extras read them (the search index reads only the edited ones
            # while its state is this builder's; unpickling all 10,000 cost 0.4 s).
            loaded = store.loaded_articles
            return [patched.get(i) or loaded.get(i) or LazyArticle(i, store) for i in self.caches.index.order]
        else:
            # The pages just loaded (home, the page index) usually hold every article already:
            # unpickle only the others.
            loaded = store.loaded_articles
            missing = [i for i in self.caches.index.article_digests if i not in loaded]
            base = resolve_all([*(a for i, a in loaded.items() if i in self.caches.index.article_digests),
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

        self.caches.load_parsed()
        index = self.caches.index
        if index is None or index.config != config:
            index = BuildIndex(code=code_version(), config=config)
        corpus, entries = self.caches.read_corpus(config.path("content_dir"), scan)
        gc.freeze()
        result.diagnostics.extend(corpus.diagnostics)
        result.articles = len(corpus.articles)
        clock.lap("read")
        pages = plan_site(corpus.articles, config)
        gc.freeze()
        result.pages_planned = len(pages)
        clock.lap("plan")
        self.caches.index = index
        article_hashes = {a.id: article_hash(a.path, entries[a.path].digest) for a in corpus.articles}
        face_keys = {a.id: entries[a.path].face_key for a in corpus.articles}
        fresh_ids = {e.article_id: e.digest for e in entries.values() if e.article_id is not None}
        old_data, old_ids = index.data_digests, index.article_digests

        written = run_pages(self, PageJob(config, pages, None if self.defer_extras else corpus.articles,
                                          on_disk, result, clock, full=True, articles=corpus.articles,
                                          article_hashes=article_hashes, face_keys=face_keys,
                                          on_rendered=lambda digests, blobs: self.store_thread.submit(
                                              self._store_plans, pages, corpus.articles, old_data, old_ids,
                                              fresh_ids, digests, blobs)))
        if not written:
            return
        data_digests, _, blobs = written
        index.article_hashes = article_hashes
        index.face_keys = face_keys
        if self.caches.open_db() is not None:
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
        self.caches.save_parsed()
        self.store_thread.finish()  # the index names stored plans: they must be there first
        self.caches.save_index()
        clock.lap("save")
        result.ok = True

    def _store_plans(self, pages: list, articles: list[Article], old_data: dict[str, bytes],
                     old_ids: dict[str, str], fresh_ids: dict[str, str], data_digests: dict[str, bytes],
                     blobs: dict[str, tuple[bytes, set[str]]]) -> None:
        """Keep the plans of changed pages and the changed articles in the plan store, drop
        the rest (on the page store's thread while the files are written)."""
        store = self.caches.plan_store()
        if store is None:
            return
        stale = [p for p in pages if old_data.get(p.file) != data_digests[p.file]]
        if stale:
            store.put_pages(stale, blobs, pages[0].links, self.links_digest)
        # A new index knows nothing of what the store holds (code changed, or site.toml):
        # compare with the store itself, or plans of pages the site no longer has stay and
        # a later one-article edit loads them (the KeyError seen at 10,000 articles).
        known = set(old_data) if old_data else set(store.all_page_files())
        gone = known - set(data_digests)
        if gone:
            store.drop_pages(gone)
        store.put_articles(a for a in articles if old_ids.get(a.id) != fresh_ids.get(a.id))
        stored_ids = set(old_ids) if old_ids else set(store.all_article_ids())
        store.drop_articles(stored_ids - set(fresh_ids))

    def close(self) -> None:
        self.caches.close()


@dataclass
class Edits:
    """Changed content files that leave the plan as it was: their articles by id, their new
    index entries by path, and what parsing them reported."""

    patched: dict[str, Article]
    entries: dict[str, FileEntry]
    diagnostics: list[Diagnostic]


def parse_edits(index: BuildIndex, scan: ContentScan, changed: set[str], content_dir: str) -> Edits | None:
    """Parse the changed files; None when one is new, unreadable, broken, or changes its id
    or plan key (then the whole site must be planned)."""
    edits = Edits({}, {}, [])
    for rel in sorted(changed):
        old = index.files.get(rel)
        if old is None or old.article_id is None or rel not in scan.digests or rel not in scan.texts:
            return None
        try:
            text = scan.texts[rel].decode("utf-8")
        except UnicodeDecodeError:
            return None
        parsed = parse_article(text, os.path.join(content_dir, rel))
        article = parsed.article
        if article is None or any(d.severity == "error" for d in parsed.diagnostics):
            return None
        article.path = rel
        key = plan_key(article)
        if article.id != old.article_id or key != old.plan_key:
            return None
        edits.patched[article.id] = article
        edits.diagnostics += parsed.diagnostics
        size, mtime = scan.stats[rel]
        edits.entries[rel] = FileEntry(size, mtime, scan.digests[rel], article.id, key, face_key(article, key))
    return edits


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




def _done(result: IncrementalResult, started: float) -> IncrementalResult:
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------- fingerprints

