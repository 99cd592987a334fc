"""Segmentation, column-break repair, headlines and bylines on small pages written here."""
import pytest

from ingest_helpers import accounted, ingest_text, nonspace

from site_builder.ingest.bylines import is_byline, parse_byline, split_dateline_byline, split_trailing_byline
from site_builder.ingest.extract import assign_headline
from site_builder.model import Line

PARA_A = "本报讯 3月5日上午,市政府召开全市春季植树造林工作会议,安排部署今年的国土绿化任务。副市长王建国出席会议并讲话。"
PARA_B = "会议要求,各级各部门要提高认识,加强领导,确保完成全年造林任务。"
PARA_C = "据了解,今年全市计划完成造林面积十万亩,新建绿色廊道一百公里。"


def page(*blocks: str) -> str:
    return "\n\n".join(blocks) + "\n"


def test_single_line_headline_and_closing_byline():
    arts, _ = ingest_text(page("全市部署春季植树造林", PARA_A, PARA_B, "记者 张伟 通讯员 李娜"))
    assert len(arts) == 1
    a = arts[0]
    assert a.title == "全市部署春季植树造林" and a.kicker is None and a.subtitle is None
    assert a.reporters == ["张伟"] and a.correspondents == ["李娜"]
    assert "张伟" not in a.body and a.body.startswith("本报讯 3月5日上午")


def test_two_line_stack_is_kicker_and_title():
    arts, _ = ingest_text(page("绿化家园 共建美丽城市", "全市部署春季植树造林", PARA_A))
    assert (arts[0].kicker, arts[0].title) == ("绿化家园 共建美丽城市", "全市部署春季植树造林")


def test_dash_subtitle_line_and_title_dash_subtitle_on_one_line():
    arts, _ = ingest_text(page("全市部署春季植树造林", "——今年计划造林十万亩", PARA_A))
    assert (arts[0].title, arts[0].subtitle) == ("全市部署春季植树造林", "——今年计划造林十万亩")
    arts, _ = ingest_text(page("全市部署春季植树造林 ——今年计划造林十万亩", PARA_A))
    assert (arts[0].title, arts[0].subtitle) == ("全市部署春季植树造林", "——今年计划造林十万亩")


def test_three_line_stack_keeps_every_line():
    kicker, title, subtitle = assign_headline([Line(1, "春风十里绿满城"), Line(2, "全市部署春季植树造林工作 确保完成全年任务"),
                                               Line(3, "计划造林十万亩")])
    assert title == "全市部署春季植树造林工作 确保完成全年任务"
    assert kicker == "春风十里绿满城" and subtitle == "计划造林十万亩"


def test_subheadings_and_year_lines_stay_in_the_article():
    arts, _ = ingest_text(page("全市部署春季植树造林", PARA_A, "2020", "完成造林任务", PARA_B, "推进绿色廊道建设", PARA_C,
                               "记者 张伟"))
    assert len(arts) == 1
    assert "## 2020" in arts[0].body and "## 完成造林任务" in arts[0].body and "## 推进绿色廊道建设" in arts[0].body


def test_new_article_after_closing_byline_and_by_dateline():
    second = "本报北京1月18日电（记者葛孟超）国家统计局今天发布数据,去年全国粮食总产量再创新高。"
    arts, _ = ingest_text(page("全市部署春季植树造林", PARA_A, "记者 张伟", "粮食总产量再创新高", second, PARA_C))
    assert [a.title for a in arts] == ["全市部署春季植树造林", "粮食总产量再创新高"]
    assert arts[1].reporters == ["葛孟超"]
    assert arts[1].body.startswith("本报北京1月18日电国家统计局")
    assert arts[1].dateline == "本报北京1月18日电"


def test_column_break_joins_cut_sentence():
    cut = "会议要求,各级各部门要提高认识,加强领导,确保完成全年造"
    arts, _ = ingest_text(page("全市部署春季植树造林", PARA_A, cut, "林任务,做到栽一棵活一棵。"))
    assert "确保完成全年造林任务,做到栽一棵活一棵。" in arts[0].body


