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


def _first_year_calendar(root: Path) -> str:
    """The oldest year's 往期回顾 (issues/<year>/; issues/ also holds one folder per issue), else
    the list of years (an archive without issue dates has no calendar)."""
    years = sorted(p.name for p in (root / "issues").iterdir() if p.name.isdigit() and len(p.name) == 4)
    return f"issues/{years[0]}/" if years else "issues/"


def key_pages(output: Path) -> dict[str, str]:
    """Name -> base-relative URL of the pages the browser checks: home, article, tag, timeline,
    person, the issue calendar of a year and a day of 历史上的今天."""
    return {
        "home": "",
        "article": _fullest_folder(output, "a"),
        "tag": _fullest_folder(output, "tags"),
        "timeline": "timeline/",
        "person": _fullest_folder(output, "people"),
        "calendar": _first_year_calendar(output),
        "on-this-day": _fullest_folder(output, "on-this-day"),
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
