"""The render stage: planning, templates, escaping, reproducibility, atomic output, safe paths."""
from __future__ import annotations

import json

import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import example, given, settings, strategies as st

from conftest import sample_articles, site_config, write_corpus
from site_builder.content import article_to_text
from site_builder.model import Article
from site_builder.build.output import StagedOutput, UnsafePathError, check_relative
from site_builder.plan import (ArticleContext, MonthContext, TagContext, UndatedContext,
                               YearContext, plan_site, safe_slug, unique_slugs)
from site_builder.build.site import build_site

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- planning

def test_plan_is_independent_of_input_order(corpus_config, articles):
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    first = [(p.path, p.file, p.template) for p in plan_site(articles, corpus_config)]
    second = [(p.path, p.file, p.template) for p in plan_site(shuffled, corpus_config)]
    assert first == second


def test_every_article_has_a_page_and_files_are_unique(corpus_config, articles):
    pages = plan_site(articles, corpus_config)
    article_pages = {p.context.article.id for p in pages if isinstance(p.context, ArticleContext)}
    assert article_pages == {a.id for a in articles}
    files = [p.file.casefold() for p in pages]
    assert len(files) == len(set(files))


def _timeline_placements(pages) -> list[tuple[str, str]]:
    """(article id, where) for every article listed in a month, year or undated group (a
    short year page repeats its months' articles: only its 月份不详 group counts here)."""
    out = []
    for p in pages:
        c = p.context
        if isinstance(c, (MonthContext, UndatedContext)):
            out += [(a.id, p.path) for g in c.groups for a in g.items]
        elif isinstance(c, YearContext):
            out += [(a.id, p.path) for g in c.groups if g.anchor == "month-unknown" for a in g.items]
    return out


def test_timeline_places_every_article_exactly_once(corpus_config, articles):
    placements = _timeline_placements(plan_site(articles, corpus_config))
    ids = [i for i, _ in placements]
    assert sorted(ids) == sorted(a.id for a in articles)


def test_timeline_never_gives_a_partial_date_a_false_year(corpus_config, articles):
    placements = dict(_timeline_placements(plan_site(articles, corpus_config)))
    for a in articles:
        if a.date.startswith("XXXX"):
            assert placements[a.id].startswith("timeline/undated/"), a.date
        else:
            assert placements[a.id].startswith(f"timeline/{a.date[:4]}/"), a.date


def test_tag_pages_paginate_and_cover_every_tagged_article(corpus_config, articles):
    config = replace(corpus_config, tag_page_size=2)
    pages = [p for p in plan_site(articles, config) if isinstance(p.context, TagContext)]
    by_tag: dict[str, list[str]] = {}
    for p in pages:
        assert len(p.context.articles) <= 2
        by_tag.setdefault(p.context.tag, []).extend(a.id for a in p.context.articles)
    for tag, ids in by_tag.items():
        assert sorted(ids) == sorted(a.id for a in articles if tag in a.tags)
    busiest = max(by_tag, key=lambda t: len(by_tag[t]))
    assert any(p.path.endswith("/page/2/") and p.context.tag == busiest for p in pages)


def test_pagination_shows_a_window_of_page_numbers():
    from site_builder.plan import page_window

    paths = [f"tags/x/page/{k}/" for k in range(1, 251)]
    shown = page_window(100, paths)
    assert [l.text for l in shown] == ["1", "…", "98", "99", "100", "101", "102", "…", "250"]
    assert all(l.path == paths[int(l.text) - 1] for l in shown if l.text != "…")
    assert [l.text for l in page_window(1, paths[:4])] == ["1", "2", "3", "4"]
    assert [l.text for l in page_window(2, paths[:7])] == ["1", "2", "3", "4", "…", "7"]
    assert [l.text for l in page_window(1, paths[:1])] == ["1"]


def test_person_titles_follow_time(corpus_config, articles):
    person = next(p for p in plan_site(articles, corpus_config)
                  if p.template == "person.html" and len(p.context.titles) > 1)
    firsts = [t.first for t in person.context.titles]
    assert firsts == sorted(firsts)


# ---------------------------------------------------------------- safe names and paths

@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=80))
def test_any_name_becomes_a_safe_folder(name):
    slug = safe_slug(name)
    assert slug and slug not in (".", "..")
    assert not any(c in slug for c in '/\\\x00:*?"<>|')
    check_relative(f"tags/{slug}/index.html")


