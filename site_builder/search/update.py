"""The index updated in place from the state: only articles whose inputs changed are read, only
shards whose postings changed are serialised; anything else raises _NotLocal and a full
build follows.
"""
from __future__ import annotations

import json
import marshal
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Collection

from ..model import Article
from . import documents as documents_module
from . import postings as postings_module
from .build import IndexUpdate, SearchIndexReport, _manifest
from .documents import (
    REF_BASE, SearchDocument, article_year, date_inputs, document_record, full_url, make_document,
    to_base36, to_json)
from .facets import facet_files, is_facet_file
from .postings import (
    Postings, _set_entry, blob, choose_shard_count, document_frequency, document_terms,
    shard_of_key, terms_of)
from .state import StateChange, _state_meta, _tags_text, digest, version_of


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
        if documents_module.record_inputs(a, url) != inputs:
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
    new_shards, terms, postings = _updated_shards(db, _term_deltas(edited), count,
                                                  int(meta["terms"]), int(meta["postings"]))
    if choose_shard_count(terms, postings) != count:
        raise _NotLocal("the shard count changes")
    refs = [to_base36(n) for n in range(len(articles))]
    computed: dict[str, bytes] = {}
    for n, shard in new_shards.items():
        computed[f"index/{n}.json"] = postings_module.serialise_shard(shard)
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
    if any(e.tags_changed for e in edited):
        computed.update(facet_files(enumerate(by_number)))
    change = StateChange(str(state_path), meta={"terms": str(terms), "postings": str(postings)},
                         docs=[(e.doc.number, e.doc.article.id, documents_module.record_inputs(e.doc.article, e.doc.url),
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
    _unchanged_files(db, files, computed, known_files, on_disk, change, by_number, base_url, article_url)
    current = lambda rel: (change.files.get(rel) or known_files[rel])[1]  # noqa: E731
    sizes = [current(f"index/{n}.json") for n in range(count)]
    report = SearchIndexReport(documents=len(articles), terms=terms, postings=postings, shards=count,
                               shards_written=len(new_shards), index_bytes=sum(sizes),
                               largest_shard_bytes=max(sizes), files=len(files), version=version,
                               doc_bytes=sum(current(f"docs/{ref}.json") for ref in refs), cached=True)
    return IndexUpdate(files, report, change)


def _term_deltas(edited: list[_Edited]) -> dict[str, dict[int, tuple[int, int]]]:
    """The changes of each term's postings: term -> {article number: (title tf, body tf)}."""
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
    return deltas


def _updated_shards(db, deltas, count: int, terms: int, postings: int
                    ) -> tuple[dict[int, Postings], int, int]:
    """The raw postings of the shards the deltas touch, changed; and the new term and posting
    counts."""
    by_shard: dict[int, list[str]] = {}
    for term in deltas:
        by_shard.setdefault(shard_of_key(term[:2], count), []).append(term)
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
    return new_shards, terms, postings


def _unchanged_files(db, files, computed, known_files, on_disk, change, by_number, base_url,
                     article_url) -> None:
    """Every known file not computed again: None when its bytes are on disk, else its bytes
    again (from the state); facet files no longer made are gone."""
    retagged = any(is_facet_file(rel) for rel in computed)
    unchanged_facets: dict[str, bytes] | None = None
    for rel, (_, size) in known_files.items():
        if rel in computed:
            continue
        if retagged and is_facet_file(rel):
            change.gone.append(rel)  # fewer values than before
        elif on_disk.get(rel) == size:
            files[rel] = None
        elif rel.startswith("index/"):  # missing on disk: its bytes again, from the state
            row = db.execute("SELECT postings FROM shards WHERE n = ?", (int(rel[6:-5]),)).fetchone()
            files[rel] = postings_module.serialise_shard(marshal.loads(row[0]))
        elif rel.startswith("docs/"):
            number = int(rel[5:-5], REF_BASE)
            a = by_number[number]
            doc = make_document(number, a, full_url(article_url(a), base_url), article_year(a))
            files[rel] = to_json(document_record(doc))
        else:  # facet files
            if unchanged_facets is None:
                unchanged_facets = facet_files(enumerate(by_number))
            files[rel] = unchanged_facets[rel]
