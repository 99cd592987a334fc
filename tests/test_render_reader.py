"""What a reader sees named and linked: 版面 labels, article neighbours, citations, permalinks,
on-this-day pages and the issue calendar (plan and rendered HTML, no browser)."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from conftest import BASE, sample_articles, site_config
from site_builder.plan import ArticleContext, PageViewContext, plan_site


def _plan(tmp_path: Path, articles=None, **overrides):
    return plan_site(articles or sample_articles(), replace(site_config(tmp_path), **overrides))


def _page_refs(planned) -> dict:
    return {p.context.page.source: p.context.page for p in planned
            if isinstance(p.context, PageViewContext)}


def _html(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html).group(1)


# ---------------------------------------------------------------- 版面 labels

def test_a_page_is_named_by_what_is_known_of_it(tmp_path):
    refs = _page_refs(_plan(tmp_path))
    assert refs["seeds/p1.txt"].full_label == "城市日报 2021年3月7日 第01版 要闻"
    assert refs["seeds/p1.txt"].label == "第01版 要闻"  # under its issue
    assert refs["seeds/p4.txt"].full_label == "版面 p4"  # no issue date, no 版次: the seed name


def test_a_page_without_an_issue_is_named_by_its_seed_never_a_title(tmp_path):
    articles = [a for a in sample_articles() if a.source == "seeds/p4.txt"]
    for a in articles:
        a.page = "03"
        a.page_name = "综合"
    refs = _page_refs(_plan(tmp_path, articles))
    label = refs["seeds/p4.txt"].full_label
    assert label == "版面 p4 第03版 综合"
    assert not any(a.title in label for a in articles)


def test_the_page_label_is_the_same_everywhere(built_site):
    label = "版面 p4"
    page_view = _html(built_site, "page/p4")
    assert _title(page_view).startswith(label + " · ")
    article = _html(built_site, "a/p4-01")
    assert article.count(f">{label}</a>") >= 2  # breadcrumb and the meta line
    assert f">{label}</a>" in _html(built_site, "")  # home 往期
    assert f">{label}</a>" in _html(built_site, "page")
    for html in (page_view, article, _html(built_site, ""), _html(built_site, "page")):
        assert "所在版面" not in html
        assert not re.search(r">[^<>]*出版日期不详[^<>]*</a>", html), "a page named by what is unknown"


# ---------------------------------------------------------------- the article page

def _article_contexts(planned) -> dict[str, ArticleContext]:
    return {p.context.article.id: p.context for p in planned if isinstance(p.context, ArticleContext)}


def test_neighbours_on_the_page_and_in_time_never_coincide(tmp_path):
    contexts = _article_contexts(_plan(tmp_path))
    for ctx in contexts.values():
        on_page = {a.id for a in (ctx.prev_on_page, ctx.next_on_page) if a}
        in_time = {a.id for a in (ctx.prev_in_time, ctx.next_in_time) if a}
        assert not on_page & in_time, ctx.article.id
        assert all(a.source != ctx.article.source for a in (ctx.prev_in_time, ctx.next_in_time) if a)
    first = contexts["p1-01"]
    assert first.next_on_page.id == "p1-02"
    assert first.next_in_time.id == "p3-01", "the lead article of the next later date"
    assert contexts["p2-01"].next_in_time.id == "p3-01"
    assert contexts["p3-01"].prev_in_time.id == "p1-01", "the earlier day's lead, not its last article"


def test_citation_names_newspaper_date_and_page_in_gbt_7714_and_bibtex(tmp_path):
    ctx = _article_contexts(_plan(tmp_path, site_url="https://archive.city-daily.cn/"))["p1-01"]
    assert ctx.citation.gbt == "王小明, 李华. 城市人大代表会议召开[N]. 城市日报, 2021-03-07(01)."
    bib = ctx.citation.bibtex
    assert bib.startswith("@article{p1-01,") and bib.endswith("}")
    for field in ("author = {王小明 and 李华}", "title = {城市人大代表会议召开}", "journal = {城市日报}",
                  "date = {2021-03-07}", "pages = {01}", "url = {https://archive.city-daily.cn/a/p1-01/}"):
        assert field in bib
    assert ctx.permalink == "https://archive.city-daily.cn/a/p1-01/"


def test_citation_says_what_is_unknown_and_never_guesses_the_issue(tmp_path):
    ctx = _article_contexts(_plan(tmp_path))["p4-01"]  # dated 2020, on a page of no known issue
    assert ctx.citation.gbt == "只知年份的回顾文章[N]. [出版者不详], [出版日期不详]."
    assert "date =" not in ctx.citation.bibtex


def test_a_placeholder_site_url_is_never_a_permalink_and_the_build_says_so(corpus_config):
    from site_builder.build.site import build_site

    assert "example.org" in corpus_config.site_url  # the test config's placeholder
    result = build_site(corpus_config)
    assert result.ok
    assert any("site_url is unset" in d.message and d.severity == "warning" for d in result.diagnostics)
    assert "site_url is unset" in result.summary()
    html = _html(Path(corpus_config.output_dir), "a/p1-01")
    assert 'class="permalink" href="/a/p1-01/"' in html
    assert "example.org" not in html, "no canonical link or permalink on the placeholder host"


def test_a_real_site_url_gives_absolute_permalinks_and_no_warning(tmp_path):
    from conftest import write_corpus
    from site_builder.build.site import build_site

    write_corpus(tmp_path / "content", sample_articles())
    result = build_site(replace(site_config(tmp_path), site_url="https://archive.city-daily.cn/"))
    assert result.ok and not any("site_url" in d.message for d in result.diagnostics)
    html = _html(tmp_path / "output", "a/p1-01")
    assert 'class="permalink" href="https://archive.city-daily.cn/a/p1-01/"' in html
    assert '<link rel="canonical" href="https://archive.city-daily.cn/a/p1-01/">' in html


# ---------------------------------------------------------------- 历史上的今天, 往期回顾

def _by_path(planned) -> dict:
    return {p.path: p for p in planned}


def test_on_this_day_lists_what_was_printed_on_each_month_day(tmp_path):
    pages = _by_path(_plan(tmp_path))
    march = pages["on-this-day/03-07/"].context
    assert [g.label for g in march.groups] == ["2021年"]
    assert [a.id for a in march.groups[0].items] == ["p1-01", "p1-02", "p2-01"]  # print order
    july = pages["on-this-day/07-18/"].context
    assert {a.id for g in july.groups for a in g.items} == {"p3-01", "p3-02"}  # by issue date
    assert march.next_day.path == "on-this-day/07-18/" and march.prev_day is None
    shown = {a.id for p in pages.values() if p.template == "on_this_day.html"
             for g in p.context.groups for a in g.items}
    assert not shown & {"p4-01", "p4-02", "p4-03"}, "no whole day is known for these"
    index = pages["on-this-day/"].context
    assert [(m, [c.name for c in days]) for m, days in index.months] == [(3, ["7日"]), (7, ["18日"])]


def test_issue_calendar_links_each_issue_and_pages_link_the_next_and_previous_issue(built_site):
    calendar = _html(built_site, "issues/2021")
    assert f'href="{BASE}issues/2021-03-07/"' in calendar
    assert f'href="{BASE}issues/2022/"' in calendar
    assert f'href="{BASE}issues/2021/"' in _html(built_site, "issues")
    newer = _html(built_site, "page/p3")  # 2022-07-18 第01版: the older issue's 第01版
    assert f'<a href="{BASE}page/p1/">城市日报 2021年3月7日 第01版 要闻</a>' in newer
    older = _html(built_site, "page/p1")
    assert f'<a href="{BASE}page/p3/">城市日报 2022年7月18日 第01版 要闻</a>' in older
    assert f'href="{BASE}issues/2021/"' in older


def test_each_calendar_day_lists_the_pages_of_its_issue_linked(built_site):
    calendar = _html(built_site, "issues/2021")
    day = re.search(r'<li class="on"[^>]*><a class="d" href="[^"]*issues/2021-03-07/".*?</ul></li>', calendar, re.S)
    assert day, "the issue day of 2021-03-07 is not in the calendar"
    pages = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', day.group(0))
    assert pages == [(f"{BASE}page/p1/", "第01版 要闻"), (f"{BASE}page/p2/", "第02版 民生")]
    assert "个版面" not in calendar and "版</small>" not in calendar, "a count instead of the pages"


def _many_on_one_day(n: int) -> list:
    """n articles printed on 3月7日 over several years, 4 to a page."""
    from site_builder.model import Article
    out = []
    for i in range(n):
        year = 2000 + i % 7
        page = i // 4
        out.append(Article(id=f"d{i:04d}", source=f"seeds/{year}0307-{page:03d}.txt", order=i % 4 + 1,
                           title=f"第{i}篇", date=f"{year}-03-07", published=f"{year}-03-07", page=f"{page % 20 + 1:02d}"))
    return out


def test_on_this_day_pages_paginate_like_every_listing(tmp_path):
    from site_builder.plan import LIST_PAGE_SIZE
    articles = _many_on_one_day(2 * LIST_PAGE_SIZE + 30)
    planned = [p for p in _plan(tmp_path, articles) if p.template == "on_this_day.html"]
    assert [p.path for p in planned] == ["on-this-day/03-07/", "on-this-day/03-07/page/2/",
                                         "on-this-day/03-07/page/3/"]
    entries = [a.id for p in planned for g in p.context.groups for a in g.items]
    assert all(sum(len(g.items) for g in p.context.groups) <= LIST_PAGE_SIZE for p in planned)
    assert sorted(entries) == sorted(a.id for a in articles), "each article once"
    years = [int(g.label[:4]) for p in planned for g in p.context.groups]
    assert years == sorted(years, reverse=True), "newest year first, across pages"
    assert planned[1].context.pagination.prev == "on-this-day/03-07/"
    assert all(p.context.count == len(articles) for p in planned)


def test_same_page_number_in_the_neighbouring_issue_else_the_issue(tmp_path):
    views = {p.context.page.source: p.context for p in _plan(tmp_path) if isinstance(p.context, PageViewContext)}
    assert views["seeds/p2.txt"].next_issue.path == "issues/2022-07-18/", "no 第02版 in the newer issue"
    assert views["seeds/p2.txt"].prev_issue is None
    assert views["seeds/p4.txt"].prev_issue is None and views["seeds/p4.txt"].next_issue is None
