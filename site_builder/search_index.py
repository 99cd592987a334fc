"""The search index: one lunr index (lunr 2.3.9's BM25 with b = 0, computed here) over all
articles, cut by term into shards, and updated in place when articles are edited.

Layout under <out>/search/ (all JSON, UTF-8, byte-identical for the same articles):
  manifest.json       shard count, fields, years, version hash (read first by search.js)
  tags.json           [[tag, article count], ...] for the tag filter; tags/<i>.json holds the
                      numbers of the articles with tag i (filters need no index terms: articles
                      are numbered in date order, so a year is a range of numbers given by
                      manifest "years")
  index/<n>.json      shard n: a complete, valid serialised lunr index (lunr.Index.load works)
                      holding the terms whose first two characters hash to n (shard_of), with
                      their postings and the matching slices of the documents' field vectors
  docs/<ref>.json     one article's id, url, title, date, page, tags and plain text, fetched
                      only when the article is shown in results

Refs are article numbers in base 36 and the fields are "t" (kicker, title, subtitle) and "b"
(body): both are repeated in every posting and field vector slice, so short names make the
index much smaller. Term indices are local to a shard, given in order of falling document
frequency (then by term), so the commonest terms have the shortest numbers and a change in one
shard never renumbers another. The unsplit index these shards are cut from numbers its terms
by (shard, local index); search.js orders terms the same way when it joins shards.

The index is computed directly rather than through lunr.py's Builder (which took most of the
build time), with exactly its formulas: idf = log(1 + |(N - df + 0.5) / (df + 0.5)|) where df
counts (document, field) postings, BM25 with k1 = 1.2 and b = 0 (`Builder.b(0)`), times the
field boost, rounded to 3 decimals. tests/test_search_split.py checks that the weights and
postings equal lunr.py's.

Why b = 0: with lunr's default b = 0.75 a weight also depends on the field's length relative
to the corpus average, so any edit moves the average and nearly every weight of every shard.
With b = 0 a weight depends only on the term's document frequency, N and the article's own
term frequency: an edit of an article's text changes only the shards holding terms whose
frequency in that article changed. Measured on 2,000 generated articles (400 queries) and the
sample archive, recall stays 1.0 and top-10 precision moves by less than a query in 200 (see
the README). (lunr's Builder cannot give the same weights without length normalisation by
other means: a document boost multiplies every weight of the article, so a length-based boost
would move all of its shards at once.)

Why splitting is exact: lunr scores a document as sum over fields of dot(query, field vector)
divided by the query vector's length. The field vector weights (with idf over all documents)
are computed once over the whole corpus, and a shard keeps them as they are. search.js merges
the slices of the shards a query needs into one lunr.Index and runs lunr's own query on it;
terms absent from those slices are absent from the query too, so every dot product, and so
every score, equals the unsplit one. For speed, search.js normally computes that same query
itself (the same operations in the same order, walking only the postings of the query's
terms, with lunr's tie order) and keeps lunr's query as the reference;
tests/test_search_fast.py checks that both give identical results.

Updating in place (the site build's extra, `SearchExtra.update`): .cache/search.sqlite keeps
each shard's raw postings (term -> article numbers with their term frequency per field), per
article its number, a digest of everything its record and terms are made of
(`record_inputs`), its date fields and tags, its indexed texts (in their own table, read only
for edited articles, to find the terms an edit removed), and the digest and size of every
file written; the state is keyed by a hash of this code. An update digests each article's
inputs and looks only at those that changed: when the articles are the state's ones (same
ids) with unchanged dates (so the same numbers and order) and the shard count stays, it
re-serialises only the shards whose postings changed and the edited articles' records, and
reports every other file unchanged. Anything else (an article added, removed or re-dated, a
new shard count, other code) rebuilds the whole index, which stays the reference: tests
check that updates and full builds give the same bytes.

A full build uses both cores (`_parallel_shards`): this process and a forked child each
tokenise half of the articles, swap the postings of the other's part of the terms (a term's
part is its shard key's hash modulo PARTS; shard counts are multiples of PARTS, so a shard's
terms all belong to one part) and serialise their part's shards. The bytes are those of a
build in one process (tested).
"""
from __future__ import annotations

import bisect
import contextlib
import gc
import hashlib
import json
import marshal
import math
import multiprocessing
import os
import re
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Collection, Iterable

from .edtf import format_zh, parse_edtf
from .model import ROLE_FIELDS, Article, Diagnostic
from .search.compact import serialise_compact
from .search_tokens import TOKENIZER_VERSION, TRIMMER_LABEL, text_terms, utf16_key

LUNR_VERSION = "2.3.9"
FORMAT = 4
FIELDS = ("t", "b")  # title (kicker, title, subtitle) and body
TITLE_BOOST = 5
BOOSTS = {"t": TITLE_BOOST, "b": 1}
K1 = 1.2  # lunr's BM25 default
B = 0.0  # no length normalisation: see the module doc
REF_BASE = 36
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
# Below this many articles a full build stays in one process (forking costs more).
PARALLEL_MIN_DOCUMENTS = 1000


