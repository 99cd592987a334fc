"""The timeline, year and month pages and their bar charts."""
from __future__ import annotations

from collections import defaultdict

from ..model import Article
from .issues import _issue_years
from .listing import (CHART_MAX_MONTH_BARS, CHART_MAX_TICKS, CHART_MIN_BAR, CHART_MIN_RUN,
                      LIST_PAGE_SIZE, listing_pages)
from .order import article_date, is_dated
from .pages import (Bar, BarChart, Counted, Group, Link, Links, MonthContext, PlannedPage, Tick,
                    TimelineContext, UndatedContext, YearContext)
from .slugs import file_for


def _items(groups: list[Group]) -> list:
    return [x for g in groups for x in g.items]


def _timeline_pages(chronological, listed, issues, links) -> list[PlannedPage]:
    by_year: dict[int, list[Article]] = defaultdict(list)
    undated: list[Article] = []
    for a in listed:
        (by_year[article_date(a).year] if is_dated(a) else undated).append(a)
    years = sorted(by_year)
    year_unknown = sum(1 for a in undated if article_date(a) is not None and article_date(a).known)
    ctx = TimelineContext(
        years=[Counted(str(y), len(by_year[y]), links.year(y)) for y in years],
        chart=_overview_chart(by_year, links) if years else None,
        issue_years=_issue_years(issues, links),
        year_unknown=year_unknown, date_unknown=len(undated) - year_unknown,
        dated=sum(len(v) for v in by_year.values()))
    out = [PlannedPage("timeline/", file_for("timeline"), "timeline.html", "时间线", ctx, links)]
    for k, y in enumerate(years):
        out += _year_pages(y, by_year[y], years[k - 1] if k > 0 else None,
                           years[k + 1] if k + 1 < len(years) else None, links)
    out += listing_pages(("timeline", "undated"), "undated.html", "日期不全或不详的文章",
                         _groups_without_year(undated), LIST_PAGE_SIZE,
                         lambda chunk, pg: UndatedContext(len(undated), chunk, pg), links)
    return out


def _year_pages(year, items, prev_year, next_year, links) -> list[PlannedPage]:
    """The year page: its chart, its months with counts, and its articles by month, newest
    month first, when they fit on one page; a longer year leaves them to the month pages and
    lists (paginated) only those whose month is unknown. Then one page set per month."""
    by_month: dict[int, list[Article]] = defaultdict(list)
    no_month: list[Article] = []
    for a in items:  # in listing order
        d = article_date(a)
        (by_month[d.month] if d.month else no_month).append(a)
    month_keys = sorted(by_month)
    months = [Counted(f"{m}月", len(by_month[m]), links.month(year, m)) for m in month_keys]
    unknown = Group(f"{year}年（月份不详）", no_month, anchor="month-unknown",
                    note="这些文章只知道年份，不归入任何月份。")
    short = len(items) <= LIST_PAGE_SIZE
    groups = [Group(f"{m}月", by_month[m], links.month(year, m), f"m{m:02d}")
              for m in reversed(month_keys)] if short else []
    groups += [unknown] if no_month else []
    chart = _year_chart(year, by_month, links)
    out = listing_pages(("timeline", f"{year:04d}"), "year.html", f"{year}年", groups, LIST_PAGE_SIZE,
                        lambda chunk, pg: YearContext(year, len(items), chart, months, chunk, short, pg,
                                                      prev_year, next_year), links)
    for k, m in enumerate(month_keys):
        out += _month_pages(year, m, by_month[m], month_keys[k - 1] if k > 0 else None,
                            month_keys[k + 1] if k + 1 < len(month_keys) else None, links)
    return out


def _month_pages(year, month, items, prev_m, next_m, links) -> list[PlannedPage]:
    days: dict[int, list[Article]] = defaultdict(list)
    no_day: list[Article] = []
    for a in items:  # in listing order
        d = article_date(a)
        (days[d.day] if d.day else no_day).append(a)
    groups = [Group(f"{month}月{d}日", days[d], anchor=f"d{d:02d}") for d in sorted(days, reverse=True)]
    if no_day:
        groups.append(Group(f"{year}年{month}月（日期不详）", no_day, anchor="day-unknown",
                            note="这些文章只知道年月，不归入任何一天。"))
    prev_link = Link(f"{year}年{prev_m}月", links.month(year, prev_m)) if prev_m else None
    next_link = Link(f"{year}年{next_m}月", links.month(year, next_m)) if next_m else None
    return listing_pages(("timeline", f"{year:04d}", f"{month:02d}"), "month.html", f"{year}年{month}月",
                         groups, LIST_PAGE_SIZE,
                         lambda chunk, pg: MonthContext(year, month, len(items), chunk, pg,
                                                        prev_link, next_link), links)


def _groups_without_year(items: list[Article]) -> list[Group]:
    """Articles whose year is unknown, in listing order: by month where it is known, the wholly
    undated last."""
    by_month: dict[int | None, list[Article]] = defaultdict(list)
    for a in items:
        d = article_date(a)
        by_month[d.month if d is not None else None].append(a)
    keys = sorted(by_month, key=lambda m: (m is None, m or 0))
    return [Group(f"{m}月（年份不详）" if m else "日期不详", by_month[m],
                  anchor=f"m{m:02d}" if m else "date-unknown")
            for m in keys]


