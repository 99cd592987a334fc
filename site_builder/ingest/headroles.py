"""Two headline lines: kicker + title, or title + subtitle?

A small logistic model over the shape of the two lines (no words of any paper): a subtitle is
often a bracketed note (the date a document was adopted), short beside a long first line, a
long deck of clauses, or carries digits; a kicker ends in a lead-in (——, ：) or a reporting verb (…时强调),
opens with a preposition (就…, 在…, 围绕…) or sits above a title that carries the column tag. The weights are fitted by
`benchmarks/train_headroles.py` on the gold stacks of development pages of a national daily and
generated pages; nothing of that text is kept.
"""
from __future__ import annotations

import math
import re

_BRACKETED = re.compile(r"^[（(][^（）()]*[）)]$")
_SPACE = re.compile(r"[ \u3000\u00a0]")
_COMMA = re.compile(r"[，,]")
_CLAUSES = re.compile(r"[，,；;]")
_DECK_CHARS = 24  # a second line longer than this, in clauses, is a deck (提要) set under the title
# Prepositions that open a kicker setting the scene for the title (就中俄建交70周年 / …).
_LEADING_PREPOSITIONS = ("就", "在", "为", "围绕", "面对", "从", "让", "以", "把", "向", "对")
# A kicker that reports what someone said: 某某在某地考察时强调 / 会议指出, above the words said.
_REPORTING_VERBS = ("强调", "指出", "表示", "要求", "提出", "认为", "寄语", "致信", "印发", "发布")

FEATURES = ("bias", "bracketed_second", "lead_in_first", "tagged_first", "tagged_second",
            "len_first", "len_second", "second_shorter", "second_very_short", "space_second",
            "space_first", "comma_second", "comma_first", "quote_second", "preposition_first",
            "digit_second", "log_ratio", "reporting_first", "deck_second")


def features(first: str, second: str, tagged_first: bool, tagged_second: bool) -> list[float]:
    la, lb = len(_SPACE.sub("", first)), len(_SPACE.sub("", second))
    return [
        1.0, float(bool(_BRACKETED.match(second))), float(first.endswith(("——", "：", ":"))),
        float(tagged_first), float(tagged_second), min(la, 60) / 20, min(lb, 60) / 20,
        float(lb < la), float(lb <= 8), float(bool(_SPACE.search(second))),
        float(bool(_SPACE.search(first))), float(bool(_COMMA.search(second))),
        float(bool(_COMMA.search(first))), float(second.startswith(("“", "\""))),
        float(first.startswith(_LEADING_PREPOSITIONS)), float(any(c.isdigit() for c in second)),
        math.log(lb + 1) - math.log(la + 1),
        float(first.rstrip("：:——").endswith(_REPORTING_VERBS)),
        float(lb > _DECK_CHARS and bool(_CLAUSES.search(second))),
    ]


# Fitted by benchmarks/train_headroles.py (see its docstring for the data and the figures).
WEIGHTS: dict[str, float] = {
    'bias': -2.1710,
    'bracketed_second': 1.5625,
    'lead_in_first': -2.5104,
    'tagged_first': 1.6806,
    'tagged_second': -3.5071,
    'len_first': 0.2443,
    'len_second': 1.8789,
    'second_shorter': -0.9223,
    'second_very_short': 1.2242,
    'space_second': -0.7984,
    'space_first': -0.7392,
    'comma_second': 0.2033,
    'comma_first': -2.1230,
    'quote_second': -0.8982,
    'preposition_first': -0.2366,
    'digit_second': 1.5271,
    'log_ratio': -1.2589,
    'reporting_first': -2.6279,
    'deck_second': 1.1416,
}


def title_first(first: str, second: str, tagged_first: bool, tagged_second: bool) -> bool | None:
    """True: title + subtitle; False: kicker + title; None without weights (caller's rule)."""
    if not WEIGHTS:
        return None
    x = features(first, second, tagged_first, tagged_second)
    return sum(WEIGHTS.get(k, 0.0) * v for k, v in zip(FEATURES, x)) > 0
