#!/usr/bin/env python3
"""Bytes of an article page beyond its text, over a built site (issue 15: about 3 KB at most).

  python benchmarks/article_markup.py OUTPUT_DIR

Prints, over every page under OUTPUT_DIR/a/: the markup (every byte of the file except the
text of <body>: tags, attributes, <head>) and the bytes beyond the article's own text (as
markup, plus the site's header, footer and neighbour links), median and maximum.
"""
from __future__ import annotations

import html
import re
import statistics
import sys
from pathlib import Path


def text_bytes(fragment: str) -> int:
    text = html.unescape(re.sub(r"<[^>]+>", "", fragment))
    return len(re.sub(r"\s+", " ", text).encode("utf-8"))


def measure(page: str) -> tuple[int, int]:
    size = len(page.encode("utf-8"))
    body = page[page.find("<body"):]
    article = re.search(r"<article\b.*?</article>", page, re.S)
    return size - text_bytes(body), size - text_bytes(article.group(0) if article else "")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    rows = [measure(f.read_text(encoding="utf-8")) for f in Path(argv[0]).glob("a/*/index.html")]
    if not rows:
        print(f"{argv[0]}: no article pages under a/", file=sys.stderr)
        return 1
    for name, values in (("markup", [r[0] for r in rows]), ("beyond the article's text", [r[1] for r in rows])):
        print(f"{name}: median {statistics.median(values):.0f} B, max {max(values)} B ({len(values)} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
