"""Step 5, write: files go into the publish tree beside output/ in two phases (SyncWriter), so
an error before the last page leaves output/ as it was; only changed bytes are written, and
every file is replaced by a rename, never changed in place (the page store's hard links rely
on it). Also how the build learns what output/ holds (file_sizes, known_sizes)."""
from __future__ import annotations

import os
import queue
import shutil
import threading
from pathlib import Path
from typing import Collection, Iterable

from .build_index import BuildIndex
from .output import link_over, remove_empty_parents, unlink_quietly
from .page_store import PageStore


def output_intact(index: BuildIndex, on_disk: dict[str, int]) -> bool:
    extra = index.extra_sizes or {}
    return bool(index.fingerprints) and \
        all(on_disk.get(f) == size for f, (_, size) in index.fingerprints.items()) and \
        all(on_disk.get(f) == size for f, size in extra.items()) and \
        len(on_disk) == len(index.fingerprints) + len(extra)


def known_sizes(out_dir: Path, index: BuildIndex) -> dict[str, int]:
    """Size of every file the last build wrote that is still there (one stat each)."""
    base = str(out_dir) + os.sep
    out: dict[str, int] = {}
    stat = os.stat
    for rel in (*index.fingerprints, *(index.extra_sizes or ())):
        try:
            out[rel] = stat(base + rel).st_size
        except OSError:
            pass
    return out


def no_strays(out_dir: Path, index: BuildIndex) -> bool:
    """No unknown entry at the top of output/ (a file or folder dropped there). Deeper strays
    are not looked for on an unchanged build; the next full build removes them."""
    known = {rel.split("/", 1)[0] for rel in (*index.fingerprints, *(index.extra_sizes or ()))}
    try:
        return all(name in known for name in os.listdir(out_dir))
    except OSError:
        return False

def file_sizes(out_dir: Path) -> dict[str, int]:
    """Every file below out_dir -> its size (os.scandir: a fraction of rglob's time)."""
    out: dict[str, int] = {}
    stack = [(str(out_dir), "")]  # str, not Path: Path() per folder was half the time
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, rel + "/"))
            else:
                try:
                    out[rel] = entry.stat(follow_symlinks=False).st_size if entry.is_file(follow_symlinks=False) else -1
                except OSError:
                    out[rel] = -1
    return out


WRITE_THREADS = 2  # file creation is kernel time (GIL released): two threads took 30% off
WRITE_THREADS_MIN_FILES = 1000

# What SyncWriter.write_now did with one file: (kind, path, size, stored) with kind SAME (the
# bytes on disk were these already), NEW (created in place at `path`) or STAGED (written to the
# temporary `path` beside its target); `stored`: (key, size, mtime_ns) of its page store link.
SAME, NEW, STAGED = 0, 1, 2


def sync_tree(out_dir: Path, files: dict[str, bytes | None], on_disk: dict[str, int] | None = None,
          prune: bool = True, store: "PageStore | None" = None, keys: dict[str, bytes] | None = None,
          whole: bool = True) -> list[str]:
    """Make out_dir hold exactly `files` (None: keep the file on disk as it is). Only changed
    bytes are written; a file with a key in `keys` is also kept in `store` under it. Two
    phases keep a failure from leaving a half-updated site (see SyncWriter); an error in the
    first leaves out_dir as it was. Returns what changed."""
    if on_disk is None:
        on_disk = file_sizes(out_dir)
    jobs = [(rel, data) for rel, data in files.items() if data is not None]
    threads = WRITE_THREADS if len(jobs) >= WRITE_THREADS_MIN_FILES else 0
    writer = SyncWriter(out_dir, on_disk, store, threads)
    try:
        for rel, data in jobs:
            writer.put(rel, data, keys.get(rel) if keys else None)
        changed = writer.commit(set(on_disk) - set(files), prune, files if whole else None)
    except BaseException:
        writer.undo()
        raise
    if store is not None and writer.stored:
        store.record(writer.stored)
    return changed


