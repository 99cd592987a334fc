#!/usr/bin/env python3
"""Write a synthetic archive of newspaper seed pages, with the answer a correct ingestion gives.

  python benchmarks/make_archive.py --pages 2500 --seed 1 OUT [--truth] [--gold OUT/gold.yaml]
                                    [--article-chars 1400]

Every page is deterministic for (pages, seed). Pages imitate what the sample pages and a national
daily print: headline stacks of one to three lines (kicker / title / subtitle, a title and
subtitle on one line, `——` subtitles), datelines (本报讯 7月18日, 本报讯(记者 李娜 袁帅)昨日上午,
本报北京1月18日电（记者葛孟超）, 日前, 近日, 3月7日上午), years in the text, bylines at the end,
trailing a paragraph or inside the first one, subheadings (also lone year lines), column breaks
that cut a sentence (sometimes with a subheading or the next article's headline printed between
the halves), a section label on top and banners at the bottom, half-width `,()` or full-width
`，（）` punctuation. Names of people, places and organisations are composed from parts and drawn
from pools that keep growing (Pitman-Yor), so the vocabulary grows with the archive.

With --truth, `OUT/<stem>.truth.json` records per page what ingestion must yield (schema in
PageTruth below). The fields `section`, `furniture`, and per article `headline`, `bylines[].text`
and `body[].text` account for every non-space character of the page exactly once.
With --gold FILE, the same truth is written in the schema of the hand-made gold file that
`score_ingest.py` reads, so generated pages can be scored like the sample pages.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

try:  # imported as benchmarks.make_archive
    from . import archive_vocab as V
except ImportError:  # run as a script
    import archive_vocab as V

CLOSERS = "。！？"
NO_LINE_START = "，。、；：？！”）》,.;:)"  # Chinese typesetting never starts a line with these
TO_HALF_WIDTH = str.maketrans({"，": ",", "（": "(", "）": ")", "：": ":", "；": ";"})


# ---------------------------------------------------------------- truth schema

@dataclass
class Byline:
    """A byline as printed and the names it gives per role."""

    text: str  # exactly as printed (whitespace inside kept)
    placement: str  # "end" (own line(s) after the body), "lead" (inside the first paragraph),
    #                 "trailing" (glued to the end of a paragraph), "before_body" (own line)
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)


@dataclass
class Block:
    """One body block in reading order: a paragraph (after column-break repair, bylines
    removed, dateline kept) or an in-article subheading."""

    kind: str  # "paragraph" | "subheading"
    text: str


@dataclass
class ColumnBreak:
    """Where a column break cut a paragraph: the text either side and the lines it sits on."""

    left: str  # the end of the first half (up to 8 characters)
    right: str  # the start of the second half (up to 8 characters)
    lines: list[int]  # [line of the first half, line of the second half]


@dataclass
class ArticleTruth:
    order: int  # 1, 2, ... in reading order on the page
    headline: list[str]  # headline lines as printed, top to bottom
    title: str
    kicker: str | None
    subtitle: str | None  # without a leading ——
    title_any_of: list[str]  # readings of the title a scorer should accept
    body: list[Block]
    bylines: list[Byline]
    dateline: str | None  # the words the date came from, as printed
    date: str  # EDTF: what the text and the page's known publication date establish
    date_also_ok: list[str]
    reporters: list[str]
    correspondents: list[str]
    writers: list[str]
    photographers: list[str]
    people: list[str]  # named persons in the body (not byline-only names), first mention order
    roles: dict[str, str]  # name -> titles printed with the name
    places: list[str]
    organizations: list[str]
    joined: list[str]  # text that exists only once column breaks are repaired (left + right)
    breaks: list[ColumnBreak]
    source_lines: list[int]  # [first, last] 1-based line numbers in the seed file


@dataclass
class PageTruth:
    seed: str  # seed file name
    sidecar: str | None  # sidecar file name, when one was written
    published: str | None  # ISO date known from the file name or sidecar, else None
    page: str | None
    page_name: str | None
    newspaper: str | None
    section: str | None  # section label printed at the top
    furniture: list[str]  # other non-article lines (banners, slogans, editor credits)
    articles: list[ArticleTruth]


@dataclass
class GeneratedPage:
    stem: str
    text: str  # the seed file's content
    sidecar_text: str | None
    truth: PageTruth

    def truth_json(self) -> str:
        return json.dumps(asdict(self.truth), ensure_ascii=False, indent=1) + "\n"


# ---------------------------------------------------------------- growing pools

class GrowingPool:
    """Pitman-Yor draws: a new item with probability (theta + d*K)/(theta + n), else a past
    draw (weight = its count). The number of distinct items grows like n**d: popular people
    recur on many pages while new names keep appearing, as in a real archive."""

    def __init__(self, rng: random.Random, make: Callable[[], object], theta: float, discount: float):
        self.rng, self.make, self.theta, self.discount = rng, make, theta, discount
        self.items: list = []
        self.draws: list = []

    def draw(self):
        n, k = len(self.draws), len(self.items)
        if n == 0 or self.rng.random() < (self.theta + self.discount * k) / (self.theta + n):
            item = self.make()
            self.items.append(item)
        else:
            item = self.rng.choice(self.draws)
        self.draws.append(item)
        return item

    def distinct(self, count: int) -> list:
        """`count` different items (fewer only if the pool keeps repeating itself)."""
        out: list = []
        for _ in range(count * 6):
            item = self.draw()
            if item not in out:
                out.append(item)
            if len(out) == count:
                break
        return out


@dataclass(frozen=True)
class Official:
    name: str
    title: str  # e.g. 金水区党工委书记、管委会主任
    org: str


@dataclass
class Paper:
    name: str
    style: str  # "half" | "full" (default punctuation of its pages)
    national: bool
    code: str
    reporters: GrowingPool
    correspondents: GrowingPool


@dataclass
class Mentions:
    """What one article names, in first-mention order."""

    people: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)
    places: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)

    def add(self, kind: list[str], word: str) -> str:
        if word not in kind:
            kind.append(word)
        return word


# ---------------------------------------------------------------- the generator

@dataclass
class Unit:
    """A printable piece of an article before layout."""

    kind: str  # "paragraph" | "subheading"
    text: str  # truth text
    byline: Byline | None = None  # printed inside this paragraph
    byline_at: int = 0  # where, in truth-text coordinates


@dataclass
class ArticleDraft:
    truth: ArticleTruth
    units: list[Unit]
    end_byline_lines: list[str]  # lines printed after the body
    before_body_line: str | None


DEFAULT_ARTICLE_CHARS = 1050  # mean characters of an article body as generated by default


class ArchiveGenerator:
    def __init__(self, seed: int, article_chars: int | None = None):
        self.rng = random.Random(seed)
        # Real articles are longer (about 1,400 characters in a national daily): --article-chars
        # scales the length distribution; the default draws stay exactly as they were.
        self.length_scale = (article_chars or DEFAULT_ARTICLE_CHARS) / DEFAULT_ARTICLE_CHARS
        self.used_names: set[str] = set()
        r = self.rng
        weights = [1.0 / (i + 8) for i in range(len(V.SURNAMES))]
        self.surname_cum = _cumulative(weights)
        self.districts = GrowingPool(r, lambda: self._place_name(V.DISTRICT_KINDS), 4, 0.35)
        self.streets = GrowingPool(r, lambda: self._place_name(V.STREET_KINDS), 10, 0.5)
        self.communities = GrowingPool(r, lambda: self._place_name(V.COMMUNITY_KINDS), 20, 0.6)
        self.roads = GrowingPool(r, lambda: self._place_name(V.ROAD_KINDS), 10, 0.5)
        self.projects = GrowingPool(r, lambda: self._place_name(V.PROJECT_KINDS), 12, 0.55)
        self.companies = GrowingPool(r, self._company, 10, 0.6)
        self.officials = GrowingPool(r, self._official, 15, 0.55)
        self.papers = [self._paper(*V.CITY_PAPER, national=False, code="csrb"),
                       self._paper(*V.NATIONAL_PAPER, national=True, code="hxrb")]

    # -- names -------------------------------------------------------------
    def new_person_name(self) -> str:
        r = self.rng
        while True:
            surname = r.choices(V.SURNAMES, cum_weights=self.surname_cum)[0]
            given = r.choice(V.GIVEN) + (r.choice(V.GIVEN) if r.random() < 0.62 else "")
            name = surname + given
            if name not in self.used_names and given[0] != surname[-1]:
                self.used_names.add(name)
                return name

    def _place_name(self, kinds: list[str]) -> str:
        r = self.rng
        return r.choice(V.PLACE_FIRST) + r.choice(V.PLACE_SECOND) + r.choice(kinds)

    def _company(self) -> str:
        r = self.rng
        return r.choice(V.PLACE_FIRST) + r.choice(V.PLACE_SECOND) + r.choice(V.COMPANY_INDUSTRIES) + r.choice(V.COMPANY_KINDS)

    def _official(self) -> Official:
        r = self.rng
        if r.random() < 0.15:
            org = self.companies.draw()
            return Official(self.new_person_name(), org + r.choice(V.COMPANY_POSITIONS), org)
        org = self.districts.draw() + r.choice(V.DEPARTMENTS)
        dept = next((d for d in V.POSITIONS if org.endswith(d)), None)
        positions = V.POSITIONS.get(dept, V.DEFAULT_POSITIONS)
        title = org + r.choice(positions)
        if dept == "党工委" and r.random() < 0.4:
            title += "、管委会" + r.choice(V.POSITIONS["管委会"])
        return Official(self.new_person_name(), title, org)

    def _paper(self, name: str, style: str, national: bool, code: str) -> Paper:
        r = self.rng
        return Paper(name, style, national, code,
                     reporters=GrowingPool(r, self.new_person_name, 4, 0.3),
                     correspondents=GrowingPool(r, self.new_person_name, 10, 0.5))

    # -- words -------------------------------------------------------------
    def topic(self) -> str:
        r = self.rng
        t = r.choice(V.TOPICS)
        return (r.choice(V.TOPIC_MODIFIERS) + t) if r.random() < 0.15 else t

    def measure(self) -> str:
        r = self.rng
        return r.choice(V.VERBS) + self.topic() + r.choice(V.OBJECT_NOUNS)

    def place(self, m: Mentions, pool: GrowingPool | None = None) -> str:
        return m.add(m.places, (pool or self.districts).draw())

    def org(self, m: Mentions) -> str:
        r = self.rng
        if r.random() < 0.2:
            return m.add(m.organizations, self.companies.draw())
        district = self.place(m)
        return m.add(m.organizations, district + r.choice(V.DEPARTMENTS))

    def person(self, m: Mentions, with_title: bool = True) -> str:
        o: Official = self.officials.draw()
        first = o.name not in m.people
        m.add(m.people, o.name)
        if first and with_title:
            m.roles.setdefault(o.name, o.title)
            m.add(m.organizations, o.org)
            return o.title + o.name
        return o.name

    def citizen(self, m: Mentions) -> str:
        return m.add(m.people, self.new_person_name())

    # -- sentences ---------------------------------------------------------
    def sentence_purpose(self) -> str:
        r = self.rng
        return (f"{r.choice(['深入学习贯彻', '总结', '安排部署', '研究推进', '动员部署'])}{self.topic()}工作，"
                f"{r.choice(V.VERBS)}{self.topic()}{r.choice(V.OBJECT_NOUNS)}")

    def para_event(self, m: Mentions, lead: str, year: int | None) -> str:
        r = self.rng
        ytxt = f"{year}年" if year else ""
        org = self.org(m)
        parts = [f"{lead}{org}{r.choice(['召开', '举行', '组织召开'])}{ytxt}{self.topic()}{r.choice(V.MEETING_KINDS)}，"
                 f"{self.sentence_purpose()}。"]
        if r.random() < 0.8:
            people = [self.person(m) for _ in range(r.randint(1, 3))]
            parts.append(f"{'，'.join(people)}出席{r.choice(['会议', '活动', '仪式'])}。")
        if r.random() < 0.6:
            groups = "、".join(r.sample(V.ATTENDEE_GROUPS, r.randint(1, 3)))
            parts.append(f"{groups}等{r.randint(2, 30) * 10}余人参加。")
        return "".join(parts)

    def para_speech(self, m: Mentions) -> str:
        r = self.rng
        who = self.person(m)
        clauses = "；".join(f"要{self.measure()}，{self.measure()}" for _ in range(r.randint(1, 3)))
        return f"{who}{r.choice(V.REQUIRE_VERBS)}，{clauses}。"

    def para_points(self, m: Mentions, year: int | None) -> str:
        r = self.rng
        head = r.choice(["会议指出", "会议认为", "会议强调", "据介绍", "记者了解到"])
        when = f"{year - 1}年" if year and r.random() < 0.5 else r.choice(["近年来", "今年以来", "一年来"])
        return (f"{head}，{when}，{self.org(m)}{r.choice(V.ACHIEVEMENTS)}，{self.measure()}，"
                f"{self.measure()}，为{r.choice(V.GOALS)}{r.choice(['奠定了坚实基础', '提供了有力支撑', '作出了积极贡献'])}。")

    def para_enumeration(self, m: Mentions) -> str:
        r = self.rng
        n = r.randint(2, 5)
        items = "".join(f"{V.PLAN_WORDS[i]}{self.measure()}。{r.choice(V.VERBS)}{self.topic()}，{self.measure()}。"
                        for i in range(n))
        intro = r.choice([f"针对下一步工作，{self.person(m)}提出了{'两三四五'[n - 2]}点要求：",
                          "会议要求，", f"{self.org(m)}明确了{'两三四五'[n - 2]}项重点任务："])
        return intro + items

    def para_stats(self, m: Mentions) -> str:
        r = self.rng
        place = self.place(m, r.choice([self.projects, self.roads, self.streets]))
        return (f"{r.choice(['截至目前', '今年以来', '据统计', '一年来'])}，{self.org(m)}"
                f"{r.choice(['共实施', '累计完成', '签约落地', '谋划推进'])}{self.topic()}项目{r.randint(3, 260)}个，"
                f"总投资{r.randint(2, 900)}.{r.randint(1, 9)}亿元，其中{place}"
                f"{r.choice(['已完成主体施工', '即将投用', '进展顺利', '成为全市样板'])}。")

    def para_citizen(self, m: Mentions) -> str:
        r = self.rng
        home = self.place(m, r.choice([self.communities, self.streets]))
        name = self.citizen(m)
        return (f"家住{home}的居民{name}告诉记者：“现在{r.choice(V.THINGS)}比以前"
                f"{r.choice(['方便多了', '好多了', '规范多了'])}，我们住着也{r.choice(V.FEELINGS)}。”"
                f"{r.choice(['据了解', '记者注意到', '在现场'])}，{self.org(m)}{self.measure()}，{self.measure()}。")

    def para_closing(self, m: Mentions) -> str:
        r = self.rng
        return r.choice([
            f"与会人员纷纷表示，将{self.measure()}，为{r.choice(V.GOALS)}作出新的更大贡献。",
            f"下一步，{self.org(m)}将{self.measure()}，{self.measure()}，推动{r.choice(V.GOALS)}。",
            f"{self.person(m, with_title=False)}表示，要{self.measure()}，确保各项工作落地见效。",
        ])

    def para_names(self, m: Mentions) -> str:
        names = "、".join(self.person(m, with_title=False) for _ in range(self.rng.randint(3, 7)))
        return f"会上，{names}等结合各自分管领域，就{self.measure()}等工作进行发言交流。"

    def body_paragraph(self, m: Mentions, year: int | None) -> str:
        r = self.rng
        kind = r.choices(["speech", "points", "enum", "stats", "citizen", "names"],
                         weights=[5, 5, 3, 3, 2, 1])[0]
        return {"speech": lambda: self.para_speech(m), "points": lambda: self.para_points(m, year),
                "enum": lambda: self.para_enumeration(m), "stats": lambda: self.para_stats(m),
                "citizen": lambda: self.para_citizen(m), "names": lambda: self.para_names(m)}[kind]()

    # -- headlines ---------------------------------------------------------
    def title_line(self, m: Mentions) -> str:
        r = self.rng
        k = r.randrange(6)
        if k == 0:
            return f"{self.place(m)}{' ' if r.random() < 0.4 else ''}召开{self.topic()}{r.choice(V.MEETING_KINDS)}"
        if k == 1:
            return f"{r.choice(V.VERBS)}{self.topic()} {r.choice(V.VERBS)}{r.choice(V.GOALS)}"
        if k == 2:
            return f"{self.place(m, self.projects)}{r.choice(['正式揭牌运营', '开工建设', '投入使用', '通过验收'])}"
        if k == 3:
            return f"{self.place(m)}{r.choice(V.VERBS)}{self.topic()}"
        if k == 4:
            return f"{self.topic()}{r.choice(['跑出加速度', '按下快进键', '取得新成效', '交出新答卷', '再上新台阶'])}"
        return f"{self.org(m)}{self.topic()}{r.choice(V.MEETING_KINDS)}召开"

    def kicker_line(self, m: Mentions) -> str:
        r = self.rng
        k = r.randrange(4)
        if k == 0:
            return f"{r.choice(V.KICKER_VERBS)}{r.choice(V.MEETING_NAMES)}精神"
        if k == 1:
            return f"聚焦{self.topic()}"
        if k == 2:
            a, b = r.sample(["中优", "西美", "东强", "南动", "北静", "产城融合", "宜居宜业"], 2)
            return f"围绕“{a}、{b}”功能定位"
        return f"{r.choice(V.VERBS)}{self.topic()} {r.choice(V.VERBS)}{self.topic()}"

    def subtitle_line(self, m: Mentions) -> str:
        r = self.rng
        if r.random() < 0.5:
            return f"{self.place(m)}{r.choice(V.VERBS)}{self.topic()}"
        return f"“{r.choice(['零跑腿、快办结', '一站式、全天候', '早落地、早见效', '办成事、办好事', '有温度、有速度'])}”服务辖区群众"

    def headline(self, m: Mentions, paper: Paper) -> tuple[list[str], str, str | None, str | None, list[str]]:
        """(printed lines, title, kicker, subtitle, acceptable titles)."""
        r = self.rng
        title = self.title_line(m)
        shape = r.choices(["t", "t s", "k/t", "t/s", "k/t/s", "t/——s"],
                          weights=[5, 2, 3, 2, 1, 3 if paper.national else 1])[0]
        kicker = self.kicker_line(m) if shape.startswith("k") else None
        subtitle = self.subtitle_line(m) if "s" in shape else None
        if shape == "t s":
            return [f"{title} {subtitle}"], title, None, subtitle, [title, f"{title} {subtitle}"]
        lines = ([kicker] if kicker else []) + [title]
        if subtitle:
            lines.append(("——" + subtitle) if shape == "t/——s" else subtitle)
        accept = [title] + ([kicker] if kicker and shape == "k/t" else [])
        return lines, title, kicker, subtitle, accept

    def subheading(self, m: Mentions) -> str:
        r = self.rng
        return r.choice([
            f"{r.choice(V.VERBS)}{self.topic()}",
            f"{r.choice(V.VERBS)}{self.topic()} {r.choice(V.VERBS)}{r.choice(V.OBJECT_NOUNS)}",
            f"以{self.topic()}为引领 {r.choice(V.VERBS)}{self.topic()}",
            f"{r.choice(['进一步', '持续', '全面'])}{r.choice(V.VERBS)[-2:]}{self.topic()}{r.choice(V.OBJECT_NOUNS)}",
        ])

    # -- bylines -----------------------------------------------------------
    def byline_names(self, paper: Paper) -> tuple[list[str], list[str]]:
        r = self.rng
        reporters = paper.reporters.distinct(r.choices([1, 2, 3], weights=[6, 3, 1])[0])
        correspondents = paper.correspondents.distinct(r.choice([0, 0, 1, 1, 2, 3]))
        return reporters, correspondents

    def end_byline(self, paper: Paper, placement: str) -> tuple[Byline, list[str]]:
        """A byline printed after a paragraph: (byline, printed lines)."""
        r = self.rng
        reps, cors = self.byline_names(paper)
        form = r.choices(["r", "r c", "r c 文/图", "r / c 文/图", "w p", "r c w p", "本报记者"],
                         weights=[4, 4, 2, 2, 1, 1, 1])[0]
        if placement == "trailing" and form == "r / c 文/图":
            form = "r c 文/图"
        b = Byline("", placement)
        parts = [f"记者 {' '.join(reps)}"]
        b.reporters = list(reps)
        if form == "本报记者":
            parts = [f"本报记者 {' '.join(reps)}"]
        if "c" in form.split() and cors:
            parts.append(f"通讯员 {' '.join(cors)}")
            b.correspondents = list(cors)
        if form.endswith("文/图"):
            parts[-1] += " 文/图"
        if "w" in form.split():
            writer, photographer = paper.correspondents.distinct(1)[0], paper.reporters.distinct(1)[0]
            if writer == photographer:
                photographer = self.new_person_name()
            tail = f"{writer}/文 {photographer}/图"
            b.writers, b.photographers = [writer], [photographer]
            if form == "w p":
                parts, b.reporters, b.correspondents = [tail], [], []
            else:
                parts.append(tail)
        lines = parts if form == "r / c 文/图" and len(parts) == 2 else [" ".join(parts)]
        b.text = "\n".join(lines)
        return b, lines

    # -- dates ---------------------------------------------------------------
    def dateline(self, paper: Paper, event: dt.date, published: dt.date | None,
                 reps: list[str]) -> tuple[str, str | None, str, Byline | None, str]:
        """(printed lead-in, dateline words, kind, byline inside it, text before the byline)."""
        r = self.rng
        md = f"{event.month}月{event.day}日"
        ampm = r.choice(V.AMPM)
        yesterday = published is not None and (published - event).days == 1
        if paper.national and r.random() < 0.6:
            city = r.choice(V.NATIONAL_CITIES)
            head = f"本报{city}{md}电"
            byline = Byline(f"（记者{'、'.join(reps)}）", "lead", reporters=list(reps))
            return head + (" " if r.random() < 0.3 else ""), head, "md", byline, ""
        k = r.choices(["bbx md", "bbx byline", "md", "rq", "jr", "bbx jr", "none"],
                      weights=[5, 3, 3, 2, 2, 1, 2])[0]
        if k == "bbx byline":
            when = ("昨日" if yesterday or (published is None and r.random() < 0.15) else md) + ampm
            byline = Byline(f"（记者 {' '.join(reps)}）", "lead", reporters=list(reps))
            return "本报讯", when, ("yesterday" if when.startswith("昨日") else "md"), byline, f"{when}，"
        if k == "bbx md":
            return f"本报讯{' ' if r.random() < 0.8 else ''}{md}{ampm}，", f"{md}{ampm}", "md", None, ""
        if k == "md":
            return f"{md}{ampm}，", f"{md}{ampm}", "bare md", None, ""
        if k in ("rq", "jr", "bbx jr"):
            word = r.choice(["日前", "近日"])
            pre = "本报讯 " if k == "bbx jr" else ""
            return f"{pre}{word}，", word, "recent", None, ""
        return "", None, "none", None, ""

    @staticmethod
    def date_truth(kind: str, event: dt.date, published: dt.date | None,
                   lead_year: bool, any_year: bool) -> tuple[str, list[str]]:
        y = event.year
        if published and kind in ("md", "bare md", "yesterday"):  # an archive dates an article by its issue
            return published.isoformat(), [event.isoformat()]
        if kind == "bare md" and not lead_year:
            # a bare opening date names the event, not the issue (only a dateline is filed for it)
            return "XXXX", [f"XXXX-{event:%m-%d}"] + ([event.isoformat(), event.isoformat() + "?"] if any_year else [])
        if kind == "bare md":
            return event.isoformat(), []
        if kind == "md":
            if published or lead_year:
                return event.isoformat(), []
            return f"XXXX-{event:%m-%d}", ([event.isoformat(), event.isoformat() + "?"] if any_year else [])
        if kind == "yesterday":
            if published:
                return event.isoformat(), []
            return (f"{y}", [f"{y}?"]) if lead_year else ("XXXX", [f"{y}", f"{y}?"] if any_year else [])
        if published:  # 日前/近日/no dateline: the issue's date bounds it
            p = published
            return f"{p.year}", [f"{p.year}?", f"{p.year}~", f"{p:%Y-%m}", f"{p:%Y-%m}~",
                                 p.isoformat(), p.isoformat() + "~", "XXXX"]
        if lead_year:
            return f"{y}", [f"{y}?", "XXXX"]
        return "XXXX", ([f"{y}", f"{y}?"] if any_year else [])

    # -- one article -------------------------------------------------------
    def article(self, paper: Paper, order: int, event: dt.date, published: dt.date | None) -> ArticleDraft:
        r = self.rng
        m = Mentions()
        lines, title, kicker, subtitle, accept = self.headline(m, paper)
        reps, _ = self.byline_names(paper)
        lead_in, dateline, kind, lead_byline, after_byline = self.dateline(paper, event, published, reps)
        lead_year = r.random() < 0.4
        year_review = r.random() < 0.1
        units: list[Unit] = []
        lead_text = lead_in + after_byline
        first = self.para_event(m, "", event.year if lead_year else None)
        if not lead_in and r.random() < 0.5:  # no dateline: a feature opening
            first = f"{r.choice(['近年来', '今年以来', '走进'])}{self.place(m, self.projects)}，" + first
        units.append(Unit("paragraph", lead_text + first, lead_byline, len(lead_in)))
        target = min(int(2700 * self.length_scale),
                     max(300, int(r.lognormvariate(6.7, 0.6) * self.length_scale)))
        size = len(units[0].text)
        sectioned = target > 1100 and r.random() < 0.6
        years_printed = lead_year
        if year_review:
            for y in (event.year - 1, event.year):
                units.append(Unit("subheading", str(y)))
                for _ in range(r.randint(1, 2)):
                    units.append(Unit("subheading", self.subheading(m)))
                    units.append(Unit("paragraph", f"{y}年，" + self.body_paragraph(m, event.year)))
                    size += len(units[-1].text)
            years_printed = True
        elif sectioned:
            units.append(Unit("paragraph", self.body_paragraph(m, event.year)))
            while size < target:
                units.append(Unit("subheading", self.subheading(m)))
                for _ in range(r.randint(1, 3)):
                    units.append(Unit("paragraph", self.body_paragraph(m, event.year)))
                    size += len(units[-1].text)
                    if size >= target:
                        break
        while size < target or len(units) < 2:
            units.append(Unit("paragraph", self.body_paragraph(m, event.year)))
            size += len(units[-1].text)
        if units[-1].kind != "paragraph" or r.random() < 0.5:
            units.append(Unit("paragraph", self.para_closing(m)))
        years_printed = years_printed or any(f"{event.year - 1}年" in u.text or f"{event.year}年" in u.text
                                             for u in units)
        # bylines
        bylines: list[Byline] = []
        end_lines: list[str] = []
        before_body = None
        if lead_byline:
            bylines.append(lead_byline)
        choice = r.choices(["end", "trailing", "before_body", "none"], weights=[7, 2, 1 if not paper.national else 0, 1])[0]
        if lead_byline and choice != "trailing":
            choice = "none" if r.random() < 0.6 else "end"
        if choice == "before_body":
            b = Byline(f"□{paper.name}记者 {' '.join(reps)}", "before_body", reporters=list(reps))
            bylines.append(b)
            before_body = b.text
        elif choice in ("end", "trailing"):
            b, blines = self.end_byline(paper, choice)
            bylines.append(b)
            if choice == "end":
                end_lines = blines
            else:
                paras = [i for i, u in enumerate(units) if u.kind == "paragraph" and u.byline is None]
                heads = [i for i, u in enumerate(units) if u.kind == "subheading"]
                before_head = [i for i in paras if heads and i < heads[0]]
                target_i = before_head[-1] if before_head and r.random() < 0.6 else paras[-1]
                units[target_i].byline, units[target_i].byline_at = b, len(units[target_i].text)
        truth = ArticleTruth(
            order=order, headline=lines, title=title, kicker=kicker, subtitle=subtitle,
            title_any_of=accept, body=[Block(u.kind, u.text) for u in units], bylines=bylines,
            dateline=dateline, date="", date_also_ok=[],
            reporters=_merge(b.reporters for b in bylines), correspondents=_merge(b.correspondents for b in bylines),
            writers=_merge(b.writers for b in bylines), photographers=_merge(b.photographers for b in bylines),
            people=m.people, roles=m.roles, places=m.places, organizations=m.organizations,
            joined=[], breaks=[], source_lines=[0, 0])
        truth.date, truth.date_also_ok = self.date_truth(kind, event, published, lead_year, years_printed)
        return ArticleDraft(truth, units, end_lines, before_body)

    # -- one page ------------------------------------------------------------
    def page(self, plan: "PagePlan") -> GeneratedPage:
        r = self.rng
        paper = plan.paper
        known = plan.published_known
        n_articles = r.choices([2, 3, 4, 5, 6], weights=[2, 3, 4, 3, 2])[0]
        drafts = []
        for i in range(n_articles):
            event = plan.issue_date - dt.timedelta(days=r.choices([0, 1, 2, 3, 5], weights=[2, 6, 2, 1, 1])[0])
            drafts.append(self.article(paper, i + 1, event, plan.issue_date if known else None))
        section = plan.section if plan.section_printed else None
        furniture = self.furniture(paper, drafts)
        half = plan.style == "half"
        if half:
            for d in drafts:
                _to_half_width(d)
            furniture = [f.translate(TO_HALF_WIDTH) for f in furniture]
        text = Layout(r).render(section, drafts, furniture)
        truth = PageTruth(seed=plan.stem + ".txt", sidecar=(plan.stem + ".yaml") if plan.sidecar else None,
                          published=plan.issue_date.isoformat() if known else None,
                          page=plan.page if (plan.name_has_date or plan.sidecar) else None,
                          page_name=plan.section if plan.sidecar else None,
                          newspaper=paper.name if plan.sidecar else None,
                          section=section, furniture=furniture, articles=[d.truth for d in drafts])
        sidecar = None
        if plan.sidecar:
            sidecar = (f"published: {plan.issue_date.isoformat()}\npage: \"{plan.page}\"\n"
                       f"page_name: {plan.section}\nnewspaper: {paper.name}\n")
        return GeneratedPage(plan.stem, text, sidecar, truth)

    def furniture(self, paper: Paper, drafts: list[ArticleDraft]) -> list[str]:
        r = self.rng
        out = []
        if r.random() < 0.15:
            out.append(" ".join(r.sample(V.BANNER_PAIRS, 2)))
        if r.random() < 0.15:
            a, b = r.sample(V.SLOGAN_PARTS, 2)
            out.append(f"【{a} {b}】")
        if paper.national and r.random() < 0.4:
            out.append(f"本版责编：{self.new_person_name()} {self.new_person_name()}")
        return out


def _merge(lists) -> list[str]:
    out: list[str] = []
    for names in lists:
        for n in names:
            if n not in out:
                out.append(n)
    return out


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _to_half_width(d: ArticleDraft) -> None:
    """Print an article in the sample pages' style: , ( ) : ; instead of ，（）：；."""
    t = d.truth
    half = lambda s: s.translate(TO_HALF_WIDTH) if s else s  # noqa: E731
    t.headline = [half(h) for h in t.headline]
    t.title, t.kicker, t.subtitle = half(t.title), half(t.kicker), half(t.subtitle)
    t.title_any_of = [half(x) for x in t.title_any_of]
    t.dateline = half(t.dateline)
    t.places = [half(x) for x in t.places]
    t.organizations = [half(x) for x in t.organizations]
    t.roles = {k: half(v) for k, v in t.roles.items()}
    for b in t.bylines:
        b.text = half(b.text)
    for u in d.units:
        u.text = half(u.text)  # same length: byline_at offsets stay valid
    t.body = [Block(u.kind, u.text) for u in d.units]
    d.end_byline_lines = [half(x) for x in d.end_byline_lines]
    d.before_body_line = half(d.before_body_line)


