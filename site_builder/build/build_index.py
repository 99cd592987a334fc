"""What the incremental builder remembers between builds, kept small enough to load on every run.

- `scan_content`: every content file's size, mtime and text digest. A file is read and hashed
  again only when its size or mtime changed (or it was written so close to the last scan that
  an unchanged mtime proves nothing, as git does); what changed is then decided by the digest.
- `BuildIndex`: that manifest, each file's article id and plan key, the page fingerprints and
  the files the extras wrote. A few MB pickled: a no-op build loads only this.
- `PlanStore`: in the page store's SQLite file, each planned page pickled on its own (articles
  and the shared link table stored once, referenced by id), every article, and the recorded
  dependency graph `refs` (page file -> article ids its data holds). A one-article edit loads
  only the pages that hold the article instead of planning the whole corpus.

An article's *plan key* is a digest of the fields plan.py reads to decide which pages exist and
what they list. When an edit leaves it unchanged (body, summary, kicker, places ... only), the
plan has the same pages with the same articles in the same places, so patching the article in
the stored pages gives what plan_site would give; the one value plan.py derives from such fields
(an article page's description) is computed again.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import sqlite3
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Collection, Iterable

from ..cache import load_pickle, save_pickle, stat_trusted
from ..model import Article, Diagnostic

# Fields plan.py never reads, except `_description` (body, summary) for the article's own page.
# Every other field, including any added later, counts as part of the plan key.
PLAN_NEUTRAL_FIELDS = frozenset({"body", "summary", "kicker", "subtitle", "section", "dateline",
                                 "byline", "places", "organizations", "source_lines", "generated",
                                 "path"})
# What a listing shows of an article: its *face*, every field but these. A page whose render
# read no field of an article outside its face (recorded by render.py's TrackingEnvironment)
# depends on that article through face_key only, so editing a body re-renders the article's
# own page, not the tag, people and timeline pages that list its title.
DEEP_FIELDS = PLAN_NEUTRAL_FIELDS - {"summary", "kicker", "subtitle"}
FACE_FIELDS = frozenset(f.name for f in dataclasses.fields(Article)) - DEEP_FIELDS
_FACE_EXTRA = tuple(sorted(FACE_FIELDS & PLAN_NEUTRAL_FIELDS))  # face fields the plan key lacks


def face_key(article: Article, key: bytes) -> bytes:
    """Digest of the article's face, from its plan key (`key`) and the face fields beyond it."""
    h = hashlib.blake2b(b"face\0" + key, digest_size=16)
    for name in _FACE_EXTRA:
        h.update(f"{name}={getattr(article, name)!r}\0".encode("utf-8", "surrogatepass"))
    return h.digest()


def plan_key(article: Article) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for f in dataclasses.fields(article):
        if f.name not in PLAN_NEUTRAL_FIELDS:
            h.update(f"{f.name}={getattr(article, f.name)!r}\0".encode("utf-8", "surrogatepass"))
    return h.digest()


def text_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass
class FileEntry:
    size: int
    mtime_ns: int
    digest: str
    article_id: str | None = None  # None: no article (parse error, or id used by another file)
    plan_key: bytes | None = None
    face_key: bytes | None = None


