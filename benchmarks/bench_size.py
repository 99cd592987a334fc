#!/usr/bin/env python3
"""Size of the built site per directory, per article and in files, for two checkouts in one run.

  python benchmarks/bench_size.py --articles 10000 [--article-chars 1400] [--refs main,.] [--seed 1]
                                  [--runs 1] [--keep DIR] [--json FILE]

Writes one set of seed pages (make_archive.py, real-length articles by default: about 1,400
characters of body each), then for each of `--refs` (git refs exported with `git archive`
into a scratch folder, so no worktree is touched; `.` is this checkout as it is) builds the
archive cold in a fresh interpreter (run_pipeline.py: ingest and build, as `build.py` does),
and prints for each: cold wall time and per stage, output size per top-level directory (bytes
of regular files: the apparent size a host stores and counts; directories are counted
separately since their 4 KB on ext4 is no byte of the site), bytes per article, file count,
and the search index against the article text it indexes (UTF-8 bytes of the bodies).
With --runs N the cold builds alternate between the checkouts and the fastest is reported.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_build import PROJECT_COPY, RunResult, clear, machine, run_once  # noqa: E402
from make_archive import make_archive  # noqa: E402

ARTICLES_PER_PAGE = 4.0
REAL_ARTICLE_CHARS = 1400  # a national daily's articles, measured on the real-pages archive
GITHUB_PAGES_SITE_LIMIT = 1_000_000_000


@dataclass
class DirSize:
    files: int = 0
    bytes: int = 0


@dataclass
class SiteSize:
    label: str
    articles: int = 0
    text_bytes: int = 0  # UTF-8 bytes of the article bodies in content/
    files: int = 0
    dirs: int = 0
    bytes: int = 0
    largest_file: str = ""
    largest_bytes: int = 0
    by_dir: dict[str, DirSize] = field(default_factory=dict)
    cold: RunResult | None = None  # the fastest of the cold runs
    cold_walls: list[float] = field(default_factory=list)

    @property
    def per_article(self) -> float:
        return self.bytes / max(self.articles, 1)


def export_ref(repo: Path, ref: str, into: Path) -> Path:
    """The tree of `ref` as plain files (git archive), without touching any worktree."""
    into.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", ref], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def make_project(code: Path, project: Path, seeds: Path) -> None:
    """A project folder with the measured checkout's settings, templates and static files."""
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    for name in PROJECT_COPY:
        src = code / name
        if src.is_dir():
            shutil.copytree(src, project / name)
        elif src.exists():
            shutil.copy2(src, project / name)
    shutil.copytree(seeds, project / "seeds")


def measure_output(label: str, project: Path) -> SiteSize:
    size = SiteSize(label)
    output = project / "output"
    by_dir: dict[str, DirSize] = defaultdict(DirSize)
    for path in output.rglob("*"):
        if path.is_dir():
            size.dirs += 1
            continue
        rel = path.relative_to(output)
        top = rel.parts[0] + "/" if len(rel.parts) > 1 else "(top-level files)"
        n = path.stat().st_size
        by_dir[top].files += 1
        by_dir[top].bytes += n
        size.files += 1
        size.bytes += n
        if n > size.largest_bytes:
            size.largest_file, size.largest_bytes = rel.as_posix(), n
    size.by_dir = dict(sorted(by_dir.items(), key=lambda kv: -kv[1].bytes))
    size.articles, size.text_bytes = article_text(project / "content")
    return size


def article_text(content: Path) -> tuple[int, int]:
    """Articles in content/ and the UTF-8 bytes of their bodies (after the front matter)."""
    count = text = 0
    for md in content.rglob("*.md"):
        raw = md.read_text(encoding="utf-8")
        _, _, body = raw.partition("\n---\n")
        count += 1
        text += len(body.strip().encode("utf-8"))
    return count, text


