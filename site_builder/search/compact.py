"""The compact shard format shipped to the browser (search.js rebuilds lunr's JSON from it).

A shard is `{"format":4,"terms":"<t0> <t1> ...","postings":"..."}`: its terms in local order
(index i is the i-th term, space-separated: terms are letters and digits), and for each term
in that order its title postings then its body postings. A field's postings are a count then
one entry per article in rising article number: (gap << 1 | tf > 1) where gap is the article
number minus the previous one minus 1 (the first from -1), then tf - 2 when tf > 1. Weights
are not shipped: with b = 0 a weight is a function of the term's document frequency (the
number of (article, field) postings, which the counts give), the article count (in the
manifest) and tf, so search.js computes them with lunr.py's formula.

Numbers are self-delimiting base-64/28 digits in printable ASCII that JSON never escapes:
a value below 64 is one "last" digit; a larger one is its quotient by 64 in "leading" digits
(base 28, most significant first) then one last digit. Small numbers (gaps of common terms,
counts, tf) take one character and gzip finds the repeats.
"""
from __future__ import annotations

_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"\\')
LAST = _SAFE[:64]
LEADING = _SAFE[64:92]
FORMAT = 4
_TABLE_SIZE = 1 << 16
_table: list[str] = []


def encode_number(value: int) -> str:
    """One non-negative number as self-delimiting digits (see the module doc)."""
    last = LAST[value & 63]
    value >>= 6
    lead = ""
    while value:
        value, digit = divmod(value, 28)
        lead = LEADING[digit] + lead
    return lead + last


def decode_numbers(text: str) -> list[int]:
    """Every number of a digit string, in order (the inverse of encode_number, for tests)."""
    out, acc = [], 0
    lead = {ch: i for i, ch in enumerate(LEADING)}
    last = {ch: i for i, ch in enumerate(LAST)}
    for ch in text:
        if ch in lead:
            acc = acc * 28 + lead[ch]
        else:
            out.append(acc * 64 + last[ch])
            acc = 0
    return out


def _numbers() -> list[str]:
    """encode_number for small values, computed once (most values are small)."""
    if not _table:
        _table.extend(encode_number(v) for v in range(_TABLE_SIZE))
    return _table


def encode_field(numbers: list[int], tfs: list[int], count: int) -> str:
    """One field's postings of a term: its count, then gap/tf entries (module doc)."""
    enc = _numbers()
    big = _TABLE_SIZE
    out = [enc[count] if count < big else encode_number(count)]
    prev = -1
    for number, tf in zip(numbers, tfs):
        if not tf:
            continue
        value = (number - prev - 1) << 1
        prev = number
        if tf == 1:
            out.append(enc[value] if value < big else encode_number(value))
        else:
            value |= 1
            out.append(enc[value] if value < big else encode_number(value))
            out.append(enc[tf - 2] if tf - 2 < big else encode_number(tf - 2))
    return "".join(out)


def serialise_compact(postings: dict[str, list[int]], order: list[str]) -> bytes:
    """A shard in the compact format from its raw postings (term -> flat [number, title tf,
    body tf, ...]) and its terms in local order."""
    parts = []
    for term in order:
        flat = postings[term]
        numbers, title_tfs, body_tfs = flat[0::3], flat[1::3], flat[2::3]
        n = len(numbers)
        parts.append(encode_field(numbers, title_tfs, n - title_tfs.count(0)))
        parts.append(encode_field(numbers, body_tfs, n - body_tfs.count(0)))
    return (f'{{"format":{FORMAT},"terms":"{" ".join(order)}",'
            f'"postings":"{"".join(parts)}"}}').encode()
