"""One seed page through the per-page stages: read, segment, extract; and the report an
ingest run fills. The full, cached and incremental runs share these steps (workers run
`ingest_page` through cache.process_page).
"""
from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Diagnostic, PageLayout, Reported, SeedPage
from .extract import Extracted, extract_article
from .seeds import find_seed_files, misplaced_seed_folders, read_seed, refuse_case_clashes
from .segment import segment_page


@dataclass
class IngestReport(Reported):
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: int = 0
    articles: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_edits: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    furniture: dict[str, list[str]] = field(default_factory=dict)  # seed path -> lines set aside
    seconds: float = 0.0
    cache_hits: int = 0  # seed pages whose segmentation and extraction came from .cache/
    cache_misses: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    def summary(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        lines.append(f"ingest: {self.pages} pages, {self.articles} articles; {len(self.written)} written, "
                     f"{self.unchanged} unchanged, {len(self.kept_edits)} hand-edited kept, "
                     f"{len(self.removed)} removed; {len(self.errors)} errors in {self.seconds:.2f} s")
        return "\n".join(lines)


@dataclass
class PageResult:
    page: SeedPage
    layout: PageLayout | None  # None once no longer needed (run_ingest)
    extracted: list[Extracted]


@dataclass
class PageOutcome:
    """One seed page segmented and extracted (articles before the corpus-wide step), or the
    diagnostic saying why it could not be."""

    layout: PageLayout | None
    extracted: list[Extracted]
    failure: Diagnostic | None = None


def ingest_page(page: SeedPage, stopwords: frozenset[str]) -> PageOutcome:
    try:
        layout = segment_page(page)
        extracted = [extract_article(page, layout, draft, i, stopwords)
                     for i, draft in enumerate(layout.articles, 1)]
    except Exception as exc:  # one bad page must not stop the archive
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return PageOutcome(None, [], Diagnostic(
            page.path, f"could not be segmented ({type(exc).__name__}: {exc} at "
                       f"{Path(where.filename).name}:{where.lineno}); skipped. Please report this page"))
    return PageOutcome(layout, extracted)


def record_outcome(page: SeedPage, outcome: PageOutcome, report: IngestReport) -> bool:
    """Add a page's diagnostics and furniture to the report; False when it yielded nothing."""
    if outcome.layout is None:
        report.diagnostics.append(outcome.failure)
        return False
    layout = outcome.layout
    report.diagnostics.extend(layout.diagnostics)
    if not layout.articles:
        report.diagnostics.append(Diagnostic(page.path, "no article found on this page", severity="warning"))
    report.furniture[page.path] = [l.text for l in layout.furniture]
    return True


def read_pages(seeds_dir: Path, root: Path, report: IngestReport) -> list[SeedPage]:
    return read_pages_by_file(seeds_dir, root, report)[0]


def read_pages_by_file(seeds_dir: Path, root: Path, report: IngestReport):
    """The seed pages, and each seed file's own read result by its path below seeds_dir (for
    the ingest state)."""
    if not seeds_dir.is_dir():
        report.diagnostics.append(Diagnostic(str(seeds_dir), "seeds folder not found"))
        return [], {}
    pages, results = [], {}
    report.diagnostics.extend(misplaced_seed_folders(seeds_dir, root))
    paths = find_seed_files(seeds_dir)
    for path, result in zip(paths, refuse_case_clashes([read_seed(path, root, seeds_dir) for path in paths])):
        results[path.relative_to(seeds_dir).as_posix()] = result
        report.diagnostics.extend(result.diagnostics)
        if result.page is not None:
            pages.append(result.page)
    return pages, results
