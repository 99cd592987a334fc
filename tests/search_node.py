"""Running search.js with the vendored lunr.js in Node, for tests that compare rankings."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from site_builder.model import Article

ROOT = Path(__file__).resolve().parent.parent
SEARCH_JS = ROOT / "static" / "search" / "search.js"
LUNR_JS = ROOT / "static" / "search" / "lunr.js"


def run_node(script: str, search_dir: Path, payload) -> list[dict]:
    """Run `script` (argv: lunr.js, search.js, search dir) with `payload` as JSON on stdin."""
    run = subprocess.run(["node", "-e", script, str(LUNR_JS), str(SEARCH_JS), str(search_dir)],
                         input=json.dumps(payload, ensure_ascii=False), capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def url(article: Article) -> str:
    return f"articles/{article.id}/"