@dataclass
class BuildIndex:
    code: str = ""
    others: str = ""  # key of settings, templates, static files, code and extras
    scanned_ns: int = 0  # when the content scan behind `files` started
    files: dict[str, FileEntry] = field(default_factory=dict)  # content rel -> entry
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what reading the corpus said
    fingerprints: dict[str, tuple[bytes, int]] = field(default_factory=dict)  # page -> (fp, size)
    data_digests: dict[str, bytes] = field(default_factory=dict)  # page -> digest of its stored plan
    article_digests: dict[str, str] = field(default_factory=dict)  # id -> text digest in the store
    article_hashes: dict[str, bytes] = field(default_factory=dict)  # id -> structural digest (fingerprints)
    face_keys: dict[str, bytes] = field(default_factory=dict)  # id -> face_key (fingerprints of listings)
    # page -> ids of the articles its last render read beyond their face (absent: none)
    deep_refs: dict[str, frozenset[str]] = field(default_factory=dict)
    extra_sizes: dict[str, int] | None = None
    articles: int = 0
    config: Any = None
    extras_stale: bool = False  # pages were built, the extras (search index) not yet
    # extras' files (search/...) -> digest of their bytes, kept in the page store under it
    extra_digests: dict[str, bytes] | None = None
    # article ids in corpus order ((source, order, id)), as the last full build read them
    order: list[str] = field(default_factory=list)
    # id -> text digest of the articles the extras' files were last computed from, and what
    # the extras said of their state then (see IncrementalBuilder._unchanged_for_extras)
    extras_digests: dict[str, str] | None = None
    extras_token: bytes | None = None

    @classmethod
    def load(cls, file: Path, code: str) -> "BuildIndex | None":
        return cls.load_checked(file, code)[0]

    @classmethod
    def load_checked(cls, file: Path, code: str) -> "tuple[BuildIndex | None, str | None]":
        """The index, or None and why when the file exists but cannot be read (corrupted:
        then it is deleted; a full build makes a new one). Missing or stale: None, None."""
        return load_pickle(file, code)

    def save(self, file: Path) -> None:
        save_pickle(file, self, self.code)


@dataclass
class ContentScan:
    started_ns: int
    stats: dict[str, tuple[int, int]]  # rel -> (size, mtime_ns)
    digests: dict[str, str]  # rel -> text digest (from the index when the stat is unchanged)
    texts: dict[str, bytes]  # raw bytes of the files read in this scan
    unreadable: dict[str, str]  # rel -> error

    def changed(self, previous: dict[str, FileEntry]) -> set[str]:
        """Files added, removed, or whose text differs from what the index recorded."""
        out = {rel for rel, d in self.digests.items()
               if rel not in previous or previous[rel].digest != d}
        out |= set(previous) - set(self.digests)
        out |= set(self.unreadable)
        return out


def scan_content(root: Path, previous: BuildIndex | None) -> ContentScan:
    started = time.time_ns()
    stats = {rel: (st.st_size, st.st_mtime_ns) for rel, st in walk_files(root, follow_symlinks=True)
             if rel.endswith(".md")}
    known = previous.files if previous is not None else {}
    scanned = previous.scanned_ns if previous is not None else 0
    digests: dict[str, str] = {}
    texts: dict[str, bytes] = {}
    unreadable: dict[str, str] = {}
    for rel, (size, mtime) in stats.items():
        entry = known.get(rel)
        if entry is not None and stat_trusted((entry.size, entry.mtime_ns), (size, mtime), scanned):
            digests[rel] = entry.digest
            continue
        _read_file(root, rel, texts, digests, unreadable)
    return ContentScan(started, stats, digests, texts, unreadable)


def _read_file(root: Path, rel: str, texts: dict[str, bytes], digests: dict[str, str],
               unreadable: dict[str, str]) -> None:
    """Read one content file into a scan: its bytes and digest, or why it could not be read."""
    try:
        data = (root / rel).read_bytes()
    except OSError as exc:
        unreadable[rel] = str(exc)
        return
    texts[rel] = data
    digests[rel] = text_digest(data)


@dataclass(frozen=True)
class ContentHint:
    """What a file watcher saw: the content files (relative to the content folder) created,
    modified or deleted since the last build, by a watcher running since `since_ns`."""

    paths: frozenset[str]
    since_ns: int


