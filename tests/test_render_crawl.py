"""Crawl the built site served under a sub-path, as GitHub Pages serves a project site."""
from __future__ import annotations

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

from conftest import BASE


class LinkParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for attr in ("href", "src", "action"):
            if a.get(attr) and not (tag == "link" and a.get("rel") == "canonical"):
                self.links.append(a[attr])


def fetch(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read(), r.headers.get("Content-Type", "")
    except urllib.error.HTTPError as e:
        return e.code, b"", ""


def crawl(origin: str) -> tuple[dict[str, set[str]], list[str], list[str]]:
    """Visit every internal page from the home page; returns ids per page, broken, escaping links."""
    todo = [origin + BASE]
    seen: set[str] = set(todo)
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str]] = []
    broken, escaping = [], []
    while todo:
        url = todo.pop()
        status, body, ctype = fetch(url)
        if status != 200:
            broken.append(url)
            continue
        if "html" not in ctype:
            continue
        parser = LinkParser()
        parser.feed(body.decode("utf-8"))
        ids[url] = parser.ids
        for link in parser.links:
            # as a browser does: characters outside ASCII in an href are sent percent-encoded
            absolute = urljoin(url, quote(link, safe="/:?#[]@!$&'()*+,;=%~"))
            if not absolute.startswith(origin):
                continue  # external (there should be none but the permalink, checked elsewhere)
            if not urlsplit(absolute).path.startswith(BASE):
                escaping.append(f"{url} -> {link}")
                continue
            target, frag = urldefrag(absolute)
            target = target.split("?")[0]
            if frag:
                fragments.append((url, target, unquote(frag)))
            if target not in seen:
                seen.add(target)
                todo.append(target)
    for page, target, frag in fragments:
        if target in ids and frag not in ids[target]:
            broken.append(f"{page} -> {target}#{frag}")
    return ids, broken, escaping


def test_crawler_finds_no_broken_link_under_a_sub_path(server, built_site):
    pages, broken, escaping = crawl(server)
    assert not broken, broken
    assert not escaping, escaping
    html_files = [p for p in built_site.rglob("*.html") if p.name != "404.html"]
    assert len(pages) == len(html_files), "some pages are not reachable from the home page"


def test_sitemap_lists_only_pages_that_exist(server, built_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    site_url = "https://example.org/archive/"
    for loc in ET.parse(built_site / "sitemap.xml").iterfind(".//s:loc", ns):
        assert loc.text.startswith(site_url)
        status, _, _ = fetch(server + BASE + loc.text[len(site_url):])
        assert status == 200, loc.text


def test_outside_the_sub_path_nothing_is_served(server):
    assert fetch(server + "/index.html")[0] == 404
    assert fetch(server + BASE)[0] == 200


def test_404_page_links_work_from_any_depth(server, built_site):
    parser = LinkParser()
    parser.feed((built_site / "404.html").read_text(encoding="utf-8"))
    internal = [l for l in parser.links if not l.startswith(("http", "#"))]
    assert internal and all(l.startswith(BASE) for l in internal)
