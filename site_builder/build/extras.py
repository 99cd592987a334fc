"""Step 6, extras: files computed from the whole corpus rather than rendered per page (the
search index). An extra is a plain function (corpus, config) -> (path, bytes) pairs, or an
object with update() that keeps its own state and says which of its files are unchanged."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Callable, Collection, Iterable, Protocol, Sequence, runtime_checkable

from ..config import Config
from ..model import Article, Diagnostic
from .build_index import BuildIndex

ExtraFiles = Callable[[list[Article], Config], Iterable[tuple[str, bytes]]]


class StateChange(Protocol):
    """A change of an extra's own state, applied once its files are on disk (picklable)."""

    def commit(self) -> None: ...

    def discard(self) -> None: ...


class ExtraReport(Protocol):
    diagnostics: list[Diagnostic]


class ExtraUpdate(Protocol):
    files: dict[str, bytes | None]  # None: the bytes on disk are already these
    report: ExtraReport
    change: StateChange | None


@runtime_checkable
class StatefulExtra(Protocol):
    """An extra that keeps its own state (the search index in .cache/search.sqlite): update()
    reports files it knows to be unchanged on disk as None; state_token() names the state, so
    the builder can tell it which articles (`unchanged`) it was computed from."""

    def __call__(self, corpus: list[Article], config: Config) -> Iterable[tuple[str, bytes]]: ...

    def update(self, corpus: list[Article], config: Config, unchanged: Collection[str] = ()) -> ExtraUpdate: ...

    def state_token(self, config: Config) -> bytes | None: ...


def default_extras() -> tuple[ExtraFiles, ...]:
    """What every site build writes besides the pages: the search index (a StatefulExtra)."""
    from ..search import search_extra  # lazy: a no-op build never loads the search code

    return (search_extra,)


@dataclass
class ExtraOutput:
    """The extras' files (None: the extra knows the bytes on disk are already these) and
    the state changes to commit once they are written (objects with commit() and discard(),
    picklable: the dev server computes extras in another process)."""

    files: dict[str, bytes | None] = field(default_factory=dict)
    changes: list = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # e.g. a corrupt state discarded

    def commit(self) -> None:
        for change in self.changes:
            change.commit()
        self.changes = []

    def discard(self) -> None:
        for change in self.changes:
            change.discard()
        self.changes = []


def compute_extra_files(extras: Sequence[ExtraFiles], corpus: list[Article], config: Config,
                        unchanged: Collection[str] = ()) -> ExtraOutput:
    """The extras' files for `corpus`: a plain function, so the dev server can run it in a
    worker process. A StatefulExtra (the search index) reports files it knows to be unchanged
    on disk as None instead of their bytes and is told `unchanged` (ids of articles whose
    content is the one its state was computed from); a plain extra yields (path, bytes) for
    every file."""
    config = replace(config, site_url=config.site_url.rstrip("/") + "/")
    out = ExtraOutput()
    for extra in extras:
        if isinstance(extra, StatefulExtra):
            result = extra.update(corpus, config, unchanged=unchanged)
            out.files.update(result.files)
            out.diagnostics.extend(result.report.diagnostics)
            if result.change is not None:
                out.changes.append(result.change)
        else:
            for rel, data in extra(corpus, config):
                out.files[rel] = data
    return out


def extras_token(extras: Sequence[ExtraFiles], config: Config) -> bytes | None:
    """What the extras say identifies their state (None: one of them cannot say)."""
    tokens = []
    for extra in extras:
        token = extra.state_token(config) if isinstance(extra, StatefulExtra) else None
        if token is None:
            return None
        tokens.append(token)
    return b"".join(tokens) if tokens else None


def extra_file_sizes(files: dict[str, bytes | None], on_disk: dict[str, int]) -> dict[str, int]:
    return {rel: on_disk.get(rel, -1) if data is None else len(data) for rel, data in files.items()}


def extra_file_key(data: bytes) -> bytes:
    """An extra file's key in the page store (a content digest, apart from page fingerprints)."""
    return hashlib.blake2b(b"extra\0" + data, digest_size=16).digest()


def extra_file_keys(files: dict[str, bytes | None]) -> dict[str, bytes | None]:
    """The page store key of each extra's file (None: the extra knows it is unchanged)."""
    return {rel: None if data is None else extra_file_key(data)
            for rel, data in files.items() if not is_static_output(rel)}


def record_extras(index: BuildIndex, keys: dict[str, bytes | None]) -> None:
    """Remember the digests of the extras' files just written (the writer kept their bytes in
    the page store under them), so a build after `rm -rf output` links the search index back
    instead of computing every shard and record again (8 s at 10,000 articles). Files the
    extra reported unchanged (None) keep their digest; one never seen (no digest) simply
    cannot be restored."""
    old = index.extra_digests or {}
    digests: dict[str, bytes] = {}
    for rel, key in keys.items():
        if key is not None:
            digests[rel] = key
        elif rel in old:
            digests[rel] = old[rel]
    index.extra_digests = digests

def is_static_output(rel: str) -> bool:
    """Files every full build writes besides pages and extras: static/ and .nojekyll."""
    return rel.startswith("static/") or rel == ".nojekyll"
