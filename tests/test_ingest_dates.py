"""Datelines and EDTF dates: exactly what the text and the issue date support."""
import pytest
from ingest_helpers import ingest_text

from site_builder.ingest.dates import article_date, article_dates, find_dateline, years_in_text
from site_builder.edtf import format_edtf, format_zh, parse_edtf
from site_builder.model import PageMeta
from site_builder.ingest.seeds import page_meta_from_name


def date_of(first_paragraph: str, published: str | None = None, rest: str = "") -> str:
    dl = find_dateline(first_paragraph)
    return format_edtf(article_date(dl, published, first_paragraph, first_paragraph + rest))


@pytest.mark.parametrize("text, published, expected", [
    ("本报讯 7月18日,会议召开。", None, "XXXX-07-18"),  # day and month printed, year unknown
    ("本报讯 7月18日,会议召开。", "2020-07-19", "2020-07-19"),  # a known issue date is the date
    ("本报北京1月18日电（记者葛孟超）数据发布。", "2020-01-19", "2020-01-19"),
    ("3月7日上午,2023年度工作会议召开。", None, "2023-03-07"),  # the lead names the event's year
    ("3月7日上午,区里召开2023年度工作会议。", None, "2023-03-07"),
    ("昨日上午,座谈会召开。", None, "XXXX"),  # 昨日 resolves only against a known issue date
    ("昨日上午,座谈会召开。", "2014-12-20", "2014-12-20"),
    ("日前,会议召开。", None, "XXXX"),
    ("近日,会议召开。", "2020-05-10", "2020-05-10"),
    ("会议召开。", "2020-05-10", "2020-05-10"),
    ("本报讯 十二月三日,会议召开。", None, "XXXX-12-03"),
])
def test_article_dates(text, published, expected):
    assert date_of(text, published) == expected


def test_future_years_are_not_the_article_year():
    assert years_in_text("到2035年基本实现现代化,2023年要抓好八项工作") == [2023]


@pytest.mark.parametrize("lead, rest", [
    ("新华社内罗毕2月11日电 非洲联盟重申《2063年议程》目标。", ""),  # a programme named by a year
    ("本报北京10月22日电 2018年全国银行网点覆盖率达96%。", ""),  # last year's figure
    ("本报北京10月1日电 1949年10月1日，新中国成立。", ""),  # another day of another year
    ("本报讯 1月24日，会议召开。", "会议回顾了1520年以来的城市史，展望2035年远景目标。"),
])
def test_years_printed_in_the_text_never_date_the_article(lead, rest):
    assert date_of(lead, rest=rest).startswith("XXXX-")


@pytest.mark.parametrize("published, dateline, dateline_date", [
    ("2020-02-11", "本报北京2月10日电 会谈举行。", "2020-02-10"),
    ("2021-01-02", "本报讯 12月30日,会议召开。", "2020-12-30"),  # a dateline after the issue date: last year
    ("2020-07-19", "昨日上午,座谈会召开。", "2020-07-18"),
    ("2020-05-10", "本报北京3月2日电 会谈举行。", None),  # over a month before its issue: a misreading
    ("2020-05-10", "近日,会议召开。", None),
])
def test_dateline_day_is_kept_beside_the_issue_date(published, dateline, dateline_date):
    dates = article_dates(find_dateline(dateline), published, dateline)
    assert format_edtf(dates.date) == published
    assert (format_edtf(dates.dateline_date) if dates.dateline_date else None) == dateline_date


def test_no_date_in_the_future_of_the_build():
    lead = "本报讯 3月7日上午,区里召开2999年度工作会议。"
    assert format_edtf(article_date(find_dateline(lead), None, lead)) == "XXXX-03-07"
    lead = "3月7日上午,区里召开2999年度工作会议。"
    assert format_edtf(article_date(find_dateline(lead), None, lead)) == "XXXX"


@pytest.mark.parametrize("lead", [
    "10月4日，湖面上的小船载着游客缓缓驶过石桥。",  # a photo caption names the day it was taken
    "十月十二日，少年组的比赛在体育馆开场。",
    "1983年5月20日，第一台机组在峡谷里开始发电。",  # a day of another time, printed with its year
    "2019年9月25日，这家公司迎来上市一周年。",
])
def test_a_bare_opening_date_does_not_date_an_article_without_its_issue(lead):
    """Only an agency dateline (…电, 本报讯) is filed for the issue; a bare date opening a
    feature or a photo is the day of the event it shows, which may be long before."""
    when = article_dates(find_dateline(lead), None, lead)
    assert format_edtf(when.date) == "XXXX"
    assert when.dateline_date is not None and when.dateline_date.day is not None  # kept beside it


PAGE_OF_OCTOBER = """

乡间小路修到家门口

本报兰州10月8日电  山区的村道今年全部完成硬化，村民赶集不再绕远路。

镇上还为村里配了两辆班车，每天早晚各发一趟。

（记者 王小明）

电站的四十年

1983年5月20日，第一台机组在峡谷里开始发电，照亮了两岸的村庄。

如今电站已完成改造，发电量比当年翻了一番。

"""


def test_dates_on_a_page_without_its_issue_agree_with_its_datelines():
    # (the report above is signed, so the heading over 1983年… opens an article whatever the
    # heading-run model makes of a one-line head under two short paragraphs)
    arts, _ = ingest_text(PAGE_OF_OCTOBER)
    assert [a.date for a in arts] == ["XXXX-10-08", "XXXX"]
    assert arts[1].dateline_date == "1983-05-20"


