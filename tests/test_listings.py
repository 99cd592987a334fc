"""Listing pages: one order everywhere (dated newest first, partial dates by what is known,
undated last in their own group), pages of at most about 200 entries, and a timeline chart
that stays readable for any spread of years."""
from __future__ import annotations

import random
from collections import defaultdict

import pytest

from site_builder.config import Config
from site_builder.model import Article
from site_builder.plan import (LIST_PAGE_SIZE, UNDATED_LABEL, CHART_MAX_TICKS, MonthContext, PagesIndexContext,
                               PeopleIndexContext, PersonContext, ReporterContext, ReportersIndexContext,
                               TagContext, TagIndexContext, UndatedContext, YearContext, is_dated,
                               listing_key, plan_site)

LISTING_CONTEXTS = (TagContext, PersonContext, ReporterContext, MonthContext, UndatedContext, YearContext,
                    TagIndexContext, PeopleIndexContext, ReportersIndexContext, PagesIndexContext)


def _article(i: int, date: str, page: int = 1, **fields) -> Article:
    return Article(id=f"s{page:04d}-{i:02d}", source=f"seeds/s{page:04d}.txt", order=i, title=f"第{i}篇",
                   date=date, **fields)


def _ids(articles) -> list[str]:
    return [a.id for a in articles]


# ---------------------------------------------------------------- the order rule

def test_listing_order_is_newest_first_partial_by_what_is_known_undated_last():
    dates = ["2019-03-05", "2019", "XXXX", "2021-01-01", "2019-03", "XXXX-07-18", "2019-12-31",
             "2014?", "XXXX-02", "2019-03-31"]
    articles = [_article(i + 1, d) for i, d in enumerate(dates)]
    ordered = [a.date for a in sorted(articles, key=listing_key)]
    assert ordered == ["2021-01-01", "2019-12-31", "2019-03-31", "2019-03-05", "2019-03", "2019",
                       "2014?", "XXXX-02", "XXXX-07-18", "XXXX"]


def test_same_date_keeps_print_order():
    articles = [_article(2, "2020-05-01"), _article(1, "2020-05-01"), _article(1, "2020-05-01", page=2)]
    assert _ids(sorted(articles, key=listing_key)) == ["s0001-01", "s0001-02", "s0002-01"]


def _random_corpus(n: int, seed: int) -> list[Article]:
    """n articles over a few years with every kind of date, shared tags, people and bylines."""
    r = random.Random(seed)
    out = []
    for i in range(n):
        kind = r.random()
        y, m, d = r.randint(2015, 2019), r.randint(1, 12), r.randint(1, 28)
        date = (f"{y}-{m:02d}-{d:02d}" if kind < 0.7 else f"{y}-{m:02d}" if kind < 0.77 else
                f"{y}" if kind < 0.82 else f"{y}?" if kind < 0.85 else
                f"XXXX-{m:02d}-{d:02d}" if kind < 0.92 else "XXXX")
        page = i // 4 + 1
        out.append(_article(i % 4 + 1, date, page=page, page_name="要闻", published=None,
                            tags=[f"标签{r.randint(1, 40)}", "常见"] + ([f"少见{i}"] if i % 3 == 0 else []),
                            people=[f"人物{r.randint(1, 30)}"] + (["名人"] if r.random() < 0.5 else []),
                            reporters=[f"记者{r.randint(1, 5)}"], writers=["作者"] if r.random() < 0.2 else []))
    return out


def _listings(pages) -> dict[tuple, list]:
    """(template, listing folder) -> its pages' contexts in page order."""
    out: dict[tuple, list] = defaultdict(list)
    for p in pages:
        if isinstance(p.context, LISTING_CONTEXTS):
            folder = p.path.split("page/")[0] if "/page/" in p.path and p.path != "page/" else p.path
            if p.template == "pages.html":
                folder = "page/"
            out[(p.template, folder)].append(p.context)
    return out


def _entries(ctx) -> list:
    if isinstance(ctx, (TagIndexContext,)):
        return ctx.tags
    if isinstance(ctx, PeopleIndexContext):
        return ctx.people
    return [x for g in ctx.groups for x in g.items]


@pytest.fixture(scope="module")
def big_plan():
    articles = _random_corpus(1500, 3)
    return articles, plan_site(articles, Config(tag_page_size=50))


