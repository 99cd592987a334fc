"""Fast ingestion: the same articles as `run.ingest_pages`, from a cache and on two cores.

- Per seed page, the result of segmentation and extraction (articles before the corpus-wide
  step, their terms, and the people each article's own text vouches for) is stored under
  `.cache/` keyed by a hash of the page (path, metadata, text) and a *salt*: the ingester's
  version, the user dictionary, the stopword list and the source of every module ingestion
  imports (`codekey.code_key`), so a code or dictionary change can never serve a stale result.
- Pages not in the cache are processed by a pool of worker processes (jieba loaded once per
  worker: forked after the parent loaded it, so the dictionary is shared copy-on-write). Results
  come back in page order, so the output does not depend on the number of workers.
- The corpus-wide step (`corpus.finish_corpus`) runs over all articles, with each article's
  own names from the page cache, its second pass memoised in the cache file, and the
  per-article steps (and YAML) on workers forked once the corpus-wide sets are known; tests
  compare the result with plain serial, uncached ingestion byte for byte. state.py
  makes it incremental when few pages changed.
- When no page changed at all, the previous run's outcome stands (by stat): nothing is read.
"""
from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from ..cache import CACHE_DIR, CACHE_FORMAT, atomic_write, stat_trusted
from ..codekey import code_key
from ..model import SeedPage
from . import corpus, entities, extract, headruns, lexicon
from .pages import ingest_page

CACHE_FILE = f"{CACHE_DIR}/ingest.pickle"
CORPUS_FILE = f"{CACHE_DIR}/ingest-last.pickle"  # small: read first, the big file only when needed
# Ingestion's entry: the source of every module it imports is part of the cache salt.
INGEST_ENTRY = f"{__package__}.run"
POOL_MIN_PAGES = 24  # fewer misses than this are cheaper in-process than starting workers
WORKERS = min(2, os.cpu_count() or 1)
BIG_PAGE_CHARS = 200_000  # a page this long is sent to a worker alone


# ---------------------------------------------------------------- keys

def file_digest(path: Path | None) -> str:
    if path is None or not Path(path).is_file():
        return "none"
    return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()


def salt(userdict: Path | None, stopwords: frozenset[str]) -> str:
    """Everything besides a page's own text that its result depends on."""
    h = hashlib.blake2b(digest_size=16)
    h.update(f"format {CACHE_FORMAT}; ingester {extract.INGESTER_VERSION};".encode())
    h.update(b"userdict " + file_digest(userdict).encode())
    h.update(b"stopwords " + "\n".join(sorted(stopwords)).encode("utf-8"))
    h.update(b"places " + file_digest(entities.PLACES_FILE).encode())
    h.update(b"heading runs " + file_digest(headruns.MODEL_PATH).encode())
    h.update(b"code " + code_key(INGEST_ENTRY).encode())
    return h.hexdigest()


