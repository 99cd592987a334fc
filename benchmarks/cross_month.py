#!/usr/bin/env python3
"""Ingestion quality on a month the models were not fitted on: fit the heading-run trees and the
headline-role weights on some page dumps, ingest others with them, score those.

  python benchmarks/cross_month.py --fit DIR [DIR ...] --score DIR [--score DIR ...]
         [--trees FILE] [--save-trees FILE] [--scorer ../shared/eval/score_ingest.py]

A --fit DIR is a make_pages.py dump (`DIR/seeds/` + `DIR/gold.json`) or a generated set
(`DIR/*.txt` + `DIR/gold.yaml`), as train_headruns.py reads them; the role weights are fitted on
the real dumps among them only (train_headroles.py's rule). A --score DIR is a make_pages.py dump.
The fit happens in this process and is never written into the repository; `--save-trees` keeps
it, and `--trees FILE` uses such a saved fit instead of fitting. That is how a rule is judged
without the refit's noise: save the trees once, change the segmenter, score again with them.

The issue's check, 2019-10 -> 2020-05 (and the other way round), with generated seeds 7 and 11
given three times as the shipped trees are fitted:

  python benchmarks/cross_month.py --fit M1910S1 M1910S2 GEN7 GEN11 GEN7 GEN11 GEN7 GEN11 \\
      --score M2005S1 --save-trees /tmp/trees1910.json

Needs scikit-learn to fit (not with --trees). The page text stays where it is; the content
written for scoring goes to a temporary folder.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import train_headroles  # noqa: E402
import train_headruns  # noqa: E402
from site_builder.config import load_config  # noqa: E402
from site_builder.ingest import headroles, headruns  # noqa: E402
from site_builder.ingest.run import run_ingest  # noqa: E402

SCORER = ROOT.parent / "shared" / "eval" / "score_ingest.py"


def fit_trees(dirs: list[Path]) -> dict:
    """train_headruns.py's two rounds: runs met by the rules, then by the first fit."""
    pages = [p for d in dirs for p in train_headruns.load_set(d)]
    train_headruns.use(None)
    xs, ys, _ = train_headruns.collect(pages)
    model = train_headruns.fit_trees(xs, ys, bag=train_headruns.BAG)
    train_headruns.use(model)
    xs2, ys2, _ = train_headruns.collect(pages)
    return train_headruns.fit_trees(xs + xs2, ys + ys2, bag=train_headruns.BAG)


def fit_roles(dirs: list[Path]) -> dict[str, float]:
    stacks = [s for d in dirs if (d / "gold.json").exists() for s in train_headroles.load_stacks(d)]
    w = train_headruns.fit([train_headroles.vector(*h) for h, _ in stacks], [y for _, y in stacks], epochs=2000)
    return dict(zip(headroles.FEATURES, w))


def score(dump: Path, scorer: Path) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        config = load_config(ROOT).with_overrides(seeds_dir=str(dump / "seeds"), content_dir=tmp)
        run_ingest(config, workers=1, use_cache=False)  # one process: the fitted models are in this one
        done = subprocess.run([sys.executable, str(scorer), str(dump / "gold.json"), tmp],
                              capture_output=True, text=True)
    if not done.stdout.strip():
        sys.exit(f"{scorer} gave no score:\n{done.stderr[-2000:]}")
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fit", nargs="+", type=Path, required=True)
    ap.add_argument("--score", nargs="+", type=Path, required=True)
    ap.add_argument("--trees", type=Path, help="a fit saved by --save-trees, used instead of fitting")
    ap.add_argument("--save-trees", type=Path)
    ap.add_argument("--scorer", type=Path, default=SCORER, help="score_ingest.py (default: ../shared/eval/)")
    a = ap.parse_args()
    if not a.scorer.exists():
        sys.exit(f"{a.scorer} not found: give the scorer with --scorer")
    model = json.loads(a.trees.read_text(encoding="utf-8")) if a.trees else fit_trees(a.fit)
    if a.save_trees:
        a.save_trees.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    headroles.WEIGHTS.clear()
    headroles.WEIGHTS.update(fit_roles(a.fit))
    train_headruns.use(model)
    for dump in a.score:
        print(f"{dump.name}: {score(dump, a.scorer)}")


if __name__ == "__main__":
    main()
