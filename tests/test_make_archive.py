"""The synthetic archive generator: deterministic, growing vocabulary, truth that accounts for
every character of every page."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.make_archive import (  # noqa: E402
    CLOSERS, accounted_text, generate, make_archive, to_gold)


def _squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def pages():
    return generate(60, seed=11)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path):
    make_archive(25, 5, tmp_path / "a", truth=True)
    make_archive(25, 5, tmp_path / "b", truth=True)
    make_archive(25, 6, tmp_path / "c", truth=True)
    a, b, c = (_files(tmp_path / x) for x in "abc")
    assert a == b
    assert a != c
    assert sum(n.endswith(".txt") for n in a) == 25


def test_output_does_not_depend_on_hash_randomisation(tmp_path):
    """Set iteration order changes with PYTHONHASHSEED; the archive must not."""
    make_archive(8, 3, tmp_path / "here", truth=True)
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_archive.py"), "--pages", "8",
                    "--seed", "3", "--truth", str(tmp_path / "there")], check=True, env=env,
                   capture_output=True)
    assert _files(tmp_path / "here") == _files(tmp_path / "there")


def test_vocabulary_grows_with_the_archive():
    def vocabulary(n):
        pages = generate(n, seed=2)
        people = {p for g in pages for a in g.truth.articles for p in a.people}
        places = {p for g in pages for a in g.truth.articles for p in a.places}
        reporters = {p for g in pages for a in g.truth.articles for p in a.reporters}
        return people, places, reporters

    small, large = vocabulary(40), vocabulary(400)
    people_s, people_l = len(small[0]), len(large[0])
    assert people_l > 4 * people_s, (people_s, people_l)
    assert len(large[1]) > 2 * len(small[1])
    assert len(large[2]) > len(small[2])  # reporters recur, yet new ones join


def test_every_character_is_accounted_for_exactly_once(pages):
    for g in pages:
        want = Counter(_squash(g.text))
        have = Counter(_squash("".join(accounted_text(g.truth))))
        assert want == have, f"{g.stem}: missing {want - have}, extra {have - want}"


def test_printed_lines_are_whole_lines_of_the_page(pages):
    for g in pages:
        lines = {line.strip() for line in g.text.split("\n")}
        t = g.truth
        for line in ([t.section] if t.section else []) + t.furniture:
            assert line in lines, (g.stem, line)
        for a in t.articles:
            for h in a.headline + [b.text for b in a.body if b.kind == "subheading"]:
                assert h in lines, (g.stem, h)
            for b in a.bylines:
                for part in b.text.split("\n"):
                    assert any(part in line for line in lines), (g.stem, part)


def test_column_breaks_are_real_breaks(pages):
    """Each recorded break: the first half's line ends mid-sentence where the second half's
    line goes on, and the repaired text is in the article's body."""
    breaks = 0
    for g in pages:
        lines = [_squash(line) for line in g.text.split("\n")]
        for a in g.truth.articles:
            body = _squash("".join(b.text for b in a.body if b.kind == "paragraph"))
            assert len(a.joined) == len(a.breaks)
            for fragment, brk in zip(a.joined, a.breaks):
                breaks += 1
                first, second = (lines[n - 1] for n in brk.lines)
                assert brk.lines[0] < brk.lines[1]
                assert first.endswith(_squash(brk.left)) and first[-1] not in CLOSERS, (g.stem, brk)
                assert second.startswith(_squash(brk.right)), (g.stem, brk)
                assert _squash(fragment) in body
                assert _squash(fragment) not in first + "|" + second
    assert breaks > 20


def test_page_shapes(pages):
    articles = [a for g in pages for a in g.truth.articles]
    assert 3.0 <= len(articles) / len(pages) <= 5.0
    for g in pages:
        assert 2 <= len(g.truth.articles) <= 6
        for a in g.truth.articles:
            assert 1 <= len(a.headline) <= 3
            assert a.title in a.title_any_of
            size = len(_squash("".join(b.text for b in a.body)))
            assert 250 <= size <= 3600, (g.stem, a.title, size)
            paragraphs = [b.text for b in a.body if b.kind == "paragraph"]
            assert all(p.rstrip()[-1] in CLOSERS for p in paragraphs)
            for h in a.headline + [b.text for b in a.body if b.kind == "subheading"]:
                assert h[-1] not in CLOSERS
            first, last = a.source_lines
            assert 1 <= first <= last <= g.text.count("\n") + 1
    # the variety the ingester must handle is actually present
    kinds = Counter()
    for g in pages:
        kinds["full-width"] += "，" in g.text
        kinds["half-width"] += "," in g.text
        kinds["section"] += bool(g.truth.section)
        kinds["furniture"] += bool(g.truth.furniture)
        kinds["sidecar"] += g.sidecar_text is not None
        kinds["undated"] += g.truth.published is None
        for a in g.truth.articles:
            kinds[f"headline{len(a.headline)}"] += 1
            kinds["dash subtitle"] += any(h.startswith("——") for h in a.headline)
            kinds["year subheading"] += any(b.kind == "subheading" and b.text.isdigit() for b in a.body)
            for b in a.bylines:
                kinds[b.placement] += 1
            kinds["writer/photographer"] += bool(a.writers and a.photographers)
            kinds["xxxx date"] += a.date.startswith("XXXX")
    for kind in ("full-width", "half-width", "section", "furniture", "sidecar", "undated", "headline1",
                 "headline2", "headline3", "dash subtitle", "year subheading", "end", "lead",
                 "trailing", "before_body", "writer/photographer", "xxxx date"):
        assert kinds[kind] > 0, kind


