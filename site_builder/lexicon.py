"""jieba, loaded once, with the project's user dictionary: the one place that segments words.

The user dictionary is a plain text file users extend (one word per line, optionally with a
frequency and a part-of-speech tag, as jieba's own format), so local place and organisation
names (a district, a science park, a party working committee) stay whole.
"""
from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from math import log
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba
    import jieba.posseg

# jieba is imported on first use (about 0.4 s): a run where nothing needs segmenting never
# pays for it.

_lock = threading.Lock()
_state: dict[str, object] = {"userdict": None, "tokenizer": None, "pos": None, "route": None}


def configure(userdict: str | Path | None) -> None:
    """Use this user dictionary from now on (None: jieba's dictionary only)."""
    path = str(userdict) if userdict and Path(userdict).exists() else None
    with _lock:
        if _state["tokenizer"] is not None and _state["userdict"] == path:
            return
        import jieba
        import jieba.posseg

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.initialize()
        if path:
            tk.load_userdict(path)
        _state.update(userdict=path, tokenizer=tk, pos=jieba.posseg.POSTokenizer(tk), route=None)
    _cut_plain.cache_clear()


def userdict_fingerprint() -> str:
    path = _state["userdict"]
    if not path:
        return "none"
    import hashlib
    return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()[:16]


def tokenizer() -> jieba.Tokenizer:
    if _state["tokenizer"] is None:
        configure(None)
    return _state["tokenizer"]  # type: ignore[return-value]


def pos_tokenizer() -> jieba.posseg.POSTokenizer:
    if _state["pos"] is None:
        configure(None)
    return _state["pos"]  # type: ignore[return-value]


@lru_cache(maxsize=65536)
def _cut_plain(text: str) -> tuple[str, ...]:
    return tuple(tokenizer().lcut(text, HMM=False))


def words(text: str) -> tuple[str, ...]:
    """Dictionary words only (no HMM guesses): never a fragment such as half a place name."""
    return _cut_plain(text)


def tagged(text: str, hmm: bool = True) -> list[tuple[str, str]]:
    return [(w.word, w.flag) for w in pos_tokenizer().lcut(text, HMM=hmm)]


# posseg's own split of a text into blocks it segments (Han, letters, digits and a few signs);
# words are never cut across blocks, so the same split gives the same words.
_POSSEG_BLOCK = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+")
_ENG1 = re.compile("[a-zA-Z0-9]")


@dataclass(frozen=True)
class _RouteTables:
    """What the route search reads, gathered once per dictionary: for every word and every
    prefix of one, the word's log probability (None for a prefix that is no word), and the
    part-of-speech tags. One dictionary lookup per fragment instead of jieba's three."""

    logp: dict[str, float | None]
    unknown: float  # the log probability jieba gives a character it does not know
    tags: dict[str, str]


def _route_tables() -> _RouteTables:
    tables = _state.get("route")
    if tables is None:
        tk, pos = tokenizer(), pos_tokenizer()
        pos.makesure_userdict_loaded()
        logtotal = log(tk.total)
        # the same expression as jieba's calc (log(freq) - logtotal), so sums are bit-identical
        logp = {w: (log(f) - logtotal if f else None) for w, f in tk.FREQ.items()}
        tables = _RouteTables(logp, log(1) - logtotal, pos.word_tag_tab)
        _state["route"] = tables
    return tables  # type: ignore[return-value]


_ABSENT = object()


def tagged_terms(text: str) -> list[tuple[str, str]]:
    """The words of two or more characters that `tagged(text, hmm=False)` gives, with their
    tags, in order (whitespace tokens left out), computed in one pass per block.

    jieba finds the most probable route through a block by building a DAG of dictionary words
    and then scoring it right to left, with a tuple per candidate; this does both at once with
    the same arithmetic and the same tie rule (the longer word wins), about twice as fast.
    tests/test_ingest_segment.py compares it with posseg on sample and random text."""
    tables = _route_tables()
    logp, unknown, tags = tables.logp, tables.unknown, tables.tags
    absent = _ABSENT
    out: list[tuple[str, str]] = []
    for m in _POSSEG_BLOCK.finditer(text):
        block = m.group()
        n = len(block)
        score = [0.0] * (n + 1)
        end = [0] * n
        for idx in range(n - 1, -1, -1):
            best, best_x = None, idx
            i = idx
            lp = logp.get(block[idx], absent)
            while lp is not absent:
                if lp is not None:
                    s = lp + score[i + 1]
                    if best is None or s >= best:
                        best, best_x = s, i
                i += 1
                if i >= n:
                    break
                lp = logp.get(block[idx:i + 1], absent)
            if best is None:
                best = unknown + score[idx + 1]
            score[idx] = best
            end[idx] = best_x
        x = 0
        eng = 0  # length of a run of single letters/digits: posseg joins them into one 'eng' word
        while x < n:
            y = end[x] + 1
            if y - x == 1 and _ENG1.match(block[x]):
                eng += 1
            else:
                if eng >= 2:
                    out.append((block[x - eng:x], "eng"))
                eng = 0
                if y - x >= 2:
                    word = block[x:y]
                    out.append((word, tags.get(word, "x")))
            x = y
        if eng >= 2:
            out.append((block[n - eng:], "eng"))
    return out


def is_word(text: str) -> bool:
    return tokenizer().FREQ.get(text, 0) > 0


def word_runs_across(left: str, right: str) -> bool:
    """True when a dictionary word spans the end of `left` and the start of `right` while the
    start of `right` alone is a lone character: the sign of a word cut by a column break."""
    left, right = left.rstrip(), right.lstrip()
    if not left or not right or not _is_han(left[-1]) or not _is_han(right[0]):
        return False
    if len(words(right[:8])[0]) != 1:
        return False
    head, tail = left[-3:], right[:3]
    pos = 0
    for w in words(head + tail):
        if pos < len(head) < pos + len(w):
            return True
        pos += len(w)
    return False


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def word_flag(word: str) -> str | None:
    return pos_tokenizer().word_tag_tab.get(word)


def is_common_word(word: str) -> bool:
    """A frequent dictionary word that jieba does not itself take for a name (会议, 同志)."""
    return tokenizer().FREQ.get(word, 0) >= 50 and word_flag(word) not in ("nr", "nrfg", "nrt")


@lru_cache(maxsize=1)
def _idf_table() -> tuple[dict[str, float], float]:
    import jieba.analyse

    table = jieba.analyse.default_tfidf.idf_loader
    return table.idf_freq, table.median_idf


def idf(word: str) -> float:
    """Background inverse document frequency from jieba's corpus (median for unseen words)."""
    freq, median = _idf_table()
    return freq.get(word, median)
