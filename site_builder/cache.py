"""One layout for every cache: files and folders in `.cache/` of the project (CACHE_DIR),
each written whole by one atomic rename (atomic_write), pickles headed by one format number
(CACHE_FORMAT) and the code key of what wrote them (load_pickle), so a change of format or
code makes a cache stale, never wrong. Every cache is disposable: one that cannot be read is
deleted and rebuilt."""
from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path
from typing import Any, BinaryIO, Callable

CACHE_DIR = ".cache"
CACHE_FORMAT = 1  # raise it when the layout of any cache changes in a way code keys miss


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
