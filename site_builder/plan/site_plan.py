"""plan_site: every page of the site, in order, from the corpus alone."""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

from ..config import Config
from ..model import Article
from .articles import _article_pages, _home
from .feeds import _machine_files
from .issues import _issue_calendars, _issue_pages, _on_this_day_pages, _page_views, _printed_by_day
from .listing import PERSON_PAGE_MIN
from .order import _page_number_key, issue_date, listing_key, time_key
from .pages import Issue, Links, PageRef, PlannedPage, SimpleContext
from .people import _mentions, _people_pages, _reporter_pages, _tag_pages
from .slugs import (RESERVED_SLUGS, ROLE_LABELS, _article_paths, _free_slug, file_for, safe_slug,
                    unique_slugs, url_path)
from .timeline import _timeline_pages


def plan_site(articles: list[Article], config: Config) -> list[PlannedPage]:
    """Every page of the site, in a stable order."""
    articles = sorted(articles, key=lambda a: (a.source, a.order, a.id))
    pages_by_source = _page_refs(articles)
    links = _links(articles, pages_by_source)
    chronological = sorted(articles, key=time_key)
    listed = sorted(articles, key=listing_key)
    issues = _issues(pages_by_source, links)
    undated_pages = [p for p in pages_by_source.values() if p.published is None]
    undated_pages.sort(key=lambda p: p.slug)

    planned: list[PlannedPage] = []
    by_day = _printed_by_day(chronological)
    planned.append(_home(articles, chronological, issues, undated_pages, links, config))
    planned[-1].context.on_this_day = [f"{m:02d}-{d:02d}" for m, d in sorted(by_day)]
    planned += _article_pages(articles, chronological, pages_by_source, links, config)
    planned += _page_views(pages_by_source, issues, undated_pages, links)
    planned += _issue_pages(issues, links)
    planned += _issue_calendars(issues, links)
    planned += _on_this_day_pages(by_day, links)
    planned += _tag_pages(articles, listed, links, config)
    planned += _timeline_pages(chronological, listed, issues, links)
    planned += _people_pages(listed, chronological, links, config)
    planned += _reporter_pages(listed, links, config)
    planned.append(PlannedPage("search/", file_for("search"), "search.html", "全文检索",
                               SimpleContext(), links))
    planned.append(PlannedPage("404.html", "404.html", "404.html", "页面未找到",
                               SimpleContext(), links, in_sitemap=False))
    planned += _machine_files(planned, chronological, links, config)
    _check_unique(planned)
    return planned


def _page_refs(articles: list[Article]) -> dict[str, PageRef]:
    by_source: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_source[a.source].append(a)
    slugs = _page_slugs(by_source)
    refs: dict[str, PageRef] = {}
    for source in sorted(by_source):
        group = sorted(by_source[source], key=lambda a: (a.order, a.id))
        first = group[0]
        refs[source] = PageRef(
            slug=slugs[source], path=url_path("page", slugs[source]), source=source,
            articles=group, published=_first(issue_date(a) for a in group),
            page=_first(a.page for a in group), page_name=_first(a.page_name for a in group),
            newspaper=_first(a.newspaper for a in group) or first.newspaper)
    return refs


def _first(values: Iterable):
    return next((v for v in values if v), None)


def _page_slugs(by_source: dict[str, list[Article]]) -> dict[str, str]:
    """The article-id prefix shared by a page's articles (ids are `<seed slug>-<NN>`)."""
    slugs: dict[str, str] = {}
    taken: set[str] = set(RESERVED_SLUGS)
    for source in sorted(by_source):
        prefixes = {re.sub(r"[-_.]?\d+$", "", a.id) or a.id for a in by_source[source]}
        slug = prefixes.pop() if len(prefixes) == 1 else ""
        slugs[source] = _free_slug(safe_slug(slug or by_source[source][0].seed_stem), source, taken)
    return slugs


def _links(articles: list[Article], pages: dict[str, PageRef]) -> Links:
    return Links(
        articles=_article_paths(articles),
        pages={s: p.path for s, p in pages.items()},
        tags=unique_slugs(t for a in articles for t in a.tags),
        people=unique_slugs(p for p, n in _mentions(articles).items() if n >= PERSON_PAGE_MIN),
        reporters=unique_slugs(n for a in articles for role, _ in ROLE_LABELS
                               for n in getattr(a, role)),
    )


def _issues(pages: dict[str, PageRef], links: Links) -> list[Issue]:
    """Issues newest first; each issue's pages in page order."""
    by_date: dict[tuple, list[PageRef]] = defaultdict(list)
    for p in pages.values():
        if p.published:
            by_date[p.published.sort_key()].append(p)
    issues = []
    for key in sorted(by_date, reverse=True):
        group = sorted(by_date[key], key=lambda p: (_page_number_key(p.page), p.slug))
        issues.append(Issue(group[0].published, links.issue(group[0].published), group))
    return issues


def _check_unique(planned: list[PlannedPage]) -> None:
    """Two pages must never share a file: that would silently drop one (a bug in this module)."""
    seen: dict[str, str] = {}
    for p in planned:
        key = p.file.casefold()
        if key in seen:
            raise AssertionError(f"pages {seen[key]!r} and {p.path!r} both write {p.file}")
        seen[key] = p.path
