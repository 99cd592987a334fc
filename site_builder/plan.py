"""Plan the site: every output page with its URL, template and context, from the corpus alone.

`plan_site(articles, config)` is a pure function: the same articles and settings give the same
list of pages in the same order, which is what makes builds reproducible. Nothing here touches
the disk or renders HTML; `render.py` turns each PlannedPage into bytes and `output.py` writes it.

URLs are relative to the site's base (no leading slash); templates prefix `config.base_url`
with the `url` filter. Names (tags, people, reporters) become folder names on disk: the name
itself, made safe (no separators, no dot segments, no characters Windows forbids), and the same
name percent-encoded in links, which static hosts decode back to the folder name.
"""
from __future__ import annotations

import calendar
import hashlib
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterable
from urllib.parse import quote

from .config import Config, site_url_is_set
from .edtf import EdtfDate, format_zh, parse_edtf
from .model import Article, Diagnostic

ROLE_LABELS = (("reporters", "记者"), ("correspondents", "通讯员"),
               ("writers", "文"), ("photographers", "图"))
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


# ---------------------------------------------------------------- names -> safe slugs

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|#%]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.I)
MAX_SLUG_CHARS = 60  # 60 CJK characters are 180 bytes of UTF-8, under the usual 255-byte limit


def safe_slug(name: str) -> str:
    """A folder name for `name`: readable (the name itself where possible) and never a path."""
    text = unicodedata.normalize("NFC", name).strip()
    text = re.sub(r"\s+", "-", _UNSAFE.sub("", text)).strip(".-")[:MAX_SLUG_CHARS].strip(".-")
    if not text or _WINDOWS_RESERVED.match(text):
        return "n-" + _short_hash(name)
    return text


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


# Names a folder of named pages holds besides them (its own index page).
RESERVED_SLUGS = frozenset({"index.html"})


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """Map each name to a slug unique in its folder, also on case-insensitive file systems,
    never a name the folder holds itself (index.html). Unique by construction: a name that
    is its own safe slug keeps it (so adding another name never moves it); the others get a
    hash of the name, lengthened until free."""
    names = sorted(set(names))
    taken = set(RESERVED_SLUGS)
    out: dict[str, str] = {}
    plain = [n for n in names if safe_slug(n) == n]
    for name in plain + [n for n in names if safe_slug(n) != n]:
        out[name] = _free_slug(safe_slug(name), name, taken)
    return out


def _free_slug(slug: str, name: str, taken: set[str]) -> str:
    """`slug`, else `slug-<hash of name>` with as many hash digits as it takes (then a count)."""
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    candidates = [slug] + [f"{slug}-{digest[:n]}" for n in (8, 12, 16, 40)]
    candidates += (f"{slug}-{digest}-{i}" for i in range(2, len(taken) + 3))
    for candidate in candidates:
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
    raise AssertionError("unreachable: more candidates than taken slugs")


def slug_clashes(articles: list[Article], content_dir: str) -> list[Diagnostic]:
    """A warning at the content file and line of every name (tag, person, reporter, id) that
    does not get its own safe name as its URL because another name (or the site) has it."""
    out: list[Diagnostic] = []
    folders = [("tags", ("tags",)), ("people", ("people",)), ("reporters", tuple(r for r, _ in ROLE_LABELS)),
               ("a", ("id",))]
    for folder, fields_ in folders:
        holders: dict[str, tuple[str, str]] = {}  # name -> (content file, field) where first seen
        for a in sorted(articles, key=lambda a: a.path or ""):
            for f in fields_:
                for name in ([a.id] if f == "id" else getattr(a, f)):
                    holders.setdefault(name, (a.path or "", f))
        slugs = unique_slugs(holders) if folder != "a" else {i: p[2:-1] for i, p in _article_paths(articles).items()}
        for name, slug in sorted(slugs.items()):
            natural = safe_slug(name)
            if slug == natural or natural != name and slug == f"n-{_short_hash(name)}":
                continue
            rel, f = holders[name]
            file = os.path.join(content_dir, rel)
            out.append(Diagnostic(file, f"`{f}` {name!r}: the folder name {natural!r} is taken (by another name, one "
                                  f"differing only in case, or the site's own index.html); published at {folder}/{slug}/",
                                  _field_line(file, f), "warning"))
    return out


def _field_line(file: str, field_name: str) -> int | None:
    try:
        with open(file, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, 1):
                if line.startswith(f"{field_name}:"):
                    return number
    except OSError:
        pass
    return None


