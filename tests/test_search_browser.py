"""The real search code (search.js + vendored lunr.js) in Chromium over an index built from
generated articles, served under a base URL like a GitHub project page."""
from __future__ import annotations

import functools
import html
import http.server
import json
import shutil
import threading
from pathlib import Path

import pytest

from site_builder.model import Article
from site_builder.search import body_text, plain_text, title_text, write_search_index
from search_synthetic import generate_articles, sample_queries
from site_builder.search.tokens import normalize

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BASE = "/archive/"

# What a page of the site needs for search: the meta tag, the script, a header box, and on
# the search page the form and the results container.
TEST_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>搜索</title>
<meta name="archive-base" content="{base}">
<link rel="stylesheet" href="{base}static/search/search.css">
<script src="{base}static/search/search.js" defer></script>
<script src="{base}static/search/search-ui.js" defer></script>
</head><body>
<header><a href="{base}">档案</a>
<form class="site-search" action="{base}search/" role="search">
<input type="search" name="q" placeholder="搜索" aria-label="搜索"></form></header>
<main><h1>搜索</h1>
<form id="search-form" role="search"><input type="search" name="q" aria-label="搜索文章">
<div id="search-filters"></div></form>
<div id="search-results" aria-live="polite"></div>
<p id="filler">正文</p></main></body></html>
"""


def article_url(article: Article) -> str:
    return f"articles/{article.id}/"


class Site:
    def __init__(self, root: Path, articles: list[Article]):
        self.root = root
        self.articles = {a.id: a for a in articles}
        self.search_dir = root / BASE.strip("/") / "search"
        self.docs = {}
        for path in (self.search_dir / "docs").glob("*.json"):
            record = json.loads(path.read_text(encoding="utf-8"))
            self.docs[path.stem] = record
        self.server = None

    @functools.lru_cache(maxsize=None)
    def text_of(self, ref: str) -> str:
        a = self.articles[self.docs[ref]["id"]]
        return normalize(title_text(a) + "\n" + body_text(a))

    def start(self) -> str:
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# An article page as the search reads it: head and body (the site's article template has
# more around them).
ARTICLE_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><article class="article"><header class="article-head"><h1 class="headline">{title}</h1>
<dl class="article-meta"><div><dt>日期</dt><dd>{date}</dd></div></dl></header>
<div class="article-body">{body}</div></article></main></body></html>
"""


def write_article_pages(site_dir: Path, articles: list[Article]) -> None:
    for a in articles:
        page = site_dir / article_url(a) / "index.html"
        page.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in plain_text(a.body).split("\n"))
        page.write_text(ARTICLE_PAGE.format(title=html.escape(title_text(a)), date=a.date, body=body),
                        encoding="utf-8")


def make_site(root: Path, articles: list[Article]) -> Site:
    site_dir = root / BASE.strip("/")
    write_search_index(articles, site_dir, BASE, article_url)
    write_article_pages(site_dir, articles)
    shutil.copytree(ROOT / "static" / "search", site_dir / "static" / "search")
    page = site_dir / "search" / "index.html"
    page.write_text(TEST_PAGE.format(base=BASE), encoding="utf-8")
    return Site(root, articles)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    articles = generate_articles(2000, seed=3)
    s = make_site(tmp_path_factory.mktemp("site"), articles)
    s.origin = s.start()
    yield s
    s.server.shutdown()




@pytest.fixture
def page(browser, site):
    context = browser.new_context()
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(site.origin + BASE + "search/")
    pg.wait_for_function("typeof window.archiveSearch === 'function'")
    yield pg
    context.close()
    assert not errors, errors


def run_matches(page, queries: list[str]) -> list[list[list[str]]]:
    """Per query: every match (lunr's order) and the first ten as readers see them."""
    return page.evaluate("""async (queries) => {
        const out = [];
        const s = window.archiveSearch.searcher();
        for (const q of queries) {
          const all = (await window.archiveSearch.matches(q)).map(m => m.ref);
          const top = (await s.search(q, {limit: 10})).map(r => r.ref);
          out.push([all, top]);
        }
        return out;
    }""", queries)


