"""People, places, organisations and tags on hand-written text (our own words, invented names):
one test per class of error seen on real pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.ingest import entities, lexicon

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", autouse=True)
def _lexicon():
    lexicon.configure(ROOT / "dictionaries" / "userdict.txt")


def people(text: str) -> set[str]:
    return entities.confirmed_people(text)


def test_verb_after_the_name_is_not_part_of_it():
    text = "区长范子说，新校舍九月启用。副主任柳思认为，还要补齐短板。主任邓琳陪同调研。"
    found = people(text)
    assert {"范子", "柳思", "邓琳"} <= found
    assert not found & {"范子说", "柳思认", "邓琳陪"}


def test_two_character_name_before_a_verb_keeps_two_characters():
    found = people("镇长郝川说，河道清理已过半。书记龚岚表示，下月验收。")
    assert {"郝川", "龚岚"} <= found
    assert not found & {"郝川说", "龚岚表"}


def test_function_word_or_clause_glued_to_the_front_is_no_name():
    text = ("他和同事一起返乡。但我们仍要坚持，干部要带头，毕业后回乡的人多了。"
            "志愿者和返乡青年说，村里变了。但没有人退缩。")
    found = people(text)
    assert not found & {"和返乡", "但我们", "干部要", "毕业后", "和同事", "但没"}


def test_everyday_words_are_not_names():
    """A 、-list after a confirmed name, or a clause before 说, holds words that only look like
    a surname and a given name."""
    text = "院长常思齐、初心、查房等人出席。经理伍思齐、张张、戴着出席。有人说，初心说，要守住。"
    found = people(text)
    assert {"常思齐", "伍思齐"} <= found
    assert not found & {"初心", "查房", "戴着", "张张"}


def test_a_piece_of_a_longer_word_is_not_printed_as_a_name():
    # 阳土 is confirmed in one place (after a title) but elsewhere only printed inside 酉阳土家族
    known = {"阳土"}
    assert entities.people_in("来自酉阳土家族的孩子们在操场上奔跑。", known) == []
    assert entities.people_in("村民阳土说，今年收成好。", known) == ["阳土"]


def test_foreign_names_are_whole_and_keep_their_dot():
    text = ("外交部长伊万娜·帕夫洛娃表示，两国合作潜力巨大。"
            "该团团长奥斯卡·费雷拉说，此行收获很多。"
            "联合国代表马蒂亚斯·贝克尔赞扬中国的努力。")
    found = people(text)
    assert {"伊万娜·帕夫洛娃", "奥斯卡·费雷拉"} <= found
    assert not any(n.endswith("·") or n.startswith("·") for n in found)
    assert not any(n.startswith(("部长", "团长", "长")) or n.endswith(("表示", "说", "赞扬")) for n in found)


def test_foreign_name_stops_before_the_words_after_it():
    text = "国际组织主席马蒂亚斯·贝克尔赞扬中国抗疫成效说，经验值得借鉴。"
    assert entities.foreign_name_at(text, text.index("马蒂亚斯")) == "马蒂亚斯·贝克尔"
    assert entities.foreign_name_at("卢卡·费拉里正忙着布置展台", 0) == "卢卡·费拉里"


def test_everyday_words_joined_by_a_dot_are_no_name():
    assert entities.foreign_name_at("面对面·特别节目", 0) is None
    assert "约翰·" not in people("专家约翰·。")


def kinds(text: str) -> entities.ArticleTerms:
    return entities.article_terms("", text, frozenset())


def test_everyday_words_are_no_places_or_organisations():
    for word in ("宜居", "新建", "太阳", "大国", "美丽", "文明城市", "偏远地区"):
        assert not entities.is_place(word), word
    for word in ("河南", "西安", "瑞士", "海淀区", "黄土高原"):
        assert entities.is_place(word), word
    for word, flag in (("接合部", "n"), ("合理布局", "n"), ("现场会", "n"), ("老干部", "n"), ("加油站", "nt"), ("网上银行", "nt")):
        assert not entities.is_organization(word, flag), word
    for word, flag in (("北京联合大学", "nt"), ("中国外交部", "nt")):
        assert entities.is_organization(word, flag), word


def test_furniture_and_byline_words_are_never_tags():
    text = ("本报记者在村里看到，图片上的苹果园连成一片。摄影爱好者拍下果农采摘苹果的场景。"
            "第四版刊登了果园的故事。苹果产业带动果农增收，苹果合作社统一收购。")
    terms = kinds(text)
    tags = entities.choose_tags(terms, terms.counts, 1, set())
    assert 3 <= len(tags) <= 12
    assert not [t for t in tags if any(w in t for w in ("本报", "记者", "图片", "摄影", "第四版"))]
    assert "苹果" in tags


def test_near_duplicate_tags_are_filed_under_one_form():
    assert entities.tag_form("班子成员") == "班子"
    assert entities.tag_form("脱贫攻坚") == "脱贫攻坚"  # two telling words stay whole
    terms = kinds("领导班子成员到村里调研。班子成员分头走访农户，班子建设是关键。")
    assert "班子成员" not in terms.counts and terms.counts["班子"] >= 2