def rescan_content(root: Path, previous: BuildIndex, paths: Iterable[str]) -> ContentScan:
    """scan_content when a watcher names the files that changed since `previous` was scanned:
    those are read again, every other file keeps its recorded stat and digest (no walk, no
    stat of 10,000 files for a one-file edit)."""
    started = time.time_ns()
    stats = {rel: (e.size, e.mtime_ns) for rel, e in previous.files.items()}
    digests = {rel: e.digest for rel, e in previous.files.items()}
    texts: dict[str, bytes] = {}
    unreadable: dict[str, str] = {}
    for rel in paths:
        if not rel.endswith(".md"):
            continue
        stats.pop(rel, None)
        digests.pop(rel, None)
        try:
            st = (root / rel).stat()
        except OSError:
            continue  # deleted
        if not stat.S_ISREG(st.st_mode):
            continue  # a folder
        stats[rel] = (st.st_size, st.st_mtime_ns)
        _read_file(root, rel, texts, digests, unreadable)
    return ContentScan(started, stats, digests, texts, unreadable)


def walk_files(root: Path, follow_symlinks: bool, prefix: str = ""):
    """(rel, os.stat_result) of every file below root, by os.scandir; unreadable entries skipped."""
    return _walk(root, follow_symlinks, True, prefix)


def walk_names(root: Path, prefix: str = ""):
    """rel of every file below root, like walk_files but without a stat per file (the entry's
    type comes with the directory listing, except for symlinks, which are followed)."""
    return (rel for rel, _ in _walk(root, True, False, prefix))


def _walk(root: Path, follow_symlinks: bool, with_stat: bool, prefix: str):
    try:
        entries = list(os.scandir(root / prefix if prefix else root))
    except OSError:
        return
    for entry in entries:
        rel = prefix + entry.name
        try:
            if entry.is_dir(follow_symlinks=follow_symlinks):
                yield from _walk(root, follow_symlinks, with_stat, rel + "/")
            elif entry.is_file(follow_symlinks=follow_symlinks):
                yield rel, entry.stat(follow_symlinks=follow_symlinks) if with_stat else None
        except OSError:
            continue


# ---------------------------------------------------------------------------- plan store

_LINKS_ID = "\0links"


