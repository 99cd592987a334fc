"""Every ingest cache is disposable: a cache file full of random bytes is discarded with a
warning and rebuilt, and ingest writes what an uncached ingestion writes (issue 13, item 13)."""
from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

import pytest

from site_builder.config import Config
from site_builder.ingest.run import run_ingest
from site_builder.ingest.cache import CACHE_FILE, CORPUS_FILE
from site_builder.ingest.state import PAGES_FILE, STATE_FILE

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_archive import make_archive  # noqa: E402


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """Seeds after one edit, and what an uncached ingestion of them writes."""
    seeds = tmp_path_factory.mktemp("seeds")
    make_archive(6, 13, seeds)
    root = tmp_path_factory.mktemp("reference")
    shutil.copytree(ROOT / "dictionaries", root / "dictionaries")
    shutil.copytree(seeds, root / "seeds")
    _edit(root)
    assert not run_ingest(Config(root=root), use_cache=False).errors
    return seeds, _tree(root / "content")


def _edit(root: Path) -> None:
    seed = sorted((root / "seeds").glob("*.txt"))[0]
    seed.write_text(seed.read_text(encoding="utf-8").replace("。", "。相关工作正在有序推进。", 1), encoding="utf-8")


@pytest.mark.parametrize("cache_file", [PAGES_FILE, STATE_FILE, CORPUS_FILE, CACHE_FILE])
def test_a_damaged_cache_file_is_rebuilt(cache_file, reference, tmp_path, capsys):
    seeds, expected = reference
    shutil.copytree(ROOT / "dictionaries", tmp_path / "dictionaries")
    shutil.copytree(seeds, tmp_path / "seeds")
    config = Config(root=tmp_path)
    assert not run_ingest(config, workers=1).errors
    damaged = tmp_path / cache_file
    assert damaged.exists()
    damaged.write_bytes(random.Random(cache_file).randbytes(damaged.stat().st_size or 4096))
    _edit(tmp_path)
    for _ in range(2):  # the run that finds the damage, and the one after it
        capsys.readouterr()
        report = run_ingest(config, workers=1)
        assert not report.errors
        assert _tree(tmp_path / "content") == expected
    assert "cache unreadable" not in capsys.readouterr().err  # rebuilt: the second run reads it


def test_the_warning_names_the_damaged_file(reference, tmp_path, capsys):
    seeds, _ = reference
    shutil.copytree(ROOT / "dictionaries", tmp_path / "dictionaries")
    shutil.copytree(seeds, tmp_path / "seeds")
    config = Config(root=tmp_path)
    run_ingest(config, workers=1)
    (tmp_path / PAGES_FILE).write_bytes(b"\x00not a database" * 300)
    _edit(tmp_path)
    capsys.readouterr()
    assert not run_ingest(config, workers=1).errors
    err = capsys.readouterr().err
    assert "ingest-pages.sqlite" in err and "discarded" in err
