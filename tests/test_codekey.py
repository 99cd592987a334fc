"""Cache keys follow the imports: a module ingestion imports is part of the key, any other
module is not, with no list of modules to keep by hand."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from site_builder import codekey
from site_builder.ingest import cache as ic

PACKAGE = Path(__file__).resolve().parent.parent / "site_builder"
ENTRY = "site_builder.ingest.run"


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of site_builder's source below tmp_path, which the tests may change."""
    shutil.copytree(PACKAGE, tmp_path / "site_builder", ignore=shutil.ignore_patterns("__pycache__", "*.js"))
    return tmp_path


def add_import(file: Path, line: str) -> None:
    """Put an import line under the module's `from __future__` line."""
    text = file.read_text(encoding="utf-8")
    anchor = "from __future__ import annotations\n"
    assert anchor in text, file
    file.write_text(text.replace(anchor, anchor + line + "\n", 1), encoding="utf-8")


def test_a_module_segment_imports_is_part_of_the_key(package_copy):
    ingest = package_copy / "site_builder" / "ingest"
    (ingest / "newrule.py").write_text("LIMIT = 3\n", encoding="utf-8")
    add_import(ingest / "segment.py", "from . import newrule")
    before = codekey.code_key(ENTRY, root=package_copy)
    assert "site_builder.ingest.newrule" in codekey.reached_modules((ENTRY,), package_copy)
    (ingest / "newrule.py").write_text("LIMIT = 4\n", encoding="utf-8")
    assert codekey.code_key(ENTRY, root=package_copy) != before


def test_a_module_nothing_imports_is_not_part_of_the_key(package_copy):
    ingest = package_copy / "site_builder" / "ingest"
    before = codekey.code_key(ENTRY, root=package_copy)
    (ingest / "unused.py").write_text("LIMIT = 3\n", encoding="utf-8")
    assert codekey.code_key(ENTRY, root=package_copy) == before
    (ingest / "unused.py").write_text("LIMIT = 4\n", encoding="utf-8")
    assert codekey.code_key(ENTRY, root=package_copy) == before
    assert "site_builder.ingest.unused" not in codekey.reached_modules((ENTRY,), package_copy)


def test_imports_inside_functions_and_aliases_count(package_copy):
    ingest = package_copy / "site_builder" / "ingest"
    (ingest / "late.py").write_text("X = 1\n", encoding="utf-8")
    (ingest / "segment.py").write_text((ingest / "segment.py").read_text(encoding="utf-8")
                                      + "\n\ndef _late():\n    from . import late as _l\n    return _l.X\n",
                                      encoding="utf-8")
    assert "site_builder.ingest.late" in codekey.reached_modules((ENTRY,), package_copy)


def test_the_ingest_salt_changes_with_a_module_segment_imports(package_copy, monkeypatch):
    """The ingest cache's code version comes from the imports (it was a hand-kept list)."""
    ingest = package_copy / "site_builder" / "ingest"
    (ingest / "newrule.py").write_text("LIMIT = 3\n", encoding="utf-8")
    add_import(ingest / "segment.py", "from . import newrule")
    monkeypatch.setattr(codekey, "PACKAGE_ROOT", package_copy)
    before = ic.salt(None, frozenset())
    (ingest / "newrule.py").write_text("LIMIT = 4\n", encoding="utf-8")
    assert ic.salt(None, frozenset()) != before


def test_the_import_scan_finds_what_a_full_parse_finds():
    """import_statements reads only import lines (cheap on every no-op ingest): for every
    module of the package it must find the same statements as walking the whole tree."""
    for file in sorted(PACKAGE.rglob("*.py")):
        source = file.read_bytes()
        full = sorted(ast.dump(node) for node in ast.walk(ast.parse(source))
                      if isinstance(node, (ast.Import, ast.ImportFrom)))
        assert sorted(ast.dump(node) for node in codekey.import_statements(source)) == full, file