def test_column_break_joins_across_a_subheading_printed_inside_the_sentence():
    cut = "会议要求,各级各部门要加强领导,确保完成全年造林任务,做好苗木调配和后"
    arts, _ = ingest_text(page("全市部署春季植树造林", PARA_A, cut, "推进绿色廊道建设", "期管护工作,做到栽一棵活一棵。", PARA_C))
    body = arts[0].body
    assert "做好苗木调配和后期管护工作" in body
    assert "## 推进绿色廊道建设" in body
    assert body.index("后期管护") < body.index("## 推进绿色廊道建设")


def test_short_cut_half_is_not_a_subheading():
    # The first half is short, but 建|设 runs across the break: one paragraph.
    arts, _ = ingest_text(page("全市部署春季植树造林", PARA_A, "市级层面建立了重大项目建", "设协调推进例会制度,由副市长主持。"))
    assert "市级层面建立了重大项目建设协调推进例会制度" in arts[0].body
    assert "## " not in arts[0].body


def test_section_label_and_trailing_furniture():
    arts, result = ingest_text(page("要闻", "全市部署春季植树造林", PARA_A, PARA_B, "绿水青山 美好家园", "【走进新时代】"))
    assert result.layout.section == "要闻" and arts[0].section == "要闻"
    assert [l.text for l in result.layout.furniture] == ["绿水青山 美好家园", "【走进新时代】"]
    assert "绿水青山" not in arts[0].body


def test_page_without_headline_is_kept_and_reported():
    arts, result = ingest_text(page(PARA_A, PARA_B))
    assert len(arts) == 1 and arts[0].title
    assert any("no recognisable headline" in d.message and d.line == 1 for d in result.layout.diagnostics)


def test_byline_forms():
    assert is_byline("记者 马燕 通讯员 李盼 文/图")
    assert not is_byline("记者手记") and not is_byline("持续抓好八项重点工作")
    b = parse_byline("记者 张改华 通讯员 孙飞 张黎/文 刘赛/图")
    assert (b.reporters, b.correspondents, b.writers, b.photographers) == (["张改华"], ["孙飞"], ["张黎"], ["刘赛"])
    assert parse_byline("□某某报业集团记者 程玉峰 李颖").reporters == ["程玉峰", "李颖"]
    assert parse_byline("本报记者 王浩 摄").photographers == ["王浩"]
    b = parse_byline("文·图/张晓")  # one person's words and pictures, joined by a middle dot
    assert is_byline("文·图/张晓") and (b.writers, b.photographers) == (["张晓"], ["张晓"])
    assert split_trailing_byline("会议进行了讨论。记者 马雁 李江 通讯员 时军昌") == ("会议进行了讨论。", "记者 马雁 李江 通讯员 时军昌")
    assert split_trailing_byline("他说。（记者 张三）") == ("他说。", "（记者 张三）")
    assert split_trailing_byline("会议强调,要加强学习。") == ("会议强调,要加强学习。", None)
    assert split_dateline_byline("本报讯(记者 李娜 袁帅)昨日上午,会议召开") == ("本报讯昨日上午,会议召开", "(记者 李娜 袁帅)")
    assert split_dateline_byline("商都路党工委(办)举行仪式") == ("商都路党工委(办)举行仪式", None)


def test_byline_trailing_first_paragraph_does_not_end_article():
    arts, _ = ingest_text(page("全市部署春季植树造林", PARA_A + "记者 张伟", "完成造林任务", PARA_B))
    assert len(arts) == 1 and arts[0].reporters == ["张伟"]
    assert "## 完成造林任务" in arts[0].body


def test_every_character_is_accounted_for():
    text = page("要闻", "绿化家园", "全市部署春季植树造林", PARA_A + "记者 张伟", "完成造林任务", "会议要求,各级各部门要加强领导,确保完成全年造",
                "林任务,做到栽一棵活一棵。", "记者 张伟 通讯员 李娜 文/图", "粮食总产量再创新高",
                "本报讯(记者 王芳)昨日,全市粮食工作会议召开。", "【广告】")
    _, result = ingest_text(text)
    assert accounted(result) == nonspace(text)


