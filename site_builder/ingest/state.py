"""Incremental ingestion: when a few seed pages changed, only their articles, and the articles
whose corpus-wide choices they change, are recomputed and rewritten.

The corpus-wide step (corpus.py) decides each article's people and tags from
sets and counts over the whole corpus. What it decides for one article depends on the corpus
only through:
- `known_here`: the names confirmed anywhere that its text prints;
- for each candidate tag word of the article: whether the word is a known name or a credited
  name, whether two or more articles have it (document frequency >= 2), and whether most of the
  archive has it (`choose_tags`' "common" rule, which also reads the number of articles).
`IngestState` keeps those counts (names confirmed on their own, names confirmed at all,
credited names, document frequencies) and, per article, its text and name sets, plus which
articles hold each candidate word. An edit of a few pages updates the counts; the words whose
answers changed and the names that appeared or vanished pick out the other articles to redo.
tests/test_ingest_incremental.py checks the result equals a from-scratch ingestion after
random sequences of edits.
"""
from __future__ import annotations

import os
import pickle
import sqlite3
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from ..content import article_to_text, is_hand_edited
from ..cache import CACHE_DIR, CACHE_FORMAT
from ..model import Diagnostic
from . import corpus, entities, extract, identity, lexicon
from .cache import (WORKERS, Workers, _dump, cache_discarded, load_recorded, page_key, process_page, stat_sig,
                    stat_trusted, text_key)
from .files import remove_stale, write_unless_edited
from .pages import IngestReport, record_outcome
from .seeds import SEED_SUFFIXES, read_seed

STATE_FILE = f"{CACHE_DIR}/ingest-state.pickle"
PAGES_FILE = f"{CACHE_DIR}/ingest-pages.sqlite"


# ---------------------------------------------------------------- the page store

class PageStore:
    """Each seed page's segmentation and extraction (a pickled blob) by page key, in SQLite,
    so a run reads only the pages it needs."""

    def __init__(self, root: Path, salt: str):
        file = root / PAGES_FILE
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._open(file, salt)
        except sqlite3.DatabaseError as exc:  # a cache is disposable: never let it stop ingest
            cache_discarded(file, exc)
            for leftover in (file, file.with_name(file.name + "-journal"), file.with_name(file.name + "-wal")):
                leftover.unlink(missing_ok=True)
            self._open(file, salt)

    def _open(self, file: Path, salt: str) -> None:
        self.db = sqlite3.connect(str(file))
        try:
            self._prepare(salt)
        except sqlite3.DatabaseError:
            self.db.close()
            raise

    def _prepare(self, salt: str) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS meta (salt TEXT)")
        self.db.execute("CREATE TABLE IF NOT EXISTS pages (key TEXT PRIMARY KEY, blob BLOB)")
        self.db.execute("CREATE TABLE IF NOT EXISTS files (article TEXT PRIMARY KEY, text TEXT)")
        # each article's body text (extract.Extracted.body_text), read only when names come or go
        self.db.execute("CREATE TABLE IF NOT EXISTS bodies (article TEXT PRIMARY KEY, text TEXT)")
        row = self.db.execute("SELECT salt FROM meta").fetchone()
        if row is None or row[0] != salt:  # another ingester or dictionary: nothing here holds
            self.db.execute("DELETE FROM pages")
            self.db.execute("DELETE FROM files")
            self.db.execute("DELETE FROM bodies")
            self.db.execute("DELETE FROM meta")
            self.db.execute("INSERT INTO meta VALUES (?)", (salt,))
            self.db.commit()

    def get_many(self, keys, table: str = "pages") -> dict:
        keys = list(dict.fromkeys(keys))
        column = "key, blob" if table == "pages" else "article, text"
        out: dict = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            marks = ",".join("?" * len(part))
            out.update(self.db.execute(f"SELECT {column} FROM {table} WHERE {column.split(',')[0]} IN ({marks})",
                                       part))
        return out

    def put_texts(self, texts: dict[str, str]) -> None:
        """Each article's file text as generated (key: article key), to restore a deleted file."""
        self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?)", texts.items())

    def drop_texts(self, keys) -> None:
        keys = list(keys)
        self.db.executemany("DELETE FROM files WHERE article = ?", ((k,) for k in keys))
        self.db.executemany("DELETE FROM bodies WHERE article = ?", ((k,) for k in keys))

    def put_bodies(self, texts: dict[str, str]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?)", texts.items())

    def all_bodies(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT article, text FROM bodies"))

    def put_many(self, blobs: dict[str, bytes]) -> None:
        self.db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?)", blobs.items())

    def keep_only(self, keys: set[str]) -> None:
        stale = [k for (k,) in self.db.execute("SELECT key FROM pages") if k not in keys]
        self.db.executemany("DELETE FROM pages WHERE key = ?", ((k,) for k in stale))

    def close(self) -> None:
        self.db.commit()
        self.db.close()


