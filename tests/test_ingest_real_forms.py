"""Forms that real national-daily pages print and the sample pages do not (issue 11).

Every page here is written by hand for the test, in the style of such pages: one line per
headline line or paragraph, blank lines between them.
"""
from ingest_helpers import body_plain, ingest_text

from site_builder.ingest import bylines, headruns, segment


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


CLOSING_CREDITS = [
    # (the credit line as printed, the roles it gives the article above it)
    ("（本报记者 周立新、吴海燕、郑开明、冯晓光）", {"reporters": ["周立新", "吴海燕", "郑开明", "冯晓光"]}),
    # read as a byline line (a name off the surname list, in brackets after 记者), printed last all the same
    ("（本报记者 莽九晨、丁雪真、于洋）", {"reporters": ["莽九晨", "丁雪真", "于洋"]}),
    ("吕文清摄（图片社）", {"photographers": ["吕文清"]}),
    ("新华社记者 陶家兴摄", {"photographers": ["陶家兴"]}),
    ("本报记者 孔德明整理", {"reporters": ["孔德明"]}),
    ("殷秋 何朗摄影报道", {"photographers": ["殷秋", "何朗"]}),
    ("（韩书平）", {"reporters": ["韩书平"]}),
    ("贺东图钱莉文", {"photographers": ["贺东"], "writers": ["钱莉"]}),
    ("版式设计：孟小川", {}),
    ("本版制图：孟小川", {}),
    ("供图：林岚（市博物馆）", {}),
    ("漫画：孟小川", {}),
    ("2020年3月2日", {}),
    ("readers@example.com", {}),
    # two-character names padded to the width of three, with no-break or ideographic spaces
    ("吕\xa0\xa0青摄（图片社）", {"photographers": ["吕青"]}),
    ("殷\u3000秋\u3000何朗摄影报道", {"photographers": ["殷秋", "何朗"]}),
    ("贺\xa0东图\xa0钱\xa0莉文", {"photographers": ["贺东"], "writers": ["钱莉"]}),
    ("（靖\xa0\xa0远）", {"reporters": ["靖远"]}),
    ("（孔德明\xa0\xa0吴\xa0\xa0帆）", {"reporters": ["孔德明", "吴帆"]}),
    ("（执笔：韩\xa0\xa0平）", {"writers": ["韩平"]}),
    ("（殷\xa0秋参与采写）", {"reporters": ["殷秋"]}),
    # an editor's note, a data source, a labelled address, the speaker of a quotation
    ("（相关报道见第六版）", {}),
    ("（本系列评论结束）", {}),
    ("数据来源：市统计局", {}),
    ("读者来信邮箱：readers@example.com", {}),
    ("——某市园林局局长日前在全市绿化工作会议上说", {}),
    # a surname outside the most frequent hundred; two padded names before 摄影报道; a pen name
    ("傅明远摄（图片社）", {"photographers": ["傅明远"]}),
    ("林\xa0\xa0岚\xa0\xa0周树平摄影报道", {"photographers": ["林岚", "周树平"]}),
    ("孔德明\xa0吴帆摄影报道（图片社）", {"photographers": ["孔德明", "吴帆"]}),
    ("程\xa0\xa0一图\xa0\xa0雨\xa0\xa0禾文", {"photographers": ["程一"], "writers": ["雨禾"]}),
    # a reader's signature under a letter, a signing date and place, the credits of a feature
    ("浙江丽水市\xa0陈晓松", {}),
    ("山西某县退休教师\xa0\xa0刘\xa0\xa0才", {}),
    ("2020年3月2日于杭州", {}),
    ("内容统筹：本报编辑\xa0孟小川\xa0\xa0\xa0\xa0图表设计：某某融媒体平台", {}),
    ("（2020年全国科普论坛发言摘要）", {}),
    ("资料照片", {}),
]


def test_closing_credits_end_the_article_in_its_body_and_credit_its_makers():
    """A credit printed under the text (reporters of a joint report, a photo credit, the
    layout) is the article's last line: in its body, never the next article's headline."""
    for credit, roles in CLOSING_CREDITS:
        arts, result = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, credit, "湿地公园迎客来", STORY_B, STORY_B2))
        assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"], credit
        assert arts[1].kicker is None, credit
        assert body_plain(arts[0].body).rstrip().endswith(credit), credit
        for role, names in roles.items():
            assert set(names) <= set(getattr(arts[0], role)), (credit, role)
        assert not result.layout.furniture, credit


def test_a_readers_signature_is_a_place_then_a_name():
    """山东某市 某某 closes a letter; a place and then a place (余村, 灵隐寺) is a headline."""
    for signature in ("浙江丽水市\xa0陈晓松", "内蒙古某某市\xa0刘\xa0才", "福建某县纪委书记、监委主任\xa0程靖"):
        assert segment.classify(signature) == segment.CREDIT, signature
    for headline in ("浙江安吉县\xa0余村", "杭州西湖区\xa0灵隐寺", "北京\xa0王府井"):
        assert segment.classify(headline) == segment.HEAD, headline


def test_a_credit_line_is_not_joined_with_the_next_paragraph():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, "吕文清摄（图片社）", STORY_B))
    assert "吕文清摄（图片社）" in body_plain(arts[0].body).split("\n")
    assert not any(a.title.startswith("吕文清") for a in arts)


def test_a_bracketed_byline_under_a_headline_is_the_articles_byline():
    arts, _ = ingest_text(page("城市植树添新绿", "（记者 周立新）", STORY_A2))
    assert arts[0].reporters == ["周立新"] and "周立新" not in body_plain(arts[0].body)


def test_an_authors_note_names_nobody_but_a_compiler_after_it_is_credited():
    """（作者为…）describes the author the byline named: no words of it become a person."""
    for note, reporters in (("（作者为比尔及梅琳达·盖茨基金会联席主席）", []),
                            ("（作者为某剧团原团长，本报记者孔德明整理）", ["孔德明"])):
        arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, note, "湿地公园迎客来", STORY_B, STORY_B2))
        assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"], note
        assert set(reporters) <= set(arts[0].reporters), note
        assert not any("作者" in p for p in arts[0].reporters + arts[0].people), note


