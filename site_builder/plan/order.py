"""Dates and the one order of every listing (dated newest first, partial dates after the fuller ones)."""
from __future__ import annotations

import re
from functools import lru_cache

from ..edtf import EdtfDate, parse_edtf
from ..model import Article
from .listing import UNDATED_LABEL
from .pages import Group


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


def _page_number_key(page: str | None) -> tuple:
    """Sort 版次 like a reader: 2 before 10, A2 before A10, missing last."""
    if not page:
        return (1, "", 0)
    m = re.match(r"^([^\d]*)(\d+)", page)
    return (0, m.group(1), int(m.group(2))) if m else (0, page, 0)
