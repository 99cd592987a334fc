"""Step 4, render: pages rendered in this process, or shared out to forked workers when
there are many; each page is written where it was rendered (PageSink), so its bytes never
travel back between processes nor wait for the others."""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..config import Config
from .output import remove_empty_parents, unlink_quietly
from .writer import SAME, SyncWriter

PARALLEL_MIN_PAGES = 400  # below this, starting workers costs more than it saves
_job: tuple | None = None  # (config, pages, bytecode_dir, sink, stop) for forked render workers
RENDER_CHUNK = 200  # pages per task sent back to the parent


def render_all(env, config: Config, pages: list, workers: int, bytecode_dir: Path | None = None,
                sink: "PageSink | None" = None) -> list:
    """Every page's bytes and the ids of the articles it read beyond their face (see
    render.TrackingEnvironment), in order; with a `sink`, each page is handed to it where
    it was rendered (sink.write, maybe in a forked worker) and the list holds what sink.done
    made of its answer instead: the bytes never travel back nor wait for the others."""
    from .render import RenderError, render_page_tracked

    if workers <= 1 or len(pages) < PARALLEL_MIN_PAGES or threading.active_count() > 1 \
            or "fork" not in multiprocessing.get_all_start_methods():
        if sink is None:
            return [render_page_tracked(env, p) for p in pages]
        return [sink.done(i, sink.write(i, *render_page_tracked(env, p))) for i, p in enumerate(pages)]
    global _job
    out: list = [b""] * len(pages)
    ctx = multiprocessing.get_context("fork")  # children see the planned pages as they are
    stop = ctx.Event() if sink is not None else None  # tells workers a chunk failed: undo, stop
    _job = (config, pages, bytecode_dir, sink, stop)
    keep = sink.done if sink is not None else (lambda i, rendered: rendered)
    try:
        # Small chunks, streamed back as they finish: a worker holding half the site's bytes
        # (and their pickle) until the end doubled the build's peak memory. This process
        # renders its share too: each forked worker ends up with its own copy of most of the
        # corpus (reference counts write to every object it touches), so one worker fewer is
        # a corpus fewer.
        chunks = [list(range(k, min(k + RENDER_CHUNK, len(pages)))) for k in range(0, len(pages), RENDER_CHUNK)]
        mine, theirs = chunks[::workers], [c for n, c in enumerate(chunks) if n % workers]
        frozen_before = gc.get_freeze_count()
        gc.freeze()  # the collector would otherwise touch, and so copy, every inherited object
        try:
            with ctx.Pool(workers - 1) as pool:
                pending = zip(theirs, pool.imap(_render_slice, theirs))
                try:
                    for indices in mine:
                        for i in indices:
                            rendered = render_page_tracked(env, pages[i])
                            out[i] = keep(i, sink.write(i, *rendered) if sink is not None else rendered)
                    for indices, (ok, part) in pending:
                        if not ok:
                            if isinstance(part, BaseException):
                                raise part
                            raise RenderError(part)
                        for i, data in zip(indices, part):
                            out[i] = keep(i, data)
                except BaseException:
                    if stop is not None:  # collect every chunk's writes, so they can be undone
                        stop.set()
                        for indices, (ok, part) in pending:
                            if ok:
                                for i, data in zip(indices, part):
                                    keep(i, data)
                    raise
        finally:
            if not frozen_before:  # else whoever froze them first unfreezes
                gc.unfreeze()
    finally:
        _job = None
    return out


class _Stopped(Exception):
    """Another chunk failed: this one stops and takes its writes back."""


def _render_slice(indices: list[int]):
    from .render import RenderError, render_page_tracked

    config, pages, bytecode_dir, sink, stop = _job
    done = []
    try:
        env = _worker_environment(config, bytecode_dir)
        for i in indices:
            if stop is not None and stop.is_set():
                raise _Stopped
            rendered = render_page_tracked(env, pages[i])
            done.append(sink.write(i, *rendered) if sink is not None else rendered)
        return True, done
    except RenderError as exc:  # the diagnostic pickles; the exception would lose it
        failure = exc.diagnostic
    except _Stopped:
        failure = None
    except (OSError, ValueError) as exc:  # a write failed (ValueError: output.UnsafePathError)
        failure = exc
    if sink is not None:
        sink.undo(done)
    return False, failure


@dataclass
class PageSink:
    """Writes each rendered page where it was rendered (this process or a forked render
    worker): phase one of SyncWriter, and its page store link. A worker sends back what it
    did (a name and a size), never the page's bytes."""

    writer: SyncWriter
    files: list[str]  # the pages' output files, in render order
    # the page store's key of page i given what its render read (its final fingerprint)
    key_of: Callable[[int, frozenset[str]], bytes]
    reads: dict[int, frozenset[str]] = field(default_factory=dict)  # page i -> what it read

    def write(self, i: int, data: bytes, read: frozenset[str]) -> tuple:
        return self.writer.write_now(self.files[i], data, self.key_of(i, read)), read

    def done(self, i: int, answer: tuple) -> int:
        """In the build's process: record the write and what the page read; its size."""
        outcome, self.reads[i] = answer
        return self.writer.adopt(self.files[i], outcome)

    def undo(self, answers: list[tuple]) -> None:
        """In a worker whose chunk failed: remove what it wrote (the build never saw it)."""
        for (kind, path, _, _), _ in answers:
            if kind != SAME:
                unlink_quietly(path)
                remove_empty_parents(os.path.dirname(path), self.writer.base)


_worker_env: tuple | None = None  # (config, bytecode_dir, environment) of this worker process


def _worker_environment(config: Config, bytecode_dir: Path | None):
    """One Jinja environment per worker, not per chunk (templates load once)."""
    global _worker_env
    from .render import make_environment

    if _worker_env is None or _worker_env[0] is not config or _worker_env[1] != bytecode_dir:
        _worker_env = (config, bytecode_dir, make_environment(config, bytecode_dir))
    return _worker_env[2]