def test_unique_slugs_separate_names_that_clash():
    slugs = unique_slugs(["AI", "ai", "a/b", "ab", "..", "."])
    assert len({s.casefold() for s in slugs.values()}) == 6


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("aA.-_ /#0123456789bcdef代"), max_size=14)
                | st.sampled_from(["index.html", "INDEX.HTML", "a-86f7e437", "a-246791dc"]), max_size=12))
@example(["A", "a", "a-86f7e437"])  # `a` lost `a` to `A` and was handed the next name's own slug
def test_unique_slugs_are_unique_by_construction(names):
    slugs = unique_slugs(names + [n + "." for n in names])
    folded = [s.casefold() for s in slugs.values()]
    assert len(set(folded)) == len(folded) and "index.html" not in folded
    for name, slug in slugs.items():
        if safe_slug(name) == name and name.casefold() != "index.html":
            assert slug.casefold() == name.casefold() or any(
                other.casefold() == name.casefold() and other < name for other in slugs), (name, slug)


def test_names_that_clash_build_and_are_reported_at_their_line(tmp_path):
    names = ["a", "a.", "a-246791dc", "index.html", "A"]
    arts = [Article(id="x-01", source="seeds/x.txt", order=1, title="一", tags=names, people=["index.html"],
                    reporters=["王五"], writers=["王五."], body="正文。"),
            Article(id="X-01", source="seeds/X.txt", order=1, title="二", tags=["a."], body="正文。")]
    content = tmp_path / "content"
    for a in arts:
        (content / a.id).mkdir(parents=True)
        (content / a.id / "01.md").write_text(article_to_text(a), encoding="utf-8")
    result = build_site(site_config(tmp_path))
    assert result.ok, result.summary()
    out = tmp_path / "output"
    pages = plan_site(_read(site_config(tmp_path)), site_config(tmp_path))
    for name in names:
        [page] = [p for p in pages if p.template == "tag.html" and p.context.tag == name]
        assert "<h1" in (out / page.file).read_text(encoding="utf-8")
    assert (out / "tags/index.html").read_text(encoding="utf-8").count('href=') >= len(names)
    articles = [p for p in pages if p.template == "article.html"]
    assert len(articles) == 2 and all((out / p.file).is_file() for p in articles)
    text = (content / "x-01/01.md").read_text(encoding="utf-8").split("\n")
    tags_line = next(i for i, l in enumerate(text, 1) if l.startswith("tags:"))
    warned = {(Path(d.path).parent.name, d.line, d.message.split("'")[1]) for d in result.diagnostics
              if "is taken" in d.message}
    assert ("x-01", tags_line, "a") in warned and ("x-01", tags_line, "index.html") in warned, result.summary()
    assert any(folder == "x-01" and what == "x-01" for folder, _, what in warned)  # id differing in case


@pytest.mark.parametrize("rel", ["../x", "/etc/passwd", "a/../../b", "", "a//b", "a\\..\\b", "./a"])
def test_output_paths_cannot_leave_the_output_dir(tmp_path, rel):
    with pytest.raises(UnsafePathError):
        with StagedOutput(tmp_path / "out") as out:
            out.write_bytes(rel, b"x")
    assert not (tmp_path / "x").exists()


# ---------------------------------------------------------------- building

def test_sample_corpus_builds_and_every_template_renders(corpus_config):
    result = build_site(corpus_config)
    assert result.ok, result.summary()
    out = Path(corpus_config.output_dir)
    used = {p.template for p in plan_site(_read(corpus_config), corpus_config)}
    templates = {p.name for p in TEMPLATES.iterdir() if p.is_file()} - {"base.html"}  # a layout
    assert templates <= used, f"templates no page uses: {templates - used}"
    for name in (".nojekyll", "404.html", "sitemap.xml", "feed.xml", "robots.txt",
                 "index.html", "search/index.html", "static/css/site.css"):
        assert (out / name).is_file(), name
    search = (out / "search/index.html").read_text(encoding="utf-8")
    assert 'id="search-form"' in search and 'name="q"' in search and 'id="search-results"' in search


def _read(config):
    from site_builder.content import read_corpus
    return read_corpus(config.content_dir).articles


