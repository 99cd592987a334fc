"""Watch the project's sources and rebuild the site when they change.

Watcher: a watchdog observer (native, or polling for network drives, Docker and WSL) over the
seeds, content, templates and static folders, site.toml and the user dictionary. It drops
editor litter, coalesces a burst of events (an atomic save, a `git checkout` of 500 files) into
one ChangeSet and hands it to a callback on its own worker thread, one batch at a time.

Rebuilder: turns a ChangeSet into a rebuild (re-ingest when seeds, the dictionary or site.toml
changed, then one plain call of the site build) and a RebuildResult saying what changed in
output/. A build that is a protocols.HintedBuild (the IncrementalBuilder serve uses) is told
which content files the watcher saw change, so it reads only those.
"""
from __future__ import annotations

import hashlib
import os
import stat
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from ..config import Config, ConfigError, load_config
from ..build.build_index import walk_files
from ..build.protocols import DeferringBuild, HintedBuild
from ..model import Diagnostic

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
    changes: tuple[Change, ...] = ()
    full: bool = False  # rebuild everything: start-up, or forced
    # when the watcher that saw these changes started (time.time_ns()); None: not from one
    watching_since_ns: int | None = None

    @classmethod
    def everything(cls) -> "ChangeSet":
        return cls(full=True)

    def __bool__(self) -> bool:
        return self.full or bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    @property
    def categories(self) -> frozenset[str]:
        return frozenset(CATEGORIES) if self.full else frozenset(c.category for c in self.changes)

    def paths(self, category: str, kinds: Iterable[str] = ("created", "modified", "deleted")) -> list[str]:
        kinds = set(kinds)
        return [c.path for c in self.changes if c.category == category and c.kind in kinds]

    @property
    def needs_ingest(self) -> bool:
        """Seeds are read by ingestion; the dictionary and site.toml change what it writes."""
        return bool(self.categories & {"seeds", "userdict", "config"})

    @property
    def css_only(self) -> bool:
        return (not self.full and bool(self.changes)
                and all(c.category == "static" and c.path.endswith(".css") and c.kind != "deleted"
                        for c in self.changes))

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

    def describe(self) -> str:
        if self.full:
            return "everything"
        counts = {cat: len(self.paths(cat)) for cat in CATEGORIES if self.paths(cat)}
        return ", ".join(f"{n} {cat}" for cat, n in counts.items())


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


# ---------------------------------------------------------------------------- the watcher


