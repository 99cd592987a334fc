"""Stages 1-4 together: seeds/ -> segmented pages -> articles with metadata -> content/.

Each seed is read, segmented and extracted on its own (pages.py); an error in one is reported
with its file (and line) and the others go on. content/ is the archive's editable source
(files.py): a file whose text no longer matches the hash ingestion stored in it was edited by
a person and is never overwritten; untouched files are rewritten only when their bytes change;
files of a deleted seed are removed unless edited (then a warning says so).

run_ingest takes the quickest of three paths: nothing changed (the last run's outcome
stands, cache.CorpusMemo), a few seeds changed (state.run_incremental), or the full run
below (per-page cache and workers in cache.py, then the corpus step, corpus.py).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

from ..config import Config
from ..content import is_hand_edited
from ..model import Diagnostic, SeedPage, StageClock
from . import cache as ic
from . import lexicon
from . import state as ist
from .corpus import credited_names, finish_corpus
from .entities import load_word_list
from .files import place_files, remove_stale, write_texts
from .pages import IngestReport, PageResult, ingest_page, read_pages_by_file, record_outcome

STOPWORDS_FILE = "dictionaries/stopwords.txt"


def ingest_pages(pages: list[SeedPage], stopwords: frozenset[str], report: IngestReport) -> list[PageResult]:
    """The reference ingestion: serial, uncached, corpus.finish_corpus as written. run_ingest
    gives the same articles faster (tests compare the two byte for byte)."""
    results = []
    for page in pages:
        outcome = ingest_page(page, stopwords)
        if record_outcome(page, outcome, report):
            results.append(PageResult(page, outcome.layout, outcome.extracted))
    finish_corpus([e for r in results for e in r.extracted])
    return results


@dataclass
class _Run:
    """One run_ingest call: its settings, what it found at the start, and its report."""

    config: Config
    workers: int | None
    use_cache: bool
    started: float
    report: IngestReport
    clock: StageClock
    userdict: Path | None
    stopwords: frozenset[str]
    content_dir: Path
    seeds_dir: Path
    salt: str
    last: "ic.CorpusMemo | None"  # the last run's outcome
    listing: dict  # every file below seeds/ -> its stat signature ({} without the cache)

    def finished(self) -> IngestReport:
        self.report.seconds = time.perf_counter() - self.started
        return self.report


@dataclass
class _FullOutcome:
    """The full run's articles before they are written."""

    results: list[PageResult]
    alone: list[frozenset[str]]  # per article: the people its own text vouches for
    page_diagnostics: dict[str, list[Diagnostic]]  # page key -> segmentation's diagnostics
    trace: object  # corpus.CorpusTrace
    texts: list[str]  # per article: its file text


def run_ingest(config: Config, workers: int | None = None, use_cache: bool = True) -> IngestReport:
    """Ingest seeds/ into content/: the articles `ingest_pages` gives, from the cache in
    `.cache/` where a page did not change, on `workers` processes (default: 2) where it did.

    Three ways, quickest first: nothing changed (by stat, else by page keys): the last run's
    outcome stands; a few seed files changed: state.run_incremental updates the last run's
    corpus state; else the full run, which records that state."""
    run = _start(config, workers, use_cache)
    if _seeds_unchanged_by_stat(run):
        # no seed file changed since the last run (by stat): its page keys stand, no seed is read
        run.clock.lap("read")
        if _replay(run.last, config.root, run.content_dir, run.report):  # no listing: seeds not read
            run.clock.lap("write")
            return run.finished()
    if use_cache and run.seeds_dir.is_dir():
        report = _run_incremental(run)
        if report is not None:
            return report
    return _run_full(run)


def _start(config: Config, workers: int | None, use_cache: bool) -> _Run:
    started = time.perf_counter()
    report = IngestReport()
    clock = StageClock(report.timings)
    userdict = config.path("userdict")
    userdict = userdict if userdict.exists() else None
    stopwords = load_word_list(str(config.root / STOPWORDS_FILE))
    seeds_dir = config.path("seeds_dir")
    return _Run(config, workers, use_cache, started, report, clock, userdict, stopwords,
                config.path("content_dir"), seeds_dir, ic.salt(userdict, stopwords),
                ic.CorpusMemo.load(config.root) if use_cache else None,
                ic.seed_stats(seeds_dir) if use_cache else {})


