"""What a reader sees named and linked: 版面 labels, article neighbours, citations, permalinks,
on-this-day pages and the issue calendar (plan and rendered HTML, no browser)."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import BASE, sample_articles, site_config
from site_builder.plan import ArticleContext, PageViewContext, plan_site


def _plan(tmp_path: Path, articles=None, **overrides):
    return plan_site(articles or sample_articles(), site_config(tmp_path, **overrides))


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