def test_closing_credits_are_classified_as_credits():
    assert segment.classify("（本报柏林3月1日电）") == segment.CREDIT
    assert segment.classify("（作者为某大学教授）") == segment.CREDIT
    assert segment.classify("新华社发") == segment.CREDIT
    # an article of a regulation is its text, a chapter its heading
    assert segment.classify("第八条 考核采取以下步骤：") == segment.PARA
    assert segment.classify("第二章 考核内容") == segment.HEAD
    # a note pointing to related reports on several pages, and a helping writer's credit
    for note in ("（相关报道见第十、十一版）", "（相关报道见第十三至第十六版）", "（王小明参与采写）"):
        assert segment.classify(note) == segment.CREDIT, note


def test_headline_with_punctuation_and_column_tag_opens_an_article():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "青山绿水，也是民生福祉（城市漫笔）",
                               "春天是种树的季节。走在街头，新栽的树苗已经抽出嫩芽，让人心生欢喜。",
                               "种树容易养树难，需要每个人的爱护与坚持。"))
    assert [a.title for a in arts] == ["城市植树添新绿", "青山绿水，也是民生福祉（城市漫笔）"]


def test_a_column_tag_may_number_the_part_of_a_series_in_brackets_of_its_own():
    """…（走进新时代·江苏篇（上））: the series' part inside the tag still makes it a tagged headline."""
    for tag in ("（走进新时代·江苏篇（上））", "（青春奋进新时代(14)）"):
        assert segment.is_tagged_headline("绿水青山间 奋进新征程" + tag), tag
    assert not segment.is_tagged_headline("全市建成绿道（含步道）三百公里")
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, "湿地公园迎客来（走进新时代·江苏篇（上））", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来（走进新时代·江苏篇（上））"]


def test_a_kicker_of_clauses_at_the_top_of_the_page_is_a_headline_line():
    """The page's first line, clauses that finish no sentence (or ask a question), over a heading:
    no text above it that a column could have cut it from, so it is the kicker, however long."""
    for kicker in ("市民手机点单，志愿者上门栽树，全市义务植树覆盖四万亩荒山",
                   "城市绿化怎样做到见缝插绿？老旧小区如何留住绿荫？",
                   "荒山缺水少土，种树难上加难。志愿者们背水上山，一棵一棵地栽，终于——"):
        arts, _ = ingest_text(page(kicker, "城市植树添新绿（绿色家园）", STORY_A, STORY_A2, "湿地公园迎客来", STORY_B, STORY_B2))
        assert [(a.kicker, a.title) for a in arts] == [(kicker, "城市植树添新绿（绿色家园）"), (None, "湿地公园迎客来")], kicker


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


def test_a_deck_between_the_headline_and_an_opening_label_is_the_subtitle():
    deck = "新修步道八公里，沿途设置观鸟点和科普展板，首日入园超过一万人次"
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "湿地公园迎客来", deck, "核心阅读",
                               "一座新公园开放了，它让城市多了一片绿。", STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"]
    assert arts[1].subtitle == deck
    assert arts[1].body.startswith("核心阅读\n\n一座新公园开放了")


def test_a_labelled_line_under_the_headline_opens_the_body():
    """【人物】某某 under a headline is the first labelled part of the text, not a subtitle; a
    whole-line column label above a headline (【走基层】) stays a headline line."""
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "匠心守护城市绿（最美奋斗者）", "【人物】“园林工匠”王小林",
                               "【故事】王小林在城东苗圃工作了三十年，培育的树苗种满了半座城。",
                               "【点评】平凡岗位上的坚守，同样值得尊敬。"))
    assert [a.title for a in arts] == ["城市植树添新绿", "匠心守护城市绿（最美奋斗者）"]
    assert arts[1].subtitle is None and arts[1].kicker is None
    assert arts[1].body.startswith("【人物】“园林工匠”王小林\n\n【故事】王小林")  # a line, not a heading


# A feature article long enough that a first subheading would have come by now.
LONG_STORY = [
    "清晨六点，城东菜市场已经热闹起来，摊主们忙着把刚从城郊运来的蔬菜码放整齐，前来采购的居民络绎不绝。",
    "这座菜市场去年完成改造，地面换成了防滑地砖，顶棚加装了通风设备，摊位统一编号，每个摊位都挂上了价格牌。",
    "“以前一下雨就满地泥水，现在干干净净，买菜也舒心。”住在附近的退休教师周阿姨说，她几乎每天都来这里转一转。",
    "市场管理处负责人介绍，改造后市场还开通了线上下单服务，附近居民在手机上选好菜，半小时内就能送到家门口。",
    "为了保证菜品新鲜，市场和周边十几个种植基地签了供货协议，蔬菜从地头到摊位不超过一天，价格也比较稳定。",
    "不少年轻人也被吸引回来。在市场里开了一家豆腐坊的小吴说，现做现卖的豆腐很受欢迎，周末常常供不应求。",
    "下一步，市场还打算开设便民维修点和家政服务点，让居民在家门口就能把更多生活小事办妥。",
]


def test_round_up_reporters_and_brief_signatures_close_an_article():
    assert segment.classify("（综合本报记者王小明、李大华、赵一鸣报道）") == segment.CREDIT
    assert segment.classify("（本报记者王小明、李大华、欧阳晓、巨云帆）") == segment.CREDIT
    assert segment.classify("（刘志强）") == segment.CREDIT and segment.classify("（王 婷）") == segment.CREDIT
    assert segment.classify("（三）") == segment.HEAD and segment.classify("（上篇）") == segment.HEAD


def test_single_line_headline_after_a_round_up_credit_opens_an_article():
    arts, _ = ingest_text(page("各地群众欢度佳节", *LONG_STORY[:4], "（综合本报记者王小明、李大华、赵一鸣报道）",
                               "湿地公园迎客来", *LONG_STORY[4:]))
    assert [a.title for a in arts] == ["各地群众欢度佳节", "湿地公园迎客来"]
    assert arts[1].kicker is None


