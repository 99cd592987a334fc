#!/usr/bin/env python3
"""Screenshots of the key pages at 390 and 1280 px, light and dark, into a folder.

  python scripts/screenshots.py [--content DIR | --built DIR] [--out DIR] [--only NAME,...]
                                [--tile PX] [--query TEXT]

Builds the site from content/ (or, when it holds no article, from the test corpus) into a temp
dir under the base URL /archive/ (or takes a site already built under that base with --built),
serves it like GitHub Pages would, and photographs with the system Chromium: home, an article,
a page (版面), the timeline, a year, a tag, a person, search results, 历史上的今天 and the
issue calendar (往期回顾). Each file is <name>-<width>-<scheme>.png (the whole page), or with
--tile PX <name>-<width>-<scheme>-<k>.png, pieces of PX pixels from the top (at most
--max-tiles), which an image viewer shows at full size. The search page is photographed after
typing the query into its box, as a reader does. Keep them out of the repo.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import chromium, key_pages  # noqa: E402
from conftest import BASE, SubPathHandler, sample_articles, write_corpus  # noqa: E402
from site_builder.config import load_config  # noqa: E402
from site_builder.build.site import build_site  # noqa: E402

WIDTHS = (390, 1280)
SCHEMES = ("light", "dark")


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--content", help="content folder (default: the one in site.toml)")
    args.add_argument("--built", help="a site already built with --base-url /archive/")
    args.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "screenshots"))
    args.add_argument("--only", help="comma-separated page names (default: all)")
    args.add_argument("--tile", type=int, default=0, help="cut each page into pieces this tall (px)")
    args.add_argument("--max-tiles", type=int, default=3, help="pieces kept per page with --tile")
    args.add_argument("--query", help="what to type into the search box (default: two characters of "
                                      "the photographed article's title)")
    opts = args.parse_args(argv)
    only = set(opts.only.split(",")) if opts.only else None
    shots = Shots(only, opts.tile, opts.max_tiles, opts.query)
    if opts.built:
        return shoot(Path(opts.built), Path(opts.out), shots)
    config = load_config(ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(opts.content or config.path("content_dir"))
        if not any(content.rglob("*.md")):
            print(f"{content} holds no article; using the test corpus", file=sys.stderr)
            content = Path(tmp) / "content"
            write_corpus(content, sample_articles())
        output = Path(tmp) / "output"
        result = build_site(config.with_overrides(content_dir=str(content), output_dir=str(output),
                                                  base_url=BASE))
        print(result.summary(), file=sys.stderr)
        if not result.ok:
            return 1
        return shoot(output, Path(opts.out), shots)


def _first_folder(output: Path, section: str, pattern: str) -> str | None:
    """The largest page in section/ whose folder name matches `pattern` (the most to look at)."""
    pages = [p for p in (output / section).glob("*/index.html") if re.fullmatch(pattern, p.parent.name)]
    if not pages:
        return None
    best = max(pages, key=lambda p: (p.stat().st_size, p.parent.name))
    return f"{section}/{quote(best.parent.name)}/"


@dataclass
class Shots:
    only: set[str] | None = None
    tile: int = 0  # px; 0 = one image of the whole page
    max_tiles: int = 3
    query: str | None = None


def pages_to_shoot(output: Path, query: str | None = None) -> dict[str, str]:
    pages = dict(key_pages(output))
    pages["page"] = _first_folder(output, "page", r".+")
    pages["year"] = _first_folder(output, "timeline", r"\d{4}")
    pages["on-this-day"] = _first_folder(output, "on-this-day", r"\d\d-\d\d") or "on-this-day/"
    pages["calendar"] = _first_folder(output, "issues", r"\d{4}") or "issues/"
    title = re.search(r'<h1>([^<]{2})', (output / pages["article"] / "index.html")
                      .read_text(encoding="utf-8") if (output / pages["article"]).exists() else "")
    pages["search"] = "search/#" + (query or (title.group(1) if title else "会议"))
    return {k: v for k, v in pages.items() if v is not None}


def type_query(page, path: str) -> None:
    """The search page: type the query (after '#' in path) into its box as a reader would and
    wait for the results."""
    query = path.split("#", 1)[1]
    box = page.locator("#search-form input[name=q]")
    box.click()
    page.keyboard.type(query, delay=40)
    try:
        page.locator("#search-results .search-result, #search-results .search-status").first.wait_for(timeout=10000)
        page.wait_for_timeout(800)
    except Exception as e:  # photograph what the reader sees anyway
        print(f"search page: no result shown for {query!r} ({e})", file=sys.stderr)


def save(page, file_stem: Path, shots: Shots) -> list[Path]:
    if not shots.tile:
        page.screenshot(path=str(file_stem) + ".png", full_page=True)
        return [Path(str(file_stem) + ".png")]
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.viewport_size["width"]
    out = []
    for k in range(min(shots.max_tiles, -(-height // shots.tile))):
        top = k * shots.tile
        file = Path(f"{file_stem}-{k + 1}.png")
        page.screenshot(path=str(file), full_page=True,
                        clip={"x": 0, "y": top, "width": width, "height": min(shots.tile, height - top)})
        out.append(file)
    return out


def shoot(output: Path, out_dir: Path, shots: Shots) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(SubPathHandler, directory=str(output))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}{BASE}"
    try:
        with chromium() as browser:
            for name, path in pages_to_shoot(output, shots.query).items():
                if shots.only and name not in shots.only:
                    continue
                for width in WIDTHS:
                    for scheme in SCHEMES:
                        context = browser.new_context(viewport={"width": width, "height": 900},
                                                      color_scheme=scheme, locale="zh-CN")
                        page = context.new_page()
                        page.goto(origin + path.split("#")[0], wait_until="networkidle")
                        if "#" in path:
                            type_query(page, path)
                        for file in save(page, out_dir / f"{name}-{width}-{scheme}", shots):
                            print(file)
                        context.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
