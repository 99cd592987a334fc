"""Watch the project's sources and collect what changed, for the build loop (dev/loop.py).

Watcher: a watchdog observer (native, or polling for network drives, Docker and WSL) over the
seeds, content, templates and static folders, site.toml and the user dictionary. Its thread
only records each event in PendingChanges, dropping editor litter and paths that are no source.

PendingChanges: the flag and the memory of what changed. The build loop waits on it for a
burst to end (an atomic save, a `git checkout` of 500 files) and takes it as one ChangeSet;
events arriving while a build runs make the next burst.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..config import Config

CATEGORIES = ("seeds", "content", "templates", "static", "config", "userdict")
# Folders (by `_dir` field of Config) watched recursively, and the category of what is in them.
_WATCHED_DIRS = (("seeds_dir", "seeds"), ("content_dir", "content"),
                 ("templates_dir", "templates"), ("static_dir", "static"))
IGNORED_DIR_NAMES = frozenset({
    ".git", ".hg", ".svn", "__pycache__", ".cache", ".pytest_cache", ".mypy_cache",
    ".ruff_cache", ".hypothesis", "node_modules", ".venv", ".idea", ".vscode",
})


def is_editor_litter(name: str) -> bool:
    """Names editors and tools write beside a file while saving it; never a source file."""
    return (name.endswith(("~", ".swp", ".swo", ".swx", ".tmp", ".part", ".crdownload",
                           "___jb_tmp___", "___jb_old___"))
            or name.startswith((".#", ".goutputstream-"))
            or (name.startswith("#") and name.endswith("#"))  # Emacs auto-save
            or name in ("4913", ".DS_Store", "Thumbs.db"))  # 4913: Vim's write-permission probe


# ---------------------------------------------------------------------------- change sets


@dataclass(frozen=True)
class Change:
    """The net state of one path after a burst of events."""

    kind: str  # "created" | "modified" | "deleted"
    path: str  # relative to the project root, POSIX separators
    category: str  # one of CATEGORIES
    is_dir: bool = False


@dataclass(frozen=True)
class ChangeSet:
    """What one burst of events changed (or everything), as the build loop takes it."""

    changes: tuple[Change, ...] = ()
    full: bool = False  # rebuild everything: start-up, or forced
    # when the watcher that saw these changes started (time.time_ns()); None: not from one
    watching_since_ns: int | None = None

    @classmethod
    def everything(cls) -> "ChangeSet":
        return cls(full=True)

    def __bool__(self) -> bool:
        return self.full or bool(self.changes)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(CATEGORIES) if self.full else frozenset(c.category for c in self.changes)

    @property
    def needs_ingest(self) -> bool:
        """Seeds are read by ingestion; the dictionary and site.toml change what it writes."""
        return bool(self.categories & {"seeds", "userdict", "config"})

    def merge(self, other: "ChangeSet") -> "ChangeSet":
        """Both sets as one; a later change to a path replaces an earlier one."""
        by_path = {c.path: c for c in self.changes}
        for c in other.changes:
            by_path.pop(c.path, None)
            by_path[c.path] = c
        # seen by a watcher since the later of the two starts; an empty set says nothing
        starts = [s.watching_since_ns for s in (self, other) if s]
        since = None if not starts or None in starts else max(starts)
        return ChangeSet(tuple(by_path.values()), self.full or other.full, since)


class PathClassifier:
    """Which category a path of the project belongs to, or None when it is not a source."""

    def __init__(self, config: Config):
        self.root = Path(os.path.realpath(config.root))
        self.dirs = {cat: self._abs(getattr(config, name)) for name, cat in _WATCHED_DIRS}
        self.config_file = self.root / "site.toml"
        self.userdict = self._abs(config.userdict)
        self.output = self._abs(config.output_dir)

    def _abs(self, relative: str) -> Path:
        return Path(os.path.realpath(self.root / relative))

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def category(self, path: str | os.PathLike) -> str | None:
        p = Path(os.path.abspath(os.fsdecode(path)))
        if is_editor_litter(p.name):
            return None
        if p == self.config_file:
            return "config"
        if p == self.userdict:
            return "userdict"
        if _is_within(p, self.output):
            return None
        for cat, folder in self.dirs.items():
            # The folder itself too: deleted or brought back whole (`rm -rf content`, a
            # checkout), its files may never report themselves (a polling watch just ends).
            if _is_within(p, folder):
                inner = p.relative_to(folder).parts
                if any(part in IGNORED_DIR_NAMES for part in inner):
                    return None
                return cat
        return None

    def watch_targets(self) -> list[tuple[Path, bool]]:
        """(folder, recursive) pairs to observe: the source folders and the folders of the
        single watched files (site.toml, the dictionary), non-recursively."""
        targets = [(folder, True) for folder in self.dirs.values()]
        for file in (self.config_file, self.userdict):
            if not any(_is_within(file, folder) if recursive else file.parent == folder
                       for folder, recursive in targets):
                targets.append((file.parent, False))
        # The root, so that a source folder created (or recreated by git) later is noticed.
        if not any(folder == self.root for folder, _ in targets):
            targets.append((self.root, False))
        return targets


def _is_within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


# ---------------------------------------------------------------------------- pending changes


class PendingChanges:
    """What the watcher saw and the build loop has not built yet, and the flag it waits on.

    `take()` blocks until a burst ends: `debounce` seconds without events, or `max_wait`
    seconds after its first event, so a never-ending stream of events still gets builds.
    """

    def __init__(self, classifier: PathClassifier, *, debounce: float = 0.08, max_wait: float = 2.0):
        self.classifier = classifier
        self.debounce = debounce
        self.max_wait = max(max_wait, 4 * debounce)
        self.watching_since_ns: int | None = None  # set by the watcher once it observes
        self._paths: dict[Path, set[str]] = {}
        self._first_event = self._last_event = 0.0
        self._cond = threading.Condition()
        self._stopped = False

    def add(self, path: Path, kind: str) -> None:
        with self._cond:
            now = time.monotonic()
            if not self._paths:
                self._first_event = now
            self._paths.setdefault(path, set()).add(kind)
            self._last_event = now
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    @property
    def stopped(self) -> bool:
        return self._stopped

    def wake(self) -> None:
        """Let a `wait_for` re-check its condition (e.g. a worker finished)."""
        with self._cond:
            self._cond.notify_all()

    def wait_for(self, done: Callable[[], bool]) -> bool:
        """Wait until `done()` or until a change is pending (or stop); True when `done()`."""
        with self._cond:
            self._cond.wait_for(lambda: done() or bool(self._paths) or self._stopped)
            return done()

    def take(self) -> ChangeSet | None:
        """The next burst as one ChangeSet (waits for it; empty when it came to nothing, a
        temporary file written and removed); None once stopped."""
        batch = self._next_burst()
        return None if batch is None else self._to_changeset(batch)

    def _next_burst(self) -> dict[Path, set[str]] | None:
        with self._cond:
            self._cond.wait_for(lambda: self._paths or self._stopped)
            while not self._stopped:
                deadline = min(self._last_event + self.debounce, self._first_event + self.max_wait)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            if self._stopped:
                return None
            batch, self._paths = self._paths, {}
            return batch

    def _to_changeset(self, batch: dict[Path, set[str]]) -> ChangeSet:
        """The net change per path, judged by what is on disk now: a file written and renamed
        away within the burst is no change; a file deleted and written again is modified."""
        changes = []
        for path in sorted(batch):
            category = self.classifier.category(path)
            if category is None:
                continue
            exists = path.exists()
            kinds = batch[path]
            if exists:
                kind = "created" if kinds == {"created"} else "modified"
            elif kinds <= {"created", "modified"}:
                continue  # came and went inside the burst (a temporary file)
            else:
                kind = "deleted"
            changes.append(Change(kind, self.classifier.relative(path), category,
                                  is_dir=path.is_dir()))
        return ChangeSet(tuple(changes), watching_since_ns=self.watching_since_ns)


# ---------------------------------------------------------------------------- the watcher


class Watcher:
    """Observe the sources and record every event that concerns one in `pending`."""

    def __init__(self, pending: PendingChanges, *, poll: bool = False,
                 poll_interval: float = 0.5, log=None):
        self.classifier = pending.classifier
        self.pending = pending
        if poll:  # a poller reports a burst one scan at a time: the quiet period must outlast a scan
            pending.debounce += poll_interval
            pending.max_wait = max(pending.max_wait, 4 * pending.debounce)
        self.poll = poll
        self.poll_interval = poll_interval
        self.log = log or (lambda message: print(message, file=sys.stderr))
        self._lock = threading.Lock()
        self._observer = None
        self._watches: dict[Path, Any] = {}

    def start(self) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        self._observer = PollingObserver(timeout=self.poll_interval) if self.poll else Observer()
        self._refresh_watches()
        self._observer.start()
        # After the start: a build whose content scan began later is complete with this
        # watcher's events (the first rebuild scans in full, see IncrementalBuilder)
        self.pending.watching_since_ns = time.time_ns()

    def stop(self) -> None:
        self.pending.stop()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)

    def _refresh_watches(self) -> None:
        """Watch every target folder that exists; drop watches on folders that are gone.
        Called again when a folder appears or disappears (a `git checkout`, an `mkdir`)."""
        from watchdog.events import FileSystemEventHandler

        handler = FileSystemEventHandler()
        handler.on_any_event = self._on_event
        for folder, recursive in self.classifier.watch_targets():
            watch = self._watches.get(folder)
            if folder.is_dir() and watch is None:
                try:
                    self._watches[folder] = self._observer.schedule(handler, str(folder), recursive=recursive)
                except OSError as exc:  # e.g. the inotify watch limit
                    self.log(f"cannot watch {self.classifier.relative(folder)}: {exc}")
            elif not folder.is_dir() and watch is not None:
                try:
                    self._observer.unschedule(watch)
                except (KeyError, OSError):
                    pass
                del self._watches[folder]

    def _on_event(self, event) -> None:
        if event.event_type not in ("created", "modified", "deleted", "moved"):
            return  # opened / closed / attrib: no new content
        if event.is_directory and event.event_type == "modified":
            return  # a folder's listing changed: its files report themselves
        if event.is_directory:
            # A source folder appeared or vanished: watch it (or stop) before more events come.
            with self._lock:
                if not self.pending.stopped:
                    self._refresh_watches()
        for path, kind in _event_paths(event):
            if self.classifier.category(path) is not None:
                self.pending.add(path, kind)


def _event_paths(event) -> list[tuple[Path, str]]:
    """(path, kind) of what an event touched: a move deletes its source and creates its target."""
    def absolute(raw) -> Path:
        return Path(os.path.abspath(os.fsdecode(raw)))

    if event.event_type == "moved":
        return [(absolute(event.src_path), "deleted"), (absolute(event.dest_path), "created")]
    return [(absolute(event.src_path), event.event_type)]
