"""What the index knows of an article: its number (date order), ref, indexed texts (title; body
with the byline's names), record (docs/<ref>.json) and the digest of its inputs.
"""
from __future__ import annotations

import hashlib
import json
import marshal
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from ..edtf import format_zh, parse_edtf
from ..model import Article, ROLE_FIELDS


REF_BASE = 36


@dataclass
class SearchDocument:
    """What the index and the result list know about one article."""

    number: int  # position in date order
    ref: str  # lunr ref: the number in base 36
    article: Article
    url: str
    year: int | None
    title_text: str
    body_text: str


def plain_text(markdown: str) -> str:
    """Body Markdown as readable plain text for snippets: markup removed, paragraphs kept."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"\n{2,}", "\n", text)
    return text.strip()


def article_year(article: Article, d=None) -> int | None:
    d = parse_edtf(article.date) if d is None else d
    if d is not None and d.year is not None:
        return d.year
    if article.published and article.published[:4].isdigit():
        return int(article.published[:4])
    return None


def title_text(article: Article) -> str:
    return "\n".join(x for x in (article.kicker, article.title, article.subtitle) if x)


def _dated(article: Article) -> tuple[tuple, int | None]:
    """The date-order key and the year, parsing the date once."""
    d = parse_edtf(article.date)
    year = article_year(article, d)
    return (year is None, year or 0, d.sort_key() if d is not None and year else (0, 0, 0),
            article.id), year


def to_base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, REF_BASE)
        out = digits[r] + out
        if not n:
            return out


def full_url(url: str, base_url: str) -> str:
    """An article page's URL as the records give it: relative ones under base_url."""
    if not re.match(r"^([a-z]+:)?/", url):
        url = base_url.rstrip("/") + "/" + url
    return url


def byline_names(article: Article) -> list[str]:
    """The people of the byline (reporters, correspondents, writers, photographers), or the
    byline as printed when no names were read from it: indexed with the body, so a search
    for a reporter finds what she wrote."""
    names = [n for role in ROLE_FIELDS for n in getattr(article, role) or ()]
    if not names and article.byline:
        names = [article.byline]
    return list(dict.fromkeys(names))


def body_text(article: Article) -> str:
    """The indexed body: plain text, then the byline's names on their own line."""
    text = plain_text(article.body or "")
    names = byline_names(article)
    return text + "\n" + " ".join(names) if names else text


def make_document(number: int, article: Article, url: str, year: int | None) -> SearchDocument:
    return SearchDocument(number, to_base36(number), article, url, year, title_text(article),
                          body_text(article))


def prepare_documents(articles: Iterable[Article], base_url: str,
                      article_url: Callable[[Article], str]) -> list[SearchDocument]:
    """Articles in date order (unknown years last, then by id) with short refs: the order
    makes refs and files stable, and a year a range of article numbers."""
    dated = sorted(((*_dated(a), a) for a in articles), key=lambda x: x[0])
    return [make_document(n, a, full_url(article_url(a), base_url), year)
            for n, (_, year, a) in enumerate(dated)]


def record_inputs(article: Article, url: str) -> bytes:
    """A digest of everything an article's record and terms are made of: an article whose
    digest is unchanged needs neither recomputed (the module's code is in the state's key)."""
    fields = (url, article.id, article.title, article.kicker, article.subtitle, article.date,
              article.published, article.page, article.page_name, article.newspaper,
              tuple(article.tags), article.body, article.byline, article.section,
              tuple(article.people),
              tuple(tuple(getattr(article, role) or ()) for role in ROLE_FIELDS))
    return hashlib.blake2b(marshal.dumps(fields), digest_size=16).digest()


def date_inputs(article: Article) -> str:
    """What an article's place in the date order depends on, besides its id."""
    return f"{article.date}\0{article.published}"


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def document_record(doc: SearchDocument) -> dict:
    a = doc.article
    return {
        "id": a.id, "url": doc.url, "title": a.title, "kicker": a.kicker,
        "subtitle": a.subtitle, "date": format_zh(a.date), "year": doc.year,
        "page": a.page, "pageName": a.page_name, "newspaper": a.newspaper,
        "tags": list(a.tags),
    }


def prepare(articles: list[Article], base_url: str, article_url: Callable[[Article], str]
            ) -> tuple[list[SearchDocument], list[bytes]]:
    docs = prepare_documents(articles, base_url, article_url)
    return docs, [to_json(document_record(d)) for d in docs]
