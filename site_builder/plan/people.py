"""Tag, people and reporter pages and their indexes."""
from __future__ import annotations

from collections import defaultdict

from ..edtf import format_zh
from ..model import Article
from .listing import LIST_PAGE_SIZE, UNDATED_LABEL, listing_pages
from .order import _edtf, dated_groups, is_dated
from .pages import (Counted, Group, Links, PeopleIndexContext, PersonContext, PlannedPage,
                    ReporterContext, ReportersIndexContext, TagContext, TagIndexContext, TitleSpan)
from .slugs import ROLE_LABELS
from .timeline import _items


def _mentions(articles: list[Article]) -> dict[str, int]:
    """How many articles name each person."""
    counts: dict[str, int] = defaultdict(int)
    for a in articles:
        for p in set(a.people):
            counts[p] += 1
    return counts


def _counted_tags(articles: list[Article], links: Links) -> list[Counted]:
    counts: dict[str, int] = defaultdict(int)
    for a in articles:
        for t in set(a.tags):
            counts[t] += 1
    top = max(counts.values(), default=1)
    tags = [Counted(t, n, links.tag(t), 1 + (4 * (n - 1)) // max(top - 1, 1)) for t, n in counts.items()]
    tags.sort(key=lambda c: (-c.count, c.name))
    return tags


def _tag_pages(articles, listed, links, config) -> list[PlannedPage]:
    tags = _counted_tags(articles, links)
    out = listing_pages(("tags",), "tags.html", "标签", [Group("", tags)], LIST_PAGE_SIZE,
                        lambda chunk, pg: TagIndexContext(_items(chunk), len(tags), pg), links)
    by_tag: dict[str, list[Article]] = defaultdict(list)  # one pass, not one per tag
    for a in listed:
        for t in dict.fromkeys(a.tags):
            by_tag[t].append(a)
    for tag in sorted(tags, key=lambda c: c.name):
        tagged = by_tag[tag.name]
        out += listing_pages(("tags", links.tags[tag.name]), "tag.html", f"标签：{tag.name}",
                             dated_groups(tagged), config.tag_page_size,
                             lambda chunk, pg, t=tag.name, n=len(tagged): TagContext(t, n, chunk, pg),
                             links)
    return out


def _people_pages(listed, chronological, links, config) -> list[PlannedPage]:
    by_person: dict[str, list[Article]] = defaultdict(list)
    for a in listed:
        for p in dict.fromkeys(a.people):
            by_person[p].append(a)
    people = [Counted(p, len(v), links.person(p) or links.article(v[0])) for p, v in by_person.items()]
    people.sort(key=lambda c: (-c.count, c.name))
    out = listing_pages(("people",), "people.html", "人物", [Group("", people)], LIST_PAGE_SIZE,
                        lambda chunk, pg: PeopleIndexContext(_items(chunk), len(people), pg), links)
    spans = _title_spans(chronological)
    for name in sorted(links.people):
        items = by_person[name]
        reporter = links.reporter(name) if name in links.reporters else None
        titles = spans.get(name, [])
        out += listing_pages(("people", links.people[name]), "person.html", name, dated_groups(items),
                             config.tag_page_size,
                             lambda chunk, pg, n=name, c=len(items), t=titles, r=reporter:
                                 PersonContext(n, c, t if pg.number == 1 else [], chunk, pg, r),
                             links)
    return out


def _title_spans(chronological: list[Article]) -> dict[str, list[TitleSpan]]:
    """Per person, each distinct title printed with the name, ordered by when it first appears:
    from the first to the last dated article printing it (the undated ones only count)."""
    found: dict[str, dict[str, list[Article]]] = defaultdict(dict)
    for a in chronological:
        for name, title in a.roles.items():
            title = (title or "").strip()
            if title and name in a.people:
                found[name].setdefault(title, []).append(a)
    out: dict[str, list[TitleSpan]] = {}
    for name, by_title in found.items():
        spans = []
        for title, arts in by_title.items():
            dated = [a for a in arts if is_dated(a)]
            first = format_zh(_edtf(dated[0].date)) if dated else ""
            last = format_zh(_edtf(dated[-1].date)) if dated else ""
            spans.append(TitleSpan(title, first, last, len(arts)))
        out[name] = spans
    return out


def _reporter_pages(listed, links, config) -> list[PlannedPage]:
    by_name: dict[str, dict[str, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for a in listed:
        for role, label in ROLE_LABELS:
            for n in dict.fromkeys(getattr(a, role)):
                by_name[n][label].append(a)
    groups = []
    for role, label in ROLE_LABELS:
        people = [Counted(n, len(r[label]), links.reporter(n)) for n, r in by_name.items() if r.get(label)]
        people.sort(key=lambda c: (-c.count, c.name))
        if people:
            groups.append(Group(label, people, anchor=f"role-{role}"))
    out = listing_pages(("reporters",), "reporters.html", "记者与作者", groups, LIST_PAGE_SIZE,
                        lambda chunk, pg: ReportersIndexContext(chunk, pg), links)
    for name in sorted(by_name):
        roles = by_name[name]
        groups = [g for role, label in ROLE_LABELS if roles.get(label)
                  for g in dated_groups(roles[label], f"署名“{label}”的文章",
                                        f"署名“{label}”、{UNDATED_LABEL}的文章")]
        count = len({a.id for r in roles.values() for a in r})
        person = links.person(name)
        out += listing_pages(("reporters", links.reporters[name]), "reporter.html", name, groups,
                             config.tag_page_size,
                             lambda chunk, pg, n=name, c=count, p=person: ReporterContext(n, c, chunk, pg, p),
                             links)
    return out
