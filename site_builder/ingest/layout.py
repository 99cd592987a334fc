"""What the segmenter works with: a page's lines by kind, and the article it is building."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Line, Paragraph
from .bylines import MARKS

PARA, HEAD, YEAR, LABEL, BYLINE, FURNITURE, CREDIT = "para", "head", "year", "label", "byline", "furniture", "credit"
# CREDIT: a line that closes the article above it (closings.py), kept in its body.
MAX_HEADLINE_LINES = 3  # kicker, title, subtitle
MAX_DECK_CHARS = 90  # a headline's deck (提要) line, set in small type under it
DASH_LEAD = ("——", "─", "－－")  # a subtitle's lead: ——访某某
NOT_LABEL = re.compile(r"[\s【】\[\]：:□■●◆◇○▲△★☆]")  # what a label may carry around its word: 【链接】, 核心阅读：, ■链接


@dataclass
class PageItem:
    kind: str
    line: Line
    subheading: bool = False  # a punctuated short line read as a subheading (_reads_as_subheading)
    lead_in: bool = False  # a heading line ending on —— over a paragraph: it leads into that text


@dataclass
class OpenArticle:
    headline: list[Line]
    paragraphs: list[Paragraph] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    closed: bool = False  # a byline line followed its last paragraph
    ends_with_credit: bool = False  # its last body line is a closing credit, never a cut sentence
    top_byline: bool = False  # a byline printed between its headline and its first paragraph
    punctuated_subheadings: int = 0  # read as subheadings from their place (headruns counts them as prose)
    column: bool = False  # a headed column of briefs (briefs.py): its signed items stay in it


def ends_on_dash(text: str) -> bool:
    """人民是共和国的坚实根基—— (leading into the text under it) or 全国人大代表王书茂—— (a kicker)."""
    text = text.strip()
    return text.endswith("——") and not text.startswith(DASH_LEAD)


def summary_point(item: PageItem) -> bool:
    """■ 要强化基础研究，提升原始创新能力，…: a mark, then a sentence's clauses, set in bold under a
    headline (it is a deck line by its place). A headline line carries no such mark."""
    text = item.line.text.strip()
    return item.kind == HEAD and text[:1] in MARKS and any(p in text for p in "，,；;")
