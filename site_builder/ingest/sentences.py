"""Does a line finish a sentence? The punctuation the segmenter reads a line's end by: a
paragraph cut by the column end, a deck line, a line that announces what follows (如下——)."""
from __future__ import annotations

SENTENCE_PUNCT = "。！？!?；;"
_CLOSING = "。！？!?…；;）)」』】》"
_LEAD_IN = ("——", "—", "：", ":")
_QUOTE_CLOSE = "”’\"'"


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
