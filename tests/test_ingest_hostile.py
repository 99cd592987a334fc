"""Nothing lost, nothing leaked: seeds that are links, folders, UTF-16, control characters, seeds
in subfolders, broken YAML and --strict (issue 13, items 2, 3, 12, 14)."""
import os
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

import build
from site_builder.config import Config
from site_builder.content import parse_article, read_corpus
from site_builder.ingest.run import run_ingest
from site_builder.build.site import build_site

ROOT = Path(__file__).resolve().parent.parent
GOOD = "全市部署春季植树造林\n\n本报讯 3月5日上午,市政府召开全市春季植树造林工作会议,安排部署今年的国土绿化任务。\n\n记者 张伟\n"
SECRET = "机密文件不应公开\n\n本报讯 这是一段放在种子目录之外的私人文字,绝不能出现在网站上。\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    for name in ("dictionaries", "templates", "static"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "site.toml", root / "site.toml")
    return root


def ingest(project: Path, **paths):
    return run_ingest(replace(Config(root=project), **paths))


def messages_for(report, name: str) -> list[str]:
    return [str(d) for d in report.diagnostics if name in d.path]


def all_text(project: Path) -> str:
    return "\n".join(f.read_text(encoding="utf-8") for f in (project / "content").rglob("*.md"))


# ---------------------------------------------------------------- 2. links out of seeds/

def test_links_leaving_the_seeds_folder_are_reported_and_not_read(project, tmp_path):
    outside = tmp_path / "elsewhere"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "folder" / "page.txt").write_text(SECRET, encoding="utf-8")
    seeds = project / "seeds"
    (seeds / "good.txt").write_text(GOOD, encoding="utf-8")
    os.symlink(outside / "secret.txt", seeds / "x.txt")
    os.symlink(outside / "folder", seeds / "linked")
    os.symlink(seeds / "good.txt", seeds / "alias.txt")  # stays inside: a page of its own
    report = ingest(project)
    assert "私人文字" not in all_text(project)
    for name in ("x.txt", "linked/page.txt"):
        assert any("symbolic link" in m and ": error:" in m for m in messages_for(report, name)), report.summary()
    sources = sorted(a.source for a in read_corpus(project / "content").articles)
    assert sources == ["seeds/alias.txt", "seeds/good.txt"]


def test_source_is_relative_to_the_project_even_for_seeds_elsewhere(project, tmp_path):
    elsewhere = tmp_path / "other-seeds"
    elsewhere.mkdir()
    (elsewhere / "p.txt").write_text(GOOD, encoding="utf-8")
    ingest(project, seeds_dir=str(elsewhere))
    [article] = read_corpus(project / "content").articles
    assert article.source == "../other-seeds/p.txt"


# ---------------------------------------------------------------- 3. seeds in subfolders

def test_seeds_of_the_same_name_in_subfolders_never_share_a_content_folder(project):
    seeds = project / "seeds"
    (seeds / "sub").mkdir()
    (seeds / "x.txt").write_text(GOOD, encoding="utf-8")
    (seeds / "sub" / "x.txt").write_text(GOOD.replace("植树造林", "森林防火"), encoding="utf-8")
    report = ingest(project)
    corpus = read_corpus(project / "content")
    assert not corpus.diagnostics and report.articles == 2
    assert sorted(a.title for a in corpus.articles) == ["全市部署春季森林防火", "全市部署春季植树造林"]
    assert len({a.id for a in corpus.articles}) == 2
    assert len({Path(a.path).parent for a in corpus.articles}) == 2


# ---------------------------------------------------------------- 12. control characters

def test_control_characters_are_removed_with_a_warning_and_the_feed_stays_xml(project):
    seed = GOOD.replace("市政府", "市\x01政\x08府\x0b") + "\n通\x1f讯\n"
    (project / "seeds" / "20210305-01.txt").write_text(seed, encoding="utf-8")
    assert build.main(["--root", str(project)]) == 0
    report = ingest(project)
    warnings = messages_for(report, "20210305-01.txt")
    assert any(":3:" in m and "control characters" in m and "7" in m for m in warnings), warnings
    text = all_text(project)
    assert not any(c in text for c in "\x01\x08\x0b\x1f") and "市政府" in text
    ET.parse(project / "output" / "feed.xml")  # well-formed
    ET.parse(project / "output" / "sitemap.xml")


