"""The build's caches in `.cache/` and their life: the build index (build_index.BuildIndex:
what the last build wrote, by fingerprint), the parse cache (content files by text digest),
the page and plan store (`pages.sqlite` with `pages/`) and compiled templates (`jinja/`).
Every one is disposable: one that cannot be read is deleted with a warning and rebuilt."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

from ..cache import load_pickle, save_pickle
from ..config import Config
from ..content import Corpus, ParsedFile, parse_article
from ..model import Article, Diagnostic
from ..plan import slug_clashes
from .build_index import BuildIndex, ContentScan, FileEntry, PlanStore, face_key, plan_key, scan_content
from .fingerprint import code_version
from .page_store import PageStore



class BuildCaches:
    """The caches one builder keeps; with no `state_dir`, in memory for the builder's life."""

    def __init__(self, state_dir: str | Path | None):
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.index: BuildIndex | None = None  # what the last build left, see build_index.py
        self.parsed: dict[str, tuple[str, ParsedFile]] = {}  # rel -> (text hash, parse)
        self.warnings: list[Diagnostic] = []  # caches discarded, reported with the next result
        self._loaded = False
        self._parsed_loaded = False
        self._db: sqlite3.Connection | None = None

    _STATE_FILE = "build-state.pickle"  # the parse cache (read by full builds only)
    _DB_FILE = "pages.sqlite"  # the page store's table and the plan store
    _INDEX_FILE = "build-index.pickle"

    def load_index(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.state_dir is not None:
            file = self.state_dir / self._INDEX_FILE
            self.index, problem = BuildIndex.load_checked(file, code_version())
            if problem:
                self._cache_warning(file, problem)

    def load_parsed(self) -> None:
        if self._parsed_loaded or self.state_dir is None:
            return
        self._parsed_loaded = True
        file = self.state_dir / self._STATE_FILE
        parsed, problem = load_pickle(file, code_version())
        if problem:  # unreadable: parse again
            self._cache_warning(file, problem)
        elif parsed is not None:
            self.parsed = parsed

    def save_index(self) -> None:
        if self.state_dir is not None and self.index is not None:
            self.index.save(self.state_dir / self._INDEX_FILE)

    def save_parsed(self) -> None:
        if self.state_dir is not None:
            save_pickle(self.state_dir / self._STATE_FILE, self.parsed, code_version())

    def forget_index(self) -> None:
        if self.state_dir is not None:
            (self.state_dir / self._INDEX_FILE).unlink(missing_ok=True)

    def open_db(self) -> sqlite3.Connection | None:
        """The page store, kept open for the builder's life (in memory without a state dir,
        so a long-lived builder still has one). A store that cannot be opened (a corrupted
        file) is deleted with a warning and made again, empty."""
        if self._db is None:
            try:
                self._db = self._connect()
            except sqlite3.DatabaseError as exc:
                if self.state_dir is None:
                    return None
                self.discard_db(f"{type(exc).__name__}: {exc}")
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

    def discard_db(self, problem: str) -> None:
        """Delete the page and plan store (and the index that names what it holds)."""
        if self._db is not None:
            self._db.close()
            self._db = None
        file = self.state_dir / self._DB_FILE
        self._cache_warning(file, problem)
        for suffix in ("", "-wal", "-shm"):
            file.with_name(file.name + suffix).unlink(missing_ok=True)
        self.index = None
        self.forget_index()

    def _cache_warning(self, file: Path, problem: str) -> None:
        self.warnings.append(Diagnostic(str(file), f"cache could not be read ({problem}); "
                                         "discarded, it is rebuilt", None, "warning"))

    def page_store(self) -> "PageStore":
        return PageStore(self.open_db(), self.state_dir / "pages" if self.state_dir is not None else None)

    def bytecode_dir(self, config: Config) -> Path | None:
        """Where compiled templates are kept, one folder per settings and code: Jinja folds
        filters applied to constants at compile time (`"static/x.css"|url` holds base_url),
        so compiled code is only valid for the environment that compiled it."""
        if self.state_dir is None:
            return None
        key = hashlib.blake2b(repr(config).encode("utf-8", "surrogatepass") + code_version().encode(),
                              digest_size=8).hexdigest()
        return self.state_dir / "jinja" / key

    def plan_store(self) -> PlanStore | None:
        db = self.open_db()
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
            cached = self.parsed.get(rel)
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
        self.parsed = parsed_now
        articles.sort(key=lambda a: (a.source, a.order, a.id))
        return Corpus(articles, diagnostics + slug_clashes(articles, str(content_dir))), entries


def _id_line(text: str) -> int:
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith("id:"):
            return i
    return 1