def page_key(page: SeedPage) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((page.path, page.stem, page.slug, page.meta)).encode("utf-8", "surrogatepass"))
    h.update(b"\0" + page.text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


text_key = corpus.text_key


# ---------------------------------------------------------------- the cache file

StatSig = tuple  # (size, mtime_ns, ctime_ns, inode) of a file


def stat_sig(st: os.stat_result) -> StatSig:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def seed_stats(seeds_dir: Path) -> dict[str, StatSig]:
    """Every file below the seeds folder (seeds, sidecars, anything) -> its stat signature."""
    from ..build.build_index import walk_files

    return {rel: stat_sig(st) for rel, st in walk_files(seeds_dir, True)}


@dataclass
class CorpusMemo:
    """The last run's outcome as a whole: valid while every page key (and the salt) is equal.

    Stat hints let a run skip reading files: the seeds folder's files and each content file
    as written, by (size, mtime_ns, ctime_ns, inode), trusted by site_builder.cache.stat_trusted
    against this memo file's own mtime (`recorded_ns`): a file modified within the racy window
    before it is read. A change that keeps size, both times and the inode needs a deliberate
    clock or filesystem trick (ctime cannot be set by programs), so stat equality is trusted
    otherwise."""

    key: str
    files: list[tuple[str, str]]  # (content-relative path, hash of its text) in write order
    report_state: bytes  # pickled (diagnostics, furniture, articles, pages)
    seeds_dir: str = ""
    seed_stats: dict[str, StatSig] = field(default_factory=dict)
    file_stats: dict[str, StatSig] = field(default_factory=dict)  # content rel -> as written
    recorded_ns: int = 0  # mtime_ns of the memo file, set when loaded

    def trusted(self, sig: StatSig | None, now: StatSig) -> bool:
        return stat_trusted(sig, now, self.recorded_ns)

    def seeds_unchanged(self, seeds_dir: Path, stats: dict[str, StatSig]) -> bool:
        return (self.seeds_dir == str(seeds_dir) and stats.keys() == self.seed_stats.keys()
                and all(self.trusted(self.seed_stats[rel], sig) for rel, sig in stats.items()))

    @classmethod
    def load(cls, root: Path) -> "CorpusMemo | None":
        return load_recorded(root / CORPUS_FILE, cls)

    def save(self, root: Path) -> None:
        _dump(self, root / CORPUS_FILE)


def load_recorded(file: Path, cls: type, format: int | None = None):
    """The pickled `cls` in `file` with `recorded_ns` set to the file's mtime (what
    stat_trusted compares against); None when missing, unreadable, of another class or
    another `format`."""
    try:
        with open(file, "rb") as fh:
            obj = pickle.load(fh)
            recorded = os.fstat(fh.fileno()).st_mtime_ns
    except FileNotFoundError:
        return None
    except Exception as exc:  # damaged: the run goes on without it and writes it anew
        cache_discarded(file, exc)
        return None
    if not isinstance(obj, cls) or (format is not None and getattr(obj, "format", None) != format):
        return None
    obj.recorded_ns = recorded
    return obj


def cache_discarded(file: Path, exc: BaseException) -> None:
    """Say that a cache file could not be read and is being rebuilt (caches are disposable)."""
    print(f"warning: {file}: cache unreadable ({type(exc).__name__}: {exc}); discarded, rebuilding it",
          file=sys.stderr)


def _dump(obj, file: Path) -> None:
    atomic_write(file, lambda fh: pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL))


@dataclass
class IngestCache:
    salt: str = ""
    people: dict[tuple, frozenset] = field(default_factory=dict)  # (text key, known here) -> people
    dirty: bool = False

    @classmethod
    def load(cls, root: Path, salt_now: str) -> "IngestCache":
        file = root / CACHE_FILE
        try:
            with open(file, "rb") as fh:
                cache = pickle.load(fh)
            if isinstance(cache, cls) and cache.salt == salt_now:
                cache.dirty = False
                return cache
        except FileNotFoundError:
            pass
        except Exception as exc:  # truncated or damaged: start afresh
            cache_discarded(file, exc)
        return cls(salt=salt_now, dirty=True)

    def save(self, root: Path) -> None:
        if not self.dirty:
            return
        self.dirty = False
        _dump(self, root / CACHE_FILE)


# ---------------------------------------------------------------- workers

_worker_stopwords: frozenset[str] = frozenset()


def _init_worker(userdict: str | None, stopwords: frozenset[str]) -> None:
    global _worker_stopwords
    _worker_stopwords = stopwords
    lexicon.configure(userdict)  # no-op when forked from a parent that already loaded it


def process_page(page: SeedPage) -> bytes:
    """Segment + extract one page and find the people its articles vouch for on their own;
    pickled, which is both what the cache stores and what a worker sends back."""
    outcome = ingest_page(page, _worker_stopwords)
    alone = [corpus.confirmed_alone(e.body_text) for e in outcome.extracted]
    return pickle.dumps((outcome, alone), protocol=pickle.HIGHEST_PROTOCOL)