@lru_cache(maxsize=None)
def url_path(*segments: str) -> str:
    """Base-relative URL of a folder page: each segment percent-encoded, trailing slash.
    Memoised: a plan asks for the same tag and person paths a quarter of a million times at
    10,000 articles (quote() was a third of plan_site); one entry per name, never evicted, so
    equal paths are one object in every plan, as the page pickles expect."""
    return "".join(quote(s, safe="") + "/" for s in segments)


def file_for(*segments: str) -> str:
    """On-disk file (relative to the output dir) of the folder page url_path(*segments)."""
    return "/".join([*segments, "index.html"])


# ---------------------------------------------------------------- dates

@lru_cache(maxsize=65536)
def _edtf(value: str | None) -> EdtfDate | None:
    """parse_edtf memoised: sorting a large archive asks for the same few thousand dates
    again and again (EdtfDate is frozen, so sharing one is safe)."""
    return parse_edtf(value)


def article_date(article: Article) -> EdtfDate | None:
    return _edtf(article.date)


def issue_date(article: Article) -> EdtfDate | None:
    """The publication date when it is a complete, valid day; otherwise None (unknown)."""
    d = _edtf(article.published)
    return d if d and d.year and d.month and d.day and not d.qualified else None


def time_key(article: Article) -> tuple:
    """Chronological order (article neighbours, the feed); articles whose year is unknown sort
    after all dated ones. Listings use listing_key."""
    d = article_date(article)
    if d is None or d.year is None:
        return (1, 0, 0, 0, article.published or "", article.source, article.order, article.id)
    return (0, d.year, d.month or 0, d.day or 0, article.published or "", article.source,
            article.order, article.id)


def is_dated(article: Article) -> bool:
    """Placed in time: its year is known (a qualified year such as 2014? counts)."""
    d = article_date(article)
    return d is not None and d.year is not None


def listing_key(article: Article) -> tuple:
    """The one order of every listing: dated articles newest first; a partial date by what is
    known, after the fuller dates it contains (2019-03 after 2019-03-31, 2019 after 2019-01-01,
    as the year page puts 月份不详 after December); then the articles whose year is unknown, by
    month and day where those are known, wholly undated last; ties in print order."""
    d = article_date(article)
    if d is not None and d.year is not None:
        return (0, -d.year, -(d.month or 0), -(d.day or 0), article.source, article.order, article.id)
    month = d.month if d is not None and d.month else 13
    day = d.day if d is not None and d.day else 32
    return (1, month, day, 0, article.source, article.order, article.id)


def dated_groups(listed: list[Article], label: str = "", undated_label: str = UNDATED_LABEL) -> list[Group]:
    """Articles already in listing order as a group of dated ones and a labelled group of those
    whose year is unknown (never shown as if they were the newest); empty groups left out."""
    cut = next((i for i, a in enumerate(listed) if not is_dated(a)), len(listed))
    groups = [Group(label, listed[:cut]), Group(undated_label, listed[cut:], anchor="undated")]
    return [g for g in groups if g.items]


# ---------------------------------------------------------------- links shared by all pages

@dataclass(frozen=True)
class Link:
    text: str
    path: str  # base-relative URL


@dataclass
class Links:
    """Where each article, page (版面), tag, person and reporter lives; templates ask it."""

    articles: dict[str, str] = field(default_factory=dict)  # article id -> path
    pages: dict[str, str] = field(default_factory=dict)  # source -> path of its 版面 view
    tags: dict[str, str] = field(default_factory=dict)  # tag -> slug
    people: dict[str, str] = field(default_factory=dict)  # only people with a page (PERSON_PAGE_MIN)
    reporters: dict[str, str] = field(default_factory=dict)

    def article(self, article: Article) -> str:
        return self.articles[article.id]

    def page_of(self, article: Article) -> str:
        return self.pages[article.source]

    def tag(self, name: str) -> str:
        return url_path("tags", self.tags[name])

    def person(self, name: str) -> str | None:
        """The person's page; None for a name printed in too few articles to have one."""
        slug = self.people.get(name)
        return url_path("people", slug) if slug else None

    def reporter(self, name: str) -> str:
        return url_path("reporters", self.reporters[name])

    def issue(self, d: EdtfDate) -> str:
        return url_path("issues", f"{d.year:04d}-{d.month:02d}-{d.day:02d}")

    def year(self, year: int) -> str:
        return url_path("timeline", f"{year:04d}")

    def calendar(self, year: int) -> str:
        """往期回顾 of a year: its issues as month grids."""
        return url_path("issues", f"{year:04d}")

    def month(self, year: int, month: int) -> str:
        return url_path("timeline", f"{year:04d}", f"{month:02d}")


