"""Turning Chinese (and mixed) text into search terms, identically to static/search/search.js.

Terms of an indexed text:
- every pair of adjacent Han characters (bigrams): any Han string of two or more characters
  is found by requiring all of its bigrams (瑞华 inside 张瑞华, 科技城 inside 东湖科技城管委会).
  Single characters are not terms (queries need two characters). jieba's words are not
  indexed: measured on the sample archive and on 2,000 generated articles they changed
  neither recall (1.0) nor top-10 precision (0.981 and 0.995), while costing most of the
  index build time;
- runs of other letters and digits (gdp, 2021, 5g) as whole terms.
Punctuation and symbols separate runs and never become terms. Text is NFKC-normalised first
(full-width ＧＤＰ -> gdp) and lower-cased. The browser repeats the same steps on a query
(search.js `splitRuns`); a term's shard is chosen by its first two characters.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Han ideographs: CJK Unified Ideographs and extensions A-H, compatibility ideographs, and 〇.
# search.js uses the same ranges (HAN_RE).
_HAN_RANGES = (
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2FA1F),
    (0x30000, 0x323AF),
)
_HAN_CLASS = "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a) for a, b in _HAN_RANGES)
_HAN_RUN = re.compile(f"[{_HAN_CLASS}]+")
_HAN_ONLY = re.compile(f"[{_HAN_CLASS}]+\\Z")
_HAN_SPLIT = re.compile(f"([{_HAN_CLASS}]+)")
# Letters and numbers: in Python's re, [^\W_] is exactly Unicode categories L* and N*
# (checked over every code point by a test), like /[\p{L}\p{N}]/u in JavaScript.
_TERM_RUN = re.compile(r"[^\W_]+")

# Bump when the terms of a text change: it keys cached per-article terms.
TOKENIZER_VERSION = 2

# The pipeline function both lunr.py and lunr.js run, registered under this label on both
# sides (the label is written into every serialised index and lunr.js refuses unknown ones).
TRIMMER_LABEL = "archiveZhTrimmer"


@dataclass(frozen=True)
class Run:
    """A maximal stretch of Han characters ("han") or of other letters/digits ("word")."""

    kind: str
    text: str


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII) then lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def is_han(ch: str) -> bool:
    cp = ord(ch)
    return any(a <= cp <= b for a, b in _HAN_RANGES)


def is_term_char(ch: str) -> bool:
    """Letters and numbers (Unicode categories L* and N*), like /[\\p{L}\\p{N}]/u in JS."""
    return unicodedata.category(ch)[0] in "LN"


def split_runs(text: str) -> list[Run]:
    """Split normalised text into Han runs and other letter/digit runs; drop the rest."""
    runs: list[Run] = []
    kind, start = None, 0
    for i, ch in enumerate(text):
        k = "han" if is_han(ch) else ("word" if is_term_char(ch) else None)
        if k != kind:
            if kind is not None:
                runs.append(Run(kind, text[start:i]))
            kind, start = k, i
    if kind is not None:
        runs.append(Run(kind, text[start:]))
    return runs


def bigrams(han: str) -> list[str]:
    return [han[i:i + 2] for i in range(len(han) - 1)]


def text_terms(text: str) -> list[str]:
    """All terms of a text, with repetition (lunr counts term frequency), in text order.
    The same as cutting `split_runs(normalize(text))`, with regular expressions for speed."""
    terms: list[str] = []
    for run in _TERM_RUN.findall(normalize(text)):
        if _HAN_ONLY.match(run):
            terms.extend([run[i:i + 2] for i in range(len(run) - 1)])
            continue
        for i, part in enumerate(_HAN_SPLIT.split(run)):
            if not part:
                continue
            if i % 2:  # the captured Han stretches
                terms.extend([part[j:j + 2] for j in range(len(part) - 1)])
            else:
                terms.append(part)
    return terms


def keyword_term(value: str) -> str:
    """A tag or year as one filter term: normalised, inner white space removed."""
    return "".join(normalize(value).split())


def trim_term(term: str) -> str:
    """What the shared pipeline function does: strip non letters/digits at both ends."""
    start, end = 0, len(term)
    while start < end and not is_term_char(term[start]):
        start += 1
    while end > start and not is_term_char(term[end - 1]):
        end -= 1
    return term[start:end]


def shard_key(term: str) -> str:
    """The first two characters (code points) of a term: words share their bigram's shard."""
    return term[:2]


def shard_of(term: str, shard_count: int) -> int:
    """FNV-1a (32 bit) over the code points of the shard key, modulo the shard count.
    search.js `shardOf` computes the same number."""
    h = 0x811C9DC5
    for ch in shard_key(term):
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h % shard_count


def utf16_key(term: str) -> bytes:
    """Sort key giving JavaScript's string order (UTF-16 code units), which lunr.js's
    TokenSet builder requires ("Out of order word insertion" otherwise)."""
    return term.encode("utf-16-be")


def contains_query(haystack: str, query: str) -> bool:
    """Does a text contain the query, compared as the search compares (normalised)?"""
    return normalize(query) in normalize(haystack)
