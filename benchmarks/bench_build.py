#!/usr/bin/env python3
"""Time the whole pipeline on generated archives of a given size (in articles).

  python benchmarks/bench_build.py --articles 1000,10000 [--seed 1] [--keep DIR] [--json FILE]

Per size it writes a project (seeds/ from make_archive.py at about 4 articles a page, plus
site.toml, templates/, static/ and dictionaries/ copied from this checkout) and runs, each in a
fresh interpreter (benchmarks/run_pipeline.py = what `python build.py --root PROJECT` does):

  cold      no content/, no output/, no caches (.cache*, jieba's cache): everything from seeds
  noop      nothing changed since the last run
  warm      output/ deleted, content/ and caches kept: a full render with warm caches
  reingest  content/ and output/ deleted, caches kept: ingestion from its cache
  article   one content file edited by hand (a sentence appended to its body)
  seed      one seed page edited (a sentence appended to a paragraph)
  template  the article template edited (a comment inside its first block)

Scenarios start at least 2.1 s after the previous run ended, as edits at a person's pace do:
change detection trusts a file's stat only when it was written over 2 s (RACY_NS, git's
racy-clean rule) before the scan that recorded it, so a build right after one that rewrote
every file (the re-ingest) reads them all again (0.3-0.4 s more at 10,000 articles).

It prints per run: wall time of the process, time of ingest and build calls, any stage timings
the reports carry, peak RSS (main process and largest worker) and the peak PSS of the whole process tree (sampled every 0.1 s), output files / bytes / largest
file, search index bytes (and gzipped), and how many output files were added, removed or
rewritten. --cli runs `python build.py --root PROJECT` instead (process time only).
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_archive import make_archive  # noqa: E402
from run_pipeline import RESULT_PREFIX  # noqa: E402

ARTICLES_PER_PAGE = 4.0
RACY_PAUSE = 2.1  # seconds between runs: past the racy window of stat-based change detection
SCENARIOS = ("cold", "noop", "warm", "reingest", "article", "seed", "template")
PROJECT_COPY = ("site.toml", "templates", "static", "dictionaries")
CACHE_PREFIXES = (".cache", ".bench-tmp")
EDIT_SENTENCE = "记者从现场了解到，相关工作正在有序推进。"
GITHUB_PAGES_FILE_LIMIT = 50 * 1024 * 1024


@dataclass
class OutputStats:
    files: int = 0
    bytes: int = 0
    largest_file: str = ""
    largest_bytes: int = 0
    search_files: int = 0
    search_bytes: int = 0
    search_gzip_bytes: int = 0
    added: int = 0
    removed: int = 0
    rewritten: int = 0


@dataclass
class RunResult:
    scenario: str
    wall: float  # the whole process, interpreter start included
    ok: bool
    error: str | None = None
    steps: dict = field(default_factory=dict)  # ingest / build seconds, module import seconds
    stages: dict = field(default_factory=dict)  # whatever the reports said
    counters: dict = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    peak_rss_children_mb: float = 0.0
    peak_tree_mb: float = 0.0  # peak PSS summed over the process and its workers (sampled)
    memory_note: str = ""
    output: OutputStats = field(default_factory=OutputStats)
    note: str = ""


@dataclass
class SizeResult:
    articles_requested: int
    pages: int
    articles: int
    seed_chars: int
    generate_seconds: float
    runs: list[RunResult] = field(default_factory=list)


# ---------------------------------------------------------------- project set-up

def project_paths(project: Path) -> dict[str, Path]:
    """seeds/content/output/templates as site.toml names them (defaults otherwise)."""
    paths = {"seeds": "seeds", "content": "content", "output": "output", "templates": "templates"}
    toml = project / "site.toml"
    if toml.exists():
        table = tomllib.loads(toml.read_text(encoding="utf-8")).get("paths", {})
        paths.update({k: v for k, v in table.items() if k in paths and isinstance(v, str)})
    return {k: project / v for k, v in paths.items()}


def make_project(repo: Path, project: Path, articles: int, seed: int) -> SizeResult:
    project.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_COPY:
        src, dst = repo / name, project / name
        if dst.exists():
            shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
        if src.is_dir():
            shutil.copytree(src, dst)
        elif src.exists():
            shutil.copy2(src, dst)
    seeds = project_paths(project)["seeds"]
    if seeds.exists():
        shutil.rmtree(seeds)
    pages = max(1, round(articles / ARTICLES_PER_PAGE))
    t0 = time.perf_counter()
    generated = make_archive(pages, seed, seeds)
    took = time.perf_counter() - t0
    return SizeResult(articles, pages, sum(len(p.truth.articles) for p in generated),
                      sum(len(p.text) for p in generated), took)


def clear(project: Path, *names: str) -> None:
    paths = project_paths(project)
    for name in names:
        if name == "caches":
            targets = [p for p in project.iterdir() if p.name.startswith(CACHE_PREFIXES)]
        else:
            targets = [paths[name]]
        for t in targets:
            if t.is_dir():
                shutil.rmtree(t)
            elif t.exists():
                t.unlink()


# ---------------------------------------------------------------- edits

def edit_article(project: Path) -> str:
    files = sorted(project_paths(project)["content"].rglob("*.md"))
    if not files:
        return "no content file to edit"
    target = files[len(files) // 2]
    text = target.read_text(encoding="utf-8").rstrip("\n")
    target.write_text(text + EDIT_SENTENCE + "\n", encoding="utf-8")
    return f"edited {target.relative_to(project)}"


def edit_seed(project: Path) -> str:
    files = sorted(project_paths(project)["seeds"].glob("*.txt"))
    target = files[len(files) // 3]
    lines = target.read_text(encoding="utf-8").split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))  # a body paragraph
    lines[longest] += EDIT_SENTENCE
    target.write_text("\n".join(lines), encoding="utf-8")
    return f"edited {target.relative_to(project)}"


def edit_template(project: Path) -> str:
    templates = sorted(project_paths(project)["templates"].rglob("*.html"))
    if not templates:
        return "no template to edit"
    target = next((t for t in templates if "article" in t.stem), templates[0])
    text = target.read_text(encoding="utf-8")
    stamp = f"<!-- bench edit {time.time_ns()} -->"
    start = text.find("{% block")
    if start >= 0:  # inside the first block, so a child template's output really changes
        end = text.find("%}", start) + 2
        text = text[:end] + stamp + text[end:]
    else:
        text += stamp + "\n"
    target.write_text(text, encoding="utf-8")
    return f"edited {target.relative_to(project)}"


# ---------------------------------------------------------------- measuring output

def snapshot(output: Path) -> dict[str, tuple[int, int]]:
    if not output.is_dir():
        return {}
    out = {}
    for p in output.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(output).as_posix()] = (st.st_size, st.st_mtime_ns)
    return out


def is_search_file(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1].lower()
    return not name.endswith(".html") and ("search" in rel.lower() or "lunr" in name
                                           or (name.endswith(".json") and "index" in name))


def output_stats(output: Path, before: dict, after: dict) -> OutputStats:
    s = OutputStats(files=len(after), bytes=sum(v[0] for v in after.values()))
    if after:
        s.largest_file, (s.largest_bytes, _) = max(after.items(), key=lambda kv: kv[1][0])
    for rel, (size, _) in after.items():
        if is_search_file(rel):
            s.search_files += 1
            s.search_bytes += size
            s.search_gzip_bytes += len(gzip.compress((output / rel).read_bytes(), 6))
    s.added = len(after.keys() - before.keys())
    s.removed = len(before.keys() - after.keys())
    s.rewritten = sum(1 for k in after.keys() & before.keys() if after[k] != before[k])
    return s


# ---------------------------------------------------------------- running

def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(c) for c in f.read().split()]
    except OSError:
        return []


def _pss_bytes(pid: int) -> int:
    """Proportional set size: pages shared by forked workers are counted once in all, so the
    sum over a process tree is what the build really occupies (RSS sums would count the
    parent's copy-on-write pages again in every child)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_pss(root: int) -> list[int]:
    """PSS in bytes of `root` and each of its descendants, root first."""
    sizes, todo = [], [root]
    while todo:
        pid = todo.pop(0)
        sizes.append(_pss_bytes(pid))
        todo.extend(_children(pid))
    return sizes


@dataclass
class MemoryPeak:
    bytes: int = 0
    at_seconds: float = 0.0  # since the run started
    per_process: list[int] = field(default_factory=list)  # the root first

    def describe(self) -> str:
        parts = " + ".join(f"{n / 1e6:.0f}" for n in self.per_process)
        return f"tree PSS peak {self.bytes / 1e6:.0f} MB at {self.at_seconds:.1f} s ({parts} MB)"


def run_sampling_memory(cmd: list[str], env: dict, timeout: float, cwd: Path,
                        interval: float = 0.1) -> tuple[subprocess.CompletedProcess, MemoryPeak]:
    """Run `cmd`, sampling the PSS of its whole process tree; the process and the peak."""
    import threading

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    peak = MemoryPeak()
    started = time.perf_counter()
    done = threading.Event()

    def sample() -> None:
        while not done.wait(interval):
            sizes = tree_pss(proc.pid)
            if sum(sizes) > peak.bytes:
                peak.bytes, peak.per_process = sum(sizes), sizes
                peak.at_seconds = time.perf_counter() - started

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    finally:
        done.set()
        sampler.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), peak