class Workers:
    """A lazily started process pool (or none, for small jobs and inside threaded servers)
    that runs `pages.ingest_page` through process_page."""

    def __init__(self, userdict: str | None, stopwords: frozenset[str], workers: int):
        global _worker_stopwords
        _worker_stopwords = stopwords  # for work done in this process
        self.userdict, self.stopwords, self.workers = userdict, stopwords, workers
        self._pool = None

    def map(self, fn, items: list, chunksize: int = 8) -> list:
        if self.workers <= 1 or len(items) < POOL_MIN_PAGES:
            return [fn(item) for item in items]
        if self._pool is None:
            # fork shares the parent's loaded dictionary; a process with other threads running
            # (the dev server) must not fork, so it spawns fresh workers instead.
            method = "fork" if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods() \
                else "spawn"
            ctx = multiprocessing.get_context(method)
            self._pool = ctx.Pool(self.workers, initializer=_init_worker,
                                  initargs=(self.userdict, self.stopwords))
        # Largest pages first, a huge one in a chunk of its own: one 20 MB page then keeps one
        # worker busy while the other takes every other page, instead of holding a chunk back.
        sizes = [len(getattr(item, "text", "")) for item in items]
        order = sorted(range(len(items)), key=lambda i: -sizes[i])
        if sizes[order[0]] > BIG_PAGE_CHARS:
            chunksize = 1
        out: list = [None] * len(items)
        for i, result in zip(order, self._pool.imap(fn, [items[i] for i in order], chunksize=chunksize)):
            out[i] = result
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


# ---------------------------------------------------------------- corpus-wide step

# What forked workers read: set by the parent just before it forks them, so they inherit it
# (copy-on-write) instead of receiving it pickled.
_FORK_INPUT: tuple = ()
FORK_MIN_ITEMS = 200  # fewer items: one process is quicker than forking


def forked_map(fn, n_items: int, workers: int, chunk: int = 256) -> list:
    """[fn(i) for i in range(n_items)] on `workers` processes forked now, so they see what the
    parent holds at this moment (`_FORK_INPUT`, the articles); results in order. In one
    process when forking is not possible (other threads running, no fork on this system)."""
    can_fork = threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()
    if workers <= 1 or n_items < FORK_MIN_ITEMS or not can_fork:
        return [fn(i) for i in range(n_items)]
    ranges = [(i, min(i + chunk, n_items)) for i in range(0, n_items, chunk)]
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_run_range, [(fn, a, b) for a, b in ranges], chunksize=1)
    return [x for part in parts for x in part]


def _run_range(job) -> list:
    fn, a, b = job
    return [fn(i) for i in range(a, b)]


def _apply_to_item(i: int):
    fn, items = _FORK_INPUT
    return fn(items[i])


def forked_map_items(fn, items: list, workers: int) -> list:
    """[fn(x) for x in items] on forked workers (see forked_map)."""
    global _FORK_INPUT
    _FORK_INPUT = (fn, items)
    try:
        return forked_map(_apply_to_item, len(items), workers, chunk=128)
    finally:
        _FORK_INPUT = ()


def finish_corpus_fast(extracted: list[extract.Extracted], alone: list[frozenset[str]],
                       cache: IngestCache, n: int) -> tuple[corpus.CorpusTrace, list[str]]:
    """corpus.finish_corpus with each article's own names from the page cache, the second
    pass of name confirmation memoised in the cache, the per-article steps on `n` forked
    workers; also each article's file text. No other pool may be running
    (forking needs a process without threads).
    tests/test_scale.py compares the files with those of the plain serial ingestion."""
    from ..content import article_to_text

    size = len(cache.people)
    trace = corpus.finish_corpus(extracted, alone, cache.people,
                                 lambda fn, items: forked_map_items(fn, list(items), n), article_to_text)
    texts = {text_key(e.body_text) for e in extracted}
    stale = [k for k in cache.people if k[0] not in texts]  # texts no longer in the corpus
    for k in stale:
        del cache.people[k]
    if stale or len(cache.people) != size:
        cache.dirty = True
    return trace, trace.texts
