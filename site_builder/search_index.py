"""The search index: one lunr.py index over all articles, cut by term into shards.

Layout under <out>/search/ (all JSON, UTF-8, byte-identical for the same articles):
  manifest.json       shard count, fields, years, version hash (read first by search.js)
  tags.json           [[tag, article count], ...] for the tag filter; tags/<i>.json holds the
                      refs of the articles with tag i (filters need no index terms: refs are
                      numbered in date order, so a year is a range of refs given by
                      manifest "years")
  index/<n>.json      shard n: a complete, valid serialised lunr index (lunr.Index.load works)
                      holding the terms whose first two characters hash to n (shard_of), with
                      their postings and the matching slices of the documents' field vectors
  docs/<ref>.json     one article's id, url, title, date, page, tags and plain text, fetched
                      only when the article is shown in results

Why splitting is exact: lunr scores a document as sum over fields of dot(query, field vector)
divided by the query vector's length. The field vector weights (BM25 with idf over all
documents and field lengths over whole documents) are computed once by lunr.py over the whole
corpus, and a shard keeps them as they are. search.js merges the slices of the shards a query
needs into one lunr.Index and runs lunr's own query on it; terms absent from those slices are
absent from the query too, so every dot product, and so every score, equals the unsplit one.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from lunr.builder import Builder
from lunr.pipeline import Pipeline

from .edtf import format_zh, parse_edtf
from .model import Article, Diagnostic
from .search_tokens import TRIMMER_LABEL, Segmenter, shard_of, text_terms, trim_term, utf16_key

LUNR_VERSION = "2.3.9"
FORMAT = 1
TEXT_FIELDS = ("title", "body")
TITLE_BOOST = 5
# Aim for shards of about this many serialised bytes (~1/3 of it gzipped); a small archive
# gets one shard.
TARGET_SHARD_BYTES = 48_000
# Below this estimated total a single shard is cheaper than several requests (the sample
# archive is one small part).
SINGLE_SHARD_BYTES = 400_000
BYTES_PER_TERM = 60  # measured averages of the serialised form
BYTES_PER_POSTING = 20


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
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def summary(self) -> str:
        return (f"search: {self.documents} articles, {self.terms} terms in {self.shards} "
                f"shard(s) ({self.index_bytes / 1e6:.1f} MB, largest "
                f"{self.largest_shard_bytes / 1e3:.0f} kB), {self.seconds:.1f} s")


@dataclass
class SearchDocument:
    """What the index and the result list know about one article."""

    ref: str  # short lunr ref: the article's position in date order
    article: Article
    url: str
    year: int | None
    title_text: str
    body_text: str


@dataclass
class BuiltIndex:
    """lunr.py's inverted index and field vectors, before serialisation."""

    inverted_index: dict
    field_vectors: dict  # field ref -> lunr Vector
    fields: list[str]
    terms_by_index: list[str]


def trimmer(token, i=None, tokens=None):
    """Shared pipeline function (see search_tokens.TRIMMER_LABEL and search.js)."""
    text = trim_term(str(token))
    if not text:
        return None
    return token.update(lambda s, m=None: text)


Pipeline.register_function(trimmer, TRIMMER_LABEL)


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


def prepare_documents(articles: Iterable[Article], base_url: str,
                      article_url: Callable[[Article], str]) -> list[SearchDocument]:
    """Articles in date order (unknown years last, then by id) with short refs: the order
    makes refs and files stable, and a year a range of refs."""
    docs = []
    for n, a in enumerate(sorted(articles, key=_date_order)):
        url = article_url(a)
        if not re.match(r"^([a-z]+:)?/", url):
            url = base_url.rstrip("/") + "/" + url
        docs.append(SearchDocument(str(n), a, url, article_year(a), title_text(a),
                                   plain_text(a.body or "")))
    return docs