def test_imprint_and_editor_credits_are_furniture_and_fill_the_issue_data(tmp_path):
    from site_builder.ingest.seeds import read_seed

    text = page("春运首日客流平稳有序", "本报记者 陆娅楠", "1月10日，春运正式拉开帷幕。铁路部门加开旅客列车。",
                "《 某某日报 》（ 2020年01月15日   04 版）", "本版责编：张三  李四")
    seed = tmp_path / "p.txt"
    seed.write_text(text, encoding="utf-8")
    meta = read_seed(seed, tmp_path).page.meta
    assert (meta.published, meta.page, meta.newspaper) == ("2020-01-15", "04", "某某日报")
    arts, result = ingest_text(text, meta=meta)
    assert len(result.layout.furniture) == 2 and "某某日报" not in arts[0].body
    assert arts[0].reporters == ["陆娅楠"] and (arts[0].date, arts[0].dateline_date) == ("2020-01-15", "2020-01-10")
    assert accounted(result) == nonspace(text)


def test_page_header_is_furniture_and_gives_the_issue(tmp_path):
    from site_builder.ingest.seeds import read_seed

    text = page("某某日报 2020年01月15日 星期三 第04版 要闻", "春运首日客流平稳有序",
                "本报讯 1月10日，春运正式拉开帷幕。铁路部门加开旅客列车。")
    seed = tmp_path / "p.txt"
    seed.write_text(text, encoding="utf-8")
    meta = read_seed(seed, tmp_path).page.meta
    assert (meta.published, meta.page, meta.newspaper) == ("2020-01-15", "04", "某某日报")
    arts, result = ingest_text(text, meta=meta)
    assert arts[0].title == "春运首日客流平稳有序" and arts[0].kicker is None
    assert [l.text for l in result.layout.furniture] == ["某某日报 2020年01月15日 星期三 第04版 要闻"]


def test_a_national_daily_page(tmp_path):
    """Full-width text indented with ideographic spaces, an e-paper header and imprint, a
    ——subtitle interview with a head byline, a 本报北京…电（记者…） story with a photo credit,
    a commentary signed 本报评论员, and a wire brief with no headline."""
    from pathlib import Path

    from site_builder.ingest.seeds import read_seed

    source = Path(__file__).with_name("national_daily_page.txt")
    seed = tmp_path / "20200118-02.txt"
    seed.write_bytes(source.read_bytes())
    page_ = read_seed(seed, tmp_path).page
    arts, result = ingest_text(page_.text, stem="20200118-02", meta=page_.meta)
    assert [a.title for a in arts][:3] == ["加快建设现代化经济体系", "全国冬春农田水利建设有序推进", "让群众过一个欢乐祥和的春节"]
    assert arts[0].subtitle == "——访国家发展改革委主任何立峰" and arts[0].reporters == ["陆娅楠"]
    assert arts[0].people == ["何立峰"] and "## 新闻链接" in arts[0].body
    assert "效率变革" in arts[0].body and "为主线，推动经济发展" in arts[0].body  # column break
    assert arts[1].dateline == "本报北京1月17日电" and (arts[1].date, arts[1].dateline_date) == ("2020-01-18", "2020-01-17")
    assert arts[1].reporters == ["郁静娴"] and arts[1].photographers == ["汤德宏"]
    assert arts[2].byline == "本报评论员" and "新华社" not in arts[2].body
    assert len(arts) == 4 and arts[3].reporters == ["安蓓"] and arts[3].body.startswith("新华社北京1月17日电")
    assert page_.meta.newspaper == "人民日报" and len(result.layout.furniture) == 2
    assert accounted(result) == nonspace(page_.text)


def test_a_first_paragraph_cut_short_is_not_a_headline():
    arts, _ = ingest_text(page("全市部署春季植树造林", "本报北京5月20日电 （记者蒋璇）市林业局组织召开2",
                               "020年春季植树造林工作会议。会议要求加强领导。"))
    assert len(arts) == 1 and arts[0].title == "全市部署春季植树造林"
    assert "组织召开2020年春季植树造林工作会议" in arts[0].body and arts[0].reporters == ["蒋璇"]


@pytest.mark.parametrize("label, number, name", [("第3版 要闻", "3", "要闻"), ("第04版：国际", "04", "国际"),
                                               ("A04 要闻", "A04", "要闻"), ("体育 第12版", "12", "体育")])