def test_photo_item_after_a_finished_article_is_an_article_of_its_own():
    arts, _ = ingest_text(page("菜市场里的新变化", *LONG_STORY,
                               "秋收时节",
                               "金秋时节，北方一处平原上的稻田迎来收获，农机在田间来回作业，一派繁忙景象。",
                               "图为农民在田间晾晒稻谷。",
                               "张小平摄（图片社）"))
    assert [a.title for a in arts] == ["菜市场里的新变化", "秋收时节"]


def test_single_line_headline_over_a_story_that_opens_with_a_date_opens_an_article():
    # Without the date the line is as often a subheading on real pages (a one-line head after
    # a long article without subheadings: 70 subheadings, 25 headlines on the development pages).
    for opening in ("10月3日，", "近日，"):
        story = [opening + LONG_STORY[1], *LONG_STORY[2:5]]
        arts, _ = ingest_text(page("菜市场里的新变化", *LONG_STORY, "老街巷焕发新活力", *story))
        assert [a.title for a in arts] == ["菜市场里的新变化", "老街巷焕发新活力"]


def test_sections_of_a_report_that_open_with_a_date_stay_inside_it():
    body = [LONG_STORY[0], LONG_STORY[1]]
    for head, day in (("老街夜市", "10月2日"), ("江边灯会", "10月3日"), ("山村书屋", "10月4日")):
        body += [head, f"{day}，{head}迎来大批游客，不少家庭带着孩子前来游玩，现场气氛十分热烈。",
                 "当地还安排了志愿者维持秩序，提醒游客注意安全、文明出行。"]
    arts, _ = ingest_text(page("假日里的城乡新气象", *body))
    assert len(arts) == 1
    assert [l[3:] for l in arts[0].body.split("\n") if l.startswith("## ")] == ["老街夜市", "江边灯会", "山村书屋"]


def test_deck_lines_between_headline_and_agency_dateline_belong_to_the_headline():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "湿地公园迎客来",
                               "新修步道八公里，沿途设置观鸟点和科普展板；首日入园超过一万人次",
                               STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"]
    assert arts[1].subtitle == "新修步道八公里，沿途设置观鸟点和科普展板；首日入园超过一万人次"
    assert body_plain(arts[1].body).startswith("本报南京3月2日电")


def test_title_with_punctuation_above_a_dash_subtitle_is_a_headline_line():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, "（本报北京3月2日电）",
                               "你好，春天！", "——写在植树节到来之际", *LONG_STORY[:3]))
    assert [a.title for a in arts] == ["城市植树添新绿", "你好，春天！"]
    assert arts[1].subtitle == "——写在植树节到来之际"


def test_report_taken_from_an_agency_opens_an_article():
    taken = ("据新华社南京3月2日电（记者李大华）江边湿地公园今天向市民开放，园内新修步道八公里，"
             "沿途设置观鸟点和科普展板。")
    arts, _ = ingest_text(page("城市植树添新绿", *LONG_STORY[:3], "湿地公园迎客来", taken, STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"]


def test_two_line_stack_roles_follow_the_column_tag_and_the_deck():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "湿地公园迎客来（城市新貌）", "新修步道八公里", STORY_B, STORY_B2))
    assert (arts[1].kicker, arts[1].title, arts[1].subtitle) == (None, "湿地公园迎客来（城市新貌）", "新修步道八公里")
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "春日走江边", "湿地公园迎客来（城市新貌）", STORY_B, STORY_B2))
    assert (arts[1].kicker, arts[1].title, arts[1].subtitle) == ("春日走江边", "湿地公园迎客来（城市新貌）", None)


def test_kicker_of_clauses_above_a_title_is_a_headline_line():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2,
                               "多修步道，少建围墙，江边公园向市民敞开",
                               "湿地公园迎客来（城市新貌）", *LONG_STORY[:3]))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来（城市新貌）"]
    assert arts[1].kicker == "多修步道，少建围墙，江边公园向市民敞开"


def test_column_cut_half_above_the_next_headline_is_not_a_kicker():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, "下一步，园林部门将全力做好苗木养护",
                               "湿地公园迎客来", "工作，让新绿常在。", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"]
    assert arts[1].kicker is None
    assert "全力做好苗木养护工作，让新绿常在。" in body_plain(arts[0].body)


def assert_headings_of_one_article(heads: list[str]) -> None:
    """Each line of heads printed between finished paragraphs of one article is its heading."""
    body = [STORY_A, STORY_A2]
    for head in heads:
        body += [head, "街道组织居民代表逐户走访，收集意见建议两百多条，逐条列出整改清单。",
                 "下一步，相关部门还将定期回访，确保各项措施落到实处。"]
    arts, _ = ingest_text(page("城市植树添新绿", *body))
    assert len(arts) == 1
    for head in heads:
        assert f"## {head}" in arts[0].body, head


def test_punctuated_subheadings_between_finished_paragraphs_are_headings():
    """Subheadings of parallel phrases carry commas and colons (修好老街巷，留住城市记忆;
    二、压实责任，形成合力; 交通：出行更方便): between two finished paragraphs, followed by
    a sentence of its own, such a line is a heading of the article, not the start of a paragraph."""
    heads = ["修好老街巷，留住城市记忆", "二、压实管护责任，形成工作合力", "交通：出行路线更方便"]
    assert_headings_of_one_article(heads)


def test_punctuated_subheadings_of_uneven_or_short_phrases_are_headings():
    """A subheading's phrases need not be of a length (要建立长效机制，防止返贫; 补上农村电网
    短板，用电更安心) and a role heading lists short ones (志愿者：多跑腿，多出力，不怕累)."""
    heads = ["要建立可持续的长效管护机制，防止返绿", "志愿者：多跑腿，多出力，不怕累", "勤学深悟，夯实社区治理的群众基础"]
    assert_headings_of_one_article(heads)


