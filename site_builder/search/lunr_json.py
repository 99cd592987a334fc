"""lunr 2.3.9's BM25 with b = 0, exactly as lunr.py's Builder computes it, and lunr's
serialised JSON: the reference unsplit index the tests compare search.js against (the
browser rebuilds the same JSON from compact shards).
"""
from __future__ import annotations

import math
import re
from collections import defaultdict

from .tokens import TRIMMER_LABEL, utf16_key
from .postings import Postings, local_order


LUNR_VERSION = "2.3.9"


FIELDS = ("t", "b")  # title (kicker, title, subtitle) and body


TITLE_BOOST = 5


BOOSTS = {"t": TITLE_BOOST, "b": 1}


K1 = 1.2  # lunr's BM25 default


B = 0.0  # no length normalisation: see the module doc


class WeightTable:
    """Field vector weights as serialised text, by (df, tf, field): with b = 0 a weight
    depends on nothing else, so each is computed (exactly as lunr.py's
    Builder._create_field_vectors does, operation for operation) and formatted once."""

    def __init__(self, documents: int):
        self.documents = documents
        self.norm = K1 * (1 - B + B * 1.0)  # lunr's length term; 1.2 with b = 0
        self._memo: dict[tuple[int, int, int], str] = {}
        self._rows: dict[tuple[int, int], _WeightRow] = {}
        self.rows: dict[int, tuple[_WeightRow, _WeightRow]] = {}  # df -> (title, body)

    def idf(self, df: int) -> float:
        n = self.documents
        return math.log(1 + abs((n - df + 0.5) / (df + 0.5)))

    def row(self, df: int, boost: int) -> "_WeightRow":
        """tf -> weight text for one document frequency and field (a dict: lookups in C)."""
        key = (df, boost)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = _WeightRow(self, df, boost)
        return row

    def row_pair(self, df: int) -> tuple["_WeightRow", "_WeightRow"]:
        pair = self.rows[df] = (self.row(df, BOOSTS["t"]), self.row(df, BOOSTS["b"]))
        return pair

    def weight(self, df: int, tf: int, boost: int) -> str:
        key = (df, tf, boost)
        text = self._memo.get(key)
        if text is None:
            score = self.idf(df) * ((K1 + 1) * tf) / (self.norm + tf)
            score *= boost
            text = self._memo[key] = repr(round(score, 3))
        return text


