"""jieba, loaded once, with the project's user dictionary: the one place that segments words.

The user dictionary is a plain text file users extend (one word per line, optionally with a
frequency and a part-of-speech tag, as jieba's own format), so local place and organisation
names (a district, a science park, a party working committee) stay whole.
"""
from __future__ import annotations

import logging
import threading
from functools import lru_cache
from pathlib import Path

import jieba
import jieba.posseg

jieba.setLogLevel(logging.WARNING)

_lock = threading.Lock()
_state: dict[str, object] = {"userdict": None, "tokenizer": None, "pos": None}


def configure(userdict: str | Path | None) -> None:
    """Use this user dictionary from now on (None: jieba's dictionary only)."""
    path = str(userdict) if userdict and Path(userdict).exists() else None
    with _lock:
        if _state["tokenizer"] is not None and _state["userdict"] == path:
            return
        tk = jieba.Tokenizer()
        tk.initialize()
        if path:
            tk.load_userdict(path)
        _state.update(userdict=path, tokenizer=tk, pos=jieba.posseg.POSTokenizer(tk))
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