def test_a_short_cut_half_with_a_comma_is_still_joined():
    """会议指出，今年全市 | 新增绿地…: a speaker or a time opening the line, or a word running
    across the break, marks the first half of a cut paragraph, not a subheading."""
    for first, rest in (("市园林局有关负责人指出，今年全市将新建", "口袋公园十二处，绿化覆盖率继续提高。"),
                        ("今年以来，全区已经累计完成改造的", "老旧小区项目有四十个，惠及居民上万户。"),
                        ("全市各区新建口袋公园，进一步推", "动城市绿化提质，让市民出门见绿。"),
                        ("区园林局明确了两项重点任务：一是", "新建口袋公园，二是加强苗木管护。")):
        arts, _ = ingest_text(page("城市植树添新绿", STORY_A, first, rest, STORY_A2))
        assert first + rest in body_plain(arts[0].body).split("\n"), first


def test_a_dateline_byline_names_reporters_with_a_rare_surname():
    """（记者莽九晨） （记者扎西）: after the role word in the dateline a name need not begin
    with a surname the tables know; the byline leaves the body all the same."""
    for name in ("莽九晨", "扎西"):
        arts, _ = ingest_text(page("城市植树添新绿", f"本报兰州3月2日电（记者{name}）" + STORY_A2[:-1] + "。", STORY_B2))
        assert arts[0].reporters == [name], name
        assert name not in body_plain(arts[0].body), name
    from site_builder.ingest.bylines import is_byline
    assert not is_byline("（记者手记）") and not is_byline("（记者了解到）")


def test_a_summary_label_or_a_document_kind_under_a_headline_opens_the_body():
    for label in ("内容提要", "回信", "引子"):
        arts, _ = ingest_text(page("城市植树添新绿", label, STORY_A2, STORY_B2))
        assert len(arts) == 1 and arts[0].title == "城市植树添新绿" and arts[0].kicker is None, label
        assert body_plain(arts[0].body).startswith(label), label


def test_a_salutation_opens_the_body_and_a_speaker_kicker_stays_a_headline_line():
    arts, _ = ingest_text(page("在植树节座谈会上的讲话", "各位代表，同志们：", STORY_A2, STORY_B2))
    assert arts[0].subtitle is None and body_plain(arts[0].body).startswith("各位代表，同志们：")
    arts, _ = ingest_text(page("市园林局：", "今年新增绿地三百公顷", STORY_A2, STORY_B2))
    assert arts[0].kicker == "市园林局：" and arts[0].title == "今年新增绿地三百公顷"


# A composite piece: one headline and byline, then each speaker's section under a heading with
# its own reporter. Nothing closes the text above a section, so it is not a new article.
VILLAGE_VOICES = [
    "代表委员谈乡村振兴", "本报记者 王立新",
    "今年全国两会上，乡村振兴是代表委员热议的话题。本报记者采访了几位来自基层的代表委员，听他们讲述家乡的新变化。",
    "种粮大户李春生代表", "让种粮更有奔头", "本报记者 赵晓明",
    "“今年我们合作社流转土地三千亩，全部种上了优质小麦。”李春生代表说，国家的惠农政策越来越好，种粮的积极性越来越高。",
    "李春生建议，进一步完善农业社会化服务体系，让小农户也能用上现代化农机，降低种粮成本。",
    "乡村医生张秀兰委员", "守好村民健康第一道关", "本报记者 孙丽娜",
    "张秀兰在村卫生室工作了二十多年。她说，这几年村卫生室条件大大改善，村民看病不用再跑远路。",
    "她建议，加大对乡村医生的培训力度，提高乡村医生待遇，让更多年轻人愿意扎根农村。",
    "返乡创业青年刘洋代表", "把家乡的好产品卖出去", "本报记者 周建国",
    "大学毕业后，刘洋回到家乡开起了网店，帮助乡亲们把土特产卖到全国各地。",
    "刘洋说，希望国家继续支持农村电商发展，完善农村物流网络，让更多农产品走出大山。"]


def test_sections_with_their_own_reporters_stay_in_their_composite_piece():
    arts, _ = ingest_text(page(*VILLAGE_VOICES))
    assert [a.title for a in arts] == ["代表委员谈乡村振兴"]
    assert arts[0].reporters == ["王立新", "赵晓明", "孙丽娜", "周建国"]
    assert "让种粮更有奔头" in body_plain(arts[0].body) and "刘洋回到家乡" in body_plain(arts[0].body)
    # each section's byline is printed under its heading, where a reader looks for who wrote it;
    # the piece's own byline (above its text) is not in the body
    lines = arts[0].body.split("\n")
    for heading, byline in (("让种粮更有奔头", "本报记者 赵晓明"), ("把家乡的好产品卖出去", "本报记者 周建国")):
        at = lines.index("## " + heading)
        assert [l for l in lines[at + 1:] if l.strip()][0] == "#### " + byline
    assert "王立新" not in arts[0].body and arts[0].byline == "本报记者 王立新"


def test_a_heading_and_byline_after_an_article_closed_by_its_byline_opens_the_next():
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, "记者 王小明",
                               "湿地公园迎客来", "记者 李大华", STORY_B, STORY_B2))
    assert [(a.title, a.reporters) for a in arts] == [("城市植树添新绿", ["王小明"]), ("湿地公园迎客来", ["李大华"])]


