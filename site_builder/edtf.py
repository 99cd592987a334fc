"""The subset of EDTF (Library of Congress, level 1) that dates in the archive use.

Forms: 2023-03-07, 2023-03, 2021, XXXX-07-18 (year unknown), XXXX (unknown), and a
qualifier on the whole date: 2014? (uncertain), 2014~ (approximate), 2014% (both).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(
    r"^(?P<year>\d{4}|XXXX)(?:-(?P<month>\d{2}|XX)(?:-(?P<day>\d{2}|XX))?)?(?P<q>[?~%])?$"
)


@dataclass(frozen=True)
class EdtfDate:
    year: int | None
    month: int | None = None
    day: int | None = None
    uncertain: bool = False
    approximate: bool = False

    @property
    def known(self) -> bool:
        return self.year is not None or self.month is not None

    @property
    def qualified(self) -> bool:
        return self.uncertain or self.approximate

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year or 0, self.month or 0, self.day or 0)

    def __str__(self) -> str:
        return format_edtf(self)


def parse_edtf(value: object) -> EdtfDate | None:
    """Parse an EDTF string; None when it is not one of the supported forms."""
    if value is None:
        return None
    m = _PATTERN.match(str(value).strip())
    if not m:
        return None
    year = None if m["year"] == "XXXX" else int(m["year"])
    month = None if m["month"] in (None, "XX") else int(m["month"])
    day = None if m["day"] in (None, "XX") else int(m["day"])
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None and (month is None or not 1 <= day <= _days_in(year, month)):
        return None
    q = m["q"] or ""
    return EdtfDate(year, month, day, uncertain=q in "?%" and q != "", approximate=q in "~%" and q != "")


def _days_in(year: int | None, month: int) -> int:
    if month == 2:
        leap = year is None or (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0))
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def format_edtf(d: EdtfDate) -> str:
    """The canonical EDTF string, trailing unknown parts dropped (XXXX-07-XX stays)."""
    parts = ["XXXX" if d.year is None else f"{d.year:04d}"]
    if d.month is not None or d.day is not None:
        parts.append("XX" if d.month is None else f"{d.month:02d}")
    if d.day is not None:
        parts.append(f"{d.day:02d}")
    q = "%" if d.uncertain and d.approximate else "?" if d.uncertain else "~" if d.approximate else ""
    return "-".join(parts) + q


def format_zh(value: str | EdtfDate | None) -> str:
    """A date as a Chinese reader expects it: 2023年3月7日, 2021年, 7月18日（年份不详）."""
    d = value if isinstance(value, EdtfDate) else parse_edtf(value)
    if d is None or not d.known:
        return "日期不详"
    text = ""
    if d.year is not None:
        text += f"{d.year}年"
    if d.month is not None:
        text += f"{d.month}月"
    if d.day is not None:
        text += f"{d.day}日"
    if d.year is None:
        text += "（年份不详）"
    if d.uncertain and d.approximate:
        text += "（约，推断）"
    elif d.uncertain:
        text += "（推断）"
    elif d.approximate:
        text += "（约）"
    return text
