"""One cache layout: atomic writes, one format number and a code key in every pickle, and
build cache keys that follow the imports."""
import pickle

import pytest

from site_builder import cache
from site_builder.cache import atomic_write, load_pickle, save_pickle
from site_builder.codekey import reached_modules


def test_a_pickle_is_read_back_only_by_the_same_format_and_code(tmp_path, monkeypatch):
    file = tmp_path / "c" / "x.pickle"
    save_pickle(file, {"a": 1}, "code-1")
    assert load_pickle(file, "code-1") == ({"a": 1}, None)
    assert load_pickle(file, "code-2") == (None, None)  # other code: stale, not an error
    monkeypatch.setattr(cache, "CACHE_FORMAT", cache.CACHE_FORMAT + 1)
    assert load_pickle(file, "code-1") == (None, None)
    assert file.exists()


def test_a_damaged_pickle_is_reported_and_deleted(tmp_path):
    file = tmp_path / "x.pickle"
    file.write_bytes(pickle.dumps({"format": 1})[:5])
    data, problem = load_pickle(file, "code")
    assert data is None and problem and not file.exists()
    assert load_pickle(tmp_path / "missing.pickle", "code") == (None, None)


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    file = tmp_path / "x.bin"
    atomic_write(file, b"old")

    def fail(fh):
        fh.write(b"half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(file, fail)
    assert file.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["x.bin"]


def test_the_build_code_key_covers_every_build_module():
    """No hand-kept list: every module of site_builder/build/ (the builder's steps), and what
    they import, is part of the key of persisted fingerprints and plans."""
    from pathlib import Path

    from site_builder.build.fingerprint import BUILD_ENTRY

    reached = reached_modules((BUILD_ENTRY,))
    build_dir = Path(__file__).resolve().parent.parent / "site_builder" / "build"
    expected = {f"site_builder.build.{p.stem}" for p in build_dir.glob("*.py")
                if p.stem not in ("__init__", "site", "protocols")}
    assert expected <= set(reached), expected - set(reached)
    assert {"site_builder.plan", "site_builder.content", "site_builder.search.documents"} <= set(reached)
