"""The data between plan and render: links shared by all pages, page references, and each page's context."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..edtf import EdtfDate, format_zh
from ..model import Article
from .slugs import url_path


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
