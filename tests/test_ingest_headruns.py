"""The heading-run model: exported trees read as scikit-learn wrote them, a stale model file is
refused with what to do, and refitting the model invalidates the ingest cache."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.ingest import cache as ic
from site_builder.ingest import headruns


def stump(feature: int, threshold: float, low: float, high: float) -> list[list]:
    return [[feature, threshold, 1, 2], [low], [high]]


def test_trees_add_the_leaves_each_tree_reaches_to_the_base():
    trees = headruns.Trees(-0.5, (tuple(map(tuple, stump(0, 1.0, -1.0, 2.0))),
                                  tuple(map(tuple, stump(1, 0.5, 0.25, -0.75)))))
    assert trees.score([1.0, 0.0]) == pytest.approx(-0.5 - 1.0 + 0.25)  # at the threshold: left
    assert trees.score([3.0, 0.9]) == pytest.approx(-0.5 + 2.0 - 0.75)


def test_the_shipped_model_reads_and_decides_on_features_of_the_right_length():
    model = headruns.load_model()
    assert model is not None and len(model.trees) > 10
    ctx = headruns.RunContext(heads=["湿地公园迎客来"], has_label=False, prev_text="游客络绎不绝。", paragraphs=6,
                              subheadings=0, headline_lines=1, next_text="本报南京3月2日电 近日，…",
                              next_relative=False, similar_later=0, strong=True, agency=True)
    x = headruns.features(ctx, [False], [False])
    assert len(x) == len(headruns.FEATURES)
    assert isinstance(model.score(x), float)


def test_a_model_fitted_on_other_features_is_refused_with_the_fix(tmp_path: Path):
    path = tmp_path / "headruns_model.json"
    path.write_text(json.dumps({"features": ["bias", "gone"], "base": 0.0, "trees": []}), encoding="utf-8")
    with pytest.raises(ValueError, match="train_headruns.py --write"):
        headruns.load_model(path)


def test_no_model_file_leaves_the_decision_to_the_rule(tmp_path: Path):
    assert headruns.load_model(tmp_path / "absent.json") is None


def test_refitting_the_model_changes_the_ingest_salt(tmp_path: Path, monkeypatch):
    path = tmp_path / "headruns_model.json"
    path.write_text(headruns.MODEL_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(headruns, "MODEL_PATH", path)
    before = ic.salt(None, frozenset())
    data = json.loads(path.read_text(encoding="utf-8"))
    data["base"] += 0.125
    path.write_text(json.dumps(data), encoding="utf-8")
    assert ic.salt(None, frozenset()) != before
