"""Incremental ingestion (ingest/state.py) writes what a from-scratch ingestion writes.

A small generated archive is ingested, then changed step by step at random: seeds edited
(a sentence added, a name replaced, a paragraph dropped), seeds added and deleted, a seed's
stat touched without a change, content files edited by hand or deleted. After every step the
cached run must take the incremental path and leave content/ byte for byte as an uncached
ingestion of the same seeds (with the same hand edits in place) does.
"""
from __future__ import annotations

import os
import random
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.ingest import state as ingest_state
from site_builder.config import Config
from site_builder.ingest.run import run_ingest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_archive import make_archive  # noqa: E402

PAGES = 24
CONFIRMING = "市委书记王建国、赵立新主持会议。"
MENTION = "王建国、孙丽萍、周海涛一同走访社区。"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _reference(config: Config, tmp: Path) -> dict[str, bytes]:
    """An uncached ingestion of the same seeds over a copy of content/ (so hand edits stay)."""
    ref = tmp / "reference"
    shutil.rmtree(ref, ignore_errors=True)
    shutil.copytree(config.root / "seeds", ref / "seeds")
    shutil.copytree(config.root / "dictionaries", ref / "dictionaries")
    if (config.root / "content").exists():
        shutil.copytree(config.root / "content", ref / "content")
    report = run_ingest(replace(config, root=ref), use_cache=False)
    assert not report.errors
    return _tree(ref / "content")


def _seeds(config: Config) -> list[Path]:
    return sorted((config.root / "seeds").glob("*.txt"))


KINDS = ["sentence", "name", "mention", "unname", "drop", "add", "delete", "touch", "hand", "unlink"]


def _edit_seed(rng: random.Random, config: Config, spare: list[Path], kind: str) -> str:
    seeds = _seeds(config)
    if kind == "add" and spare:
        src = spare.pop()
        shutil.copy(src, config.root / "seeds" / src.name)
        return f"add {src.name}"
    if kind == "delete" and len(seeds) > 4:
        victim = rng.choice(seeds)
        victim.unlink()
        victim.with_suffix(".yaml").unlink(missing_ok=True)
        return f"delete {victim.name}"
    if kind in ("hand", "unlink"):
        files = sorted((config.root / "content").rglob("*.md"))
        target = rng.choice(files)
        if kind == "unlink":
            target.unlink()
        else:
            target.write_text(target.read_text(encoding="utf-8") + "\n编者补记：本文有更正。\n", encoding="utf-8")
        return f"{kind} {target.relative_to(config.root)}"
    seed = rng.choice(seeds)
    text = seed.read_text(encoding="utf-8")
    if kind == "touch":
        os.utime(seed, ns=(seed.stat().st_atime_ns, seed.stat().st_mtime_ns + 5_000_000_000))
        return f"touch {seed.name}"
    lines = text.split("\n")
    long_lines = [i for i, l in enumerate(lines) if len(l) > 40]
    i = rng.choice(long_lines)
    if kind == "sentence":
        lines[i] += "记者从现场了解到，相关工作正在有序推进。"
    elif kind == "name":  # a person confirmed by a title, and a neighbour in a 、-list
        lines[i] = CONFIRMING + lines[i]
    elif kind == "mention":  # the same names where only a name known elsewhere vouches for them
        lines[i] = MENTION + lines[i]
    elif kind == "unname":  # the confirming sentence goes again: names vanish from the corpus
        if CONFIRMING not in text:
            return "unname (none)"
        seed.write_text(text.replace(CONFIRMING, ""), encoding="utf-8")
        return f"unname {seed.name}"
    else:
        del lines[i]
    seed.write_text("\n".join(lines), encoding="utf-8")
    return f"{kind} {seed.name}"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> tuple[Config, list[Path]]:
    root = tmp_path_factory.mktemp("incremental")
    shutil.copytree(ROOT / "dictionaries", root / "dictionaries")
    make_archive(PAGES, 5, root / "seeds")
    spare_dir = tmp_path_factory.mktemp("spare")
    make_archive(6, 99, spare_dir)
    return Config(root=root), sorted(spare_dir.glob("*.txt"))