def test_empty_corpus_builds_every_page_kind(tmp_path):
    (tmp_path / "content").mkdir()
    result = build_site(site_config(tmp_path))
    assert result.ok, result.summary()
    home = (tmp_path / "output/index.html").read_text(encoding="utf-8")
    assert 'lang="zh-CN"' in home


def test_feed_and_sitemap_use_absolute_urls(corpus_config):
    import xml.etree.ElementTree as ET
    assert build_site(corpus_config).ok
    out = Path(corpus_config.output_dir)
    ns = {"a": "http://www.w3.org/2005/Atom", "s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    feed = ET.parse(out / "feed.xml")
    links = [e.get("href") for e in feed.iterfind(".//a:entry/a:link", ns)]
    assert links and all(l.startswith(corpus_config.site_url + "a/") for l in links)
    locs = [e.text for e in ET.parse(out / "sitemap.xml").iterfind(".//s:loc", ns)]
    assert locs and all(l.startswith(corpus_config.site_url) for l in locs)


def test_content_is_escaped_not_executed(tmp_path):
    evil = "<script>alert(1)</script>"
    article = Article(id="x-01", source="seeds/x.txt", order=1, title=f"标题{evil}",
                      kicker="{{ 7*7 }}", subtitle="{% if true %}yes{% endif %}",
                      date="2021-01-02", published="2021-01-02", page_name=evil,
                      reporters=[evil], people=["{{ 7*7 }}"], roles={"{{ 7*7 }}": evil},
                      tags=[evil, "{{ 7*7 }}"], places=[evil],
                      body=f"正文 {evil} 与 {{{{ 7*7 }}}}\n\n<img src=x onerror=alert(1)>\n\n"
                           "[点我](javascript:alert(1))")
    write_corpus(tmp_path / "content", [article])
    result = build_site(site_config(tmp_path))
    assert result.ok, result.summary()
    out = tmp_path / "output"
    for rel, data in snapshot(out).items():
        text = data.decode("utf-8", "replace")
        if rel.endswith(".json"):
            # Search data keeps the text as printed; search.js escapes it before display
            # (tested in the browser). It must stay JSON, never become markup.
            json.loads(text)
            continue
        assert evil not in text, rel
        assert "<img" not in text, rel
        assert 'href="javascript:' not in text.lower(), rel
    page = (out / "a/x-01/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("{{ 7*7 }}") >= 3  # kicker, body, person link
    assert "{% if true %}yes{% endif %}" in page


def test_two_builds_are_byte_identical(tmp_path):
    write_corpus(tmp_path / "content", sample_articles())
    config = site_config(tmp_path)
    assert build_site(config).ok
    first = snapshot(tmp_path / "output")
    assert build_site(config).ok
    assert snapshot(tmp_path / "output") == first
    # A copy of the same content elsewhere gives the same site: no paths leak into pages.
    other = tmp_path / "elsewhere"
    shutil.copytree(tmp_path / "content", other / "content")
    assert build_site(site_config(other)).ok
    assert snapshot(other / "output") == first


def _broken_templates(tmp_path: Path, name: str, line_text: str) -> tuple[Path, int]:
    """A copy of templates/ whose `name` gets `line_text` appended after its 5th line."""
    copy = tmp_path / "templates"
    shutil.copytree(TEMPLATES, copy)
    lines = (copy / name).read_text(encoding="utf-8").split("\n")
    lines.insert(5, line_text)
    (copy / name).write_text("\n".join(lines), encoding="utf-8")
    return copy, 6


@pytest.mark.parametrize("broken", ["{% if %}", "{{ ctx.no_such_field.deeper }}"])
def test_failed_build_keeps_previous_site_and_names_template_line(tmp_path, broken):
    write_corpus(tmp_path / "content", sample_articles())
    config = site_config(tmp_path)
    assert build_site(config).ok
    before = snapshot(tmp_path / "output")
    templates, line = _broken_templates(tmp_path, "article.html", broken)
    result = build_site(replace(config, templates_dir=str(templates)))
    assert not result.ok
    error = result.errors[-1]
    assert error.path.endswith("article.html") and error.line == line, str(error)
    assert f"article.html:{line}" in result.summary()
    assert snapshot(tmp_path / "output") == before
    # beside output/ only the tree the next build writes into, holding the same site
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output.publish", "content", "output", "templates"]
    assert snapshot(tmp_path / ".output.publish" / "tree") == before


def test_bad_content_file_is_reported_and_skipped(corpus_config):
    bad = Path(corpus_config.content_dir) / "p9" / "01.md"
    bad.parent.mkdir()
    bad.write_text("---\nid: p9-01\ntitle: [unclosed\n---\n正文\n", encoding="utf-8")
    result = build_site(corpus_config)
    assert result.ok
    assert any(d.path.endswith("01.md") and d.line for d in result.errors)


def test_pages_workflow_builds_under_the_repository_path_and_deploys():
    import yaml
    workflow = yaml.safe_load((TEMPLATES.parent / ".github/workflows/pages.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert {"actions/upload-pages-artifact", "actions/deploy-pages", "actions/configure-pages"} <= set(uses)
    build = next(s for s in steps if "build.py build" in s.get("run", ""))
    assert "--base-url" in build["run"] and "base_path" in str(build.get("env"))
    assert next(s for s in steps if "upload-pages-artifact" in s.get("uses", ""))["with"]["path"] == "output"


_dates = st.one_of(
    st.just("XXXX"),
    st.builds(lambda y, q: f"{y}{q}", st.integers(1950, 2030), st.sampled_from(["", "?", "~"])),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1950, 2030), st.integers(1, 12)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(1950, 2030), st.integers(1, 12), st.integers(1, 28)),
    st.builds(lambda m, d: f"XXXX-{m:02d}-{d:02d}", st.integers(1, 12), st.integers(1, 28)),
)
_names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(_dates, st.lists(_names, max_size=3), st.lists(_names, max_size=2),
                          st.integers(0, 3)), min_size=1, max_size=12))
