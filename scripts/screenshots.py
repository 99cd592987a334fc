#!/usr/bin/env python3
"""Screenshots of the key pages at 390 and 1280 px, light and dark, into a folder.

  python scripts/screenshots.py [--content DIR | --built DIR] [--out DIR] [--only NAME,...]

Builds the site from content/ (or, when it holds no article, from the test corpus) into a temp
dir under the base URL /archive/ (or takes a site already built under that base with --built),
serves it like GitHub Pages would, and photographs with the system Chromium: home, an article,
a page (版面), the timeline, a year, a tag, a person, search results, 历史上的今天 and the
issue calendar (往期回顾). Each file is <name>-<width>-<scheme>.png. Keep them out of the repo.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import sys
import tempfile
import threading
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
    opts = args.parse_args(argv)
    only = set(opts.only.split(",")) if opts.only else None
    if opts.built:
        return shoot(Path(opts.built), Path(opts.out), only)
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
        return shoot(output, Path(opts.out), only)


def _first_folder(output: Path, section: str, pattern: str) -> str | None:
    """The largest page in section/ whose folder name matches `pattern` (the most to look at)."""
    pages = [p for p in (output / section).glob("*/index.html") if re.fullmatch(pattern, p.parent.name)]
    if not pages:
        return None
    best = max(pages, key=lambda p: (p.stat().st_size, p.parent.name))
    return f"{section}/{quote(best.parent.name)}/"


def pages_to_shoot(output: Path) -> dict[str, str]:
    pages = dict(key_pages(output))
    pages["page"] = _first_folder(output, "page", r".+")
    pages["year"] = _first_folder(output, "timeline", r"\d{4}")
    pages["on-this-day"] = _first_folder(output, "on-this-day", r"\d\d-\d\d") or "on-this-day/"
    pages["calendar"] = _first_folder(output, "issues", r"\d{4}") or "issues/"
    title = re.search(r'<h1>([^<]{2})', (output / pages["article"] / "index.html")
                      .read_text(encoding="utf-8") if (output / pages["article"]).exists() else "")
    pages["search"] = "search/?q=" + quote(title.group(1) if title else "会议")
    return {k: v for k, v in pages.items() if v is not None}


def shoot(output: Path, out_dir: Path, only: set[str] | None = None) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(SubPathHandler, directory=str(output))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}{BASE}"
    try:
        with chromium() as browser:
            for name, path in pages_to_shoot(output).items():
                if only and name not in only:
                    continue
                for width in WIDTHS:
                    for scheme in SCHEMES:
                        context = browser.new_context(viewport={"width": width, "height": 900},
                                                      color_scheme=scheme, locale="zh-CN")
                        page = context.new_page()
                        page.goto(origin + path, wait_until="networkidle")
                        file = out_dir / f"{name}-{width}-{scheme}.png"
                        page.screenshot(path=str(file), full_page=True)
                        context.close()
                        print(file)
    finally:
        httpd.shutdown()
        httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
