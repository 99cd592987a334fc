"""The search index: one lunr index (lunr 2.3.9's BM25, computed here) over all articles, cut
by term into shards.

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
index much smaller. Term indices are given in order of falling document frequency, so the
commonest terms, which fill most vector slices, have the shortest numbers.

The index is computed directly rather than through lunr.py's Builder (which took most of the
build time), with exactly its formulas: idf = log(1 + |(N - df + 0.5) / (df + 0.5)|) where df
counts (document, field) postings, BM25 with k1 = 1.2 and b = 0.75 against each field's
average length, times the field boost, rounded to 3 decimals. tests/test_search_split.py
checks that the weights and postings equal lunr.py's.

Why splitting is exact: lunr scores a document as sum over fields of dot(query, field vector)
divided by the query vector's length. The field vector weights (BM25 with idf over all
documents and field lengths over whole documents) are computed once over the whole corpus, and
a shard keeps them as they are. search.js merges the slices of the shards a query needs into
one lunr.Index and runs lunr's own query on it; terms absent from those slices are absent from
the query too, so every dot product, and so every score, equals the unsplit one. For speed,
search.js normally computes that same query itself (the same operations in the same order,
walking only the postings of the query's terms, with lunr's tie order) and keeps lunr's query
as the reference; tests/test_search_fast.py checks that both give identical results.
"""
from __future__ import annotations

import hashlib
import json
import math
import pickle
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterable

from .edtf import format_zh, parse_edtf
from .model import Article, Diagnostic
from .search_tokens import TOKENIZER_VERSION, TRIMMER_LABEL, text_terms, utf16_key

LUNR_VERSION = "2.3.9"
FORMAT = 2
FIELDS = ("t", "b")  # title (kicker, title, subtitle) and body
TITLE_BOOST = 5
BOOSTS = {"t": TITLE_BOOST, "b": 1}
K1 = 1.2  # lunr's BM25 defaults
B = 0.75
REF_BASE = 36
# Aim for shards of about this many serialised bytes (~1/3 of it gzipped); a small archive
# gets one shard.
TARGET_SHARD_BYTES = 48_000
# Below this estimated total a single shard is cheaper than several requests (the sample
# archive is one small part).
SINGLE_SHARD_BYTES = 400_000
BYTES_PER_TERM = 40  # measured averages of the serialised form
BYTES_PER_POSTING = 22


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
    cached: bool = False
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        return (f"search: {self.documents} articles, {self.terms} terms in {self.shards} "
                f"shard(s) ({self.index_bytes / 1e6:.1f} MB, largest "
                f"{self.largest_shard_bytes / 1e3:.0f} kB), {self.seconds:.1f} s"
                + (" (unchanged, reused)" if self.cached else ""))


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


@dataclass
class DocTerms:
    """One article's terms: frequency per term (in text order) and length, per field."""

    title: dict[str, int]
    body: dict[str, int]
    title_length: int
    body_length: int


@dataclass
class TermTable:
    """Every term with its global statistics, numbered by falling document frequency."""

    terms: list[str]  # by term index
    info: dict[str, tuple[int, int, float]]  # term -> (term index, shard, idf)
    average_length: dict[str, float]  # per field
    postings: int
    shard_count: int = 1


