"""`build.py --help`: every option of every command explains itself and its default, and the
top-level help says what running with no command does."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
import build  # noqa: E402


def _parsers() -> dict[str, argparse.ArgumentParser]:
    top = build._parser()
    found = {"build.py": top}
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


@pytest.mark.parametrize("name", ["build.py", "ingest", "build", "serve", "watch"])
def test_every_option_has_help_with_its_default(name):
    parser = _parsers()[name]
    options = [a for a in parser._actions
               if a.option_strings and not isinstance(a, argparse._HelpAction)]
    assert options
    for action in options:
        assert action.help, f"{name} {action.option_strings[0]} has no help text"
        assert "default" in parser._get_formatter()._expand_help(action), \
            f"{name} {action.option_strings[0]} does not say its default"


def test_help_says_that_no_command_means_ingest_then_build():
    text = subprocess.run([sys.executable, str(REPO / "build.py"), "--help"], capture_output=True,
                          text=True, check=True).stdout
    assert "With no command" in text and "ingest + build" in text
    for command in ("ingest", "build", "serve", "watch"):
        assert command in text


def test_piped_ingest_and_build_print_one_line_per_stage_with_counts_and_rate(tmp_path):
    """Issue 12: a long build ran silently. Piped (as in CI) each stage ends with one line:
    what it did, how fast, and where the time went."""
    from test_watch_incremental import _article, _write
    import random
    import shutil

    root = tmp_path / "site"
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "static", root / "static")
    (root / "seeds").mkdir()
    (root / "site.toml").write_text('[site]\ntitle = "测试"\n', encoding="utf-8")
    rng = random.Random(0)
    for i in range(8):
        _write(root, _article(rng, i // 4, i % 4 + 1, i))
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "--root", str(root)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    for stage in ("ingest", "build"):
        line = next((l for l in lines if l.startswith(f"{stage}: ") and " pages in " in l), None)
        assert line and "pages/s" in line, done.stderr
    build_line = next(l for l in lines if l.startswith("build: "))
    assert "render" in build_line  # its sub-stages and their times
    assert "\r" not in done.stderr  # no status line when piped
