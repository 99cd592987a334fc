"""A generated archive of a few hundred pages, end to end: cached and parallel ingestion write
the same files as the plain serial one; the site is complete (every article has its page,
every tag page lists exactly its articles); the incremental build equals a full build.

TODO(search): once the search index is merged, also check that searching each article's title
finds that article (the index ships as an `extras` file of build_site).
"""
from __future__ import annotations

import re
import shutil
import sys
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest

from site_builder.ingest import lexicon
from site_builder.config import Config
from site_builder.content import read_corpus
from site_builder.ingest.entities import load_word_list
from site_builder.ingest.files import write_content
from site_builder.ingest.pages import IngestReport, read_pages
from site_builder.ingest.run import STOPWORDS_FILE, ingest_pages, run_ingest
from site_builder.plan import unique_slugs
from site_builder.build.site import build_site, full_build

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from make_archive import make_archive  # noqa: E402

PAGES = 120  # about 480 articles: enough for the worker pool and for shared tags and people


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Config:
    root = tmp_path_factory.mktemp("archive")
    for name in ("templates", "static", "dictionaries"):
        shutil.copytree(ROOT / name, root / name)
    make_archive(PAGES, 7, root / "seeds")
    return Config(root=root)


@pytest.fixture(scope="module")
def reference_content(archive) -> Path:
    """content/ as the plain ingestion writes it: serial, no cache, corpus.finish_corpus."""
    config = replace(archive, content_dir="content-reference")
    report = IngestReport()
    lexicon.configure(config.path("userdict"))
    pages = read_pages(config.path("seeds_dir"), config.root, report)
    results = ingest_pages(pages, load_word_list(str(config.root / STOPWORDS_FILE)), report)
    write_content(results, config.path("content_dir"), report)
    assert not report.errors and report.articles == 0  # ingest_pages leaves counting to run_ingest
    return config.path("content_dir")


@pytest.fixture(scope="module")
def built(archive, reference_content) -> Config:
    shutil.rmtree(archive.root / ".cache", ignore_errors=True)
    report = run_ingest(archive, workers=2)
    assert report.cache_misses == PAGES and not report.errors, report.summary()
    assert build_site(archive).ok
    return archive


def test_parallel_cached_ingestion_writes_the_same_files_as_serial_uncached(built, reference_content):
    content = built.path("content_dir")
    reference = _tree(reference_content)
    assert len(reference) > 3 * PAGES
    assert _tree(content) == reference
    # From the cache, in one process, into an empty folder: the same bytes again.
    shutil.rmtree(content)
    report = run_ingest(built, workers=1)
    assert report.cache_hits == PAGES and report.cache_misses == 0
    assert _tree(content) == reference
    # Nothing changed: the last outcome is replayed, every file left alone.
    report = run_ingest(built)
    assert report.unchanged == len(reference) and not report.written and report.timings
    assert _tree(content) == reference


def test_every_article_has_its_page(built):
    corpus = read_corpus(built.path("content_dir"))
    out = built.path("output_dir")
    assert len(corpus.articles) > 3 * PAGES
    for a in corpus.articles:
        page = out / "a" / a.id / "index.html"
        assert page.is_file(), a.id
        assert a.title in unescape(page.read_text(encoding="utf-8")), a.id


def test_every_tag_page_lists_exactly_its_articles(built):
    corpus = read_corpus(built.path("content_dir"))
    out = built.path("output_dir")
    by_tag: dict[str, set[str]] = {}
    for a in corpus.articles:
        for t in a.tags:
            by_tag.setdefault(t, set()).add(a.id)
    assert len(by_tag) > 50 and any(len(ids) > built.tag_page_size for ids in by_tag.values())
    slugs = unique_slugs(by_tag)
    link = re.compile(r'href="/a/([^/"]+)/"')
    for tag, ids in by_tag.items():
        folder = out / "tags" / slugs[tag]
        listed: set[str] = set()
        files = [folder / "index.html"] + sorted((folder / "page").glob("*/index.html"))
        for file in files:
            main = file.read_text(encoding="utf-8").split("<main", 1)[1].split("</main>", 1)[0]
            listed |= set(link.findall(main))
        assert listed == ids, tag


LISTS = re.compile(r'<(?:ul|ol) class="(?:article-list|name-list|tag-cloud|page-list|year-list)">(.*?)</(?:ul|ol)>', re.S)


def test_no_listing_page_holds_more_than_about_200_entries(built):
    """Every page but an article's and a 版面's own: the entries of its lists, counted in the
    rendered HTML (the generated archive has a year of ~480 articles and ~1,000 names)."""
    out = built.path("output_dir")
    counts = {}
    for file in out.rglob("index.html"):
        rel = file.relative_to(out).as_posix()
        if rel.startswith(("a/", "issues/")) or (rel.startswith("page/") and rel.count("/") == 2
                                                  and rel != "page/index.html"):
            continue
        main = file.read_text(encoding="utf-8").split("<main", 1)[1].split("</main>", 1)[0]
        counts[rel] = sum(block.count("<li") for block in LISTS.findall(main))
    assert max(counts.values()) <= 220, sorted(counts.items(), key=lambda kv: -kv[1])[:5]
    assert any(rel.startswith("people/page/") for rel in counts)  # the people index did paginate


def test_incremental_build_equals_full_build(built, tmp_path):
    reference = replace(built, output_dir=str(tmp_path / "full"))
    assert full_build(reference).ok
    out = built.path("output_dir")
    assert _tree(out) == _tree(reference.path("output_dir"))
    # Edit one article by hand: only its pages change, and the result is still a full build's.
    target = sorted(built.path("content_dir").rglob("*.md"))[len(list(built.path("content_dir").rglob("*.md"))) // 2]
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(original + "补充的一句话。\n", encoding="utf-8")
        result = build_site(built)
        assert result.ok and 0 < result.pages_rendered < result.pages_written / 10
        assert full_build(reference).ok
        assert _tree(out) == _tree(reference.path("output_dir"))
        # A new tag changes the link table every page holds: more renders, the same bytes.
        target.write_text(original.replace("\ntags: [", "\ntags: [新标签, ", 1), encoding="utf-8")
        assert build_site(built).ok and full_build(reference).ok
        assert _tree(out) == _tree(reference.path("output_dir"))
        # Output deleted: the pages come from the page store, byte for byte.
        shutil.rmtree(out)
        result = build_site(built)
        assert result.ok and result.pages_rendered == 0
        assert _tree(out) == _tree(reference.path("output_dir"))
    finally:
        target.write_text(original, encoding="utf-8")
        assert build_site(built).ok
