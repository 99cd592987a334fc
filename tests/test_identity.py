"""Article identity survives insertions, deletions, moves, corrections and renames of seeds with
hand edits: nothing lost, nothing duplicated, ids stable (issue 13, items 4 and 5)."""
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from site_builder.config import Config
from site_builder.content import read_corpus
from site_builder.ingest.identity import OldFile, match_articles
from site_builder.ingest.run import run_ingest

ROOT = Path(__file__).resolve().parent.parent
CN = "零一二三四五六七八九"
WORDS = ("城市 乡村 社区 学校 医院 工厂 公园 道路 桥梁 河流 农田 市场 车站 广场 图书 体育 文化 科技 环保 交通 "
         "居民 学生 工人 农民 干部 医生 教师 志愿 代表 专家 建设 改造 提升 服务 保障 推进 开展 组织 举办 完成").split()


def cn(n: int) -> str:
    return "".join(CN[int(d)] for d in str(n))


def article_text(n: int, version: int = 0) -> str:
    """A printed article whose words differ from every other's; `version` is a correction."""
    rng = random.Random(n)
    title = "".join(rng.sample(WORDS, 4)) + "工作"
    body = "".join(rng.choice(WORDS) for _ in range(30))
    fix = "，特此更正" * version
    return f"{title}\n\n本报讯 编号{cn(n)}号的消息：{body}{fix}。\n\n记者 张伟\n"


def marker(n: int) -> str:
    return f"编号{cn(n)}号"


class Archive:
    """A project folder and a model of what its seeds print and which files were hand-edited."""

    def __init__(self, root: Path):
        self.root = root
        (root / "seeds").mkdir(parents=True)
        shutil.copytree(ROOT / "dictionaries", root / "dictionaries")
        self.seeds: dict[str, list[int]] = {}
        self.versions: dict[int, int] = {}
        self.edited: set[int] = set()
        self.next = 1

    def new_article(self) -> int:
        self.next += 1
        return self.next - 1

    def write(self, name: str) -> None:
        text = "\n".join(article_text(n, self.versions.get(n, 0)) for n in self.seeds[name])
        (self.root / "seeds" / f"{name}.txt").write_text(text, encoding="utf-8")

    def ingest(self):
        report = run_ingest(Config(root=self.root))
        assert not report.errors, report.summary()
        return report

    def files_of(self, n: int) -> list[Path]:
        return [f for f in (self.root / "content").rglob("*.md") if marker(n) in f.read_text(encoding="utf-8")]

    def ids(self) -> dict[int, str]:
        corpus = read_corpus(self.root / "content")
        assert not corpus.diagnostics, [str(d) for d in corpus.diagnostics]
        out = {}
        for a in corpus.articles:
            found = [n for n in range(1, self.next) if marker(n) in a.body]
            assert len(found) == 1, a.body
            out[found[0]] = a.id
        return out

    def hand_edit(self, n: int) -> None:
        [file] = self.files_of(n)
        text = file.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: （校）", 1)
        file.write_text(text, encoding="utf-8")
        self.edited.add(n)

    def check(self) -> None:
        present = {n for arts in self.seeds.values() for n in arts}
        for n in range(1, self.next):
            files = self.files_of(n)
            expected = 1 if n in present or n in self.edited else 0
            assert len(files) == expected, (n, files, self.seeds, self.edited)
            if files and n in self.edited:
                assert "title: （校）" in files[0].read_text(encoding="utf-8"), n


OPS = st.lists(st.tuples(st.sampled_from(["insert", "delete", "edit", "rename", "correct", "move", "new seed"]),
                         st.integers(0, 5), st.integers(0, 9)), min_size=1, max_size=7)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                               HealthCheck.function_scoped_fixture])
