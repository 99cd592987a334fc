"""Columns of briefs, in the two forms papers print them. Read by `segment.segment_page`.

- Marked briefs (city papers): each item one paragraph led by a mark, its own headline, a space,
  then its text (●全市首个智慧停车场投用 日前，…（记者 某某）). Each is an article of its own.
- A headed column (national papers): a short column label over the first item's heading (资讯速递
  / 收费公路收支缺口趋于平稳), then items each of a one-line heading, a short text and a closing
  signature ((刘志强), 河南汤阴县 某某). The column is one article under its label, as the paper
  files it, the items' headings its subheadings.
"""
from __future__ import annotations

import re

from . import closings
from .layout import BYLINE, CREDIT, HEAD, NOT_LABEL, PARA, OpenArticle, PageItem
from .sentences import SENTENCE_PUNCT
from ..model import Line, Paragraph

_BRIEF = re.compile(r"^(?P<mark>[●■◆◇★☆◎○▲△▶►])[\s　]*(?P<head>[^\s　，。！？；：,.!?;:（）()“”]{4,24})[\s　]+"
                    r"(?P<text>[^\s　].{15,})$")
BRIEF_LABELS = {"简讯", "快讯", "短讯", "简报", "资讯", "速递", "动态", "新闻速递", "新闻简讯", "本地简讯", "一句话新闻"}
_MAX_LABEL_CHARS = 6  # 资讯速递, 财经短波: a column's name, shorter than a kicker with a subject (全国铁路调图)
_LABEL_PUNCT = re.compile(r"[，,、。；;：:！!？?“”\"‘’《》（）()…—·\s]")
_MAX_ITEM_PARAGRAPHS = 6
_MAX_SIGNATURE_CHARS = 24
_LIST = re.compile(r"[、，,]")


def brief(text: str) -> re.Match | None:
    m = _BRIEF.match(text.strip())
    return m if m and any(p in m["text"] for p in SENTENCE_PUNCT) else None


def is_brief(items: list[PageItem], i: int) -> bool:
    """A marked brief: such a paragraph next to another one (a lone one may be a list item)."""
    if items[i].kind != PARA or brief(items[i].line.text) is None:
        return False
    return any(0 <= j < len(items) and items[j].kind == PARA and brief(items[j].line.text) is not None
               for j in (i - 1, i + 1))


def open_brief(line: Line, current: OpenArticle | None, furniture: list[Line]) -> tuple[OpenArticle, Line]:
    """The marked brief as an article of its own, and its text for the caller to add; its mark,
    and a briefs label the article before took as its last subheading (简讯), go to the page's
    furniture."""
    m = brief(line.text)
    if current is not None and current.paragraphs and current.paragraphs[-1].heading \
            and NOT_LABEL.sub("", current.paragraphs[-1].text) in BRIEF_LABELS:
        label = current.paragraphs.pop()
        furniture.append(Line(label.lines[0], label.text))
    furniture.append(Line(line.number, m["mark"]))
    return OpenArticle(headline=[Line(line.number, m["head"])]), Line(line.number, m["text"])


def opens_headed_column(run: list[PageItem], items: list[PageItem], end: int) -> bool:
    """A column label over the first item's heading, the item signed, and another signed item
    under a one-line heading after it: a headed column of briefs, not a kicker over a title."""
    if len(run) != 2 or any(it.kind != HEAD for it in run):
        return False
    label = run[0].line.text.strip()
    if len(label) > _MAX_LABEL_CHARS or _LABEL_PUNCT.search(label):
        return False
    nxt = _signed_item_end(items, end)
    return nxt is not None and _one_line_heading(items, nxt) and _signed_item_end(items, nxt + 1) is not None


def stays_in_column(article: OpenArticle, run: list[PageItem], items: list[PageItem], end: int) -> bool:
    """The next item of a headed column: a one-line heading over a short signed text."""
    return article.column and len(run) == 1 and run[0].kind == HEAD and _signed_item_end(items, end) is not None


def open_headed_column(opened: OpenArticle, heading: PageItem) -> OpenArticle:
    """`opened` under the column's label, the first item's heading the first line of its body
    (as the paper files such a column: the later items' headings are its subheadings)."""
    opened.paragraphs.append(Paragraph(heading.line.text.strip(), (heading.line.number,) * 2, label=True))
    opened.column = True
    return opened


def _one_line_heading(items: list[PageItem], i: int) -> bool:
    return i < len(items) and items[i].kind == HEAD and (i + 1 >= len(items) or items[i + 1].kind != HEAD)


def _signed_item_end(items: list[PageItem], start: int) -> int | None:
    """Where the next heading starts, when the item from `start` is a few paragraphs closed by
    a signature or credit right before it."""
    k = start
    while k < len(items) and items[k].kind in (PARA, BYLINE, CREDIT):
        k += 1
    paras = sum(1 for it in items[start:k] if it.kind == PARA)
    if not 1 <= paras <= _MAX_ITEM_PARAGRAPHS or k >= len(items) or not _signs_item(items[k - 1]):
        return None
    return k if items[k].kind == HEAD else None


def _signs_item(item: PageItem) -> bool:
    """（刘志强）, （据新华社吉隆坡电 记者林昊）, 河南汤阴县 某某: one or two writers sign a brief;
    a photo credit or a joint report's list of reporters closes an article."""
    text = item.line.text.strip()
    return item.kind == CREDIT and (closings.reader_signature(text) or (
        text.startswith(("（", "(")) and len(text) <= _MAX_SIGNATURE_CHARS and len(_LIST.findall(text)) <= 1))