class Watcher:
    """Observe the sources; call `on_changes(ChangeSet)` once per burst, on a worker thread.

    A burst ends after `debounce` seconds without events, or after `max_wait` seconds so a
    never-ending stream of events still gets rebuilds. Events arriving while the callback runs
    are collected into the next batch.
    """

    def __init__(self, config: Config, on_changes: Callable[[ChangeSet], Any], *,
                 debounce: float = 0.08, max_wait: float = 2.0, poll: bool = False,
                 poll_interval: float = 0.5, log=None):
        self.classifier = PathClassifier(config)
        self.on_changes = on_changes
        # A poller reports a burst one scan at a time: the quiet period must outlast a scan.
        self.debounce = debounce + (poll_interval if poll else 0.0)
        self.max_wait = max(max_wait, 4 * self.debounce)
        self.poll = poll
        self.poll_interval = poll_interval
        self.log = log or (lambda message: print(message, file=sys.stderr))
        self._pending: dict[Path, set[str]] = {}
        self._first_event = self._last_event = 0.0
        self._cond = threading.Condition()
        self._stopped = False
        self.started_ns: int | None = None
        self._observer = None
        self._watches: dict[Path, Any] = {}
        self._worker = threading.Thread(target=self._run, name="rebuild-worker", daemon=True)

    # -- lifecycle

    def start(self) -> None:
        from watchdog.observers import Observer
        from watchdog.observers.polling import PollingObserver

        self._observer = PollingObserver(timeout=self.poll_interval) if self.poll else Observer()
        self._refresh_watches()
        self._observer.start()
        # After the start: a build whose content scan began later is complete with this
        # watcher's events (the first rebuild scans in full, see IncrementalBuilder)
        self.started_ns = time.time_ns()
        self._worker.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
        if self._worker.is_alive() and threading.current_thread() is not self._worker:
            self._worker.join(timeout=30)

    # -- observer side

    def _refresh_watches(self) -> None:
        """Watch every target folder that exists; drop watches on folders that are gone.
        Called again when a folder appears or disappears (a `git checkout`, an `mkdir`)."""
        from watchdog.events import FileSystemEventHandler

        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):  # noqa: D401 - watchdog's hook
                watcher._on_event(event)

        for folder, recursive in self.classifier.watch_targets():
            watch = self._watches.get(folder)
            if folder.is_dir() and watch is None:
                try:
                    self._watches[folder] = self._observer.schedule(Handler(), str(folder), recursive=recursive)
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
        paths = [event.src_path] + ([event.dest_path] if event.event_type == "moved" else [])
        kinds = {"moved": "created"} if event.event_type == "moved" else {}
        if event.is_directory and event.event_type != "modified":
            # A source folder appeared or vanished: watch it (or stop) before more events come.
            with self._cond:
                if not self._stopped:
                    self._refresh_watches()
        with self._cond:
            now = time.monotonic()
            for i, raw in enumerate(paths):
                path = Path(os.path.abspath(os.fsdecode(raw)))
                if self.classifier.category(path) is None:
                    continue
                kind = "deleted" if (event.event_type == "moved" and i == 0) else kinds.get(event.event_type, event.event_type)
                if not self._pending:
                    self._first_event = now
                self._pending.setdefault(path, set()).add(kind)
                self._last_event = now
            self._cond.notify_all()

    # -- worker side

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            if batch is None:
                return
            changes = self._to_changeset(batch)
            if not changes:
                continue
            try:
                self.on_changes(changes)
            except Exception:  # a bug in a rebuild must not end the watch
                self.log("rebuild crashed:\n" + traceback.format_exc())

    def _next_batch(self) -> dict[Path, set[str]] | None:
        with self._cond:
            while not self._pending and not self._stopped:
                self._cond.wait()
            while not self._stopped:
                deadline = min(self._last_event + self.debounce, self._first_event + self.max_wait)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            if self._stopped:
                return None
            batch, self._pending = self._pending, {}
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
        return ChangeSet(tuple(changes), watching_since_ns=self.started_ns)


# ---------------------------------------------------------------------------- output snapshot


@dataclass
class OutputSnapshot:
    """Size, mtime and content digest of every file under output/, to tell which files a
    build really changed. Only files whose stat changed are hashed again."""

    root: Path
    files: dict[str, tuple[int, int, bytes]] = field(default_factory=dict)

    @classmethod
    def take(cls, root: Path, previous: "OutputSnapshot | None" = None) -> "OutputSnapshot":
        old = previous.files if previous is not None and previous.root == root else {}
        files: dict[str, tuple[int, int, bytes]] = {}
        for rel, st in walk_files(root, follow_symlinks=False):
            known = old.get(rel)
            if known is not None and known[:2] == (st.st_size, st.st_mtime_ns):
                files[rel] = known
                continue
            try:
                digest = _digest(root / rel)
            except OSError:
                continue  # removed while we looked
            files[rel] = (st.st_size, st.st_mtime_ns, digest)
        return cls(root, files)

    def changed_since(self, before: "OutputSnapshot") -> list[str]:
        """Files added, removed, or with different bytes: sorted relative POSIX paths."""
        changed = [rel for rel, (_, _, digest) in self.files.items()
                   if rel not in before.files or before.files[rel][2] != digest]
        changed += [rel for rel in before.files if rel not in self.files]
        return sorted(changed)


