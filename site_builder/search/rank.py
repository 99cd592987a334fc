"""The search ranking, as search.js computes it (`Searcher.phraseOrder`), for tests and the
benchmark: lunr's order, except that of its first PHRASE_WINDOW matches only those whose
text holds every phrase of the query (its Han runs of three or more characters,
normalised) are kept; matches beyond the window follow, unread.

Matching requires every character pair of the query, so 科技 … 创新 matches 科技创新; the
articles that print 科技创新 come first and those that only hold its pairs apart are left
out where their text was read. Reading the texts of a window of results (from their article
pages, which the result list needs for snippets anyway) costs no index bytes; the window
bounds what a query reads (PHRASE_WINDOW pages at most).
"""
from __future__ import annotations

from typing import Callable, Sequence, TypeVar

from .tokens import normalize, split_runs

PHRASE_WINDOW = 40
Ref = TypeVar("Ref")


def phrases(query: str) -> list[str]:
    """The query's Han runs of three or more characters, normalised."""
    return [r.text for r in split_runs(normalize(query)) if r.kind == "han" and len(r.text) >= 3]


def holds_phrases(text: str, wanted: Sequence[str]) -> bool:
    normalized = normalize(text)
    return all(p in normalized for p in wanted)


def phrase_order(query: str, lunr_order: Sequence[Ref], text_of: Callable[[Ref], str]) -> list[Ref]:
    """The ranking readers see, from the matches in lunr's order and each one's text."""
    wanted = phrases(query)
    if not wanted:
        return list(lunr_order)
    held = [ref for ref in lunr_order[:PHRASE_WINDOW] if holds_phrases(text_of(ref), wanted)]
    return held + list(lunr_order[PHRASE_WINDOW:])