@dataclass
class SearchIndexReport:
    documents: int = 0
    terms: int = 0
    postings: int = 0
    shards: int = 0
    index_bytes: int = 0
    largest_shard_bytes: int = 0
    doc_bytes: int = 0
    files: int = 0
    seconds: float = 0.0
    version: str = ""
    cached: bool = False  # updated in place from the state in .cache/
    shards_written: int = 0  # shards serialised (all of them in a full build)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        return (f"search: {self.documents} articles, {self.terms} terms in {self.shards} "
                f"shard(s) ({self.index_bytes / 1e6:.1f} MB, largest "
                f"{self.largest_shard_bytes / 1e3:.0f} kB), {self.seconds:.1f} s"
                + (f" (updated in place: {self.shards_written} shard(s))" if self.cached else ""))


@dataclass
class SearchDocument:
    """What the index and the result list know about one article."""

    number: int  # position in date order
    ref: str  # lunr ref: the number in base 36
    article: Article
    url: str
    year: int | None
    title_text: str
    body_text: str


def plain_text(markdown: str) -> str:
    """Body Markdown as readable plain text for snippets: markup removed, paragraphs kept."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"\n{2,}", "\n", text)
    return text.strip()


def article_year(article: Article, d=None) -> int | None:
    d = parse_edtf(article.date) if d is None else d
    if d is not None and d.year is not None:
        return d.year
    if article.published and article.published[:4].isdigit():
        return int(article.published[:4])
    return None


def title_text(article: Article) -> str:
    return "\n".join(x for x in (article.kicker, article.title, article.subtitle) if x)


def _dated(article: Article) -> tuple[tuple, int | None]:
    """The date-order key and the year, parsing the date once."""
    d = parse_edtf(article.date)
    year = article_year(article, d)
    return (year is None, year or 0, d.sort_key() if d is not None and year else (0, 0, 0),
            article.id), year


def to_base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, REF_BASE)
        out = digits[r] + out
        if not n:
            return out


def full_url(url: str, base_url: str) -> str:
    """An article page's URL as the records give it: relative ones under base_url."""
    if not re.match(r"^([a-z]+:)?/", url):
        url = base_url.rstrip("/") + "/" + url
    return url


def byline_names(article: Article) -> list[str]:
    """The people of the byline (reporters, correspondents, writers, photographers), or the
    byline as printed when no names were read from it: indexed with the body, so a search
    for a reporter finds what she wrote."""
    names = [n for role in ROLE_FIELDS for n in getattr(article, role) or ()]
    if not names and article.byline:
        names = [article.byline]
    return list(dict.fromkeys(names))


def body_text(article: Article) -> str:
    """The indexed body: plain text, then the byline's names on their own line."""
    text = plain_text(article.body or "")
    names = byline_names(article)
    return text + "\n" + " ".join(names) if names else text


def make_document(number: int, article: Article, url: str, year: int | None) -> SearchDocument:
    return SearchDocument(number, to_base36(number), article, url, year, title_text(article),
                          body_text(article))


def prepare_documents(articles: Iterable[Article], base_url: str,
                      article_url: Callable[[Article], str]) -> list[SearchDocument]:
    """Articles in date order (unknown years last, then by id) with short refs: the order
    makes refs and files stable, and a year a range of article numbers."""
    dated = sorted(((*_dated(a), a) for a in articles), key=lambda x: x[0])
    return [make_document(n, a, full_url(article_url(a), base_url), year)
            for n, (_, year, a) in enumerate(dated)]


def record_inputs(article: Article, url: str) -> bytes:
    """A digest of everything an article's record and terms are made of: an article whose
    digest is unchanged needs neither recomputed (the module's code is in the state's key)."""
    fields = (url, article.id, article.title, article.kicker, article.subtitle, article.date,
              article.published, article.page, article.page_name, article.newspaper,
              tuple(article.tags), article.body, article.byline, article.section,
              tuple(article.people),
              tuple(tuple(getattr(article, role) or ()) for role in ROLE_FIELDS))
    return hashlib.blake2b(marshal.dumps(fields), digest_size=16).digest()


def date_inputs(article: Article) -> str:
    """What an article's place in the date order depends on, besides its id."""
    return f"{article.date}\0{article.published}"


# ---------------------------------------------------------------------------- terms


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


def local_order(postings: Postings, df: dict[str, int] | None = None) -> list[str]:
    """A shard's terms by local index: falling document frequency, then term."""
    if df is None:
        df = {term: document_frequency(flat) for term, flat in postings.items()}
    return sorted(postings, key=lambda t: (-df[t], t))


def serialise_shard(postings: Postings) -> bytes:
    """One shard as shipped: the compact format (search/compact.py), terms in local order."""
    return serialise_compact(postings, local_order(postings))


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
    parts = []
    if all_vectors:
        for number, ref in enumerate(refs):
            parts.append(f'["t/{ref}",[{",".join(title_vectors.get(number, ()))}]]')
            parts.append(f'["b/{ref}",[{",".join(body_vectors.get(number, ()))}]]')
    else:
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
    terms = sorted(inverted)
    if _ASTRAL.search("".join(terms)):
        terms.sort(key=utf16_key)  # JavaScript's string order
    return (f'{{"version":"{LUNR_VERSION}","fields":["t","b"],'
            f'"fieldVectors":[{",".join(parts)}],'
            f'"invertedIndex":[{",".join(inverted[t] for t in terms)}],'
            f'"pipeline":["{TRIMMER_LABEL}"]}}').encode()


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


