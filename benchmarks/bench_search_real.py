#!/usr/bin/env python3
"""Search on real text, this tree against another checkout (e.g. main), in one run.

  python benchmarks/bench_search_real.py CONTENT_DIR --against ../main --sizes 5000 50000

CONTENT_DIR is an ingested archive (content/ of `python build.py ingest`); its articles are
repeated (new ids, dates moved by whole years) up to each size. For each tree (its own
site_builder and static/search, imported in a child process) and size: index build time,
size of search/ (apparent bytes and files) against the indexed text (UTF-8 bytes of title,
kicker, subtitle and plain body), then in headless Chromium: recall over every match and
top-10 precision over the first ten results shown (archiveSearch(q, {limit: 10})), for
queries of 2-8 characters drawn from the articles (as the search tests draw them); first
queries each in a fresh page (latency, and gzip -6 bytes of every file fetched: lunr.js,
manifest, shards, records, article pages). Each article gets a page of its text plus about
3 KB of markup (the search reads texts from article pages for phrase ordering and snippets).
Real newspaper text stays outside the repository: pass its folder.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import html
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote, urlparse

HERE = Path(__file__).resolve().parent
BASE = "/archive/"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
SEARCH_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="archive-base" content="{base}">
<script src="{base}static/search/search.js" defer></script></head>
<body><form class="site-search" action="{base}search/"><input name="q"></form></body></html>"""
# About 3 KB of markup around the text, like an article page of the site.
ARTICLE_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<header class="site-header"><nav>{nav}</nav></header><main><article class="article">
<header class="article-head"><h1 class="headline">{title}</h1><dl class="article-meta"><div>
<dt>日期</dt><dd>{date}</dd></div></dl></header><div class="article-body">{body}</div></article>
</main><footer>{nav}</footer></body></html>"""
NAV = "".join(f'<a href="{BASE}section/{i}/" class="nav-link">栏目{i}</a>' for i in range(28))


def repeat_articles(articles: list, n: int) -> list:
    """`n` articles: the archive repeated, each copy with new ids and dates moved by whole
    years (so years and filters stay meaningful)."""
    out = []
    for copy in range(n // len(articles) + 1):
        for a in articles:
            if len(out) == n:
                return out
            date = a.date
            if copy and date[:4].isdigit():
                date = f"{int(date[:4]) - copy:04d}{date[4:]}"
            out.append(replace(a, id=f"{a.id}-r{copy}" if copy else a.id, date=date,
                               published=date if a.published else None))
    return out


def child_build(tree: Path, content: Path, n: int, site: Path, query_count: int, seed: int) -> dict:
    """In a child process with `tree` first on sys.path: build search/ and article pages."""
    sys.path.insert(0, str(tree))
    from site_builder.content import read_corpus
    try:
        from site_builder.search import plain_text, prepare_documents, write_search_index
        from site_builder.search.tokens import normalize
    except ImportError:  # a checkout from before the search package (e.g. fcd22be)
        from site_builder.search_index import plain_text, prepare_documents, write_search_index
        from site_builder.search_tokens import normalize
    try:
        from site_builder.search_synthetic import sample_queries
    except ImportError:
        sys.path.insert(0, str(tree / "tests"))
        from search_synthetic import sample_queries

    articles = repeat_articles(read_corpus(content).articles, n)
    url = lambda a: f"articles/{a.id}/"  # noqa: E731
    t0 = time.perf_counter()
    report = write_search_index(articles, site, BASE, url)
    build_s = time.perf_counter() - t0
    shutil.copytree(tree / "static" / "search", site / "static" / "search")
    (site / "index.html").write_text(SEARCH_PAGE.format(base=BASE), encoding="utf-8")
    texts, indexed = {}, 0
    for doc in prepare_documents(articles, BASE, url):
        a = doc.article
        head = "\n".join(x for x in (a.kicker, a.title, a.subtitle) if x)
        body = plain_text(a.body or "")
        indexed += len((head + "\n" + body).encode("utf-8"))
        texts[doc.ref] = [a.id, normalize(head + "\n" + body)]
        page = site / url(a) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n"))
        page.write_text(ARTICLE_PAGE.format(title=html.escape(head), date=a.date, body=paragraphs,
                                            nav=NAV), encoding="utf-8")
    files = [p for p in (site / "search").rglob("*") if p.is_file()]
    return {"build_s": build_s, "indexed": indexed, "search_bytes": sum(p.stat().st_size for p in files),
            "search_files": len(files), "shards": report.shards, "texts": texts,
            "queries": sample_queries(articles, query_count, seed=seed)}


def gzip_size(path: Path, cache: dict) -> int:
    if path not in cache:
        cache[path] = len(gzip.compress(path.read_bytes(), 6))
    return cache[path]


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def browse(root: Path, built: dict, first_runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    queries, texts = built["queries"], built["texts"]
    sizes: dict = {}
    firsts = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for q in queries[:first_runs]:
            context = browser.new_context()
            page = context.new_page()
            fetched: list[str] = []
            page.on("requestfinished", lambda r: fetched.append(r.url))
            page.goto(origin + BASE)
            page.wait_for_function("typeof window.archiveSearch === 'function'")
            page.wait_for_load_state("networkidle")
            start = len(fetched)
            ms = page.evaluate("""async (q) => { const t = performance.now();
                await window.archiveSearch(q, {limit: 10}); return performance.now() - t; }""", q)
            paths = [root / unquote(urlparse(u).path).lstrip("/") for u in fetched[start:]]
            paths = [f / "index.html" if f.is_dir() else f for f in paths]
            firsts.append((q, ms, sum(gzip_size(f, sizes) for f in paths if f.is_file()) / 1024))
            context.close()
        page = browser.new_page()
        page.goto(origin + BASE)
        page.wait_for_function("typeof window.archiveSearch === 'function'")
        results = page.evaluate("""async (queries) => {
            const out = [];
            for (const q of queries) {
              const all = (await window.archiveSearch.matches(q)).map(m => m.ref);
              const top = (await window.archiveSearch(q, {limit: 10})).map(r => r.id);
              out.push([all, top]);
            }
            return out; }""", queries)
        browser.close()
    server.shutdown()
    relevant_total = found = shown = shown_ok = 0
    for q, (refs, top) in zip(queries, results):
        from_tree = [normalize_like(q)]
        relevant = {ref for ref, (_, text) in texts.items() if from_tree[0] in text}
        ids = {texts[ref][0] for ref in relevant}
        relevant_total += len(relevant)
        found += len(relevant & set(refs))
        shown += len(top)
        shown_ok += sum(i in ids for i in top)
    return {"recall": found / relevant_total, "precision": shown_ok / shown, "firsts": firsts}


def normalize_like(text: str) -> str:
    import unicodedata
    return unicodedata.normalize("NFKC", text).lower()


def run_tree(tree: Path, content: Path, n: int, work: Path, args) -> dict:
    site_root = work / "site"
    site = site_root / BASE.strip("/")
    out = work / "built.json"
    code = ("import json, sys; sys.path.insert(0, %r); import bench_search_real as b; "
            "from pathlib import Path; "
            "json.dump(b.child_build(Path(%r), Path(%r), %d, Path(%r), %d, %d), open(%r, 'w'), ensure_ascii=False)"
            % (str(HERE), str(tree), str(content), n, str(site), args.queries, args.seed, str(out)))
    subprocess.run([sys.executable, "-c", code], check=True)
    built = json.loads(out.read_text(encoding="utf-8"))
    measured = browse(site_root, built, args.first)
    shutil.rmtree(work, ignore_errors=True)
    return {**{k: v for k, v in built.items() if k not in ("texts", "queries")}, **measured}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("content", type=Path, help="an ingested archive's content/ folder")
    ap.add_argument("--against", type=Path, action="append", default=[],
                    help="another checkout to measure the same way (e.g. main)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[5000])
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--first", type=int, default=8, help="first queries, each in a fresh page")
    ap.add_argument("--seed", type=int, default=9)
    args = ap.parse_args(argv)
    trees = [HERE.parent] + [t.resolve() for t in args.against]
    for n in args.sizes:
        for tree in trees:
            work = Path(tempfile.mkdtemp(prefix="bench-search-real-"))
            r = run_tree(tree, args.content.resolve(), n, work, args)
            f_ms = [x[1] for x in r["firsts"]]
            f_kb = [x[2] for x in r["firsts"]]
            print(f"== {tree.name} at {n} articles: index built in {r['build_s']:.1f} s; search/ "
                  f"{r['search_bytes'] / 1e6:.1f} MB in {r['search_files']} files ({r['shards']} shards) "
                  f"= {r['search_bytes'] / r['indexed']:.2f}x the indexed text ({r['indexed'] / 1e6:.1f} MB)")
            print(f"   recall {r['recall']:.4f}, top-10 precision {r['precision']:.4f} "
                  f"({args.queries} queries)")
            print(f"   first query: median {statistics.median(f_ms):.0f} ms, max {max(f_ms):.0f} ms; "
                  f"transferred median {statistics.median(f_kb):.0f} KB, max {max(f_kb):.0f} KB gzip "
                  + "; ".join(f"{q} {ms:.0f} ms {kb:.0f} KB" for q, ms, kb in r["firsts"]))
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