# ---------------------------------------------------------------- layout

class Layout:
    """Prints drafts as a page: blank lines between blocks, column breaks cutting paragraphs
    mid-sentence, sometimes with a subheading or the next headline between the halves."""

    CUT_RATE = 0.12
    HEADING_BETWEEN = 0.35
    HEADLINE_BETWEEN = 0.25  # of articles that end in a cut-able paragraph without an end byline

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines: list[str] = []

    def emit(self, text: str) -> int:
        self.lines.append(text)
        return len(self.lines)

    def blank(self, most: int = 1) -> None:
        n = 1 if most == 1 or self.rng.random() < 0.75 else self.rng.randint(2, most)
        self.lines.extend([""] * n)

    def render(self, section: str | None, drafts: list[ArticleDraft], furniture: list[str]) -> str:
        r = self.rng
        self.lines.extend([""] * r.choice([0, 0, 1, 2]))
        if section:
            self.emit(section)
            self.blank(2)
        headline_printed, pending_first = False, None
        for i, d in enumerate(drafts):
            t = d.truth
            first = last = None
            if headline_printed:  # printed inside the previous article's broken paragraph
                first = pending_first
            else:
                for h in t.headline:
                    n = self.emit(h)
                    first = first or n
                    self.blank(3)
            headline_printed = False
            if d.before_body_line:
                self.emit(d.before_body_line)
                self.blank()
            units = d.units
            j = 0
            while j < len(units):
                u = units[j]
                if u.kind == "subheading":
                    last = self.emit(u.text)
                    self.blank(2)
                    j += 1
                    continue
                printed, shift_at, shift = self.printed(u)
                is_last = j == len(units) - 1
                cut = self.cut_point(u) if r.random() < self.CUT_RATE else None
                nxt = drafts[i + 1] if i + 1 < len(drafts) else None
                headline_between = (cut is None and is_last and nxt and not d.end_byline_lines
                                    and u.byline is None and r.random() < self.HEADLINE_BETWEEN)
                if headline_between:
                    cut = self.cut_point(u)
                    headline_between = cut is not None
                if cut is None:
                    last = self.emit(printed)
                    self.blank(2)
                    j += 1
                    continue
                c = cut + (shift if cut >= shift_at else 0)
                left_line = self.emit(printed[:c])
                self.blank(3)
                brk = ColumnBreak(u.text[max(0, cut - 8):cut], u.text[cut:cut + 8], [left_line, 0])
                if headline_between:
                    pending_first = None
                    for h in nxt.truth.headline:
                        n = self.emit(h)
                        pending_first = pending_first or n
                        self.blank()
                    headline_printed = True
                elif j + 1 < len(units) and units[j + 1].kind == "subheading" and r.random() < self.HEADING_BETWEEN:
                    self.emit(units[j + 1].text)
                    self.blank()
                    j += 1  # the subheading is printed; the paragraph stays before it in the truth
                last = self.emit(printed[c:])
                brk.lines[1] = last
                t.breaks.append(brk)
                t.joined.append(brk.left + brk.right)
                self.blank(2)
                j += 1
            for k, line in enumerate(d.end_byline_lines):
                last = self.emit(line)
                if k + 1 < len(d.end_byline_lines) and r.random() < 0.5:
                    self.blank()
            if d.end_byline_lines:
                self.blank(2)
            t.source_lines = [first, last]
        for f in furniture:
            self.emit(f)
            self.blank()
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + ("\n" if r.random() < 0.8 else "")

    @staticmethod
    def printed(u: Unit) -> tuple[str, int, int]:
        """The paragraph as printed, and where (truth offset) and by how much the byline shifts it."""
        if not u.byline:
            return u.text, len(u.text) + 1, 0
        b = u.byline.text
        return u.text[:u.byline_at] + b + u.text[u.byline_at:], u.byline_at, len(b)

    def cut_point(self, u: Unit) -> int | None:
        """A truth offset where a column break may cut the paragraph: mid-sentence, never
        inside a byline, the first part long enough not to pass for a heading."""
        text = u.text
        lo = max(16, (u.byline_at + 1) if u.byline and u.byline.placement == "lead" else 16)
        hi = len(text) - 4
        if u.byline and u.byline.placement == "trailing":
            hi = min(hi, u.byline_at - 2)
        if hi <= lo:
            return None
        for _ in range(12):
            c = self.rng.randint(lo, hi)
            if (text[c - 1] not in CLOSERS and text[c] not in NO_LINE_START
                    and not text[c - 1].isspace() and not text[c].isspace()):
                return c
        return None