def _digest(path: Path) -> bytes:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "blake2b").digest()[:16]


# ---------------------------------------------------------------------------- rebuilder


class BuildFailed(Exception):
    """A rebuild step stopped before writing: output/ still holds the last good site."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class RebuildResult:
    """ok: the site was rebuilt (diagnostics may still hold errors, e.g. a bad seed or a
    content file the build skipped); not ok: output/ still holds the last good site."""

    ok: bool
    diagnostics: tuple[Diagnostic, ...] = ()
    changed_pages: int = 0  # HTML files whose bytes changed (added and removed included)
    css_only: bool = False  # only stylesheets changed: a browser may swap them in place
    elapsed_ms: float = 0.0
    changed_files: tuple[str, ...] = ()  # every output file that changed, relative to output/

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    def summary(self) -> str:
        if not self.ok:
            lines = [f"build failed in {self.elapsed_ms:.0f} ms:"]
            lines += [f"  {d}" for d in self.errors or self.diagnostics]
            return "\n".join(lines)
        others = len(self.changed_files) - self.changed_pages
        text = f"rebuilt {self.changed_pages} pages in {self.elapsed_ms:.0f} ms"
        if others > 0:
            text += f" ({others} other files)"
        problems = [d for d in self.diagnostics if d.severity in ("error", "warning")]
        if problems:
            text += "".join(f"\n  {d}" for d in problems)
        return text


BuildFn = Callable[[Config], Any]


class Rebuilder:
    """One rebuild per ChangeSet: (reload site.toml) -> ingest (when seeds, the dictionary
    or site.toml changed) -> build -> what changed in output/. A content file the build cannot
    read (broken YAML) is skipped and reported by the build, as in a one-off build; it does
    not stop the rebuild, so edits to every other file keep appearing.

    `ingest` and `build` take a Config and return a report with `.ok` (optional) and
    `.errors` / `.diagnostics` (Diagnostic or text); they default to the project's
    run_ingest and build_site. A failed rebuild leaves output/ to the build (the real one
    writes atomically) and remembers its changes, so the next rebuild still covers them.
    An incremental builder replaces `build_step`.
    """

    def __init__(self, config: Config, *, ingest: BuildFn | None = None,
                 build: BuildFn | None = None,
                 reload_config: Callable[[], Config] | None = None):
        self.config = config
        self._ingest = ingest
        self._build = build
        self._reload_config = reload_config or _config_reloader(config)
        self._carried = ChangeSet()  # changes of failed rebuilds, retried with the next one
        self._own_writes: dict[str, tuple | None] = {}  # content files ingest wrote
        self._snapshot: OutputSnapshot | None = None
        self._reported_changes: list[str] | None = None
        self._lock = threading.Lock()

    # -- public

    def deferring_builder(self):
        """The builder when it defers work past the reload (the search index), else None."""
        builder = self._build
        return builder if isinstance(builder, DeferringBuild) and builder.defer_extras else None

    def rebuild(self, changes: ChangeSet) -> RebuildResult | None:
        """Rebuild for `changes`; None when nothing is left to do (e.g. only the echo of
        content files our own ingestion just wrote)."""
        with self._lock:
            changes = self._without_own_writes(changes)
            if not changes and not self._carried:
                return None
            changes = self._carried.merge(changes)
            start = time.perf_counter()
            self._reported_changes = None
            try:
                diagnostics, ok = self._run_steps(changes), True
            except BuildFailed as failed:
                diagnostics, ok = failed.diagnostics, False
            except Exception as exc:  # a crash in ingest or build is a report, not the end
                diagnostics, ok = [diagnostic_from_exception(exc, self.config.root)], False
            elapsed = (time.perf_counter() - start) * 1000
            diagnostics = [_relative_to(d, self.config.root) for d in diagnostics]
            self._carried = ChangeSet() if ok else changes
            changed = self._output_changes()
            pages = sum(1 for rel in changed if rel.endswith((".html", ".htm")))
            css_only = bool(changed) and all(rel.endswith(".css") for rel in changed)
            return RebuildResult(ok, tuple(diagnostics), pages, css_only, elapsed, tuple(changed))

    # -- steps (override build_step for an incremental build)

    def _run_steps(self, changes: ChangeSet) -> list[Diagnostic]:
        """The rebuild's diagnostics; raises BuildFailed when output/ was left as it was."""
        if "config" in changes.categories and not changes.full:
            try:
                self.config = self._reload_config()
            except ConfigError as exc:
                raise BuildFailed([Diagnostic("site.toml", p.split(": ", 1)[-1]) for p in exc.problems])
        diagnostics: list[Diagnostic] = []
        if changes.needs_ingest:
            # A bad seed is reported, and the build still runs with what ingestion wrote.
            diagnostics += self.ingest_step(changes)
        diagnostics += self.build_step(changes)
        return diagnostics

    def ingest_step(self, changes: ChangeSet) -> list[Diagnostic]:
        ingest = self._ingest or _project_function("site_builder.ingest.run", "run_ingest")
        content_dir = Path(self.config.path("content_dir"))
        before = dict(_walk_stats(content_dir))
        report = ingest(self.config)
        after = dict(_walk_stats(content_dir))
        prefix = Path(self.config.content_dir)
        for rel in set(before) | set(after):
            if before.get(rel) != after.get(rel):
                self._own_writes[(prefix / rel).as_posix()] = after.get(rel)
                # Folders ingestion made or removed report themselves too.
                for folder in Path(rel).parents[:-1]:
                    self._own_writes[(prefix / folder).as_posix()] = _stat_key(content_dir / folder)
        return diagnostics_of(report)

    def build_step(self, changes: ChangeSet) -> list[Diagnostic]:
        """Build the site. A report with `ok == False` means nothing was written; a report
        with `changed_files` (output paths) saves us comparing output/ before and after."""
        build = self._build or _project_function("site_builder.build.site", "build_site")
        if isinstance(build, HintedBuild):
            report = build.build_hinted(self.config, self._content_hint(changes))
        else:
            report = build(self.config)
        diagnostics = diagnostics_of(report)
        if getattr(report, "ok", True) is False:
            raise BuildFailed(diagnostics)
        reported = getattr(report, "changed_files", None)
        self._reported_changes = sorted(reported) if reported is not None else None
        return diagnostics

    # -- helpers

    def _content_hint(self, changes: ChangeSet):
        """The content files these changes name, when they are all the build needs to read
        again: only content files changed (no folder, nothing ingestion writes), as seen by
        a watcher that says since when it watches."""
        from ..build.build_index import ContentHint

        if changes.full or changes.watching_since_ns is None or changes.needs_ingest \
                or any(c.category != "content" or c.is_dir for c in changes.changes):
            return None
        prefix = Path(self.config.content_dir).as_posix().rstrip("/") + "/"
        paths = []
        for c in changes.changes:
            if not c.path.startswith(prefix):
                return None
            paths.append(c.path[len(prefix):])
        return ContentHint(frozenset(paths), changes.watching_since_ns)

    def _without_own_writes(self, changes: ChangeSet) -> ChangeSet:
        """Drop the events our own ingestion caused: same path, same stat as it left it."""
        if not self._own_writes or changes.full:
            return changes
        kept = []
        root = Path(self.config.root)
        for c in changes.changes:
            rel = _norm(c.path)
            if c.category == "content" and rel in self._own_writes:
                now = _stat_key(root / rel)
                if now == self._own_writes[rel]:
                    continue
                del self._own_writes[rel]
            kept.append(c)
        return replace(changes, changes=tuple(kept))

    def _output_changes(self) -> list[str]:
        if self._reported_changes is not None:
            self._snapshot = None  # stale from here on; taken again if a build stops reporting
            return self._reported_changes
        out_dir = Path(self.config.path("output_dir"))
        before = self._snapshot or OutputSnapshot(out_dir)
        after = OutputSnapshot.take(out_dir, before)
        self._snapshot = after
        return after.changed_since(before)

    def prime(self) -> None:
        """Record output/ as it is, so the first rebuild reports only what it changes."""
        self._snapshot = OutputSnapshot.take(Path(self.config.path("output_dir")))


