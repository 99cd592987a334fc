"""A heading run's surroundings, as the heading-run model sees them: the paragraphs under it, the
runs of its shape before and after it, the lines of the article above it."""
from __future__ import annotations

from .headruns import PagePairs
from .layout import BYLINE, CREDIT, HEAD, PARA, OpenArticle, PageItem

_COHESION_BELOW = 600  # enough of the text under a run to tell its topic
_COHESION_ABOVE = 1500  # as much text above it to compare with, from the article and from the rest of the page
_SHORT_PIECE_ITEMS = 4  # a photo item or brief: a paragraph or two, then its credit
_LOOKAHEAD_ITEMS = 200  # how far a run looks for runs of its shape (keeps a huge page linear)


def page_pairs(items: list[PageItem]) -> PagePairs:
    """The character pairs of the page's text and heading lines; paragraphs weigh them."""
    return PagePairs({it.line.number: it.line.text for it in items if it.kind in (PARA, HEAD)},
                     [it.line.number for it in items if it.kind == PARA])


def cohesion(pairs: PagePairs, article: OpenArticle, items: list[PageItem], end: int,
             paras_after: int) -> tuple[float, float]:
    """How much the text under the run (items[end:end + paras_after]) goes on about the article
    above it, and about the page's other text (RunContext.cohesion, .page_cohesion)."""
    below = pairs.gather((it.line.number for it in items[end:end + paras_after]), _COHESION_BELOW)
    start = article.headline[0].number if article.headline else article.paragraphs[0].lines[0]
    after = end + paras_after
    resume = items[after].line.number if after < len(items) else items[-1].line.number + 1
    return (pairs.cohesion(pairs.gather(_article_lines(article), _COHESION_ABOVE), below),
            pairs.cohesion(pairs.elsewhere(start, resume, _COHESION_ABOVE), below))


def _article_lines(article: OpenArticle):
    """The current article's lines, last first: its text, then its headline."""
    for p in reversed(article.paragraphs):
        if p.is_text:
            yield from range(p.lines[1], p.lines[0] - 1, -1)
    yield from (line.number for line in reversed(article.headline))


def what_follows(items: list[PageItem], end: int) -> tuple[int, bool]:
    """(paragraphs after the run before the next heading, byline or credit; whether a byline
    or credit closes them within a few paragraphs)."""
    i = end
    while i < len(items) and i - end <= _LOOKAHEAD_ITEMS and items[i].kind == PARA:
        i += 1
    closed = i < len(items) and items[i].kind in (BYLINE, CREDIT) and i - end <= _SHORT_PIECE_ITEMS
    return i - end, closed


def same_shape_before(article: OpenArticle, texts: list[str]) -> bool:
    """The article already printed a subheading run of as many lines of about this length."""
    runs: list[list[str]] = []
    previous_heading = False
    for p in article.paragraphs:
        if p.heading:
            if not previous_heading:
                runs.append([])
            runs[-1].append(p.text)
        previous_heading = p.heading
    longest = max(len(t) for t in texts)
    return any(len(r) == len(texts) and abs(max(len(t) for t in r) - longest) <= 4 for r in runs)


def similar_runs_after(items: list[PageItem], end: int, texts: list[str]) -> int:
    """Later heading runs with as many lines of about the same length: subheadings recur."""
    count, i, stop = 0, end, min(len(items), end + _LOOKAHEAD_ITEMS)
    longest = max(len(t) for t in texts)
    while i < stop and count < 3:
        if items[i].kind != HEAD:
            i += 1
            continue
        j = i
        while j < stop and items[j].kind == HEAD:
            j += 1
        lens = [len(items[k].line.text.strip()) for k in range(i, j)]
        if j - i == len(texts) and abs(max(lens) - longest) <= 4:
            count += 1
        i = j
    return count
