"""The corpus step is one module that the full, cached and incremental ingestion share, and the
ingest modules import each other in one direction only."""
from __future__ import annotations

import subprocess
import sys

import pytest

from site_builder.codekey import PACKAGE_ROOT, imported_names, module_file

PACKAGE = PACKAGE_ROOT / "site_builder" / "ingest"
INGEST_MODULES = sorted(f"site_builder.ingest.{file.stem}" for file in PACKAGE.glob("*.py")
                        if file.name != "__init__.py")


def ingest_imports(name: str) -> set[str]:
    """The modules of the ingest package a module imports, at the top or inside a function."""
    return {n for n in imported_names(name, module_file(name, PACKAGE_ROOT)) if n in INGEST_MODULES}


def test_no_import_cycle_among_ingest_modules():
    graph = {name: ingest_imports(name) for name in INGEST_MODULES}
    assert graph["site_builder.ingest.run"] >= {"site_builder.ingest.cache", "site_builder.ingest.state"}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph[start]:
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = [name for name in INGEST_MODULES if reaches(name, name, {name})]
    assert not cycles, {name: sorted(graph[name]) for name in cycles}


@pytest.mark.parametrize("name", INGEST_MODULES)
def test_each_ingest_module_imports_alone(name):
    """In a fresh interpreter, so no other import has filled sys.modules first (a cycle at
    the top of two modules fails only in one of the two orders)."""
    subprocess.run([sys.executable, "-c", f"import {name}"], cwd=PACKAGE_ROOT, check=True,
                   capture_output=True, text=True)


def test_corpus_rules_are_defined_once():
    """The cached and incremental paths call corpus.py's steps, not copies of them."""
    for name in ("cache", "state", "extract", "run", "pages", "files"):
        source = (PACKAGE / f"{name}.py").read_text(encoding="utf-8")
        for step in ("def finish_article", "def confirm_again", "def credited_names", "def common_flag",
                     "def confirm(", "def finish_corpus("):
            assert step not in source, f"{name}.py defines its own {step[4:]}"
