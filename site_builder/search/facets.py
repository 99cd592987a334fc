"""The search page's filters besides the year: tag, 版面 and person lists with the numbers of
their articles (article numbers follow the date order, so a year is a range).
"""
from __future__ import annotations

from typing import Iterable

from ..model import Article
from .documents import SearchDocument, byline_names, to_json


def tag_refs(tagged: Iterable[tuple[int, list[str]]]) -> list[tuple[str, list[int]]]:
    """Each value (most used first) with the numbers of its articles, ascending, from (number,
    values) in rising number."""
    refs: dict[str, list[int]] = {}
    for number, tags in tagged:
        for tag in dict.fromkeys(t.strip() for t in tags if t):
            if tag:
                refs.setdefault(tag, []).append(number)
    return sorted(refs.items(), key=lambda x: (-len(x[1]), x[0]))


# The search page's filters besides the year: facet -> (list of [value, article count, file],
# files of the article numbers of consecutive values: one list per value). Values are packed
# into files of about FACET_FILE_NUMBERS numbers, so thousands of people with a few articles
# each make a few files, not thousands.
FACET_FILE_NUMBERS = 2000


FACETS = {"tag": ("tags.json", "tags/{n}.json"), "page": ("pages.json", "pages/{n}.json"),
          "person": ("people.json", "people/{n}.json")}


def facet_values(article: Article) -> dict[str, list[str]]:
    """What the filters know of an article: its tags, its 版面 (the page's name, else its
    section) and its people (named in it or in its byline)."""
    page = article.page_name or article.section
    return {"tag": list(article.tags), "page": [page] if page else [],
            "person": list(dict.fromkeys([*article.people, *byline_names(article)]))}


def year_ranges(docs: list[SearchDocument]) -> list[list[int]]:
    """[[year, first article number, article count], ...] in date order."""
    out: list[list[int]] = []
    for doc in docs:
        if doc.year is None:
            break
        if out and out[-1][0] == doc.year:
            out[-1][2] += 1
        else:
            out.append([doc.year, doc.number, 1])
    return out


def facet_files(numbered: Iterable[tuple[int, Article]]) -> dict[str, bytes]:
    """Every facet's list and per-value files (FACETS), from (number, article) in rising
    number."""
    values = [(number, facet_values(a)) for number, a in numbered]
    files = {}
    for facet, (list_path, each_path) in FACETS.items():
        listing, packs = [], [[]]
        for value, numbers in tag_refs((number, v[facet]) for number, v in values):
            if packs[-1] and sum(map(len, packs[-1])) + len(numbers) > FACET_FILE_NUMBERS:
                packs.append([])
            packs[-1].append(numbers)
            listing.append([value, len(numbers), len(packs) - 1])
        files[list_path] = to_json(listing)
        for n, pack in enumerate(packs if listing else []):
            files[each_path.format(n=n)] = to_json(pack)
    return files


def is_facet_file(rel: str) -> bool:
    return any(rel == a or rel.startswith(b.split("{")[0]) for a, b in FACETS.values())