def test_control_characters_in_a_hand_edited_file_are_reported_at_their_line(project):
    (project / "seeds" / "p.txt").write_text(GOOD, encoding="utf-8")
    ingest(project)
    file = project / "content" / "p" / "01.md"
    file.write_text(file.read_text(encoding="utf-8").replace("title: ", "title: \x07"), encoding="utf-8")
    line = file.read_text(encoding="utf-8").split("\n").index(next(
        l for l in file.read_text(encoding="utf-8").split("\n") if l.startswith("title:"))) + 1
    result = build_site(Config(root=project))
    assert result.ok
    assert any(d.line == line and "control characters" in d.message for d in result.diagnostics), result.summary()
    ET.parse(project / "output" / "feed.xml")


# ---------------------------------------------------------------- 14. small ones

def test_strict_full_build_fails_when_only_seeds_had_errors(project):
    (project / "seeds" / "good.txt").write_text(GOOD, encoding="utf-8")
    (project / "seeds" / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    assert build.main(["--root", str(project)]) == 0
    assert build.main(["--root", str(project), "--strict"]) == 1


@pytest.mark.parametrize("encoding,bom", [("utf-16", b""), ("utf-16-le", b""), ("utf-16-be", b""),
                                          ("utf-16-le", b"\xff\xfe")])
def test_utf16_seeds_are_decoded(project, encoding, bom):
    (project / "seeds" / "p.txt").write_bytes(bom + GOOD.encode(encoding))
    report = ingest(project)
    assert any("UTF-16" in m and "warning" in m for m in messages_for(report, "p.txt")), report.summary()
    [article] = read_corpus(project / "content").articles
    assert article.title == "全市部署春季植树造林" and article.reporters == ["张伟"]


def test_a_folder_named_like_a_seed_is_reported(project):
    (project / "seeds" / "good.txt").write_text(GOOD, encoding="utf-8")
    (project / "seeds" / "x.txt").mkdir()
    report = ingest(project)
    assert any("folder" in m for m in messages_for(report, "x.txt")), report.summary()
    assert report.articles == 1


@pytest.mark.parametrize("broken", ["b c", "b: [1, 2", 'b: "open', "b: {x", "b: x: y", "b: @x"])
def test_broken_yaml_is_reported_at_its_own_line(project, broken):
    front = f"id: p-01\nsource: seeds/p.txt\n{broken}\norder: 1\ntitle: 标题\n"
    parsed = parse_article(f"---\n{front}---\n\n正文。\n", "content/p/01.md")
    assert parsed.article is None and parsed.diagnostics[0].line == 4, parsed.diagnostics
    (project / "seeds" / "p.txt").write_text(GOOD, encoding="utf-8")
    (project / "seeds" / "p.yaml").write_text(f"page: A3\n{broken}\nnewspaper: 某报\n", encoding="utf-8")
    report = ingest(project)
    assert any("p.yaml:2:" in m for m in messages_for(report, "p.yaml")), report.summary()


def test_seeds_differing_only_in_case_are_reported_and_nothing_is_overwritten(project):
    (project / "seeds" / "Page.txt").write_text(GOOD, encoding="utf-8")
    (project / "seeds" / "page.txt").write_text(GOOD.replace("植树造林", "森林防火"), encoding="utf-8")
    report = ingest(project)
    assert any("only in upper/lower case" in m and ": error:" in m for m in messages_for(report, "page.txt"))
    [article] = read_corpus(project / "content").articles
    assert article.source == "seeds/Page.txt" and article.title == "全市部署春季植树造林"


def test_a_seed_added_later_that_differs_only_in_case_is_refused_too(project):
    (project / "seeds" / "Page.txt").write_text(GOOD, encoding="utf-8")
    ingest(project)
    (project / "seeds" / "page.txt").write_text(GOOD.replace("植树造林", "森林防火"), encoding="utf-8")
    report = ingest(project)  # one new seed: the incremental path gives way to the full run
    assert any("only in upper/lower case" in m for m in messages_for(report, "page.txt")), report.summary()
    assert [a.source for a in read_corpus(project / "content").articles] == ["seeds/Page.txt"]
