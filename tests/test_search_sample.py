"""Search on the real site: the sample archive built by build_site under a sub-path, queried
through the site's own search page in Chromium; and search results never execute content."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from test_search_browser import BASE, Site, measure, run_matches

from site_builder.config import load_config
from site_builder.content import article_to_text, read_corpus
from site_builder.model import Article
from search_synthetic import sample_queries
from site_builder.build.site import build_site

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent


def build_real_site(root: Path, content: Path) -> Site:
    for name in ("templates", "static", "dictionaries"):
        shutil.copytree(ROOT / name, root / "project" / name)
    shutil.copytree(content, root / "project" / "content")
    shutil.copy(ROOT / "site.toml", root / "project" / "site.toml")
    config = replace(load_config(root / "project"), base_url=BASE, output_dir=str(root / BASE.strip("/")))
    result = build_site(config)
    assert result.ok, result.summary()
    return Site(root, read_corpus(root / "project" / "content").articles)




def open_search(browser, site: Site, query: str = ""):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(site.origin + BASE + "search/" + (f"?q={query}" if query else ""))
    page.wait_for_function("typeof window.archiveSearch === 'function'")
    return page, errors


def test_recall_and_precision_on_the_sample_archive(tmp_path, browser):
    site = build_real_site(tmp_path, ROOT / "content")
    site.origin = site.start()
    try:
        articles = list(site.articles.values())
        assert len(articles) >= 10 and len(site.docs) == len(articles)
        queries = sample_queries(articles, 300, seed=5)
        queries += ["瑞华", "科技城", "牛瑞华", "郑东新区", "人大代表"]  # names, places, parts of words
        page, errors = open_search(browser, site)
        recall, precision, misses = measure(site, queries, run_matches(page, queries))
        print(f"sample archive: recall {recall:.4f}, top-10 precision {precision:.4f}")
        assert recall >= 0.98, misses[:20]
        assert precision >= 0.95
        ids = {r["id"] for r in page.evaluate("q => window.archiveSearch(q, {limit: 20})", "牛瑞华")}
        assert ids == {a.id for a in articles if "牛瑞华" in a.body or "牛瑞华" in a.title}
        assert not errors, errors
    finally:
        site.server.shutdown()


def test_search_results_show_content_as_text(tmp_path, browser):
    evil = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    article = Article(id="x-01", source="seeds/x.txt", order=1, title=f"防汛会商{evil}",
                      body=f"防汛会商会议召开。{evil}", date="2021-01-02", tags=[evil], page="04")
    content = tmp_path / "content" / "x"
    content.mkdir(parents=True)
    (content / "01.md").write_text(article_to_text(article), encoding="utf-8")
    site = build_real_site(tmp_path, tmp_path / "content")
    site.origin = site.start()
    try:
        page, errors = open_search(browser, site, "防汛会商")
        page.wait_for_selector("#search-results .search-result")
        results = page.locator("#search-results")
        assert "<script>alert(2)</script>" in results.inner_text()
        assert results.locator("script, img").count() == 0
        assert "第04版" in results.inner_text(), "the 版次 as printed, as every other page names it"
        assert not errors, errors
    finally:
        site.server.shutdown()
