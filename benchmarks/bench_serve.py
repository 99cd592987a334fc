#!/usr/bin/env python3
"""Time from a saved edit of one content file to the live-reload signal, through the real server.

  python benchmarks/bench_serve.py [--project DIR ...] [--articles 10000] [--repeat 5] [--keep DIR]

For each project (default: the sample archive of this checkout, copied to a temporary folder,
and a generated archive of --articles articles ingested first) it starts
`python build.py --root PROJECT serve --port P` on 127.0.0.1, waits for `watching`, subscribes
to /__livereload, then --repeat times: appends a sentence to the body of one content file (a
different one each time) and measures until the `reload` event arrives. Prints every time, the
median and the maximum. A project given with --project is used in place (it must have content/).
"""
from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

EDIT_SENTENCE = "记者从现场了解到，相关工作正在有序推进。"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sample_project(base: Path) -> Path:
    project = base / "sample"
    project.mkdir(parents=True, exist_ok=True)
    for name in ("site.toml", "seeds", "templates", "static", "dictionaries", "content"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, project / name, dirs_exist_ok=True)
        elif src.exists():
            shutil.copy2(src, project / name)
    return project


def generated_project(base: Path, articles: int, python: str) -> Path:
    from bench_build import make_project

    project = base / f"archive-{articles}"
    if not (project / "content").is_dir():
        make_project(REPO, project, articles, 1)
        subprocess.run([python, str(REPO / "build.py"), "--root", str(project), "ingest"], check=True,
                       capture_output=True)
    return project


class Events:
    """Reads the SSE stream on a thread; `wait(after)` returns when a reload event came after `after`."""

    def __init__(self, url: str):
        self.reloads: list[float] = []
        self.cond = threading.Condition()
        self.stream = urllib.request.urlopen(url, timeout=600)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for raw in self.stream:
            line = raw.decode("utf-8", "replace").strip()
            if line == "event: reload":
                with self.cond:
                    self.reloads.append(time.perf_counter())
                    self.cond.notify_all()

    def wait(self, after: float, timeout: float) -> float | None:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                later = [t for t in self.reloads if t > after]
                if later:
                    return later[0]
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)


def wait_for_search_index(said: list[str], start: int, timeout: float) -> float | None:
    """The time the server's next "search index" line (from line `start` on) was seen."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any("search index" in line for line in said[start:]):
            return time.perf_counter()
        time.sleep(0.02)
    return None


def bench_project(project: Path, python: str, repeat: int, timeout: float) -> list[float]:
    port = free_port()
    proc = subprocess.Popen([python, str(REPO / "build.py"), "--root", str(project), "serve",
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        started = time.monotonic()
        for line in proc.stdout:  # the initial build, then the watcher
            if "watching" in line:
                break
            if time.monotonic() - started > timeout:
                raise RuntimeError("server did not start")
        said: list[str] = []  # the server's own account ("rebuilt N pages in X ms"), shown after
        threading.Thread(target=lambda: [said.append(line.rstrip()) for line in proc.stdout], daemon=True).start()
        events = Events(f"http://127.0.0.1:{port}/__livereload")
        # The first build's search index follows the pages in a worker using both cores: an
        # edit timed while it runs measures the contention, not the edit.
        # (Nothing is said when the index was already up to date: then this waits 30 s.)
        wait_for_search_index(said, 0, min(timeout, 30))
        time.sleep(0.5)
        files = sorted((project / "content").rglob("*.md"))
        times, search_times = [], []
        for k in range(repeat):
            target = files[(k * 7919 + len(files) // 2) % len(files)]
            text = target.read_text(encoding="utf-8").rstrip("\n")
            saved = time.perf_counter()
            target.write_text(text + EDIT_SENTENCE + "\n", encoding="utf-8")
            got = events.wait(saved, timeout)
            if got is None:
                raise RuntimeError(f"no reload within {timeout} s after editing {target}")
            times.append(got - saved)
            # Editing at a person's pace: the deferred index update lands before the next save.
            landed = wait_for_search_index(said, len(said), 60)
            if landed is not None:
                search_times.append(landed - saved)
            time.sleep(0.5)
        for line in said:
            if "rebuilt" in line or "error" in line.lower():
                print(f"  server: {line}", flush=True)
        if search_times:
            print(f"  edit -> search index updated: median {statistics.median(search_times) * 1000:.0f} ms, "
                  f"max {max(search_times) * 1000:.0f} ms", flush=True)
        return times
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--project", action="append", type=Path, help="existing project to use in place")
    ap.add_argument("--articles", type=int, default=10000, help="size of the generated archive (0: none)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--keep", type=Path, help="make projects here and keep them")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="bench-serve-"))
    projects = args.project or [sample_project(base)] + (
        [generated_project(base, args.articles, args.python)] if args.articles else [])
    for project in projects:
        times = bench_project(project, args.python, args.repeat, args.timeout)
        shown = ", ".join(f"{t * 1000:.0f}" for t in times)
        print(f"{project.name}: edit -> reload median {statistics.median(times) * 1000:.0f} ms, "
              f"max {max(times) * 1000:.0f} ms ({shown} ms)", flush=True)
    if not args.keep and not args.project:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
