"""Nothing executed: only http(s), mailto and site-relative URLs survive rendering, and printed
seed text is never read as Markdown (issue 13, item 1)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import site_config, write_corpus
from ingest_helpers import ingest_text
from site_builder.markup import escape_printed, unescape_printed
from site_builder.model import Article
from site_builder.build.render import make_markdown
from site_builder.build.site import build_site


class _Page(HTMLParser):
    """Tags, text and the URLs a browser would follow (attribute values entity-decoded once,
    as a browser does)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("href", "src") and v is not None]

    def handle_data(self, data):
        self.text.append(data)


def _parse(html_text: str) -> _Page:
    page = _Page()
    page.feed(html_text)
    page.close()
    return page


def _scheme_a_browser_sees(url: str) -> str:
    """The WHATWG URL parser's view: tab and newlines removed, C0 and space trimmed."""
    url = re.sub(r"[\t\n\r]", "", url).strip("".join(map(chr, range(0x21))))
    m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return m.group(1).lower() if m else ""


def _render(markdown_text: str) -> str:
    md = make_markdown()
    return md.convert(markdown_text)


ATTACKS = ["&#106;avascript:alert(101)", "&#x6A;avascript:alert(1)", "javascript&colon;alert(1)",
           "java&#10;script:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)",
           "JaVaScRiPt:alert(1)", "&#0000106avascript:alert(1)", "&#106avascript:alert(1)",
           "&amp;#106;avascript:alert(1)", "data:text/html,<script>alert(1)</script>",
           "vbscript:msgbox(1)", "\x01javascript:alert(1)"]


@pytest.mark.parametrize("url", ATTACKS)
@pytest.mark.parametrize("form", ["[点击]({})", "![图]({})", "[点击][r]\n\n[r]: {}", "<{}>"])
def test_no_executable_url_survives_markdown(url, form):
    page = _parse(_render(form.format(url)))
    assert all(_scheme_a_browser_sees(u) in ("http", "https", "mailto", "") for u in page.urls), page.urls


@pytest.mark.parametrize("url", ["http://example.org/a?b=1&c=2", "https://example.org/", "mailto:a@b.cn",
                                 "/a/x-01/", "../tags/x/", "#top", "page-2.html"])
def test_safe_urls_are_kept(url):
    page = _parse(_render(f"[链接]({url})"))
    assert page.urls == [url]


def test_e_mail_autolinks_are_kept():
    page = _parse(_render("写信到 <a@b.cn>"))
    assert page.urls == ["mailto:a@b.cn"]


_URL_PIECE = st.sampled_from(["j", "&#106;", "&#x6A;", "&#X6a;", "&#0106", "ava", "&#97;", "script", "java",
                              "javascript", "data", "vbscript", ":", "&colon;", "&#58;", "&#x3a;", "&Tab;",
                              "&NewLine;", "&#10;", "&#9;", "\t", " ", "\x01", "&amp;", "&", "#", ";",
                              "alert(1)", "/", "//", "http", "mailto", "x", "(", ")", "<", ">", "\\"])
_LINK_FORM = st.sampled_from(["[点击]({})", "![图]({})", "[点击][r]\n\n[r]: {}", "<{}>", "[点击](<{}>)"])
_NOISE = st.sampled_from(["", "正文", "[", "]", "!", "\n", "\n\n", "&", "*", "`"])


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_NOISE, _LINK_FORM, st.lists(_URL_PIECE, max_size=12).map("".join)), max_size=4))
def test_random_markdown_never_yields_an_executable_url(parts):
    text = "".join(noise + form.format(url) for noise, form, url in parts)
    page = _parse(_render(text))
    for url in page.urls:
        assert _scheme_a_browser_sees(url) in ("http", "https", "mailto", ""), (text, url)


def test_hand_edited_body_link_is_neutralised_in_the_built_site(tmp_path):
    body = "\n\n".join(f"[点击{i}]({u}) ![图{i}]({u})" for i, u in enumerate(ATTACKS))
    write_corpus(tmp_path / "content", [Article(id="x-01", source="seeds/x.txt", order=1,
                                                title="标题", body=body)])
    result = build_site(site_config(tmp_path))
    assert result.ok, result.summary()
    page = _parse((tmp_path / "output/a/x-01/index.html").read_text(encoding="utf-8"))
    assert page.urls and all(_scheme_a_browser_sees(u) in ("http", "https", "mailto", "") for u in page.urls)


# ---------------------------------------------------------------- printed text is not Markdown

_PRINTED = st.sampled_from(list("[]()!*_`#>+-=|<&\\;:{}.~ 0123456789点我ab\t") +
                           ["&#106;", "&lt;", "&amp;", "http://x.y", "1. ", "- ", "<http://a.b>",
                            "<a@b.cn>", "---", "***", "    ", "&colon;"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_PRINTED, max_size=20).map("".join))
def test_escaped_printed_text_renders_as_exactly_those_characters(printed):
    escaped = escape_printed(printed)
    page = _parse(_render(f"{escaped}\n\n## {escaped}"))
    assert set(page.tags) <= {"p", "h2"}, (printed, escaped)
    shown = re.sub(r"\s", "", "".join(page.text))
    assert shown == re.sub(r"\s", "", printed) * 2
    assert re.sub(r"\s", "", unescape_printed(escaped)) == re.sub(r"\s", "", printed)


def test_printed_markup_in_a_seed_stays_printed_characters():
    printed = ["详情见[来源链接](&#106;avascript:alert(201))，", "*重点*与_强调_，", "#话题#",
               "> 引文", "- 列表", "2024. 年份", "<http://example.org>"]
    seed = "本报讯 " + "".join(printed) + "全文完。\n"
    articles, _ = ingest_text("城市新闻标题\n\n" + seed)
    page = _parse(_render(articles[0].body))
    assert set(page.tags) <= {"p", "h2"}, articles[0].body
    assert not page.urls
    assert "".join(printed).replace(" ", "") in "".join(page.text).replace(" ", "")
