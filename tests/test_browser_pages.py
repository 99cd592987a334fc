"""Key pages in Chromium: no console errors, no serious axe-core violation, no sideways scroll."""
from __future__ import annotations

import pytest

from browser import horizontal_overflow, key_pages, run_axe
from conftest import BASE

pytestmark = pytest.mark.browser
NAMES = ["home", "article", "tag", "timeline", "person", "calendar", "on-this-day"]


@pytest.fixture(scope="module")
def urls(server, built_site):
    return {name: server + BASE + path for name, path in key_pages(built_site).items()}


def _open(browser, url, width, scheme="light"):
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme,
                                  locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}")
            if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    response = page.goto(url, wait_until="load")
    return context, page, response, problems


@pytest.mark.parametrize("name", NAMES)
def test_page_loads_cleanly_on_a_phone(browser, urls, name):
    context, page, response, problems = _open(browser, urls[name], 390)
    try:
        assert response.status == 200
        assert page.locator("html").get_attribute("lang") == "zh-CN"
        assert page.locator("header form[role=search] input[name=q]").count() == 1
        assert horizontal_overflow(page) <= 0, "the page scrolls sideways at 390 px"
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", NAMES)
def test_axe_finds_no_serious_violation(browser, urls, name, scheme):
    context, page, _, _ = _open(browser, urls[name], 1280, scheme)
    try:
        violations = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
        assert not violations, violations
    finally:
        context.close()


def test_header_search_submits_to_the_search_page(browser, urls):
    context, page, _, _ = _open(browser, urls["home"], 1280)
    try:
        page.fill("header input[name=q]", "会议")
        page.press("header input[name=q]", "Enter")
        page.wait_for_load_state("load")
        assert page.url.startswith(urls["home"] + "search/?q=")
        assert page.locator("#search-form input[name=q]").count() == 1
        assert page.locator("#search-results").count() == 1
    finally:
        context.close()


def test_calendar_days_list_their_pages_readably_on_a_phone(browser, urls):
    context, page, _, _ = _open(browser, urls["calendar"], 390)
    try:
        links = page.locator(".cal .on ul a")
        assert links.count() >= 2
        for k in range(links.count()):
            box = links.nth(k).bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, "a 版 link is cut off"
            assert box["height"] >= 14, "a 版 link too small to read or tap"
        assert page.locator(".cal .off").first.is_hidden(), "days without an issue take no row on a phone"
    finally:
        context.close()