def _overview_chart(by_year: dict[int, list[Article]], links: Links) -> BarChart | None:
    """Articles per month from the first month with articles to the last, a run of a year or
    more without any left out (a gap marks it); per year (only years with articles, gaps
    between) when months would be too many bars, over half of them empty, or a run of months
    too short to carry its year's label. So three articles never get a 36-month axis and a
    spread of 1520-2063 with one busy decade stays readable."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for y, items in by_year.items():
        for a in items:
            m = article_date(a).month
            if m:
                counts[(y, m)] += 1
    slots = _month_slots(sorted(counts))
    drawn = [s for s in slots if s is not None]
    runs = [len(run) for run in "".join("m" if s else " " for s in slots).split()]
    if (drawn and len(drawn) <= CHART_MAX_MONTH_BARS and 2 * len(counts) >= len(drawn)
            and min(runs) >= CHART_MIN_RUN):
        bars = []
        for k, slot in enumerate(slots):
            if slot is None:
                bars.append(_GAP)
                continue
            y, m = slot
            n = counts.get(slot, 0)
            run_start = k == 0 or slots[k - 1] is None
            bars.append((f"{y}年{m}月", n, links.month(y, m) if n else None,
                         _month_tick(y, m, run_start, len(drawn))))
        return _bar_chart("每月文章数（月份已知的文章）", bars)
    years = sorted(by_year)
    if len(years) < 2:
        return None
    bars = []
    for k, y in enumerate(years):
        if k and y != years[k - 1] + 1:
            bars.append(_GAP)
        bars.append((f"{y}年", len(by_year[y]), links.year(y), str(y)))
    return _bar_chart("每年文章数", bars)


CHART_QUARTER_TICKS = 24  # a month chart this short also labels April, July and October


def _month_tick(year: int, month: int, run_start: bool, months: int) -> str:
    """A month bar's label: its year where a year or a run of months starts; on a chart of
    a year or two also the quarters, else a reader sees one year label over a dozen bars."""
    if month == 1 or run_start:
        return str(year)
    return f"{month}月" if months <= CHART_QUARTER_TICKS and month in (4, 7, 10) else ""


def _month_slots(months: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Every month from the first to the last of `months` (sorted), with each run of 12 or
    more months missing from it replaced by one None (a gap)."""
    slots: list[tuple[int, int] | None] = []
    previous = None
    for y, m in months:
        index = y * 12 + m - 1
        if previous is not None:
            if index - previous > 12:
                slots.append(None)
            else:
                slots += [(i // 12, i % 12 + 1) for i in range(previous + 1, index)]
        slots.append((y, m))
        previous = index
    return slots


_GAP = ("", 0, None, "")  # a bar slot standing for the years without articles between two bars


def _year_chart(year: int, by_month: dict[int, list[Article]], links: Links) -> BarChart:
    bars = [(f"{year}年{m}月", len(by_month.get(m, [])),
             links.month(year, m) if by_month.get(m) else None, f"{m}月") for m in range(1, 13)]
    return _bar_chart(f"{year}年每月文章数", bars)


def _bar_chart(title: str, bars: list[tuple[str, int, str | None, str]]) -> BarChart:
    """Lay out bars (label, count, link, tick; _GAP for left-out years) in a 640 x 160 box.
    Heights follow the square root of the count, at least CHART_MIN_BAR of the full height for
    any article at all;
    at most CHART_MAX_TICKS labels are shown at phone width (the others are minor)."""
    width, height, top, left = 640, 160, 6, 4
    bottom = height - 1
    slot = (width - 2 * left) / max(len(bars), 1)
    top_count = max((n for _, n, _, _ in bars), default=0) or 1
    out: list[Bar] = []
    ticks: list[Tick] = []
    for i, (label, n, path, tick) in enumerate(bars):
        h = 0.0 if not n else round((bottom - top) * max(CHART_MIN_BAR, (n / top_count) ** 0.5), 2)
        x = round(left + i * slot + slot * 0.1, 2)
        out.append(Bar(x, round(bottom - h, 2), round(slot * 0.8, 2), h, n, label, path,
                       gap=(label, n, path, tick) == _GAP))
        if tick:
            ticks.append(Tick(round(left + i * slot + slot / 2, 2), tick))
    return BarChart(title, width, height, out, _thin_ticks(ticks, width), top_count, bottom)


def _thin_ticks(ticks: list[Tick], width: int) -> list[Tick]:
    """Labels that never overlap: major ones (shown at every width; years where there are
    years) at least width / CHART_MAX_TICKS apart, always the last and the first unless it is
    too close to the last; minor ones (hidden on phones) at
    least half that from any other; the rest dropped."""
    if len(ticks) < 2:
        return ticks
    major_gap, minor_gap = width / CHART_MAX_TICKS, width / (2 * CHART_MAX_TICKS)
    years = [t for t in ticks if t.label.isdigit()]
    candidates = years if len(years) >= 2 else ticks  # a month's label never displaces a year's
    major = [candidates[0]]
    for t in candidates[1:]:
        if t.x - major[-1].x >= major_gap:
            major.append(t)
    if major[-1] is not candidates[-1]:
        if candidates[-1].x - major[-1].x < major_gap:  # even the first: overlapping labels say nothing
            major.pop()
        major.append(candidates[-1])
    chosen = set(map(id, major))
    shown: list[Tick] = []
    for t in ticks:
        if id(t) in chosen:
            shown.append(t)
        elif (not shown or t.x - shown[-1].x >= minor_gap) and all(
                abs(m.x - t.x) >= minor_gap for m in major):
            t.minor = True
            shown.append(t)
    return shown
