"""The search ranking, as search.js computes it (`Searcher.phraseOrder`), for tests and the
benchmark: lunr's order, except that among its first PHRASE_WINDOW matches those whose text
holds every phrase of the query (its Han runs of three or more characters, normalised) come
first, each group keeping lunr's order.

Matching requires every character pair of the query, so 科技 … 创新 matches 科技创新; this
puts the articles that print 科技创新 first. Reading the texts of a window of results (from
their article pages, which the result list needs for snippets anyway) costs no index bytes.
"""
from __future__ import annotations

from typing import Callable, Sequence, TypeVar

from ..search_tokens import normalize, split_runs

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
    window = list(lunr_order[:PHRASE_WINDOW])
    held = [ref for ref in window if holds_phrases(text_of(ref), wanted)]
    rest = [ref for ref in window if ref not in set(held)]
    return held + rest + list(lunr_order[PHRASE_WINDOW:])
