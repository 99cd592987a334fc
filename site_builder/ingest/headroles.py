"""Two headline lines: kicker + title, or title + subtitle?

A small logistic model over the shape of the two lines (no words of any paper): a subtitle is
often a bracketed note (the date a document was adopted), short beside a long first line, a
long deck of clauses, or carries digits; a kicker ends in a lead-in (——, ：) or a reporting verb (…时强调),
opens with a preposition (就…, 在…, 围绕…), sets a time scope (截至4月底, 今年以来) or sits above a title
that carries the column tag; a title reports an event whole (…会议闭幕) above a subtitle naming who
presided or attended (某某主持, 某某出席并讲话). The weights are fitted by
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

# A subtitle naming who presided or attended: …会议举行 / 某某主持, 某某出席并讲话.
_ATTENDANCE_VERBS = ("主持", "出席", "讲话", "致辞", "参加审议", "参加讨论", "参加", "陪同", "会见", "通报有关情况")
# A title that reports an event whole: …会议开幕, …基站开通, …项目签约.
_EVENT_VERBS = ("举行", "召开", "开幕", "闭幕", "启动", "开通", "成立", "揭牌", "签约", "签署", "开工", "竣工",
                "通车", "投用", "试航", "首飞", "生成", "入轨", "报到")
# A kicker that sets the time the title's figures cover: 截至4月底 / 今年以来 / “五一”期间.
_TIME_SCOPE = re.compile(r"^(?:截至|截止|今年以来|近年来|去年以来)|(?:期间|以来|前[\d一二三四五六七八九十]{1,2}[日天]"
                         r"|[\d一二三四五六七八九十]{1,2}月(?:份|底|末|上旬|中旬|下旬)?|季度|上半年|下半年|年底|年初)$")

FEATURES = ("bias", "bracketed_second", "lead_in_first", "tagged_first", "tagged_second",
            "len_first", "len_second", "second_shorter", "second_very_short", "space_second",
            "space_first", "comma_second", "comma_first", "quote_second", "preposition_first",
            "digit_second", "log_ratio", "reporting_first", "deck_second", "attendance_second",
            "event_first", "time_first")


def features(first: str, second: str, tagged_first: bool, tagged_second: bool) -> list[float]:
    bare_first = _SPACE.sub("", first)
    la, lb = len(bare_first), len(_SPACE.sub("", second))
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
        float(any(part.endswith(_ATTENDANCE_VERBS) for part in _SPACE.split(second))),
        float(bare_first.endswith(_EVENT_VERBS)),
        float(bool(_TIME_SCOPE.search(bare_first))),
    ]


# Fitted by benchmarks/train_headroles.py (see its docstring for the data and the figures).
WEIGHTS: dict[str, float] = {
    'bias': -2.0309,
    'bracketed_second': 2.0547,
    'lead_in_first': -2.2581,
    'tagged_first': 2.3160,
    'tagged_second': -3.3371,
    'len_first': -0.1524,
    'len_second': 1.4463,
    'second_shorter': -0.6757,
    'second_very_short': 0.1731,
    'space_second': -0.6632,
    'space_first': -0.4824,
    'comma_second': 0.1019,
    'comma_first': -1.6126,
    'quote_second': -0.9424,
    'preposition_first': -0.2112,
    'digit_second': 1.6745,
    'log_ratio': -0.7718,
    'reporting_first': -1.9054,
    'deck_second': 1.0330,
    'attendance_second': 2.5943,
    'event_first': 1.9818,
    'time_first': -1.1645,
}


def title_first(first: str, second: str, tagged_first: bool, tagged_second: bool) -> bool | None:
    """True: title + subtitle; False: kicker + title; None without weights (caller's rule)."""
    if not WEIGHTS:
        return None
    x = features(first, second, tagged_first, tagged_second)
    return sum(WEIGHTS.get(k, 0.0) * v for k, v in zip(FEATURES, x)) > 0
