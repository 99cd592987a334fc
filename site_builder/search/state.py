""".cache/search.sqlite: what an update in place needs (each shard's raw postings, per article
its number, input digest, dates, facet values and indexed texts, every file's digest), keyed
by this code's hash.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..cache import CACHE_FORMAT
from ..model import Article
from .tokens import TOKENIZER_VERSION
from .facets import facet_values


FORMAT = 4


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def version_of(shard_digests: list[bytes], record_digests: list[bytes]) -> str:
    """The manifest's version (search.js adds it to every URL so caches never mix two
    builds): a hash of every shard's and record's bytes, through their digests."""
    return hashlib.sha256(b"".join(shard_digests) + b"".join(record_digests)).hexdigest()[:16]


_code_version: str | None = None


def code_version() -> str:
    """A hash of the code the index's files are made of (this package and every module it
    imports: the tokenizer, the date formatting): the state in .cache/ is only used by the
    code that wrote it."""
    global _code_version
    if _code_version is None:
        from ..codekey import code_key

        _code_version = code_key("site_builder.search")  # what the package imports, at any depth
    return _code_version


@dataclass
class StateChange:
    """What an index computation changes in .cache/search.sqlite, applied by `commit()` once
    its files are on disk (so the state always describes what output/ holds). Picklable: the
    dev server computes the index in another process and commits in its own."""

    path: str
    replace_with: str | None = None  # a full build: the new state, complete, in this file
    meta: dict[str, str] = field(default_factory=dict)
    docs: list[tuple[int, str, bytes, str, str]] = field(default_factory=list)
    texts: list[tuple[int, str, str]] = field(default_factory=list)
    shards: list[tuple[int, bytes]] = field(default_factory=list)
    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)

    def commit(self) -> None:
        if self.replace_with is not None:
            os.replace(self.replace_with, self.path)
            return
        db = sqlite3.connect(self.path)
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", self.meta.items())
                db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?)", self.docs)
                db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)", self.texts)
                db.executemany("INSERT OR REPLACE INTO shards VALUES (?, ?)", self.shards)
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                               ((rel, d, size) for rel, (d, size) in self.files.items()))
                db.executemany("DELETE FROM files WHERE rel = ?", ((rel,) for rel in self.gone))
        finally:
            db.close()

    def discard(self) -> None:
        if self.replace_with is not None:
            try:
                os.unlink(self.replace_with)
            except OSError:
                pass


# docs: per article what decides whether an update can stay local (small rows, read whole on
# every update); texts: its indexed texts (read only for edited articles, to find the terms an
# edit removed).
_SCHEMA = ("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
           "CREATE TABLE docs (number INTEGER PRIMARY KEY, id TEXT, inputs BLOB, dates TEXT, "
           "tags TEXT)",
           "CREATE TABLE texts (number INTEGER PRIMARY KEY, title TEXT, body TEXT)",
           "CREATE TABLE shards (n INTEGER PRIMARY KEY, postings BLOB)",
           "CREATE TABLE files (rel TEXT PRIMARY KEY, digest BLOB, size INTEGER)")


def _tags_text(article: Article) -> str:
    """An article's facet values as the state keeps them (an edit of them rewrites the facet
    files)."""
    return json.dumps(facet_values(article), ensure_ascii=False, sort_keys=True)


def _state_meta(base_url: str, documents: int) -> dict[str, str]:
    """What the whole state is keyed by: an update in place needs all of it unchanged."""
    return {"format": str(FORMAT), "cache": str(CACHE_FORMAT), "tokenizer": str(TOKENIZER_VERSION),
            "code": code_version(), "base": base_url, "documents": str(documents)}


def remove_stale_states(state_path: Path) -> None:
    """Temporary states left by builds that were killed before committing (named after their
    process; a live process's file is left alone)."""
    for tmp in state_path.parent.glob(f"{state_path.name}.tmp-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            try:
                tmp.unlink()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


STATE_FILE = "search.sqlite"
