"""Datelines and article dates as EDTF: say exactly what the text supports, no more.

Order of evidence: a date in the dateline (month and day, sometimes the year), the issue's
publication date (sidecar or file name) for the year and for relative words (昨日, 今日),
and years printed in the text ("2023年") for a dateline's month and day without a year.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .edtf import EdtfDate

_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0}
_NUM = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
# 本报讯 | 本报北京1月18日电 | 新华社北京1月18日电 | 本报郑州讯
AGENCY_PREFIXES = ("本报", "新华社", "中新社", "人民网", "新华网", "央视网", "中国新闻社")
_AGENCY = rf"(?:{'|'.join(AGENCY_PREFIXES)})[\u4e00-\u9fff]{{0,8}}?(?:讯|电)"
_AGENCY_DATE = re.compile(
    rf"^(?P<agency>(?:本报|新华社|中新社|人民网|新华网|央视网|中国新闻社)[\u4e00-\u9fff]{{0,8}}?)"
    rf"(?:(?P<y>\d{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM})日电")
_PLAIN_DATE = re.compile(rf"^(?:(?P<y>\d{{4}})年)?(?P<m>{_NUM})月(?P<d>{_NUM})日(?:上午|下午|晚上|晚间|晚|早上|早晨|凌晨|中午|夜间|傍晚)?")
_RELATIVE = re.compile(r"^(?P<word>昨日|昨天|今日|今天|前日|前天|日前|近日|近期|前不久|不久前|本周|上周|近来)"
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
    def strong(self) -> bool:
        """A dateline that only an article's first paragraph carries (本报讯, …电, a date)."""
        return self.month is not None or self.text.startswith(AGENCY_PREFIXES)


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


def years_in_text(text: str) -> list[int]:
    """Years printed as 'YYYY年' that name a present or past year (not 2035年 targets)."""
    years = []
    for m in _YEAR_IN_TEXT.finditer(text):
        if _FUTURE_CONTEXT.search(text[max(0, m.start() - 3): m.start()]):
            continue
        years.append(int(m.group(1)))
    return years


def article_date(dateline: Dateline | None, published: str | None, text: str,
                 page_text: str | None = None) -> EdtfDate:
    """`page_text`, the whole printed page, lends its latest year when the article's own text
    names an earlier one or none (a January review of last year): inferred, so marked '?'."""
    pub = dt.date.fromisoformat(published) if published else None
    if dateline is not None and dateline.month is not None:
        if dateline.year:
            return EdtfDate(dateline.year, dateline.month, dateline.day)
        year = _year_for(dateline.month, dateline.day, pub, text)
        page_year = _year_for(dateline.month, dateline.day, pub, page_text) if page_text else None
        if page_year and (year is None or page_year > year):
            return EdtfDate(page_year, dateline.month, dateline.day, uncertain=True)
        return EdtfDate(year, dateline.month, dateline.day)
    if dateline is not None and dateline.relative and pub is not None:
        return _relative_date(dateline.relative, pub)
    if pub is not None:
        # No dateline: the article reports something before its issue; the year is likely.
        return EdtfDate(pub.year, uncertain=True)
    return EdtfDate(None)


def _year_for(month: int, day: int | None, pub: dt.date | None, text: str) -> int | None:
    if pub is not None:
        # A dateline later in the year than the issue date is from the previous year.
        return pub.year - 1 if (month, day or 1) > (pub.month, pub.day) else pub.year
    years = years_in_text(text)
    return max(years) if years else None


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