def test_the_dateline_under_a_byline_still_tells_a_new_article():
    """Headline, byline, then 本报讯: the dateline is read past the byline."""
    arts, _ = ingest_text(page("城市植树添新绿", "记者 王小明", STORY_A, STORY_A2, "科技手段守护湿地",
                               "记者 李大华", "本报讯 3月2日上午，" + STORY_B.split("）", 1)[1], STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "科技手段守护湿地"]


def test_a_speakers_attribution_under_a_quotation_stays_in_the_article():
    """点睛: quotations, each followed by ——某某代表（…）; and ——编者 under an editor's note."""
    quotes = ["“稳就业首先要稳企业，要让中小企业活下来、留得住人。”",
              "“乡村医生是村民健康的守门人，待遇要跟上，队伍才能稳。”",
              "“农产品要卖得好，物流和品牌两头都要抓。”"]
    speakers = ["——陈明远代表（某省人力资源和社会保障厅厅长）", "——张秀兰委员（某县乡村医生）",
                "——刘洋代表（某村电商合作社负责人）"]
    blocks = ["两会声音", "今年全国两会上，代表委员们围绕稳就业、保民生建言献策，本报摘录部分发言。", *[b for pair in zip(quotes, speakers) for b in pair], "（本报记者 王立新整理）",
              "湿地公园迎客来", STORY_B, STORY_B2]
    arts, _ = ingest_text(page(*blocks))
    assert [a.title for a in arts] == ["两会声音", "湿地公园迎客来"]
    assert all(s.lstrip("—") in body_plain(arts[0].body) for s in speakers)
    note = ["绿化家园", "编者按：春季是植树的好时节，本版今起推出系列报道，记录各地的新绿。", "——编 者",
            "清晨，城东的河堤上已经热闹起来，志愿者们扛着铁锹、提着水桶，三五成群地栽下一棵棵树苗。", STORY_A2]
    assert [a.title for a in ingest_text(page(*note))[0]] == ["绿化家园"]


def test_the_reporters_notes_printed_with_a_report_stay_in_it():
    notes = ["青山绿水间的坚守（记者手记）",
             "采访中，记者跟着护林员走了一整天山路。他说，守住这片林子，就是守住乡亲们的饭碗。",
             "这样的坚守，让人动容。"]
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, *notes, "湿地公园迎客来", "记者 李大华", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"]
    assert "青山绿水间的坚守" in body_plain(arts[0].body)


def test_a_deck_may_end_on_a_title_in_book_marks():
    """A deck under the headline that ends on 》 or ） finishes no sentence: a headline line."""
    deck = "审议通过《城市绿化条例（草案）》，以立法守护城市绿地；讨论通过《湿地保护办法（修订草案）》"
    arts, _ = ingest_text(page("市政府召开常务会议", deck, STORY_A, STORY_A2))
    assert deck in (arts[0].kicker or "", arts[0].title, arts[0].subtitle or "")
    assert body_plain(arts[0].body).startswith("本报北京3月2日电")


# A long report whose sections are headed by two lines: a short theme, then a point with a comma
# in it. The second line is punctuated like prose but stands between two finished paragraphs.
PORT_REPORT = [
    "开放港区迎来新机遇",
    "本报天津3月2日电（记者王小明）港区管委会今天发布一季度发展情况，港区货物吞吐量同比增长百分之十二，"
    "新开通国际航线四条，集装箱码头作业效率创下新高，港区企业普遍反映通关更便利了。",
    "港区管委会负责人介绍，今年港区把扩大开放作为头号工程，围绕航线、通关、物流三个方面推出二十项措施，"
    "吸引了一批航运企业和物流企业落户，港区的集装箱吞吐能力和航线网络都有了明显提升。",
    "在集装箱码头，一台台桥吊正在作业，集卡车有序进出。码头负责人说，自动化改造完成后，"
    "桥吊作业效率提高了三成，船舶在港时间缩短了一天，港区的航线和货物吞吐量都在稳步增长。",
    "抓住开放机遇",
    "坚持高水平开放，共同打造港区开放新高地",
    "港区今年新开通的四条国际航线，连接东南亚和欧洲的主要港口。航运企业负责人说，港区航线网络越来越密，"
    "码头作业效率越来越高，企业愿意把更多集装箱航线放在港区，港区的开放优势正在显现。",
    "港区还推出通关便利措施，集装箱货物在码头的平均通关时间缩短到一天以内，港区企业的物流成本明显下降。",
]


def test_a_punctuated_second_line_of_a_two_line_subheading_is_a_heading():
    arts, _ = ingest_text(page(*PORT_REPORT))
    assert [a.title for a in arts] == ["开放港区迎来新机遇"]
    lines = arts[0].body.split("\n")
    assert "## 抓住开放机遇" in lines and "## 坚持高水平开放，共同打造港区开放新高地" in lines


def test_lines_under_a_headline_above_the_agency_dateline_are_not_an_article_of_their_own():
    """A long title line and summary points printed in bold without full stops, then 新华社…电:
    the lines run together (none ends a sentence), yet the dateline opens this article's text,
    not a headless article; the title line goes back to the headline, the points stay text."""
    arts, _ = ingest_text(page(
        "市长在全市春季植树动员大会上强调",
        "全民动手植树造林绿化家园为建设生态宜居城市打下坚实基础努力让城市更绿更美",
        "植树造林是功在当代、利在千秋的事业。各级各部门要把植树造林摆在重要位置，一年接着一年干，"
        "一代接着一代干，发动全社会力量参与义务植树，让绿色成为城市发展最动人的底色，让群众在家门口享受绿色福利",
        "要坚持科学绿化、规划引领，因地制宜选择树种，提高苗木成活率。要加强后期管护，落实管护责任，"
        "建立健全长效机制，让每一棵树都发挥生态效益，让造林成果惠及子孙后代，为建设美丽城市作出新的更大贡献",
        "新华社某市3月2日电（记者王小明）全市春季植树动员大会今天召开，市长出席会议并讲话。",
        STORY_A2, "湿地公园迎客来", STORY_B, STORY_B2))
    assert len(arts) == 2
    assert arts[0].kicker == "市长在全市春季植树动员大会上强调"
    assert arts[0].title == "全民动手植树造林绿化家园为建设生态宜居城市打下坚实基础努力让城市更绿更美"
    paragraphs = [p for p in body_plain(arts[0].body).split("\n") if p.strip()]
    assert paragraphs[0].startswith("植树造林是功在当代") and paragraphs[1].startswith("要坚持科学绿化")
    assert paragraphs[2].startswith("新华社某市3月2日电")


def test_a_heading_over_an_agency_dateline_heads_the_article_it_opens():
    """Whatever the model thinks of the heading, 本报讯 under it opens an article: the heading is
    that article's headline, never a subheading left at the end of the article above."""
    for top_byline in (True, False):
        head = ["城市植树添新绿"] + (["记者 王小明"] if top_byline else [])
        arts, _ = ingest_text(page(*head, STORY_A, STORY_A2, "科技手段守护湿地", "记者 李大华",
                                   "本报讯 3月2日上午，" + STORY_B.split("）", 1)[1], STORY_B2))
        assert [a.title for a in arts] == ["城市植树添新绿", "科技手段守护湿地"], top_byline
        assert "科技手段守护湿地" not in arts[0].body


def test_a_letter_printed_in_full_and_the_report_on_it_are_one_article():
    """回信 (or 贺信) under the headline, the letter, its date and credit, then 新华社…电 on the
    letter: the report goes with the letter it reports, not into an article of its own."""
    arts, _ = ingest_text(page(
        "市长回信勉励全市环卫工人", "回 信", "全市环卫工人同志们：",
        "你们好！来信收悉。这些年来，你们起早贪黑，守护着城市的干净整洁，辛苦了！",
        "希望你们继续发扬吃苦耐劳的精神，为建设美丽城市作出新的贡献。",
        "2020年3月2日", "（本报某市3月2日电）",
        "本报某市3月2日电 近日，全市环卫工人代表给市长写信，讲述一年来坚守岗位的故事。市长回信勉励他们。",
        "据介绍，全市现有环卫工人一万余名，承担着城区道路清扫保洁任务。",
        "湿地公园迎客来", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["市长回信勉励全市环卫工人", "湿地公园迎客来"]
    body = body_plain(arts[0].body)
    assert "你们好！来信收悉" in body and "环卫工人代表给市长写信" in body


# A long report, then a photo item under its label: a caption and a photo credit.
PHOTO_ITEM = ["图片报道",
              "3月1日，游客在湿地公园观赏候鸟。近年来，湿地公园生态环境持续改善，越冬候鸟数量逐年增加，吸引了大批市民和游客前来观鸟。",
              "王海摄（图片社）"]


class _TreesSayingSubheading:
    """Stands in for the fitted trees: every run they are asked about is a subheading."""

    def score(self, features: list[float]) -> float:
        return -1.0


def test_a_photo_items_label_opens_the_photo_item_whatever_the_trees_say(monkeypatch):
    """图片报道 heads a photo item of its own (80 of 80 on the development pages), even where
    the trees would read the run as a subheading of the long article above."""
    from test_ingest_headruns import RESERVOIR
    monkeypatch.setattr(headruns, "MODEL", _TreesSayingSubheading())
    arts, _ = ingest_text(page("青石岭水库除险加固完工", *RESERVOIR, *PHOTO_ITEM))
    assert [a.title for a in arts] == ["青石岭水库除险加固完工", "图片报道"]
    assert arts[1].photographers == ["王海"]
    arts, _ = ingest_text(page("青石岭水库除险加固完工", *RESERVOIR, "水库灌区迎春灌", *PHOTO_ITEM[1:]))
    assert [a.title for a in arts] == ["青石岭水库除险加固完工"]  # the stand-in is at work


def test_an_agency_dateline_under_a_run_makes_it_a_headline_whatever_the_trees_say(monkeypatch):
    monkeypatch.setattr(headruns, "MODEL", _TreesSayingSubheading())
    arts, _ = ingest_text(page("城市植树添新绿", "记者 王小明", STORY_A, STORY_A2, "科技手段守护湿地", "记者 李大华",
                               "本报讯 3月2日上午，" + STORY_B.split("）", 1)[1], STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "科技手段守护湿地"]


def test_a_caption_label_leads_into_the_caption_in_the_body():
    """图片说明： is no heading: it introduces the caption of the article's picture."""
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, "图片说明：", "图为志愿者在植树现场。",
                               "湿地公园迎客来", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"]
    lines = arts[0].body.split("\n")
    assert "图片说明：" in lines and "图为志愿者在植树现场。" in lines


def test_a_byline_below_an_opening_box_and_a_series_line_is_the_articles_own():
    """核心提示 and its text are a box above the article, not its text: the byline under the
    heading that follows the box signs the article and leaves the body (a byline under a
    heading after the article's own text would be a section's, kept in the body)."""
    arts, _ = ingest_text(page(
        "城市绿化三年行动综述", "核心提示",
        "三年来，全市新增绿地三千公顷，建成口袋公园两百个，市民出门见绿的愿望正在变成现实。",
        "三年行动系列报道之一", "记者 王立新",
        STORY_A2, "公园建设提速", "江边湿地公园今年向市民开放，园内新修步道八公里，沿途设置观鸟点和科普展板。"))
    assert [a.title for a in arts] == ["城市绿化三年行动综述"]
    assert arts[0].reporters == ["王立新"] and "王立新" not in arts[0].body


def test_field_lines_open_the_body_and_are_never_joined_with_the_prose_under_them():
    """时间：… / 日程：… above a scene: the time is the body's first line, not a subtitle, and the
    field line that ends without a full stop is a line of its own, not half of a paragraph cut by
    the column end. The summary and the dateline are read from the prose under them."""
    arts, _ = ingest_text(page(
        "“把每一棵树都种活”", "时间：3月2日上午", "日程：市长到城东植树点参加义务植树",
        "“今年栽下的苗木，成活率要比去年更高。”在城东植树点，市长一边扶正树苗一边叮嘱。",
        STORY_A2))
    a = arts[0]
    assert a.title == "“把每一棵树都种活”" and a.subtitle is None
    lines = body_plain(a.body).split("\n")
    assert lines[0] == "时间：3月2日上午" and "日程：市长到城东植树点参加义务植树" in lines
    assert a.summary.startswith("“今年栽下的苗木")


def test_a_speakers_colon_is_prose_and_a_line_cut_after_it_is_still_joined():
    cut = "局长表示：下一步将加强后期管护"
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, cut, "，确保种一棵活一棵，让城市绿意更浓。"))
    assert cut + "，确保种一棵活一棵" in body_plain(arts[0].body).replace("\n", "")


def test_padded_names_in_a_byline_line_are_read():
    """本报记者  姜  峰: a two-character name set to the width of three is a byline, not a heading."""
    for line, names in (("本报记者\xa0\xa0姜\xa0\xa0峰", ["姜峰"]), ("本报记者\u3000黄\u3000超\u3000左\u3000潇", ["黄超", "左潇"]),
                        ("本报记者 刘新吾 程  焕", ["刘新吾", "程焕"]), ("记者 马燕 李盼", ["马燕", "李盼"])):
        assert segment.classify(line) == "byline", line
        assert bylines.parse_byline(line).reporters == names, line


def test_after_a_signed_section_a_heading_and_byline_is_the_next_section(monkeypatch):
    """A composite piece signs each section under its heading. A heading and a byline after a
    signed section is the next section (here the trees, stood in for, say so), not an article
    that a byline at the article's end would announce."""
    monkeypatch.setattr(headruns, "MODEL", _TreesSayingSubheading())
    voices = [line.replace("本报记者 赵晓明", "本报记者  赵  明").replace("本报记者 孙丽娜", "本报记者 孙  娜")
              for line in VILLAGE_VOICES if line != "本报记者 王立新"]  # no byline of the whole piece
    arts, _ = ingest_text(page(*voices))
    assert [a.title for a in arts] == ["代表委员谈乡村振兴"]
    assert arts[0].reporters == ["赵明", "孙娜", "周建国"]
    assert "#### 本报记者  赵  明" in arts[0].body.split("\n")


def test_the_names_of_a_closing_credit_are_its_makers_not_people_in_the_news():
    """A joint report's credit lists its reporters with 、 as a text lists people; a name of the
    list that is a person elsewhere (范昊天 speaks in the next article) must not make the whole
    list people of this article."""
    credit = "（本报记者禹丽敏、范昊天、龚相娟、李家鼎、田先进、魏薇）"
    speaker = "公园管理处主任范昊天说，开放首日入园人数超过一万人次，周末还将推出导览服务。"
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, credit, "湿地公园迎客来", STORY_B, speaker))
    assert arts[0].reporters[-6:] == ["禹丽敏", "范昊天", "龚相娟", "李家鼎", "田先进", "魏薇"]
    assert arts[0].people == [] and arts[1].people == ["范昊天"]
    assert body_plain(arts[0].body).rstrip().endswith(credit)


