"""Stage 3: an ArticleDraft and its page become an Article with metadata.

Per-article work (headline roles, body Markdown, dateline and date, bylines, summary) happens
in `extract_article`; choices that need the whole corpus (who is a person, which words are
tags) happen in `finish_corpus`, after every page has been read.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Callable
from dataclasses import dataclass

from . import bylines, dates, entities
from .edtf import format_edtf
from .markup import escape_printed
from .model import Article, ArticleDraft, Line, PageLayout, SeedPage

INGESTER_VERSION = "1"
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
        if not p.heading:
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
    texts = [p.text for p in draft.paragraphs if not p.heading]
    dateline = dates.find_dateline(texts[0]) if texts else None
    full_text = "\n".join(texts)
    date = dates.article_date(dateline, page.meta.published, full_text, page.text)
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
        date=format_edtf(date),
        dateline=dateline.text if dateline else None,
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


@dataclass
class CorpusTrace:
    """What finish_corpus found on its way, per article (in order): the names confirmed
    anywhere that a text prints (`here1`: after the first pass; `known_here`: at the end) and
    the names the text vouches for (`confirmed`). The incremental corpus step starts from it."""

    here1: list[frozenset[str]]
    confirmed: list[frozenset[str]]
    known_here: list[frozenset[str]]


def finish_corpus(extracted: list[Extracted], alone: list[frozenset[str]] | None = None,
                  memo: dict | None = None, map_fn: Callable = map) -> CorpusTrace:
    """Corpus-wide choices: people confirmed anywhere are people everywhere; tags by weight.

    1. Names each article's phrasing confirms on its own (`alone`; computed unless given, e.g.
       from a cache), then again with the names confirmed anywhere, so 、-lists can lean on
       other articles. Only the known names printed in a text matter, so that is what is
       passed (and what `memo`, keyed by text hash and those names, remembers).
    2. People in print order, their titles, words printed only inside names.
    3. Tags with corpus document frequencies, excluding people and credited names.
    `map_fn` may run step 1 in worker processes; the result is the same."""
    if alone is None:
        alone = list(map_fn(_confirmed_alone, [e.body_text for e in extracted]))
    memo = {} if memo is None else memo
    known1 = frozenset().union(*alone) if alone else frozenset()
    index1 = entities.NameIndex(known1)
    here1 = [index1.found_in(e.body_text) for e in extracted]
    confirmed = confirm_again(extracted, alone, here1, memo, map_fn)
    known = set(known1).union(*confirmed)
    extra = entities.NameIndex(known - known1)
    known_here = [here | extra.found_in(e.body_text) for e, here in zip(extracted, here1)]
    credited = {n for e in extracted for n in credited_names(e)}
    doc_freq: Counter = Counter()
    for e in extracted:
        doc_freq.update(set(e.terms.counts))
    for e, names in zip(extracted, known_here):
        finish_article(e, names, known, credited, doc_freq, len(extracted))
    return CorpusTrace(here1, confirmed, known_here)


def confirm_again(extracted: list[Extracted], alone: list[frozenset[str]], here1: list[frozenset[str]],
                  memo: dict, map_fn: Callable = map) -> list[frozenset[str]]:
    """The second pass of name confirmation: what each text vouches for once the names
    confirmed elsewhere that it prints (`here1`) are known."""
    keys: list[tuple | None] = []
    for e, mine, here in zip(extracted, alone, here1):
        # no name from elsewhere standing in a 、-list here: the text vouches for `mine` only
        keys.append((text_key(e.body_text), here) if entities.lists_reach(e.body_text, here - mine) else None)
    missing = sorted({k for k in keys if k is not None and k not in memo}, key=lambda k: (k[0], sorted(k[1])))
    if missing:
        texts = {text_key(e.body_text): e.body_text for e in extracted}
        memo.update(zip(missing, map_fn(_confirmed_with, [(texts[k[0]], k[1]) for k in missing])))
    return [mine if k is None else memo[k] | mine for k, mine in zip(keys, alone)]


def credited_names(e: Extracted) -> list[str]:
    return [n for role in bylines.ROLES for n in getattr(e.article, role)]


def finish_article(e: Extracted, known_here: frozenset[str], known, credited, doc_freq: Counter,
                   n_docs: int) -> None:
    """One article's people, roles, places, organisations and tags, given the known names its
    text prints and the corpus-wide sets and counts."""
    people = entities.people_in(e.body_text, set(known_here))
    e.article.people = people
    e.article.roles = entities.roles_in(e.body_text, people)
    # only a word that is part of some name can be printed only inside names
    parts = {n[i:j] for n in people for i in range(len(n)) for j in range(i + 1, len(n) + 1)}
    inside_names = {w for w in e.terms.counts if w in parts and entities.only_inside(w, e.body_text, people)}
    e.article.places = [p for p in e.terms.places if p not in inside_names]
    e.article.organizations = [o for o in e.terms.organizations if o not in inside_names]
    # choose_tags only asks whether a candidate word is excluded: the candidates suffice
    exclude = {w for w in e.terms.counts if w in known or w in credited or w in inside_names}
    e.article.tags = entities.choose_tags(e.terms, doc_freq, n_docs, exclude)


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _confirmed_alone(text: str) -> frozenset[str]:
    return frozenset(entities.confirmed_people(text))


def _confirmed_with(args: tuple[str, frozenset[str]]) -> frozenset[str]:
    text, known_here = args
    return frozenset(entities.confirmed_people(text, known_here))
