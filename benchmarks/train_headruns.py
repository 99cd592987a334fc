#!/usr/bin/env python3
"""Fit the heading-run model of `site_builder/ingest/headruns.py` (new article or subheadings?).

  python benchmarks/train_headruns.py DIR [DIR ...] [--check DIR ...] [--write]

Each DIR holds page dumps and their gold file: `DIR/seeds/*.txt` + `DIR/gold.json` (made by
`../shared/eval/make_pages.py` from real articles) or `DIR/*.txt` + `DIR/gold.yaml` (made by
`benchmarks/make_archive.py --gold`). A run the segmenter cannot settle by rule is labelled
"opens an article" when one of its lines is a headline line in the gold file. The fit is a
logistic regression with an L2 penalty by gradient descent (no dependency), repeated once on the
runs the segmenter meets when it follows the first fit. `--check` sets are scored, not fitted.
`--write` replaces the WEIGHTS block in headruns.py. No page text is written anywhere.

The weights in headruns.py: fitted on dev400 (make_pages.py seed 7) and generated seeds 7 and 11
(3,029 runs; accuracy 0.785 by the fallback rule, 0.901 by the model); checked on dev400b (seed
11): 0.713 -> 0.884, devbig (seed 3): 0.707 -> 0.876, generated seed 23: 0.996 -> 0.993.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml  # noqa: E402

from site_builder.ingest import headruns, segment, seeds  # noqa: E402


def load_set(folder: Path) -> list[tuple[Path, set[str]]]:
    gold_path = folder / "gold.json" if (folder / "gold.json").exists() else folder / "gold.yaml"
    text = gold_path.read_text(encoding="utf-8")
    gold = json.loads(text) if gold_path.suffix == ".json" else yaml.safe_load(text)
    seed_dir = folder / "seeds" if (folder / "seeds").is_dir() else folder
    out = []
    for name, page in gold.items():
        if name.startswith("_") or not (seed_dir / name).exists():
            continue
        heads = {h.strip() for a in page["articles"] for h in a["headline"]}
        out.append((seed_dir / name, heads))
    return out


def collect(pages: list[tuple[Path, set[str]]]) -> tuple[list[list[float]], list[int], list[int]]:
    xs, ys, rule = [], [], []
    for path, heads in pages:
        headruns.TRACE = []
        page = seeds.read_seed(path, path.parent).page
        segment.segment_page(page)
        for ctx, texts, fallback in headruns.TRACE:
            tagged = [segment.is_tagged_headline(t) for t in texts]
            dashed = [t.startswith(segment._DASH_LEAD) for t in texts]
            xs.append(headruns.features(ctx, tagged, dashed))
            ys.append(int(any(t in heads for t in texts)))
            rule.append(int(fallback))
    headruns.TRACE = None
    return xs, ys, rule


def fit(xs: list[list[float]], ys: list[int], l2: float = 1e-3, epochs: int = 1500, rate: float = 0.5) -> list[float]:
    w = [0.0] * len(xs[0])
    n = len(xs)
    for _ in range(epochs):
        grad = [l2 * wi for wi in w]
        for x, y in zip(xs, ys):
            z = sum(wi * xi for wi, xi in zip(w, x))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            for k, xk in enumerate(x):
                grad[k] += (p - y) * xk / n
        w = [wi - rate * g for wi, g in zip(w, grad)]
    return w


def accuracy(xs, ys, w) -> float:
    right = sum((sum(wi * xi for wi, xi in zip(w, x)) > 0) == bool(y) for x, y in zip(xs, ys))
    return right / max(1, len(ys))


def write_weights(weights: dict[str, float], module: str = "headruns.py") -> None:
    """Replace the WEIGHTS block of site_builder/ingest/<module> with `weights`."""
    path = Path(__file__).resolve().parent.parent / "site_builder" / "ingest" / module
    text = path.read_text(encoding="utf-8")
    body = "".join(f"    {k!r}: {v:.4f},\n" for k, v in weights.items())
    new = re.sub(r"WEIGHTS: dict\[str, float\] = \{.*?\n\}|WEIGHTS: dict\[str, float\] = \{\}",
                 lambda _: "WEIGHTS: dict[str, float] = {\n" + body + "}", text, count=1, flags=re.S)
    path.write_text(new, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("train", nargs="+", type=Path)
    ap.add_argument("--check", nargs="*", type=Path, default=[])
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    train = [p for d in a.train for p in load_set(d)]
    saved = dict(headruns.WEIGHTS)
    headruns.WEIGHTS.clear()  # the first round follows the rules alone
    xs, ys, rule = collect(train)
    w = fit(xs, ys)
    headruns.WEIGHTS.update(zip(headruns.FEATURES, w))
    xs2, ys2, _ = collect(train)  # the runs met when the model decides
    w = fit(xs + xs2, ys + ys2)
    weights = dict(zip(headruns.FEATURES, w))
    print(f"training runs: {len(ys)}; rule accuracy {sum(r == y for r, y in zip(rule, ys)) / len(ys):.3f}, "
          f"model accuracy {accuracy(xs, ys, w):.3f}")
    for d in a.check:
        headruns.WEIGHTS.clear()
        cx, cy, crule = collect(load_set(d))
        print(f"check {d.name}: runs {len(cy)}; rule accuracy {sum(r == y for r, y in zip(crule, cy)) / len(cy):.3f}, "
              f"model accuracy {accuracy(cx, cy, w):.3f}")
    headruns.WEIGHTS.clear()
    headruns.WEIGHTS.update(saved)
    print(json.dumps({k: round(v, 4) for k, v in weights.items()}))
    if a.write:
        write_weights(weights)


if __name__ == "__main__":
    main()
