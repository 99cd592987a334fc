"""Datelines and EDTF dates: exactly what the text and the issue date support."""
import pytest
from ingest_helpers import ingest_text

from site_builder.dates import article_date, find_dateline, years_in_text
from site_builder.edtf import format_edtf, format_zh, parse_edtf
from site_builder.model import PageMeta
from site_builder.seeds import page_meta_from_name


def date_of(first_paragraph: str, published: str | None = None, rest: str = "") -> str:
    dl = find_dateline(first_paragraph)
    return format_edtf(article_date(dl, published, first_paragraph + rest))


@pytest.mark.parametrize("text, published, expected", [
    ("本报讯 7月18日,会议召开。", None, "XXXX-07-18"),  # day and month printed, year unknown
    ("本报讯 7月18日,会议召开。", "2020-07-19", "2020-07-18"),
    ("本报讯 12月30日,会议召开。", "2021-01-02", "2020-12-30"),  # a dateline after the issue date: last year
    ("本报北京1月18日电（记者葛孟超）数据发布。", "2020-01-19", "2020-01-18"),
    ("3月7日上午,2023年度工作会议召开。", None, "2023-03-07"),  # year printed in the text
    ("昨日上午,座谈会召开。", None, "XXXX"),  # 昨日 resolves only against a known issue date
    ("昨日上午,座谈会召开。", "2014-12-20", "2014-12-19"),
    ("今日,座谈会召开。", "2014-12-20", "2014-12-20"),
    ("日前,会议召开。", None, "XXXX"),
    ("近日,会议召开。", "2020-05-10", "2020-05~"),
    ("会议召开。", "2020-05-10", "2020?"),  # no dateline: only the year is likely
    ("本报讯 十二月三日,会议召开。", None, "XXXX-12-03"),
])
def test_article_dates(text, published, expected):
    assert date_of(text, published) == expected


def test_future_years_are_not_the_article_year():
    assert years_in_text("到2035年基本实现现代化,2023年要抓好八项工作") == [2023]
    assert date_of("3月7日,会议召开。", rest="到2035年基本实现现代化,2023年要抓好工作。") == "2023-03-07"


def test_dateline_words_are_kept():
    assert find_dateline("本报讯 7月18日,郑州").text == "本报讯 7月18日"
    assert find_dateline("昨日上午,郑州").text == "昨日上午"
    assert find_dateline("会议指出,要加强学习") is None


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
    assert arts[0].date == "2020-03-15" and arts[0].published == "2020-03-16" and arts[0].page == "02"
    assert arts[0].id == "20200316-02-01"


def test_page_year_lends_an_uncertain_year():
    page_text = "…2017年工作要点…\n本报讯 1月24日，会议回顾了2016年工作。"
    own = "本报讯 1月24日，会议回顾了2016年工作。"
    assert format_edtf(article_date(find_dateline(own), None, own, page_text)) == "2017-01-24?"
    assert format_edtf(article_date(find_dateline(own), None, own, own)) == "2016-01-24"
    assert format_edtf(article_date(find_dateline("本报讯 1月24日，会议召开。"), None, "会议召开。", "")) == "XXXX-01-24"
