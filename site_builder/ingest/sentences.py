"""Does a line finish a sentence? The punctuation the segmenter reads a line's end by: a
paragraph cut by the column end, a deck line, a line that announces what follows (如下——)."""
from __future__ import annotations

import re

SENTENCE_PUNCT = "。！？!?；;"
_CLOSING = "。！？!?…；;）)」』】》"
_LEAD_IN = ("——", "—", "：", ":")
_QUOTE_CLOSE = "”’\"'"


# 时间：5月24日下午 / 地点：北京 / 主持人：张珊珊（本报记者）: a short field, its label and its
# value, printed as a line of its own above an interview or a scene. It finishes no sentence and
# needs none: the prose under it is not its rest. A speaker's colon (他说：, 记者：) opens prose.
# (A subheading may have this form too, 传承：中医药教育新格局初步形成: callers look at the place.)
_FIELD_LINE = re.compile(r"^(?P<label>[\u4e00-\u9fff]{2,4})[：:]\s*(?P<value>[^\s：:，,、。！？!?；;]{2,20})$")
_SPEAKER_LABEL = re.compile(r"(?:说|道|称|问|答|表示|指出|强调|认为|介绍|告诉|提出|记者)$")


def field_value(text: str) -> str | None:
    """The value of a field line (5月24日下午 of 时间：5月24日下午), or None."""
    m = _FIELD_LINE.match(text.strip())
    return m["value"] if m is not None and not _SPEAKER_LABEL.search(m["label"]) else None


def is_cut(text: str) -> bool:
    """True when a paragraph stops mid-sentence: its rest was printed in the next column."""
    text = text.rstrip()
    if not text or text.endswith(_LEAD_IN):
        return False
    last = text[-1]
    if last in _QUOTE_CLOSE:
        return len(text) < 2 or text[-2] not in "。！？!?…"
    return last not in _CLOSING


def finishes_sentence(text: str) -> bool:
    """Ends with a full stop (。！？；…), inside a closing quotation mark or not. A deck line may
    end on a title or a bracket (…讨论通过《某某法（修订草案）》) and still finish no sentence."""
    text = text.rstrip().rstrip(_QUOTE_CLOSE)
    return text.endswith(tuple(SENTENCE_PUNCT + "…"))


def ends_with_lead_in(text: str) -> bool:
    return text.rstrip().endswith(_LEAD_IN)
