"""The corpus-wide step: who is a person and which words are tags, decided over all articles.

One module for the three ways ingestion runs it:
- full and serial (`ingest.ingest_pages`): `finish_corpus` with the built-in map;
- full and cached (`ingest.run_ingest`): `finish_corpus` with a map on forked workers and the
  second pass of name confirmation memoised (`ingest_cache.finish_corpus_fast` wraps it);
- incremental (`ingest_state.apply_change`): keeps the same corpus-wide counts up to date and
  redoes `finish_article` for the articles whose answers changed.
What one article's choices read of the corpus is exactly `CorpusView` plus the known names its
text prints; the rules themselves live in entities.py (names, titles, tags) and here (how the
passes combine). This module imports no ingest module, so none of them import each other
through it.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from . import bylines, entities

if TYPE_CHECKING:
    from .extract import Extracted

# map_fn(fn, items) -> list: the built-in map, or one that runs fn on forked workers (fn may be
# a closure: forked workers inherit it rather than receive it pickled)
MapFn = Callable[[Callable, list], Iterable]


@dataclass
class CorpusTrace:
    """What finish_corpus found on its way, per article (in order): the names confirmed
    anywhere that a text prints (`here1`: after the first pass; `known_here`: at the end) and
    the names the text vouches for (`confirmed`); the file texts when asked for. The
    incremental corpus step starts from it."""

    here1: list[frozenset[str]]
    confirmed: list[frozenset[str]]
    known_here: list[frozenset[str]]
    texts: list[str] | None = None


@dataclass
class CorpusView:
    """All an article's corpus-wide choices read of the rest of the corpus."""

    known: set[str] | Counter  # names confirmed anywhere
    credited: set[str] | Counter  # names credited in a byline anywhere
    doc_freq: Counter  # candidate tag word -> number of articles that have it
    n_docs: int


def _serial_map(fn: Callable, items: list) -> list:
    return [fn(x) for x in items]


def finish_corpus(extracted: list[Extracted], alone: list[frozenset[str]] | None = None,
                  memo: dict | None = None, map_fn: MapFn = _serial_map,
                  to_text: Callable | None = None) -> CorpusTrace:
    """Corpus-wide choices: people confirmed anywhere are people everywhere; tags by weight.

    1. Names each article's phrasing confirms on its own (`alone`; computed unless given, e.g.
       from a cache), then again with the names confirmed anywhere, so 、-lists can lean on
       other articles. Only the known names printed in a text matter, so that is what is
       passed (and what `memo`, keyed by text hash and those names, remembers).
    2. Per article (`finish_article`): people in print order, their titles, places,
       organisations and tags; with `to_text`, the article's file text too.
    `map_fn` may run the steps on worker processes; the result is the same."""
    texts = [e.body_text for e in extracted]
    if alone is None:
        alone = list(map_fn(confirmed_alone, texts))
    memo = {} if memo is None else memo
    known1 = frozenset().union(*alone) if alone else frozenset()
    index1 = entities.NameIndex(known1)
    here1 = list(map_fn(index1.found_in, texts))
    confirmed = confirm_again(extracted, alone, here1, memo, map_fn)
    known = set(known1).union(*confirmed)
    extra = entities.NameIndex(known - known1)
    view = corpus_view(extracted, known)

    def finish(i: int) -> tuple:
        e = extracted[i]
        names = here1[i] | extra.found_in(e.body_text)
        finish_article(e, names, view)
        a = e.article
        return names, (a.people, a.roles, a.places, a.organizations, a.tags), to_text(a) if to_text else None

    done = list(map_fn(finish, list(range(len(extracted)))))
    for e, (_, fields, _) in zip(extracted, done):  # a forked worker's changes stay there
        a = e.article
        a.people, a.roles, a.places, a.organizations, a.tags = fields
    return CorpusTrace(here1, confirmed, [names for names, _, _ in done],
                       [t for _, _, t in done] if to_text else None)


