"""What an agency dateline (新华社…电, 本报…电) arriving under text tells about the lines above
it. Lines between a headline and its text that are not an article of their own: a deck whose
lines ran together, summary points, a document (回信, 贺信) printed in full before the report on
it. A second report under one headline. And the opposite: the next article's headline (and deck)
read as the end of the article above. Read by `segment.segment_page` when such a dateline arrives;
and the lines under a headline that open its body rather than extend it (`opens_body`)."""
from __future__ import annotations

import re

from . import dates, lexicon
from .bylines import MARKS
from .entities import TITLE_WORDS
from .names import plausible_name
from .layout import MAX_DECK_CHARS, MAX_HEADLINE_LINES, NOT_LABEL, PARA, OpenArticle, PageItem
from .sentences import SENTENCE_PUNCT, field_value, finishes_sentence
from ..model import Line, Paragraph

_DOCUMENT_LABELS = {"回信", "贺信", "贺电", "唁电", "复信"}  # a document printed in full, then the news of it


def take_own_dateline(current: OpenArticle | None, item: PageItem, items: list[PageItem]) -> bool:
    """Whether the agency dateline in `item` opens the current article's own report rather than
    a new article, readying the article for it: under its headline's deck (split back into
    headline lines and points), under the summary points printed below its headline, or under the
    document the article prints first (回信, 贺信 …, then 新华社…电 on it; 6 of 6 on the
    development pages)."""
    if current is None or not dates.agency_opening(item.line.text):
        return False
    if only_a_deck(current):
        _split_deck(current, items)
        return True
    if only_summary_points(current):
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


def only_summary_points(article: OpenArticle) -> bool:
    """A headline, then only its summary points (■ 要强化基础研究，…), each a paragraph of its own."""
    paras = article.paragraphs
    return bool(article.headline) and bool(paras) and all(
        p.is_text and p.text[:1] in MARKS and dates.opening_dateline(p.text) is None for p in paras)


def _split_off_headline(article: OpenArticle) -> OpenArticle | None:
    """A heading run read as the article's subheadings, then at most three undated paragraphs:
    the next article's headline and the points of its deck (中共中央政治局召开会议 / 讨论政府
    工作报告, 今年下一阶段，要…, then 新华社北京…电)."""
    paras = article.paragraphs
    end = len(paras)
    start = end
    while start > 0 and paras[start - 1].is_text and not paras[start - 1].byline:
        start -= 1
    top = start
    while top > 0 and paras[top - 1].heading:
        top -= 1
    if not 1 <= end - start <= 3 or not 1 <= start - top <= MAX_HEADLINE_LINES \
            or not any(p.is_text for p in paras[:top]):
        return None
    if any(dates.opening_dateline(p.text) is not None for p in paras[start:]):
        return None
    opened = OpenArticle(headline=[Line(p.lines[0], p.text) for p in paras[top:start]], paragraphs=paras[start:])
    del paras[top:]
    return opened


def second_report(article: OpenArticle) -> bool:
    """A second agency dateline under finished text with no heading between: the article's next
    report (王毅分别同甲、乙通电话, one call under each dateline; the leader's arrival, then his
    departure), not a new article. On the development pages 19 of 19 such datelines, in articles
    that had opened with a dateline of their own, continued the article above."""
    texts = [p for p in article.paragraphs if p.is_text]
    if not texts or article.paragraphs[-1] is not texts[-1] or not finishes_sentence(texts[-1].text):
        return False
    return dates.opening_dateline(texts[0].text) is not None


def next_article_above(article: OpenArticle) -> OpenArticle | None:
    """The article an agency dateline arriving under `article`'s text belongs to, when what was
    read as the end of `article` is that article's headline (and deck): taken out of `article`
    and returned, or None."""
    headline = _headline_above(article)
    return OpenArticle(headline=headline) if headline else _split_off_headline(article)


def _headline_above(article: OpenArticle) -> list[Line]:
    """A last paragraph that finishes no sentence, under finished text: the next article's
    headline (a long one with a comma or a book title in it, read as a paragraph)."""
    paras = article.paragraphs
    if len(paras) < 2 or article.ends_with_credit or not paras[-1].is_text or paras[-1].lines[0] != paras[-1].lines[1]:
        return []
    line, above = paras[-1], paras[-2]
    if len(line.text) > MAX_DECK_CHARS or any(p in line.text for p in SENTENCE_PUNCT) \
            or dates.opening_dateline(line.text) is not None or not (above.heading or finishes_sentence(above.text)):
        return []
    paras.pop()
    return [Line(line.lines[0], line.text)]


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


# 【人物】“铁路工匠”某某 under a headline: the first labelled part of the text (【故事】, 【点评】
# follow it), the body's first line, not a subtitle.
_LABELLED_LINE = re.compile(r"^[【\[][^】\]]{1,8}[】\]]\s*\S")


# 中华人民共和国主席令 over a law, 某省某市委书记某某代表 under a column's name: the first line
# of the body (the order that enacts the law, the speaker of what follows), not a subtitle.
_DECREE = re.compile(r"^(?:中华人民共和国)?[\u4e00-\u9fff]{0,12}(?:主席|国务院|政府|委员会|部|署|局)令$")
_SPEAKER = re.compile(r"^(?P<who>[^，。、：:\s]{4,30})(?:代表|委员)(?:[（(][^）)]{2,40}[）)])?[：:]?$")


def opens_body(text: str) -> bool:
    """【人物】某某, 时间：5月24日下午, an order or a speaker under a headline: the body's first
    line, not a subtitle."""
    value = field_value(text)
    return _LABELLED_LINE.match(text) is not None or (value is not None and value[0].isdigit()) \
        or _DECREE.match(text) is not None or _names_a_speaker(text)


def _names_a_speaker(text: str) -> bool:
    """某市委书记蔡丽新代表: a title, then a person's name, before 代表 or 委员 (…会见有关方面代表
    reports an event instead)."""
    m = _SPEAKER.match(text)
    if m is None:
        return False
    before = m["who"]
    return any(plausible_name(before[-n:]) and before[:-n].endswith(TITLE_WORDS) for n in (3, 2))
