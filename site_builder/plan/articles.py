"""The home page and article pages: neighbours, bylines, citations, descriptions."""
from __future__ import annotations

import re
from collections import defaultdict

from ..config import site_url_is_set
from ..edtf import format_zh
from ..model import Article
from .order import _edtf, _page_number_key, article_date, listing_key, time_key
from .pages import ArticleContext, Byline, Citation, HomeContext, Link, Links, PageRef, PlannedPage
from .people import _counted_tags, _mentions
from .slugs import ROLE_LABELS, file_for


def _home(articles, chronological, issues, undated_pages, links, config) -> PlannedPage:
    dated = [a for a in chronological if time_key(a)[0] == 0]
    latest = sorted(dated, key=listing_key)[: config.home_articles]
    tags = _counted_tags(articles, links)
    ctx = HomeContext(
        latest_issue=issues[0] if issues else None, latest_articles=latest, issues=issues,
        undated_pages=undated_pages, article_count=len(articles), tag_count=len(links.tags),
        people_count=len(_mentions(articles)), top_tags=tags[:20])
    return PlannedPage("", "index.html", "home.html", config.title, ctx, links,
                       description=config.description)


def _article_pages(articles, chronological, pages, links, config) -> list[PlannedPage]:
    in_time = _time_neighbours(chronological)
    site_url = config.site_url if site_url_is_set(config.site_url) else ""
    out = []
    for a in articles:
        page = pages[a.source]
        i = page.articles.index(a)
        permalink = site_url + links.article(a) if site_url else ""
        earlier, later = in_time.get(a.id, (None, None))
        ctx = ArticleContext(
            article=a, date_label=format_zh(_edtf(a.date)), bylines=_bylines(a, links),
            tags=[Link(t, links.tag(t)) for t in a.tags],
            people=[Link(p, links.person(p)) for p in a.people],
            page=page,
            prev_on_page=page.articles[i - 1] if i > 0 else None,
            next_on_page=page.articles[i + 1] if i + 1 < len(page.articles) else None,
            prev_in_time=earlier, next_in_time=later,
            citation=cite(a, page, permalink), permalink=permalink)
        out.append(PlannedPage(links.article(a), file_for("a", links.article(a)[2:-1]), "article.html",
                               a.title, ctx, links, description=_description(a),
                               og_type="article"))
    return out


def _time_neighbours(chronological: list[Article]) -> dict[str, tuple[Article | None, Article | None]]:
    """For each dated article: the lead article (first in print order) of the nearest earlier
    and the nearest later date, skipping articles on its own page. Its page's other articles
    are what 本版上一篇/下一篇 are for, and most share its date; stepping by date lets a reader
    walk the archive a day at a time instead of through the rest of the same page."""
    days: dict[tuple, list[Article]] = defaultdict(list)
    for a in chronological:
        if time_key(a)[0] == 0:
            d = article_date(a)
            days[(d.year, d.month or 0, d.day or 0)].append(a)
    keys = sorted(days)

    def lead(k: int, step: int, source: str) -> Article | None:
        while 0 <= k < len(keys):
            off_page = [a for a in days[keys[k]] if a.source != source]
            if off_page:
                return min(off_page, key=lambda a: (a.published or "", _page_number_key(a.page),
                                                    a.source, a.order))
            k += step
        return None

    out = {}
    for k, key in enumerate(keys):
        for a in days[key]:
            out[a.id] = (lead(k - 1, -1, a.source), lead(k + 1, 1, a.source))
    return out


def _bylines(a: Article, links: Links) -> list[Byline]:
    return [Byline(label, [Link(n, links.reporter(n)) for n in getattr(a, role)])
            for role, label in ROLE_LABELS if getattr(a, role)]


def cite(a: Article, page: PageRef, permalink: str = "") -> Citation:
    """GB/T 7714-2015 for a newspaper article, "作者. 题名[N]. 报纸名, 出版日期(版次).", with
    what is unknown said in brackets as the standard does, never guessed (an article's own
    date is not its issue's); and the same as a BibTeX entry (biblatex's newspaper article)."""
    names = list(dict.fromkeys(a.reporters + a.correspondents + a.writers))
    authors = ", ".join(names[:3]) + (", 等" if len(names) > 3 else "")
    paper = page.newspaper or a.newspaper
    when = page.published
    iso = f"{when.year:04d}-{when.month:02d}-{when.day:02d}" if when else ""
    number = page.page or a.page
    source = f"{paper or '[出版者不详]'}, {iso or '[出版日期不详]'}" + (f"({number})" if number else "")
    gbt = (f"{authors}. " if authors else "") + f"{a.title}[N]. {source}."
    fields = [("author", " and ".join(names)), ("title", a.title), ("journal", paper or ""),
              ("date", iso), ("pages", number or ""), ("url", permalink)]
    key = re.sub(r"[^A-Za-z0-9_-]", "", a.id) or "article"
    body = "".join(f",\n  {k} = {{{_bibtex_escape(v)}}}" for k, v in fields if v)
    return Citation(gbt, f"@article{{{key},\n  entrysubtype = {{newspaper}}{body}\n}}",
                    key, (paper or "").replace("|", ""), iso, (number or "").replace("|", ""),
                    [n.replace("|", "") for n in names])


def _bibtex_escape(value: str) -> str:
    """Braces would unbalance the entry; LaTeX's specials are escaped."""
    value = value.replace("{", "").replace("}", "").replace("\\", "")
    return re.sub(r"([&%$#_])", r"\\\1", value)


DESCRIPTION_CHARS = 100  # what search results and link previews show; the page has the rest


def _description(a: Article) -> str:
    text = a.summary or re.sub(r"[#*_>`\[\]()]", "", a.body)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:DESCRIPTION_CHARS] + ("…" if len(text) > DESCRIPTION_CHARS else "")
