"""Datelines and article dates as EDTF: say exactly what the text supports, no more.

An archive is browsed by issue: an article's `date` is its issue's publication date whenever
that is known (sidecar, file name, imprint); the dateline's own day is kept beside it. Without
an issue date, the dateline's month and day give the date; a year joins them only with
evidence about the same event (see `_lead_year`), never from years printed elsewhere.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from ..edtf import EdtfDate

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
# 本报讯 | 本报北京1月18日电 | 新华社北京1月18日电 | 本报郑州讯
AGENCY_PREFIXES = ("本报", "新华社", "中新社", "人民网", "新华网", "央视网", "中国新闻社")
# Some papers set the dateline in brackets or after a mark: 【本报讯】, 〔本报北京3月4日电〕, ■本报讯
_OPEN_MARKS = "【〔［[■□●◆"
_AGENCY = (rf"[{_OPEN_MARKS}]?\s*(?:{'|'.join(AGENCY_PREFIXES)})[\u4e00-\u9fff]{{0,8}}?(?:讯|电)"
           r"(?:[】〕］\]](?=.))?")
_AGENCY_DATE = re.compile(
    rf"^[{_OPEN_MARKS}]?\s*(?P<agency>(?:{'|'.join(AGENCY_PREFIXES)})[\u4e00-\u9fff]{{0,8}}?)"
    rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM})日电(?:[】〕］\]](?=.))?")
_PLAIN_DATE = re.compile(rf"^(?:(?P<y>\d{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM})日(?:上午|下午|晚上|晚间|晚|早上|早晨|凌晨|中午|夜间|傍晚)?")
# 本周六, 下周一: a day of the week (often one still to come) is not a dateline.
_RELATIVE = re.compile(r"^(?P<word>昨日|昨天|今日|今天|前日|前天|日前|近日|近期|前不久|不久前|本周|上周|近来)(?![一二三四五六日天末])"
                       r"(?:上午|下午|晚上|晚间|晚|早上|凌晨|中午|夜间)?")
_YEAR_IN_TEXT = re.compile(r"(?<![\d.])((?:19|20)\d{2})年(?!代)")
# Years written as targets or spans are not the year the article reports on.
_FUTURE_CONTEXT = re.compile(r"(?:到|至|力争|预计|计划|争取|截至|截止|展望|目标)$")


@dataclass(frozen=True)
class Dateline:
    text: str  # the words as printed, e.g. "本报讯 7月18日" or "昨日上午"
    month: int | None = None
    day: int | None = None
    year: int | None = None
    relative: str | None = None  # 昨日 / 今日 / 近日 …

    @property
    def agency(self) -> bool:
        """本报讯 / 本报北京1月18日电 / 新华社…电: filed for the issue it is printed in."""
        return self.text.lstrip(_OPEN_MARKS).lstrip().startswith(AGENCY_PREFIXES)

    @property
    def strong(self) -> bool:
        """A dateline that only an article's first paragraph carries (本报讯, …电, a date)."""
        return self.month is not None or self.agency


def _num(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)
    return _CN_DIGITS[text]


_AGENCY_AT = re.compile(rf"^{_AGENCY}")
_SPACES = re.compile(r"[\s　]*")


def find_dateline(paragraph: str) -> Dateline | None:
    """The dateline at the start of an article's first paragraph, if it has one."""
    text = paragraph.lstrip()
    agency = _AGENCY_AT.match(text)
    m = _AGENCY_DATE.match(text)
    if m:
        return _dated(m.group(0), m)
    prefix = ""
    rest = text
    if agency:
        prefix = agency.group(0)
        rest = text[agency.end():]
        spaces = _SPACES.match(rest).group(0)
        rest = rest[len(spaces):]
        prefix += spaces
    m = _PLAIN_DATE.match(rest)
    if m:
        return _dated(prefix + m.group(0), m)
    m = _RELATIVE.match(rest)
    if m:
        return Dateline(text=prefix + m.group(0), relative=m.group("word"))
    if agency:
        return Dateline(text=agency.group(0))
    return None