def test_years_that_disagree_on_one_page_are_all_dropped():
    from site_builder.ingest.dates import EdtfDate, PageDate, agree_on_page

    page = [PageDate(EdtfDate(2018, 10, 1), EdtfDate(None, 10, 1), True),
            PageDate(EdtfDate(2019, 9, 30), EdtfDate(None, 9, 30), True),
            PageDate(EdtfDate(2019, 9, 29), EdtfDate(None, 9, 29), False)]
    assert [format_edtf(a.date) for a in agree_on_page(page)] == ["XXXX-10-01", "XXXX-09-30", "XXXX"]


def test_the_page_anchor_reads_datelines_across_a_new_year():
    from site_builder.ingest.dates import EdtfDate, PageDate, agree_on_page

    page = [PageDate(EdtfDate(None, 12, 30), EdtfDate(None, 12, 30), True),
            PageDate(EdtfDate(None, 1, 2), EdtfDate(None, 1, 2), True),
            PageDate(EdtfDate(2020, 12, 20), EdtfDate(None, 12, 20), False),
            PageDate(EdtfDate(2020, 6, 1), EdtfDate(None, 6, 1), False)]
    assert [format_edtf(a.date) for a in agree_on_page(page)] == ["XXXX-12-30", "XXXX-01-02", "2020-12-20", "XXXX"]


def test_present_year_of_the_text_dates_a_dateline_without_one():
    lead = "2月2日,区人大常委会向大会报告工作。"
    rest = "2020年是收官之年。2021年是开局之年。到2035年基本实现现代化。"
    assert date_of(lead, rest=rest) == "2021-02-02"


def test_dateline_words_are_kept():
    assert find_dateline("本报讯 7月18日,郑州").text == "本报讯 7月18日"
    assert find_dateline("昨日上午,郑州").text == "昨日上午"
    assert find_dateline("会议指出,要加强学习") is None


def test_a_day_of_this_week_is_not_a_dateline():
    """本周六 announces a day that may be still to come; 本周 alone is the week of the issue."""
    assert find_dateline("本周六，市人才市场将举办春季招聘会") is None
    assert find_dateline("上周末，全市迎来降温") is None
    assert find_dateline("本周，全市迎来降温").text == "本周"


@pytest.mark.parametrize("value, zh", [
    ("2023-03-07", "2023年3月7日"), ("2021", "2021年"), ("XXXX-07-18", "7月18日（年份不详）"),
    ("2014?", "2014年（推断）"), ("XXXX", "日期不详"), ("2020-05~", "2020年5月（约）"),
])
def test_edtf_round_trip_and_chinese(value, zh):
    parsed = parse_edtf(value)
    assert parsed is not None and format_edtf(parsed) == value and format_zh(value) == zh


@pytest.mark.parametrize("bad", ["2023-13-01", "2023-02-30", "23-01-01", "yesterday", "2023/01/01"])
def test_edtf_rejects_invalid(bad):
    assert parse_edtf(bad) is None


@pytest.mark.parametrize("stem, published, page", [
    ("20200115-04", "2020-01-15", "04"), ("2020-01-15_04", "2020-01-15", "04"),
    ("20200115", "2020-01-15", None), ("000_cfd272d51e849c41", None, None), ("20201345-01", None, None),
])
def test_publication_date_from_file_name(stem, published, page):
    meta = page_meta_from_name(stem)
    assert (meta.published, meta.page) == (published, page)


def test_published_date_flows_into_articles():
    arts, _ = ingest_text("全市部署春季植树造林\n\n本报讯 昨日上午,市政府召开全市春季植树造林工作会议。\n",
                          stem="20200316-02", meta=PageMeta(published="2020-03-16", page="02"))
    assert arts[0].date == "2020-03-16" and arts[0].dateline_date == "2020-03-15" and arts[0].published == "2020-03-16" and arts[0].page == "02"
    assert arts[0].id == "20200316-02-01"


def test_articles_of_a_dated_page_share_its_issue_date():
    page = ("会议召开\n\n本报讯 3月2日,会议召开。\n\n记者 张三\n\n工地复工\n\n昨日,工地复工。\n\n"
            "记者 李四\n\n春耕开始\n\n春耕开始了。\n")
    arts, _ = ingest_text(page, stem="20200303-02", meta=PageMeta(published="2020-03-03", page="02"))
    assert [a.date for a in arts] == ["2020-03-03"] * 3


@pytest.mark.parametrize("lead, printed, month", [
    ("【本报讯】3月14日是周末，市区各大公园迎来赏花高峰。", "【本报讯】3月14日", 3),
    ("〔本报北京3月4日电〕记者从有关部门获悉，春耕备耕有序推进。", "〔本报北京3月4日电〕", 3),
    ("■本报讯 记者昨日从市住建局获悉，今年将改造老旧小区。", "■本报讯", None),
])
def test_a_dateline_in_brackets_or_after_a_mark_is_an_agency_dateline(lead, printed, month):
    from site_builder.ingest.dates import find_dateline

    dateline = find_dateline(lead)
    assert dateline is not None and dateline.text == printed and dateline.agency and dateline.strong
    assert dateline.month == month


def test_a_bracketed_agency_dateline_opens_an_article_after_a_finished_one():
    from ingest_helpers import ingest_text

    text = "\n\n".join(["公园客流创新高", "本报讯 3月14日，市区各大公园迎来赏花高峰。游客比去年同期增长两成。",
                        "老旧小区改造今年再启动", "【本报讯】记者昨日从市住建局获悉，今年全市计划改造老旧小区120个。"])
    arts, _ = ingest_text(text)
    assert [a.title for a in arts] == ["公园客流创新高", "老旧小区改造今年再启动"]
    assert arts[1].dateline == "【本报讯】"