def test_random_edits_give_what_a_fresh_ingestion_gives(project, tmp_path):
    config, spare = project
    first = run_ingest(config, workers=1)
    assert not first.errors and first.articles > 50
    assert _tree(config.root / "content") == _reference(config, tmp_path)
    rng = random.Random(2024)
    # first names that other pages print before anything vouches for them, then a page that
    # vouches for them, then it stops: names come into and go out of the corpus
    kinds = ["mention", "mention", "name", "sentence", "unname"] + [rng.choice(KINDS) for _ in range(12)]
    for step, kind in enumerate(kinds):
        what = _edit_seed(rng, config, spare, kind)
        report = run_ingest(config, workers=1)
        assert not report.errors, what
        assert "incremental" in report.timings or "write" in report.timings, what
        assert _tree(config.root / "content") == _reference(config, tmp_path), f"step {step}: {what}"


def test_a_seed_edit_takes_the_incremental_path(project, tmp_path):
    config, _ = project
    run_ingest(config, workers=1)
    seed = _seeds(config)[0]
    seed.write_text(seed.read_text(encoding="utf-8").replace("。", "。记者从现场了解到，相关工作正在有序推进。", 1),
                    encoding="utf-8")
    report = run_ingest(config, workers=1)
    assert "incremental" in report.timings
    assert len(report.written) >= 1
    state = ingest_state.IngestState.load(config.root)
    assert state is not None and len(state.articles) == report.articles
    assert _tree(config.root / "content") == _reference(config, tmp_path)


def test_state_counts_equal_counts_from_scratch(project):
    """The counts an incremental run keeps equal those a full run records."""
    config, _ = project
    seed = _seeds(config)[1]
    seed.write_text(seed.read_text(encoding="utf-8").replace("。", "。市长李建华表示，", 1), encoding="utf-8")
    run_ingest(config, workers=1)
    kept = ingest_state.IngestState.load(config.root)
    (config.root / ingest_state.STATE_FILE).unlink()
    (config.root / ".cache" / "ingest-last.pickle").unlink()
    run_ingest(config, workers=1)
    fresh = ingest_state.IngestState.load(config.root)
    for name in ("known1", "known", "credited", "doc_freq"):
        assert getattr(kept, name) == getattr(fresh, name), name
    by_rel = {r.rel: r for r in fresh.articles.values()}
    for rec in kept.articles.values():
        other = by_rel[rec.rel]
        assert (rec.here1, rec.confirmed, rec.known_here, rec.digest) == \
               (other.here1, other.confirmed, other.known_here, other.digest), rec.rel


def test_a_content_file_racy_against_the_memo_is_read_once_then_trusted(project):
    """The ingest memo trusts stats by cache.stat_trusted: a content file modified just before
    the memo was written is read on the next run, found as written, and the memo is saved
    again, so the run after trusts it (as git refreshes its index)."""
    from site_builder.ingest.cache import CORPUS_FILE

    config, _ = project
    run_ingest(config, workers=1)
    time.sleep(0.15)  # past the racy window of every file that run wrote
    memo = config.root / CORPUS_FILE
    newest = max(p.stat().st_mtime_ns for p in (config.root / "content").rglob("*.md"))
    racy_ns = newest + 20_000_000  # the memo 20 ms after the last content file: racy
    os.utime(memo, ns=(racy_ns, racy_ns))
    report = run_ingest(config, workers=1)
    assert not report.errors and not report.written
    assert memo.stat().st_mtime_ns != racy_ns  # read, found as written, memo saved again
    refreshed = memo.stat().st_mtime_ns
    run_ingest(config, workers=1)
    assert memo.stat().st_mtime_ns == refreshed  # now trusted: nothing read, nothing saved