def corpus_view(extracted: list[Extracted], known: set[str]) -> CorpusView:
    credited = {n for e in extracted for n in credited_names(e)}
    doc_freq: Counter = Counter()
    for e in extracted:
        doc_freq.update(candidate_words(e))
    return CorpusView(known, credited, doc_freq, len(extracted))


def confirm_again(extracted: list[Extracted], alone: list[frozenset[str]], here1: list[frozenset[str]],
                  memo: dict, map_fn: MapFn = _serial_map) -> list[frozenset[str]]:
    """The second pass of name confirmation: what each text vouches for once the names
    confirmed elsewhere that it prints (`here1`) are known."""
    keys: list[tuple | None] = []
    for e, mine, here in zip(extracted, alone, here1):
        keys.append((text_key(e.body_text), here) if needs_second_pass(e.body_text, mine, here) else None)
    missing = sorted({k for k in keys if k is not None and k not in memo}, key=lambda k: (k[0], sorted(k[1])))
    if missing:
        texts = {text_key(e.body_text): e.body_text for e in extracted}
        memo.update(zip(missing, map_fn(_confirmed_with, [(texts[k[0]], k[1]) for k in missing])))
    return [mine if k is None else memo[k] | mine for k, mine in zip(keys, alone)]


def needs_second_pass(text: str, alone: frozenset[str], here1: frozenset[str]) -> bool:
    """Only a name from elsewhere standing in a 、-list here can vouch for more names; else
    the text vouches for `alone` only."""
    return entities.lists_reach(text, here1 - alone)


def confirm(text: str, alone: frozenset[str], here1: frozenset[str]) -> frozenset[str]:
    """confirm_again for one article, without the memo."""
    if not needs_second_pass(text, alone, here1):
        return alone
    return _confirmed_with((text, here1)) | alone


def confirmed_alone(text: str) -> frozenset[str]:
    """The names an article's own phrasing vouches for (the first pass)."""
    return frozenset(entities.confirmed_people(text))


def _confirmed_with(args: tuple[str, frozenset[str]]) -> frozenset[str]:
    text, known_here = args
    return frozenset(entities.confirmed_people(text, known_here))


def credited_names(e: Extracted) -> list[str]:
    return [n for role in bylines.ROLES for n in getattr(e.article, role)]


def candidate_words(e: Extracted) -> frozenset[str]:
    """The article's candidate tag words (what its document frequencies count)."""
    return frozenset(e.terms.counts)


def finish_article(e: Extracted, known_here: frozenset[str], view: CorpusView) -> None:
    """One article's people, roles, places, organisations and tags, given the known names its
    text prints and what it reads of the rest of the corpus."""
    people = entities.people_in(e.body_text, set(known_here))
    e.article.people = people
    e.article.roles = entities.roles_in(e.body_text, people)
    # only a word that is part of some name can be printed only inside names
    parts = {n[i:j] for n in people for i in range(len(n)) for j in range(i + 1, len(n) + 1)}
    inside_names = {w for w in e.terms.counts if w in parts and entities.only_inside(w, e.body_text, people)}
    e.article.places = [p for p in e.terms.places if p not in inside_names]
    e.article.organizations = [o for o in e.terms.organizations if o not in inside_names]
    # choose_tags only asks whether a candidate word is excluded: the candidates suffice
    exclude = {w for w in e.terms.counts if w in view.known or w in view.credited or w in inside_names}
    e.article.tags = entities.choose_tags(e.terms, view.doc_freq, view.n_docs, exclude)


def tag_answers_changed(df_before: int, df_now: int, n_before: int, n_now: int) -> bool:
    """Whether choose_tags may judge a word differently after its document frequency or the
    number of articles changed (the incremental step redoes the articles that have it)."""
    return (entities.shared_word(df_before) != entities.shared_word(df_now)
            or entities.common_word(df_before, n_before) != entities.common_word(df_now, n_now))


def text_key(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