def _seeds_unchanged_by_stat(run: _Run) -> bool:
    last = run.last
    return last is not None and last.key.startswith(run.salt + ":") and last.seeds_unchanged(run.seeds_dir,
                                                                                               run.listing)


def _run_incremental(run: _Run) -> IngestReport | None:
    """The incremental path's report, or None (nothing written) when the full run is needed."""
    trial = IngestReport()
    state = ist.run_incremental(run.config, run.salt, run.stopwords, run.userdict, run.listing, trial, run.workers)
    if state is None:
        return None
    _memo_from_state(state, run.salt, run.listing).save(run.config.root)
    trial.timings, trial.seconds = run.report.timings, time.perf_counter() - run.started
    run.clock.lap("incremental")
    return trial


def _run_full(run: _Run) -> IngestReport:
    """Read every seed; replay the last outcome if no page key changed, else segment and
    extract the pages the cache lacks, run the corpus step and write content/."""
    report, root = run.report, run.config.root
    pages, read_results = read_pages_by_file(run.seeds_dir, root, report)
    report.pages = len(pages)
    read_diagnostics = len(report.diagnostics)
    keys = [ic.page_key(p) for p in pages]
    key_of = {id(p): k for p, k in zip(pages, keys)}  # a page's key, hashed once
    corpus_key = f"{run.salt}:" + ic.text_key("\n".join(keys))
    run.clock.lap("read")
    if run.last is not None and run.last.key == corpus_key and _replay(run.last, root, run.content_dir, report,
                                                                       run.listing, str(run.seeds_dir)):
        run.clock.lap("write")
        return run.finished()
    cache = ic.IngestCache.load(root, run.salt) if run.use_cache else ic.IngestCache(salt=run.salt)
    store = ist.PageStore(root, run.salt) if run.use_cache else None
    lexicon.configure(run.userdict)
    lexicon.prepare()
    run.clock.lap("jieba")
    done = _segment_extract_finish(run, pages, keys, cache, store)
    report_state = pickle.dumps((report.diagnostics[:read_diagnostics], report.diagnostics[read_diagnostics:],
                                 report.furniture, report.articles, report.pages))
    files, file_stats = _write_files(run, done)
    if run.use_cache:
        cache.save(root)
        _store_texts(store, done, files, keys, key_of)
        ic.CorpusMemo(corpus_key, [(rel.as_posix(), ic.text_key(text)) for rel, text in files], report_state,
                      str(run.seeds_dir), run.listing, file_stats).save(root)
        _state_of_run(run.config, run.salt, run.listing, read_results, done.page_diagnostics, done.results,
                      done.alone, done.trace, files, file_stats, report.furniture, key_of).save(root)
    run.clock.lap("write")
    return run.finished()


