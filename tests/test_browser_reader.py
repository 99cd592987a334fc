"""A reader's first visit in Chromium: the header search box, dark mode, the article page."""
from __future__ import annotations

import pytest

from browser import key_pages
from conftest import BASE

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def urls(server, built_site):
    return {name: server + BASE + path for name, path in key_pages(built_site).items()}


def _page(browser, url, width=1280, scheme="light"):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme,
                                  locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return context, page, errors


def _focused(page) -> str:
    return page.evaluate("document.activeElement.tagName + ' ' + (document.activeElement.getAttribute('href') || document.activeElement.name || '')")


def test_header_box_shows_results_as_you_type_and_keys_open_one(browser, urls):
    context, page, errors = _page(browser, urls["article"])
    try:
        box = page.locator("header input[name=q]")
        box.click()
        page.keyboard.type("社区")
        results = page.locator("header .site-search-results a")
        results.first.wait_for(state="visible", timeout=5000)
        assert results.count() >= 2
        page.keyboard.press("ArrowDown")
        first = results.nth(0).get_attribute("href")
        assert _focused(page) == f"A {first}"
        page.keyboard.press("ArrowDown")
        second = results.nth(1).get_attribute("href")
        assert _focused(page) == f"A {second}"
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        assert _focused(page) == "INPUT q", "↑ from the first result goes back to the box"
        page.keyboard.press("Escape")
        assert page.locator("header .site-search-results").is_hidden()
        assert _focused(page) == "INPUT q", "Esc returns to the box"
        page.keyboard.press("Backspace")
        page.keyboard.type("区")
        results.first.wait_for(state="visible", timeout=5000)
        page.keyboard.press("ArrowDown")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.endswith(first) and "/a/" in page.url
        assert not errors, errors
    finally:
        context.close()


@pytest.mark.parametrize("name", ["home", "article", "tag", "timeline", "person"])
def test_slash_focuses_the_header_box_on_every_page(browser, urls, name):
    context, page, _ = _page(browser, urls[name])
    try:
        page.locator("h1").first.click()
        page.keyboard.press("/")
        assert _focused(page) == "INPUT q"
        assert page.locator("header input[name=q]").input_value() == "", "the / is not typed"
    finally:
        context.close()


CONTRAST = """el => {
    const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
    const lum = c => { const [r, g, b] = rgb(c).map(v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
    let bgEl = el, bg = getComputedStyle(el).backgroundColor;
    while (bgEl && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
        bgEl = bgEl.parentElement; bg = bgEl ? getComputedStyle(bgEl).backgroundColor : 'rgb(255, 255, 255)';
    }
    const [a, b] = [lum(getComputedStyle(el).color), lum(bg)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_search_highlights_and_the_header_list_are_readable(browser, urls, scheme):
    context, page, errors = _page(browser, urls["home"] + "search/?q=%E7%A4%BE%E5%8C%BA", scheme=scheme)
    try:
        mark = page.locator("#search-results mark").first
        mark.wait_for(timeout=5000)
        assert mark.evaluate(CONTRAST) >= 4.5
        page.locator("header input[name=q]").click()
        page.keyboard.type("社区")
        link = page.locator("header .site-search-results a").first
        link.wait_for(state="visible", timeout=5000)
        assert link.evaluate(CONTRAST) >= 4.5
        assert page.locator("header .site-search-results mark").first.evaluate(CONTRAST) >= 4.5
        assert not errors, errors
    finally:
        context.close()


def test_home_shows_the_readers_today_from_earlier_years(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.clock.set_fixed_time("2024-03-07T09:00:00")
        page.goto(server + BASE, wait_until="load")
        box = page.locator("[data-on-this-day]")
        box.locator(f'a[href="{BASE}on-this-day/03-07/"]').wait_for(timeout=5000)
        assert "城市人大代表会议召开" in box.inner_text()
        assert "2021年" in box.inner_text()
        page.clock.set_fixed_time("2024-03-08T09:00:00")
        page.reload(wait_until="load")
        box.get_by_text("往年今日没有收录的文章").wait_for(timeout=5000)
    finally:
        context.close()


def test_citation_copy_button_and_permalink(browser, urls):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN",
                                  permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(urls["home"] + "a/p1-01/", wait_until="load")
        link = page.locator("a.permalink")
        assert link.inner_text() == urls["home"] + "a/p1-01/", "the address the page is read at"
        page.locator("button.copy[data-copy=cite-gbt]").click()
        assert page.evaluate("navigator.clipboard.readText()") == \
            "王小明, 李华. 城市人大代表会议召开[N]. 城市日报, 2021-03-07(01)."
        page.locator(".citation summary").click()
        page.locator("button.copy[data-copy=cite-bib]").click()
        assert f"url = {{{urls['home']}a/p1-01/}}" in page.evaluate("navigator.clipboard.readText()")
    finally:
        context.close()


def _citation_cases():
    """Every sample article's citation parts, and made-up ones that exercise each rule: more
    than three authors, BibTeX specials and braces in a title, nothing known of the issue."""
    from dataclasses import replace as _replace

    from conftest import sample_articles
    from site_builder.model import Article
    from site_builder.plan import ArticleContext, cite, plan_site
    from conftest import site_config
    from pathlib import Path

    contexts = [p.context for p in plan_site(sample_articles(), site_config(Path("/nonexistent")))
                if isinstance(p.context, ArticleContext)]
    cases = [(c.article, c.page) for c in contexts]
    page = cases[0][1]
    odd = Article(id="p1-09", source=page.source, order=9, title="50%_增长 & {预算} #1",
                  reporters=["甲一", "乙二"], correspondents=["丙三"], writers=["丁四", "甲一"])
    cases.append((odd, page))
    cases.append((odd, _replace(page, newspaper=None, published=None, page=None)))
    return [(a, pg, cite(a, pg, "https://x.test/a/" + a.id + "/")) for a, pg in cases]


def test_citation_written_in_the_browser_equals_plan_cite(browser, urls):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(urls["home"] + "a/p1-01/", wait_until="load")
        for a, pg, c in _citation_cases():
            parts = [c.key, c.paper, c.date, c.number, *c.names]
            got = page.evaluate("([p, t, u]) => window.archiveCite(p, t, u)",
                                [parts, a.title, "https://x.test/a/" + a.id + "/"])
            assert got == {"gbt": c.gbt, "bibtex": c.bibtex}, a.id
    finally:
        context.close()


def test_every_article_page_shows_its_citation(browser, urls, built_site):
    from conftest import sample_articles, site_config
    from site_builder.plan import ArticleContext, plan_site
    from pathlib import Path

    contexts = [p for p in plan_site(sample_articles(), site_config(Path("/nonexistent"), base_url=BASE))
                if isinstance(p.context, ArticleContext)]
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        for p in contexts:
            page.goto(urls["home"] + p.path, wait_until="load")
            assert page.locator("#cite-gbt").inner_text() == p.context.citation.gbt, p.path
            assert page.locator("#cite-bib").text_content().startswith(p.context.citation.bibtex[:-2]), p.path
    finally:
        context.close()