def run_once(python: str, repo: Path, project: Path, scenario: str, cli: bool, timeout: float) -> RunResult:
    output = project_paths(project)["output"]
    before = snapshot(output)
    env = dict(os.environ)
    tmp = project / ".bench-tmp"  # jieba caches its dictionary in the temp dir: keep it ours
    tmp.mkdir(exist_ok=True)
    env["TMPDIR"] = str(tmp)
    env.pop("PYTHONHASHSEED", None)
    # Python's default, as users run it: compiled modules are cached in __pycache__ (some
    # sandboxes set PYTHONDONTWRITEBYTECODE, which recompiles the package on every run)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if cli:
        cmd = [python, str(repo / "build.py"), "--root", str(project)]
    else:
        cmd = [python, str(HERE / "run_pipeline.py"), "--repo", str(repo), "--root", str(project)]
    t0 = time.perf_counter()
    try:
        proc, tree_peak = run_sampling_memory(cmd, env=env, timeout=timeout, cwd=project)
    except subprocess.TimeoutExpired:
        return RunResult(scenario, time.perf_counter() - t0, False, f"timed out after {timeout} s")
    wall = time.perf_counter() - t0
    run = RunResult(scenario, wall, proc.returncode == 0)
    run.peak_tree_mb = tree_peak.bytes / 1e6
    run.memory_note = tree_peak.describe()
    lines = [l for l in proc.stdout.splitlines() if l.startswith(RESULT_PREFIX)]
    if lines:
        data = json.loads(lines[-1][len(RESULT_PREFIX):])
        run.steps, run.stages, run.counters = data["steps"], data["stages"], data["counters"]
        run.peak_rss_mb, run.peak_rss_children_mb = data["peak_rss_mb"], data["peak_rss_children_mb"]
        run.error = data["error"]
    elif proc.returncode != 0:
        run.error = (proc.stderr or proc.stdout)[-1500:]
    run.output = output_stats(output, before, snapshot(output))
    return run


