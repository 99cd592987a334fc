"""Cache keys from code: the source of every module of this package that an entry module
reaches through its imports.

A cache whose results depend on code must be dropped when that code changes. A hand-kept list
of modules goes stale the day someone adds a module and forgets the list; following the
`import` and `from` statements (at the top and inside functions) cannot forget one. Only
modules of the entry's own top-level package count: libraries are versioned elsewhere.
"""
from __future__ import annotations

import ast
import hashlib
import re
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent.parent  # the folder that holds site_builder/


def module_file(name: str, root: Path) -> Path | None:
    """The file of dotted module `name` below `root` (a package's __init__.py), or None."""
    base = root.joinpath(*name.split("."))
    for file in (base.with_suffix(".py"), base / "__init__.py"):
        if file.is_file():
            return file
    return None


def _importer_package(name: str, file: Path) -> str:
    """The package a relative import in `file` starts from."""
    return name if file.name == "__init__.py" else name.rpartition(".")[0]


# An import statement's text: a `from` with its parenthesised names, else the rest of the line.
# Parsing only these (not whole modules) keeps a key cheap enough for every no-op ingest; a
# match inside a docstring is prose that does not parse, or at worst one module too many.
_IMPORT_STATEMENT = re.compile(rb"^[ \t]*(from[ \t]+[\w.]+[ \t]+import[ \t]*(?:\([^)]*\)|[^\n]*)|import[ \t][^\n]*)",
                               re.M)


def import_statements(source: bytes) -> list[ast.stmt]:
    """The `import` and `from` statements of a module's source, at any depth."""
    found: list[ast.stmt] = []
    for match in _IMPORT_STATEMENT.finditer(source):
        try:
            found.extend(ast.parse(match.group(1)).body)
        except SyntaxError:
            continue
    return [node for node in found if isinstance(node, (ast.Import, ast.ImportFrom))]


def imported_names(name: str, file: Path) -> set[str]:
    """Dotted names a module's import statements may load: each `from X import y` gives X
    and X.y (y may be a submodule), with relative imports made absolute."""
    found: set[str] = set()
    for node in import_statements(file.read_bytes()):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            parts = _importer_package(name, file).split(".")
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join(parts + ([node.module] if node.module else []))
        found.add(base)
        found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _with_parents(name: str) -> list[str]:
    """A module and the packages above it: importing a.b.c runs a/__init__.py and a/b/__init__.py."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def reached_modules(entries: tuple[str, ...], root: Path | None = None) -> dict[str, Path]:
    """Every module of the entries' top-level package that importing them may load, by name
    (below `root`, by default the folder this package is in)."""
    root = PACKAGE_ROOT if root is None else root
    packages = {entry.split(".")[0] for entry in entries}
    reached: dict[str, Path] = {}
    todo = list(entries)
    while todo:
        for name in _with_parents(todo.pop()):
            if name in reached or name.split(".")[0] not in packages:
                continue
            file = module_file(name, root)
            if file is None:  # `from pkg import function`: a name, not a module
                continue
            reached[name] = file
            todo.extend(imported_names(name, file))
    return dict(sorted(reached.items()))


def code_key(*entries: str, root: Path | None = None) -> str:
    """A hash of the names and source of every module `reached_modules` finds."""
    h = hashlib.blake2b(digest_size=16)
    for name, file in reached_modules(entries, root).items():
        h.update(name.encode() + b"\0" + hashlib.blake2b(file.read_bytes(), digest_size=16).digest())
    return h.hexdigest()
