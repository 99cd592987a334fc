"""Write the site into a staging folder beside output/ and swap it in only when complete.

A build writes every file into `.<output>.staging-<pid>/` next to the output folder. `commit()`
renames the old output aside, renames the staging folder into place and deletes the old one;
on any error the staging folder is deleted and the previous site is untouched. Every path is
checked to stay inside the staging folder, so no page or name can write outside the site.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath


class UnsafePathError(ValueError):
    """A relative output path that would leave the output folder."""


def check_relative(rel: str) -> PurePosixPath:
    """`rel` as a clean relative path, or UnsafePathError (absolute, '..', empty parts, NUL)."""
    return PurePosixPath(check_relative_str(rel))


def check_relative_str(rel: str) -> str:
    """check_relative without building a path object (the incremental writer checks 34,000
    names a build at 10,000 articles). An absolute name has an empty first part."""
    if not rel or "\x00" in rel or "\\" in rel:
        raise UnsafePathError(f"unsafe output path {rel!r}")
    if any(part in ("", ".", "..") for part in rel.split("/")):
        raise UnsafePathError(f"output path {rel!r} must stay inside the output folder")
    return rel


class StagedOutput:
    """Use as a context manager: write files, then commit(); leaving without commit discards."""

    def __init__(self, output_dir: str | Path):
        self.output = Path(output_dir).absolute()
        self.staging = self.output.parent / f".{self.output.name}.staging-{os.getpid()}"
        self.written = 0
        self._committed = False

    def __enter__(self) -> "StagedOutput":
        self.output.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(self.output)
        self.staging.mkdir()
        return self

    def __exit__(self, *exc) -> None:
        if not self._committed and self.staging.exists():
            shutil.rmtree(self.staging)

    def target(self, rel: str) -> Path:
        """The staging file for `rel`, after proving it lies inside the staging folder."""
        target = self.staging.joinpath(*check_relative(rel).parts)
        root = self.staging.resolve()
        if not target.resolve().is_relative_to(root):  # a symlink inside staging, say
            raise UnsafePathError(f"output path {rel!r} resolves outside the output folder")
        return target

    def write_bytes(self, rel: str, data: bytes) -> None:
        target = self.target(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise FileExistsError(f"two outputs write {rel}")
        target.write_bytes(data)
        self.written += 1

    def write_text(self, rel: str, text: str) -> None:
        self.write_bytes(rel, text.encode("utf-8"))

    def copy_tree(self, source: Path, rel: str) -> int:
        """Copy every file below `source` to `rel`/..., in sorted order; returns the count."""
        count = 0
        for file in sorted(p for p in Path(source).rglob("*") if p.is_file()):
            if any(part.startswith(".") for part in file.relative_to(source).parts):
                continue  # editor swap files, .DS_Store
            self.write_bytes(f"{rel}/{file.relative_to(source).as_posix()}", file.read_bytes())
            count += 1
        return count

    def commit(self) -> None:
        """Swap the staging folder in as the output folder (two renames, old site deleted)."""
        old = self.output.parent / f".{self.output.name}.old-{os.getpid()}"
        if self.output.exists():
            os.rename(self.output, old)
        os.rename(self.staging, self.output)
        self._committed = True
        if old.exists():
            shutil.rmtree(old)


def _remove_leftovers(output: Path) -> None:
    """Delete staging/old folders a crashed build left; restore output if only the old one exists."""
    leftovers = sorted(output.parent.glob(f".{output.name}.staging-*")) + \
        sorted(output.parent.glob(f".{output.name}.old-*"))
    for folder in leftovers:
        if _pid_alive(folder.name.rsplit("-", 1)[-1]):
            continue  # another build is running right now
        if folder.name.startswith(f".{output.name}.old-") and not output.exists():
            os.rename(folder, output)  # crashed between the two renames: keep the last site
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _pid_alive(text: str) -> bool:
    if not text.isdigit() or int(text) == os.getpid():
        return False
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