def _fast_add(builder: Builder, ref: str, field_terms: dict[str, list[str]]) -> None:
    """Builder.add for documents already cut into terms: the same bookkeeping as lunr.py's
    add (term frequencies, field lengths, inverted index, term indices), without its
    per-token Token objects, which cost most of the build time."""
    builder._documents[ref] = {}
    builder.document_count += 1
    for field_name in builder._fields:
        terms = [t for t in (trim_term(x) for x in field_terms.get(field_name, ())) if t]
        field_ref = f"{field_name}/{ref}"
        frequencies = Counter(terms)
        builder.field_term_frequencies[field_ref] = frequencies
        builder.field_lengths[field_ref] = len(terms)
        for term in frequencies:
            posting = builder.inverted_index.get(term)
            if posting is None:
                posting = {name: {} for name in builder._fields}
                posting["_index"] = builder.term_index
                builder.term_index += 1
                builder.inverted_index[term] = posting
            posting[field_name][ref] = {}


def document_terms(doc: SearchDocument, segmenter: Segmenter) -> dict[str, list[str]]:
    return {
        "title": text_terms(doc.title_text, segmenter),
        "body": text_terms(doc.body_text, segmenter),
    }


def build_index(docs: list[SearchDocument], segmenter: Segmenter) -> BuiltIndex:
    builder = Builder()
    builder.ref("ref")
    builder.pipeline.add(trimmer)
    builder.search_pipeline.add(trimmer)
    builder.field("title", boost=TITLE_BOOST)
    builder.field("body")
    for doc in docs:
        _fast_add(builder, doc.ref, document_terms(doc, segmenter))
    builder._calculate_average_field_lengths()
    builder._create_field_vectors()
    terms_by_index = [""] * builder.term_index
    for term, posting in builder.inverted_index.items():
        terms_by_index[posting["_index"]] = term
    return BuiltIndex(builder.inverted_index, builder.field_vectors,
                      list(builder._fields), terms_by_index)


def serialise(fields: list[str], inverted: list[tuple[str, dict]],
              vectors: list[tuple[str, list]]) -> dict:
    """A lunr 2.3.9 serialised index; terms in UTF-16 order as lunr.js needs."""
    return {
        "version": LUNR_VERSION,
        "fields": fields,
        "fieldVectors": [[ref, elements] for ref, elements in vectors],
        "invertedIndex": [[t, p] for t, p in sorted(inverted, key=lambda x: utf16_key(x[0]))],
        "pipeline": [TRIMMER_LABEL],
    }


def _vector_elements(vector) -> list:
    return [round(x, 3) if isinstance(x, float) else x for x in vector.elements]


def unsplit_index(built: BuiltIndex) -> dict:
    return serialise(built.fields, list(built.inverted_index.items()),
                     [(ref, _vector_elements(v)) for ref, v in built.field_vectors.items()])


def choose_shard_count(terms: int, postings: int) -> int:
    estimate = terms * BYTES_PER_TERM + postings * BYTES_PER_POSTING
    if estimate <= SINGLE_SHARD_BYTES:
        return 1
    return math.ceil(estimate / TARGET_SHARD_BYTES)


def split_index(built: BuiltIndex, shard_count: int) -> list[dict]:
    """Cut the index by term: shard_of(term) gets the term's posting and, from every field
    vector, the (term index, weight) pairs of its terms."""
    shard_by_index = [shard_of(t, shard_count) for t in built.terms_by_index]
    inverted: list[list] = [[] for _ in range(shard_count)]
    for term, posting in built.inverted_index.items():
        inverted[shard_by_index[posting["_index"]]].append((term, posting))
    vectors: list[list] = [[] for _ in range(shard_count)]
    for ref, vector in built.field_vectors.items():
        elements = _vector_elements(vector)
        parts: dict[int, list] = {}
        for i in range(0, len(elements), 2):
            parts.setdefault(shard_by_index[elements[i]], []).extend(elements[i:i + 2])
        for shard, part in parts.items():
            vectors[shard].append((ref, part))
    return [serialise(built.fields, inverted[n], vectors[n]) for n in range(shard_count)]


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
    """Each tag (most used first) with the refs of its articles, ascending."""
    refs: dict[str, list[int]] = {}
    for doc in docs:
        for tag in dict.fromkeys(t.strip() for t in doc.article.tags):
            if tag:
                refs.setdefault(tag, []).append(int(doc.ref))
    return sorted(refs.items(), key=lambda x: (-len(x[1]), x[0]))


def year_ranges(docs: list[SearchDocument]) -> list[list[int]]:
    """[[year, first ref, article count], ...] in ref (date) order."""
    out: list[list[int]] = []
    for doc in docs:
        if doc.year is None:
            break
        if out and out[-1][0] == doc.year:
            out[-1][2] += 1
        else:
            out.append([doc.year, int(doc.ref), 1])
    return out


