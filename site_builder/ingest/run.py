"""Stages 1-4 together: seeds/ -> segmented pages -> articles with metadata -> content/.

Each seed is read, segmented and extracted on its own; an error in one is reported with its
file (and line) and the others go on. content/ is the archive's editable source: a file whose
text no longer matches the hash ingestion stored in it was edited by a person and is never
overwritten; untouched files are rewritten only when their bytes change; files of a deleted
seed are removed unless edited (then a warning says so).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import lexicon
from ..config import Config
from ..content import article_to_text, is_hand_edited, parse_article
from .entities import load_word_list
from .corpus import finish_corpus
from .extract import Extracted, extract_article
from ..model import Diagnostic, PageLayout, Reported, SeedPage, StageClock
from .seeds import find_seed_files, misplaced_seed_folders, read_seed, refuse_case_clashes
from .segment import segment_page

STOPWORDS_FILE = "dictionaries/stopwords.txt"


@dataclass
class IngestReport(Reported):
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: int = 0
    articles: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_edits: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    furniture: dict[str, list[str]] = field(default_factory=dict)  # seed path -> lines set aside
    seconds: float = 0.0
    cache_hits: int = 0  # seed pages whose segmentation and extraction came from .cache/
    cache_misses: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    def summary(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        lines.append(f"ingest: {self.pages} pages, {self.articles} articles; {len(self.written)} written, "
                     f"{self.unchanged} unchanged, {len(self.kept_edits)} hand-edited kept, "
                     f"{len(self.removed)} removed; {len(self.errors)} errors in {self.seconds:.2f} s")
        return "\n".join(lines)


@dataclass
class PageResult:
    page: SeedPage
    layout: PageLayout | None  # None once no longer needed (run_ingest)
    extracted: list[Extracted]


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
class PageOutcome:
    """One seed page segmented and extracted (articles before the corpus-wide step), or the
    diagnostic saying why it could not be."""

    layout: PageLayout | None
    extracted: list[Extracted]
    failure: Diagnostic | None = None


def ingest_page(page: SeedPage, stopwords: frozenset[str]) -> PageOutcome:
    try:
        layout = segment_page(page)
        extracted = [extract_article(page, layout, draft, i, stopwords)
                     for i, draft in enumerate(layout.articles, 1)]
    except Exception as exc:  # one bad page must not stop the archive
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return PageOutcome(None, [], Diagnostic(
            page.path, f"could not be segmented ({type(exc).__name__}: {exc} at "
                       f"{Path(where.filename).name}:{where.lineno}); skipped. Please report this page"))
    return PageOutcome(layout, extracted)


def record_outcome(page: SeedPage, outcome: PageOutcome, report: IngestReport) -> bool:
    """Add a page's diagnostics and furniture to the report; False when it yielded nothing."""
    if outcome.layout is None:
        report.diagnostics.append(outcome.failure)
        return False
    layout = outcome.layout
    report.diagnostics.extend(layout.diagnostics)
    if not layout.articles:
        report.diagnostics.append(Diagnostic(page.path, "no article found on this page", severity="warning"))
    report.furniture[page.path] = [l.text for l in layout.furniture]
    return True


def read_pages(seeds_dir: Path, root: Path, report: IngestReport) -> list[SeedPage]:
    if not seeds_dir.is_dir():
        report.diagnostics.append(Diagnostic(str(seeds_dir), "seeds folder not found"))
        return []
    pages = []
    report.diagnostics.extend(misplaced_seed_folders(seeds_dir, root))
    for result in refuse_case_clashes([read_seed(path, root, seeds_dir) for path in find_seed_files(seeds_dir)]):
        report.diagnostics.extend(result.diagnostics)
        if result.page is not None:
            pages.append(result.page)
    return pages


def write_content(results: list[PageResult], content_dir: Path, report: IngestReport) -> None:
    texts = [(r.page, [article_to_text(e.article) for e in r.extracted]) for r in results]
    write_texts(place_files(texts, content_dir, report), content_dir, {r.page.stem for r in results}, report)