# ---------------------------------------------------------------- shared pieces of context

@dataclass
class PageRef:
    """One printed page (版面): a seed file and its articles in print order."""

    slug: str
    path: str
    source: str
    articles: list[Article]
    published: EdtfDate | None
    page: str | None
    page_name: str | None
    newspaper: str | None

    @property
    def seed_name(self) -> str:
        name = self.source.replace("\\", "/").rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name

    @property
    def label(self) -> str:
        """The page's name under its issue (newspaper and date not repeated): page_label."""
        return page_label(self, in_issue=True)

    @property
    def full_label(self) -> str:
        """The page's name anywhere else (lists, breadcrumbs, tab titles): page_label."""
        return page_label(self)


def page_label(page: PageRef, in_issue: bool = False) -> str:
    """The one name of a printed page (版面), wherever it is shown: what is known of it,
    "城市日报 2020年2月11日 第02版 要闻". Its 版次 tells it from the issue's other pages; without
    one the seed name does (short, and stable under edits). Where the issue date is unknown it
    is not spelled out ("出版日期不详" beside a dated article reads as a contradiction) and the
    seed name is always given, since 第02版 alone would name a page of every unknown issue.
    Never a title: a title names an article, and an edit would rename the page."""
    own = f"第{page.page}版" if page.page else ""
    if not own or page.published is None:
        own = " ".join(filter(None, (f"版面 {page.seed_name}", own)))
    parts = [own, page.page_name or ""]
    if not in_issue:
        parts[:0] = [page.newspaper or "", format_zh(page.published) if page.published else ""]
    return " ".join(filter(None, parts))


@dataclass
class Issue:
    """The pages of one publication date."""

    date: EdtfDate
    path: str
    pages: list[PageRef]

    @property
    def article_count(self) -> int:
        return sum(len(p.articles) for p in self.pages)


@dataclass
class Byline:
    role: str  # 记者 / 通讯员 / 文 / 图
    names: list[Link]


@dataclass
class Counted:
    """A name with how many articles carry it, its page, and a size step 1-5 for tag clouds."""

    name: str
    count: int
    path: str
    size: int = 1


@dataclass
class Pagination:
    number: int  # 1-based
    total: int
    pages: list[Link]  # the page numbers shown (see page_window); a gap is a Link with no path
    prev: str | None = None
    next: str | None = None


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


@dataclass
class Group:
    """A labelled run of entries on a listing page (articles, 版面 or names); a group cut by a
    page break continues under the same label on the next page."""

    label: str
    items: list
    path: str | None = None  # where the label links to
    anchor: str = ""
    note: str = ""


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    label: str
    path: str | None
    gap: bool = False  # stands for years without articles, left out of the axis


@dataclass
class Tick:
    x: float  # SVG user units; the template places the label in HTML at x / width
    label: str
    minor: bool = False  # hidden at phone width


@dataclass
class BarChart:
    """An articles-per-period bar chart; geometry in SVG user units, drawn by the template.
    Heights follow the square root of the count, so a month of 3 articles stays visible
    beside a month of 3,000; labels are HTML under the drawing, at most body-text size."""

    title: str
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    max_count: int
    baseline: float
    scale_note: str = "柱高按篇数的平方根"

    @property
    def has_gap(self) -> bool:
        return any(b.gap for b in self.bars)


@dataclass
class CalendarDay:
    day: int
    path: str | None = None  # the issue of that day, if there is one
    label: str = ""  # "2月11日 星期二"
    pages: list[PageRef] = field(default_factory=list)  # the 版 of that issue, in page order


@dataclass
class CalendarMonth:
    year: int
    month: int
    first_weekday: int  # of day 1: 0 = Monday (the grid's first column)
    days: list[CalendarDay]

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass
class ArticleGroup:
    """A labelled list of articles, e.g. one month, or 「月份不详」 within a year."""

    label: str
    articles: list[Article]
    anchor: str = ""
    path: str | None = None


# ---------------------------------------------------------------- page contexts

@dataclass
class Citation:
    """How to cite an article: GB/T 7714-2015 ([N], a newspaper article) and a BibTeX entry,
    and the parts they are made of (the article page ships only the parts: static/js/site.js
    writes the same two strings, tested against these)."""

    gbt: str
    bibtex: str
    key: str = ""
    paper: str = ""  # "" = unknown
    date: str = ""  # ISO issue date, "" = unknown
    number: str = ""  # 版次
    names: list[str] = field(default_factory=list)


