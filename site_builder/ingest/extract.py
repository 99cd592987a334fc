"""Stage 3: an ArticleDraft and its page become an Article with metadata.

Per-article work (headline roles, body Markdown, dateline and date, bylines, summary) happens
in `extract_article`; choices that need the whole corpus (who is a person, which words are
tags) happen in corpus.py, after every page has been read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import bylines, dates, entities
from ..edtf import format_edtf
from ..markup import escape_printed
from ..model import Article, ArticleDraft, Line, PageLayout, SeedPage

INGESTER_VERSION = "6"
SUMMARY_CHARS = 120
_DASH_SPLIT = re.compile(r"^(?P<title>.+?)\s*(?P<sub>——.+)$")


@dataclass
class Extracted:
    article: Article
    body_text: str  # plain text of title + paragraphs, for corpus-level choices
    terms: entities.ArticleTerms


def assign_headline(lines: list[Line]) -> tuple[str | None, str, str | None]:
    """(kicker, title, subtitle) from one to three printed headline lines.

    One line is the title ("主标题 ——副题" splits at the dashes). Two lines are kicker and title,
    unless the second starts with dashes (then title and subtitle). With three or more lines the
    longest is the title: kickers and subtitles are set smaller and usually print fewer words."""
    texts = [l.text.strip() for l in lines]
    if not texts:
        return None, "", None
    if len(texts) == 1:
        m = _DASH_SPLIT.match(texts[0])
        if m and len(m["title"]) >= 4:
            return None, m["title"], m["sub"]
        return None, texts[0], None
    if texts[-1].startswith(("——", "—", "－－")):
        kicker = " ".join(texts[:-2]) or None
        return kicker, texts[-2], texts[-1]
    if len(texts) == 2:
        return texts[0], texts[1], None
    title_index = max(range(len(texts)), key=lambda i: (len(texts[i].replace(" ", "")), -i))
    kicker = " ".join(texts[:title_index]) or None
    subtitle = " ".join(texts[title_index + 1:]) or None
    return kicker, texts[title_index], subtitle


def body_markdown(draft: ArticleDraft) -> str:
    blocks = []
    for p in draft.paragraphs:
        if p.heading:
            blocks.append(f"## {escape_printed(p.text)}")
        else:
            blocks.append(escape_printed(p.text))
    return "\n\n".join(blocks)


def derived_title(draft: ArticleDraft) -> str:
    """For an article with no recognisable headline: its first words, after the dateline."""
    for p in draft.paragraphs:
        if p.is_text:
            text = p.text
            dateline = dates.find_dateline(text)
            if dateline and dateline.strong and text.startswith(dateline.text):
                text = text[len(dateline.text):].lstrip(" 　,，") or text
            first = re.split(r"[。！？!?]", text, maxsplit=1)[0].strip() or text.strip()
            if first:
                return first[:30] + ("…" if len(first) > 30 else "")
    return "无标题"


def summary_of(paragraphs: list[str], dateline: dates.Dateline | None) -> str | None:
    if not paragraphs:
        return None
    text = paragraphs[0]
    if dateline and text.startswith(dateline.text) and dateline.text.startswith(("本报", "新华社", "中新社")):
        text = text[len(dateline.text):]
    text = re.sub(r"^[\s,，：:]+", "", text)
    sentences = re.findall(r"[^。！？!?]+[。！？!?]?", text)
    out = ""
    for s in sentences:
        if out and len(out) + len(s) > SUMMARY_CHARS:
            break
        out += s
    if len(out) > SUMMARY_CHARS * 2:
        out = out[:SUMMARY_CHARS] + "…"
    return out or None


def extract_article(page: SeedPage, layout: PageLayout, draft: ArticleDraft, order: int,
                    stopwords: frozenset[str]) -> Extracted:
    kicker, title, subtitle = assign_headline(draft.headline)
    if not title:
        title = derived_title(draft)
    texts = [p.text for p in draft.paragraphs if p.is_text]
    dateline = dates.find_dateline(texts[0]) if texts else None
    full_text = "\n".join(texts)
    when = dates.article_dates(dateline, page.meta.published, texts[0] if texts else "", full_text)
    credits = [bylines.parse_byline(b) for b in draft.byline_texts]
    article = Article(
        id=f"{page.slug}-{order:02d}",
        source=page.path,
        order=order,
        title=title,
        kicker=kicker,
        subtitle=subtitle,
        section=layout.section or page.meta.page_name,
        body=body_markdown(draft),
        source_lines=(draft.first_line, draft.last_line),
        date=format_edtf(when.date),
        dateline=dateline.text if dateline else None,
        dateline_date=format_edtf(when.dateline_date) if when.dateline_date else None,
        published=page.meta.published,
        page=page.meta.page,
        page_name=page.meta.page_name,
        newspaper=page.meta.newspaper,
        summary=summary_of(texts, dateline),
        byline=" / ".join(draft.byline_texts) or None,
    )
    for role in bylines.ROLES:
        names: list[str] = []
        for credit in credits:
            names.extend(n for n in getattr(credit, role) if n not in names)
        setattr(article, role, names)
    terms = entities.article_terms(title, full_text, stopwords)
    article.places = terms.places
    article.organizations = terms.organizations
    return Extracted(article, title + "\n" + full_text, terms)
