"""One rebuild for one ChangeSet: (site.toml again) -> ingest when seeds, the dictionary or
site.toml changed -> one plain call of the site build -> a RebuildResult saying what changed in
output/. The build loop (dev/loop.py) calls it; nothing here waits, watches or serves.
"""
from __future__ import annotations

import os
import stat
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable

from ..build.build_index import ContentHint, walk_files
from ..build.protocols import HintedBuild
from ..config import Config, ConfigError, load_config
from ..model import Diagnostic
from .watch import ChangeSet


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

    `ingest` and `build` take a Config and return a report with `.ok` (optional),
    `.errors` / `.diagnostics` (Diagnostic or text) and, for the build, `.changed_files`
    (what it wrote or removed: what the browsers are told); they default to the project's
    run_ingest and its incremental builder. A failed rebuild leaves output/ to the build (the
    real one writes atomically) and remembers its changes, so the next rebuild covers them.
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
        self._changed_files: list[str] = []  # what the last build step said it wrote or removed

    def rebuild(self, changes: ChangeSet) -> RebuildResult | None:
        """Rebuild for `changes`; None when nothing is left to do (e.g. only the echo of
        content files our own ingestion just wrote)."""
        changes = self._without_own_writes(changes)
        if not changes and not self._carried:
            return None
        changes = self._carried.merge(changes)
        start = time.perf_counter()
        self._changed_files = []
        try:
            diagnostics, ok = self._run_steps(changes), True
        except BuildFailed as failed:
            diagnostics, ok = failed.diagnostics, False
        except Exception as exc:  # a crash in ingest or build is a report, not the end
            diagnostics, ok = [diagnostic_from_exception(exc, self.config.root)], False
        elapsed = (time.perf_counter() - start) * 1000
        diagnostics = [_relative_to(d, self.config.root) for d in diagnostics]
        self._carried = ChangeSet() if ok else changes
        changed = self._changed_files
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
        """Build the site. A report with `ok == False` means nothing was written; its
        `changed_files` (output paths) say what the browsers reload."""
        if self._build is None:
            self._build = _default_build(self.config)
        build = self._build
        if isinstance(build, HintedBuild):
            report = build.build_hinted(self.config, self._content_hint(changes))
        else:
            report = build(self.config)
        diagnostics = diagnostics_of(report)
        if getattr(report, "ok", True) is False:
            raise BuildFailed(diagnostics)
        self._changed_files = sorted(getattr(report, "changed_files", None) or ())
        return diagnostics

    # -- helpers

    def _content_hint(self, changes: ChangeSet):
        """The content files these changes name, when they are all the build needs to read
        again: only content files changed (no folder, nothing ingestion writes), as seen by
        a watcher that says since when it watches."""
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


def _default_build(config: Config):
    """The CLI's incremental build with its caches in .cache/, in this process (the loop's
    thread: never forked workers), search index included."""
    from ..build.builder import IncrementalBuilder
    from ..cache import CACHE_DIR

    return IncrementalBuilder(state_dir=config.root / CACHE_DIR)


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

