"""Stage 3: an ArticleDraft and its page become an Article with metadata.

Per-article work (headline roles, body Markdown, dateline and date, bylines, summary) happens
in `extract_article`; choices that need the whole corpus (who is a person, which words are
tags) happen in corpus.py, after every page has been read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import bylines, dates, entities, headroles, segment
from .sentences import field_value
from ..edtf import format_edtf, parse_edtf
from ..markup import escape_printed
from ..model import Article, ArticleDraft, Line, PageLayout, SeedPage

INGESTER_VERSION = "13"
SUMMARY_CHARS = 120
_DASH_SPLIT = re.compile(r"^(?P<title>.+?)\s*(?P<sub>——.+)$")
_DECK_CHARS = 24  # a second headline line longer than this, with clauses, is a deck
_CLAUSE_PUNCT = re.compile(r"[，,；;]")


@dataclass
class Extracted:
    article: Article
    body_text: str  # plain text of title + paragraphs, for corpus-level choices
    terms: entities.ArticleTerms


def assign_headline(lines: list[Line]) -> tuple[str | None, str, str | None]:
    """(kicker, title, subtitle) from one to three printed headline lines.

    One line is the title ("主标题 ——副题" splits at the dashes). Of two lines a second that
    starts with dashes is the subtitle; otherwise `headroles` weighs the two lines' shape
    (kicker + title, or title + subtitle). With three or more lines the longest is the title:
    kickers and subtitles are set smaller and usually print fewer words."""
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
        if _title_then_subtitle(texts[0], texts[1]):
            return None, texts[0], texts[1]
        return texts[0], texts[1], None
    title_index = max(range(len(texts)), key=lambda i: (len(texts[i].replace(" ", "")), -i))
    kicker = " ".join(texts[:title_index]) or None
    subtitle = " ".join(texts[title_index + 1:]) or None
    return kicker, texts[title_index], subtitle


def _title_then_subtitle(first: str, second: str) -> bool:
    """Two lines are title and subtitle, not kicker and title: the model's call; without its
    weights (the trainer's baseline), when the column tag closes the first (the tag belongs to
    the title) or the second is a long deck of clauses."""
    tagged_first, tagged_second = segment.is_tagged_headline(first), segment.is_tagged_headline(second)
    decided = headroles.title_first(first, second, tagged_first, tagged_second)
    if decided is not None:
        return decided
    if tagged_second:
        return False
    if tagged_first:
        return True
    return len(second) > _DECK_CHARS and _CLAUSE_PUNCT.search(second) is not None


def body_markdown(draft: ArticleDraft) -> str:
    blocks = []
    for p in draft.paragraphs:
        if p.heading:
            # a section's byline sits under its heading one level down, set smaller (site.css)
            blocks.append(f"{'####' if p.byline else '##'} {escape_printed(p.text)}")
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


def closing_credits(draft: ArticleDraft) -> list[bylines.Byline]:
    """Credits printed in the body's own lines (（本报记者 甲、乙）, 某某摄（图片社）): their
    names join the article's roles while the lines stay where the page prints them."""
    found = []
    for p in draft.paragraphs:
        if p.is_text and len(p.text) <= bylines.MAX_CREDIT_CHARS:
            credit = bylines.closing_credit(p.text)
            if credit is not None:
                found.append(credit)
    return found


def summary_of(paragraphs: list[str], dateline: dates.Dateline | None) -> str | None:
    if not paragraphs:
        return None
    text = paragraphs[0]
    if dateline and text.startswith(dateline.text) and dateline.agency:
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


def _lead_at(texts: list[str]) -> int:
    """Where the prose starts: the dateline and the summary are in its first paragraph, not in
    the field lines printed above it (时间：5月24日下午 / 日程：…)."""
    return next((i for i, t in enumerate(texts) if field_value(t) is None), 0)


def extract_article(page: SeedPage, layout: PageLayout, draft: ArticleDraft, order: int,
                    stopwords: frozenset[str]) -> Extracted:
    kicker, title, subtitle = assign_headline(draft.headline)
    if not title:
        title = derived_title(draft)
    texts = [p.text for p in draft.paragraphs if p.is_text]
    at = _lead_at(texts)
    lead = texts[at] if texts else ""
    dateline = dates.find_dateline(lead) if texts else None
    full_text = "\n".join(texts)
    when = dates.article_dates(dateline, page.meta.published, lead, full_text)
    credits = [bylines.parse_byline(b) for b in draft.byline_texts] + closing_credits(draft) \
        + [bylines.parse_byline(p.text) for p in draft.paragraphs if p.byline]
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
        summary=summary_of(texts[at:], dateline),
        byline=" / ".join(draft.byline_texts) or None,
    )
    for role in bylines.ROLES:
        names: list[str] = []
        for credit in credits:
            names.extend(n for n in getattr(credit, role) if n not in names)
        setattr(article, role, names)
    # A closing credit (版式设计：…, 某某摄（影像中国）, （本报记者 甲、乙）) names who made the page,
    # not what it is about: its names are the article's roles, not its people or tags.
    told = "\n".join(t for t in texts if segment.classify(t) not in (segment.CREDIT, segment.BYLINE))
    terms = entities.article_terms(title, told, stopwords)
    article.places = terms.places
    article.organizations = terms.organizations
    return Extracted(article, title + "\n" + told, terms)


def extract_page(page: SeedPage, layout: PageLayout, stopwords: frozenset[str]) -> list[Extracted]:
    extracted = [extract_article(page, layout, draft, i, stopwords) for i, draft in enumerate(layout.articles, 1)]
    if not page.meta.published:
        _agree_dates_on_page([e.article for e in extracted])
    return extracted


def _agree_dates_on_page(articles: list[Article]) -> None:
    """Without an issue date each article was dated alone; the page's articles share one issue."""
    read = []
    for a in articles:
        dl = dates.find_dateline(a.dateline) if a.dateline else None
        own = parse_edtf(a.dateline_date) if a.dateline_date else parse_edtf(a.date)
        own_day = dates.EdtfDate(None, own.month, own.day) if own and own.month and own.day else None
        read.append(dates.PageDate(parse_edtf(a.date) or dates.EdtfDate(None), own_day, bool(dl and dl.agency)))
    for a, agreed, before in zip(articles, dates.agree_on_page(read), read):
        if agreed.date != before.date:
            a.date = format_edtf(agreed.date)
            a.dateline_date = format_edtf(agreed.own_day) if agreed.own_day else None