def prepare(project: Path, scenario: str) -> str:
    if scenario == "cold":
        clear(project, "content", "output", "caches")
    elif scenario == "warm":
        clear(project, "output")
    elif scenario == "reingest":
        clear(project, "content", "output")
    elif scenario == "article":
        return edit_article(project)
    elif scenario == "seed":
        return edit_seed(project)
    elif scenario == "template":
        return edit_template(project)
    return ""


def bench_size(args, articles: int, base: Path) -> SizeResult:
    project = base / f"archive-{articles}"
    size = make_project(args.repo, project, articles, args.seed)
    print(f"\n== {size.articles} articles on {size.pages} pages ({size.seed_chars / 1e6:.1f} M characters, "
          f"generated in {size.generate_seconds:.1f} s) in {project}", flush=True)
    print(header(), flush=True)
    last_end = 0.0
    for scenario in args.scenarios:
        time.sleep(max(0.0, last_end + RACY_PAUSE - time.monotonic()))
        note = prepare(project, scenario)
        run = run_once(args.python, args.repo, project, scenario, args.cli, args.timeout)
        last_end = time.monotonic()
        run.note = note
        size.runs.append(run)
        print(row(run), flush=True)
        for line in detail(run):
            print("    " + line, flush=True)
    return size


# ---------------------------------------------------------------- printing