# ---------------------------------------------------------------- the state

@dataclass
class PageRec:
    """One seed file as last ingested."""

    sig: tuple  # stat signature of the seed file
    sidecar: tuple | None  # of its .yaml sidecar, None when there is none
    key: str | None  # page key; None when the file could not be read as a page
    path: str  # as shown in messages and `source`
    stem: str
    read_diagnostics: list[Diagnostic]
    diagnostics: list[Diagnostic]  # segmentation's, for the report
    furniture: list[str] | None  # None when the page yielded nothing
    articles: list[str]  # article keys in order


@dataclass
class ArticleRec:
    slot: int  # its number in the postings
    page_key: str
    index: int  # position among its page's extracted articles
    rel: str  # content file, relative to content/
    alone: frozenset[str]
    here1: frozenset[str]
    confirmed: frozenset[str]
    known_here: frozenset[str]
    credits: frozenset[str]
    digest: str  # text_key of the file text as generated
    sig: tuple | None = None  # stat signature of the file as written; None: read it to know


@dataclass
class IngestState:
    salt: str
    seeds_dir: str
    content_dir: str
    pages: dict[str, PageRec] = field(default_factory=dict)  # seed rel -> record
    articles: dict[str, ArticleRec] = field(default_factory=dict)  # article key -> record
    known1: Counter = field(default_factory=Counter)  # name -> articles confirming it alone
    known: Counter = field(default_factory=Counter)  # name -> articles confirming it at all
    credited: Counter = field(default_factory=Counter)
    doc_freq: Counter = field(default_factory=Counter)
    postings: dict[str, array] = field(default_factory=dict)  # candidate word -> article slots
    free_slots: list[int] = field(default_factory=list)
    next_slot: int = 0
    format: int = CACHE_FORMAT
    recorded_ns: int = 0  # mtime_ns of the state file when loaded (racy-clean rule)
    @classmethod
    def load(cls, root: Path) -> "IngestState | None":
        return load_recorded(root / STATE_FILE, cls, CACHE_FORMAT)

    def save(self, root: Path) -> None:
        _dump(self, root / STATE_FILE)

    def trusted(self, recorded: tuple | None, now: tuple | None) -> bool:
        return stat_trusted(recorded, now, self.recorded_ns)

    # ------------------------------------------------------------ articles in and out

    def add_article(self, key: str, rec: ArticleRec, cand) -> None:
        rec.slot = self.free_slots.pop() if self.free_slots else self._new_slot()
        self.articles[key] = rec
        _count(self.known1, rec.alone, 1)
        _count(self.known, rec.confirmed, 1)
        _count(self.credited, rec.credits, 1)
        _count(self.doc_freq, cand, 1)
        for w in cand:
            self.postings.setdefault(w, array("I")).append(rec.slot)

    def remove_article(self, key: str, cand) -> ArticleRec:
        rec = self.articles.pop(key)
        _count(self.known1, rec.alone, -1)
        _count(self.known, rec.confirmed, -1)
        _count(self.credited, rec.credits, -1)
        _count(self.doc_freq, cand, -1)
        for w in cand:
            slots = self.postings[w]
            slots.remove(rec.slot)
            if not slots:
                del self.postings[w]
        self.free_slots.append(rec.slot)
        return rec

    def _new_slot(self) -> int:
        self.next_slot += 1
        return self.next_slot - 1


def _count(counter: Counter, names, step: int) -> None:
    """Add `step` for each name; a count that reaches 0 is deleted (choose_tags reads a
    missing document frequency as 1, a stored 0 as 0)."""
    for n in names:
        c = counter[n] + step
        if c:
            counter[n] = c
        else:
            del counter[n]


