"""Printed pages (版面), issues, their calendars (往期回顾) and 历史上的今天."""
from __future__ import annotations

import calendar
from collections import defaultdict

from ..edtf import EdtfDate, format_zh
from ..model import Article
from .listing import LIST_PAGE_SIZE, listing_pages
from .order import _page_number_key, article_date, issue_date
from .pages import (CalendarDay, CalendarMonth, CalendarYear, Counted, Group, Issue,
                    IssueCalendarContext, IssueContext, IssueYearsContext, Link, Links,
                    OnThisDayContext, OnThisDayIndexContext, PageRef, PageViewContext,
                    PagesIndexContext, PlannedPage)
from .slugs import file_for, url_path


def _page_views(pages, issues, undated_pages, links) -> list[PlannedPage]:
    out = []
    issue_at = {p.source: (k, issue) for k, issue in enumerate(issues) for p in issue.pages}
    for source in sorted(pages):
        p = pages[source]
        k, issue = issue_at.get(source, (None, None))
        siblings = issue.pages if issue else undated_pages
        n = siblings.index(p)
        ctx = PageViewContext(p, siblings[n - 1] if n > 0 else None,
                              siblings[n + 1] if n + 1 < len(siblings) else None, issue)
        if issue is not None:  # issues run newest first
            ctx.prev_issue = _same_page_in(issues[k + 1], p) if k + 1 < len(issues) else None
            ctx.next_issue = _same_page_in(issues[k - 1], p) if k > 0 else None
        out.append(PlannedPage(p.path, file_for("page", p.slug), "page.html",
                               f"{p.full_label}", ctx, links))
    out += _pages_index(pages, issues, undated_pages, links)
    return out


def _same_page_in(issue: Issue, page: PageRef) -> Link:
    """The page of `issue` with the same 版次 and newspaper (a reader of yesterday's 第02版
    wants today's 第02版), else the issue itself."""
    for other in issue.pages:
        if page.page and other.page == page.page and other.newspaper == page.newspaper:
            return Link(other.full_label, other.path)
    return Link(f"{format_zh(issue.date)} 各版", issue.path)


def _pages_index(pages, issues, undated_pages, links) -> list[PlannedPage]:
    groups = [Group(format_zh(issue.date), issue.pages, issue.path) for issue in issues]
    if undated_pages:
        groups.append(Group("出版日期不详的版面", undated_pages, anchor="undated"))
    return listing_pages(("page",), "pages.html", "版面导航", groups, LIST_PAGE_SIZE,
                         lambda chunk, pg: PagesIndexContext(chunk, len(pages), pg), links)


