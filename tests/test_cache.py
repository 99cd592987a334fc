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


def test_one_racy_rule_for_every_stat_trusting_cache():
    """The build's content scan and the ingest memos trust a stat by one rule: equal
    signatures, and every time (mtime, and ctime where recorded) a racy window before the
    record: 0.1 s where times have sub-second parts, 2 s where they are whole seconds."""
    from site_builder.cache import stat_trusted

    recorded = 1_700_000_000 * 10**9

    def sig(mtime_ago: int, ctime_ago: int | None = None) -> tuple:
        mtime = recorded - mtime_ago
        return (10, mtime) if ctime_ago is None else (10, mtime, recorded - ctime_ago, 7)

    fine = 123_457  # a sub-second part
    assert stat_trusted(sig(300_000_000 + fine), sig(300_000_000 + fine), recorded)
    assert not stat_trusted(sig(50_000_000 + fine), sig(50_000_000 + fine), recorded)
    assert not stat_trusted(sig(10**9), sig(10**9), recorded)  # whole seconds: coarse
    assert stat_trusted(sig(3 * 10**9), sig(3 * 10**9), recorded)
    old, changed_lately = sig(3 * 10**9 + fine, 3 * 10**9 + fine), sig(3 * 10**9 + fine, 20_000_000 + fine)
    assert stat_trusted(old, old, recorded)
    assert not stat_trusted(changed_lately, changed_lately, recorded)  # ctime in the window
    assert not stat_trusted(sig(3 * 10**9), (11, recorded - 3 * 10**9), recorded)
    assert stat_trusted(None, None, recorded) and not stat_trusted(None, sig(3 * 10**9), recorded)


def test_the_ingest_memo_rereads_a_file_written_just_before_it():
    """The ingest memo applies the same window: a file modified 50 ms before the memo was
    written is read again (before, anything older than the memo file was trusted)."""
    from site_builder.ingest.cache import CorpusMemo

    memo = CorpusMemo(key="k", files=[], report_state=b"", recorded_ns=1_700_000_000 * 10**9 + 5_000)
    just_before = (10, memo.recorded_ns - 50_000_000, memo.recorded_ns - 50_000_000, 7)
    long_before = (10, memo.recorded_ns - 500_000_000, memo.recorded_ns - 500_000_000, 7)
    assert not memo.trusted(just_before, just_before)
    assert memo.trusted(long_before, long_before)
