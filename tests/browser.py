"""Shared Playwright helpers for the browser tests and scripts/screenshots.py.

Uses the system Chromium (never downloads a browser). Pages are picked from the built site
itself, so nothing here names a sample article.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import quote

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _fullest_folder(root: Path, section: str) -> str:
    """The page in section/ with the most HTML (the most to look at); ties by name."""
    pages = [p for p in (root / section).glob("*/index.html")]
    if not pages:
        raise LookupError(f"the built site has no {section}/ page")
    best = max(pages, key=lambda p: (p.stat().st_size, p.parent.name))
    return f"{section}/{quote(best.parent.name)}/"


def key_pages(output: Path) -> dict[str, str]:
    """Name -> base-relative URL of the pages the browser checks: home, article, tag, timeline, person."""
    return {
        "home": "",
        "article": _fullest_folder(output, "a"),
        "tag": _fullest_folder(output, "tags"),
        "timeline": "timeline/",
        "person": _fullest_folder(output, "people"),
    }


def run_axe(page) -> list[dict]:
    """axe-core violations on the loaded page (injected from the vendored file)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no horizontal scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
