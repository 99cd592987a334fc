"""Listing sizes and labels, and how a listing is cut into pages of at most LIST_PAGE_SIZE entries."""
from __future__ import annotations

from dataclasses import replace

from .pages import Group, Link, Links, Pagination, PlannedPage
from .slugs import file_for, url_path


CHART_MAX_MONTH_BARS = 240  # beyond 20 years of months the chart counts per year instead
CHART_MIN_BAR = 0.06  # the least height of a bar with any article, as a share of the tallest
CHART_MIN_RUN = 6  # months: a shorter run between gaps could not show which year it is
CHART_MAX_TICKS = 8  # labels under a chart: more would overlap at phone width
LIST_PAGE_SIZE = 200  # entries on one month, undated or index page (tag, person and reporter
#                       pages use config.tag_page_size): a decade of a daily has months of
#                       1,500 articles and 15,000 tags, too many for one page
UNDATED_LABEL = "日期不全或不详"
PERSON_PAGE_MIN = 2  # a person named in one article only has no page: the people index links
#                      straight to that article (four in five names of a daily's archive are
#                      named once; their pages were 40% of the site's files)


PAGE_WINDOW = 2  # page numbers shown on each side of the current one


def page_window(number: int, paths: list[str]) -> list[Link]:
    """The first and last page, and those within PAGE_WINDOW of `number`, with a gap ("…",
    no path) where numbers are left out. All of them on every page made each of a tag's
    pages as long as the tag is (250 links on each of 250 pages for a tag of 5,000
    articles): quadratic in plan, fingerprints and rendering."""
    total = len(paths)
    shown = sorted({1, total, *range(max(1, number - PAGE_WINDOW), min(total, number + PAGE_WINDOW) + 1)})
    out: list[Link] = []
    last = 0
    for k in shown:
        if k > last + 1:
            out.append(Link("…", ""))
        out.append(Link(str(k), paths[k - 1]))
        last = k
    return out


def paginate_groups(groups: list[Group], size: int) -> list[list[Group]]:
    """Cut labelled groups into pages of at most `size` entries in all, keeping their order;
    a group cut by a page break goes on under its label. Always at least one (maybe empty) page."""
    pages: list[list[Group]] = [[]]
    room = size
    for g in groups:
        start = 0
        while start < len(g.items):
            if room == 0:
                pages.append([])
                room = size
            take = g.items[start:start + room]
            pages[-1].append(replace(g, items=take))
            room -= len(take)
            start += len(take)
    return pages


def paged_path(segments: tuple[str, ...], number: int) -> tuple[str, ...]:
    """Folder segments of page `number` of a listing: page 1 is the listing's own folder."""
    return segments if number == 1 else (*segments, "page", str(number))


def listing_pages(segments: tuple[str, ...], template: str, title: str, groups: list[Group],
                  size: int, make_context, links: Links) -> list[PlannedPage]:
    """A listing cut into pages of at most `size` entries: make_context(page_groups,
    pagination) gives each page's context; later pages say their number in the title."""
    chunks = paginate_groups(groups, size)
    paths = [url_path(*paged_path(segments, n)) for n in range(1, len(chunks) + 1)]
    out = []
    for n, chunk in enumerate(chunks, 1):
        pagination = Pagination(n, len(chunks), page_window(n, paths),
                                paths[n - 2] if n > 1 else None, paths[n] if n < len(chunks) else None)
        out.append(PlannedPage(paths[n - 1], file_for(*paged_path(segments, n)), template,
                               title + (f"（第{n}页）" if n > 1 else ""),
                               make_context(chunk, pagination), links))
    return out