def test_every_article_listing_uses_the_one_order_with_undated_in_their_own_group(big_plan):
    articles, pages = big_plan
    checked = 0
    for (template, folder), contexts in _listings(pages).items():
        if template not in ("tag.html", "person.html", "month.html", "undated.html"):
            continue
        listed = [a for c in contexts for a in _entries(c)]
        assert listed == sorted(listed, key=listing_key), folder
        groups = [g for c in contexts for g in c.groups]
        if template in ("tag.html", "person.html"):
            for g in groups:  # the dated unlabelled, the undated under their label
                assert all(is_dated(a) != bool(g.label) for a in g.items), folder
                assert g.label in ("", UNDATED_LABEL)
        checked += 1
    assert checked > 50
    common = [c for (t, f), cs in _listings(pages).items() if t == "tag.html" for c in cs if c.tag == "常见"]
    labels = [g.label for c in common for g in c.groups]
    assert labels[0] == "" and labels[-1] == UNDATED_LABEL


def test_reporter_pages_order_each_role_the_same_way(big_plan):
    _, pages = big_plan
    for (template, folder), contexts in _listings(pages).items():
        if template != "reporter.html":
            continue
        by_label: dict[str, list[Article]] = defaultdict(list)
        for c in contexts:
            for g in c.groups:
                role = g.label.split("”")[0]
                by_label[role] += g.items
        for role, items in by_label.items():
            assert items == sorted(items, key=listing_key), (folder, role)


