"""The typed data that flows between the pipeline's stages.

seeds.read_seeds -> SeedPage
segment.segment_page -> PageLayout (ArticleDraft + furniture)
extract.extract_article -> Article
content.write_content / content.read_corpus -> Article (+ path, hand-edit state)
plan.plan_site -> list[PlannedPage]   (render stage)
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one file; `line` is 1-based, None when no line applies."""

    path: str
    message: str
    line: int | None = None
    severity: str = "error"  # "error" | "warning" | "info"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


class Reported:
    """For a stage's report with a `diagnostics` list: the ones that are errors."""

    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


@dataclass(frozen=True)
class PageMeta:
    """What is known about the printed page (版面) a seed file holds."""

    published: str | None = None  # ISO date of the issue, e.g. 2020-01-15
    page: str | None = None  # 版次, e.g. "04" or "A3"
    page_name: str | None = None  # e.g. 时政新闻
    newspaper: str | None = None


@dataclass(frozen=True)
class Line:
    """A non-blank line of a seed page, with its 1-based line number."""

    number: int
    text: str


@dataclass
class SeedPage:
    path: str  # path relative to the project (or as given), used in messages and `source`
    stem: str  # file name without extension: the content folder's name
    slug: str  # ASCII, URL-safe, stable: the prefix of every article id from this page
    text: str  # decoded, NFC, LF line ends, no BOM
    meta: PageMeta = field(default_factory=PageMeta)

    @property
    def lines(self) -> list[Line]:
        return [Line(i, t.strip()) for i, t in enumerate(self.text.split("\n"), 1) if t.strip()]


@dataclass
class Paragraph:
    """A body paragraph or an in-article subheading, with the seed lines it came from."""

    text: str
    lines: tuple[int, int]
    heading: bool = False
    label: bool = False  # an opening label (核心阅读) printed as a line of the body, not a heading
    byline: bool = False  # a section's byline under its heading (heading too): its names credit the article

    @property
    def is_text(self) -> bool:
        return not (self.heading or self.label)


@dataclass
class ArticleDraft:
    """An article as cut out of a page, before metadata extraction."""

    headline: list[Line]  # kicker / title / subtitle lines as printed
    paragraphs: list[Paragraph]
    byline_texts: list[str] = field(default_factory=list)  # bylines removed from the body
    extra_headline: list[Line] = field(default_factory=list)  # e.g. a series part title

    @property
    def first_line(self) -> int:
        starts = [l.number for l in self.headline] + [p.lines[0] for p in self.paragraphs]
        return min(starts)

    @property
    def last_line(self) -> int:
        ends = [l.number for l in self.headline] + [p.lines[1] for p in self.paragraphs]
        return max(ends)


@dataclass
class PageLayout:
    """A page cut into articles; everything else on it is furniture."""

    section: str | None
    articles: list[ArticleDraft]
    furniture: list[Line]
    diagnostics: list[Diagnostic] = field(default_factory=list)


ROLE_FIELDS = ("reporters", "correspondents", "writers", "photographers")


@dataclass
class Article:
    """One article: the front matter fields of a content file plus its Markdown body."""

    id: str
    source: str
    order: int
    title: str
    body: str = ""
    source_lines: tuple[int, int] | None = None
    kicker: str | None = None
    subtitle: str | None = None
    section: str | None = None
    date: str = "XXXX"  # EDTF level 1
    dateline: str | None = None
    dateline_date: str | None = None  # EDTF: the day the dateline names, when the issue date is known
    published: str | None = None
    page: str | None = None
    page_name: str | None = None
    newspaper: str | None = None
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    byline: str | None = None  # the byline(s) as printed, " / " between several
    people: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    places: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    summary: str | None = None
    # Set by the content stage, not part of the article's meaning:
    path: str | None = None  # content file, relative to the content dir
    generated: str | None = None  # hash of the text ingestion wrote; absent = hand-made file

    @property
    def seed_stem(self) -> str:
        name = self.source.replace("\\", "/").rsplit("/", 1)[-1]
        return name.rsplit(".", 1)[0] if "." in name else name


class StageClock:
    """Adds the time since the last lap to a stage's entry in `timings` (stage -> seconds)."""

    def __init__(self, timings: dict[str, float]):
        self.timings, self.last = timings, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now