# ---------------------------------------------------------------- page plans

@dataclass
class PagePlan:
    stem: str
    paper: Paper
    issue_date: dt.date
    page: str
    section: str
    section_printed: bool
    style: str
    name_has_date: bool
    sidecar: bool

    @property
    def published_known(self) -> bool:
        return self.name_has_date or self.sidecar


def plan_pages(gen: ArchiveGenerator, pages: int) -> list[PagePlan]:
    """Issues in date order, each holding a few pages; file naming varies like real archives:
    YYYYMMDD-PP.txt mostly, YYYY-MM-DD_PP.txt, sidecar-described names, and undated names."""
    r = gen.rng
    day = dt.date(2012, 1, 1) + dt.timedelta(days=r.randrange(365 * 8))
    plans: list[PagePlan] = []
    serial = 0
    while len(plans) < pages:
        paper = gen.papers[0] if r.random() < 0.7 else gen.papers[1]
        page_no = r.randint(1, 4)
        for _ in range(min(r.randint(1, 8), pages - len(plans))):
            serial += 1
            mode = r.choices(["date", "iso", "sidecar", "date+sidecar", "undated"], weights=[70, 8, 12, 5, 5])[0]
            pp = f"{page_no:02d}"
            stem = {"date": f"{day:%Y%m%d}-{pp}", "iso": f"{day:%Y-%m-%d}_{pp}",
                    "date+sidecar": f"{day:%Y%m%d}-{pp}", "sidecar": f"{paper.code}-{serial:06d}",
                    "undated": f"page-{serial:06d}"}[mode]
            style = paper.style if paper.national or r.random() < 0.85 else "full"
            plans.append(PagePlan(stem, paper, day, pp, r.choice(V.SECTIONS), r.random() < 0.35, style,
                                  name_has_date=mode in ("date", "iso", "date+sidecar"),
                                  sidecar=mode in ("sidecar", "date+sidecar")))
            page_no += r.randint(1, 3)
        day += dt.timedelta(days=r.choice([1, 1, 1, 2, 3, 7]))
    return plans


