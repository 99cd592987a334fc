"""A full build of every file of search/ (see the package doc for the layout)."""
from __future__ import annotations

import contextlib
import gc
import json
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Diagnostic
from .tokens import TRIMMER_LABEL
from . import documents as documents_module
from .documents import REF_BASE, SearchDocument, date_inputs, to_json
from .facets import FACETS, facet_files, year_ranges
from .lunr_json import BOOSTS, FIELDS, LUNR_VERSION, WeightTable, unsplit_index
from .parallel import _can_fork, _parallel_shards, _serialise_part
from .postings import _collect, choose_shard_count, split_shards
from .state import (
    FORMAT, StateChange, _SCHEMA, _state_meta, _tags_text, digest, remove_stale_states,
    version_of)


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


def _manifest(version: str, shards: int, documents: int, years: list[list[int]]) -> dict:
    return {"format": FORMAT, "lunr": LUNR_VERSION, "version": version,
            "pipeline": [TRIMMER_LABEL], "fields": list(FIELDS), "refBase": REF_BASE,
            "shards": shards, "documents": documents, "boosts": BOOSTS,
            "shardPath": "index/{n}.json", "docPath": "docs/{ref}.json",
            "years": years, "tagsPath": "tags.json", "tagPath": "tags/{n}.json",
            "facets": {name: list(paths) for name, paths in FACETS.items()}}


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
                       ((d.number, d.article.id, documents_module.record_inputs(d.article, d.url),
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