def _segment_extract_finish(run: _Run, pages: list[SeedPage], keys: list[str], cache: "ic.IngestCache",
                            store: "ist.PageStore | None") -> _FullOutcome:
    """Every page's segmentation and extraction (from the page store, or on the workers), then
    the corpus step on workers forked afterwards."""
    report = run.report
    pool = ic.Workers(str(run.userdict) if run.userdict else None, run.stopwords,
                      ic.WORKERS if run.workers is None else run.workers)
    try:
        blobs = store.get_many(keys) if store is not None else {}
        todo = [(k, p) for k, p in zip(keys, pages) if k not in blobs]
        report.cache_hits, report.cache_misses = len(pages) - len(todo), len(todo)
        fresh = dict(zip((k for k, _ in todo), pool.map(ic.process_page, [p for _, p in todo], chunksize=4)))
        if store is not None:
            store.put_many(fresh)
        blobs.update(fresh)
        del fresh
        results: list[PageResult] = []
        alone: list[frozenset[str]] = []
        page_diagnostics: dict[str, list[Diagnostic]] = {}
        for key, page in zip(keys, pages):
            outcome, page_alone = pickle.loads(blobs.pop(key))
            before = len(report.diagnostics)
            if record_outcome(page, outcome, report):
                # the layout's lines and drafts are not needed any more (furniture is in the report)
                results.append(PageResult(page, None, outcome.extracted))
                alone.extend(page_alone)
            page_diagnostics[key] = report.diagnostics[before:]
        run.clock.lap("segment+extract")
        pool.close()  # its threads would forbid forking the corpus step's workers
        extracted = [e for r in results for e in r.extracted]
        trace, texts = ic.finish_corpus_fast(extracted, alone, cache, pool.workers)
        report.articles = len(extracted)
        run.clock.lap("corpus")
    finally:
        pool.close()
    return _FullOutcome(results, alone, page_diagnostics, trace, texts)


def _write_files(run: _Run, done: _FullOutcome) -> tuple[list[tuple[Path, str]], dict[str, tuple]]:
    """Each article's file by identity, written unless unchanged or edited; the files and the
    stat signatures of those now on disk as generated."""
    texts_of = iter(done.texts)
    files = place_files([(r.page, [next(texts_of) for _ in r.extracted]) for r in done.results],
                        run.content_dir, run.report)
    file_stats: dict[str, tuple] = {}
    write_texts(files, run.content_dir, {r.page.stem for r in done.results}, run.report, file_stats)
    return files, file_stats


def _store_texts(store: "ist.PageStore", done: _FullOutcome, files: list[tuple[Path, str]], keys: list[str],
                 key_of: dict[int, str]) -> None:
    """Keep only this run's pages in the page store, with each article's file text (to
    restore a deleted file) and body text (for the incremental corpus step)."""
    files_by_page: dict[str, list] = {}
    pairs = iter(files)
    for r in done.results:
        files_by_page[r.page.path] = [next(pairs) for _ in r.extracted]
    store.keep_only(set(keys))
    store.db.execute("DELETE FROM files")
    store.put_texts({f"{key_of[id(r.page)]}:{i}": text for r in done.results
                     for i, (_, text) in enumerate(files_by_page[r.page.path])})
    store.db.execute("DELETE FROM bodies")
    store.put_bodies({f"{key_of[id(r.page)]}:{i}": e.body_text for r in done.results
                      for i, e in enumerate(r.extracted)})
    store.close()


def _state_of_run(config: Config, salt: str, listing: dict, read_results: dict, page_diagnostics: dict,
                  results: list[PageResult], alone: list, trace, files, file_stats: dict, furniture: dict,
                  key_of: dict[int, str]):
    """The corpus state a full run leaves, for the next run's incremental path."""
    state = ist.IngestState(salt, str(config.path("seeds_dir")), str(config.path("content_dir")))
    extracted = {id(e): i for i, e in enumerate(e for r in results for e in r.extracted)}
    by_path = {r.page.path: r for r in results}
    for rel, result in read_results.items():
        page = result.page
        key = key_of[id(page)] if page is not None else None
        rec = ist.PageRec(listing.get(rel), listing.get(ist._sidecar(rel)), key, page.path if page else rel,
                          page.stem if page else Path(rel).stem, result.diagnostics,
                          page_diagnostics.get(key, []) if key else [], None, [])
        state.pages[rel] = rec
        done = by_path.get(page.path) if page is not None else None
        if done is None:
            continue
        rec.furniture = furniture[page.path]
        for i, e in enumerate(done.extracted):
            n = extracted[id(e)]
            rel_file, text = files[n]
            akey = f"{key}:{i}"
            rec.articles.append(akey)
            arec = ist.ArticleRec(-1, key, i, rel_file.as_posix(), frozenset(alone[n]),
                                  trace.here1[n], trace.confirmed[n], trace.known_here[n],
                                  frozenset(credited_names(e)), ic.text_key(text),
                                  file_stats.get(rel_file.as_posix()))
            state.add_article(akey, arec, ist.cand_of(e))
    return state