def _issue_pages(issues: list[Issue], links: Links) -> list[PlannedPage]:
    out = []
    for k, issue in enumerate(issues):  # newest first: "previous" is the older one
        d = issue.date
        ctx = IssueContext(issue, issues[k + 1] if k + 1 < len(issues) else None,
                           issues[k - 1] if k > 0 else None)
        out.append(PlannedPage(issue.path, file_for("issues", f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
                               "issue.html", f"{format_zh(d)} 各版", ctx, links))
    return out


def _issues_by_year(issues: list[Issue]) -> dict[int, list[Issue]]:
    by_year: dict[int, list[Issue]] = defaultdict(list)
    for issue in issues:
        by_year[issue.date.year].append(issue)
    return by_year


def _issue_years(issues: list[Issue], links: Links) -> list[CalendarYear]:
    """Every year with issues, newest first, with its 往期回顾 page and number of issues."""
    by_year = _issues_by_year(issues)
    return [CalendarYear(y, links.calendar(y), len(by_year[y])) for y in sorted(by_year, reverse=True)]


def _issue_calendars(issues: list[Issue], links: Links) -> list[PlannedPage]:
    """往期回顾: /issues/ lists the years with issues, /issues/<year>/ shows a year's issues
    month by month, each day with its 版; every 版面 and issue page links to its year."""
    by_year = _issues_by_year(issues)
    years = _issue_years(issues, links)
    out = [PlannedPage("issues/", file_for("issues"), "calendars.html", "往期回顾",
                       IssueYearsContext(years), links)]
    for k, cy in enumerate(years):  # newest first
        ctx = IssueCalendarContext(cy.year, _calendars(by_year[cy.year], links)[::-1], years,
                                   years[k + 1] if k + 1 < len(years) else None,
                                   years[k - 1] if k > 0 else None)
        out.append(PlannedPage(cy.path, file_for("issues", f"{cy.year:04d}"), "calendar.html",
                               f"往期回顾：{cy.year}年", ctx, links))
    return out


def printed_day(a: Article) -> EdtfDate | None:
    """The day an article was printed: its issue's date, else its own date when that is a
    whole day (an article dated 3月7日 of a known year was in print that day or the next)."""
    d = issue_date(a)
    if d is None:
        d = article_date(a)
        if d is None or not (d.year and d.month and d.day) or d.qualified:
            return None
    return d


def on_this_day_path(month: int, day: int) -> str:
    return url_path("on-this-day", f"{month:02d}-{day:02d}")


def _printed_by_day(chronological: list[Article]) -> dict[tuple[int, int], dict[int, list[Article]]]:
    """(month, day) -> year -> the articles printed that day."""
    by_day: dict[tuple[int, int], dict[int, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for a in chronological:
        d = printed_day(a)
        if d is not None:
            by_day[(d.month, d.day)][d.year].append(a)
    return by_day


def _on_this_day_pages(by_day: dict[tuple[int, int], dict[int, list[Article]]],
                       links: Links) -> list[PlannedPage]:
    """历史上的今天: a page per month-day with articles, each year's articles newest year
    first, in print order within a year; the home page picks today's page in the browser
    (it knows which days have one, so it never asks for a page that is not there)."""
    days = sorted(by_day)
    out = []
    for k, (m, d) in enumerate(days):
        groups = [Group(f"{y}年", sorted(by_day[(m, d)][y], key=_print_order), anchor=f"y{y}")
                  for y in sorted(by_day[(m, d)], reverse=True)]
        count = sum(len(g.items) for g in groups)
        prev_day = _day_link(days[k - 1]) if k > 0 else None
        next_day = _day_link(days[k + 1]) if k + 1 < len(days) else None
        out += listing_pages(("on-this-day", f"{m:02d}-{d:02d}"), "on_this_day.html", f"历史上的今天：{m}月{d}日",
                             groups, LIST_PAGE_SIZE,
                             lambda chunk, pg, m=m, d=d, n=count, p=prev_day, x=next_day:
                                 OnThisDayContext(m, d, n, chunk, pg, p, x),
                             links)
    months: dict[int, list[Counted]] = defaultdict(list)
    for m, d in days:
        count = sum(len(v) for v in by_day[(m, d)].values())
        months[m].append(Counted(f"{d}日", count, on_this_day_path(m, d)))
    out.append(PlannedPage("on-this-day/", file_for("on-this-day"), "on_this_day_index.html",
                           "历史上的今天", OnThisDayIndexContext(sorted(months.items())), links))
    return out


def _day_link(month_day: tuple[int, int]) -> Link:
    return Link(f"{month_day[0]}月{month_day[1]}日", on_this_day_path(*month_day))


def _print_order(a: Article) -> tuple:
    return (a.published or "", a.newspaper or "", _page_number_key(a.page), a.source, a.order)


WEEKDAYS = "一二三四五六日"


def _calendars(issues: list[Issue], links: Links) -> list[CalendarMonth]:
    """A month (Monday first) for every month with at least one issue, newest first; a day
    with an issue carries its 版 (a reader goes from the calendar straight to a page)."""
    by_month: dict[tuple[int, int], dict[int, Issue]] = defaultdict(dict)
    for issue in issues:
        by_month[(issue.date.year, issue.date.month)][issue.date.day] = issue
    out = []
    for (y, m) in sorted(by_month, reverse=True):
        issued = by_month[(y, m)]
        first, length = calendar.monthrange(y, m)
        days = [CalendarDay(d, issued[d].path, f"{m}月{d}日 星期{WEEKDAYS[(first + d - 1) % 7]}", issued[d].pages)
                if d in issued else CalendarDay(d) for d in range(1, length + 1)]
        out.append(CalendarMonth(y, m, first, days))
    return out