class SyncWriter:
    """sync_tree in steps, so that a build writes pages while others still render instead of
    holding every rendered page until the end (6.3 GB at 50,000 articles). Phase one, file by
    file (put, put_stored, write_now + adopt): bytes equal to the file on disk are not
    written; a new file (no file of that name: nothing of the old site is replaced) is created
    in place, a changed one is written beside its target under a temporary name. undo() takes
    phase one back and leaves out_dir as it was. commit(), phase two: the temporary files are
    renamed into place and files the site no longer has are removed.
    Output files are therefore only ever replaced by a rename, never changed in place: the
    page store keeps a hard link to each written file as its copy (see PageStore).
    put() runs on `threads` threads (0: in the caller); drain() stops them, as render workers
    must not be forked from a process running threads. write_now() may run in a forked render
    worker: it only returns what it did, adopt() records it here."""

    def __init__(self, out_dir: Path, on_disk: dict[str, int], store: "PageStore | None" = None,
                 threads: int = 0):
        out_dir.mkdir(parents=True, exist_ok=True)
        self.out_dir = out_dir
        self.base = str(out_dir)
        self.on_disk = on_disk
        self.store = store
        self.threads = threads
        self.suffix = f".tmp-{os.getpid()}"  # the build's process, also in its render workers
        self.staged: list[tuple[str, str, str]] = []  # (temporary, target, rel)
        self.created: list[tuple[str, str]] = []  # (new file, rel)
        self.stored: list[tuple[bytes, int, int]] = []  # page store links made: (key, size, mtime_ns)
        self.error: BaseException | None = None
        self._folders = {self.base}  # known to exist
        self._queue: queue.SimpleQueue | None = None
        self._workers: list[threading.Thread] = []
        self._committed = False

    def target(self, rel: str) -> str:
        from .output import check_relative_str

        return os.path.join(self.base, *check_relative_str(rel).split("/"))

    # -- phase one

    def put(self, rel: str, data: bytes, key: bytes | None = None) -> None:
        """Write `data` as `rel` (and link it into the store as `key`), maybe on a thread."""
        self._submit((rel, data, key, None))

    def put_stored(self, rel: str, key: bytes, size: int) -> None:
        """Write the store's file `key` (of `size` bytes, see PageStore.lookup) as `rel`."""
        self._submit((rel, None, key, size))

    def _submit(self, job: tuple) -> None:
        if self.error is not None:
            raise self.error
        job = (*job, self.target(job[0]))  # an unsafe name fails here, in the caller
        if self.threads <= 0:
            self._run(job)
            return
        if self._queue is None:
            self._queue = queue.SimpleQueue()
            self._workers = [threading.Thread(target=self._work, name=f"write-{k}", daemon=True)
                             for k in range(self.threads)]
            for thread in self._workers:
                thread.start()
        self._queue.put(job)

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            if self.error is None:
                self._run(job)

    def _run(self, job: tuple) -> None:
        rel, data, key, size, target = job
        try:
            self.adopt(rel, self.write_now(rel, data, key, size, target))
        except BaseException as exc:  # reported by the next put, drain or commit
            if self.error is None:
                self.error = exc
            if self.threads <= 0:
                raise

    def drain(self) -> None:
        """Wait for the queued writes and stop the threads; raise what they raised."""
        if self._queue is not None:
            for _ in self._workers:
                self._queue.put(None)
            for thread in self._workers:
                thread.join()
            self._queue, self._workers = None, []
        if self.error is not None:
            raise self.error

    def write_now(self, rel: str, data: bytes | None, key: bytes | None = None,
                  stored_size: int | None = None, target: str | None = None) -> tuple:
        """Phase one for one file, here and now; returns what was done (see SAME). `data`
        None: the bytes are the store's file `key`, of `stored_size` bytes."""
        if target is None:
            target = self.target(rel)
        source = self.store.path(key) if data is None else None
        length = stored_size if data is None else len(data)
        size = self.on_disk.get(rel)
        if size == length and _same_bytes(target, data, source):
            return SAME, None, length, self._link(target, key) if source is None else None
        folder = os.path.dirname(target)
        if folder not in self._folders:
            _make_folder(folder)
            self._folders.add(folder)
        if size is None and (_link_new(source, target) if source is not None else _write_new(target, data)):
            kind, path = NEW, target
        else:
            kind, path = STAGED, os.path.join(folder, f".{os.path.basename(target)}{self.suffix}")
            try:
                if source is not None:
                    link_over(source, path)
                else:
                    _write_file(path, data)
            except BaseException:
                unlink_quietly(path)
                raise
        try:
            return kind, path, length, self._link(path, key) if source is None else None
        except BaseException:
            unlink_quietly(path)
            raise

    def _link(self, path: str, key: bytes | None):
        return self.store.add(path, key) if key is not None and self.store is not None else None

    def adopt(self, rel: str, outcome: tuple) -> int:
        """Record what write_now did (here or in a render worker); returns the file's size."""
        kind, path, size, stored = outcome
        if kind == NEW:
            self.created.append((path, rel))
        elif kind == STAGED:
            self.staged.append((path, self.target(rel), rel))
        if stored is not None:
            self.stored.append(stored)
        return size

    def undo(self, outcomes: Iterable[tuple] = ()) -> None:
        """Take phase one back: everything adopted, and `outcomes` not adopted (a render
        worker's share when its chunk failed). Nothing once commit() has begun."""
        if self._committed:
            return
        try:
            self.drain()
        except BaseException:
            pass
        for kind, path, _, _ in outcomes:
            if kind != SAME:
                unlink_quietly(path)
                remove_empty_parents(os.path.dirname(path), self.base)
        for tmp, _, _ in self.staged:
            unlink_quietly(tmp)
        for target, _ in self.created:
            unlink_quietly(target)
            remove_empty_parents(os.path.dirname(target), self.base)
        self.staged, self.created = [], []

    # -- phase two

    def commit(self, remove: Iterable[str] = (), prune: bool = False,
               site: Collection[str] | None = None) -> list[str]:
        """Rename the staged files into place, remove `remove`; returns what changed.
        `prune`: remove the folders this leaves empty. `site`: every file of the site, so
        folders at the top of out_dir that hold none of them are strays, removed when empty
        (what the unchanged-build check looks at, see no_strays). Deeper empty folders
        nothing was removed from are not looked for: walking every folder of the site took
        8 s of a cold build at 50,000 articles."""
        self.drain()
        self._committed = True
        changed: list[str] = [rel for _, rel in self.created]
        for tmp, target, rel in self.staged:
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            os.replace(tmp, target)
            changed.append(rel)
        removed: list[str] = []
        for rel in sorted(remove, key=lambda r: r.count("/"), reverse=True):
            path = self.out_dir / rel
            if path.is_symlink() or path.is_file():
                path.unlink()
                removed.append(rel)
        changed += removed
        if prune:
            for rel in removed:
                remove_empty_parents(os.path.dirname(os.path.join(self.base, rel)), self.base)
            if site is not None:
                _remove_stray_folders(self.out_dir, {rel.split("/", 1)[0] for rel in site})
        return sorted(changed)


