"""Terms and raw postings (term -> flat [article number, title tf, body tf, ...]), shards by a
term's first two characters, and a shard's bytes as shipped (compact.py).
"""
from __future__ import annotations

import bisect
import marshal
import math
from collections import Counter
from dataclasses import dataclass
from typing import Iterable

from .tokens import text_terms
from .compact import serialise_compact
from .documents import SearchDocument


# Aim for shards of about this many serialised bytes (~1/3 of it gzipped); a small archive
# gets one shard.
TARGET_SHARD_BYTES = 32_000


# Below this estimated total a single shard is cheaper than several requests (the sample
# archive is one small part).
SINGLE_SHARD_BYTES = 200_000


BYTES_PER_TERM = 9  # measured averages of the serialised form (search/compact.py)


BYTES_PER_POSTING = 2


# Shard counts lie on a geometric grid (4 steps per doubling), so that the few terms and
# postings an edit adds or removes almost never change the count (which rebuilds everything).
SHARD_GRID_STEPS = 4


# A full build shares its terms out to this many parts by the parity of their shard key's
# hash (one part per core); shard counts are multiples of it, so each shard's terms belong
# to one part.
PARTS = 2


@dataclass
class DocTerms:
    """One article's terms: frequency per term (in text order), per field."""

    title: dict[str, int]
    body: dict[str, int]


def terms_of(title_text: str, body_text: str) -> DocTerms:
    return DocTerms(Counter(text_terms(title_text)), Counter(text_terms(body_text)))


def document_terms(doc: SearchDocument) -> DocTerms:
    return terms_of(doc.title_text, doc.body_text)


def choose_shard_count(terms: int, postings: int) -> int:
    """One shard for a small archive, else about TARGET_SHARD_BYTES a shard, on a geometric
    grid (see SHARD_GRID_STEPS)."""
    estimate = terms * BYTES_PER_TERM + postings * BYTES_PER_POSTING
    if estimate <= SINGLE_SHARD_BYTES:
        return 1
    step = math.ceil(SHARD_GRID_STEPS * math.log2(estimate / TARGET_SHARD_BYTES))
    count = max(2, math.ceil(2 ** (step / SHARD_GRID_STEPS)))
    return count + count % PARTS  # a multiple of PARTS: see _build_part


def shard_of_key(key: str, shard_count: int) -> int:
    """search_tokens.shard_of for a term's first two characters (callers that loop over
    many terms memoise it per build: a module-wide memo would grow without end in the dev
    server's worker)."""
    h = 0x811C9DC5
    for ch in key:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h % shard_count


# Raw postings: term -> flat list [number, title tf, body tf, number, ...] in rising article
# number, a term's entries only for articles holding it. A shard's bytes are a pure function
# of its raw postings, N and the refs.
Postings = dict[str, list[int]]


def document_frequency(flat: list[int]) -> int:
    """lunr's df: (document, field) postings."""
    pairs = len(flat) // 3
    return 2 * pairs - flat[1::3].count(0) - flat[2::3].count(0)


def local_order(postings: Postings, df: dict[str, int] | None = None) -> list[str]:
    """A shard's terms by local index: falling document frequency, then term."""
    if df is None:
        df = {term: document_frequency(flat) for term, flat in postings.items()}
    return sorted(postings, key=lambda t: (-df[t], t))


def serialise_shard(postings: Postings) -> bytes:
    """One shard as shipped: the compact format (search/compact.py), terms in local order."""
    return serialise_compact(postings, local_order(postings))


def collect_all(doc_terms: Iterable[tuple[int, DocTerms]]) -> Postings:
    """Raw postings of every term, from (number, terms) in rising number."""
    postings: Postings = {}
    get = postings.get
    for number, dt in doc_terms:
        title, body = dt.title, dt.body
        body_get = body.get
        for term, tf in title.items():
            flat = get(term)
            if flat is None:
                postings[term] = [number, tf, body_get(term, 0)]
            else:
                flat += (number, tf, body_get(term, 0))
        for term in body.keys() - title.keys():
            flat = get(term)
            if flat is None:
                postings[term] = [number, 0, body[term]]
            else:
                flat += (number, 0, body[term])
    return postings


def split_shards(postings: Postings, count: int) -> dict[int, Postings]:
    """Raw postings by shard (terms are nearly all bigrams, their own shard key: a memo of
    keys would cost more than the hash it saves)."""
    shards: list[Postings] = [{} for _ in range(count)]
    for term, flat in postings.items():
        shards[shard_of_key(term[:2], count)][term] = flat
    return {n: shard for n, shard in enumerate(shards) if shard}


def _collect(docs: list[SearchDocument]) -> tuple[Postings, int]:
    """The raw postings of the articles' terms, and their postings count (lunr's:
    (document, field) pairs, so each article's distinct terms per field)."""
    total = 0

    def terms():
        nonlocal total
        for d in docs:
            dt = document_terms(d)
            total += len(dt.title) + len(dt.body)
            yield d.number, dt

    postings = collect_all(terms())
    return postings, total


def split_parts(postings: Postings) -> list[Postings]:
    """Raw postings by part (see PARTS)."""
    parts: list[Postings] = [{} for _ in range(PARTS)]
    for term, flat in postings.items():
        parts[shard_of_key(term[:2], PARTS)][term] = flat
    return parts


def blob(postings: Postings) -> bytes:
    return marshal.dumps(postings)


def _set_entry(flat: list[int], number: int, title_tf: int, body_tf: int) -> list[int]:
    """A term's raw postings with article `number`'s entry set (removed when both are 0),
    keeping rising number order."""
    numbers = flat[0::3]
    at = bisect.bisect_left(numbers, number)
    present = at < len(numbers) and numbers[at] == number
    entry = [number, title_tf, body_tf] if title_tf or body_tf else []
    return flat[:3 * at] + entry + flat[3 * (at + present):]
