"""Lines between a headline and its article's text that are not an article of their own:
a deck whose lines ran together above an agency dateline, or a document (回信, 贺信) printed in
full before the report on it. Read by `segment.segment_page` when an agency dateline arrives."""
from __future__ import annotations

from . import dates
from .layout import MAX_DECK_CHARS, MAX_HEADLINE_LINES, NOT_LABEL, PARA, OpenArticle, PageItem
from .sentences import SENTENCE_PUNCT, finishes_sentence
from ..model import Line, Paragraph

_DOCUMENT_LABELS = {"回信", "贺信", "贺电", "唁电", "复信"}  # a document printed in full, then the news of it


def take_own_dateline(current: OpenArticle | None, item: PageItem, items: list[PageItem]) -> bool:
    """Whether the agency dateline in `item` opens the current article's own report rather than
    a new article, readying the article for it: under its headline's deck (split back into
    headline lines and points), or under the document the article prints first (回信, 贺信 …,
    then 新华社…电 on it; 6 of 6 on the development pages)."""
    if current is None or not dates.agency_opening(item.line.text):
        return False
    if only_a_deck(current):
        _split_deck(current, items)
        return True
    if _prints_document_first(current):
        current.closed = False  # the letter's date and credit closed the letter, not the article
        return True
    return False


def _prints_document_first(article: OpenArticle) -> bool:
    paras = article.paragraphs
    return bool(paras) and paras[0].label and NOT_LABEL.sub("", paras[0].text) in _DOCUMENT_LABELS \
        and not any(p.is_text and dates.agency_opening(p.text) for p in paras)


def only_a_deck(article: OpenArticle) -> bool:
    """A headline, then one paragraph that finishes no sentence and has no dateline: lines printed
    under the headline (a long title line, 听取…汇报 研究…, summary points in bold), joined because
    none ends a sentence. The article's text starts at the agency dateline under them: on the
    development pages 18 of 18 such datelines opened no article of their own."""
    return bool(article.headline) and len(article.paragraphs) == 1 and article.paragraphs[0].is_text \
        and not finishes_sentence(article.paragraphs[0].text) and dates.opening_dateline(article.paragraphs[0].text) is None


def _split_deck(article: OpenArticle, items: list[PageItem]) -> None:
    """Undo the joins of the lines above an agency dateline: leading lines with no sentence in
    them are headline lines (up to three in all), the rest (summary points, each with a full
    stop inside) paragraphs of their own."""
    deck = article.paragraphs[0]
    lines = [it.line for it in items if deck.lines[0] <= it.line.number <= deck.lines[1] and it.kind == PARA]
    if "".join(l.text.strip() for l in lines) != deck.text:
        lines = [Line(deck.lines[0], deck.text)]
    article.paragraphs.clear()
    for line in lines:
        text = line.text.strip()
        if not article.paragraphs and len(article.headline) < MAX_HEADLINE_LINES and len(text) <= MAX_DECK_CHARS \
                and not any(p in text for p in SENTENCE_PUNCT):
            article.headline.append(line)
        else:
            article.paragraphs.append(Paragraph(text, (line.number, line.number)))
