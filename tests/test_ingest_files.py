"""run_ingest on a project folder: bad input, sidecars, hand edits, deleted seeds, --strict."""
import shutil
from pathlib import Path

import pytest

import build
from site_builder.config import Config
from site_builder.content import read_corpus
from site_builder.ingest.run import run_ingest

ROOT = Path(__file__).resolve().parent.parent
GOOD = "全市部署春季植树造林\n\n本报讯 3月5日上午,市政府召开全市春季植树造林工作会议,安排部署今年的国土绿化任务。\n\n记者 张伟\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    shutil.copytree(ROOT / "dictionaries", tmp_path / "dictionaries")
    return tmp_path


def ingest(project: Path):
    return run_ingest(Config(root=project))


def messages_for(report, name: str) -> list[str]:
    return [str(d) for d in report.diagnostics if name in d.path]


def test_bad_seeds_are_reported_and_the_rest_ingested(project):
    seeds = project / "seeds"
    (seeds / "good.txt").write_text(GOOD, encoding="utf-8")
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (seeds / "gbk.txt").write_bytes(GOOD.replace("张伟", "王芳").encode("gb18030"))
    (seeds / "bom crlf.txt").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode("utf-8"))
    (seeds / "郑州日报 第4版.txt").write_text(GOOD, encoding="utf-8")
    (seeds / "noheadline.txt").write_text("会议要求,各级各部门要提高认识,加强领导。\n", encoding="utf-8")
    report = ingest(project)
    assert any("empty" in m for m in messages_for(report, "empty.txt"))
    assert any("binary" in m and ": error:" in m for m in messages_for(report, "binary.txt"))
    gbk = messages_for(report, "gbk.txt")
    assert any("GB18030" in m and "warning" in m for m in gbk)
    assert any("noheadline.txt:1:" in m for m in messages_for(report, "noheadline.txt"))
    assert any("not plain ASCII" in m for m in messages_for(report, "郑州日报"))
    corpus = read_corpus(project / "content")
    assert not corpus.diagnostics
    by_stem = {a.seed_stem: a for a in corpus.articles}
    assert set(by_stem) == {"good", "gbk", "bom crlf", "郑州日报 第4版", "noheadline"}
    assert by_stem["gbk"].reporters == ["王芳"]
    assert by_stem["bom crlf"].title == "全市部署春季植树造林"
    assert "\r" not in by_stem["bom crlf"].body and "\ufeff" not in by_stem["bom crlf"].title
    assert by_stem["郑州日报 第4版"].id.isascii() and by_stem["郑州日报 第4版"].id.endswith("-01")


def test_exit_code_is_nonzero_only_with_strict(project):
    (project / "seeds" / "good.txt").write_text(GOOD, encoding="utf-8")
    (project / "seeds" / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    assert build.main(["--root", str(project), "ingest"]) == 0
    assert build.main(["--root", str(project), "ingest", "--strict"]) == 1


def test_large_page_is_ingested(project):
    paragraph = "会议要求,各级各部门要提高认识,加强领导,确保完成全年造林任务。" * 20
    article = "全市部署春季植树造林\n\n" + "\n\n".join([paragraph] * 10) + "\n\n记者 张伟\n\n"
    text = article * 560  # about 10 MB
    assert len(text.encode("utf-8")) > 10_000_000
    (project / "seeds" / "big.txt").write_text(text, encoding="utf-8")
    report = ingest(project)
    assert report.articles == 560
    assert any("very large page" in m for m in messages_for(report, "big.txt"))


def test_sidecar_gives_publication_data(project):
    (project / "seeds" / "p.txt").write_text(GOOD.replace("3月5日上午", "昨日上午"), encoding="utf-8")
    (project / "seeds" / "p.yaml").write_text("published: 2021-03-06\npage: A3\npage_name: 要闻\nnewspaper: 某某日报\n",
                                              encoding="utf-8")
    ingest(project)
    a = read_corpus(project / "content").articles[0]
    assert (a.published, a.page, a.page_name, a.newspaper, a.date, a.dateline_date) == ("2021-03-06", "A3", "要闻", "某某日报", "2021-03-06", "2021-03-05")


def test_hand_edits_survive_and_untouched_files_follow_their_seed(project):
    seed = project / "seeds" / "p.txt"
    seed.write_text(GOOD + "\n城市绿化再上台阶\n\n本报讯 3月6日,全市绿化工作推进会召开。\n", encoding="utf-8")
    ingest(project)
    first, second = project / "content/p/01.md", project / "content/p/02.md"
    edited = first.read_text(encoding="utf-8").replace("title: 全市部署春季植树造林", "title: 全市部署植树（已校对）")
    first.write_text(edited, encoding="utf-8")
    seed.write_text(seed.read_text(encoding="utf-8").replace("推进会", "现场会").replace("张伟", "李强"), encoding="utf-8")
    report = ingest(project)
    assert first.read_text(encoding="utf-8") == edited
    assert str(first) in report.kept_edits
    assert "现场会" in second.read_text(encoding="utf-8")
    # The seed is deleted: the untouched file goes, the edited one stays with a warning.
    seed.unlink()
    report = ingest(project)
    assert not second.exists() and first.exists()
    assert any("edited by hand, so it is kept" in str(d) for d in report.diagnostics)


def test_rerun_without_changes_writes_nothing(project):
    (project / "seeds" / "p.txt").write_text(GOOD, encoding="utf-8")
    ingest(project)
    report = ingest(project)
    assert report.written == [] and report.unchanged == 1


def test_sample_seeds_ingest_without_errors(tmp_path):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "dictionaries", tmp_path / "dictionaries")
    report = run_ingest(Config(root=tmp_path))
    assert not report.errors and report.articles >= 10
    # content/ in the repo is what ingestion of seeds/ gives (hand edits aside): it is committed.
    for file in (tmp_path / "content").rglob("*.md"):
        committed = ROOT / "content" / file.relative_to(tmp_path / "content")
        assert committed.exists(), f"{committed} missing: run python build.py ingest and commit content/"
        assert committed.read_text(encoding="utf-8") == file.read_text(encoding="utf-8"), \
            f"{committed} is stale: run python build.py ingest and commit content/"