def content_rel(page: SeedPage, article) -> Path:
    """The positional name: what a page's articles are called when its folder is new."""
    return Path(page.stem) / f"{article.order:02d}.md"


def place_files(pages: list[tuple[SeedPage, list[str]]], content_dir: Path,
                report: IngestReport) -> list[tuple[Path, str]]:
    """Each article's content file and text by its identity (identity.place_pages), in the
    pages' order; a renamed seed's edited files move to its new folder first."""
    from . import identity

    plans = identity.place_pages([(p.stem, p.slug, texts) for p, texts in pages], content_dir, is_hand_edited)
    files: list[tuple[Path, str]] = []
    for page, _ in pages:
        plan = plans[page.stem]
        fresh = {rel.as_posix(): text for rel, text in plan.files}
        for old, rel in plan.carried:
            target = content_dir / rel
            if target.exists():
                continue  # a file of that name is there already: the old one stays, reported as kept
            identity.carry_edited(old, fresh[rel], target)
            _remove_file(content_dir / old.rel, content_dir)
            report.diagnostics.append(Diagnostic(str(target), f"seed renamed: your edited {old.rel} moved here",
                                                 severity="info"))
        files += plan.files
    return files


def write_texts(files: list[tuple[Path, str]], content_dir: Path, stems: set[str], report: IngestReport,
                stats: dict[str, tuple] | None = None) -> None:
    """Write each file unless unchanged or edited by hand; `stats` gets the stat signature of
    every file now on disk as generated (for the next run's stat hints)."""
    produced: set[Path] = set()
    made: set[Path] = set()  # folders known to exist: one mkdir per folder, not per file
    for rel, text in files:
        produced.add(Path(rel))
        sig = _write_unless_edited(content_dir / rel, text, report, made)
        if stats is not None and sig is not None:
            stats[Path(rel).as_posix()] = sig
    _remove_stale(content_dir, produced, None, report)


def _write_unless_edited(target: Path, text: str, report: IngestReport, made: set | None = None) -> tuple | None:
    """The file's stat signature when it now holds `text` (None when kept as edited). An
    unchanged file is stat'ed before it is read, so a later change cannot hide behind it."""
    from .cache import stat_sig

    try:
        before = target.stat()
    except OSError:
        before = None
    if before is not None:
        old = target.read_text(encoding="utf-8", errors="replace")
        if old == text:
            report.unchanged += 1
            return stat_sig(before)
        if is_hand_edited(old):
            report.kept_edits.append(str(target))
            report.diagnostics.append(Diagnostic(str(target), "edited by hand: kept; delete the file to "
                                                 "regenerate it from its seed", severity="info"))
            return None
    if made is None or target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(target.parent)
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)
    report.written.append(str(target))
    return stat_sig(target.stat())


def _remove_stale(content_dir: Path, produced, candidates, report: IngestReport) -> None:
    """Generated files no seed produces any more go; edited ones stay, with a warning.
    `produced`: the files this run produced, relative to content_dir (paths or posix
    strings); `candidates`: the files that may be stale (relative posix strings), or None
    for every *.md file below content_dir."""
    if not content_dir.is_dir():
        return
    from ..build.build_index import walk_names

    produced_rel = {p if isinstance(p, str) else p.as_posix() for p in produced}
    if candidates is None:
        candidates = (rel for rel in walk_names(content_dir) if rel.endswith(".md"))
    for rel in sorted(candidates):
        if rel in produced_rel:
            continue
        file = content_dir / rel
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        if "\ngenerated: " not in text:
            continue  # written by a person from scratch: not ingestion's to remove
        if is_hand_edited(text):
            parsed = parse_article(text, str(file))
            source = parsed.article.source if parsed.article else "its seed"
            report.diagnostics.append(Diagnostic(str(file), f"{source} no longer yields this article, but the "
                                                 "file was edited by hand, so it is kept", severity="warning"))
            continue
        _remove_file(file, content_dir)
        report.removed.append(str(file))