@dataclass
class HomeContext:
    latest_issue: Issue | None
    latest_articles: list[Article]
    issues: list[Issue]
    undated_pages: list[PageRef]
    article_count: int
    tag_count: int
    people_count: int
    top_tags: list[Counted]
    on_this_day: list[str] = field(default_factory=list)  # "MM-DD" of every on-this-day page


@dataclass
class ArticleContext:
    article: Article
    date_label: str
    bylines: list[Byline]
    tags: list[Link]
    people: list[Link]
    page: PageRef
    prev_on_page: Article | None
    next_on_page: Article | None
    prev_in_time: Article | None  # the lead article of the nearest earlier date, off this page
    next_in_time: Article | None  # the same, later
    citation: Citation
    permalink: str  # absolute, or "" when site_url is unset (the page derives it from its own address)


@dataclass
class PageViewContext:
    page: PageRef
    prev_page: PageRef | None
    next_page: PageRef | None
    issue: Issue | None
    prev_issue: Link | None = None  # the same 版次 in the previous issue, else that issue
    next_issue: Link | None = None


@dataclass
class PagesIndexContext:
    groups: list[Group]  # issues newest first (label: the date, items: PageRef), undated pages last
    page_count: int
    pagination: Pagination


@dataclass
class IssueContext:
    issue: Issue
    prev_issue: Issue | None
    next_issue: Issue | None


@dataclass
class CalendarYear:
    year: int
    path: str
    issues: int


@dataclass
class IssueCalendarContext:
    """往期回顾: one year's issues as month grids (a day with an issue links to it)."""

    year: int
    months: list[CalendarMonth]
    years: list[CalendarYear]  # every year with issues, for the year switcher
    prev_year: CalendarYear | None
    next_year: CalendarYear | None


@dataclass
class IssueYearsContext:
    years: list[CalendarYear]


@dataclass
class OnThisDayContext:
    """历史上的今天: the articles printed on one month-day, newest year first (a group per
    year), paginated as every listing is."""

    month: int
    day: int
    count: int
    groups: list[Group]  # this page's share: label "2020年", items in print order
    pagination: Pagination
    prev_day: Link | None
    next_day: Link | None


@dataclass
class OnThisDayIndexContext:
    months: list[tuple[int, list[Counted]]]  # month, its days with articles (name "2月11日")


@dataclass
class TagIndexContext:
    tags: list[Counted]  # this page's share, most used first
    total: int
    pagination: Pagination


@dataclass
class TagContext:
    tag: str
    count: int
    groups: list[Group]  # this page's articles in listing order, the undated in their own group
    pagination: Pagination

    @property
    def articles(self) -> list[Article]:
        return [a for g in self.groups for a in g.items]


@dataclass
class TimelineContext:
    years: list[Counted]
    chart: BarChart | None
    issue_years: list[CalendarYear]  # 往期回顾 of each year with issues, newest first
    year_unknown: int
    date_unknown: int
    dated: int


@dataclass
class YearContext:
    year: int
    count: int
    chart: BarChart
    months: list[Counted]  # 1月 ... 12月 with their counts, months without articles left out
    groups: list[Group]  # newest month first, 月份不详 last; a long year lists only 月份不详
    listed_by_month: bool  # False: the year is too long, its articles are on the month pages
    pagination: Pagination
    prev_year: int | None
    next_year: int | None


@dataclass
class MonthContext:
    year: int
    month: int
    count: int
    groups: list[Group]  # newest day first, 日期不详 last
    pagination: Pagination
    prev_month: Link | None
    next_month: Link | None


@dataclass
class UndatedContext:
    count: int
    groups: list[Group]  # year unknown: by month where known, then wholly undated
    pagination: Pagination


@dataclass
class PeopleIndexContext:
    people: list[Counted]  # this page's share, most mentioned first
    total: int
    pagination: Pagination


@dataclass
class TitleSpan:
    """A title printed with a person's name: from and to which dates, in how many articles."""

    title: str
    first: str  # "" when no article printing it has a known year
    last: str
    count: int


@dataclass
class PersonContext:
    name: str
    count: int
    titles: list[TitleSpan]  # on the first page only
    groups: list[Group]
    pagination: Pagination
    reporter_path: str | None

    @property
    def articles(self) -> list[Article]:
        return [a for g in self.groups for a in g.items]


@dataclass
class ReportersIndexContext:
    groups: list[Group]  # one per role (label: 记者 ...; items: Counted), most articles first
    pagination: Pagination


@dataclass
class ReporterContext:
    name: str
    count: int
    groups: list[Group]  # per role, each dated newest first then its undated
    pagination: Pagination
    person_path: str | None