def _empty_files() -> dict[str, bytes]:
    manifest = {"format": FORMAT, "lunr": LUNR_VERSION, "version": "empty",
                "pipeline": [TRIMMER_LABEL], "fields": ["title", "body"],
                "textFields": list(TEXT_FIELDS), "shards": 0, "documents": 0,
                "shardPath": "index/{n}.json", "docPath": "docs/{ref}.json", "years": [],
                "tagsPath": "tags.json", "tagPath": "tags/{n}.json"}
    return {"manifest.json": to_json(manifest), "tags.json": b"[]"}


def write_search_index(articles: list[Article], out_dir: Path, base_url: str,
                       article_url: Callable[[Article], str], *, userdict: Path | None = None,
                       shard_count: int | None = None,
                       write_unsplit: bool = False) -> SearchIndexReport:
    """Write out_dir/search/ (see the module doc and `search_index_files`)."""
    files, report = search_index_files(articles, base_url, article_url, userdict=userdict,
                                       shard_count=shard_count, write_unsplit=write_unsplit)
    root = Path(out_dir) / "search"
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return report


def search_index_files(articles: list[Article], base_url: str,
                       article_url: Callable[[Article], str], *, userdict: Path | None = None,
                       shard_count: int | None = None,
                       write_unsplit: bool = False) -> tuple[dict[str, bytes], SearchIndexReport]:
    """The files of search/ as {name: bytes}. `article_url(article)` is the article page's
    URL, either absolute ("/archive/2021/...") or relative to base_url. `shard_count`
    overrides the automatic choice; `write_unsplit` also gives unsplit.json (the whole index
    as one lunr index; for tests)."""
    started = time.perf_counter()
    report = SearchIndexReport()
    docs = prepare_documents(articles, base_url, article_url)
    if not docs:
        files = _empty_files()
        report.files = len(files)
        report.seconds = time.perf_counter() - started
        return files, report
    built = build_index(docs, Segmenter(userdict))
    postings = sum(len(p[f]) for p in built.inverted_index.values() for f in built.fields)
    count = shard_count or choose_shard_count(len(built.inverted_index), postings)
    shards = [to_json(s) for s in split_index(built, count)]
    records = [to_json(document_record(d)) for d in docs]
    version = hashlib.sha256(b"".join(shards) + b"".join(records)).hexdigest()[:16]
    tags = tag_refs(docs)
    manifest = {
        "format": FORMAT, "lunr": LUNR_VERSION, "version": version,
        "pipeline": [TRIMMER_LABEL], "fields": built.fields, "textFields": list(TEXT_FIELDS),
        "shards": count, "documents": len(docs),
        "shardPath": "index/{n}.json", "docPath": "docs/{ref}.json",
        "years": year_ranges(docs),
        "tagsPath": "tags.json", "tagPath": "tags/{n}.json",
    }
    files: dict[str, bytes] = {"manifest.json": to_json(manifest),
                               "tags.json": to_json([[t, len(r)] for t, r in tags])}
    for n, (_, refs) in enumerate(tags):
        files[f"tags/{n}.json"] = to_json(refs)
    for n, data in enumerate(shards):
        files[f"index/{n}.json"] = data
    for doc, data in zip(docs, records):
        files[f"docs/{doc.ref}.json"] = data
    if write_unsplit:
        files["unsplit.json"] = to_json(unsplit_index(built))
    report.documents = len(docs)
    report.terms = len(built.inverted_index)
    report.postings = postings
    report.shards = count
    report.index_bytes = sum(map(len, shards))
    report.largest_shard_bytes = max(map(len, shards)) if shards else 0
    report.doc_bytes = sum(map(len, records))
    report.files = len(files)
    report.version = version
    report.seconds = time.perf_counter() - started
    return files, report


def search_extra(articles: list[Article], config) -> Iterable[tuple[str, bytes]]:
    """The site build's hook: the search index as output files under search/."""
    files, _ = search_index_files(articles, config.base_url, lambda a: f"a/{a.id}/",
                                  userdict=config.path("userdict"))
    for name, data in sorted(files.items()):
        yield f"search/{name}", data
