"""The dev loop, in the shape of MkDocs' live-reload server: the watcher sets a flag and
remembers what changed; one loop waits on it, builds, bumps the epoch; browsers follow.

    Watcher ── event ──▶ PendingChanges (what changed + the flag)              watch.py
                               │ take(): one burst as a ChangeSet
                               ▼
    BuildLoop.run ──▶ Rebuilder.rebuild: ingest if needed, then the build     rebuild.py
                               │ RebuildResult (ok, diagnostics, changed files)
                               ├──▶ terminal: one summary line (+ file:line of errors)
                               ├──▶ ReloadHub.publish_result: epoch + 1, `reload` / `css` /
                               │    `error` to every open tab                   serve.py
                               ▼ a good build whose builder left the search index for later
    SearchIndexAfterPages.follow: computed in a worker process while the loop still
    watches the flag (a new save goes first); committed unless a newer build happened;
    `search` reloads open search pages.

Only this loop's thread calls the builder, so nothing here takes a lock around it.
"""
from __future__ import annotations

import concurrent.futures
import multiprocessing
import threading
import traceback
from dataclasses import dataclass
from typing import Callable, Protocol

from ..build.extras import compute_extra_files
from ..build.protocols import DeferringBuild
from ..config import Config
from .rebuild import RebuildResult, Rebuilder
from .watch import ChangeSet, PendingChanges


class Browsers(Protocol):
    """Where the loop's news goes: serve.ReloadHub (open tabs over Server-Sent Events)."""

    def publish_result(self, result: RebuildResult, base_url: str) -> None: ...

    def publish(self, event: str, payload: dict) -> None: ...


@dataclass
class _IndexJob:
    generation: int  # the builder's build count the corpus was taken at
    future: concurrent.futures.Future


class SearchIndexAfterPages:
    """The search index, after the pages and their reload signal: a one-article edit changes
    it throughout (idf, lengths), so it is what a save would otherwise wait for.

    Computed in a worker process: in a thread of this process it would hold the GIL for
    seconds at a time and starve the next page rebuild, whose thousands of stat() calls each
    wait to get it back (measured at 10,000 articles: 21 s instead of 0.4 s). Spawned, not
    forked: this process runs threads."""

    def __init__(self, builder: DeferringBuild, browsers: Browsers, say: Callable[[str], None]):
        self.builder = builder
        self.browsers = browsers
        self.say = say
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._job: _IndexJob | None = None
        self._lock = threading.Lock()
        self._stopped = False

    def follow(self, pending: PendingChanges, config: Config) -> bool:
        """Bring the index up to the last build. False when a save came first (the loop
        builds its pages, then calls again; a run for an older build is then dropped)."""
        while True:
            if self._job is None:
                self._job = self._submit(pending, config)
                if self._job is None:
                    return False  # stopping
            if not pending.wait_for(self._job.future.done):
                return False
            job, self._job = self._job, None
            try:
                done = self.builder.commit_extras(job.generation, job.future.result(), config)
            except concurrent.futures.process.BrokenProcessPool as exc:
                self._pool = None  # killed (stop, or the system): the next save spawns anew
                if not pending.stopped:
                    self.say(f"search index not updated: its worker process ended ({exc})")
                return True
            except Exception as exc:  # reported; the pages stay, the next save retries
                self.say(f"search index not updated: {type(exc).__name__}: {exc}")
                return True
            if done.mode != "superseded":  # superseded: go again for the newer build
                self._report(done, config)
                return True

    def _submit(self, pending: PendingChanges, config: Config) -> _IndexJob | None:
        generation, corpus = self.builder.extras_snapshot()
        with self._lock:  # stop() may run on another thread: no worker once it has
            if self._stopped:
                return None
            if self._pool is None:
                self._pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            future = self._pool.submit(compute_extra_files, self.builder.extras, corpus, config)
        future.add_done_callback(lambda _: pending.wake())
        return _IndexJob(generation, future)

    def _report(self, done, config: Config) -> None:
        if not done.ok:
            self.say("search index not updated:" + "".join(f"\n  {d}" for d in done.diagnostics))
        elif done.changed_files:
            self.say(f"search index updated: {len(done.changed_files)} files")
            self.browsers.publish("search", {"paths": [config.base_url + rel for rel in done.changed_files]})

    def stop(self) -> None:
        """End the worker now: a search index half computed is not worth waiting for."""
        with self._lock:
            self._stopped = True
            if self._pool is None:
                return
            # ProcessPoolExecutor (before 3.14) cannot stop a running task: end its process.
            for process in list(self._pool._processes.values()):
                process.terminate()
            self._pool.shutdown(wait=False, cancel_futures=True)


class BuildLoop:
    """Wait for a burst of changes, rebuild, tell the terminal and the browsers; repeat."""

    def __init__(self, rebuilder: Rebuilder, pending: PendingChanges, browsers: Browsers,
                 say: Callable[[str], None], *, search: SearchIndexAfterPages | None = None,
                 retarget: Callable[[Config], None] = lambda config: None):
        self.rebuilder = rebuilder
        self.pending = pending
        self.browsers = browsers
        self.say = say
        self.search = search
        self.retarget = retarget  # site.toml may have moved output/ or changed base_url
        self.results: list[RebuildResult] = []  # every rebuild's result, for tests and tools
        self._index_owed = False

    def build(self, changes: ChangeSet) -> RebuildResult | None:
        result = self.rebuilder.rebuild(changes)
        if result is None:
            return None  # only the echo of files our own ingestion wrote
        self.results.append(result)
        self.say(result.summary())
        config = self.rebuilder.config
        self.retarget(config)
        self.browsers.publish_result(result, config.base_url)  # the epoch moves
        self._index_owed = self._index_owed or (result.ok and self.search is not None)
        return result

    def run(self) -> None:
        """Until the watcher stops: the search index when owed, then the next burst."""
        while True:
            if self._index_owed:
                self._index_owed = not self.search.follow(self.pending, self.rebuilder.config)
            changes = self.pending.take()
            if changes is None:
                return
            if not changes:
                continue  # the burst came to nothing (a temporary file)
            try:
                self.build(changes)
            except Exception:  # a bug in a rebuild must not end the loop
                self.say("rebuild crashed:\n" + traceback.format_exc())
