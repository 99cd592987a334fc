"""Helpers for ingestion tests: pages written in the tests, and the no-text-lost accounting."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from site_builder.ingest import lexicon
from site_builder.ingest.entities import load_word_list
from site_builder.ingest.run import IngestReport, PageResult, ingest_pages
from site_builder.markup import unescape_printed
from site_builder.model import Article, PageMeta, SeedPage
from site_builder.ingest.seeds import normalize_text, seed_slug

ROOT = Path(__file__).resolve().parent.parent


def make_page(text: str, stem: str = "page", meta: PageMeta | None = None) -> SeedPage:
    return SeedPage(path=f"seeds/{stem}.txt", stem=stem, slug=seed_slug(stem), text=normalize_text(text),
                    meta=meta or PageMeta())


def ingest_text(text: str, stem: str = "page", meta: PageMeta | None = None) -> tuple[list[Article], PageResult]:
    lexicon.configure(ROOT / "dictionaries" / "userdict.txt")
    report = IngestReport()
    results = ingest_pages([make_page(text, stem, meta)], load_word_list(str(ROOT / "dictionaries/stopwords.txt")),
                           report)
    assert len(results) == 1, report.summary()
    return [e.article for e in results[0].extracted], results[0]


def body_plain(markdown: str) -> str:
    """The body's printed characters: heading marks and Markdown escapes removed."""
    lines = [re.sub(r"^#{1,6}\s+", "", line) for line in markdown.split("\n")]
    return unescape_printed("\n".join(lines))


def nonspace(text: str) -> Counter:
    return Counter(c for c in text if not c.isspace())


def accounted(result: PageResult) -> Counter:
    """Every character ingestion put somewhere: headline fields, body, bylines, section, furniture.
    Titles made up for a headline-less article are not printed text and are not counted."""
    total = Counter()
    layout = result.layout
    total += nonspace(layout.section or "")
    for line in layout.furniture:
        total += nonspace(line.text)
    for draft, extracted in zip(layout.articles, result.extracted):
        a = extracted.article
        if draft.headline:
            total += nonspace((a.kicker or "") + a.title + (a.subtitle or ""))
        total += nonspace(body_plain(a.body))
        total += nonspace("".join(draft.byline_texts))
    return total
