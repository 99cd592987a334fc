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


def test_a_frequent_surname_opening_an_adverb_or_a_numeral_is_no_name():
    """许多人对…, 陆续搬进新居, 安置房: 许, 陆 and 安 are surnames, but 许多, 陆续 and 安置 are
    everyday words, whatever follows them; 许家印 (许家, a rare numeral to the dictionary) stays a name."""
    found = people("许多人说，新房子真亮堂。村民陆续搬进新居。因为安置房一楼人多，开起了小卖部。"
                   "董事长许家印说，要扩大就业。")
    assert "许家印" in found
    assert not found & {"许多人", "陆续搬", "安置房"}


def test_a_name_never_takes_the_first_character_of_the_verb_after_it():
    """研究员周密认为: 周密 is a word as well as a name, so the text cannot vouch for it, but
    周密认 is never the name either; nor is 文艺工 of 文艺工作者."""
    found = people("商务部研究院研究员周密认为，通过技术创新，可以降低成本。广大文艺工作者说，要深入生活。"
                   "研究员王小明认为，要加强监管。")
    assert "王小明" in found
    assert not found & {"周密认", "文艺工"}


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


def test_an_idiom_after_a_foreign_name_and_a_title_before_it_are_not_part_of_it():
    """…顾问雷诺·贝尔说 (顾问, a title jieba tags as a name), …·贝尔一语道破 (an idiom)."""
    found = people("基金会董事顾问雷诺·贝尔说，合作前景广阔。学者伊莎·莫兰一语道破：“关键在人。”")
    assert "雷诺·贝尔" in found
    assert not any(n.startswith("顾问") or n.endswith("一语道破") for n in found)
    assert entities.foreign_name_at("伊莎·莫兰一语道破其中关键", 0) == "伊莎·莫兰"


def test_a_rarer_surname_before_a_dictionary_word_or_an_adverb_after_a_name_is_no_name():
    """党员、干部初心变没变: 初心 is a word, not a surname and a given name; 黄捷很 ends with an adverb."""
    for word in ("初心变", "黄捷很", "郭老"):
        assert not entities._could_be_name(word), word
    assert "初心变" not in people("党员、干部初心变没变，要由群众评价。")
    assert entities._could_be_name("冼星海") and entities._could_be_name("黄捷")


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
    for word, flag in (("新政府", "nt"), ("国议会", "nt")):  # 国议会 of 美国议会
        assert not entities.is_organization(word, flag), word
    for word, flag in (("北京联合大学", "nt"), ("中国外交部", "nt"), ("叙政府", "nt")):
        assert entities.is_organization(word, flag), word


def test_an_organisation_cut_from_the_place_that_names_it_is_whole():
    """The segmenter cuts 长春 off 长春理工大学: an organisation printed only after a place is
    that place's body; one printed alone keeps its name, one that names itself is left alone."""
    assert entities.whole_organization("理工大学", "他考入长春理工大学。长春理工大学校长说，") == "长春理工大学"
    assert entities.whole_organization("理工大学", "长春理工大学和另一所理工大学") == "理工大学"
    assert entities.whole_organization("北京师范大学", "会议嘉宾北京师范大学教授说") == "北京师范大学"
    # a front starts where a word does: not 南市 (a word of its own) cut from 陇南市
    assert entities.whole_organization("民政局", "甘肃陇南市民政局救助工作人员说") != "南市民政局"


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


COUNCIL_PAGE = "\n\n".join([
    "政协委员为湿地保护建言",
    "本报北京3月2日电 全国政协今天召开双周协商座谈会，围绕湿地保护建言资政。政协委员认为，政协协商要聚焦群众关切。",
    "与会政协委员提出，要完善湿地保护补偿机制。政协将把意见建议整理后报送有关部门。",
    "政协调研组考察古村落保护",
    "本报北京3月3日电 全国政协组织委员赴江西调研古村落保护。政协委员走访了十多个村庄，政协调研组听取了当地汇报。",
    "调研组表示，政协将持续关注古村落保护，推动出台保护办法。",
]) + "\n"


def test_a_short_form_tag_is_filed_under_the_full_name_the_article_prints():
    """政协 in articles that also print 全国政协: one tag page (全国政协), not two near-duplicates;
    and the 日电 of a dateline (3月2日电) is never a tag."""
    from ingest_helpers import ingest_text

    arts, _ = ingest_text(COUNCIL_PAGE)
    for a in arts:
        assert "全国政协" in a.tags and "政协" not in a.tags, a.tags
        assert "日电" not in a.tags, a.tags


def test_closing_credits_give_no_tags():
    from ingest_helpers import ingest_text

    page = "\n\n".join(["湿地公园迎客来", "本报讯 3月2日，江边湿地公园向市民开放，新修步道八公里，沿途设置观鸟点。",
                        "公园管理方介绍，开放首日入园人数超过一万人次，周末还将推出导览服务。",
                        "吕文清摄（影像中国）", "版式设计：孟小川"]) + "\n"
    arts, _ = ingest_text(page)
    assert not {"影像", "版式", "小川"} & set(arts[0].tags), arts[0].tags


def test_a_proper_name_is_not_folded_into_a_fragment_tag():
    """中华人民共和国 (a name jieba tags as a place) is not filed under 中华人民, while a
    telling word plus a common one still folds (班子成员 -> 班子)."""
    assert entities.tag_form("中华人民共和国", "ns") == "中华人民共和国"
    assert entities.tag_form("班子成员", "n") == "班子"
    from ingest_helpers import ingest_text

    text = "\n\n".join(["庆祝国庆 群众联欢", "本报讯 10月1日，市民在广场联欢，庆祝中华人民共和国成立纪念日。",
                        "联欢持续到深夜，中华人民共和国国旗在广场上空飘扬，歌声此起彼伏。"]) + "\n"
    arts, _ = ingest_text(text)
    assert "中华人民" not in arts[0].tags, arts[0].tags


def test_a_role_is_the_title_before_the_name_not_the_dateline_or_the_clause_before_it():
    """见报职务 lists titles: not the dateline set off by spaces, the sentence before a question
    mark or an ellipsis, or who sent a message to the titled person."""
    text = ("新华社北京3月2日电  国家主席王建国2日致信祝贺。市民代表收到国家主席王建国的回信。"
            "种树难在哪里？市园林局副局长李大华说，成活率是关键……市植物园主任赵晓明介绍了情况。"
            "外交部副部长陈明介绍国家主席王建国此访的安排。")
    roles = entities.roles_in(text, ["王建国", "李大华", "赵晓明"])
    assert roles == {"王建国": "国家主席", "李大华": "市园林局副局长", "赵晓明": "市植物园主任"}
    # a title set off from its name by a space is still its title; one inside a book title stays whole
    assert entities.roles_in("会上，国家主席 王建国讲话。", ["王建国"]) == {"王建国": "国家主席"}
    assert entities.roles_in("菲律宾《商业周刊》总编辑李明说。", ["李明"]) == {"李明": "菲律宾《商业周刊》总编辑"}
    # a bracketed part of the organisation's name stays; a credit in brackets before the title goes
    assert entities.roles_in("会上，国际货币基金组织（IMF）副总裁张涛表示，", ["张涛"]) == {"张涛": "国际货币基金组织（IMF）副总裁"}
    assert entities.roles_in("（新华社记者 周立新）国家主席王建国出席。", ["王建国"]) == {"王建国": "国家主席"}
