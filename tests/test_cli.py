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
