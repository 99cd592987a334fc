"""Names -> safe folder names and URLs: unique slugs, clashes reported at the content file."""
from __future__ import annotations

import hashlib
import itertools
import os
import re
import unicodedata
from functools import lru_cache
from typing import Iterable
from urllib.parse import quote

from ..model import Article, Diagnostic


ROLE_LABELS = (("reporters", "记者"), ("correspondents", "通讯员"),
               ("writers", "文"), ("photographers", "图"))


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|#%]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.I)
MAX_SLUG_CHARS = 60  # 60 CJK characters are 180 bytes of UTF-8, under the usual 255-byte limit


def safe_slug(name: str) -> str:
    """A folder name for `name`: readable (the name itself where possible) and never a path."""
    text = unicodedata.normalize("NFC", name).strip()
    text = re.sub(r"\s+", "-", _UNSAFE.sub("", text)).strip(".-")[:MAX_SLUG_CHARS].strip(".-")
    if not text or _WINDOWS_RESERVED.match(text):
        return "n-" + _short_hash(name)
    return text


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


# Names a folder of named pages holds besides them (its own index page).
RESERVED_SLUGS = frozenset({"index.html"})


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """Map each name to a slug unique in its folder, also on case-insensitive file systems,
    never a name the folder holds itself (index.html). Unique by construction: a name that
    is its own safe slug keeps it (so adding another name never moves it); the others get a
    hash of the name, lengthened until free."""
    names = sorted(set(names))
    taken = set(RESERVED_SLUGS)
    out: dict[str, str] = {}
    # every name that is its own slug claims it before any name is given a hashed one:
    # else `a` (taken by `A`) could be handed `a-86f7e437`, the very name of another tag
    for name in names:
        if safe_slug(name) == name and name.casefold() not in taken:
            taken.add(name.casefold())
            out[name] = name
    for name in names:
        if name not in out:
            out[name] = _free_slug(safe_slug(name), name, taken)
    return out


def _free_slug(slug: str, name: str, taken: set[str]) -> str:
    """`slug`, else `slug-<hash of name>` with as many hash digits as it takes (then a count)."""
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    # lazily: the counted fallbacks were built in full for every name, O(names²) (a 50,000-
    # article build spent hours here); they are almost never reached
    candidates = itertools.chain([slug], (f"{slug}-{digest[:n]}" for n in (8, 12, 16, 40)),
                                 (f"{slug}-{digest}-{i}" for i in range(2, len(taken) + 3)))
    for candidate in candidates:
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
    raise AssertionError("unreachable: more candidates than taken slugs")


def slug_clashes(articles: list[Article], content_dir: str) -> list[Diagnostic]:
    """A warning at the content file and line of every name (tag, person, reporter, id) that
    does not get its own safe name as its URL because another name (or the site) has it."""
    out: list[Diagnostic] = []
    folders = [("tags", ("tags",)), ("people", ("people",)), ("reporters", tuple(r for r, _ in ROLE_LABELS)),
               ("a", ("id",))]
    for folder, fields_ in folders:
        holders: dict[str, tuple[str, str]] = {}  # name -> (content file, field) where first seen
        for a in sorted(articles, key=lambda a: a.path or ""):
            for f in fields_:
                for name in ([a.id] if f == "id" else getattr(a, f)):
                    holders.setdefault(name, (a.path or "", f))
        slugs = unique_slugs(holders) if folder != "a" else {i: p[2:-1] for i, p in _article_paths(articles).items()}
        for name, slug in sorted(slugs.items()):
            natural = safe_slug(name)
            if slug == natural or natural != name and slug == f"n-{_short_hash(name)}":
                continue
            rel, f = holders[name]
            file = os.path.join(content_dir, rel)
            out.append(Diagnostic(file, f"`{f}` {name!r}: the folder name {natural!r} is taken (by another name, one "
                                  f"differing only in case, or the site's own index.html); published at {folder}/{slug}/",
                                  _field_line(file, f), "warning"))
    return out


def _field_line(file: str, field_name: str) -> int | None:
    try:
        with open(file, encoding="utf-8", errors="replace") as fh:
            for number, line in enumerate(fh, 1):
                if line.startswith(f"{field_name}:"):
                    return number
    except OSError:
        pass
    return None


@lru_cache(maxsize=None)
def url_path(*segments: str) -> str:
    """Base-relative URL of a folder page: each segment percent-encoded, trailing slash.
    Memoised: a plan asks for the same tag and person paths a quarter of a million times at
    10,000 articles (quote() was a third of plan_site); one entry per name, never evicted, so
    equal paths are one object in every plan, as the page pickles expect."""
    return "".join(quote(s, safe="") + "/" for s in segments)


def file_for(*segments: str) -> str:
    """On-disk file (relative to the output dir) of the folder page url_path(*segments)."""
    return "/".join([*segments, "index.html"])


def _article_paths(articles: list[Article]) -> dict[str, str]:
    """a/<id>/, where ids that differ only in case (one folder on Windows and macOS) are told
    apart by a hash; ids are ASCII letters, digits, '-' and '_', so the path is the id."""
    taken = set(RESERVED_SLUGS)
    return {i: url_path("a", _free_slug(i, i, taken)) for i in sorted({a.id for a in articles})}
