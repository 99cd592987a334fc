"""Forms that real national-daily pages print and the sample pages do not (issue 11).

Every page here is written by hand for the test, in the style of such pages: one line per
headline line or paragraph, blank lines between them.
"""
from ingest_helpers import body_plain, ingest_text

from site_builder.ingest import segment


def page(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


STORY_A = ("本报北京3月2日电（记者王小明）记者从有关部门获悉，今年春季植树活动在全市各区陆续展开，"
           "各区组织志愿者参加义务植树，共栽下各类苗木十余万株。")
STORY_A2 = "有关负责人表示，下一步将加强后期管护，确保种一棵活一棵，让城市绿意更浓。"
STORY_B = ("本报南京3月2日电（记者李大华）江边湿地公园今天向市民开放，园内新修步道八公里，"
           "沿途设置观鸟点和科普展板，吸引不少市民前来游览。")
STORY_B2 = "公园管理方介绍，开放首日入园人数超过一万人次，周末还将推出导览服务。"


def test_closing_credit_lines_stay_with_their_article():
    for credit in ("（本报柏林3月1日电）", "（作者为某大学教授）", "（本报记者张三整理）",
                   "新华社发", "王海摄（图片社）", "本版制图：李四"):
        arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, credit, "湿地公园迎客来", STORY_B, STORY_B2))
        assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"], credit
        assert arts[1].kicker is None and credit not in body_plain(arts[1].body), credit


def test_closing_credits_are_classified_as_credits():
    assert segment.classify("（本报柏林3月1日电）") == segment.CREDIT
    assert segment.classify("（作者为某大学教授）") == segment.CREDIT
    assert segment.classify("新华社发") == segment.CREDIT


def test_headline_with_punctuation_and_column_tag_opens_an_article():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "青山绿水，也是民生福祉（城市漫笔）",
                               "春天是种树的季节。走在街头，新栽的树苗已经抽出嫩芽，让人心生欢喜。",
                               "种树容易养树难，需要每个人的爱护与坚持。"))
    assert [a.title for a in arts] == ["城市植树添新绿", "青山绿水，也是民生福祉（城市漫笔）"]


def test_dash_kicker_and_dash_subtitle_are_headline_lines():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "湿地公园建设者、市园林局工程师赵红——",
                               "把绿色留给城市",
                               "——记一位湿地公园的建设者", STORY_B, STORY_B2))
    assert len(arts) == 2
    assert arts[1].kicker == "湿地公园建设者、市园林局工程师赵红——"
    assert arts[1].title == "把绿色留给城市" and arts[1].subtitle == "——记一位湿地公园的建设者"
    assert "赵红" not in body_plain(arts[1].body).split("\n")[0]


def test_two_line_subheadings_stay_inside_the_article():
    body = [STORY_A, "全市今年安排植树任务比去年增加两成，各区都制定了具体的时间表。"]
    for theme, point in (("绿化提速", "新增苗木十万株"), ("管护跟进", "专人负责浇水修剪"), ("市民参与", "认养树木成新风")):
        body += [theme, point, f"{theme}方面，各区拿出了不少新办法，效果正在显现，群众普遍满意。",
                 "有关部门还将定期检查，及时发现问题并督促整改。"]
    arts, _ = ingest_text(page("城市植树添新绿", *body))
    assert len(arts) == 1
    heads = [l[3:] for l in arts[0].body.split("\n") if l.startswith("## ")]
    assert heads == ["绿化提速", "新增苗木十万株", "管护跟进", "专人负责浇水修剪", "市民参与", "认养树木成新风"]


def test_headline_then_editorial_label_opens_an_article():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "湿地公园迎客来", "核心提示",
                               "一座新公园开放了，它让城市多了一片绿。", STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"]


def test_opening_label_starts_the_body_and_is_not_a_headline_line():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "湿地公园迎客来", "核心阅读",
                               "一座新公园开放了，它让城市多了一片绿。", STORY_B2))
    assert arts[1].title == "湿地公园迎客来" and arts[1].subtitle is None and arts[1].kicker is None
    assert arts[1].body.startswith("核心阅读\n\n一座新公园开放了")
    assert arts[1].summary.startswith("一座新公园开放了")