def plain_text(markdown: str) -> str:
    """Body Markdown as readable plain text for snippets: markup removed, paragraphs kept."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", "", text, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    text = re.sub(r"\n{2,}", "\n", text)
    return text.strip()


def article_year(article: Article) -> int | None:
    d = parse_edtf(article.date)
    if d is not None and d.year is not None:
        return d.year
    if article.published and article.published[:4].isdigit():
        return int(article.published[:4])
    return None


def title_text(article: Article) -> str:
    return "\n".join(x for x in (article.kicker, article.title, article.subtitle) if x)


def _date_order(article: Article) -> tuple:
    year = article_year(article)
    d = parse_edtf(article.date)
    return (year is None, year or 0, d.sort_key() if d is not None and year else (0, 0, 0),
            article.id)


def to_base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, REF_BASE)
        out = digits[r] + out
        if not n:
            return out


def prepare_documents(articles: Iterable[Article], base_url: str,
                      article_url: Callable[[Article], str]) -> list[SearchDocument]:
    """Articles in date order (unknown years last, then by id) with short refs: the order
    makes refs and files stable, and a year a range of article numbers."""
    docs = []
    for n, a in enumerate(sorted(articles, key=_date_order)):
        url = article_url(a)
        if not re.match(r"^([a-z]+:)?/", url):
            url = base_url.rstrip("/") + "/" + url
        docs.append(SearchDocument(n, to_base36(n), a, url, article_year(a), title_text(a),
                                   plain_text(a.body or "")))
    return docs


# Terms of texts seen before in this process (serve's rebuilds), by text digest.
_terms_memo: dict[bytes, DocTerms] = {}


def document_terms(doc: SearchDocument) -> DocTerms:
    title = text_terms(doc.title_text)
    body = text_terms(doc.body_text)
    return DocTerms(Counter(title), Counter(body), len(title), len(body))


def all_document_terms(docs: list[SearchDocument]) -> list[DocTerms]:
    """Terms of every document, reusing those of unchanged texts from the previous call."""
    global _terms_memo
    memo: dict[bytes, DocTerms] = {}
    out = []
    for doc in docs:
        key = hashlib.blake2b(f"{TOKENIZER_VERSION}\0{doc.title_text}\0{doc.body_text}".encode(),
                              digest_size=16).digest()
        terms = _terms_memo.get(key) or memo.get(key) or document_terms(doc)
        memo[key] = terms
        out.append(terms)
    _terms_memo = memo
    return out


def term_table(doc_terms: list[DocTerms]) -> TermTable:
    """Document frequencies (lunr counts a document once per field holding the term), idf,
    term numbers and average field lengths."""
    df: Counter = Counter()
    for dt in doc_terms:
        df.update(dt.title.keys())
        df.update(dt.body.keys())
    # falling frequency; ties keep first occurrence in date order, so numbers are stable
    ranked = sorted(df.items(), key=itemgetter(1), reverse=True)
    n = len(doc_terms)
    idf_of = {d: math.log(1 + abs((n - d + 0.5) / (d + 0.5))) for d in set(df.values())}
    # lunr divides the sum of the field lengths by the number of documents
    average = {"t": sum(dt.title_length for dt in doc_terms) / n,
               "b": sum(dt.body_length for dt in doc_terms) / n}
    return TermTable([t for t, _ in ranked],
                     {t: (i, 0, idf_of[d]) for i, (t, d) in enumerate(ranked)},
                     average, sum(df.values()))


def assign_shards(table: TermTable, shard_count: int) -> None:
    """Put each term's shard (search_tokens.shard_of, inlined for speed) into its info."""
    info = table.info
    for term, (i, _, idf) in info.items():
        h = 0x811C9DC5
        for ch in term[:2]:
            h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
        info[term] = (i, h % shard_count, idf)
    table.shard_count = shard_count


def field_weights(counts: dict[str, int], length: int, field_name: str,
                  table: TermTable) -> dict[str, float]:
    """Weight of each term of one field of one document, exactly as lunr.py's
    Builder._create_field_vectors computes it (operation for operation, so the rounding
    agrees)."""
    info = table.info
    boost = BOOSTS[field_name]
    norm = K1 * (1 - B + B * (length / table.average_length[field_name]))
    k1_plus_1 = K1 + 1
    return {term: round(info[term][2] * (k1_plus_1 * tf) / (norm + tf) * boost, 3)
            for term, tf in counts.items()}


_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@dataclass
class ShardText:
    """The serialised pieces of one shard, joined at the end."""

    terms: list[int] = field(default_factory=list)
    vectors: list[str] = field(default_factory=list)