@dataclass
class SimpleContext:
    """Pages that need nothing beyond the shared links: search, 404."""


@dataclass
class FeedContext:
    updated: str  # RFC 3339, derived from the newest article date
    entries: list[tuple[Article, str]]  # article, its RFC 3339 timestamp


@dataclass
class SitemapContext:
    paths: list[str]


@dataclass
class PlannedPage:
    path: str  # base-relative URL ('' is the home page)
    file: str  # output file relative to the output dir
    template: str
    title: str
    context: Any
    links: Links
    description: str = ""
    og_type: str = "website"
    in_sitemap: bool = True


# ---------------------------------------------------------------- the plan

def plan_site(articles: list[Article], config: Config) -> list[PlannedPage]:
    """Every page of the site, in a stable order."""
    articles = sorted(articles, key=lambda a: (a.source, a.order, a.id))
    pages_by_source = _page_refs(articles)
    links = _links(articles, pages_by_source)
    chronological = sorted(articles, key=time_key)
    listed = sorted(articles, key=listing_key)
    issues = _issues(pages_by_source, links)
    undated_pages = [p for p in pages_by_source.values() if p.published is None]
    undated_pages.sort(key=lambda p: p.slug)

    planned: list[PlannedPage] = []
    by_day = _printed_by_day(chronological)
    planned.append(_home(articles, chronological, issues, undated_pages, links, config))
    planned[-1].context.on_this_day = [f"{m:02d}-{d:02d}" for m, d in sorted(by_day)]
    planned += _article_pages(articles, chronological, pages_by_source, links, config)
    planned += _page_views(pages_by_source, issues, undated_pages, links)
    planned += _issue_pages(issues, links)
    planned += _issue_calendars(issues, links)
    planned += _on_this_day_pages(by_day, links)
    planned += _tag_pages(articles, listed, links, config)
    planned += _timeline_pages(chronological, listed, issues, links)
    planned += _people_pages(listed, chronological, links, config)
    planned += _reporter_pages(listed, links, config)
    planned.append(PlannedPage("search/", file_for("search"), "search.html", "全文检索",
                               SimpleContext(), links))
    planned.append(PlannedPage("404.html", "404.html", "404.html", "页面未找到",
                               SimpleContext(), links, in_sitemap=False))
    planned += _machine_files(planned, chronological, links, config)
    _check_unique(planned)
    return planned


def _page_refs(articles: list[Article]) -> dict[str, PageRef]:
    by_source: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_source[a.source].append(a)
    slugs = _page_slugs(by_source)
    refs: dict[str, PageRef] = {}
    for source in sorted(by_source):
        group = sorted(by_source[source], key=lambda a: (a.order, a.id))
        first = group[0]
        refs[source] = PageRef(
            slug=slugs[source], path=url_path("page", slugs[source]), source=source,
            articles=group, published=_first(issue_date(a) for a in group),
            page=_first(a.page for a in group), page_name=_first(a.page_name for a in group),
            newspaper=_first(a.newspaper for a in group) or first.newspaper)
    return refs


def _first(values: Iterable):
    return next((v for v in values if v), None)


def _page_slugs(by_source: dict[str, list[Article]]) -> dict[str, str]:
    """The article-id prefix shared by a page's articles (ids are `<seed slug>-<NN>`)."""
    slugs: dict[str, str] = {}
    taken: set[str] = set(RESERVED_SLUGS)
    for source in sorted(by_source):
        prefixes = {re.sub(r"[-_.]?\d+$", "", a.id) or a.id for a in by_source[source]}
        slug = prefixes.pop() if len(prefixes) == 1 else ""
        slugs[source] = _free_slug(safe_slug(slug or by_source[source][0].seed_stem), source, taken)
    return slugs


def _links(articles: list[Article], pages: dict[str, PageRef]) -> Links:
    return Links(
        articles=_article_paths(articles),
        pages={s: p.path for s, p in pages.items()},
        tags=unique_slugs(t for a in articles for t in a.tags),
        people=unique_slugs(p for p, n in _mentions(articles).items() if n >= PERSON_PAGE_MIN),
        reporters=unique_slugs(n for a in articles for role, _ in ROLE_LABELS
                               for n in getattr(a, role)),
    )


def _article_paths(articles: list[Article]) -> dict[str, str]:
    """a/<id>/, where ids that differ only in case (one folder on Windows and macOS) are told
    apart by a hash; ids are ASCII letters, digits, '-' and '_', so the path is the id."""
    taken = set(RESERVED_SLUGS)
    return {i: url_path("a", _free_slug(i, i, taken)) for i in sorted({a.id for a in articles})}