def measure(site: Site, queries: list[str], results: list[list[list[str]]]):
    """Recall over every match, precision over the first ten shown."""
    relevant_total = found_total = top_total = top_ok = 0
    misses = []
    for q, (refs, top) in zip(queries, results):
        needle = normalize(q)
        relevant = {ref for ref in site.docs if needle in site.text_of(ref)}
        found = relevant & set(refs)
        relevant_total += len(relevant)
        found_total += len(found)
        top_total += len(top)
        top_ok += sum(r in relevant for r in top)
        if len(found) < len(relevant):
            misses.append((q, len(relevant) - len(found)))
    return found_total / relevant_total, top_ok / top_total, misses


def test_recall_and_top10_precision_over_queries_drawn_from_the_archive(page, site):
    queries = sample_queries(list(site.articles.values()), 400, seed=21)
    assert len(set(queries)) > 300
    results = run_matches(page, queries)
    recall, precision, misses = measure(site, queries, results)
    print(f"recall {recall:.4f}, top-10 precision {precision:.4f}, misses {misses[:10]}")
    assert recall >= 0.99, misses[:20]
    assert precision >= 0.97


def test_archive_search_returns_ids_urls_titles_in_rank_order(page, site):
    person = next(iter(site.articles.values())).people[0]
    results = page.evaluate("(q) => window.archiveSearch(q, {limit: 5})", person)
    assert 0 < len(results) <= 5
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)  # a name printed in every match: lunr's order
    refs = run_matches(page, [person])[0][1][:5]
    for r, ref in zip(results, refs):
        assert r["id"] == site.docs[ref]["id"] and r["id"] in site.articles
        assert r["url"] == BASE + f"articles/{r['id']}/"
        assert r["title"] == site.articles[r["id"]].title
    # title matches rank first: the top result has the name in its title if any article does
    titled = [a for a in site.articles.values() if person in a.title]
    if titled:
        assert person in results[0]["title"]


def test_typing_shows_results_with_highlighted_snippets_and_sets_q(page, site):
    place = sorted(site.articles.values(), key=lambda a: a.id)[5].places[0]
    box = page.locator("#search-form input[name=q]")
    box.click()
    page.keyboard.type(place, delay=30)
    page.wait_for_selector("#search-results .search-result")
    assert "找到" in page.inner_text("#search-results .search-status")
    marks = page.locator("#search-results .search-result mark").all_inner_texts()
    assert marks and all(normalize(m) in normalize(place) or normalize(place) in normalize(m) for m in marks)
    snippet = page.inner_text("#search-results .search-result-snippet >> nth=0")
    assert place in snippet or place in page.inner_text("#search-results .search-result-title >> nth=0")
    assert f"q={place}" in json.loads(json.dumps(page.evaluate("decodeURIComponent(location.search)")))
    meta = page.inner_text("#search-results .search-result-meta >> nth=0")
    assert "年" in meta and "版" in meta


def test_query_in_the_url_runs_on_load(browser, site):
    org = sorted(site.articles.values(), key=lambda a: a.id)[9].organizations[0]
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(site.origin + BASE + "search/?q=" + org)
    pg.wait_for_selector("#search-results .search-result")
    assert pg.input_value("#search-form input[name=q]") == org
    first = pg.get_attribute("#search-results .search-result >> nth=0", "data-id")
    assert org in site.articles[first].title + site.articles[first].body
    context.close()