def test_a_page_label_above_the_page_is_furniture_and_names_the_page(tmp_path, label, number, name):
    from site_builder.ingest.seeds import read_seed

    text = page(label, "2020年5月3日 星期日", "春运首日客流平稳有序",
                "本报讯 5月1日，春运正式拉开帷幕。铁路部门加开旅客列车。")
    seed = tmp_path / "p.txt"
    seed.write_text(text, encoding="utf-8")
    meta = read_seed(seed, tmp_path).page.meta
    assert (meta.published, meta.page, meta.page_name) == ("2020-05-03", number, name)
    arts, result = ingest_text(text, meta=meta)
    assert [a.title for a in arts] == ["春运首日客流平稳有序"]
    assert label in [l.text for l in result.layout.furniture]


def test_an_editors_note_above_a_headline_opens_the_article_it_introduces():
    text = page("编者按：本报今起推出系列报道，走进基层一线，记录新年里的新变化。",
                "奋斗新征程", "——来自基层一线的报道之一",
                "清晨六点，城东的工地上已是一片忙碌。工人们正在为一座新学校浇筑地基。",
                "市政协召开常委会议",
                "本报讯 3月15日，市政协召开常委会议，审议通过了年度工作要点。",
                "编者按：下面这组文章，记录了几位普通人的一天。",
                "菜市场里的早晨",
                "天还没亮，菜市场已经热闹起来。摊主们忙着摆放新鲜蔬菜。")
    arts, result = ingest_text(text)
    assert [a.title for a in arts] == ["奋斗新征程", "市政协召开常委会议", "菜市场里的早晨"]
    assert arts[0].body.startswith("编者按：本报今起推出系列报道") and "编者按" not in arts[1].body
    assert arts[2].body.startswith("编者按：下面这组文章") and "编者按" not in arts[0].tags
    assert accounted(result) == nonspace(text)


def test_a_column_of_briefs_is_one_article_per_brief():
    text = page("市政协召开常委会议",
                "本报讯 3月15日，市政协召开常委会议，审议通过了年度工作要点。",
                "简讯",
                "●全市首个智慧停车场投用 日前，位于老城区的智慧停车场正式投入使用，可提供车位300个。（记者 钱伟）",
                "●春季招聘会本周六举行 本周六，市人才市场将举办春季大型招聘会，预计提供岗位5000余个。（记者 吴琳）",
                "■ 要坚持稳中求进，统筹发展和安全，这一条是列表里的一项，不是简讯。")
    arts, result = ingest_text(text)
    assert [a.title for a in arts] == ["市政协召开常委会议", "全市首个智慧停车场投用", "春季招聘会本周六举行"]
    assert "简讯" not in arts[0].body and [a.reporters for a in arts[1:]] == [["钱伟"], ["吴琳"]]
    assert arts[2].body.startswith("本周六") and "列表里的一项" in arts[2].body
    assert accounted(result) == nonspace(text)


@pytest.mark.parametrize("jump", ["（下转第4版）", "(转A4版)", "（紧转二版）"])
def test_a_jump_to_another_page_ends_the_article_and_is_no_headline(jump):
    text = page("全市一季度经济运行稳中向好",
                "本报讯 记者从市统计局获悉，一季度全市地区生产总值同比增长8.2%。社会消费品零售总额增长",
                jump, "春季植树活动启动", "本报讯 3月12日，全市春季义务植树活动在城北生态园启动。")
    arts, result = ingest_text(text)
    assert [(a.kicker, a.title) for a in arts] == [(None, "全市一季度经济运行稳中向好"), (None, "春季植树活动启动")]
    assert arts[0].body.rstrip().endswith(jump)
    assert accounted(result) == nonspace(text)


def test_a_front_page_index_is_furniture_and_names_no_page(tmp_path):
    from site_builder.ingest.seeds import read_seed

    text = page("今日导读", "我市启动城市更新三年行动 2版", "春耕备耕有序推进 3版", "社区食堂 5版",
                "全市重点项目集中开工", "本报讯 3月16日，全市一季度重点项目集中开工活动举行，共有86个项目开工。")
    seed = tmp_path / "p.txt"
    seed.write_text(text, encoding="utf-8")
    meta = read_seed(seed, tmp_path).page.meta
    assert (meta.page, meta.page_name) == (None, None)  # an index lists other pages, not this one
    arts, result = ingest_text(text, meta=meta)
    assert [a.title for a in arts] == ["全市重点项目集中开工"]
    assert len(result.layout.furniture) == 4 and accounted(result) == nonspace(text)
