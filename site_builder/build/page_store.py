"""The page store: the bytes of every page by fingerprint, so a build after `rm -rf output`
links pages back instead of rendering them."""
from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from pathlib import Path

from .output import link_over, unlink_quietly


class PageStore:
    """The bytes of pages (by fingerprint) and of the extras' files (by content digest), so a
    build after `rm -rf output` links them back instead of rendering: a content-addressed
    folder of hard links, `<state>/pages/<2 hex>/<key hex>`, each a link to the output file
    written with those bytes. Output files are only ever replaced by a rename, never changed
    in place (SyncWriter), so a link to a written inode is an immutable copy that costs one
    link() and no bytes; where linking fails (another file system) the bytes are copied.
    The SQLite store before it wrote 3.5 GB at 50,000 articles, 82.7 s, 17x the time at
    10,000 (random 16-byte keys in one B-tree of large rows, written twice through the WAL).
    The table `stored` (key -> size, mtime) in the state database names what may be used: a
    store file whose size or mtime differs from what was recorded (an output file edited in
    place, its link with it) is not used. A damaged or missing store only costs renders,
    never wrong bytes. Without a state folder nothing is stored."""

    def __init__(self, db: sqlite3.Connection | None, folder: Path | None):
        self.db = db if folder is not None else None
        self.folder = str(folder) if folder is not None and db is not None else None
        self._made: set[str] = set()

    @staticmethod
    def create_tables(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE IF NOT EXISTS stored (key BLOB PRIMARY KEY, size INTEGER, mtime_ns INTEGER) "
                   "WITHOUT ROWID")
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pages'").fetchone():
            db.execute("DROP TABLE pages")  # the bytes of the SQLite store before: GBs
            db.execute("VACUUM")

    def path(self, key: bytes) -> str:
        name = key.hex()
        return f"{self.folder}{os.sep}{name[:2]}{os.sep}{name}"

    def lookup(self, keys: list[bytes]) -> dict[bytes, int]:
        """Those of `keys` the store can give back, with their sizes (one stat each)."""
        out: dict[bytes, int] = {}
        if self.folder is None or not keys:
            return out
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = self.db.execute(f"SELECT key, size, mtime_ns FROM stored WHERE key IN "
                                       f"({','.join('?' * len(chunk))})", chunk).fetchall()
                for key, size, mtime_ns in rows:
                    try:
                        st = os.stat(self.path(key))
                    except OSError:
                        continue
                    if st.st_size == size and st.st_mtime_ns == mtime_ns:
                        out[key] = size
        except sqlite3.Error:
            return {}
        return out

    def add(self, path: str, key: bytes) -> tuple[bytes, int, int] | None:
        """Keep the file at `path` (just written, never to change) as `key`: a hard link, or a
        copy where linking fails. Returns the row for record(), None when nothing is kept.
        Safe in threads and forked render workers (the row goes back to the build)."""
        if self.folder is None:
            return None
        dest = self.path(key)
        folder = os.path.dirname(dest)
        try:
            if folder not in self._made:
                os.makedirs(folder, exist_ok=True)
                self._made.add(folder)
            try:
                os.link(path, dest)
            except FileExistsError:  # an older copy (maybe damaged) unless it is this file
                if not os.path.samefile(path, dest):
                    tmp = f"{dest}.tmp-{os.getpid()}-{threading.get_ident()}"
                    link_over(path, tmp)
                    os.replace(tmp, dest)
            except OSError:  # no hard links here: a copy
                tmp = f"{dest}.tmp-{os.getpid()}-{threading.get_ident()}"
                shutil.copyfile(path, tmp)
                os.replace(tmp, dest)
            st = os.stat(dest)
        except OSError:
            return None
        return key, st.st_size, st.st_mtime_ns

    def record(self, rows: list[tuple[bytes, int, int]]) -> None:
        """Name the files add() kept (in key order: sequential B-tree inserts)."""
        if self.db is None or not rows:
            return
        try:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO stored VALUES (?, ?, ?)", sorted(rows))
        except sqlite3.Error:
            pass

    def keep_only(self, keys: set[bytes]) -> None:
        """Drop what no current key names (keeps the store the size of one site; the links of
        files still in output/ cost no space)."""
        if self.db is None:
            return
        try:
            have = [row[0] for row in self.db.execute("SELECT key FROM stored")]
            stale = [key for key in have if key not in keys]
            if stale:
                with self.db:
                    self.db.executemany("DELETE FROM stored WHERE key = ?", ((k,) for k in stale))
        except sqlite3.Error:
            pass
        names = {key.hex() for key in keys}
        try:
            folders = os.listdir(self.folder)
        except OSError:
            return
        for sub in folders:
            try:
                files = os.listdir(os.path.join(self.folder, sub))
            except OSError:
                continue
            for name in files:
                if name not in names:  # stale, or a leftover temporary file
                    unlink_quietly(os.path.join(self.folder, sub, name))


# ---------------------------------------------------------------------------- rendering