def serialise_shards(docs: list[SearchDocument], doc_terms: list[DocTerms],
                     table: TermTable) -> list[bytes]:
    """Every shard as lunr 2.3.9 serialised JSON. Written by hand, one posting at a time
    (terms are letters and digits and refs base-36 digits, so nothing needs escaping):
    building lists for json.dumps cost three times as much."""
    shard_count = table.shard_count
    info = table.info
    shards = [ShardText() for _ in range(shard_count)]
    for i, term in enumerate(table.terms):
        shards[info[term][1]].terms.append(i)
    title_postings: list[list[str]] = [[] for _ in table.terms]
    body_postings: list[list[str]] = [[] for _ in table.terms]
    k1_plus_1 = K1 + 1
    for doc, dt in zip(docs, doc_terms):
        for field_name, counts, length, postings in (
                ("t", dt.title, dt.title_length, title_postings),
                ("b", dt.body, dt.body_length, body_postings)):
            posting = f'"{doc.ref}":{{}}'
            boost = BOOSTS[field_name]
            norm = K1 * (1 - B + B * (length / table.average_length[field_name]))
            groups: dict[int, list] = {}
            for term, tf in counts.items():
                # the weight exactly as field_weights (lunr.py) computes it, inlined for speed
                i, s, idf = info[term]
                weight = round(idf * (k1_plus_1 * tf) / (norm + tf) * boost, 3)
                postings[i].append(posting)
                group = groups.get(s)
                if group is None:
                    groups[s] = [(i, weight)]
                else:
                    group.append((i, weight))
            field_ref = f'["{field_name}/{doc.ref}",['
            if shard_count == 1 and not groups:
                groups[0] = []  # lunr keeps empty field vectors
            for s, group in groups.items():
                if len(group) == 1:
                    i, weight = group[0]
                    shards[s].vectors.append(f"{field_ref}{i},{weight!r}]]")
                else:
                    group.sort()
                    shards[s].vectors.append(
                        field_ref + ",".join(f"{i},{weight!r}" for i, weight in group) + "]]")
    out = []
    for shard in shards:
        terms = sorted(shard.terms, key=table.terms.__getitem__)
        if _ASTRAL.search("".join(table.terms[i] for i in terms)):
            terms.sort(key=lambda i: utf16_key(table.terms[i]))  # JavaScript's string order
        inverted = ",".join(
            f'["{table.terms[i]}",{{"_index":{i},"t":{{{",".join(title_postings[i])}}},'
            f'"b":{{{",".join(body_postings[i])}}}}}]' for i in terms)
        out.append((f'{{"version":"{LUNR_VERSION}","fields":["t","b"],'
                    f'"fieldVectors":[{",".join(shard.vectors)}],'
                    f'"invertedIndex":[{inverted}],"pipeline":["{TRIMMER_LABEL}"]}}').encode())
    return out


def choose_shard_count(terms: int, postings: int) -> int:
    estimate = terms * BYTES_PER_TERM + postings * BYTES_PER_POSTING
    if estimate <= SINGLE_SHARD_BYTES:
        return 1
    return math.ceil(estimate / TARGET_SHARD_BYTES)


def to_json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def document_record(doc: SearchDocument) -> dict:
    a = doc.article
    return {
        "id": a.id, "url": doc.url, "title": a.title, "kicker": a.kicker,
        "subtitle": a.subtitle, "date": format_zh(a.date), "year": doc.year,
        "page": a.page, "pageName": a.page_name, "newspaper": a.newspaper,
        "tags": list(a.tags), "text": doc.body_text,
    }


def tag_refs(docs: list[SearchDocument]) -> list[tuple[str, list[int]]]:
    """Each tag (most used first) with the numbers of its articles, ascending."""
    refs: dict[str, list[int]] = {}
    for doc in docs:
        for tag in dict.fromkeys(t.strip() for t in doc.article.tags):
            if tag:
                refs.setdefault(tag, []).append(doc.number)
    return sorted(refs.items(), key=lambda x: (-len(x[1]), x[0]))


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


def _manifest(version: str, shards: int, docs: list[SearchDocument]) -> dict:
    return {"format": FORMAT, "lunr": LUNR_VERSION, "version": version,
            "pipeline": [TRIMMER_LABEL], "fields": list(FIELDS), "refBase": REF_BASE,
            "shards": shards, "documents": len(docs),
            "shardPath": "index/{n}.json", "docPath": "docs/{ref}.json",
            "years": year_ranges(docs), "tagsPath": "tags.json", "tagPath": "tags/{n}.json"}


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