def _mentions(articles: list[Article]) -> dict[str, int]:
    """How many articles name each person."""
    counts: dict[str, int] = defaultdict(int)
    for a in articles:
        for p in set(a.people):
            counts[p] += 1
    return counts


def _issues(pages: dict[str, PageRef], links: Links) -> list[Issue]:
    """Issues newest first; each issue's pages in page order."""
    by_date: dict[tuple, list[PageRef]] = defaultdict(list)
    for p in pages.values():
        if p.published:
            by_date[p.published.sort_key()].append(p)
    issues = []
    for key in sorted(by_date, reverse=True):
        group = sorted(by_date[key], key=lambda p: (_page_number_key(p.page), p.slug))
        issues.append(Issue(group[0].published, links.issue(group[0].published), group))
    return issues


def _page_number_key(page: str | None) -> tuple:
    """Sort 版次 like a reader: 2 before 10, A2 before A10, missing last."""
    if not page:
        return (1, "", 0)
    m = re.match(r"^([^\d]*)(\d+)", page)
    return (0, m.group(1), int(m.group(2))) if m else (0, page, 0)


def _home(articles, chronological, issues, undated_pages, links, config) -> PlannedPage:
    dated = [a for a in chronological if time_key(a)[0] == 0]
    latest = sorted(dated, key=listing_key)[: config.home_articles]
    tags = _counted_tags(articles, links)
    ctx = HomeContext(
        latest_issue=issues[0] if issues else None, latest_articles=latest, issues=issues,
        undated_pages=undated_pages, article_count=len(articles), tag_count=len(links.tags),
        people_count=len(_mentions(articles)), top_tags=tags[:20])
    return PlannedPage("", "index.html", "home.html", config.title, ctx, links,
                       description=config.description)


def _article_pages(articles, chronological, pages, links, config) -> list[PlannedPage]:
    in_time = _time_neighbours(chronological)
    site_url = config.site_url if site_url_is_set(config.site_url) else ""
    out = []
    for a in articles:
        page = pages[a.source]
        i = page.articles.index(a)
        permalink = site_url + links.article(a) if site_url else ""
        earlier, later = in_time.get(a.id, (None, None))
        ctx = ArticleContext(
            article=a, date_label=format_zh(_edtf(a.date)), bylines=_bylines(a, links),
            tags=[Link(t, links.tag(t)) for t in a.tags],
            people=[Link(p, links.person(p)) for p in a.people],
            page=page,
            prev_on_page=page.articles[i - 1] if i > 0 else None,
            next_on_page=page.articles[i + 1] if i + 1 < len(page.articles) else None,
            prev_in_time=earlier, next_in_time=later,
            citation=cite(a, page, permalink), permalink=permalink)
        out.append(PlannedPage(links.article(a), file_for("a", links.article(a)[2:-1]), "article.html",
                               a.title, ctx, links, description=_description(a),
                               og_type="article"))
    return out


def _time_neighbours(chronological: list[Article]) -> dict[str, tuple[Article | None, Article | None]]:
    """For each dated article: the lead article (first in print order) of the nearest earlier
    and the nearest later date, skipping articles on its own page. Its page's other articles
    are what 本版上一篇/下一篇 are for, and most share its date; stepping by date lets a reader
    walk the archive a day at a time instead of through the rest of the same page."""
    days: dict[tuple, list[Article]] = defaultdict(list)
    for a in chronological:
        if time_key(a)[0] == 0:
            d = article_date(a)
            days[(d.year, d.month or 0, d.day or 0)].append(a)
    keys = sorted(days)

    def lead(k: int, step: int, source: str) -> Article | None:
        while 0 <= k < len(keys):
            off_page = [a for a in days[keys[k]] if a.source != source]
            if off_page:
                return min(off_page, key=lambda a: (a.published or "", _page_number_key(a.page),
                                                    a.source, a.order))
            k += step
        return None

    out = {}
    for k, key in enumerate(keys):
        for a in days[key]:
            out[a.id] = (lead(k - 1, -1, a.source), lead(k + 1, 1, a.source))
    return out


def _bylines(a: Article, links: Links) -> list[Byline]:
    return [Byline(label, [Link(n, links.reporter(n)) for n in getattr(a, role)])
            for role, label in ROLE_LABELS if getattr(a, role)]