def _remove_file(file: Path, content_dir: Path) -> None:
    """Remove a content file, and its folders up to content_dir once they are empty."""
    file.unlink()
    folder = file.parent
    while folder != content_dir and content_dir in folder.parents and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def run_ingest(config: Config, workers: int | None = None, use_cache: bool = True) -> IngestReport:
    """Ingest seeds/ into content/: the articles `ingest_pages` gives, from the cache in
    `.cache/` where a page did not change, on `workers` processes (default: 2) where it did.

    Three ways, quickest first: nothing changed (by stat, else by page keys): the last run's
    outcome stands; a few seed files changed: ingest_state updates the last run's corpus
    state; else the full run below, which records that state."""
    from . import cache as ic
    from . import state as ist

    started = time.perf_counter()
    report = IngestReport()
    clock = StageClock(report.timings)
    userdict = config.path("userdict")
    userdict = userdict if userdict.exists() else None
    stopwords = load_word_list(str(config.root / STOPWORDS_FILE))
    content_dir = config.path("content_dir")
    seeds_dir = config.path("seeds_dir")
    salt = ic.salt(userdict, stopwords)
    last = ic.CorpusMemo.load(config.root) if use_cache else None
    listing = ic.seed_stats(seeds_dir) if use_cache else {}
    if last is not None and last.key.startswith(salt + ":") and last.seeds_unchanged(seeds_dir, listing):
        # no seed file changed since the last run (by stat): its page keys stand, no seed is read
        clock.lap("read")
        if _replay(last, config.root, content_dir, report):  # no listing: the seeds were not read
            clock.lap("write")
            report.seconds = time.perf_counter() - started
            return report
    if use_cache and seeds_dir.is_dir():
        trial = IngestReport()
        steps = ist.IngestSteps(IngestReport, ingest_page, record_outcome, content_rel, _write_unless_edited,
                                _remove_stale)
        state = ist.run_incremental(config, salt, stopwords, userdict, listing, trial, workers, steps)
        if state is not None:
            _memo_from_state(state, salt, listing).save(config.root)
            trial.timings, trial.seconds = report.timings, time.perf_counter() - started
            clock.lap("incremental")
            return trial
    pages, read_results = _read_pages_by_file(seeds_dir, config.root, report)
    report.pages = len(pages)
    read_diagnostics = len(report.diagnostics)
    keys = [ic.page_key(p) for p in pages]
    key_of = {id(p): k for p, k in zip(pages, keys)}  # a page's key, hashed once
    corpus_key = f"{salt}:" + ic.text_key("\n".join(keys))
    clock.lap("read")
    if last is not None and last.key == corpus_key and _replay(last, config.root, content_dir, report,
                                                               listing, str(seeds_dir)):
        clock.lap("write")
        report.seconds = time.perf_counter() - started
        return report
    cache = ic.IngestCache.load(config.root, salt) if use_cache else ic.IngestCache(salt=salt)
    store = ist.PageStore(config.root, salt) if use_cache else None
    lexicon.configure(userdict)
    lexicon.prepare()
    clock.lap("jieba")
    pool = ic.Workers(str(userdict) if userdict else None, stopwords,
                      ic.WORKERS if workers is None else workers, ingest_page)
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
        clock.lap("segment+extract")
        pool.close()  # its threads would forbid forking the corpus step's workers
        extracted = [e for r in results for e in r.extracted]
        trace, texts = ic.finish_corpus_fast(extracted, alone, cache, pool.workers)
        report.articles = len(extracted)
        clock.lap("corpus")
    finally:
        pool.close()
    state = pickle.dumps((report.diagnostics[:read_diagnostics], report.diagnostics[read_diagnostics:],
                          report.furniture, report.articles, report.pages))
    texts_of = iter(texts)
    files = place_files([(r.page, [next(texts_of) for _ in r.extracted]) for r in results], content_dir, report)
    files_by_page: dict[str, list] = {}
    pairs = iter(files)
    for r in results:
        files_by_page[r.page.path] = [next(pairs) for _ in r.extracted]
    file_stats: dict[str, tuple] = {}
    write_texts(files, content_dir, {r.page.stem for r in results}, report, file_stats)
    if use_cache:
        cache.save(config.root)
        store.keep_only(set(keys))
        store.db.execute("DELETE FROM files")
        store.put_texts({f"{key_of[id(r.page)]}:{i}": text for r in results
                         for i, (_, text) in enumerate(files_by_page[r.page.path])})
        store.db.execute("DELETE FROM bodies")
        store.put_bodies({f"{key_of[id(r.page)]}:{i}": e.body_text for r in results
                          for i, e in enumerate(r.extracted)})
        store.close()
        ic.CorpusMemo(corpus_key, [(rel.as_posix(), ic.text_key(text)) for rel, text in files], state,
                      str(seeds_dir), listing, file_stats).save(config.root)
        _state_of_run(config, salt, listing, read_results, page_diagnostics, results, alone, trace, files,
                      file_stats, report.furniture, key_of).save(config.root)
    clock.lap("write")
    report.seconds = time.perf_counter() - started
    return report