class _TreesSayingHeadline:
    """Stands in for the fitted trees: every run they are asked about opens an article."""

    def score(self, features: list[float]) -> float:
        return 1.0


def test_a_link_box_goes_with_the_article_above_whatever_the_trees_say(monkeypatch):
    """■链接 / 【延伸阅读】 / 参观贴士 over a heading and its text: a box printed with the article above."""
    monkeypatch.setattr(headruns, "MODEL", _TreesSayingHeadline())
    for label in ("■链接", "【延伸阅读】", "小贴士", "参观贴士"):
        arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, label, "全市绿化覆盖率达四成",
                                   "截至去年底，全市建成区绿化覆盖率达到百分之四十。", "湿地公园迎客来", STORY_B, STORY_B2))
        assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"], label
        assert "全市绿化覆盖率达四成" in arts[0].body, label


def test_a_line_ending_on_a_dash_over_a_paragraph_leads_into_it(monkeypatch):
    """…汇成震天的交响—— over a paragraph leads into that text (a kicker ends on —— too, but a
    title follows a kicker): under a headline it is the body's first line, not the title of a
    three-line stack, and between paragraphs it opens no article, whatever the trees say."""
    monkeypatch.setattr(headruns, "MODEL", _TreesSayingHeadline())
    lead = "植树号角吹响，志愿者的歌声汇成春天的交响——"
    arts, _ = ingest_text(page("“种下一片新绿！”", "——全市义务植树活动纪实", lead, STORY_A, STORY_A2,
                               "这是一支不怕苦的队伍——", "清晨六时，志愿者已经来到城东植树点，一直干到傍晚。",
                               "湿地公园迎客来", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["“种下一片新绿！”", "湿地公园迎客来"]
    assert arts[0].subtitle == "——全市义务植树活动纪实" and arts[0].kicker is None
    assert body_plain(arts[0].body).startswith(lead) and "这是一支不怕苦的队伍——" in arts[0].body


def test_marked_summary_points_under_a_headline_are_the_bodys_first_lines():
    """■-led points in bold under a two-line headline, then the report: the points are text,
    never the title of a three-line stack (the longest line)."""
    points = ["■ 要加强后期管护，提高苗木成活率，让城市绿意更浓、生态更好、市民更满意",
              "■ 要统筹推进城乡绿化，扩大绿色空间，建设公园城市，推动形成绿色生产生活方式"]
    arts, _ = ingest_text(page("市委书记在全市绿化工作会议上强调", "坚持生态优先 建设美丽城市", *points,
                               "新华社北京3月2日电 全市绿化工作会议2日召开。" + STORY_A2))
    assert arts[0].kicker == "市委书记在全市绿化工作会议上强调" and arts[0].title == "坚持生态优先 建设美丽城市"
    lines = arts[0].body.split("\n")
    assert body_plain(arts[0].body).startswith("■ 要加强后期管护") and not any(l.startswith("#") for l in lines)
    assert len(arts) == 1 and "全市绿化工作会议2日召开" in arts[0].body  # the report under its points


def test_a_second_dateline_under_finished_text_is_the_articles_next_report():
    """One headline over two reports, each under its own dateline (two phone calls, an arrival
    and a departure): the second dateline opens no headless article."""
    call = "本报北京3月2日电 3月2日，外长应约同{0}外长通电话。外长表示，中方愿同{0}加强合作。"
    arts, _ = ingest_text(page("外长分别同甲国、乙国外长通电话", call.format("甲国"), "甲国外长表示，感谢中方的支持。",
                               call.format("乙国"), "乙国外长表示，愿同中方保持密切沟通。",
                               "湿地公园迎客来", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["外长分别同甲国、乙国外长通电话", "湿地公园迎客来"]
    assert "应约同乙国外长通电话" in arts[0].body


def test_a_long_headline_read_as_prose_heads_the_agency_report_under_it():
    """A headline too long to be read as one (a document's full title in book marks), under the
    finished text of the article above and over an agency dateline: the report's headline, not
    a last paragraph of the article above and a headless report."""
    title = "市政府办公厅印发《关于进一步加强和改进新时代城市绿化管理工作推动生态文明建设的若干意见》"
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, title,
                               "新华社某市3月2日电 近日，市政府办公厅印发了意见，对城市绿化管理工作作出部署。",
                               "意见指出，要坚持科学绿化，提高城市绿化质量。"))
    assert [a.title for a in arts] == ["城市植树添新绿", title]
    assert title not in arts[0].body and body_plain(arts[1].body).startswith("新华社某市3月2日电")


def test_a_headline_and_deck_read_as_a_section_head_the_agency_report_under_them(monkeypatch):
    """Even where the trees read a headline run as a section of the long article above, the
    run, the undated points printed under it and the agency dateline under those are the next
    article: the points are its deck, the dateline opens its report."""
    from test_ingest_headruns import RESERVOIR
    monkeypatch.setattr(headruns, "MODEL", _TreesSayingSubheading())
    point = "当前全市植树工作总体进展顺利，同时一些地方苗木成活率不高，后期管护任务仍然艰巨繁重。"
    arts, _ = ingest_text(page("青石岭水库除险加固完工", *RESERVOIR, "市委常委会召开会议", "研究部署春季植树工作",
                               point, "新华社某市3月2日电 市委常委会2日召开会议，研究部署春季植树工作。", STORY_A2))
    assert len(arts) == 2 and "市委常委会召开会议" not in arts[0].body
    assert {arts[1].kicker, arts[1].title} == {"市委常委会召开会议", "研究部署春季植树工作"}
    assert body_plain(arts[1].body).startswith(point) and "市委常委会2日召开会议" in arts[1].body


def test_a_signature_over_the_signing_date_closes_the_document_whatever_the_trees_say(monkeypatch):
    """市长 王大明 / 2020年3月2日 (or 二〇二〇年三月二日) under a letter: its signature, a line of it,
    not the headline of an article made of the date."""
    monkeypatch.setattr(headruns, "MODEL", _TreesSayingHeadline())
    for day in ("2020年3月2日", "二〇二〇年三月二日"):
        arts, _ = ingest_text(page("致全市植树志愿者的一封信", "全市植树志愿者同志们：",
                                   "你们好！一年来，你们不畏风雨，栽下了十余万株树苗，辛苦了！",
                                   "希望你们继续发扬志愿精神，为建设美丽城市作出新的贡献。",
                                   "市长 王大明", day, "湿地公园迎客来", STORY_B, STORY_B2))
        assert [a.title for a in arts] == ["致全市植树志愿者的一封信", "湿地公园迎客来"], day
        assert "市长 王大明" in arts[0].body and day in arts[0].body


def test_a_headed_column_of_signed_briefs_is_one_article_under_its_label():
    """资讯速递-style: a short column label over the first item's heading, then items of a one-line
    heading, a short text and a signature. The column is one article under its label, each
    item's text under its heading; a datelined item opens no headless article."""
    items = [("全市新增绿地一百公顷", "本报讯 今年以来，全市新增公园绿地一百公顷，建成口袋公园三十个。", "（王 婷）"),
             ("湿地公园观鸟季开幕", "本报讯 湿地公园观鸟季昨日开幕，园内设置十个观鸟点。", "（李大华）"),
             ("古树名木挂牌保护", "本报讯 全市首批五百株古树名木日前挂牌，每株都有了身份证。", "（据新华社某市电 记者张明）")]
    lines = ["绿色速递"] + [line for item in items for line in item]
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, "记者 王小明", *lines, "湿地公园迎客来", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "绿色速递", "湿地公园迎客来"]
    body = arts[1].body.split("\n")
    assert body[0] == "全市新增绿地一百公顷"  # the first item's heading opens the body, as the paper files it
    assert "## 湿地公园观鸟季开幕" in body and "## 古树名木挂牌保护" in body
    assert "全市首批五百株古树名木日前挂牌" in arts[1].body


def test_a_short_kicker_over_a_title_is_no_column_when_the_item_is_no_signed_brief():
    """全市植树 / 城市植树添新绿 over a report closed by a photo credit: a kicker and a title."""
    arts, _ = ingest_text(page("全市植树", "城市植树添新绿", STORY_A, STORY_A2, "王海摄（图片社）",
                               "湿地公园迎客来", STORY_B, STORY_B2, "（李大华）"))
    assert [(a.kicker, a.title) for a in arts] == [("全市植树", "城市植树添新绿"), (None, "湿地公园迎客来")]


def test_a_figure_set_large_over_the_text_is_no_headline_whatever_the_trees_say(monkeypatch):
    """1.7% / 832个 printed large over the paragraph that explains the figure: a heading of the
    article, never the headline of a new one."""
    monkeypatch.setattr(headruns, "MODEL", _TreesSayingHeadline())
    arts, _ = ingest_text(page("城市植树添新绿", STORY_A, STORY_A2, "40.2%",
                               "全市建成区绿化覆盖率达到40.2%，比五年前提高了六个百分点。", "湿地公园迎客来", STORY_B, STORY_B2))
    assert [a.title for a in arts] == ["城市植树添新绿", "湿地公园迎客来"]
    assert "## 40.2%" in arts[0].body


def test_an_order_or_a_speaker_under_a_headline_opens_the_body():
    """中华人民共和国主席令 under a law's title, 某市某区委书记某某代表 under a column's name: the
    body's first line (the order enacting the law, the speaker of what follows), not a subtitle;
    a line reporting that someone met deputies (…会见…代表) stays a headline line."""
    arts, _ = ingest_text(page("某市城市绿化条例", "某市人民政府令", "《某市城市绿化条例》已经市人民代表大会常务委员会通过，现予公布。"))
    assert arts[0].title == "某市城市绿化条例" and arts[0].subtitle is None
    assert body_plain(arts[0].body).startswith("某市人民政府令")
    arts, _ = ingest_text(page("议民生·话绿化", "某市某区委书记王大明代表", "“城市绿化要见缝插绿，让群众推窗见绿。”"))
    assert arts[0].title == "议民生·话绿化" and body_plain(arts[0].body).startswith("某市某区委书记王大明代表")
    arts, _ = ingest_text(page("全市植树工作总结会议举行", "市长亲切会见植树志愿者代表", STORY_A))
    assert "市长亲切会见植树志愿者代表" in (arts[0].kicker, arts[0].title, arts[0].subtitle)