def _memo_from_state(state, salt: str, listing: dict):
    """The no-op memo that matches an ingest state (after an incremental run)."""
    rels = sorted(state.pages, key=lambda r: Path(r).parts)
    recs = [state.pages[r] for r in rels]
    keys = [p.key for p in recs if p.key]
    articles = [state.articles[k] for p in recs for k in p.articles]
    report_state = pickle.dumps(([d for p in recs for d in p.read_diagnostics], [d for p in recs for d in p.diagnostics],
                                 {p.path: p.furniture for p in recs if p.furniture is not None},
                                 len(articles), len(keys)))
    return ic.CorpusMemo(f"{salt}:" + ic.text_key("\n".join(keys)), [(a.rel, a.digest) for a in articles],
                         report_state, state.seeds_dir, listing,
                         {a.rel: a.sig for a in articles if a.sig is not None})


def _replay(memo, root: Path, content_dir: Path, report: IngestReport, listing: dict | None = None,
            seeds_dir: str | None = None) -> bool:
    """No seed changed since the last run: its outcome stands if every file it wrote is on
    disk as written or edited by hand (then kept, as a full run would). False: run in full.
    A file whose stat signature is the one recorded (and not racy) is not read; the memo is
    saved again when files had to be read, or the seeds' stats changed, so the next run
    need not read them (a racy file read and found unchanged is trusted against the newer
    memo, as git refreshes its index)."""
    read_diagnostics, diagnostics, furniture, articles, pages = pickle.loads(memo.report_state)
    if listing is None:  # the seeds were not read: say what reading them said
        diagnostics = read_diagnostics + diagnostics
    kept: list[tuple[str, Diagnostic]] = []
    produced: set[str] = set()  # relative posix paths (strings: 10,000 Path objects cost 0.1 s)
    stats: dict[str, tuple] = {}
    reread_unchanged = False  # racy files read and found as written
    base = str(content_dir) + os.sep
    for rel, digest in memo.files:
        target = base + rel
        try:
            now = ic.stat_sig(os.stat(target))
            if memo.trusted(memo.file_stats.get(rel), now):
                stats[rel] = now
                produced.add(rel)
                continue
            with open(target, "rb") as fh:
                data = fh.read()
        except OSError:
            return False
        # the hash of valid UTF-8 bytes is that of their text: decode only what differs
        if hashlib.blake2b(data, digest_size=16).hexdigest() != digest:
            text = data.decode("utf-8", errors="replace")
            if ic.text_key(text) != digest:
                if not is_hand_edited(text):
                    return False
                shown = str(content_dir / rel)
                kept.append((shown, Diagnostic(shown, "edited by hand: kept; delete the file to "
                                               "regenerate it from its seed", severity="info")))
                produced.add(rel)
                continue
        stats[rel] = now
        produced.add(rel)
        reread_unchanged = True
    report.pages = pages
    report.diagnostics.extend(diagnostics)
    report.furniture.update(furniture)
    report.articles = articles
    report.unchanged = len(memo.files) - len(kept)
    for path, diagnostic in kept:
        report.kept_edits.append(path)
        report.diagnostics.append(diagnostic)
    remove_stale(content_dir, produced, None, report)
    if reread_unchanged or stats != memo.file_stats or (listing is not None and listing != memo.seed_stats):
        memo.file_stats = stats
        if listing is not None:
            memo.seed_stats, memo.seeds_dir = listing, seeds_dir
        memo.save(root)
    return True


def release_memory() -> None:
    """Give back what ingestion kept for later runs in this process (word tables, memos) and
    ask the C allocator to return freed pages to the system: for a one-shot `build.py` run
    before it builds the site, so the build and its forked workers start small."""
    import gc

    from .entities import _term_kinds

    lexicon.release()
    _term_kinds.cache_clear()
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: freed memory is reused by the build all the same