def test_listings_paginate_and_cover_each_entry_once(big_plan):
    articles, pages = big_plan
    listings = _listings(pages)
    tag_pages = {f: cs for (t, f), cs in listings.items() if t == "tag.html"}
    for (template, folder), contexts in listings.items():
        size = 50 if template in ("tag.html", "person.html", "reporter.html") else LIST_PAGE_SIZE
        assert [c.pagination.number for c in contexts] == list(range(1, len(contexts) + 1)), folder
        for c in contexts:
            assert len(_entries(c)) <= size, (folder, c.pagination.number)
    common = next(cs for f, cs in tag_pages.items() if cs[0].tag == "常见")
    assert len(common) == -(-len(articles) // 50)
    assert sorted(a.id for c in common for a in c.articles) == sorted(_ids(articles))
    tag_index = listings[("tags.html", "tags/")]
    all_tags = {t for a in articles for t in a.tags}
    assert len(tag_index) > 1 and sorted(t.name for c in tag_index for t in c.tags) == sorted(all_tags)
    pages_index = listings[("pages.html", "page/")]
    assert sum(len(_entries(c)) for c in pages_index) == len({a.source for a in articles})


def test_a_long_year_leaves_its_articles_to_the_month_pages(big_plan):
    articles, pages = big_plan
    years = [p for p in pages if isinstance(p.context, YearContext) and p.context.pagination.number == 1]
    assert years
    for p in years:
        c = p.context
        assert [m.name for m in c.months] == sorted((m.name for m in c.months), key=lambda s: int(s[:-1]))
        assert all(m.name.endswith("月") for m in c.months)
        if c.count > LIST_PAGE_SIZE:
            assert not c.listed_by_month and all(g.anchor == "month-unknown" for g in c.groups)


def test_a_short_year_lists_months_newest_first_then_month_unknown():
    articles = [_article(1, "2020-01-05"), _article(2, "2020-11-02"), _article(3, "2020"),
                _article(4, "2020-06")]
    year = next(p.context for p in plan_site(articles, Config()) if isinstance(p.context, YearContext))
    assert year.listed_by_month
    assert [g.label for g in year.groups] == ["11月", "6月", "1月", "2020年（月份不详）"]
    assert [t.label for t in year.chart.ticks] == [f"{m}月" for m in range(1, 13)]


def test_person_title_spans_ignore_undated_articles():
    articles = [_article(1, "XXXX", people=["甲"], roles={"甲": "主任"}),
                _article(2, "2021-07-18", people=["甲"], roles={"甲": "主任"}),
                _article(3, "2019-03-01", people=["甲"], roles={"甲": "主任"})]
    person = next(p.context for p in plan_site(articles, Config()) if isinstance(p.context, PersonContext))
    (span,) = person.titles
    assert (span.first, span.last, span.count) == ("2019年3月1日", "2021年7月18日", 3)
    assert [a.id for a in person.articles] == ["s0001-02", "s0001-03", "s0001-01"]


# ---------------------------------------------------------------- the chart

def _timeline_chart(dates: list[str]):
    articles = [_article(i % 9 + 1, d, page=i // 9 + 1) for i, d in enumerate(dates)]
    return next(p.context.chart for p in plan_site(articles, Config()) if p.template == "timeline.html")


def test_chart_of_a_wide_spread_with_one_spike_stays_readable():
    r = random.Random(5)
    dates = ["1520", "1521-04", "1876-05-02", "2063-01-01"]
    dates += [f"{r.choice([2010, 2011, 2012])}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}" for _ in range(600)]
    dates += ["2011-06-15"] * 3000  # the spike
    chart = _timeline_chart(dates)
    drawn = [b for b in chart.bars if not b.gap]
    years = {b.label for b in drawn}
    assert len(chart.bars) <= 12  # one bar per year with articles, gaps for the years between
    assert years == {"1520年", "1521年", "1876年", "2010年", "2011年", "2012年", "2063年"}
    assert sum(b.gap for b in chart.bars) == 3
    spike = max(drawn, key=lambda b: b.count)
    smallest = min(drawn, key=lambda b: b.count)
    assert smallest.count == 1 and smallest.height >= 0.03 * spike.height  # a one-article year shows
    assert all(b.width >= 10 for b in drawn)  # bars of a usable width, not 544 slivers
    shown = [t for t in chart.ticks if not t.minor]
    assert 2 <= len(shown) <= CHART_MAX_TICKS and shown[0].label == "1520" and shown[-1].label == "2063"
    xs = [t.x for t in shown]
    assert all(b - a >= chart.width / (CHART_MAX_TICKS + 2) for a, b in zip(xs, xs[1:]))


def test_three_articles_in_three_years_get_no_36_month_axis():
    chart = _timeline_chart(["2019-03-01", "2020-05-01", "2021-07-01"])
    assert chart is not None and len(chart.bars) == 3
    assert [t.label for t in chart.ticks] == ["2019", "2020", "2021"]
    assert _timeline_chart(["2019-03-01", "2019-05-01", "2019-07-01"]) is None  # one year: the year page says it


def test_busy_years_chart_months_and_small_months_stay_visible():
    dates = [f"2018-{m:02d}-01" for m in range(1, 13) for _ in range(20)] + ["2019-02-01"] * 400 + ["2019-08-01"]
    chart = _timeline_chart(dates)
    assert len(chart.bars) == 20  # January 2018 to August 2019, the last month with articles
    small = next(b for b in chart.bars if b.label == "2019年8月")
    big = next(b for b in chart.bars if b.label == "2019年2月")
    assert small.count == 1 and small.height >= 0.05 * big.height
    assert [t.label for t in chart.ticks if not t.minor] == ["2018", "2019"]
    assert {t.label for t in chart.ticks if t.minor} <= {"4月", "7月", "10月"}


def test_a_chart_of_a_year_or_so_labels_its_quarters_beside_the_years():
    dates = [f"2018-12-{d:02d}" for d in range(1, 4)] + [f"2019-{m:02d}-05" for m in range(1, 13)]
    chart = _timeline_chart(dates)
    assert len(chart.bars) == 13
    major = [t for t in chart.ticks if not t.minor]
    assert [t.label for t in major] == ["2019"], "2018 is one bar: its label would overlap 2019's on a phone"
    assert [t.label for t in chart.ticks if t.minor] == ["2018", "4月", "7月", "10月"]
    assert all(b.x - a.x >= chart.width / CHART_MAX_TICKS for a, b in zip(major, major[1:]))


def test_months_with_a_long_silence_collapse_into_a_gap():
    dates = [f"2014-{m:02d}-03" for m in range(3, 13)] + [f"2017-{m:02d}-03" for m in range(1, 9)]
    chart = _timeline_chart(dates)
    assert len(chart.bars) == 10 + 1 + 8 and sum(b.gap for b in chart.bars) == 1
    assert [t.label for t in chart.ticks if not t.minor] == ["2014", "2017"]
    assert all(b.count == 1 for b in chart.bars if not b.gap)
