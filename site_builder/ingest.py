"""Stages 1-4 together: seeds/ -> segmented pages -> articles with metadata -> content/.

Each seed is read, segmented and extracted on its own; an error in one is reported with its
file (and line) and the others go on. content/ is the archive's editable source: a file whose
text no longer matches the hash ingestion stored in it was edited by a person and is never
overwritten; untouched files are rewritten only when their bytes change; files of a deleted
seed are removed unless edited (then a warning says so).
"""
from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import lexicon
from .config import Config
from .content import article_to_text, is_hand_edited, parse_article
from .entities import load_word_list
from .extract import Extracted, extract_article, finish_corpus
from .model import Diagnostic, PageLayout, SeedPage
from .seeds import find_seed_files, read_seed
from .segment import segment_page

STOPWORDS_FILE = "dictionaries/stopwords.txt"


@dataclass
class IngestReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: int = 0
    articles: int = 0
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    kept_edits: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    furniture: dict[str, list[str]] = field(default_factory=dict)  # seed path -> lines set aside
    seconds: float = 0.0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def summary(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        lines.append(f"ingest: {self.pages} pages, {self.articles} articles; {len(self.written)} written, "
                     f"{self.unchanged} unchanged, {len(self.kept_edits)} hand-edited kept, "
                     f"{len(self.removed)} removed; {len(self.errors)} errors in {self.seconds:.2f} s")
        return "\n".join(lines)


@dataclass
class PageResult:
    page: SeedPage
    layout: PageLayout
    extracted: list[Extracted]


def ingest_pages(pages: list[SeedPage], stopwords: frozenset[str], report: IngestReport) -> list[PageResult]:
    results = []
    for page in pages:
        try:
            layout = segment_page(page)
            extracted = [extract_article(page, layout, draft, i, stopwords)
                         for i, draft in enumerate(layout.articles, 1)]
        except Exception as exc:  # one bad page must not stop the archive
            where = traceback.extract_tb(exc.__traceback__)[-1]
            report.diagnostics.append(Diagnostic(
                page.path, f"could not be segmented ({type(exc).__name__}: {exc} at "
                           f"{Path(where.filename).name}:{where.lineno}); skipped. Please report this page"))
            continue
        report.diagnostics.extend(layout.diagnostics)
        if not layout.articles:
            report.diagnostics.append(Diagnostic(page.path, "no article found on this page", severity="warning"))
        report.furniture[page.path] = [l.text for l in layout.furniture]
        results.append(PageResult(page, layout, extracted))
    finish_corpus([e for r in results for e in r.extracted])
    return results


def read_pages(seeds_dir: Path, root: Path, report: IngestReport) -> list[SeedPage]:
    if not seeds_dir.is_dir():
        report.diagnostics.append(Diagnostic(str(seeds_dir), "seeds folder not found"))
        return []
    pages = []
    for path in find_seed_files(seeds_dir):
        result = read_seed(path, root)
        report.diagnostics.extend(result.diagnostics)
        if result.page is not None:
            pages.append(result.page)
    return pages


def write_content(results: list[PageResult], content_dir: Path, report: IngestReport) -> None:
    produced: set[Path] = set()
    for r in results:
        for e in r.extracted:
            rel = Path(r.page.stem) / f"{e.article.order:02d}.md"
            target = content_dir / rel
            produced.add(target.resolve())
            _write_unless_edited(target, article_to_text(e.article), report)
    _remove_stale(content_dir, produced, {r.page.stem for r in results}, report)


def _write_unless_edited(target: Path, text: str, report: IngestReport) -> None:
    if target.exists():
        old = target.read_text(encoding="utf-8", errors="replace")
        if old == text:
            report.unchanged += 1
            return
        if is_hand_edited(old):
            report.kept_edits.append(str(target))
            report.diagnostics.append(Diagnostic(str(target), "edited by hand: kept; delete the file to "
                                                 "regenerate it from its seed", severity="info"))
            return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)
    report.written.append(str(target))


def _remove_stale(content_dir: Path, produced: set[Path], stems: set[str], report: IngestReport) -> None:
    """Generated files no seed produces any more go; edited ones stay, with a warning."""
    if not content_dir.is_dir():
        return
    for file in sorted(content_dir.rglob("*.md")):
        if file.resolve() in produced:
            continue
        text = file.read_text(encoding="utf-8", errors="replace")
        if "\ngenerated: " not in text:
            continue  # written by a person from scratch: not ingestion's to remove
        if is_hand_edited(text):
            parsed = parse_article(text, str(file))
            source = parsed.article.source if parsed.article else "its seed"
            report.diagnostics.append(Diagnostic(str(file), f"{source} no longer yields this article, but the "
                                                 "file was edited by hand, so it is kept", severity="warning"))
            continue
        file.unlink()
        report.removed.append(str(file))
        if file.parent != content_dir and not any(file.parent.iterdir()):
            file.parent.rmdir()


def run_ingest(config: Config) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    lexicon.configure(config.path("userdict"))
    stopwords = load_word_list(str(config.root / STOPWORDS_FILE))
    pages = read_pages(config.path("seeds_dir"), config.root, report)
    report.pages = len(pages)
    results = ingest_pages(pages, stopwords, report)
    report.articles = sum(len(r.extracted) for r in results)
    write_content(results, config.path("content_dir"), report)
    report.seconds = time.perf_counter() - started
    return report