@given(OPS)
def test_random_insert_delete_rename_sequences_never_lose_or_duplicate_an_article(tmp_path_factory, ops):
    archive = Archive(tmp_path_factory.mktemp("identity"))
    for name in ("a", "b"):
        archive.seeds[name] = [archive.new_article() for _ in range(3)]
        archive.write(name)
    archive.ingest()
    archive.hand_edit(archive.seeds["a"][1])
    renames = 0
    for op, s, p in ops:
        names = sorted(archive.seeds)
        name = names[s % len(names)]
        arts = archive.seeds[name]
        before = archive.ids()
        moved = set()
        if op == "insert":
            arts.insert(p % (len(arts) + 1), archive.new_article())
        elif op == "delete" and arts:
            arts.pop(p % len(arts))
        elif op == "edit" and arts:
            n = arts[p % len(arts)]
            if n not in archive.edited:
                archive.hand_edit(n)
            continue
        elif op == "correct" and arts:
            n = arts[p % len(arts)]
            archive.versions[n] = archive.versions.get(n, 0) + 1
        elif op == "move" and arts:
            arts.insert(0, arts.pop(p % len(arts)))
        elif op == "rename":
            renames += 1
            new = f"{name}{renames}"
            archive.seeds[new] = archive.seeds.pop(name)
            (archive.root / "seeds" / f"{name}.txt").rename(archive.root / "seeds" / f"{new}.txt")
            moved = set(arts)
            name = new
        elif op == "new seed":
            name = f"c{len(names)}"
            archive.seeds[name] = [archive.new_article() for _ in range(1 + p % 3)]
        archive.write(name)
        archive.ingest()
        archive.check()
        after = archive.ids()
        for n, old_id in before.items():
            if n in after and n not in moved:
                assert after[n] == old_id, (op, n, old_id, after[n])


def test_deleting_the_first_article_keeps_ids_edits_and_every_other_article(tmp_path):
    archive = Archive(tmp_path)
    archive.seeds["p"] = [archive.new_article() for _ in range(4)]
    archive.write("p")
    archive.ingest()
    archive.hand_edit(archive.seeds["p"][1])
    ids = archive.ids()
    gone = archive.seeds["p"].pop(0)
    archive.write("p")
    archive.ingest()
    archive.check()
    assert archive.ids() == {n: i for n, i in ids.items() if n != gone}


def test_renaming_a_seed_whose_articles_are_all_edited_moves_them(tmp_path):
    archive = Archive(tmp_path)
    archive.seeds["old"] = [archive.new_article() for _ in range(3)]
    archive.write("old")
    archive.ingest()
    for n in archive.seeds["old"]:
        archive.hand_edit(n)
    (tmp_path / "seeds" / "old.txt").rename(tmp_path / "seeds" / "new.txt")
    archive.seeds["new"] = archive.seeds.pop("old")
    report = archive.ingest()
    archive.check()
    assert sorted(archive.ids().values()) == ["new-01", "new-02", "new-03"]
    assert not (tmp_path / "content" / "old").exists()
    assert sum("seed renamed" in str(d) for d in report.diagnostics) == 3


def test_an_edited_article_whose_source_is_gone_is_kept_and_reported(tmp_path):
    archive = Archive(tmp_path)
    archive.seeds["p"] = [archive.new_article() for _ in range(2)]
    archive.write("p")
    archive.ingest()
    first = archive.seeds["p"][0]
    archive.hand_edit(first)
    archive.seeds["p"].pop(0)
    archive.write("p")
    report = archive.ingest()
    archive.check()
    [file] = archive.files_of(first)
    assert any(str(file) == d.path and "kept" in d.message and d.severity == "warning" for d in report.diagnostics)


def _old(number: str, text: str) -> OldFile:
    return OldFile(f"p/{number}.md", number, text, False)


def test_matching_prefers_the_same_text_then_a_similar_one_never_a_different_one():
    texts = [f"---\nid: p-0{i}\ntitle: {t}\n---\n\n{b}\n" for i, (t, b) in enumerate(
        [("甲", "甲乙丙丁戊己庚辛"), ("乙", "子丑寅卯辰巳午未"), ("丙", "天地玄黄宇宙洪荒")], 1)]
    corrected = texts[1].replace("午未", "午申")
    old = [_old("01", texts[0]), _old("02", texts[1]), _old("03", texts[2])]
    pairs = match_articles([texts[2], corrected, "---\nid: p-03\ntitle: 新\n---\n\n日月盈昃辰宿列张\n"], old)
    assert {i: f.number for i, f in pairs.items()} == {0: "03", 1: "02"}
