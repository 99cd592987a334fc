"""In Chromium: a page opened through the dev server follows edits by itself (reload, CSS
swap, error overlay and recovery) with no action in the browser."""
from __future__ import annotations

import os

import pytest

from site_builder.dev.serve import DevSession
from site_builder.dev.rebuild import Rebuilder
from test_watch_support import fake_build, fake_ingest, make_project, write_article


pytestmark = pytest.mark.browser




@pytest.fixture
def served(tmp_path):
    config = make_project(tmp_path / "site").with_overrides(base_url="/archive/")
    dev = DevSession(config, port=0, rebuilder=Rebuilder(config, ingest=fake_ingest(), build=fake_build()),
                     debounce=0.05, out=open(os.devnull, "w"))
    dev.start()
    yield dev
    dev.stop()
    dev.out.close()


def _open(browser, dev: DevSession):
    page = browser.new_page()
    page.goto(dev.server.url + "a1/")
    # Connected once the hello event arrived: the script then knows the build's epoch.
    page.wait_for_selector("html[data-livereload=connected]", state="attached", timeout=5000)
    return page


def test_an_edited_article_shows_its_new_text_by_itself(browser, served):
    page = _open(browser, served)
    try:
        assert page.text_content("#body") == "正文1。"
        write_article(served.config.root, "a1", "第1篇文章", "浏览器里自动出现的新正文。")
        page.wait_for_function("() => document.querySelector('#body').textContent.includes('自动出现')",
                               timeout=5000)
    finally:
        page.close()


def test_a_stylesheet_change_applies_without_a_reload(browser, served):
    page = _open(browser, served)
    try:
        page.evaluate("() => { window.__sameDocument = true; }")
        (served.config.root / "static" / "style.css").write_text("body { color: rgb(200, 0, 0); }\n")
        page.wait_for_function("() => getComputedStyle(document.body).color === 'rgb(200, 0, 0)'",
                               timeout=5000)
        assert page.evaluate("() => window.__sameDocument === true")  # swapped, not reloaded
    finally:
        page.close()


def test_a_broken_save_shows_an_overlay_and_the_fix_clears_it(browser, served):
    page = _open(browser, served)
    source = served.config.root / "content" / "a1" / "01.md"
    good = source.read_text(encoding="utf-8")
    try:
        source.write_text(good.replace("title: ", "title: [", 1), encoding="utf-8")
        overlay = page.wait_for_selector("#__livereload-overlay", timeout=5000)
        assert "content/a1/01.md:" in overlay.text_content()
        assert "已跳过" in overlay.text_content()  # skipped, the rest was built
        source.write_text(good.replace("正文1。", "修好以后的正文。"), encoding="utf-8")
        page.wait_for_function("() => (document.querySelector('#body') || {}).textContent"
                               " && document.querySelector('#body').textContent.includes('修好以后')",
                               timeout=5000)
        assert page.query_selector("#__livereload-overlay") is None
    finally:
        page.close()