def cand_of(e: extract.Extracted) -> frozenset[str]:
    return corpus.candidate_words(e)


def apply_change(state: IngestState, removed: list[tuple[str, frozenset]],
                 added: list[tuple[str, ArticleRec, frozenset, str]], all_texts) -> set[str]:
    """Take articles out (key, candidate words) and put new ones in (key, record with `alone`,
    `text`, `credits` filled, candidate words); bring every article's name sets up to date.
    Returns the keys of the articles whose corpus-wide choices must be made again: the new
    ones and those an answer they depend on changed for."""
    known1_before, known_before, credited_before = set(state.known1), set(state.known), set(state.credited)
    n_before = len(state.articles)
    words = set().union(*(c for _, c in removed), *(c for _, _, c, _ in added))
    df_before = {w: state.doc_freq.get(w, 0) for w in words}
    for key, cand in removed:
        state.remove_article(key, cand)
    for key, rec, cand, _ in added:
        rec.here1 = rec.known_here = frozenset()
        rec.confirmed = rec.alone
        state.add_article(key, rec, cand)
    new_keys = {key for key, _, _, _ in added}
    texts = _Texts({key: text for key, _, _, text in added}, all_texts)

    # first pass: names confirmed on their own anywhere, and what each text prints of them
    known1 = set(state.known1)
    _update_names(state, texts, new_keys, known1_before, known1, "here1", on_change=_reconfirm)
    # the names known at all, and what each text prints of them
    known = set(state.known)
    redo = set(new_keys)
    redo |= _update_names(state, texts, new_keys, known_before, known, "known_here")

    # words whose answers (known or credited name, shared, common) changed
    changed = (known_before ^ known) | (credited_before ^ set(state.credited))
    n_now = len(state.articles)
    for w in words:
        old, new = df_before[w], state.doc_freq.get(w, 0)
        if corpus.tag_answers_changed(old, new, n_before, n_now):
            changed.add(w)
    if n_now != n_before:
        changed.update(w for w, df in state.doc_freq.items() if corpus.tag_answers_changed(df, df, n_before, n_now))
    slots = [slot for w in changed for slot in state.postings.get(w, ())]
    if slots:
        by_slot = {rec.slot: key for key, rec in state.articles.items()}
        redo.update(by_slot[s] for s in slots)
    return redo


class _Texts:
    """Article texts: the new articles' at hand, everyone's fetched (once) when needed."""

    def __init__(self, fresh: dict[str, str], fetch_all):
        self.texts, self.fetch_all, self.complete = dict(fresh), fetch_all, False

    def __getitem__(self, key: str) -> str:
        if key not in self.texts and not self.complete:
            self.texts = {**self.fetch_all(), **self.texts}
            self.complete = True
        return self.texts[key]


def _update_names(state: IngestState, texts: _Texts, new_keys: set[str], before: set[str], now: set[str],
                  attr: str, on_change=None) -> set[str]:
    """Each article's `attr` = the names of `now` its text prints, from what it was when the
    set was `before` (new articles: looked up afresh). Returns the keys whose set changed."""
    gone, came = before - now, now - before
    index = entities.NameIndex(now) if new_keys else None
    changed: set[str] = set()
    keys = state.articles.keys() if gone or came else new_keys
    for key in keys:
        rec = state.articles[key]
        old = getattr(rec, attr)
        if key in new_keys:
            names = index.found_in(texts[key])
        else:
            text = texts[key]
            names = (old - gone) | frozenset(n for n in came if n in text)
            if names == old:
                continue
        setattr(rec, attr, names)
        changed.add(key)
        if on_change is not None:
            on_change(state, rec, texts[key])
    return changed


def _reconfirm(state: IngestState, rec: ArticleRec, text: str) -> None:
    confirmed = corpus.confirm(text, rec.alone, rec.here1)
    if confirmed != rec.confirmed:
        _count(state.known, rec.confirmed, -1)
        _count(state.known, confirmed, 1)
        rec.confirmed = confirmed


# ---------------------------------------------------------------- the incremental run