def cite(a: Article, page: PageRef, permalink: str = "") -> Citation:
    """GB/T 7714-2015 for a newspaper article, "作者. 题名[N]. 报纸名, 出版日期(版次).", with
    what is unknown said in brackets as the standard does, never guessed (an article's own
    date is not its issue's); and the same as a BibTeX entry (biblatex's newspaper article)."""
    names = list(dict.fromkeys(a.reporters + a.correspondents + a.writers))
    authors = ", ".join(names[:3]) + (", 等" if len(names) > 3 else "")
    paper = page.newspaper or a.newspaper
    when = page.published
    iso = f"{when.year:04d}-{when.month:02d}-{when.day:02d}" if when else ""
    number = page.page or a.page
    source = f"{paper or '[出版者不详]'}, {iso or '[出版日期不详]'}" + (f"({number})" if number else "")
    gbt = (f"{authors}. " if authors else "") + f"{a.title}[N]. {source}."
    fields = [("author", " and ".join(names)), ("title", a.title), ("journal", paper or ""),
              ("date", iso), ("pages", number or ""), ("url", permalink)]
    key = re.sub(r"[^A-Za-z0-9_-]", "", a.id) or "article"
    body = "".join(f",\n  {k} = {{{_bibtex_escape(v)}}}" for k, v in fields if v)
    return Citation(gbt, f"@article{{{key},\n  entrysubtype = {{newspaper}}{body}\n}}",
                    key, (paper or "").replace("|", ""), iso, (number or "").replace("|", ""),
                    [n.replace("|", "") for n in names])


def _bibtex_escape(value: str) -> str:
    """Braces would unbalance the entry; LaTeX's specials are escaped."""
    value = value.replace("{", "").replace("}", "").replace("\\", "")
    return re.sub(r"([&%$#_])", r"\\\1", value)


DESCRIPTION_CHARS = 100  # what search results and link previews show; the page has the rest


def _description(a: Article) -> str:
    text = a.summary or re.sub(r"[#*_>`\[\]()]", "", a.body)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:DESCRIPTION_CHARS] + ("…" if len(text) > DESCRIPTION_CHARS else "")


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


def _counted_tags(articles: list[Article], links: Links) -> list[Counted]:
    counts: dict[str, int] = defaultdict(int)
    for a in articles:
        for t in set(a.tags):
            counts[t] += 1
    top = max(counts.values(), default=1)
    tags = [Counted(t, n, links.tag(t), 1 + (4 * (n - 1)) // max(top - 1, 1)) for t, n in counts.items()]
    tags.sort(key=lambda c: (-c.count, c.name))
    return tags


def _tag_pages(articles, listed, links, config) -> list[PlannedPage]:
    tags = _counted_tags(articles, links)
    out = listing_pages(("tags",), "tags.html", "标签", [Group("", tags)], LIST_PAGE_SIZE,
                        lambda chunk, pg: TagIndexContext(_items(chunk), len(tags), pg), links)
    by_tag: dict[str, list[Article]] = defaultdict(list)  # one pass, not one per tag
    for a in listed:
        for t in dict.fromkeys(a.tags):
            by_tag[t].append(a)
    for tag in sorted(tags, key=lambda c: c.name):
        tagged = by_tag[tag.name]
        out += listing_pages(("tags", links.tags[tag.name]), "tag.html", f"标签：{tag.name}",
                             dated_groups(tagged), config.tag_page_size,
                             lambda chunk, pg, t=tag.name, n=len(tagged): TagContext(t, n, chunk, pg),
                             links)
    return out


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
                         str(y) if m == 1 or run_start else ""))
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
    """Labels that never overlap: major ones (shown at every width) at least width /
    CHART_MAX_TICKS apart, always the first and the last; minor ones (hidden on phones) at
    least half that from any other; the rest dropped."""
    if len(ticks) < 2:
        return ticks
    major_gap, minor_gap = width / CHART_MAX_TICKS, width / (2 * CHART_MAX_TICKS)
    major = [ticks[0]]
    for t in ticks[1:]:
        if t.x - major[-1].x >= major_gap:
            major.append(t)
    if major[-1] is not ticks[-1]:
        if len(major) > 1 and ticks[-1].x - major[-1].x < major_gap:
            major.pop()
        major.append(ticks[-1])
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