# A serialised shard: its number, bytes, digest and raw postings (marshal; None when no
# state is kept).
BuiltShard = tuple[int, bytes, bytes, "bytes | None"]


def _serialise_part(shards: dict[int, Postings], numbers: Iterable[int], refs: list[str],
                    weights: WeightTable, count: int, with_blobs: bool) -> list[BuiltShard]:
    out = []
    for n in numbers:
        postings = shards.pop(n, {})
        data = serialise_shard(postings)
        out.append((n, data, digest(data), blob(postings) if with_blobs else None))
    return out


def _can_fork(documents: int) -> bool:
    """Fork only a single-threaded process (a forked child gets no copy of other threads,
    which may hold locks it then needs) and only when the archive is big enough."""
    return documents >= PARALLEL_MIN_DOCUMENTS and hasattr(os, "fork") \
        and threading.active_count() == 1


def _parallel_shards(docs: list[SearchDocument], refs: list[str], with_blobs: bool
                     ) -> tuple[int, int, int, list[BuiltShard]] | None:
    """The shards computed by this process and one forked child, sharing both halves of the
    work: each collects the raw postings of half of the articles (this process the first
    half), they swap the postings of each other's part of the terms (see PARTS) and join
    them, then each serialises its part's shards. The shard count needs both parts' term
    counts, so the child sends its count and waits for the shard count. Returns (shard
    count, terms, postings, shards in order), or None when the child failed (the caller
    then computes everything itself)."""
    half = len(docs) // 2
    mine, theirs = multiprocessing.Pipe()
    pid = os.fork()
    if pid == 0:  # the child: the second half of the articles, then part 1
        status = 1
        try:
            mine.close()
            postings, total = _collect(docs[half:])
            parts = split_parts(postings)
            del postings
            keep, give = parts[1], parts[0]
            lower = marshal.loads(theirs.recv_bytes())  # the first half's: lower numbers
            theirs.send_bytes(marshal.dumps(give))
            del give, parts
            for term, flat in lower.items():
                own = keep.get(term)
                keep[term] = flat if own is None else flat + own
            del lower
            theirs.send((len(keep), total))
            count = theirs.recv()
            if count == 1:  # one shard for everything: the parent serialises it
                theirs.send_bytes(marshal.dumps(keep))
            else:
                shards = split_shards(keep, count)
                del keep
                theirs.send(_serialise_part(shards, range(1, count, PARTS), refs,
                                            WeightTable(len(refs)), count, with_blobs))
            status = 0
        except BaseException:  # noqa: B036 - the parent sees EOF and builds alone
            pass
        finally:
            os._exit(status)
    theirs.close()
    try:
        postings, total = _collect(docs[:half])
        parts = split_parts(postings)
        del postings
        keep, give = parts[0], parts[1]
        mine.send_bytes(marshal.dumps(give))  # the child reads first, then sends: no deadlock
        del give, parts
        higher = marshal.loads(mine.recv_bytes())
        for term, flat in higher.items():
            own = keep.get(term)
            if own is None:
                keep[term] = flat
            else:
                own += flat
        del higher
        their_terms, their_total = mine.recv()
        terms = len(keep) + their_terms
        total += their_total
        count = choose_shard_count(terms, total)
        mine.send(count)
        weights = WeightTable(len(docs))
        if count == 1:
            keep.update(marshal.loads(mine.recv_bytes()))
            built = _serialise_part({0: keep}, [0], refs, weights, count, with_blobs)
        else:
            shards = split_shards(keep, count)
            del keep
            built = _serialise_part(shards, range(0, count, PARTS), refs, weights, count, with_blobs)
            built += mine.recv()
    except (EOFError, OSError):
        return None
    finally:
        mine.close()
        os.waitpid(pid, 0)
    built.sort(key=lambda b: b[0])
    return count, terms, total, built


def unsplit_index(shards: dict[int, Postings], refs: list[str], weights: WeightTable) -> bytes:
    """The whole index as one lunr index, terms numbered by (shard, local index) (for tests:
    the reference the shards must rank like)."""
    merged: Postings = {}
    order: list[str] = []
    for n in sorted(shards):
        merged.update(shards[n])
        order += local_order(shards[n])
    return serialise_lunr(merged, refs, weights, all_vectors=True, order=order)


def blob(postings: Postings) -> bytes:
    return marshal.dumps(postings)


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def document_record(doc: SearchDocument) -> dict:
    a = doc.article
    return {
        "id": a.id, "url": doc.url, "title": a.title, "kicker": a.kicker,
        "subtitle": a.subtitle, "date": format_zh(a.date), "year": doc.year,
        "page": a.page, "pageName": a.page_name, "newspaper": a.newspaper,
        "tags": list(a.tags),
    }


def tag_refs(tagged: Iterable[tuple[int, list[str]]]) -> list[tuple[str, list[int]]]:
    """Each value (most used first) with the numbers of its articles, ascending, from (number,
    values) in rising number."""
    refs: dict[str, list[int]] = {}
    for number, tags in tagged:
        for tag in dict.fromkeys(t.strip() for t in tags if t):
            if tag:
                refs.setdefault(tag, []).append(number)
    return sorted(refs.items(), key=lambda x: (-len(x[1]), x[0]))