def _read_pages_by_file(seeds_dir: Path, root: Path, report: IngestReport):
    """read_pages, also keeping each seed file's own read result (for the ingest state)."""
    if not seeds_dir.is_dir():
        report.diagnostics.append(Diagnostic(str(seeds_dir), "seeds folder not found"))
        return [], {}
    pages, results = [], {}
    report.diagnostics.extend(misplaced_seed_folders(seeds_dir, root))
    paths = find_seed_files(seeds_dir)
    for path, result in zip(paths, refuse_case_clashes([read_seed(path, root, seeds_dir) for path in paths])):
        results[path.relative_to(seeds_dir).as_posix()] = result
        report.diagnostics.extend(result.diagnostics)
        if result.page is not None:
            pages.append(result.page)
    return pages, results


def _state_of_run(config: Config, salt: str, listing: dict, read_results: dict, page_diagnostics: dict,
                  results: list[PageResult], alone: list, trace, files, file_stats: dict, furniture: dict,
                  key_of: dict[int, str]):
    """The corpus state a full run leaves, for the next run's incremental path."""
    from . import cache as ic
    from . import state as ist

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
                                  frozenset(extract_credits(e)), ic.text_key(text),
                                  file_stats.get(rel_file.as_posix()))
            state.add_article(akey, arec, ist.cand_of(e))
    return state


def extract_credits(e) -> list[str]:
    from .corpus import credited_names

    return credited_names(e)


def _memo_from_state(state, salt: str, listing: dict):
    """The no-op memo that matches an ingest state (after an incremental run)."""
    from . import cache as ic

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
    need not read them."""
    from . import cache as ic

    read_diagnostics, diagnostics, furniture, articles, pages = pickle.loads(memo.report_state)
    if listing is None:  # the seeds were not read: say what reading them said
        diagnostics = read_diagnostics + diagnostics
    kept: list[tuple[str, Diagnostic]] = []
    produced: set[str] = set()  # relative posix paths (strings: 10,000 Path objects cost 0.1 s)
    stats: dict[str, tuple] = {}
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
    report.pages = pages
    report.diagnostics.extend(diagnostics)
    report.furniture.update(furniture)
    report.articles = articles
    report.unchanged = len(memo.files) - len(kept)
    for path, diagnostic in kept:
        report.kept_edits.append(path)
        report.diagnostics.append(diagnostic)
    _remove_stale(content_dir, produced, None, report)
    if stats != memo.file_stats or (listing is not None and listing != memo.seed_stats):
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

    from . import lexicon
    from .entities import _term_kinds

    lexicon.release()
    _term_kinds.cache_clear()
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: freed memory is reused by the build all the same
