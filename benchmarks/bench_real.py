#!/usr/bin/env python3
"""Ingestion quality on real newspaper text: make page dumps, ingest them, score them.

  python benchmarks/bench_real.py SRC_DIR [--pages 400] [--seed 7] [--work DIR]
         [--make-pages ../shared/eval/make_pages.py] [--score ../shared/eval/score_ingest.py]

SRC_DIR holds one text file per article (YYYYMMDD-PP-NN.txt, see make_pages.py's docstring).
The page dumps, gold file and content go to --work (a temporary folder by default); nothing is
written into the repository: real text is its publisher's copyright. Prints the scorer's table
and the wall time of the cold ingest.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # the scorer exits 1 below --min; we pass none
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("--pages", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", type=Path)
    ap.add_argument("--make-pages", type=Path, default=EVAL / "make_pages.py")
    ap.add_argument("--score", type=Path, default=EVAL / "score_ingest.py")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="bench-real-"))
    dumps, content = work / "pages", work / "content"
    if content.exists():
        sys.exit(f"{content} exists: give an empty --work folder")
    print(run([sys.executable, str(a.make_pages), str(a.src), str(dumps),
               "--pages", str(a.pages), "--seed", str(a.seed)]).strip())
    start = time.perf_counter()
    run([sys.executable, "build.py", "ingest", "--seeds", str(dumps / "seeds"), "--content", str(content)])
    wall = time.perf_counter() - start
    print(run([sys.executable, str(a.score), str(dumps / "gold.json"), str(content)]).strip())
    print(f"ingest wall time {wall:.1f} s (work folder {work})")


if __name__ == "__main__":
    main()