def test_year_and_tag_filters_restrict_results(page, site):
    query = "发展"
    page.fill("#search-form input[name=q]", query)
    page.wait_for_selector("#search-results .search-result")
    page.wait_for_function("document.querySelectorAll('#search-filters select[name=year] option').length > 2")
    year = page.eval_on_selector("#search-filters select[name=year]", "s => s.options[2].value")
    page.select_option("#search-filters select[name=year]", year)
    page.wait_for_function("(y) => location.search.includes('year=' + y)", arg=year)
    page.wait_for_function("""(y) => [...document.querySelectorAll('#search-results .search-result-meta')]
        .every(m => m.textContent.startsWith(y + '年'))""", arg=year)
    ids = page.eval_on_selector_all("#search-results .search-result", "els => els.map(e => e.dataset.id)")
    assert ids and all(site.articles[i].date.startswith(year) for i in ids)
    page.wait_for_function("document.querySelectorAll('#search-filters select[name=tag] option').length > 2")
    tag = page.eval_on_selector("#search-filters select[name=tag]", "s => s.options[1].value")
    page.select_option("#search-filters select[name=tag]", tag)
    page.wait_for_function("(t) => decodeURIComponent(location.search).includes('tag=' + t)", arg=tag)
    page.wait_for_timeout(300)
    page.wait_for_selector("#search-results:not([aria-busy])")
    ids = page.eval_on_selector_all("#search-results .search-result", "els => els.map(e => e.dataset.id)")
    for i in ids:
        assert tag in site.articles[i].tags and site.articles[i].date.startswith(year)
    expected = page.evaluate("([q, y, t]) => window.archiveSearch.matches(q, {year: y, tag: t})",
                             [query, year, tag])
    assert len(ids) == min(20, len(expected))


def test_slash_focuses_the_search_box(page):
    page.click("#filler")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "q"
    assert page.evaluate("document.activeElement.closest('form').id") == "search-form"


def test_header_box_lists_results_while_typing(page, site):
    name = sorted(site.articles.values(), key=lambda a: a.id)[11].people[0]
    page.click("form.site-search input[name=q]")
    page.keyboard.type(name, delay=30)
    page.wait_for_selector("form.site-search .site-search-results:not([hidden]) .search-result")
    items = page.locator("form.site-search .site-search-results .search-result")
    assert 1 <= items.count() <= 8
    href = page.get_attribute("form.site-search .site-search-results a >> nth=0", "href")
    assert href.startswith(BASE + "articles/")


def test_short_queries_ask_for_two_characters(page):
    page.fill("#search-form input[name=q]", "王")
    page.wait_for_selector("#search-results .search-status")
    assert "两个字" in page.inner_text("#search-results")


def test_page_and_person_filters_and_sorting_by_date(page, site):
    """Filters by 版面 and person restrict the results; sorting by date lists them newest
    first; every choice is mirrored in the URL."""
    page.fill("#search-form input[name=q]", "发展")
    page.wait_for_selector("#search-results .search-result")
    page.wait_for_function("document.querySelectorAll('#search-filters select[name=page] option').length > 2")
    name = page.eval_on_selector("#search-filters select[name=page]", "s => s.options[1].value")
    page.select_option("#search-filters select[name=page]", name)
    page.wait_for_function("(v) => decodeURIComponent(location.search).includes('page=' + v)", arg=name)
    page.select_option("#search-filters select[name=sort]", "date")
    page.wait_for_function("() => location.search.includes('sort=date')")
    page.wait_for_timeout(300)
    page.wait_for_selector("#search-results:not([aria-busy])")
    ids = page.eval_on_selector_all("#search-results .search-result", "els => els.map(e => e.dataset.id)")
    assert ids and all(site.articles[i].page_name == name for i in ids)
    dated = [site.articles[i].date for i in ids]
    assert dated == sorted(dated, key=lambda d: d[:4], reverse=True)  # newest year first
    page.wait_for_function("document.querySelectorAll('#search-filters select[name=person] option').length > 2")
    listed = page.eval_on_selector("#search-filters select[name=person]",
                                   "s => [...s.options].slice(1).map(o => o.value)")

    def expected_for(person):
        return [a for a in site.articles.values() if person in a.people and a.page_name == name
                and "发展" in a.title + a.body]

    person = next(p for p in listed if expected_for(p))
    page.select_option("#search-filters select[name=person]", person)
    page.wait_for_timeout(300)
    page.wait_for_selector("#search-results:not([aria-busy])")
    ids = page.eval_on_selector_all("#search-results .search-result", "els => els.map(e => e.dataset.id)")
    page.wait_for_function("(p) => decodeURIComponent(location.search).includes('person=' + p)", arg=person)
    page.wait_for_selector("#search-results .search-result")
    ids = page.eval_on_selector_all("#search-results .search-result", "els => els.map(e => e.dataset.id)")
    assert len(ids) == min(20, len(expected_for(person)))
    assert all(person in site.articles[i].people and site.articles[i].page_name == name for i in ids)
