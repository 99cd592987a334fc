#!/usr/bin/env python3
"""Screenshots of the key pages at 390 and 1280 px (light and dark) into screenshots/.

  python scripts/screenshots.py [--content DIR] [--out screenshots]

Builds the site from content/ (or, when it holds no article, from the test corpus) into a temp
dir under the base URL /archive/, serves it like GitHub Pages would, and photographs the home,
an article, a tag, the timeline, a person and a page (版面) view with the system Chromium.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import chromium, key_pages  # noqa: E402
from conftest import BASE, SubPathHandler, sample_articles, write_corpus  # noqa: E402
from site_builder.config import load_config  # noqa: E402
from site_builder.site import build_site  # noqa: E402

WIDTHS = (390, 1280)


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--content", help="content folder (default: the one in site.toml)")
    args.add_argument("--out", default=str(ROOT / "screenshots"))
    opts = args.parse_args(argv)
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
        return shoot(output, Path(opts.out))


def shoot(output: Path, out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(SubPathHandler, directory=str(output))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{httpd.server_address[1]}{BASE}"
    try:
        with chromium() as browser:
            pages = {**key_pages(output), "page": "page/" + sorted(
                p.parent.name for p in (output / "page").glob("*/index.html"))[0] + "/"}
            for name, path in pages.items():
                for width in WIDTHS:
                    for scheme in ("light", "dark"):
                        context = browser.new_context(viewport={"width": width, "height": 900},
                                                      color_scheme=scheme, locale="zh-CN")
                        page = context.new_page()
                        page.goto(origin + path, wait_until="load")
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