def _make_folder(folder: str) -> None:
    """os.makedirs(folder, exist_ok=True) in one mkdir when the parent exists: a page has a
    folder of its own, and makedirs took 185 us a folder against mkdir's 43 us (20,000
    folders, busy 2-core machine), next to 136-260 us to write the page."""
    try:
        os.mkdir(folder)
    except FileExistsError:
        if not os.path.isdir(folder):
            raise
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)


def _same_bytes(target: str, data: bytes | None, source: str | None) -> bool:
    """Whether `target` holds `data` (or the bytes of the file `source`)."""
    try:
        with open(target, "rb") as fh:
            have = fh.read()
        if data is None:
            with open(source, "rb") as fh:
                data = fh.read()
    except OSError:
        return False
    return have == data


def _link_new(source: str, target: str) -> bool:
    """Create `target` as a link to (or, where linking fails, a copy of) `source`; False
    (nothing done) when something of that name exists."""
    try:
        os.link(source, target)
        return True
    except FileExistsError:
        return False
    except OSError:  # another file system, or one without hard links: copy
        with open(source, "rb") as fh:
            return _write_new(target, fh.read())


def _write_file(file: str, data: bytes) -> None:
    fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_new(file: str, data: bytes) -> bool:
    """Create `file` with `data`; False (nothing done) when something of that name exists."""
    try:
        fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:
        return False
    try:
        _write_all(fd, data)
    except BaseException:
        os.close(fd)
        os.unlink(file)
        raise
    os.close(fd)
    return True


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def sync_some(out_dir: Path, files: dict[str, bytes], remove: set[str], on_disk: dict[str, int],
               store: "PageStore | None" = None, keys: dict[str, bytes] | None = None) -> list[str]:
    """sync_tree for a part of the site: write `files` where their bytes changed, remove `remove`,
    leave every other file alone (and do not walk the whole output folder)."""
    subset = {rel: on_disk[rel] for rel in list(files) + list(remove) if rel in on_disk}
    return sync_tree(out_dir, files, subset, prune=bool(remove), store=store, keys=keys, whole=False)



def _remove_stray_folders(out_dir: Path, tops: set[str]) -> None:
    """Remove the empty folders below each folder at the top of out_dir that is not in
    `tops`, and that folder itself when it ends up empty."""
    try:
        names = [name for name in os.listdir(out_dir) if name not in tops]
    except OSError:
        return
    for name in names:
        folder = out_dir / name
        if folder.is_dir() and not folder.is_symlink():
            _remove_empty_folders(folder)
            try:
                folder.rmdir()
            except OSError:
                pass


def _remove_empty_folders(out_dir: Path) -> None:
    for folder, dirs, names in os.walk(out_dir, topdown=False):
        if folder != str(out_dir) and not dirs and not names:
            try:
                os.rmdir(folder)
            except OSError:
                pass

