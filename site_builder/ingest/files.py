"""Content files: where each article's Markdown goes, and writing it without ever
overwriting a file a person edited. Shared by the full and the incremental run.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..build.build_index import walk_names
from ..content import article_to_text, is_hand_edited, parse_article
from ..model import Diagnostic, SeedPage
from . import identity
from .cache import stat_sig
from .pages import IngestReport, PageResult


def write_content(results: list[PageResult], content_dir: Path, report: IngestReport) -> None:
    texts = [(r.page, [article_to_text(e.article) for e in r.extracted]) for r in results]
    write_texts(place_files(texts, content_dir, report), content_dir, {r.page.stem for r in results}, report)


def place_files(pages: list[tuple[SeedPage, list[str]]], content_dir: Path,
                report: IngestReport) -> list[tuple[Path, str]]:
    """Each article's content file and text by its identity (identity.place_pages), in the
    pages' order; a renamed seed's edited files move to its new folder first."""
    plans = identity.place_pages([(p.stem, p.slug, texts) for p, texts in pages], content_dir, is_hand_edited)
    files: list[tuple[Path, str]] = []
    for page, _ in pages:
        plan = plans[page.stem]
        fresh = {rel.as_posix(): text for rel, text in plan.files}
        for old, rel in plan.carried:
            target = content_dir / rel
            if target.exists():
                continue  # a file of that name is there already: the old one stays, reported as kept
            identity.carry_edited(old, fresh[rel], target)
            remove_file(content_dir / old.rel, content_dir)
            report.diagnostics.append(Diagnostic(str(target), f"seed renamed: your edited {old.rel} moved here",
                                                 severity="info"))
        files += plan.files
    return files


def write_texts(files: list[tuple[Path, str]], content_dir: Path, stems: set[str], report: IngestReport,
                stats: dict[str, tuple] | None = None) -> None:
    """Write each file unless unchanged or edited by hand; `stats` gets the stat signature of
    every file now on disk as generated (for the next run's stat hints)."""
    produced: set[Path] = set()
    made: set[Path] = set()  # folders known to exist: one mkdir per folder, not per file
    for rel, text in files:
        produced.add(Path(rel))
        sig = write_unless_edited(content_dir / rel, text, report, made)
        if stats is not None and sig is not None:
            stats[Path(rel).as_posix()] = sig
    remove_stale(content_dir, produced, None, report)


def write_unless_edited(target: Path, text: str, report: IngestReport, made: set | None = None) -> tuple | None:
    """The file's stat signature when it now holds `text` (None when kept as edited). An
    unchanged file is stat'ed before it is read, so a later change cannot hide behind it."""
    try:
        before = target.stat()
    except OSError:
        before = None
    if before is not None:
        old = target.read_text(encoding="utf-8", errors="replace")
        if old == text:
            report.unchanged += 1
            return stat_sig(before)
        if is_hand_edited(old):
            report.kept_edits.append(str(target))
            report.diagnostics.append(Diagnostic(str(target), "edited by hand: kept; delete the file to "
                                                 "regenerate it from its seed", severity="info"))
            return None
    if made is None or target.parent not in made:
        target.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(target.parent)
    tmp = target.with_name(f".{target.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, target)
    report.written.append(str(target))
    return stat_sig(target.stat())


def remove_stale(content_dir: Path, produced, candidates, report: IngestReport) -> None:
    """Generated files no seed produces any more go; edited ones stay, with a warning.
    `produced`: the files this run produced, relative to content_dir (paths or posix
    strings); `candidates`: the files that may be stale (relative posix strings), or None
    for every *.md file below content_dir."""
    if not content_dir.is_dir():
        return
    produced_rel = {p if isinstance(p, str) else p.as_posix() for p in produced}
    if candidates is None:
        candidates = (rel for rel in walk_names(content_dir) if rel.endswith(".md"))
    for rel in sorted(candidates):
        if rel in produced_rel:
            continue
        file = content_dir / rel
        if not file.is_file():
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
        remove_file(file, content_dir)
        report.removed.append(str(file))


def remove_file(file: Path, content_dir: Path) -> None:
    """Remove a content file, and its folders up to content_dir once they are empty."""
    file.unlink()
    folder = file.parent
    while folder != content_dir and content_dir in folder.parents and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