# ---------------------------------------------------------------- public API

def generate(pages: int, seed: int, article_chars: int | None = None) -> list[GeneratedPage]:
    """The archive in memory, without touching the disk."""
    gen = ArchiveGenerator(seed, article_chars)
    return [gen.page(plan) for plan in plan_pages(gen, pages)]


def make_archive(pages: int, seed: int, out_dir: str | Path, truth: bool = False,
                 article_chars: int | None = None) -> list[GeneratedPage]:
    """Write `pages` seed pages (and sidecars) to out_dir; with truth=True also
    `<stem>.truth.json` beside each; article_chars sets the mean body length (default about
    1,050 characters). Returns the pages with their truth either way."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = generate(pages, seed, article_chars)
    for p in result:
        (out / f"{p.stem}.txt").write_text(p.text, encoding="utf-8", newline="\n")
        if p.sidecar_text:
            (out / f"{p.stem}.yaml").write_text(p.sidecar_text, encoding="utf-8", newline="\n")
        if truth:
            (out / f"{p.stem}.truth.json").write_text(p.truth_json(), encoding="utf-8", newline="\n")
    return result


def accounted_text(t: PageTruth) -> list[str]:
    """The truth fields that together hold every non-space character of the page once."""
    pieces = ([t.section] if t.section else []) + list(t.furniture)
    for a in t.articles:
        pieces += a.headline + [b.text for b in a.bylines] + [blk.text for blk in a.body]
    return pieces


def to_gold(pages: list[GeneratedPage]) -> dict:
    """The truth in the schema of shared/gold/seeds.yaml (what score_ingest.py reads)."""
    gold: dict = {}
    for p in pages:
        t = p.truth
        arts = []
        for a in t.articles:
            paras = [b.text for b in a.body if b.kind == "paragraph"]
            start = paras[0]
            for lead in (a.dateline or "", "本报讯"):
                if lead and lead in start[:40]:
                    start = start[start.index(lead) + len(lead):].lstrip(" ，,")
            arts.append({
                # a subtitle may be stored with or without its leading ——; both must pass
                "headline": [h.removeprefix("——") for h in a.headline], "title_any_of": a.title_any_of, "date": a.date,
                "date_also_ok": a.date_also_ok, "reporters": a.reporters, "correspondents": a.correspondents,
                "writers": a.writers, "photographers": a.photographers,
                "subheadings": [b.text for b in a.body if b.kind == "subheading"],
                "people_some": a.people[:10], "body_starts": start[:20], "body_ends": paras[-1][-20:],
                "joined": a.joined, "not_in_body": [line for b in a.bylines for line in b.text.split("\n")],
            })
        entry: dict = {"articles": arts}
        if t.section:
            entry["section"] = t.section
        if t.furniture:
            entry["furniture"] = t.furniture
        gold[t.seed] = entry
    return gold


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", help="folder to write the seed pages into")
    ap.add_argument("--pages", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--truth", action="store_true", help="also write <stem>.truth.json per page")
    ap.add_argument("--gold", help="also write the truth as a score_ingest.py gold file (.yaml or .json)")
    ap.add_argument("--article-chars", type=int,
                    help=f"mean characters of an article body (default about {DEFAULT_ARTICLE_CHARS}; "
                         "real dailies: about 1400)")
    a = ap.parse_args(argv)
    pages = make_archive(a.pages, a.seed, a.out, truth=a.truth, article_chars=a.article_chars)
    if a.gold:
        gold = to_gold(pages)
        path = Path(a.gold)
        if path.suffix == ".json":
            path.write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            import yaml
            path.write_text(yaml.safe_dump(gold, allow_unicode=True, sort_keys=False), encoding="utf-8")
    n_articles = sum(len(p.truth.articles) for p in pages)
    chars = sum(len(p.text) for p in pages)
    print(f"wrote {len(pages)} pages, {n_articles} articles, {chars} characters to {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