def test_files_are_utf8_and_truth_round_trips(tmp_path):
    pages = make_archive(6, 9, tmp_path, truth=True)
    for g in pages:
        text = (tmp_path / f"{g.stem}.txt").read_bytes().decode("utf-8")
        assert text == g.text
        truth = json.loads((tmp_path / f"{g.stem}.truth.json").read_text(encoding="utf-8"))
        assert truth["seed"] == f"{g.stem}.txt"
        assert len(truth["articles"]) == len(g.truth.articles)
        if g.sidecar_text:
            assert (tmp_path / f"{g.stem}.yaml").read_text(encoding="utf-8").startswith("published: ")


def test_gold_export_has_the_scorer_schema(pages):
    gold = to_gold(pages[:5])
    for name, entry in gold.items():
        for art in entry["articles"]:
            for key in ("headline", "title_any_of", "date", "body_starts", "body_ends", "joined",
                        "not_in_body", "subheadings", "people_some"):
                assert key in art, (name, key)
            assert art["body_starts"] and art["body_ends"]


# ---------------------------------------------------------------- the benchmark harness

STUB_INGEST = '''
from dataclasses import dataclass, field
@dataclass
class Report:
    written: int = 0
    errors: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    def summary(self):
        return "ingested"
def run_ingest(config):
    out = config.path("content_dir")
    for seed in sorted(config.path("seeds_dir").glob("*.txt")):
        (out / seed.stem).mkdir(parents=True, exist_ok=True)
        (out / seed.stem / "01.md").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    return Report(1, [], {"segment_ms": 250.0})
'''
STUB_SITE = '''
from dataclasses import dataclass, field
@dataclass
class Result:
    ok: bool = True
    errors: list = field(default_factory=list)
    stages: list = field(default_factory=list)
    def summary(self):
        return "built"
def build_site(config):
    out = config.path("output_dir")
    (out / "search").mkdir(parents=True, exist_ok=True)
    for f in sorted(config.path("content_dir").rglob("*.md")):
        (out / (f.parent.name + ".html")).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (out / "search" / "index.json").write_text("{}" * 100)
    return Result(True, [], [("render", 0.5)])
'''


def test_bench_harness_runs_scenarios_against_a_stub_pipeline(tmp_path):
    """The harness works once site_builder.ingest/site exist: stub them in a copy of the repo."""
    repo = tmp_path / "repo"
    (repo / "site_builder").mkdir(parents=True)
    for name in ("__init__.py", "config.py"):
        src = ROOT / "site_builder" / name
        if src.exists():
            (repo / "site_builder" / name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "site_builder" / "ingest.py").write_text(STUB_INGEST, encoding="utf-8")
    (repo / "site_builder" / "site.py").write_text(STUB_SITE, encoding="utf-8")
    (repo / "templates").mkdir()
    (repo / "templates" / "article.html").write_text("{% block main %}x{% endblock %}", encoding="utf-8")
    report = tmp_path / "bench.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_build.py"), "--articles", "12",
                    "--repo", str(repo), "--keep", str(tmp_path / "projects"), "--json", str(report)],
                   check=True, capture_output=True, text=True)
    size = json.loads(report.read_text(encoding="utf-8"))["sizes"][0]
    runs = {r["scenario"]: r for r in size["runs"]}
    assert set(runs) == {"cold", "noop", "warm", "reingest", "article", "seed", "template"}
    cold = runs["cold"]
    assert cold["ok"] and cold["error"] is None
    assert cold["stages"] == {"ingest.segment": 0.25, "build.render": 0.5}
    assert cold["output"]["files"] == size["pages"] + 1
    assert cold["output"]["search_bytes"] == 200
    assert runs["noop"]["output"]["rewritten"] == size["pages"] + 1  # the stub rewrites everything
    assert runs["warm"]["output"]["added"] == size["pages"] + 1
    assert runs["article"]["note"].startswith("edited ")