def test_a_renamed_seed_moves_its_articles_with_the_hand_edits(project):
    seed = project / "seeds" / "old name.txt"
    seed.write_text(GOOD + "\n城市绿化再上台阶\n\n本报讯 3月6日,全市绿化工作推进会召开。\n", encoding="utf-8")
    ingest(project)
    old = sorted((project / "content" / "old name").glob("*.md"))
    assert len(old) == 2
    edited = old[0].read_text(encoding="utf-8").replace("title: 全市部署春季植树造林", "title: 全市部署植树（已校对）")
    old[0].write_text(edited, encoding="utf-8")
    seed.rename(project / "seeds" / "20210305-02.txt")
    report = ingest(project)
    assert not (project / "content" / "old name").exists()
    corpus = read_corpus(project / "content")
    assert not corpus.diagnostics
    assert sorted(a.id for a in corpus.articles) == ["20210305-02-01", "20210305-02-02"]
    moved = next(a for a in corpus.articles if a.order == 1)
    assert moved.title == "全市部署植树（已校对）" and moved.source == "seeds/20210305-02.txt"
    assert any("seed renamed" in str(d) for d in report.diagnostics)


def test_fast_front_matter_emitter_writes_what_pyyaml_writes():
    """content.dump_front_matter uses libyaml only where it writes the bytes PyYAML's pure-Python
    emitter writes (printable text of the Basic Multilingual Plane, on one line)."""
    import yaml
    from hypothesis import given, settings, strategies as st

    from site_builder import content

    if content._FastDumper is None:
        pytest.skip("PyYAML without libyaml")
    chars = st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                      st.sampled_from(list("郑东新区中原，。、：“”‘’（）—…·　\u00a0\ufffd\ue000")),
                      st.characters(min_codepoint=0xA0, max_codepoint=0xFFFD))
    text = st.text(alphabet=chars, min_size=1, max_size=20).filter(content._fast_safe)

    # ASCII words as ids, dates and page numbers are (some read back as numbers or dates)
    word = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,12}|(?:19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}|0?[0-9]{1,2}|yes|No|null|1e3|0x1F|1_0",
                         fullmatch=True)

    @settings(max_examples=400, deadline=None)
    @given(st.dictionaries(st.sampled_from(["title", "summary", "date", "page"]), text),
           st.lists(text, max_size=3), st.dictionaries(text, text, max_size=2),
           st.dictionaries(st.sampled_from(["id", "published", "kicker"]), st.one_of(word, text)),
           st.lists(st.one_of(word, st.integers(-5, 10**6)), max_size=3))
    def check(fields, names, roles, ascii_fields, mixed):
        meta = {**fields, "order": 3, "source_lines": [1, 20], "tags": names, "roles": roles, **ascii_fields,
                "people": mixed}
        slow = yaml.dump(meta, Dumper=content._Dumper, allow_unicode=True, sort_keys=False, width=10_000)
        assert content.dump_front_matter(meta) == slow
        assert not content._fast_safe(meta) or content.dump_front_matter(meta) == yaml.dump(  # libyaml
            meta, Dumper=content._FastDumper, allow_unicode=True, sort_keys=False, width=10_000)
        # the same list twice: PyYAML writes an anchor and an alias, and so must we
        shared = {**meta, "people": names, "places": names}
        assert content.dump_front_matter(shared) == yaml.dump(
            shared, Dumper=content._Dumper, allow_unicode=True, sort_keys=False, width=10_000)

    check()


def test_binary_check_counts_control_bytes():
    """seeds._looks_binary: more than 5% control bytes (not tab, LF, FF, CR, ESC) or a NUL."""
    import random

    from site_builder.ingest.seeds import _looks_binary

    def by_hand(data: bytes) -> bool:
        sample = data[:8192]
        controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
        return b"\x00" in sample or controls > len(sample) * 0.05

    rng = random.Random(5)
    for _ in range(500):
        data = bytes(rng.choice([rng.randrange(1, 32), rng.randrange(32, 256), 10, 27])
                     for _ in range(rng.randrange(0, 400)))
        assert _looks_binary(data) == by_hand(data)
    assert _looks_binary(b"\x01" * 10 + "正文".encode() * 20) and not _looks_binary("正文\n\t".encode() * 50)
