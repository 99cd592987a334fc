"""Publishing output/ in one step, and the checks that keep every write inside it.

StagedOutput (a build without the cache, `site.full_build`) writes every file into
`.<output>.staging-<pid>/` next to the output folder; `commit()` swaps it in and deletes the
old site; on any error the staging folder is deleted and the previous site is untouched.
PublishedTree (the incremental builder) keeps a second tree of hard links beside output/,
writes only what changed into it and swaps it in; see its docstring. The swap is one
renameat2(RENAME_EXCHANGE) on Linux; elsewhere two renames, so output/ may be missing for a
moment, but it is never a mix of two builds. Every path is checked to stay inside the folder
written, so no page or name can write outside the site.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from ..cache import atomic_write


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
        """Swap the staging folder in as the output folder in one step (renameat2 exchange;
        elsewhere two renames, output/ briefly missing), then delete the old site."""
        if self.output.exists() and exchange(self.staging, self.output):
            self._committed = True
            shutil.rmtree(self.staging)
            return
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


# ---------------------------------------------------------------------------- one-step publishing


RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE). False where the system or
    the file system cannot; then nothing was done."""
    libc = _libc()
    fn = getattr(libc, "renameat2", None) if libc is not None else None
    if fn is None:
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # not supported here
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _libc():
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(None, use_errno=True)
        except OSError:
            _LIBC = False
    return _LIBC or None


_LIBC = None


@dataclass
class PublishedTree:
    """Publishes output/ in one step. A build writes into a second tree beside it,
    `.<output>.publish/tree/`, that holds the same files as output/ (hard links: output files
    are only ever replaced by a rename, never changed in place), then swaps the two folders
    with one renameat2(RENAME_EXCHANGE); where that is not available, with three renames, so
    that output/ is briefly missing but never mixed. The old output/ becomes the next build's
    tree: `state.json` lists the files it lacks (what the last build changed), and the next
    prepare() links just those from output/. Without a trustworthy state (first build, a build
    killed while writing, output/ replaced by someone else) the tree is mirrored from output/
    in full, file by file."""

    output: Path

    def __post_init__(self):
        self.output = Path(self.output).absolute()
        self.folder = self.output.parent / f".{self.output.name}.publish"
        self.tree = self.folder / "tree"
        self.state_file = self.folder / "state.json"

    def prepare(self) -> Path:
        """The folder to write the next site into, holding what output/ holds now."""
        self.output.mkdir(parents=True, exist_ok=True)
        self.folder.mkdir(exist_ok=True)
        behind = self._read_state()
        # From here until publish() or settle() the tree is being changed: no state, so a
        # build killed now leaves the next one to mirror it in full.
        unlink_quietly(self.state_file)
        if behind is None or not self._catch_up(behind):
            mirror_tree(self.output, self.tree)
        return self.tree

    def publish(self, changed: Iterable[str]) -> None:
        """Swap the written tree in as output/; `changed`: the files the build changed."""
        if not exchange(self.tree, self.output):
            old = self.folder / "old"
            if old.exists():
                shutil.rmtree(old)
            os.rename(self.output, old)
            os.rename(self.tree, self.output)
            os.rename(old, self.tree)
        # The old site, now the tree, catches up at once: the next build (a one-article edit,
        # say) then finds it ready instead of paying for this build's changes. A kill before
        # the state is written leaves no state: the next build mirrors in full.
        if not self._catch_up(sorted(set(changed))):
            mirror_tree(self.output, self.tree)
        self._write_state(())

    def settle(self, changed: Iterable[str] = ()) -> None:
        """After a build that wrote nothing to output/ (or took its writes back): the tree
        still matches output/ except for `changed`."""
        self._write_state(changed)

    def _identity(self) -> list:
        out, tree = os.stat(self.output), os.stat(self.tree)
        return [out.st_dev, out.st_ino, out.st_ctime_ns, tree.st_ino, tree.st_ctime_ns]

    def _write_state(self, changed: Iterable[str]) -> None:
        data = json.dumps({"identity": self._identity(), "behind": sorted(set(changed))})
        atomic_write(self.state_file, data.encode("utf-8"))

    def _read_state(self) -> list[str] | None:
        try:
            data = json.loads(self.state_file.read_text(encoding="utf-8"))
            if data["identity"] != self._identity():
                return None  # output/ or the tree was replaced or changed at its top
            return [check_relative_str(rel) for rel in data["behind"]]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _catch_up(self, behind: list[str]) -> bool:
        """Link the files the last build changed from output/ into the tree; False when one
        is not a plain file (then mirror in full). Strings, not Paths, and one link for a
        file the tree lacks: after a cold build this links every file of the site."""
        out, tree = str(self.output) + os.sep, str(self.tree)
        folders = {tree}
        for rel in behind:
            source, target = out + rel, os.path.join(tree, rel)
            try:
                st = os.lstat(source)
            except FileNotFoundError:
                unlink_quietly(Path(target))
                remove_empty_parents(os.path.dirname(target), tree)
                continue
            if not stat.S_ISREG(st.st_mode):
                return False
            folder = os.path.dirname(target)
            if folder not in folders:
                os.makedirs(folder, exist_ok=True)
                folders.add(folder)
            try:
                os.link(source, target)
            except FileExistsError:
                _link_into(Path(source), Path(target))
            except OSError:
                shutil.copy2(source, target)
        return True


def mirror_tree(source: Path, target: Path) -> None:
    """Make `target` hold exactly the files of `source`, as hard links (copies where a link
    fails), touching only what differs."""
    target.mkdir(parents=True, exist_ok=True)
    stack = [(str(source), str(target))]
    while stack:
        src, dst = stack.pop()
        wanted = {entry.name: entry for entry in list(os.scandir(src))}
        for entry in list(os.scandir(dst)):
            have = wanted.get(entry.name)
            if have is None or have.is_dir(follow_symlinks=False) != entry.is_dir(follow_symlinks=False):
                _remove_path(entry.path, entry.is_dir(follow_symlinks=False))
        for name, entry in wanted.items():
            path = os.path.join(dst, name)
            if entry.is_dir(follow_symlinks=False):
                if not os.path.isdir(path):
                    os.mkdir(path)
                stack.append((entry.path, path))
            elif entry.is_symlink():
                _remove_path(path, False)
                os.symlink(os.readlink(entry.path), path)
            else:
                try:
                    same = os.path.samefile(entry.path, path)
                except OSError:
                    same = False
                if not same:
                    _link_into(Path(entry.path), Path(path))


def _link_into(source: Path, target: Path) -> None:
    """`target` becomes a link to (or copy of) `source`, replaced by one rename."""
    tmp = target.with_name(f".{target.name}.link-{os.getpid()}")
    unlink_quietly(tmp)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copy2(source, tmp)
    os.replace(tmp, target)


def _remove_path(path: str, is_dir: bool) -> None:
    if is_dir:
        shutil.rmtree(path)
    else:
        unlink_quietly(Path(path))


def unlink_quietly(path: str | Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def link_over(source: str, path: str) -> None:
    """`path` (a temporary name: replaced if it exists) as a link to or copy of `source`."""
    unlink_quietly(path)
    try:
        os.link(source, path)
    except OSError:
        shutil.copyfile(source, path)


def remove_empty_parents(folder: str, base: str) -> None:
    """Remove `folder` and its parents up to (not including) `base` while they are empty."""
    while len(folder) > len(base) and folder.startswith(base):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)