def _norm(rel: str) -> str:
    return Path(rel).as_posix()


def _stat_key(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    if stat.S_ISDIR(st.st_mode):
        return ("dir",)
    return (st.st_size, st.st_mtime_ns)


def _walk_stats(root: Path):
    for rel, st in walk_files(root, follow_symlinks=False):
        yield rel, (st.st_size, st.st_mtime_ns)


def _relative_to(d: Diagnostic, root: str | os.PathLike) -> Diagnostic:
    """Name a project file by its path from the project root: short, and the same on every
    machine."""
    if not os.path.isabs(d.path):
        return d
    real, root_real = os.path.realpath(d.path), os.path.realpath(root)
    if not real.startswith(root_real + os.sep):
        return d
    return replace(d, path=os.path.relpath(real, root_real).replace(os.sep, "/"))


def _config_reloader(config: Config) -> Callable[[], Config]:
    """Re-read site.toml but keep what the command line overrode (base_url)."""
    try:
        file_base = load_config(config.root).base_url
    except ConfigError:
        file_base = None
    cli_base = config.base_url if config.base_url != file_base else None

    def reload() -> Config:
        return load_config(config.root).with_overrides(base_url=cli_base)

    return reload


def _project_function(module: str, name: str) -> Callable:
    import importlib

    return getattr(importlib.import_module(module), name)


def diagnostics_of(report: Any) -> list[Diagnostic]:
    """A stage's report as Diagnostics, whatever shape it has: `.diagnostics`, or `.errors`
    and `.warnings`, of Diagnostic or text; `.ok == False` without a reason becomes one."""
    if report is None:
        return []
    items = getattr(report, "diagnostics", None)
    if items is None:
        items = list(getattr(report, "errors", None) or [])
        items += [_as_warning(w) for w in getattr(report, "warnings", None) or []]
    out = [item if isinstance(item, Diagnostic) else Diagnostic("build", str(item)) for item in items]
    if getattr(report, "ok", True) is False and not any(d.severity == "error" for d in out):
        summary = getattr(report, "summary", None)
        out.append(Diagnostic("build", summary() if callable(summary) else "build failed"))
    return out


def _as_warning(item: Any) -> Diagnostic:
    if isinstance(item, Diagnostic):
        return item
    return Diagnostic("build", str(item), severity="warning")


def diagnostic_from_exception(exc: BaseException, root: str | os.PathLike) -> Diagnostic:
    """file:line of an exception: the template for a Jinja2 error, else the innermost frame
    inside the project (Jinja2 rewrites tracebacks so template frames name the template)."""
    if isinstance(exc, ModuleNotFoundError):  # a pipeline stage not written or installed
        return Diagnostic(exc.name or "build", f"crashed: cannot import {exc.name}: {exc}")
    root_real = os.path.realpath(root)
    filename = getattr(exc, "filename", None)
    lineno = getattr(exc, "lineno", None)
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if not (filename and lineno):
        frames = traceback.extract_tb(exc.__traceback__)
        inside = [f for f in frames if os.path.realpath(f.filename).startswith(root_real + os.sep)]
        frame = (inside or frames or [None])[-1]
        if frame is not None:
            filename, lineno = frame.filename, frame.lineno
    path = filename or "build"
    if filename and os.path.isabs(filename):
        real = os.path.realpath(filename)
        if real.startswith(root_real + os.sep):
            path = os.path.relpath(real, root_real)
    return Diagnostic(path, f"crashed: {type(exc).__name__}: {message}", lineno)

