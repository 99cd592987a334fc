"""One layout for every cache: files and folders in `.cache/` of the project (CACHE_DIR),
each written whole by one atomic rename (atomic_write), pickles headed by one format number
(CACHE_FORMAT) and the code key of what wrote them (load_pickle), so a change of format or
code makes a cache stale, never wrong. Every cache is disposable: one that cannot be read is
deleted and rebuilt.

Every cache that trusts a file's stat instead of reading it (the build's content scan, the
ingest memos) follows one rule, stat_trusted: git's racy-clean rule with a window that
follows the file system's timestamp resolution."""
from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable

CACHE_DIR = ".cache"
CACHE_FORMAT = 1  # raise it when the layout of any cache changes in a way code keys miss

# A file modified this close before its stat was recorded may be written again within the same
# timestamp tick, keeping size and times: 2 s where the file system keeps times in whole
# seconds or two (FAT, HFS+, some network shares); 0.1 s where it keeps finer ones (the
# kernel's clock for them ticks every few ms and may lag the system clock by as much).
RACY_NS = 2_000_000_000
FINE_RACY_NS = 100_000_000


def racy_window(times_ns: Iterable[int]) -> int:
    """The racy window for a file with these times: fine only when one has a sub-second
    part, which a coarse file system never gives."""
    return FINE_RACY_NS if any(t % 1_000_000_000 for t in times_ns) else RACY_NS


def stat_trusted(recorded: tuple | None, now: tuple | None, recorded_ns: int) -> bool:
    """Whether a file is unchanged since its stat signature was recorded, without reading it.

    Signatures are (size, mtime_ns) or (size, mtime_ns, ctime_ns, inode); None: no file.
    `recorded_ns` is when the recording began (or, where only that is known, when the record
    was written). As git's racy-clean rule: equal signatures are trusted only when the file's
    times lie a racy window before `recorded_ns`; a later write in the same tick could have
    kept them."""
    if recorded != now:
        return False
    if now is None:
        return True
    times = now[1:3]
    return max(times) < recorded_ns - racy_window(times)


def atomic_write(file: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Replace `file` in one step (a temporary file beside it, then a rename): a reader sees
    the old bytes or the new, never a mix; a crash leaves at most a stray temporary file."""
    file = Path(file)
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(tmp, "wb") as fh:
            data(fh) if callable(data) else fh.write(data)
        os.replace(tmp, file)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_pickle(file: Path, obj: Any, code: str) -> None:
    atomic_write(file, lambda fh: pickle.dump({"format": CACHE_FORMAT, "code": code, "data": obj}, fh,
                                              protocol=pickle.HIGHEST_PROTOCOL))


def load_pickle(file: Path, code: str) -> tuple[Any, str | None]:
    """(the object, None); (None, None) when the file is missing or was written by another
    format or code; (None, why) when it cannot be read: then it is deleted."""
    try:
        with open(file, "rb") as fh:
            envelope = pickle.load(fh)
        if envelope.get("format") == CACHE_FORMAT and envelope.get("code") == code:
            return envelope["data"], None
        return None, None
    except FileNotFoundError:
        return None, None
    except Exception as exc:
        Path(file).unlink(missing_ok=True)
        return None, f"{type(exc).__name__}: {exc}"