def _people_pages(listed, chronological, links, config) -> list[PlannedPage]:
    by_person: dict[str, list[Article]] = defaultdict(list)
    for a in listed:
        for p in dict.fromkeys(a.people):
            by_person[p].append(a)
    people = [Counted(p, len(v), links.person(p) or links.article(v[0])) for p, v in by_person.items()]
    people.sort(key=lambda c: (-c.count, c.name))
    out = listing_pages(("people",), "people.html", "人物", [Group("", people)], LIST_PAGE_SIZE,
                        lambda chunk, pg: PeopleIndexContext(_items(chunk), len(people), pg), links)
    spans = _title_spans(chronological)
    for name in sorted(links.people):
        items = by_person[name]
        reporter = links.reporter(name) if name in links.reporters else None
        titles = spans.get(name, [])
        out += listing_pages(("people", links.people[name]), "person.html", name, dated_groups(items),
                             config.tag_page_size,
                             lambda chunk, pg, n=name, c=len(items), t=titles, r=reporter:
                                 PersonContext(n, c, t if pg.number == 1 else [], chunk, pg, r),
                             links)
    return out


def _title_spans(chronological: list[Article]) -> dict[str, list[TitleSpan]]:
    """Per person, each distinct title printed with the name, ordered by when it first appears:
    from the first to the last dated article printing it (the undated ones only count)."""
    found: dict[str, dict[str, list[Article]]] = defaultdict(dict)
    for a in chronological:
        for name, title in a.roles.items():
            title = (title or "").strip()
            if title and name in a.people:
                found[name].setdefault(title, []).append(a)
    out: dict[str, list[TitleSpan]] = {}
    for name, by_title in found.items():
        spans = []
        for title, arts in by_title.items():
            dated = [a for a in arts if is_dated(a)]
            first = format_zh(_edtf(dated[0].date)) if dated else ""
            last = format_zh(_edtf(dated[-1].date)) if dated else ""
            spans.append(TitleSpan(title, first, last, len(arts)))
        out[name] = spans
    return out


def _reporter_pages(listed, links, config) -> list[PlannedPage]:
    by_name: dict[str, dict[str, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for a in listed:
        for role, label in ROLE_LABELS:
            for n in dict.fromkeys(getattr(a, role)):
                by_name[n][label].append(a)
    groups = []
    for role, label in ROLE_LABELS:
        people = [Counted(n, len(r[label]), links.reporter(n)) for n, r in by_name.items() if r.get(label)]
        people.sort(key=lambda c: (-c.count, c.name))
        if people:
            groups.append(Group(label, people, anchor=f"role-{role}"))
    out = listing_pages(("reporters",), "reporters.html", "记者与作者", groups, LIST_PAGE_SIZE,
                        lambda chunk, pg: ReportersIndexContext(chunk, pg), links)
    for name in sorted(by_name):
        roles = by_name[name]
        groups = [g for role, label in ROLE_LABELS if roles.get(label)
                  for g in dated_groups(roles[label], f"署名“{label}”的文章",
                                        f"署名“{label}”、{UNDATED_LABEL}的文章")]
        count = len({a.id for r in roles.values() for a in r})
        person = links.person(name)
        out += listing_pages(("reporters", links.reporters[name]), "reporter.html", name, groups,
                             config.tag_page_size,
                             lambda chunk, pg, n=name, c=count, p=person: ReporterContext(n, c, chunk, pg, p),
                             links)
    return out


def _rfc3339(d: EdtfDate | None) -> str | None:
    if d is None or d.year is None:
        return None
    return f"{d.year:04d}-{d.month or 1:02d}-{d.day or 1:02d}T00:00:00Z"


def _machine_files(planned, chronological, links, config) -> list[PlannedPage]:
    """feed.xml, sitemap.xml and robots.txt; their times come from article dates only."""
    stamped = []
    for a in chronological:
        when = _rfc3339(issue_date(a)) or _rfc3339(article_date(a))
        if when:
            stamped.append((a, when))
    stamped.sort(key=lambda e: (e[1], time_key(e[0])), reverse=True)
    entries = stamped[: config.feed_entries]
    updated = entries[0][1] if entries else "1970-01-01T00:00:00Z"
    sitemap = SitemapContext(sorted(p.path for p in planned if p.in_sitemap))
    return [
        PlannedPage("feed.xml", "feed.xml", "feed.xml", config.title, FeedContext(updated, entries),
                    links, in_sitemap=False),
        PlannedPage("sitemap.xml", "sitemap.xml", "sitemap.xml", "sitemap", sitemap, links,
                    in_sitemap=False),
        PlannedPage("robots.txt", "robots.txt", "robots.txt", "robots", SimpleContext(), links,
                    in_sitemap=False),
    ]


def _check_unique(planned: list[PlannedPage]) -> None:
    """Two pages must never share a file: that would silently drop one (a bug in this module)."""
    seen: dict[str, str] = {}
    for p in planned:
        key = p.file.casefold()
        if key in seen:
            raise AssertionError(f"pages {seen[key]!r} and {p.path!r} both write {p.file}")
        seen[key] = p.path
