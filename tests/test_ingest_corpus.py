"""The corpus step is one module that the full, cached and incremental ingestion share, and the
ingest modules import each other in one direction only."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder" / "ingest"
INGEST_SIDE = ("run", "cache", "state", "corpus", "extract", "entities")


def imported_modules(name: str) -> set[str]:
    """The package's modules a module imports, at the top or inside a function."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_no_import_cycle_among_ingest_modules():
    graph = {name: imported_modules(name) & set(INGEST_SIDE) for name in INGEST_SIDE}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = [name for name in INGEST_SIDE if reaches(name, name, {name})]
    assert not cycles, {name: sorted(graph[name]) for name in cycles}


def test_corpus_rules_are_defined_once():
    """The cached and incremental paths call corpus.py's steps, not copies of them."""
    for name in ("cache", "state", "extract", "run"):
        source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
        for step in ("def finish_article", "def confirm_again", "def credited_names", "def common_flag",
                     "def confirm(", "def finish_corpus("):
            assert step not in source, f"{name}.py defines its own {step[4:]}"