class PlanStore:
    """Planned pages, articles and the page -> article graph in SQLite (the page store's file)."""

    def __init__(self, db: sqlite3.Connection | None):
        self.db = db
        self.loaded_articles: dict[str, Article] = {}  # by the last load_pages
        self.links_digest: bytes | None = None
        if db is not None:
            db.execute("CREATE TABLE IF NOT EXISTS plans (file TEXT PRIMARY KEY, data BLOB) WITHOUT ROWID")
            db.execute("CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, data BLOB) WITHOUT ROWID")
            db.execute("CREATE TABLE IF NOT EXISTS refs (id TEXT, file TEXT, PRIMARY KEY (id, file)) WITHOUT ROWID")
            db.execute("CREATE INDEX IF NOT EXISTS refs_file ON refs (file)")

    # -- writing (a full build)

    def put_pages(self, pages: list, blobs: dict[str, tuple[bytes, set[str]]], links: Any,
                  links_digest: bytes | None) -> None:
        """Store pages (`blobs`: file -> (pickle_page bytes, article ids), as the fingerprints
        made them) and replace their rows of the dependency graph; the link table with its
        digest, so a one-article build need not hash it."""
        rows, refs = [], []
        for page in pages:
            blob, ids = blobs[page.file]
            rows.append((page.file, blob))
            refs.extend((i, page.file) for i in ids)
        # In key order: inserts then append to the B-trees instead of splitting pages all
        # over them (50,000 articles, 1.9 million refs: 37 s shuffled, 16 s sorted).
        rows.sort()
        refs.sort()
        with self.db:
            self.db.executemany("DELETE FROM refs WHERE file = ?", ((p.file,) for p in pages))
            self.db.executemany("INSERT OR REPLACE INTO plans VALUES (?, ?)", rows)
            self.db.executemany("INSERT OR IGNORE INTO refs VALUES (?, ?)", refs)
            self.db.execute("INSERT OR REPLACE INTO plans VALUES (?, ?)",
                            (_LINKS_ID, pickle.dumps((links, links_digest), protocol=pickle.HIGHEST_PROTOCOL)))

    def put_page_data(self, pages: list, blobs: dict[str, tuple[bytes, set[str]]]) -> None:
        """Store pages again whose data changed but not which articles they hold."""
        rows = [(page.file, blobs[page.file][0]) for page in pages]
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO plans VALUES (?, ?)", rows)

    def all_article_ids(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT id FROM articles")]

    def all_page_files(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT file FROM plans WHERE file != ?", (_LINKS_ID,))]

    def drop_pages(self, files: Iterable[str]) -> None:
        files = list(files)
        with self.db:
            self.db.executemany("DELETE FROM plans WHERE file = ?", ((f,) for f in files))
            self.db.executemany("DELETE FROM refs WHERE file = ?", ((f,) for f in files))

    def put_articles(self, articles: Iterable[Article]) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?)",
                                ((a.id, pickle.dumps(a, protocol=pickle.HIGHEST_PROTOCOL)) for a in articles))

    def drop_articles(self, ids: Iterable[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM articles WHERE id = ?", ((i,) for i in ids))

    # -- reading (a one-article edit)

    def pages_holding(self, ids: Iterable[str]) -> list[str]:
        out: set[str] = set()
        for i in ids:
            out.update(row[0] for row in self.db.execute("SELECT file FROM refs WHERE id = ?", (i,)))
        return sorted(out)

    def load_pages(self, files: list[str], patched: dict[str, Article],
                   cached: dict[str, Article] | None = None, stored: Collection[str] | None = None) -> list | None:
        """The stored pages, their articles taken from `patched`, `cached` (still current
        articles the caller kept) or the store (one object per id, shared by all pages); None
        when something is missing. Sets loaded_articles and links_digest. `stored`: the ids
        the caller's index says the store holds (saves asking the store, 0.08 s at 10,000)."""
        row = self.db.execute("SELECT data FROM plans WHERE file = ?", (_LINKS_ID,)).fetchone()
        if row is None:
            return None
        shared = pickle.loads(row[0])
        if not (isinstance(shared, tuple) and len(shared) == 2):
            return None  # an older layout
        links, self.links_digest = shared
        articles: dict[str, Article] = {**(cached or {}), **patched}
        wanted: set[str] = set()
        for f in files:
            wanted.update(r[0] for r in self.db.execute("SELECT id FROM refs WHERE file = ?", (f,)))
        wanted -= set(articles)
        wanted_list = sorted(wanted)
        # Stored articles are read when a template reads them (LazyArticle); that each one is
        # there is checked now, so a missing one sends the caller to a full plan as before
        # (one the store lost after all fails the render, which does the same).
        if stored is not None:
            found = sum(1 for i in wanted_list if i in stored)
        else:
            found = 0
            for i in range(0, len(wanted_list), 500):  # one query per 500 articles, not one each
                chunk = wanted_list[i:i + 500]
                found += self.db.execute(f"SELECT count(*) FROM articles WHERE id IN "
                                         f"({','.join('?' * len(chunk))})", chunk).fetchone()[0]
        if found != len(wanted_list):
            return None
        for article_id in wanted_list:
            articles[article_id] = LazyArticle(article_id, self)
        self.loaded_articles = articles
        pages = []
        for f in files:
            row = self.db.execute("SELECT data FROM plans WHERE file = ?", (f,)).fetchone()
            if row is None:
                return None
            try:
                pages.append(_PageUnpickler(io.BytesIO(row[0]), links, articles, self).load())
            except KeyError:
                return None
        return pages

    def article(self, article_id: str) -> Article:
        row = self.db.execute("SELECT data FROM articles WHERE id = ?", (article_id,)).fetchone()
        if row is None:
            raise KeyError(article_id)
        return pickle.loads(row[0])

    def articles(self, ids: list[str]) -> list[Article]:
        """The stored articles of these ids (those the store lacks are left out)."""
        out = []
        for k in range(0, len(ids), 500):  # one query per 500 articles, not one each
            chunk = ids[k:k + 500]
            out.extend(pickle.loads(data) for (data,) in self.db.execute(
                f"SELECT data FROM articles WHERE id IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def all_articles(self) -> list[Article]:
        return [pickle.loads(row[0]) for row in self.db.execute("SELECT data FROM articles")]


def pickle_page(page: Any, links: Any) -> tuple[bytes, set[str]]:
    """The page's plan as bytes, articles and the link table by reference, and the ids of the
    articles it holds. Also what a page's data digest hashes: equal plans give equal bytes (no
    identity in it but the sharing of objects, which plan_site and unpickling reproduce; a
    difference there would only cost a render, never give wrong bytes)."""
    ids: set[str] = set()
    buf = io.BytesIO()
    _PagePickler(buf, links, ids).dump(page)
    return buf.getvalue(), ids


def _article_ref(article_id: str):  # stands for an article in a stored page; see _PageUnpickler
    raise RuntimeError("resolved by the plan store's unpickler only")


def _links_ref():
    raise RuntimeError("resolved by the plan store's unpickler only")


class _PagePickler(pickle.Pickler):
    def __init__(self, buf, links, ids: set[str]):
        super().__init__(buf, protocol=pickle.HIGHEST_PROTOCOL)
        self.links, self.ids = links, ids

    def reducer_override(self, obj):
        # called for objects other than str, int, list, dict ...: far fewer calls than
        # persistent_id, which runs for every object
        if type(obj) is Article or type(obj) is LazyArticle:
            self.ids.add(obj.id)
            return _article_ref, (obj.id,)
        if obj is self.links:
            return _links_ref, ()
        return NotImplemented


class _PageUnpickler(pickle.Unpickler):
    def __init__(self, buf, links, articles: dict[str, Article], store: PlanStore):
        super().__init__(buf)
        self.links, self.articles, self.store = links, articles, store

    def find_class(self, module, name):
        if module == __name__ and name == "_article_ref":
            return self._article
        if module == __name__ and name == "_links_ref":
            return lambda: self.links
        return super().find_class(module, name)

    def _article(self, article_id: str) -> Article:
        article = self.articles.get(article_id)
        if article is None:  # not in the page's recorded refs: read now (KeyError when missing)
            article = self.articles[article_id] = self.store.article(article_id)
        return article


class LazyArticle:
    """A stored article unpickled when a field other than its id is first read. The pages
    a one-article edit renders again include home and the page index, which hold every
    article but show a few (the latest issue, counts): unpickling all 10,000 cost 0.3 s.
    Templates read fields by attribute, so they see the article's values; the page pickler
    stores it by id like an Article. Use `resolve()` where an Article itself is needed."""

    __slots__ = ("id", "_store", "_article")

    def __init__(self, article_id: str, store: "PlanStore"):
        self.id = article_id
        self._store = store
        self._article: Article | None = None

    def resolve(self) -> Article:
        if self._article is None:
            self._article = self._store.article(self.id)
        return self._article

    def __getattr__(self, name: str):  # only for names that are not slots
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.resolve(), name)

    def __reduce__(self):  # never the proxy across processes: the article itself
        return _identity, (self.resolve(),)


def _identity(obj):
    return obj


def resolve_all(articles: list, store: "PlanStore | None" = None) -> list[Article]:
    """`articles` with every LazyArticle replaced by its Article, those not yet unpickled
    read in one query per 500."""
    lazy = [a.id for a in articles if type(a) is LazyArticle and a._article is None]
    if lazy:
        first = next(a for a in articles if type(a) is LazyArticle)
        loaded = {a.id: a for a in (store or first._store).articles(lazy)}
        for a in articles:
            if type(a) is LazyArticle and a._article is None and a.id in loaded:
                a._article = loaded[a.id]
    return [a.resolve() if type(a) is LazyArticle else a for a in articles]
