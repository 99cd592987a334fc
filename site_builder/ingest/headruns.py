"""Does a run of heading lines open a new article, or is it the current article's subheadings?

The clear cases are rules in `segment._starts_new_article` (a byline under the run, a dateline
opening the next paragraph, a previous paragraph cut mid-sentence). What is left is judged by a
small logistic model over the shape of the run and its neighbours: a headline stack is long,
carries a column tag, dashes or a colon, and comes after a finished article; subheadings are
short, often come in pairs (a theme line, then a point line), recur through a long article and
are followed by more of its text. The weights are fitted by `benchmarks/train_headruns.py` on
pages made from development months of a national daily plus generated pages (`WEIGHTS` below is
its output; nothing of that text is kept) and checked on held-out page sets.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[①-⑳]|第[一二三四五六七八九十\d]{1,3}[章节部篇]|\d{1,2}[.、．](?!\d))")
_SPACE_INSIDE = re.compile(r"\S[\s\u3000\u00a0]+\S")


@dataclass(frozen=True)
class RunContext:
    """What the segmenter knows when it meets a heading run."""

    heads: list[str]  # the run's heading lines (labels and year lines left out)
    has_label: bool  # an editorial label (编者按, 核心提示) in the run
    prev_text: str | None  # the current article's last text paragraph
    paragraphs: int  # text paragraphs of the current article so far
    subheadings: int  # subheadings of the current article so far
    headline_lines: int  # headline lines the current article opened with
    next_text: str | None  # the paragraph after the run
    next_relative: bool  # it opens with 近日/日前/昨日…
    similar_later: int  # later runs on the page of the same shape (capped)


FEATURES = ("bias", "one", "two", "three", "maxlen", "minlen", "tagged", "dash_lead", "dash_end",
            "colon_end", "space", "quote", "comma", "digit", "numbered", "label", "paras", "subs",
            "prev_quote", "prev_len", "next_quote", "next_relative", "next_len", "no_next",
            "own_headline", "similar_later", "short_pair")


def features(ctx: RunContext, tagged: list[bool], dashed_lead: list[bool]) -> list[float]:
    heads = ctx.heads
    lens = [len(h) for h in heads] or [0]
    n = len(heads)
    prev, nxt = ctx.prev_text or "", ctx.next_text or ""
    return [
        1.0, float(n == 1), float(n == 2), float(n >= 3),
        min(max(lens), 60) / 20, min(min(lens), 60) / 20,
        float(any(tagged)), float(any(dashed_lead)), float(any(h.endswith("——") for h in heads)),
        float(any(h.endswith(("：", ":")) for h in heads)),
        float(any(_SPACE_INSIDE.search(h) for h in heads)),
        float(any("“" in h or "\"" in h for h in heads)),
        float(any(c in h for h in heads for c in "，、,")),
        float(any(c.isdigit() for h in heads for c in h)),
        float(any(_NUMBERED.match(h) for h in heads)),
        float(ctx.has_label),
        math.log1p(ctx.paragraphs) / 3, math.log1p(ctx.subheadings) / 2,
        float(prev.rstrip().endswith(("”", "’", "\""))), math.log1p(len(prev)) / 6,
        float(nxt.startswith(("“", "\""))), float(ctx.next_relative), math.log1p(len(nxt)) / 6,
        float(not nxt), float(ctx.headline_lines > 0), min(ctx.similar_later, 3) / 3,
        float(n == 2 and max(lens) <= 12),
    ]


# Set to a list by the training script: every judged run is appended as (context, lines, rule).
TRACE: list | None = None

# Fitted by benchmarks/train_headruns.py (see its docstring for the data and the figures).
WEIGHTS: dict[str, float] = {
    'bias': -0.3759,
    'one': -1.1806,
    'two': 0.8870,
    'three': -0.0823,
    'maxlen': 0.3111,
    'minlen': -0.1214,
    'tagged': 3.0676,
    'dash_lead': -0.2360,
    'dash_end': -0.5897,
    'colon_end': -0.8237,
    'space': -0.1280,
    'quote': 0.3133,
    'comma': -1.3346,
    'digit': 0.4847,
    'numbered': -0.8115,
    'label': -0.2212,
    'paras': 2.0308,
    'subs': -2.4169,
    'prev_quote': -0.0849,
    'prev_len': -0.1121,
    'next_quote': -0.1331,
    'next_relative': 0.0000,
    'next_len': 0.5781,
    'no_next': -0.7596,
    'own_headline': -0.5486,
    'similar_later': -2.2817,
    'short_pair': -1.3254,
}


def opens_article(ctx: RunContext, tagged: list[bool], dashed_lead: list[bool]) -> bool | None:
    """The model's call, or None when it has no weights (the caller's fallback rule decides)."""
    if not WEIGHTS:
        return None
    x = features(ctx, tagged, dashed_lead)
    z = sum(WEIGHTS.get(name, 0.0) * v for name, v in zip(FEATURES, x))
    return z > 0
