#!/usr/bin/env python3
"""Fit the two-line headline role model of `site_builder/ingest/headroles.py`.

  python benchmarks/train_headroles.py DIR [DIR ...] [--check DIR ...] [--write]

Each DIR holds a gold file: `DIR/gold.json` (made by `../shared/eval/make_pages.py` from real
articles; a stack with a subtitle is title-first) or `DIR/gold.yaml` (made by
`benchmarks/make_archive.py --gold`; title-first when the first line is the title). Only the
gold headline stacks of two lines are read, not the pages. The fit is an L2-penalised logistic
regression by gradient descent (no dependency). `--check` sets are scored, not fitted, against
the rule the model replaced (title first only after a column tag or above a long deck).
`--write` replaces the WEIGHTS block in headroles.py. No page text is written anywhere.

The weights in headroles.py: fitted on make_pages.py dumps of both development months (seeds 1
and 2 of 2019-10 and 2020-05), 2,281 stacks, accuracy 0.934 (rule 0.856). Across months (fitted
on one month's two dumps, checked on the other's seed 1), rule -> model: 2019-10 -> 2020-05
0.840 -> 0.931, 2020-05 -> 2019-10 0.869 -> 0.918; before the attendance, event and time-scope
features 0.884 and 0.905. Generated pages are left out: their undashed two-line stacks are all
title-first, a convention the samples do not share, and adding them cost 5 points on real pages.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from site_builder.ingest import extract, headroles, segment  # noqa: E402

from train_headruns import fit, write_weights  # noqa: E402


def load_stacks(folder: Path) -> list[tuple[tuple[str, str], int]]:
    """(first, second), 1 when the first line is the title."""
    if (folder / "gold.json").exists():
        gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    else:
        gold = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
    out = []
    for name, page in gold.items():
        if name.startswith("_"):
            continue
        for art in page["articles"]:
            lines = [h.strip() for h in art["headline"]]
            if len(lines) != 2 or lines[1].startswith(segment.DASH_LEAD):
                continue  # a dashed second line is a subtitle by rule
            titles = set(art["title_any_of"])
            if (lines[0] in titles) == (lines[1] in titles):
                continue
            out.append(((lines[0], lines[1]), int(lines[0] in titles)))
    return out


def vector(first: str, second: str) -> list[float]:
    return headroles.features(first, second, segment.is_tagged_headline(first), segment.is_tagged_headline(second))


def accuracy(data, w) -> float:
    right = sum((sum(wi * xi for wi, xi in zip(w, vector(*h))) > 0) == bool(y) for h, y in data)
    return right / max(1, len(data))


def rule_accuracy(data) -> float:
    saved = dict(headroles.WEIGHTS)
    headroles.WEIGHTS.clear()
    right = sum(extract._title_then_subtitle(*h) == bool(y) for h, y in data)
    headroles.WEIGHTS.update(saved)
    return right / max(1, len(data))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("train", nargs="+", type=Path)
    ap.add_argument("--check", nargs="*", type=Path, default=[])
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    train = [s for d in a.train for s in load_stacks(d)]
    w = fit([vector(*h) for h, _ in train], [y for _, y in train], epochs=2000)
    print(f"training stacks: {len(train)}; rule accuracy {rule_accuracy(train):.3f}, model accuracy {accuracy(train, w):.3f}")
    for d in a.train + a.check:
        data = load_stacks(d)
        print(f"{'check' if d in a.check else 'train'} {d.name}: stacks {len(data)}; "
              f"rule accuracy {rule_accuracy(data):.3f}, model accuracy {accuracy(data, w):.3f}")
    weights = dict(zip(headroles.FEATURES, w))
    print(json.dumps({k: round(v, 4) for k, v in weights.items()}))
    if a.write:
        write_weights(weights, "headroles.py")


if __name__ == "__main__":
    main()