class _WeightRow(dict):
    def __init__(self, table: WeightTable, df: int, boost: int):
        super().__init__()
        self.table, self.df, self.boost = table, df, boost

    def __missing__(self, tf: int) -> str:
        text = self[tf] = self.table.weight(self.df, tf, self.boost)
        return text


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def serialise_lunr(postings: Postings, refs: list[str], weights: WeightTable,
                   all_vectors: bool = False, order: list[str] | None = None) -> bytes:
    """Raw postings as lunr 2.3.9 serialised JSON (the unsplit reference index of the tests:
    search.js rebuilds the same from compact shards). Written by hand (terms are letters and digits
    and refs base-36 digits, so nothing needs escaping). `all_vectors`: also the empty field
    vectors of articles without terms here (lunr keeps them in an unsplit index). `order`:
    the terms by index (default: local_order). Most terms have a handful of postings, so
    the per-term work counts as much as the per-posting work: both stay in C where they can."""
    columns: dict[str, tuple[list[int], list[int] | None, list[int] | None, int]] = {}
    keys = []
    for term, flat in postings.items():
        numbers, title_tfs, body_tfs = flat[0::3], flat[1::3], flat[2::3]
        n = len(numbers)
        title_zeros, body_zeros = title_tfs.count(0), body_tfs.count(0)
        d = 2 * n - title_zeros - body_zeros  # document_frequency
        # None: no posting in that field; an int list: some (the common case, every posting
        # in the body, needs no test per posting)
        columns[term] = (numbers, None if title_zeros == n else title_tfs,
                         None if body_zeros == n else body_tfs, d)
        keys.append((-d, term))
    if order is None:
        keys.sort()
        order = [term for _, term in keys]
    posting_text = _posting_texts(refs)
    title_vectors: defaultdict[int, list[str]] = defaultdict(list)  # number -> "index,weight"
    body_vectors: defaultdict[int, list[str]] = defaultdict(list)
    inverted: dict[str, str] = {}
    rows = weights.rows
    ref_text = posting_text.__getitem__
    for i, term in enumerate(order):
        numbers, title_tfs, body_tfs, d = columns[term]
        pair = rows.get(d)
        if pair is None:
            pair = weights.row_pair(d)
        prefix = f"{i},"
        title = body = ""
        if title_tfs is not None:
            weight = pair[0]
            hits = []
            for number, tf in zip(numbers, title_tfs):
                if tf:
                    hits.append(number)
                    title_vectors[number].append(prefix + weight[tf])
            title = ",".join(map(ref_text, hits))
        if body_tfs is not None:
            weight = pair[1]
            if 0 in body_tfs:
                hits = []
                for number, tf in zip(numbers, body_tfs):
                    if tf:
                        hits.append(number)
                        body_vectors[number].append(prefix + weight[tf])
                body = ",".join(map(ref_text, hits))
            else:
                for number, tf in zip(numbers, body_tfs):
                    body_vectors[number].append(prefix + weight[tf])
                body = ",".join(map(ref_text, numbers))
        inverted[term] = f'["{term}",{{"_index":{i},"t":{{{title}}},"b":{{{body}}}}}]'
    parts = _vector_parts(refs, title_vectors, body_vectors, all_vectors)
    terms = sorted(inverted)
    if _ASTRAL.search("".join(terms)):
        terms.sort(key=utf16_key)  # JavaScript's string order
    return (f'{{"version":"{LUNR_VERSION}","fields":["t","b"],'
            f'"fieldVectors":[{",".join(parts)}],'
            f'"invertedIndex":[{",".join(inverted[t] for t in terms)}],'
            f'"pipeline":["{TRIMMER_LABEL}"]}}').encode()


def _vector_parts(refs: list[str], title_vectors: dict, body_vectors: dict,
                  all_vectors: bool) -> list[str]:
    """The serialised field vectors, in article order (`all_vectors`: empty ones too)."""
    parts = []
    if all_vectors:
        for number, ref in enumerate(refs):
            parts.append(f'["t/{ref}",[{",".join(title_vectors.get(number, ()))}]]')
            parts.append(f'["b/{ref}",[{",".join(body_vectors.get(number, ()))}]]')
        return parts
    title_open, body_open = _vector_openings(refs)
    numbers = sorted(title_vectors.keys() | body_vectors.keys()) if title_vectors \
        else sorted(body_vectors)
    title_get, body_get = title_vectors.get, body_vectors.get
    for number in numbers:
        vector = title_get(number)
        if vector is not None:
            parts.append(title_open[number] + ",".join(vector) + "]]")
        vector = body_get(number)
        if vector is not None:
            parts.append(body_open[number] + ",".join(vector) + "]]")
    return parts


_ref_memo: tuple[list[str], list[str], list[str], list[str]] | None = None


def _ref_texts(refs: list[str]) -> tuple[list[str], list[str], list[str]]:
    """For each article number: '"ref":{}' (a posting) and the openings of its title and
    body field vectors (the same lists for every shard of a build)."""
    global _ref_memo
    if _ref_memo is None or _ref_memo[0] is not refs:
        _ref_memo = (refs, [f'"{ref}":{{}}' for ref in refs], [f'["t/{ref}",[' for ref in refs],
                     [f'["b/{ref}",[' for ref in refs])
    return _ref_memo[1:]


def _posting_texts(refs: list[str]) -> list[str]:
    return _ref_texts(refs)[0]


def _vector_openings(refs: list[str]) -> tuple[list[str], list[str]]:
    return _ref_texts(refs)[1:]


def unsplit_index(shards: dict[int, Postings], refs: list[str], weights: WeightTable) -> bytes:
    """The whole index as one lunr index, terms numbered by (shard, local index) (for tests:
    the reference the shards must rank like)."""
    merged: Postings = {}
    order: list[str] = []
    for n in sorted(shards):
        merged.update(shards[n])
        order += local_order(shards[n])
    return serialise_lunr(merged, refs, weights, all_vectors=True, order=order)
