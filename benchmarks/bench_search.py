#!/usr/bin/env python3
"""Search benchmark: build the split index for generated archives and time queries in
headless Chromium (Debian's /usr/bin/chromium through Playwright).

  python benchmarks/bench_search.py                  10,000 articles
  python benchmarks/bench_search.py 10000 50000      several sizes

For each size: generation and index build time (cold, and a one-article edit updated in place), shard count and sizes; then, for several
queries each in a fresh browser context (empty cache), the first query's latency and the
gzip bytes it transfers (lunr.js, manifest, shards, the 10 shown articles' records); then
later queries in the same page. Files are served from 127.0.0.1, so latency is the browser's
work plus local I/O, not network time. Byte counts are gzip -6 of the files fetched.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the generator of test archives

from dataclasses import replace  # noqa: E402

from site_builder.search import STATE_FILE, index_update, write_search_index  # noqa: E402
from search_synthetic import generate_articles, sample_queries  # noqa: E402

BASE = "/archive/"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="archive-base" content="{base}">
<script src="{base}static/search/search.js" defer></script></head>
<body><form class="site-search" action="{base}search/"><input name="q"></form></body></html>"""
COMMON_QUERIES = ["发展", "我们", "中国", "经济发展", "人民群众"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def gzip_size(path: Path, cache: dict) -> int:
    if path not in cache:
        cache[path] = len(gzip.compress(path.read_bytes(), 6))
    return cache[path]


def build(n: int, root: Path) -> dict:
    t0 = time.perf_counter()
    articles = generate_articles(n, seed=42)
    t1 = time.perf_counter()
    site = root / BASE.strip("/")
    cache = root / ".cache"
    report = write_search_index(articles, site, BASE, lambda a: f"articles/{a.id}/",
                                cache_dir=cache)
    t2 = time.perf_counter()
    # a one-article edit, updated in place from the state in .cache/ (files on disk known)
    on_disk = {str(p.relative_to(site / "search")): p.stat().st_size
               for p in (site / "search").rglob("*") if p.is_file()}
    edited = list(articles)
    edited[len(edited) // 2] = replace(edited[len(edited) // 2],
                                       body=edited[len(edited) // 2].body + "\n\n新增一句话，防汛会商。")
    update = index_update(edited, BASE, lambda a: f"articles/{a.id}/", cache / STATE_FILE, on_disk)
    warm = update.report
    for rel, data in update.files.items():
        if data is not None:
            (site / "search" / rel).write_bytes(data)
    update.change.commit()
    shutil.copytree(ROOT / "static" / "search", site / "static" / "search")
    (site / "index.html").write_text(PAGE.format(base=BASE), encoding="utf-8")
    shard_gz = sorted(len(gzip.compress(p.read_bytes(), 6))
                      for p in (site / "search" / "index").glob("*.json"))
    return {"articles": articles, "generate_s": t1 - t0, "build_s": t2 - t1, "report": report,
            "warm_s": warm.seconds, "warm_shards": warm.shards_written,
            "shard_gz_median": shard_gz[len(shard_gz) // 2], "shard_gz_max": shard_gz[-1],
            "index_gz_total": sum(shard_gz)}


def measure(root: Path, articles, first_runs: int, later_runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    queries = sample_queries(articles, first_runs + later_runs, seed=9)
    first_q = queries[:first_runs - 2] + COMMON_QUERIES[:2]
    later_q = queries[first_runs:] + COMMON_QUERIES[2:]
    sizes: dict = {}
    firsts, later, repeated = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for i, q in enumerate(first_q):
            context = browser.new_context()
            page = context.new_page()
            fetched: list[str] = []
            page.on("requestfinished", lambda r: fetched.append(r.url))
            page.goto(origin + BASE)
            page.wait_for_function("typeof window.archiveSearch === 'function'")
            page.wait_for_load_state("networkidle")
            start = len(fetched)
            ms = page.evaluate("""async (q) => { const t = performance.now();
                const r = await window.archiveSearch(q, {limit: 10});
                return [performance.now() - t, r.length]; }""", q)
            files = [root / unquote(urlparse(u).path).lstrip("/") for u in fetched[start:]]
            kb = sum(gzip_size(f, sizes) for f in files if f.is_file()) / 1024
            shards = sum(1 for f in files if f.parent.name == "index")
            firsts.append((q, ms[0], kb, shards, ms[1]))
            if i == len(first_q) - 1:  # later queries: same page, warm lunr.js and manifest
                for lq in later_q:
                    t = page.evaluate("""async (q) => { const t = performance.now();
                        await window.archiveSearch(q, {limit: 10}); return performance.now() - t; }""", lq)
                    later.append((lq, t))
                # the same queries again: shards and records are loaded, so this is the
                # scoring and ranking alone
                for lq in later_q:
                    t = page.evaluate("""async (q) => { const t = performance.now();
                        await window.archiveSearch(q, {limit: 10}); return performance.now() - t; }""", lq)
                    repeated.append(t)
            context.close()
        browser.close()
    server.shutdown()
    return {"firsts": firsts, "later": later, "repeated": sorted(repeated)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[10_000])
    ap.add_argument("--first", type=int, default=8, help="first queries, each in a fresh context")
    ap.add_argument("--later", type=int, default=30, help="later queries in one page")
    ap.add_argument("--keep", help="build into this folder and keep it")
    ap.add_argument("--reuse", action="store_true",
                    help="with --keep: reuse the index built there by an earlier run (only the "
                         "static files are copied afresh), to time changes to search.js")
    args = ap.parse_args(argv)
    for n in args.sizes:
        root = Path(args.keep) / str(n) if args.keep else Path(tempfile.mkdtemp(prefix="bench-search-"))
        site = root / BASE.strip("/")
        if args.reuse and args.keep and (site / "search" / "manifest.json").is_file():
            b = {"articles": generate_articles(n, seed=42)}
            shutil.rmtree(site / "static" / "search", ignore_errors=True)
            shutil.copytree(ROOT / "static" / "search", site / "static" / "search")
            print(f"== {n} articles: index reused from {root}")
        else:
            if root.exists() and args.keep:
                shutil.rmtree(root)
            root.mkdir(parents=True, exist_ok=True)
            b = build(n, root)
            r = b["report"]
            print(f"== {n} articles: generated in {b['generate_s']:.1f} s, index built in "
                  f"{b['build_s']:.1f} s ({b['build_s'] / n * 1000:.1f} ms/article); one-article "
                  f"edit updated in place {b['warm_s']:.2f} s ({b['warm_shards']} shards "
                  f"re-serialised)")
            print(f"   {r.terms} terms, {r.postings} postings, {r.shards} shards; index "
                  f"{r.index_bytes / 1e6:.1f} MB raw, {b['index_gz_total'] / 1e6:.1f} MB gzip; "
                  f"shard gzip median {b['shard_gz_median'] / 1024:.1f} KB, max "
                  f"{b['shard_gz_max'] / 1024:.1f} KB")
        m = measure(root, b["articles"], args.first, args.later)
        for q, ms, kb, shards, hits in m["firsts"]:
            print(f"   first query {q!r:14} {ms:7.1f} ms {kb:7.1f} KB gzip ({shards} shards, {hits} shown)")
        f_ms = [x[1] for x in m["firsts"]]
        f_kb = [x[2] for x in m["firsts"]]
        l_ms = sorted(x[1] for x in m["later"])
        print(f"   first query: median {statistics.median(f_ms):.0f} ms, max {max(f_ms):.0f} ms; "
              f"transfer median {statistics.median(f_kb):.0f} KB, max {max(f_kb):.0f} KB gzip")
        print(f"   later queries ({len(l_ms)}): median {statistics.median(l_ms):.0f} ms, "
              f"p90 {l_ms[int(len(l_ms) * 0.9)]:.0f} ms, max {l_ms[-1]:.0f} ms; slowest: "
              + ", ".join(f"{q!r} {ms:.0f} ms" for q, ms in sorted(m["later"], key=lambda x: -x[1])[:3]))
        rep = m["repeated"]
        print(f"   the same queries repeated (shards and records loaded: scoring and ranking): "
              f"median {statistics.median(rep):.1f} ms, max {rep[-1]:.1f} ms")
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
