"""What the dev loop may ask of a site build: the types it relies on, instead of flags."""
from __future__ import annotations

from typing import Protocol, Sequence, runtime_checkable

from ..config import Config
from ..model import Article, Diagnostic
from .build_index import ContentHint
from .extras import ExtraFiles, ExtraOutput


class BuildReport(Protocol):
    ok: bool
    diagnostics: Sequence[Diagnostic]
    changed_files: Sequence[str]  # output-relative, written or removed


class SiteBuild(Protocol):
    """Any build: site.build_site, or a builder object."""

    def __call__(self, config: Config) -> BuildReport: ...


@runtime_checkable
class HintedBuild(Protocol):
    """A build that can be told which content files a watcher saw change (ContentHint), so
    it reads only those again."""

    def build_hinted(self, config: Config, hint: ContentHint | None) -> BuildReport: ...


class DeferringBuild(HintedBuild, Protocol):
    """A build made to leave the extras (the search index) for after the reload: the dev
    loop takes a snapshot, computes the extras in a worker process, and commits them."""

    extras: Sequence[ExtraFiles]

    def extras_snapshot(self) -> tuple[int, list[Article]]: ...

    def commit_extras(self, generation: int, extras: ExtraOutput, config: Config) -> BuildReport: ...