# The search page's filters besides the year: facet -> (list of [value, article count, file],
# files of the article numbers of consecutive values: one list per value). Values are packed
# into files of about FACET_FILE_NUMBERS numbers, so thousands of people with a few articles
# each make a few files, not thousands.
FACET_FILE_NUMBERS = 2000
FACETS = {"tag": ("tags.json", "tags/{n}.json"), "page": ("pages.json", "pages/{n}.json"),
          "person": ("people.json", "people/{n}.json")}


def facet_values(article: Article) -> dict[str, list[str]]:
    """What the filters know of an article: its tags, its 版面 (the page's name, else its
    section) and its people (named in it or in its byline)."""
    page = article.page_name or article.section
    return {"tag": list(article.tags), "page": [page] if page else [],
            "person": list(dict.fromkeys([*article.people, *byline_names(article)]))}


def year_ranges(docs: list[SearchDocument]) -> list[list[int]]:
    """[[year, first article number, article count], ...] in date order."""
    out: list[list[int]] = []
    for doc in docs:
        if doc.year is None:
            break
        if out and out[-1][0] == doc.year:
            out[-1][2] += 1
        else:
            out.append([doc.year, doc.number, 1])
    return out


def _manifest(version: str, shards: int, documents: int, years: list[list[int]]) -> dict:
    return {"format": FORMAT, "lunr": LUNR_VERSION, "version": version,
            "pipeline": [TRIMMER_LABEL], "fields": list(FIELDS), "refBase": REF_BASE,
            "shards": shards, "documents": documents, "boosts": BOOSTS,
            "shardPath": "index/{n}.json", "docPath": "docs/{ref}.json",
            "years": years, "tagsPath": "tags.json", "tagPath": "tags/{n}.json",
            "facets": {name: list(paths) for name, paths in FACETS.items()}}


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def version_of(shard_digests: list[bytes], record_digests: list[bytes]) -> str:
    """The manifest's version (search.js adds it to every URL so caches never mix two
    builds): a hash of every shard's and record's bytes, through their digests."""
    return hashlib.sha256(b"".join(shard_digests) + b"".join(record_digests)).hexdigest()[:16]


def facet_files(numbered: Iterable[tuple[int, Article]]) -> dict[str, bytes]:
    """Every facet's list and per-value files (FACETS), from (number, article) in rising
    number."""
    values = [(number, facet_values(a)) for number, a in numbered]
    files = {}
    for facet, (list_path, each_path) in FACETS.items():
        listing, packs = [], [[]]
        for value, numbers in tag_refs((number, v[facet]) for number, v in values):
            if packs[-1] and sum(map(len, packs[-1])) + len(numbers) > FACET_FILE_NUMBERS:
                packs.append([])
            packs[-1].append(numbers)
            listing.append([value, len(numbers), len(packs) - 1])
        files[list_path] = to_json(listing)
        for n, pack in enumerate(packs if listing else []):
            files[each_path.format(n=n)] = to_json(pack)
    return files


def is_facet_file(rel: str) -> bool:
    return any(rel == a or rel.startswith(b.split("{")[0]) for a, b in FACETS.values())


_code_version: str | None = None


def code_version() -> str:
    """A hash of the code the index's files are made of (this module, the tokenizer, the
    date formatting): the state in .cache/ is only used by the code that wrote it."""
    global _code_version
    if _code_version is None:
        from . import edtf, search_tokens
        h = hashlib.blake2b(digest_size=16)
        for module in (__file__, search_tokens.__file__, edtf.__file__):
            h.update(Path(module).read_bytes())
        _code_version = h.hexdigest()
    return _code_version


@dataclass
class StateChange:
    """What an index computation changes in .cache/search.sqlite, applied by `commit()` once
    its files are on disk (so the state always describes what output/ holds). Picklable: the
    dev server computes the index in another process and commits in its own."""

    path: str
    replace_with: str | None = None  # a full build: the new state, complete, in this file
    meta: dict[str, str] = field(default_factory=dict)
    docs: list[tuple[int, str, bytes, str, str]] = field(default_factory=list)
    texts: list[tuple[int, str, str]] = field(default_factory=list)
    shards: list[tuple[int, bytes]] = field(default_factory=list)
    files: dict[str, tuple[bytes, int]] = field(default_factory=dict)
    gone: list[str] = field(default_factory=list)

    def commit(self) -> None:
        if self.replace_with is not None:
            os.replace(self.replace_with, self.path)
            return
        db = sqlite3.connect(self.path)
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", self.meta.items())
                db.executemany("INSERT OR REPLACE INTO docs VALUES (?, ?, ?, ?, ?)", self.docs)
                db.executemany("INSERT OR REPLACE INTO texts VALUES (?, ?, ?)", self.texts)
                db.executemany("INSERT OR REPLACE INTO shards VALUES (?, ?)", self.shards)
                db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?)",
                               ((rel, d, size) for rel, (d, size) in self.files.items()))
                db.executemany("DELETE FROM files WHERE rel = ?", ((rel,) for rel in self.gone))
        finally:
            db.close()

    def discard(self) -> None:
        if self.replace_with is not None:
            try:
                os.unlink(self.replace_with)
            except OSError:
                pass