def _dated(text: str, m: re.Match) -> Dateline | None:
    month, day = _num(m.group("m")), _num(m.group("d"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = int(m.group("y")) if m.group("y") else None
    return Dateline(text=text.strip(), month=month, day=day, year=year)


def opening_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening a paragraph; 据新华社…电 (a report taken from an agency) too."""
    text = paragraph.lstrip()
    return find_dateline(text[1:] if text.startswith("据") else text)


def agency_opening(paragraph: str) -> bool:
    """本报讯 / 新华社…电 open an article; one printed after an article's text opens a new
    (headless) item, such as a brief under a commentary."""
    dl = opening_dateline(paragraph)
    return dl is not None and dl.agency


def years_in_text(text: str) -> list[int]:
    """Years printed as 'YYYY年' that name a present or past year (not 2035年 targets)."""
    years = []
    for m in _YEAR_IN_TEXT.finditer(text):
        if _FUTURE_CONTEXT.search(text[max(0, m.start() - 3): m.start()]):
            continue
        years.append(int(m.group(1)))
    return years


@dataclass(frozen=True)
class ArticleDates:
    """`date`: the issue's date when it is known (an archive is browsed by issue), else what
    the dateline gives; `dateline_date`: the day the dateline itself names, when it differs."""

    date: EdtfDate
    dateline_date: EdtfDate | None = None


# A dateline more than this many days before its issue is a misreading, not a dateline.
MAX_DATELINE_LAG_DAYS = 31


def article_dates(dateline: Dateline | None, published: str | None, lead: str, text: str = "",
                  today: dt.date | None = None) -> ArticleDates:
    """`lead` is the article's first paragraph: a year printed there speaks of the event the
    dateline dates (2023年度工作会议 beside 3月7日); years elsewhere in the text (2035年目标,
    Agenda 2063, a history) never date the article."""
    today = today or dt.date.today()
    pub = dt.date.fromisoformat(published) if published else None
    if pub is not None:
        issue = EdtfDate(pub.year, pub.month, pub.day)
        return ArticleDates(issue, _dateline_day(dateline, pub))
    if dateline is None or dateline.month is None:
        return ArticleDates(EdtfDate(None))  # 昨日/近日 resolve only against a known issue
    if dateline.year is not None and not dateline.agency:
        # "1981年12月27日，…": a news opener leaves out the year of a recent day; one printed
        # in full tells of another time, not of the issue.
        return ArticleDates(EdtfDate(None), EdtfDate(dateline.year, dateline.month, dateline.day))
    year = dateline.year or _lead_year(lead, text)
    if year is not None and (year > today.year or _day_or_none(year, dateline.month, dateline.day) is None
                             or _day_or_none(year, dateline.month, dateline.day) > today):
        year = None  # never in the future of the build
    own_day = EdtfDate(year, dateline.month, dateline.day)
    if year is None and not dateline.agency:
        # "10月1日，…" opening a feature or a photo names the day of the event it shows, which
        # may be days or decades before the issue: only an agency dateline (…电, 本报讯) is
        # filed for the issue, so only it dates the article without a year.
        return ArticleDates(EdtfDate(None), EdtfDate(None, dateline.month, dateline.day))
    return ArticleDates(own_day)


def article_date(dateline: Dateline | None, published: str | None, lead: str, text: str = "") -> EdtfDate:
    return article_dates(dateline, published, lead, text).date


def _day_or_none(year: int, month: int, day: int | None) -> dt.date | None:
    try:
        return dt.date(year, month, day or 1)
    except ValueError:
        return None


def _dateline_day(dateline: Dateline | None, pub: dt.date) -> EdtfDate | None:
    """The dateline's own day against a known issue date: never after it, at most a month before."""
    if dateline is None:
        return None
    if dateline.month is None:
        if dateline.relative in ("昨日", "昨天", "前日", "前天"):
            return _relative_date(dateline.relative, pub)
        return None
    year = pub.year - 1 if (dateline.month, dateline.day or 1) > (pub.month, pub.day) else pub.year
    day = _day_or_none(year, dateline.month, dateline.day)
    if day is None or (pub - day).days > MAX_DATELINE_LAG_DAYS:
        return None
    return EdtfDate(day.year, day.month, day.day)


_FIRST_SENTENCE = re.compile(r"^[^。！？!?]*")
# 召开2023年度工作会议: the year names the event being held, not a figure or a history.
_EVENT_VERB = r"(?:召开|举行|举办|开展|启动|开幕)"
_EVENT_YEAR = re.compile(rf"{_EVENT_VERB}了?((?:19|20)\d{{2}})年(?!\d{{1,2}}月|代)"
                         rf"|(?<![\d.])((?:19|20)\d{{2}})年(?!\d{{1,2}}月|代)[^，。,；;、]{{0,24}}?"
                         rf"(?:会|会议|典礼|仪式|活动|论坛|大赛)(?:在[^，。,]{{1,12}})?{_EVENT_VERB}")
# "2021年是…开局之年": the text speaks of the year it is written in.
_PRESENT_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d{2})年(?:是|为)")


def _lead_year(lead: str, text: str = "") -> int | None:
    """The year the text gives for the event its dateline dates: a year the lead's first
    sentence names as the event's own (召开2023年度…会议), else the latest year the text
    describes as the one being lived ("2021年是…之年"). Other years (last year's figures,
    1949年10月1日, 2035年目标, Agenda 2063) are no evidence about the event's year."""
    sentence = _FIRST_SENTENCE.match(lead).group(0)
    years = {int(a or b) for a, b in _EVENT_YEAR.findall(sentence)}
    if years:
        return years.pop() if len(years) == 1 else None
    present = [int(m.group(1)) for m in _PRESENT_YEAR.finditer(text)]
    return max(present) if present else None


def _relative_date(word: str, pub: dt.date) -> EdtfDate:
    if word in ("昨日", "昨天"):
        d = pub - dt.timedelta(days=1)
        return EdtfDate(d.year, d.month, d.day)
    if word in ("前日", "前天"):
        d = pub - dt.timedelta(days=2)
        return EdtfDate(d.year, d.month, d.day)
    if word in ("今日", "今天"):
        return EdtfDate(pub.year, pub.month, pub.day)
    # 日前, 近日, 本周 …: shortly before the issue; the month is approximate.
    return EdtfDate(pub.year, pub.month, approximate=True)


@dataclass(frozen=True)
class PageDate:
    """One article's date on a page whose issue date is unknown, as `agree_on_page` reads it."""

    date: EdtfDate
    own_day: EdtfDate | None  # the day its dateline or opening date names (year unknown)
    agency: bool  # named by an agency dateline (…电, 本报讯): filed for this issue


def agree_on_page(articles: list[PageDate]) -> list[PageDate]:
    """The articles of one page share one issue, so their dates must agree with it.

    The issue is at most a month after every agency dateline on the page, so the latest one
    (the anchor) bounds it: a date more than a month from the anchor (1981年12月27日 opening a
    history on a page of October datelines) tells of another time and is dropped. Years the
    articles inferred must be one year; when they differ, none is trusted."""
    anchor = _page_anchor([a.own_day for a in articles if a.agency and a.own_day is not None])
    kept = []
    for a in articles:
        near = a.own_day is None or anchor is None or _days_apart(a.own_day, anchor) <= MAX_DATELINE_LAG_DAYS
        kept.append(a if near or not a.date.known else PageDate(EdtfDate(None), a.own_day, a.agency))
    years = {a.date.year for a in kept if a.date.year is not None}
    if len(years) <= 1:
        return kept
    return [PageDate(EdtfDate(None, a.date.month, a.date.day) if a.agency else EdtfDate(None), a.own_day, a.agency)
            if a.date.year is not None else a for a in kept]


def _day_of_year(day: EdtfDate) -> int:
    last = calendar.monthrange(2001, day.month)[1]
    return dt.date(2001, day.month, min(day.day or 1, last)).timetuple().tm_yday


def _days_apart(day: EdtfDate, anchor: EdtfDate) -> int:
    """Days between two month-days whose years are unknown, across a new year as well."""
    gap = abs(_day_of_year(day) - _day_of_year(anchor))
    return min(gap, 365 - gap)


def _page_anchor(days: list[EdtfDate]) -> EdtfDate | None:
    """The latest of the page's agency datelines (12月31日 is before 1月2日 across a new year)."""
    if not days:
        return None
    def lag_of_others(candidate: EdtfDate) -> int:
        return max((_day_of_year(candidate) - _day_of_year(d)) % 365 for d in days)
    return min(days, key=lag_of_others)