def header() -> str:
    return (f"{'scenario':9s} {'wall s':>7s} {'ingest':>7s} {'build':>7s} {'RSS MB':>7s} {'worker':>7s} {'tree':>6s} "
            f"{'files':>7s} {'out MB':>7s} {'search MB':>9s} {'gz MB':>6s} {'+new':>6s} {'-del':>5s} {'rewrit':>6s}")


def row(r: RunResult) -> str:
    o = r.output
    mb = lambda n: n / 1e6  # noqa: E731
    ingest, build = r.steps.get("ingest"), r.steps.get("build")
    fmt = lambda v: f"{v:7.2f}" if isinstance(v, (int, float)) else f"{'-':>7s}"  # noqa: E731
    return (f"{r.scenario:9s} {r.wall:7.2f} {fmt(ingest)} {fmt(build)} {r.peak_rss_mb:7.0f} "
            f"{r.peak_rss_children_mb:7.0f} {r.peak_tree_mb:6.0f} {o.files:7d} {mb(o.bytes):7.1f} {mb(o.search_bytes):9.2f} "
            f"{mb(o.search_gzip_bytes):6.2f} {o.added:6d} {o.removed:5d} {o.rewritten:6d}"
            + ("" if r.ok and not r.error else "  FAILED"))


def detail(r: RunResult) -> list[str]:
    out = []
    if r.note:
        out.append(r.note)
    if r.stages:
        out.append("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in r.stages.items()))
    imports = {k: v for k, v in r.steps.items() if k.endswith(".import")}
    if imports:
        out.append("imports: " + ", ".join(f"{k[:-7]} {v:.2f}s" for k, v in imports.items()))
    if r.memory_note:
        out.append(r.memory_note)
    if r.counters:
        out.append("counters: " + ", ".join(f"{k}={v:g}" for k, v in r.counters.items()))
    if r.output.largest_bytes > GITHUB_PAGES_FILE_LIMIT:
        out.append(f"WARNING: {r.output.largest_file} is {r.output.largest_bytes / 1e6:.1f} MB, "
                   "over GitHub Pages' 50 MB per file")
    elif r.scenario == "cold" and r.output.files:
        out.append(f"largest file: {r.output.largest_file} ({r.output.largest_bytes / 1e6:.2f} MB)")
    if r.error:
        out.append("error: " + r.error.strip().replace("\n", "\n    "))
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines()
                      if l.startswith("MemTotal")))
        mem = f", {kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", default="1000,10000", help="comma-separated archive sizes in articles")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", help="build the projects in this folder and keep them")
    ap.add_argument("--repo", type=Path, default=HERE.parent, help="checkout to measure (default: this one)")
    ap.add_argument("--python", default=sys.executable, help="interpreter that has the requirements")
    ap.add_argument("--scenarios", default=",".join(SCENARIOS), help=f"subset of {','.join(SCENARIOS)}")
    ap.add_argument("--cli", action="store_true", help="run build.py --root instead of the in-process runner")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    ap.add_argument("--json", help="also write all figures to this JSON file")
    args = ap.parse_args(argv)
    args.repo = args.repo.resolve()
    args.scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = set(args.scenarios) - set(SCENARIOS)
    if unknown:
        ap.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    sizes = [int(x) for x in args.articles.split(",") if x]
    print(f"machine: {machine()}\nrepo: {args.repo}", flush=True)
    results = []
    if args.keep:
        base = Path(args.keep).resolve()
        base.mkdir(parents=True, exist_ok=True)
        results = [bench_size(args, n, base) for n in sizes]
    else:
        with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
            results = [bench_size(args, n, Path(tmp)) for n in sizes]
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "sizes": [asdict(r) for r in results]},
                                              ensure_ascii=False, indent=1), encoding="utf-8")
    failed = any(not r.ok or r.error for s in results for r in s.runs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