# docs: per article what decides whether an update can stay local (small rows, read whole on
# every update); texts: its indexed texts (read only for edited articles, to find the terms an
# edit removed).
_SCHEMA = ("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
           "CREATE TABLE docs (number INTEGER PRIMARY KEY, id TEXT, inputs BLOB, dates TEXT, "
           "tags TEXT)",
           "CREATE TABLE texts (number INTEGER PRIMARY KEY, title TEXT, body TEXT)",
           "CREATE TABLE shards (n INTEGER PRIMARY KEY, postings BLOB)",
           "CREATE TABLE files (rel TEXT PRIMARY KEY, digest BLOB, size INTEGER)")


def _tags_text(article: Article) -> str:
    """An article's facet values as the state keeps them (an edit of them rewrites the facet
    files)."""
    return json.dumps(facet_values(article), ensure_ascii=False, sort_keys=True)


def _state_meta(base_url: str, documents: int) -> dict[str, str]:
    """What the whole state is keyed by: an update in place needs all of it unchanged."""
    return {"format": str(FORMAT), "tokenizer": str(TOKENIZER_VERSION), "code": code_version(),
            "base": base_url, "documents": str(documents)}


def remove_stale_states(state_path: Path) -> None:
    """Temporary states left by builds that were killed before committing (named after their
    process; a live process's file is left alone)."""
    for tmp in state_path.parent.glob(f"{state_path.name}.tmp-*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            try:
                tmp.unlink()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@dataclass
class IndexUpdate:
    """Files of search/ (None: the bytes on disk are already these), the report, and the
    state change to commit once the files are written."""

    files: dict[str, bytes | None]
    report: SearchIndexReport
    change: StateChange | None = None


def full_index(docs: list[SearchDocument], records: list[bytes], report: SearchIndexReport,
               shard_count: int | None = None, write_unsplit: bool = False,
               state_path: Path | None = None, base_url: str = "") -> IndexUpdate:
    """Every file, computed from the articles; with `state_path`, the state for updates in
    place is written beside it (committed by the returned change)."""
    if not docs:
        files = {"manifest.json": to_json(_manifest("empty", 0, 0, [])), **facet_files([])}
        report.files = len(files)
        return IndexUpdate(dict(files), report, None)
    with _gc_paused():
        return _full_index(docs, records, report, shard_count, write_unsplit, state_path, base_url)


@contextlib.contextmanager
def _gc_paused():
    """Millions of postings lists and strings, none in a cycle: the cyclic collector would
    only walk them over and over (about 1 s of a 10k build)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _full_index(docs, records, report, shard_count, write_unsplit, state_path, base_url) -> IndexUpdate:
    refs = [doc.ref for doc in docs]
    with_blobs = state_path is not None
    built = None
    if shard_count is None and not write_unsplit and _can_fork(len(docs)):
        built = _parallel_shards(docs, refs, with_blobs)
    files: dict[str, bytes | None] = {}
    if built is None:
        everything, postings = _collect(docs)
        terms = len(everything)
        count = shard_count or choose_shard_count(terms, postings)
        shards = split_shards(everything, count)
        del everything
        weights = WeightTable(len(docs))
        if write_unsplit:
            files["unsplit.json"] = unsplit_index(shards, refs, weights)
        built = _serialise_part(shards, range(count), refs, weights, count, with_blobs)
    else:
        count, terms, postings, built = built
    db = tmp = None
    if state_path is not None:
        state_path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_states(state_path)
        tmp = f"{state_path}.tmp-{os.getpid()}"
        if os.path.exists(tmp):
            os.unlink(tmp)
        db = sqlite3.connect(tmp)
        for statement in _SCHEMA:
            db.execute(statement)
        db.executemany("INSERT INTO shards VALUES (?, ?)", ((n, b) for n, _, _, b in built))
    shard_digests = [d for _, _, d, _ in built]
    sizes = [len(data) for _, data, _, _ in built]
    for n, data, _, _ in built:
        files[f"index/{n}.json"] = data
    del built
    record_digests = [digest(r) for r in records]
    version = version_of(shard_digests, record_digests)
    years = year_ranges(docs)
    files["manifest.json"] = to_json(_manifest(version, count, len(docs), years))
    files.update(facet_files((d.number, d.article) for d in docs))
    for doc, data in zip(docs, records):
        files[f"docs/{doc.ref}.json"] = data
    report.documents = len(docs)
    report.terms = terms
    report.postings = postings
    report.shards = count
    report.shards_written = count
    report.index_bytes = sum(sizes)
    report.largest_shard_bytes = max(sizes)
    report.doc_bytes = sum(map(len, records))
    report.files = len(files)
    report.version = version
    change = None
    if db is not None:
        meta = {**_state_meta(base_url, len(docs)), "shards": str(count), "terms": str(terms),
                "postings": str(postings), "years": json.dumps(years)}
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?)",
                       ((d.number, d.article.id, record_inputs(d.article, d.url),
                         date_inputs(d.article), _tags_text(d.article)) for d in docs))
        db.executemany("INSERT INTO texts VALUES (?, ?, ?)",
                       ((d.number, d.title_text, d.body_text) for d in docs))
        db.executemany("INSERT INTO files VALUES (?, ?, ?)",
                       ((rel, digest(data), len(data)) for rel, data in files.items()
                        if rel != "unsplit.json"))
        db.commit()
        db.close()
        change = StateChange(str(state_path), replace_with=tmp)
    return IndexUpdate(files, report, change)


class _NotLocal(Exception):
    """The index cannot be updated in place (a full build follows); `corrupt`: because the
    state file is damaged (it is replaced by the full build's)."""

    def __init__(self, reason: str, corrupt: bool = False):
        super().__init__(reason)
        self.corrupt = corrupt


def local_update(articles: list[Article], base_url: str, article_url: Callable[[Article], str],
                 state_path: Path, on_disk: dict[str, int], unchanged: Collection[str] = ()) -> IndexUpdate:
    """The index updated in place from the state: only the articles whose record inputs
    changed are looked at, and only shards whose raw postings changed are serialised.
    Raises _NotLocal when that cannot give the full build's bytes (articles added, removed
    or re-dated, another shard count, another code version). `on_disk` (files of search/ ->
    size) must be empty unless the manifest on disk is the one the state describes."""
    if not state_path.is_file():
        raise _NotLocal("no state")
    db = sqlite3.connect(f"file:{state_path}?mode=ro", uri=True)
    try:
        return _local_update(db, articles, base_url, article_url, state_path, on_disk, unchanged)
    except sqlite3.OperationalError as exc:  # e.g. another schema: an older state
        raise _NotLocal(str(exc))
    except sqlite3.DatabaseError as exc:  # not a database, or a malformed one
        raise _NotLocal(str(exc), corrupt=True)
    finally:
        db.close()


@dataclass
class _Edited:
    doc: SearchDocument
    record: bytes
    tags_changed: bool
    old_texts: tuple[str, str] | None  # None: the indexed texts are unchanged


def _match_articles(db, articles, base_url, article_url, unchanged: Collection[str] = ()
                    ) -> tuple[list[Article], list[_Edited]]:
    """The articles by number, and those whose record inputs changed. Raises _NotLocal
    unless the articles are the state's, with unchanged dates (so the same numbers).
    `unchanged`: ids the caller knows to have the state's record inputs (their content is
    what the state was computed from): not hashed again, nor read beyond their id."""
    stored = {}
    for number, id_, inputs, dates, tags in db.execute("SELECT number, id, inputs, dates, tags FROM docs"):
        stored[id_] = (number, inputs, dates, tags)
    if len(stored) != len(articles):
        raise _NotLocal("other articles")
    by_number: list[Article | None] = [None] * len(articles)
    edited: list[tuple[int, Article, str, str]] = []
    for a in articles:
        known = stored.get(a.id)
        if known is None:
            raise _NotLocal("other articles")
        number, inputs, dates, tags = known
        if by_number[number] is not None:
            raise _NotLocal("an id twice")
        by_number[number] = a
        if a.id in unchanged:
            continue
        url = full_url(article_url(a), base_url)
        if record_inputs(a, url) != inputs:
            if date_inputs(a) != dates:
                raise _NotLocal("re-dated")  # its number may change
            edited.append((number, a, url, tags))
    out = []
    for number, a, url, tags in edited:
        doc = make_document(number, a, url, article_year(a))
        row = db.execute("SELECT title, body FROM texts WHERE number = ?", (number,)).fetchone()
        old = None if row is not None and tuple(row) == (doc.title_text, doc.body_text) else \
            (tuple(row) if row is not None else ("", ""))
        out.append(_Edited(doc, to_json(document_record(doc)), _tags_text(a) != tags, old))
    return by_number, out


def _local_update(db, articles, base_url, article_url, state_path, on_disk, unchanged=()) -> IndexUpdate:
    meta = dict(db.execute("SELECT key, value FROM meta"))
    if any(meta.get(k) != v for k, v in _state_meta(base_url, len(articles)).items()):
        raise _NotLocal("another build")
    by_number, edited = _match_articles(db, articles, base_url, article_url, unchanged)
    count = int(meta["shards"])
    known_files = {rel: (d, size) for rel, d, size in db.execute("SELECT rel, digest, size FROM files")}
    # the changes of each term's postings: term -> {number: (title tf, body tf)}
    deltas: dict[str, dict[int, tuple[int, int]]] = {}
    for e in edited:
        if e.old_texts is None:
            continue
        old = terms_of(*e.old_texts)
        new = document_terms(e.doc)
        for term in set(old.title) | set(old.body) | set(new.title) | set(new.body):
            was = (old.title.get(term, 0), old.body.get(term, 0))
            now = (new.title.get(term, 0), new.body.get(term, 0))
            if was != now:
                deltas.setdefault(term, {})[e.doc.number] = now
    by_shard: dict[int, list[str]] = {}
    for term in deltas:
        by_shard.setdefault(shard_of_key(term[:2], count), []).append(term)
    terms, postings = int(meta["terms"]), int(meta["postings"])
    new_shards: dict[int, Postings] = {}
    for n, shard_terms in sorted(by_shard.items()):
        row = db.execute("SELECT postings FROM shards WHERE n = ?", (n,)).fetchone()
        if row is None:
            raise _NotLocal(f"shard {n} missing")
        shard = marshal.loads(row[0])
        for term in shard_terms:
            flat = shard.get(term, [])
            before = document_frequency(flat)
            for number, (tt, tb) in deltas[term].items():
                flat = _set_entry(flat, number, tt, tb)
            after = document_frequency(flat)
            postings += after - before
            terms += bool(after) - bool(before)
            if flat:
                shard[term] = flat
            else:
                shard.pop(term, None)
        new_shards[n] = shard
    if choose_shard_count(terms, postings) != count:
        raise _NotLocal("the shard count changes")
    refs = [to_base36(n) for n in range(len(articles))]
    weights = WeightTable(len(articles))
    computed: dict[str, bytes] = {}
    for n, shard in new_shards.items():
        computed[f"index/{n}.json"] = serialise_shard(shard)
    for e in edited:
        computed[f"docs/{e.doc.ref}.json"] = e.record
    new_digests = {rel: digest(data) for rel, data in computed.items()}

    def known_digest(rel: str) -> bytes:
        d = new_digests.get(rel) or known_files.get(rel, (None,))[0]
        if d is None:
            raise _NotLocal(f"{rel} unknown")
        return d

    version = version_of([known_digest(f"index/{n}.json") for n in range(count)],
                         [known_digest(f"docs/{ref}.json") for ref in refs])
    computed["manifest.json"] = to_json(_manifest(version, count, len(articles),
                                                  json.loads(meta["years"])))
    tagged = lambda: enumerate(by_number)  # noqa: E731
    if any(e.tags_changed for e in edited):
        computed.update(facet_files(tagged()))
    change = StateChange(str(state_path), meta={"terms": str(terms), "postings": str(postings)},
                         docs=[(e.doc.number, e.doc.article.id, record_inputs(e.doc.article, e.doc.url),
                                date_inputs(e.doc.article), _tags_text(e.doc.article)) for e in edited],
                         texts=[(e.doc.number, e.doc.title_text, e.doc.body_text)
                                for e in edited if e.old_texts is not None],
                         shards=[(n, blob(s)) for n, s in new_shards.items()])
    files: dict[str, bytes | None] = {}
    for rel, data in computed.items():
        d = new_digests.get(rel) or digest(data)
        if known_files.get(rel) != (d, len(data)):
            change.files[rel] = (d, len(data))
        files[rel] = None if known_files.get(rel) == (d, len(data)) and on_disk.get(rel) == len(data) else data
    retagged = any(is_facet_file(rel) for rel in computed)
    unchanged_tags: dict[str, bytes] | None = None
    for rel, (d, size) in known_files.items():
        if rel in computed:
            continue
        if retagged and is_facet_file(rel):
            change.gone.append(rel)  # fewer values than before
        elif on_disk.get(rel) == size:
            files[rel] = None
        elif rel.startswith("index/"):  # missing on disk: its bytes again, from the state
            row = db.execute("SELECT postings FROM shards WHERE n = ?", (int(rel[6:-5]),)).fetchone()
            files[rel] = serialise_shard(marshal.loads(row[0]))
        elif rel.startswith("docs/"):
            number = int(rel[5:-5], REF_BASE)
            a = by_number[number]
            doc = make_document(number, a, full_url(article_url(a), base_url), article_year(a))
            files[rel] = to_json(document_record(doc))
        else:  # facet files
            if unchanged_tags is None:
                unchanged_tags = facet_files(tagged())
            files[rel] = unchanged_tags[rel]
    sizes = [(change.files.get(f"index/{n}.json") or known_files[f"index/{n}.json"])[1]
             for n in range(count)]
    report = SearchIndexReport()
    report.documents = len(articles)
    report.terms = terms
    report.postings = postings
    report.shards = count
    report.shards_written = len(new_shards)
    report.index_bytes = sum(sizes)
    report.largest_shard_bytes = max(sizes)
    report.doc_bytes = sum((change.files.get(f"docs/{ref}.json") or known_files[f"docs/{ref}.json"])[1]
                           for ref in refs)
    report.files = len(files)
    report.version = version
    report.cached = True
    return IndexUpdate(files, report, change)


def _set_entry(flat: list[int], number: int, title_tf: int, body_tf: int) -> list[int]:
    """A term's raw postings with article `number`'s entry set (removed when both are 0),
    keeping rising number order."""
    numbers = flat[0::3]
    at = bisect.bisect_left(numbers, number)
    present = at < len(numbers) and numbers[at] == number
    entry = [number, title_tf, body_tf] if title_tf or body_tf else []
    return flat[:3 * at] + entry + flat[3 * (at + present):]


def prepare(articles: list[Article], base_url: str, article_url: Callable[[Article], str]
            ) -> tuple[list[SearchDocument], list[bytes]]:
    docs = prepare_documents(articles, base_url, article_url)
    return docs, [to_json(document_record(d)) for d in docs]


def write_search_index(articles: list[Article], out_dir: Path, base_url: str,
                       article_url: Callable[[Article], str], *, shard_count: int | None = None,
                       write_unsplit: bool = False,
                       cache_dir: Path | None = None) -> SearchIndexReport:
    """Write out_dir/search/ (see the module doc and `search_index_files`)."""
    files, report = search_index_files(articles, base_url, article_url, shard_count=shard_count,
                                       write_unsplit=write_unsplit, cache_dir=cache_dir)
    root = Path(out_dir) / "search"
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return report


STATE_FILE = "search.sqlite"


def search_index_files(articles: list[Article], base_url: str,
                       article_url: Callable[[Article], str], *, shard_count: int | None = None,
                       write_unsplit: bool = False, cache_dir: Path | None = None,
                       ) -> tuple[dict[str, bytes], SearchIndexReport]:
    """The files of search/ as {name: bytes}. `article_url(article)` is the article page's
    URL, either absolute ("/archive/2021/...") or relative to base_url. `shard_count`
    overrides the automatic choice; `write_unsplit` also gives unsplit.json (the whole index
    as one lunr index; for tests). With `cache_dir`, the state kept there is used to update
    the index in place (and brought up to date): the bytes are the same either way."""
    started = time.perf_counter()
    state = Path(cache_dir) / STATE_FILE if cache_dir is not None and shard_count is None \
        and not write_unsplit else None
    update = index_update(articles, base_url, article_url, state, None, shard_count=shard_count,
                          write_unsplit=write_unsplit)
    if update.change is not None:
        update.change.commit()
    update.report.seconds = time.perf_counter() - started
    return update.files, update.report


def index_update(articles: list[Article], base_url: str, article_url: Callable[[Article], str],
                 state_path: Path | None, on_disk: dict[str, int] | None, *,
                 shard_count: int | None = None, write_unsplit: bool = False,
                 unchanged: Collection[str] = ()) -> IndexUpdate:
    """The index for `articles`: in place from the state at `state_path` when it can be (see
    the module doc), else in full. `on_disk` maps the files of search/ on disk to their sizes;
    a file whose bytes the state says are already there comes back as None. None: nothing is
    known on disk, every file comes back with its bytes."""
    started = time.perf_counter()
    update = None
    report = SearchIndexReport()
    if state_path is not None and articles:
        try:
            update = local_update(articles, base_url, article_url, state_path, on_disk or {}, unchanged)
        except _NotLocal as exc:
            if exc.corrupt:
                report.diagnostics.append(Diagnostic(
                    str(state_path), f"search index state is damaged ({exc}): discarded; the index "
                    "is rebuilt in full and the state written again (nothing to do)", severity="warning"))
    if update is None:
        docs, records = prepare(articles, base_url, article_url)
        update = full_index(docs, records, report, shard_count, write_unsplit, state_path, base_url)
    update.report.seconds = time.perf_counter() - started
    return update


def search_sizes(out_dir: Path) -> dict[str, int]:
    """Files under out_dir/search/ -> size, relative to search/."""
    root = Path(out_dir) / "search"
    out: dict[str, int] = {}
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append((entry.path, prefix + entry.name + "/"))
            elif entry.is_file(follow_symlinks=False):
                out[prefix + entry.name] = entry.stat(follow_symlinks=False).st_size
    return out


class SearchExtra:
    """The site build's hook. Called (the plain extras protocol of site.full_build): every
    file of the search index under search/. `update` (the incremental builder's protocol):
    the index updated in place from .cache/search.sqlite, files whose bytes are already on
    disk as None, and the state change to commit once the files are written."""

    def __repr__(self) -> str:  # stable: the incremental builder hashes it into its key
        return "SearchExtra()"

    def __call__(self, articles: list[Article], config) -> Iterable[tuple[str, bytes]]:
        files, _ = search_index_files(articles, config.base_url, _article_url)
        for name, data in sorted(files.items()):
            yield f"search/{name}", data

    def update(self, articles: list[Article], config, unchanged: Collection[str] = ()) -> IndexUpdate:
        out = Path(config.path("output_dir"))
        on_disk = search_sizes(out)
        state = Path(config.root) / ".cache" / STATE_FILE
        if not _disk_matches_state(out / "search" / "manifest.json", state):
            on_disk = {}  # written by something else (a build without the cache): unknown
        update = index_update(articles, config.base_url, _article_url, state, on_disk, unchanged=unchanged)
        update.files = {f"search/{rel}": data for rel, data in sorted(update.files.items())}
        return update


    def state_token(self, config) -> bytes | None:
        """What identifies the state in .cache/ (its manifest's digest; the manifest's version
        hashes every shard and record): the incremental builder records it with the articles
        it committed the index for, and passes `unchanged` to `update` while it still holds."""
        try:
            db = sqlite3.connect(f"file:{Path(config.root) / '.cache' / STATE_FILE}?mode=ro", uri=True)
            try:
                row = db.execute("SELECT digest FROM files WHERE rel = 'manifest.json'").fetchone()
            finally:
                db.close()
        except sqlite3.Error:
            return None
        return bytes(row[0]) if row is not None else None


def _disk_matches_state(manifest: Path, state: Path) -> bool:
    """Is the manifest on disk the one the state recorded? (Its version hashes every shard
    and record, so the rest of search/ is what the state says, up to files removed.)"""
    try:
        data = manifest.read_bytes()
        db = sqlite3.connect(f"file:{state}?mode=ro", uri=True)
        try:
            row = db.execute("SELECT digest FROM files WHERE rel = 'manifest.json'").fetchone()
        finally:
            db.close()
    except (OSError, sqlite3.Error):
        return False
    return row is not None and row[0] == digest(data)


def _article_url(article: Article) -> str:
    return f"a/{article.id}/"


search_extra = SearchExtra()
