"""feed.xml, sitemap.xml and robots.txt."""
from __future__ import annotations

from ..edtf import EdtfDate
from .order import article_date, issue_date, time_key
from .pages import FeedContext, PlannedPage, SimpleContext, SitemapContext


def _rfc3339(d: EdtfDate | None) -> str | None:
    if d is None or d.year is None:
        return None
    return f"{d.year:04d}-{d.month or 1:02d}-{d.day or 1:02d}T00:00:00Z"


def _machine_files(planned, chronological, links, config) -> list[PlannedPage]:
    """feed.xml, sitemap.xml and robots.txt; their times come from article dates only."""
    stamped = []
    for a in chronological:
        when = _rfc3339(issue_date(a)) or _rfc3339(article_date(a))
        if when:
            stamped.append((a, when))
    stamped.sort(key=lambda e: (e[1], time_key(e[0])), reverse=True)
    entries = stamped[: config.feed_entries]
    updated = entries[0][1] if entries else "1970-01-01T00:00:00Z"
    sitemap = SitemapContext(sorted(p.path for p in planned if p.in_sitemap))
    return [
        PlannedPage("feed.xml", "feed.xml", "feed.xml", config.title, FeedContext(updated, entries),
                    links, in_sitemap=False),
        PlannedPage("sitemap.xml", "sitemap.xml", "sitemap.xml", "sitemap", sitemap, links,
                    in_sitemap=False),
        PlannedPage("robots.txt", "robots.txt", "robots.txt", "robots", SimpleContext(), links,
                    in_sitemap=False),
    ]
