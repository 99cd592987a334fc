"""The site build's hook (`SearchExtra`) and the entry points: the files of search/ for a
corpus, from the state when it can be.
"""
from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Callable, Collection, Iterable

from ..cache import CACHE_DIR
from ..model import Article, Diagnostic
from .build import IndexUpdate, SearchIndexReport, full_index
from .documents import prepare
from .state import STATE_FILE, digest
from .update import _NotLocal, local_update


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
    """The site build's hook, a build.extras.StatefulExtra. Called (a plain extra, as
    site.full_build calls it): every file of the search index under search/. `update`: the
    index updated in place from .cache/search.sqlite, files whose bytes are already on disk
    as None, and the state change to commit once the files are written."""

    def __repr__(self) -> str:  # stable: the incremental builder hashes it into its key
        return "SearchExtra()"

    def __call__(self, articles: list[Article], config) -> Iterable[tuple[str, bytes]]:
        files, _ = search_index_files(articles, config.base_url, _article_url)
        for name, data in sorted(files.items()):
            yield f"search/{name}", data

    def update(self, articles: list[Article], config, unchanged: Collection[str] = ()) -> IndexUpdate:
        out = Path(config.path("output_dir"))
        on_disk = search_sizes(out)
        state = Path(config.root) / CACHE_DIR / STATE_FILE
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
            db = sqlite3.connect(f"file:{Path(config.root) / CACHE_DIR / STATE_FILE}?mode=ro", uri=True)
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
