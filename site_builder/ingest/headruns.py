"""Does a run of heading lines open a new article, or is it the current article's subheadings?

A few clear cases are rules in `segment._starts_new_article` (a byline under the run after an
article that printed its byline at its end, the article above closed by a byline or credit,
核心提示 under the run, a run of ——-led attributions under text, a previous paragraph that
ends by announcing what follows, a run punctuated like prose). Everything else is judged here by
boosted decision trees over the shape of the run and its neighbours: a headline stack is long,
carries a column tag, dashes or a colon, and comes after a finished article; subheadings are
short, often come in pairs (a theme line, then a point line), recur through a long article in
one shape and are followed by more of its text; a headline is more likely after a long article
that has printed no subheading yet, before a dateline (本报北京5月2日电, 近日, 10月3日，)
opening its first paragraph, and above a short item closed by a byline or credit (a photo item,
a brief); a previous paragraph cut mid-sentence speaks for a section unless a full dateline
follows, and so, half the time, does a compiled-by credit (（…整理）) closing the text above.
A section goes on about what its article was about and a new story does not: the share of the
character pairs under the run already printed in the article (weighted against the pairs the
whole page prints everywhere), beside the same share in the page's other text, tells a one-line
head after a long article (mostly a subheading) from the next story's headline. A byline under
a run whose article printed its own byline at its top, or none yet, is weighed here too: on the
development pages that is a section of a composite piece (each speaker or place with its own
reporter) 72 times in 80.
Trees, not a sum of weights, because these signals count differently together: checked on the
other month, they decide 2 to 3 points more runs right than a logistic model on the same features.

The trees are fitted by `benchmarks/train_headruns.py` on pages made from development months of
a national daily plus generated pages and stored in `headruns_model.json` (numbers only; nothing
of that text is kept).
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

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
    next_dated: bool = False  # the next paragraph opens with a date (10月3日，…), no agency
    byline_soon: bool = False  # a byline or closing credit follows within a few paragraphs
    paras_after: int = 0  # paragraphs after the run before the next heading, byline or credit
    same_shape_before: bool = False  # the current article has a subheading run of this shape
    article_chars: int = 0  # characters of the current article's text so far
    cut: bool = False  # the current article's last paragraph stops mid-sentence or on a lead-in
    strong: bool = False  # the next paragraph opens with a full dateline (本报北京5月2日电, 本报讯)
    closed: bool = False  # a compiled-by credit (（…整理）) closed the current article (other closings are rules)
    agency: bool = False  # the next paragraph opens with an agency dateline
    dated_with_bylines: bool = False  # a dated next paragraph, and the current article has bylines
    byline_next: bool = False  # a byline line right under the run
    top_byline: bool = False  # the current article printed a byline between its headline and its text
    cohesion: float = 0.0  # share of the following text's character pairs already in the current article
    page_cohesion: float = 0.0  # the same share in as much of the page's other text: how alike the page's articles are


FEATURES = ("bias", "one", "two", "three", "maxlen", "minlen", "tagged", "dash_lead", "dash_end",
            "colon_end", "space", "quote", "comma", "digit", "numbered", "label", "paras", "subs",
            "prev_quote", "prev_len", "next_quote", "next_relative", "next_len", "no_next",
            "own_headline", "similar_later", "short_pair", "next_dated", "byline_soon", "paras_after",
            "short_piece", "same_shape_before", "no_subs_long", "article_chars",
            "cut", "cut_not_strong", "strong", "closed", "agency", "dated_with_bylines",
            "cohesion", "page_cohesion", "cohesion_gain", "byline_next", "top_byline")


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
        float(ctx.next_dated), float(ctx.byline_soon), math.log1p(ctx.paras_after) / 3,
        float(ctx.paras_after <= 2 and ctx.byline_soon), float(ctx.same_shape_before),
        float(ctx.subheadings == 0) * math.log1p(ctx.paragraphs) / 3, math.log1p(ctx.article_chars) / 8,
        float(ctx.cut), float(ctx.cut and not ctx.strong), float(ctx.strong), float(ctx.closed),
        float(ctx.agency), float(ctx.dated_with_bylines), ctx.cohesion, ctx.page_cohesion,
        ctx.cohesion - ctx.page_cohesion if min(ctx.cohesion, ctx.page_cohesion) >= 0 else -1.0,
        float(ctx.byline_next), float(ctx.top_byline),
    ]


_HAN_PAIR = re.compile(r"(?=([\u4e00-\u9fff]{2}))")
_COHESION_MIN = 400, 100  # characters above and below the run worth comparing (a couple of paragraphs)


def char_pairs(text: str) -> set[str]:
    """Adjacent Han character pairs: a tokenizer-free stand-in for the words a text is about."""
    return set(_HAN_PAIR.findall(text))


class PagePairs:
    """The Han character pairs of each line of a page, read once, and how telling each pair is
    there: log(paragraphs / paragraphs holding it). Pairs printed all over the page (its topic, a
    template's words) say little about where one article ends."""

    def __init__(self, lines: dict[int, str], paragraphs: list[int]):
        self._lines, self._paragraphs = lines, paragraphs
        self._ready = False
        self.pairs: dict[int, set[str]] = {}
        self.chars: dict[int, int] = {}
        self._held: Counter[str] = Counter()  # paragraphs holding each pair
        self._log_share: list[float] = []  # weight by how many paragraphs hold a pair

    def _read_page(self) -> None:
        """Read the page on first use: most pages settle every run by rule and never need it."""
        self._ready = True
        self.pairs = {n: char_pairs(text) for n, text in self._lines.items()}
        self.chars = {n: len(text) for n, text in self._lines.items()}
        for n in self._paragraphs:
            self._held.update(self.pairs[n])
        n = len(self._paragraphs)
        self._log_share = [0.0] + [math.log((n + 1) / k) for k in range(1, n + 1)]

    def weight(self, pairs: Iterable[str]) -> float:
        """Summed weights of pairs printed in the page's paragraphs (the text under a run is).
        fsum, because a set's order changes with the process's string hashing and a plain sum
        with it, in the last bits: a run must be decided the same in every process."""
        return math.fsum(map(self._log_share.__getitem__, map(self._held.__getitem__, pairs)))

    def gather(self, numbers: Iterable[int], limit: int) -> tuple[set[str], int]:
        """The pairs of these lines, taken in this order until `limit` characters are read."""
        if not self._ready:
            self._read_page()
        found: set[str] = set()
        chars = 0
        for n in numbers:
            if n in self.pairs:
                found |= self.pairs[n]
                chars += self.chars[n]
                if chars >= limit:
                    break
        return found, chars

    def elsewhere(self, start: int, resume: int, limit: int) -> tuple[set[str], int]:
        """The page's paragraphs outside one article and the text under a run: those before
        line `start`, nearest first, or when they are too short to stand for the page, those
        from line `resume` on."""
        before = self.gather((n for n in reversed(self._paragraphs) if n < start), limit)
        if before[1] >= _COHESION_MIN[0]:
            return before
        return self.gather((n for n in self._paragraphs if n >= resume), limit)

    def cohesion(self, above: tuple[set[str], int], below: tuple[set[str], int]) -> float:
        """Weighted share of the pairs below the run already printed above it: high when the
        text goes on about what the article was about. -1 when either side is too short to tell."""
        (known, above_chars), (pairs, below_chars) = above, below
        if above_chars < _COHESION_MIN[0] or below_chars < _COHESION_MIN[1]:
            return -1.0
        total = self.weight(pairs)
        return self.weight(pairs & known) / total if total else -1.0


# Set to a list by the training script: every judged run is appended as (context, lines, rule).
TRACE: list | None = None

MODEL_PATH = Path(__file__).with_name("headruns_model.json")


@dataclass(frozen=True)
class Trees:
    """Boosted decision trees: the run opens an article when base + the trees' leaves > 0.

    A node is (feature index, threshold, left, right) and goes left when the feature is at most
    the threshold; a leaf is (value,). Node 0 is each tree's root."""

    base: float
    trees: tuple[tuple[tuple, ...], ...]

    @classmethod
    def from_json(cls, data: dict) -> "Trees":
        """The trees as the trainer writes them: {"base": …, "trees": [[node, …], …]}."""
        return cls(float(data["base"]), tuple(tuple(tuple(n) for n in t) for t in data["trees"]))

    def score(self, x: list[float]) -> float:
        total = self.base
        for tree in self.trees:
            node = tree[0]
            while len(node) == 4:
                node = tree[node[2] if x[node[0]] <= node[1] else node[3]]
            total += node[0]
        return total


def load_model(path: Path = MODEL_PATH) -> Trees | None:
    """The fitted trees, or None when there is no model file (the caller's rule decides)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path}: fitted on other features than headruns.FEATURES; "
                         "refit it with benchmarks/train_headruns.py --write")
    return Trees.from_json(data)


_UNREAD = Trees(0.0, ())
# Fitted by benchmarks/train_headruns.py (see its docstring for the data and the figures); read
# on first use, so that the trainer can import this module while the file is stale.
MODEL: Trees | None = _UNREAD


def opens_article(ctx: RunContext, tagged: list[bool], dashed_lead: list[bool]) -> bool | None:
    """The model's call, or None when there is no model (the caller's fallback rule decides)."""
    global MODEL
    if MODEL is _UNREAD:
        MODEL = load_model()
    if MODEL is None:
        return None
    return MODEL.score(features(ctx, tagged, dashed_lead)) > 0