def report(sizes: list[SiteSize]) -> str:
    lines = []
    dirs = list(dict.fromkeys(d for s in sizes for d in s.by_dir))
    head = f"{'':22s}" + "".join(f"{s.label:>26s}" for s in sizes)
    lines.append(head)
    lines.append(f"{'articles':22s}" + "".join(f"{s.articles:>26,d}" for s in sizes))
    lines.append(f"{'article text':22s}" + "".join(f"{s.text_bytes / 1e6:>23.1f} MB" for s in sizes))
    for d in dirs:
        cells = []
        for s in sizes:
            ds = s.by_dir.get(d, DirSize())
            cells.append(f"{ds.bytes / 1e6:9.1f} MB {ds.bytes / max(s.articles, 1) / 1e3:5.1f} KB/a {ds.files:6d} f")
        lines.append(f"{d:22s}" + "".join(f"{c:>26s}" for c in cells))
    lines.append(f"{'total':22s}" + "".join(
        f"{s.bytes / 1e6:9.1f} MB {s.per_article / 1e3:5.1f} KB/a {s.files:6d} f".rjust(26) for s in sizes))
    lines.append(f"{'without search/':22s}" + "".join(
        f"{(s.bytes - s.by_dir.get('search/', DirSize()).bytes) / max(s.articles, 1) / 1e3:>21.1f} KB/a" for s in sizes))
    lines.append(f"{'search / text':22s}" + "".join(
        f"{s.by_dir.get('search/', DirSize()).bytes / max(s.text_bytes, 1):>25.2f}x" for s in sizes))
    lines.append(f"{'directories':22s}" + "".join(f"{s.dirs:>26,d}" for s in sizes))
    lines.append(f"{'largest file':22s}" + "".join(
        f"{s.largest_file[-14:]} {s.largest_bytes / 1e6:.1f} MB".rjust(26) for s in sizes))
    lines.append(f"{'cold wall':22s}" + "".join(
        (f"{s.cold.wall:>24.1f} s" if s.cold else f"{'-':>26s}") for s in sizes))
    for key in ("ingest", "build"):
        lines.append(f"{'  ' + key:22s}" + "".join(
            (f"{s.cold.steps.get(key, 0):>24.1f} s" if s.cold else f"{'-':>26s}") for s in sizes))
    lines.append(f"{'cold runs':22s}" + "".join(
        f"{' / '.join(f'{w:.1f}' for w in s.cold_walls)} s".rjust(26) for s in sizes))
    lines.append(f"{'cold ms per article':22s}" + "".join(
        (f"{1000 * s.cold.wall / max(s.articles, 1):>23.2f} ms" if s.cold else f"{'-':>26s}") for s in sizes))
    for s in sizes:
        if s.cold and s.cold.stages:
            lines.append(f"{s.label} stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in s.cold.stages.items()))
        if s.cold and (s.cold.error or not s.cold.ok):
            lines.append(f"{s.label} FAILED: {(s.cold.error or '').strip()[:500]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=10000, help="archive size in articles (about)")
    ap.add_argument("--article-chars", type=int, default=REAL_ARTICLE_CHARS,
                    help="mean body length of a generated article")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--refs", default="main,.", help="comma-separated git refs to compare; . is this checkout")
    ap.add_argument("--repo", type=Path, default=HERE.parent, help="this checkout")
    ap.add_argument("--python", default=sys.executable, help="interpreter that has the requirements")
    ap.add_argument("--keep", help="work in this folder and keep it")
    ap.add_argument("--runs", type=int, default=1,
                    help="cold builds per checkout, alternating between them (the fastest is reported)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds per cold build")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args(argv)

    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-size-"))
    base.mkdir(parents=True, exist_ok=True)
    print(machine(), flush=True)
    try:
        seeds = base / "seeds"
        if seeds.exists():
            shutil.rmtree(seeds)
        pages = max(1, round(args.articles / ARTICLES_PER_PAGE))
        t0 = time.perf_counter()
        generated = make_archive(pages, args.seed, seeds, article_chars=args.article_chars)
        chars = sum(len(p.text) for p in generated)
        print(f"{sum(len(p.truth.articles) for p in generated)} articles on {pages} pages, "
              f"{chars / 1e6:.1f} M characters, generated in {time.perf_counter() - t0:.1f} s", flush=True)
        checkouts = [(f"this ({args.repo.name})", args.repo.resolve()) if ref == "." else
                     (ref, export_ref(args.repo, ref, base / f"ref-{ref.replace('/', '-')}"))
                     for ref in args.refs.split(",")]
        sizes = [SiteSize(label) for label, _ in checkouts]
        for k in range(args.runs):
            for i, (label, code) in enumerate(checkouts):
                project = base / f"site-{i}"
                make_project(code, project, seeds)
                clear(project, "content", "output", "caches")
                run = run_once(args.python, code, project, "cold", False, args.timeout)
                walls = sizes[i].cold_walls + [run.wall]
                best = run if sizes[i].cold is None or run.wall < sizes[i].cold.wall else sizes[i].cold
                sizes[i] = measure_output(label, project)
                sizes[i].cold, sizes[i].cold_walls = best, walls
                print(f"{label}: cold build {run.wall:.1f} s{'' if run.ok else ' FAILED'}", flush=True)
        print(report(sizes))
        for s in sizes:
            if s.bytes * 50000 / max(s.articles, 1) > GITHUB_PAGES_SITE_LIMIT:
                print(f"{s.label}: at this rate 50,000 articles take {s.per_article * 50000 / 1e9:.2f} GB "
                      f"(GitHub Pages: 1 GB)")
        if args.json:
            Path(args.json).write_text(json.dumps([asdict(s) for s in sizes], indent=1, default=str),
                                       encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