def search_index_files(articles: list[Article], base_url: str,
                       article_url: Callable[[Article], str], *, shard_count: int | None = None,
                       write_unsplit: bool = False, cache_dir: Path | None = None,
                       ) -> tuple[dict[str, bytes], SearchIndexReport]:
    """The files of search/ as {name: bytes}. `article_url(article)` is the article page's
    URL, either absolute ("/archive/2021/...") or relative to base_url. `shard_count`
    overrides the automatic choice; `write_unsplit` also gives unsplit.json (the whole index
    as one lunr index; for tests). With `cache_dir`, the files of the last build are kept
    there and reused when no indexed text or result record changed."""
    started = time.perf_counter()
    report = SearchIndexReport()
    docs = prepare_documents(articles, base_url, article_url)
    records = [to_json(document_record(d)) for d in docs]
    inputs = hashlib.sha256(repr((FORMAT, TOKENIZER_VERSION, shard_count, write_unsplit,
                                  [d.title_text for d in docs])).encode())
    for data in records:
        inputs.update(data)
    cached = _read_cache(cache_dir, inputs.hexdigest())
    if cached is not None:
        files, report = cached
        report.cached = True
    else:
        files = _index_files(docs, records, shard_count, write_unsplit, report)
        _write_cache(cache_dir, inputs.hexdigest(), files, report)
    report.seconds = time.perf_counter() - started
    return files, report


def _index_files(docs: list[SearchDocument], records: list[bytes], shard_count: int | None,
                 write_unsplit: bool, report: SearchIndexReport) -> dict[str, bytes]:
    if not docs:
        files = {"manifest.json": to_json(_manifest("empty", 0, docs)), "tags.json": b"[]"}
        report.files = len(files)
        return files
    doc_terms = all_document_terms(docs)
    table = term_table(doc_terms)
    count = shard_count or choose_shard_count(len(table.terms), table.postings)
    if write_unsplit:
        assign_shards(table, 1)
        unsplit = serialise_shards(docs, doc_terms, table)[0]
    assign_shards(table, count)
    shards = serialise_shards(docs, doc_terms, table)
    version = hashlib.sha256(b"".join(shards) + b"".join(records)).hexdigest()[:16]
    tags = tag_refs(docs)
    files: dict[str, bytes] = {"manifest.json": to_json(_manifest(version, count, docs)),
                               "tags.json": to_json([[t, len(r)] for t, r in tags])}
    for n, (_, numbers) in enumerate(tags):
        files[f"tags/{n}.json"] = to_json(numbers)
    for n, data in enumerate(shards):
        files[f"index/{n}.json"] = data
    for doc, data in zip(docs, records):
        files[f"docs/{doc.ref}.json"] = data
    if write_unsplit:
        files["unsplit.json"] = unsplit
    report.documents = len(docs)
    report.terms = len(table.terms)
    report.postings = table.postings
    report.shards = count
    report.index_bytes = sum(map(len, shards))
    report.largest_shard_bytes = max(map(len, shards))
    report.doc_bytes = sum(map(len, records))
    report.files = len(files)
    report.version = version
    return files


CACHE_FILE = "search-index.pickle"


def _read_cache(cache_dir: Path | None, key: str):
    """The files and report of the last build if its inputs had this key (one file: the
    index of an unchanged archive is read back in a fraction of a second)."""
    if cache_dir is None:
        return None
    try:
        with open(Path(cache_dir) / CACHE_FILE, "rb") as f:
            if pickle.load(f) != key:
                return None
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
        return None


def _write_cache(cache_dir: Path | None, key: str, files: dict[str, bytes],
                 report: SearchIndexReport) -> None:
    if cache_dir is None:
        return
    path = Path(cache_dir) / CACHE_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(key, f, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump((files, report), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def search_extra(articles: list[Article], config) -> Iterable[tuple[str, bytes]]:
    """The site build's hook: the search index as output files under search/ (cached in
    the project's .cache/ folder)."""
    files, _ = search_index_files(articles, config.base_url, lambda a: f"a/{a.id}/",
                                  cache_dir=Path(config.root) / ".cache")
    for name, data in sorted(files.items()):
        yield f"search/{name}", data