def test_any_corpus_plans_without_losing_or_misdating_articles(rows):
    from site_builder.config import Config
    articles = [Article(id=f"s{seed}-{i:02d}", source=f"s{seed}.txt", order=i + 1, title=f"t{i}",
                        date=date, tags=tags, people=people, reporters=people[:1])
                for i, (date, tags, people, seed) in enumerate(rows)]
    pages = plan_site(articles, Config(tag_page_size=2))
    files = [p.file for p in pages]
    assert len({f.casefold() for f in files}) == len(files)
    for f in files:
        check_relative(f)
    placements = _timeline_placements(pages)
    assert sorted(i for i, _ in placements) == sorted(a.id for a in articles)
    for article_id, where in placements:
        date = next(a.date for a in articles if a.id == article_id)
        if date.startswith("XXXX"):
            assert where == "timeline/undated/"
        else:
            assert where.startswith(f"timeline/{date[:4]}/")


def test_extra_files_are_written_with_the_site_and_kept_inside_it(corpus_config, tmp_path):
    def index(articles, config):
        yield "search/index.json", str(len(articles)).encode()
    assert build_site(corpus_config, extras=[index]).ok
    assert (Path(corpus_config.output_dir) / "search/index.json").read_text() == "8"

    def escape(articles, config):
        yield "../escaped.txt", b"x"
    before = snapshot(Path(corpus_config.output_dir))
    result = build_site(corpus_config, extras=[escape])
    assert not result.ok and "escaped.txt" in result.summary()
    assert snapshot(Path(corpus_config.output_dir)) == before
    assert not (Path(corpus_config.output_dir).parent / "escaped.txt").exists()


@pytest.mark.parametrize("template, reads", [
    ("{{ a.title }} {{ a['kicker'] }}", False),  # the face: a body edit cannot change this page
    ("{{ a.body }}", True),
    ("{{ a }}", True),
    ("{{ a|string }}", True),
    ("{{ '%s'|format(a) }}", True),
    ("{{ [a]|join(',') }}", True),
    ("{{ a|pprint }}", True),
    ("{{ a|e }}", True),
])
def test_a_render_that_reads_an_article_beyond_its_face_is_recorded(template, reads):
    """The one-article path re-renders only pages that recorded such a read; a page that
    printed the whole article through a filter must be among them."""
    from site_builder.build.render import TrackingEnvironment, _note_printed_article

    env = TrackingEnvironment(finalize=_note_printed_article, autoescape=True)
    env.deep_reads = set()
    article = Article(id="x-01", source="seeds/x.txt", order=1, title="标题", body="正文。")
    env.from_string(template).render(a=article)
    assert env.deep_reads == ({"x-01"} if reads else set())