# More changed seed pages than this share, or more other articles to redo than REDO_MAX_SHARE:
# the full run (page store, workers) is about as quick.
INCREMENTAL_MAX_SHARE = 0.1
REDO_MAX_SHARE = 0.3


def _is_seed(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return not name.startswith(".") and Path(name).suffix.lower() in SEED_SUFFIXES


def _sidecar(rel: str) -> str:
    return str(Path(rel).with_suffix(".yaml").as_posix())


@dataclass
class _Change:
    """What one incremental run works on, step by step."""

    seed_rels: list[str]  # every seed file now, in the full run's order
    dirty: list[str]  # seed files whose stat changed (or new ones)
    gone: list[str]  # seed files deleted
    read: dict[str, tuple] = field(default_factory=dict)  # rel -> (page or None, read diagnostics, key)
    changed: list[str] = field(default_factory=list)  # dirty files whose page changed, and the gone
    blobs: dict[str, bytes] = field(default_factory=dict)  # page key -> pickled (outcome, alone)
    removed: list[tuple[str, frozenset]] = field(default_factory=list)  # article key, candidate words
    gone_rels: list[str] = field(default_factory=list)  # content files of the removed articles
    old_places: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # rel -> bodies, files
    added: list[tuple[str, ArticleRec, frozenset, str]] = field(default_factory=list)
    extracted: dict[str, extract.Extracted] = field(default_factory=dict)  # article key -> its extraction


def run_incremental(config, salt: str, stopwords: frozenset[str], userdict, listing: dict, report: IngestReport,
                    workers: int | None, max_share: float = INCREMENTAL_MAX_SHARE) -> "IngestState | None":
    """Ingest by updating the last run's state, when it exists and few seed files changed; the
    state as saved. None (nothing written) when a full run is needed."""
    root, seeds_dir, content_dir = config.root, config.path("seeds_dir"), config.path("content_dir")
    state = IngestState.load(root)
    if state is None or (state.salt, state.seeds_dir, state.content_dir) != (salt, str(seeds_dir), str(content_dir)):
        return None
    change = _seeds_to_redo(state, listing, max_share)
    if change is None:
        return None
    _read_dirty_seeds(change, state, seeds_dir, root)
    store = PageStore(root, salt)
    try:
        written = _update_articles(state, change, store, listing, report, (userdict, stopwords, workers), content_dir)
    finally:
        store.close()
    if written is None:
        return None
    _report_as_full_run(state, change.seed_rels, *written, report)
    # files no article writes any more: only those of the articles that went can be such
    now_rels = {rec.rel for rec in state.articles.values()}
    remove_stale(content_dir, now_rels, {r for r in change.gone_rels if r not in now_rels}, report)
    state.save(root)
    return state


def _seeds_to_redo(state: IngestState, listing: dict, max_share: float) -> _Change | None:
    """The seed files whose stat changed and those deleted; None when a full run is better."""
    seed_rels = sorted((r for r in listing if _is_seed(r)), key=lambda r: Path(r).parts)
    dirty = [r for r in seed_rels if r not in state.pages
             or not state.trusted(state.pages[r].sig, listing[r])
             or not state.trusted(state.pages[r].sidecar, listing.get(_sidecar(r)))]
    present = set(seed_rels)
    gone = [r for r in state.pages if r not in present]
    if len(dirty) + len(gone) > max(4, max_share * len(seed_rels)):
        return None
    if gone and any(r not in state.pages for r in dirty):
        return None  # perhaps a renamed seed: the full run carries its hand edits over
    return _Change(seed_rels, dirty, gone)


def _read_dirty_seeds(change: _Change, state: IngestState, seeds_dir: Path, root: Path) -> None:
    """Read what may have changed; a page whose key is the same only had its stat touched."""
    for rel in change.dirty:
        result = read_seed(seeds_dir / rel, root, seeds_dir)
        key = page_key(result.page) if result.page is not None else None
        change.read[rel] = (result.page, result.diagnostics, key)
    change.changed = [r for r in change.dirty if r not in state.pages or state.pages[r].key != change.read[r][2]
                      or change.read[r][2] is None] + change.gone


def _update_articles(state: IngestState, change: _Change, store: PageStore, listing: dict, report: IngestReport,
                     page_inputs: tuple, content_dir: Path) -> tuple[list[str], IngestReport] | None:
    """Bring the state and content/ up to date with the changed pages: their articles out and
    in, the corpus-wide choices of every article they affect made again, their files written.
    The hand-edited files kept and the writes' report; None when a full run is needed."""
    if not _load_page_results(change, state, store, report, *page_inputs):
        return None
    _articles_out(change, state)
    sub = IngestReport()
    if not _articles_in(change, state, listing, sub, content_dir):
        return None  # articles came, went or moved on a page: the full run matches them by text
    _note_touched_seeds(change, state, listing)
    redo = apply_change(state, change.removed, change.added, store.all_bodies)
    store.put_bodies({key: text for key, _, _, text in change.added})
    kept_edits, restore = _check_other_files(state, redo, content_dir)
    if len(redo) - len(change.added) > max(16, REDO_MAX_SHARE * len(state.articles)):
        return None  # most of the corpus to redo: the full run's caches are quicker
    texts = _finish_again(change, state, redo, store)
    stored = store.get_many(restore, "files")
    if len(stored) != len(restore):
        return None  # the store lost texts the state refers to
    store.put_texts(texts)
    store.drop_texts(k for k, _ in change.removed if k not in state.articles)
    texts.update(stored)
    out = IngestReport()
    for akey in sorted(texts, key=lambda k: state.articles[k].rel):
        rec = state.articles[akey]
        rec.sig = write_unless_edited(content_dir / rec.rel, texts[akey], out)
    store.keep_only({p.key for p in state.pages.values() if p.key})
    return kept_edits, out


def _load_page_results(change: _Change, state: IngestState, store: PageStore, report: IngestReport,
                       userdict, stopwords: frozenset[str], workers: int | None) -> bool:
    """Each changed page's segmentation and extraction, old and new: from the page store, the
    new pages it lacks processed now. False when the store lost what the state refers to."""
    old_keys = {state.pages[r].key for r in change.changed if r in state.pages and state.pages[r].key}
    new_pages = {r: change.read[r][0] for r in change.changed if r in change.read and change.read[r][0] is not None}
    change.blobs = store.get_many(old_keys | {page_key(p) for p in new_pages.values()})
    if any(k not in change.blobs for k in old_keys):
        return False
    todo = [(r, p) for r, p in new_pages.items() if page_key(p) not in change.blobs]
    if todo:
        lexicon.configure(userdict)
        lexicon.prepare()
        pool = Workers(str(userdict) if userdict else None, stopwords, WORKERS if workers is None else workers)
        try:
            fresh = pool.map(process_page, [p for _, p in todo], chunksize=4)
        finally:
            pool.close()
        made = {page_key(p): b for (_, p), b in zip(todo, fresh)}
        change.blobs.update(made)
        store.put_many(made)
    # every page not processed now has its result from the cache (the store or the state)
    read = change.read
    report.cache_misses = len(todo)
    report.cache_hits = sum(1 for r in change.seed_rels
                            if (read[r][2] if r in read else state.pages[r].key)) - len(todo)
    return True


def _articles_out(change: _Change, state: IngestState) -> None:
    """Take the changed pages' old articles out of the counts, noting their bodies and files."""
    for r in change.changed:
        rec = state.pages.get(r)
        if rec is None or rec.key is None:
            continue
        outcome, _ = pickle.loads(change.blobs[rec.key])
        change.old_places[r] = ([outcome.extracted[state.articles[a].index].article.body for a in rec.articles],
                                [state.articles[a].rel for a in rec.articles])
        for akey in rec.articles:
            change.removed.append((akey, cand_of(outcome.extracted[state.articles[akey].index])))
            change.gone_rels.append(state.articles[akey].rel)


def _articles_in(change: _Change, state: IngestState, listing: dict, sub: IngestReport, content_dir: Path) -> bool:
    """The changed pages' records and new articles (their files by identity); False when a
    page's articles came, went or moved."""
    for r in change.changed:
        if r not in change.read:
            del state.pages[r]
            continue
        page, read_diagnostics, key = change.read[r]
        before = len(sub.diagnostics)
        page_rec = PageRec(listing[r], listing.get(_sidecar(r)), key, page.path if page else r,
                           page.stem if page else Path(r).stem, read_diagnostics, [], None, [])
        state.pages[r] = page_rec
        if page is None:
            continue
        outcome, alone = pickle.loads(change.blobs[key])
        if record_outcome(page, outcome, sub):
            page_rec.furniture = sub.furniture[page.path]
        page_rec.diagnostics = sub.diagnostics[before:]
        rels = identity.incremental_rels(page.stem, [e.article.body for e in outcome.extracted],
                                         change.old_places.get(r), content_dir, {p.stem for p in state.pages.values()})
        if rels is None:
            return False
        for i, e in enumerate(outcome.extracted):
            akey = f"{key}:{i}"
            page_rec.articles.append(akey)
            change.extracted[akey] = e
            rec = ArticleRec(-1, key, i, rels[i], frozenset(alone[i]),
                             frozenset(), frozenset(), frozenset(), frozenset(corpus.credited_names(e)), "")
            change.added.append((akey, rec, cand_of(e), e.body_text))
    return True


def _note_touched_seeds(change: _Change, state: IngestState, listing: dict) -> None:
    """Seed files whose stat changed but not their page: the new signature, the same page."""
    for r in change.dirty:
        if r not in change.changed:
            state.pages[r].sig, state.pages[r].sidecar = listing[r], listing.get(_sidecar(r))
            state.pages[r].read_diagnostics = change.read[r][1]


def _check_other_files(state: IngestState, redo: set[str], content_dir: Path) -> tuple[list[str], list[str]]:
    """The files of the articles not redone: as written (by stat, else by hash), edited by
    hand (kept: their paths), or gone or overwritten (their article keys, to restore)."""
    kept_edits: list[str] = []
    restore: list[str] = []
    for akey, rec in state.articles.items():
        if akey in redo:
            continue
        target = content_dir / rec.rel
        try:
            now = stat_sig(os.stat(target))
        except OSError:
            restore.append(akey)
            continue
        if state.trusted(rec.sig, now):
            continue
        text = target.read_bytes().decode("utf-8", errors="replace")
        if text_key(text) == rec.digest:
            rec.sig = now
        elif is_hand_edited(text):
            rec.sig = None
            kept_edits.append(str(target))
        else:
            restore.append(akey)
    return kept_edits, restore


def _finish_again(change: _Change, state: IngestState, redo: set[str], store: PageStore) -> dict[str, str]:
    """The corpus-wide step for the articles to redo (those of unchanged pages come from the
    page store): their file texts by article key."""
    need = {state.articles[k].page_key for k in redo if k not in change.extracted}
    for key, blob in store.get_many(need).items():
        outcome, _ = pickle.loads(blob)
        for i, e in enumerate(outcome.extracted):
            change.extracted.setdefault(f"{key}:{i}", e)
    view = corpus.CorpusView(state.known, state.credited, state.doc_freq, len(state.articles))
    texts: dict[str, str] = {}
    for akey in redo:
        rec, e = state.articles[akey], change.extracted[akey]
        corpus.finish_article(e, rec.known_here, view)
        e.article.id = identity.id_for(e.article.id, rec.rel)
        texts[akey] = article_to_text(e.article)
        rec.digest = text_key(texts[akey])
    return texts


def _report_as_full_run(state: IngestState, seed_rels: list[str], kept_edits: list[str], out: IngestReport,
                        report: IngestReport) -> None:
    """The report, as a full run gives it."""
    for r in seed_rels:
        report.diagnostics.extend(state.pages[r].read_diagnostics)
    for r in seed_rels:
        rec = state.pages[r]
        report.diagnostics.extend(rec.diagnostics)
        if rec.key is not None:
            report.pages += 1
        if rec.furniture is not None:
            report.furniture[rec.path] = rec.furniture
    report.diagnostics.extend(out.diagnostics)
    for path in kept_edits:
        report.kept_edits.append(path)
        report.diagnostics.append(Diagnostic(path, "edited by hand: kept; delete the file to "
                                             "regenerate it from its seed", severity="info"))
    report.kept_edits.extend(out.kept_edits)
    report.written.extend(out.written)
    report.articles = len(state.articles)
    report.unchanged = report.articles - len(report.written) - len(report.kept_edits)
