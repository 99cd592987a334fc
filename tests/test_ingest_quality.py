"""Ingestion quality: the gold scorer on the sample pages, unseen generated pages, and
property tests that the segmenter never crashes and never loses text."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest_helpers import accounted, ingest_text, make_page, nonspace

from site_builder.ingest import lexicon
from site_builder.config import Config
from site_builder.ingest.entities import load_word_list
from site_builder.ingest.run import IngestReport, ingest_pages, run_ingest
from site_builder.ingest.seeds import find_seed_files, read_seed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_archive import make_archive, to_gold  # noqa: E402


def scorer_files() -> tuple[Path, Path]:
    """The shared scorer and gold file when the checkout sits beside shared/, else the copies."""
    shared = ROOT.parent / "shared"
    if (shared / "eval/score_ingest.py").exists() and (shared / "gold/seeds.yaml").exists():
        return shared / "eval/score_ingest.py", shared / "gold/seeds.yaml"
    return ROOT / "tests/gold/score_ingest.py", ROOT / "tests/gold/seeds.yaml"


def score(gold: Path, content: Path) -> dict[str, float]:
    scorer, _ = scorer_files()
    out = subprocess.run([sys.executable, str(scorer), str(gold), str(content)], capture_output=True, text=True,
                         check=False)
    last = out.stdout.strip().splitlines()[-1]
    assert last.startswith("ingest:"), out.stdout + out.stderr
    return {k: float(v) for k, v in (item.split("=") for item in last.split()[1:])}


def project_with(seeds: Path, tmp: Path) -> Path:
    shutil.copytree(seeds, tmp / "seeds")
    shutil.copytree(ROOT / "dictionaries", tmp / "dictionaries")
    return tmp


def test_gold_scorer_on_sample_pages(tmp_path):
    project = project_with(ROOT / "seeds", tmp_path)
    run_ingest(Config(root=project))
    _, gold = scorer_files()
    scores = score(gold, project / "content")
    assert len(scores) == 12
    low = {k: v for k, v in scores.items() if v < 0.95}
    assert not low, f"measures below 0.95: {low}"


def test_unseen_generated_pages(tmp_path):
    """Pages the rules were never tuned on: the structure must still come out right."""
    seeds = tmp_path / "gen"
    pages = make_archive(40, 11, seeds)
    gold = tmp_path / "gold.yaml"
    gold.write_text(yaml.safe_dump(to_gold(pages), allow_unicode=True), encoding="utf-8")
    project = project_with(seeds, tmp_path / "project")
    run_ingest(Config(root=project))
    scores = score(gold, project / "content")
    for measure in ("recall", "precision", "headline", "joined", "subheadings", "clean_body", "date", "bylines"):
        assert scores[measure] >= 0.9, (measure, scores)


def _accounting(pages):
    lexicon.configure(ROOT / "dictionaries/userdict.txt")
    results = ingest_pages(pages, load_word_list(str(ROOT / "dictionaries/stopwords.txt")), IngestReport())
    assert len(results) == len(pages)
    for page, result in zip(pages, results):
        assert accounted(result) == nonspace(page.text), page.path


def test_nothing_lost_on_sample_pages():
    pages = [read_seed(p, ROOT).page for p in find_seed_files(ROOT / "seeds")]
    assert len(pages) == 5
    _accounting(pages)


def test_nothing_lost_on_generated_pages(tmp_path):
    make_archive(60, 5, tmp_path)
    _accounting([read_seed(p, tmp_path).page for p in find_seed_files(tmp_path)])


HAN = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF), min_size=1, max_size=30)
LINE = st.one_of(
    HAN,  # a heading-like line
    st.builds(lambda a, b: f"{a},{b}。", HAN, HAN),  # a sentence
    st.builds(lambda a, b: f"{a},{b}", HAN, HAN),  # a cut sentence
    st.builds(lambda n: f"记者 {n}", st.sampled_from(["张伟", "李娜", "王芳", "欧阳修"])),
    st.builds(lambda d, t: f"本报讯 {d}月{d}日,{t}。", st.integers(1, 12), HAN),
    st.sampled_from(["2020", "核心提示", "——副题", "【栏目】", "□", " ", "（记者 张伟）", "文/图", "12月", "。", "——"]),
    st.text(max_size=40),  # anything at all
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, max_size=25), st.lists(st.integers(0, 3), max_size=25))
def test_segmenter_never_crashes_and_never_loses_text(lines, gaps):
    text = "".join(line + "\n" * (1 + (gaps[i] if i < len(gaps) else 0)) for i, line in enumerate(lines))
    page = make_page(text)
    lexicon.configure(ROOT / "dictionaries/userdict.txt")
    results = ingest_pages([page], load_word_list(str(ROOT / "dictionaries/stopwords.txt")), IngestReport())
    assert len(results) == 1
    assert accounted(results[0]) == nonspace(page.text)
    for e in results[0].extracted:
        assert e.article.title and e.article.id.isascii()


@pytest.mark.parametrize("text", ["\n\n\n", "记者 张伟\n", "【栏目】\n", "2020\n\n2021\n"])
def test_degenerate_pages(text):
    arts, result = ingest_text(text)
    assert accounted(result) == nonspace(text)
