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

# jieba itself is imported only to build our tables (once per dictionary) and for `tagged`.

_lock = threading.Lock()
_state: dict[str, object] = {"userdict": None, "tokenizer": None, "pos": None, "tables": None, "idf": None}
TABLES_FORMAT = 5


def configure(userdict: str | Path | None) -> None:
    """Use this user dictionary from now on (None: jieba's dictionary only). Cheap: the
    tables are loaded when first used (`prepare` loads them now)."""
    path = str(userdict) if userdict and Path(userdict).exists() else None
    with _lock:
        if _state["userdict"] == path and (_state["tables"] is not None or _state["tokenizer"] is not None):
            return
        _state.update(userdict=path, tokenizer=None, pos=None, tables=None)
    _cut_plain.cache_clear()
    _short_blocks.clear()


def release() -> None:
    """Drop the tables and memos (about 150 MB at jieba's dictionary): a one-shot CLI run
    calls this between ingest and build, whose forked render workers would otherwise carry
    them. They load again on first use."""
    with _lock:
        _state.update(tokenizer=None, pos=None, tables=None, idf=None)
    _cut_plain.cache_clear()
    _short_blocks.clear()


def prepare() -> None:
    """Load the tables now (before worker processes fork, so they share them)."""
    _tables()


def userdict_fingerprint() -> str:
    path = _state["userdict"]
    if not path:
        return "none"
    import hashlib
    return hashlib.sha256(Path(str(path)).read_bytes()).hexdigest()[:16]


def _jieba_tokenizers():
    """jieba's own tokenizers with the user dictionary (for `tagged` and to build the tables)."""
    with _lock:
        if _state["tokenizer"] is None:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            tk = jieba.Tokenizer()
            tk.initialize()
            if _state["userdict"]:
                tk.load_userdict(_state["userdict"])
            pos = jieba.posseg.POSTokenizer(tk)
            pos.makesure_userdict_loaded()
            _state.update(tokenizer=tk, pos=pos)
    return _state["tokenizer"], _state["pos"]


def tokenizer() -> jieba.Tokenizer:
    return _jieba_tokenizers()[0]


def pos_tokenizer() -> jieba.posseg.POSTokenizer:
    return _jieba_tokenizers()[1]


# ---------------------------------------------------------------- our own tables

@dataclass(frozen=True)
class _Tables:
    """What segmentation reads, taken from jieba's dictionary plus the user dictionary: for
    every word and every prefix of one, the word's log probability (None for a prefix that is
    no word), computed as jieba's route search computes it, and the part-of-speech tags.
    One lookup per fragment instead of jieba's three, and one file load (a marshal cache in
    the temp folder, like jieba's own) instead of jieba's import, cache and tag-file parse."""

    logp: dict[str, float | None]
    unknown: float  # the log probability jieba gives a character it does not know
    common: float  # the log probability of a word of frequency 50 (is_common_word)
    rare: float  # the log probability of a word of frequency 3 (is_plain_word)
    tags: dict[str, str]
    # one character -> its log probability, _PREFIX when only longer words start with it
    # (absent: no word does); looked up for a whole block at once by map()
    singles: dict[str, float | str]


def _jieba_file(rel: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    return Path(spec.origin).parent / rel  # type: ignore[arg-type]


def _cached(kind: str, source: Path, build, extra: bytes = b""):
    """`build()`'s value, from a marshal file in the temp folder keyed by the source files."""
    import hashlib
    import marshal
    import os
    import tempfile

    h = hashlib.blake2b(digest_size=12)
    st = source.stat()
    h.update(f"{kind} {TABLES_FORMAT} {source} {st.st_size} {st.st_mtime_ns}".encode() + extra)
    file = Path(tempfile.gettempdir()) / f"site_builder-{kind}-{h.hexdigest()}.marshal"
    try:
        return marshal.loads(file.read_bytes())
    except Exception:  # missing or damaged: build it again
        pass
    value = build()
    tmp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(marshal.dumps(value))
        os.replace(tmp, file)
    except OSError:
        pass
    return value


def _build_tables() -> tuple:
    tk, pos = _jieba_tokenizers()
    logtotal = log(tk.total)
    # the same expression as jieba's calc (log(freq) - logtotal), so sums are bit-identical
    logp = {w: (log(f) - logtotal if f else None) for w, f in tk.FREQ.items()}
    singles = {w: (_PREFIX if lp is None else lp) for w, lp in logp.items() if len(w) == 1}
    # the tag table keyed by the very string objects of `logp`: marshal then writes each word
    # once and loading makes one object per word (about a fifth less load time)
    same = {w: w for w in logp}
    tags = {same.get(w, w): t for w, t in pos.word_tag_tab.items()}
    return logp, log(1) - logtotal, log(50) - logtotal, log(3) - logtotal, tags, singles


def _tables() -> _Tables:
    tables = _state.get("tables")
    if tables is None:
        userdict = _state["userdict"]
        extra = Path(str(userdict)).read_bytes() if userdict else b"no user dictionary"
        tables = _Tables(*_cached("tables", _jieba_file("dict.txt"), _build_tables, extra))
        _state["tables"] = tables
    return tables  # type: ignore[return-value]


@lru_cache(maxsize=65536)
def _cut_plain(text: str) -> tuple[str, ...]:
    """jieba's `lcut(text, HMM=False)`, from our tables (tests compare the two)."""
    tables = _tables()
    out: list[str] = []
    for part in _JIEBA_BLOCK.split(text):
        if not part:
            continue
        if _JIEBA_BLOCK.match(part):
            end = _route(part, tables.logp, tables.unknown)
            x, n, eng = 0, len(part), ""
            while x < n:
                y = end[x] + 1
                if y - x == 1 and part[x] in _ENG_CHARS:
                    eng += part[x]
                else:
                    if eng:
                        out.append(eng)
                        eng = ""
                    out.append(part[x:y])
                x = y
            if eng:
                out.append(eng)
        else:
            for piece in _JIEBA_SKIP.split(part):
                if _JIEBA_SKIP.match(piece):
                    out.append(piece)
                else:
                    out.extend(piece)
    return tuple(out)


def words(text: str) -> tuple[str, ...]:
    """Dictionary words only (no HMM guesses): never a fragment such as half a place name."""
    return _cut_plain(text)


def tagged(text: str, hmm: bool = True) -> list[tuple[str, str]]:
    """jieba's own part-of-speech segmentation (imports jieba)."""
    return [(w.word, w.flag) for w in pos_tokenizer().lcut(text, HMM=hmm)]


# jieba's split of a text into the blocks it segments (plain cut, and posseg's own); words are
# never cut across blocks, so the same split gives the same words.
_JIEBA_BLOCK = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)")
_JIEBA_SKIP = re.compile(r"(\r\n|\s)")
_POSSEG_BLOCK = re.compile("[\u4E00-\u9FD5a-zA-Z0-9+#&\\._]+")
_ENG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ABSENT = object()
_PREFIX = 1.0  # in `singles`: only longer words start with this character (a log probability is < 0)


def _route(block: str, logp: dict, unknown: float) -> list[int]:
    """jieba's most probable route through a block: for each position, where the word that
    starts there ends. jieba builds a DAG of dictionary words and then scores it right to
    left with a tuple per candidate; this does both at once with the same arithmetic and the
    same tie rule (the longer word wins)."""
    n = len(block)
    score = [0.0] * (n + 1)
    end = [0] * n
    absent = _ABSENT
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
    return end


def tagged_terms(text: str) -> list[tuple[str, str]]:
    """The words of two or more characters that `tagged(text, hmm=False)` gives, with their
    tags, in order (whitespace tokens left out), about twice as fast as posseg.
    tests/test_ingest_segment.py compares it with posseg on sample and random text.

    The hot loop of ingestion: `_route` inlined (same arithmetic, same tie rule), blocks of one
    character skipped (they hold no word of two), letters and digits told by a set lookup."""
    tables = _tables()
    logp, unknown, tag = tables.logp, tables.unknown, tables.tags.get
    single = tables.singles.get
    eng_chars = _ENG_CHARS
    out: list[tuple[str, str]] = []
    append = out.append
    short = _short_blocks
    for block in _POSSEG_BLOCK.findall(text):
        n = len(block)
        if n < 2:
            continue
        if n <= SHORT_BLOCK:
            known = short.get(block)
            if known is not None:
                out.extend(known)
                continue
            first = len(out)
        score = [0.0] * (n + 1)
        end = list(range(1, n + 1))  # end[x]: where the word that starts at x ends (exclusive)
        nxt = 0.0  # score[idx + 1]
        ones = list(map(single, block))
        for idx in range(n - 1, -1, -1):
            lp = ones[idx]
            if lp is None:  # no word starts with this character
                nxt = score[idx] = unknown + nxt
                continue
            best = None if lp > 0.0 else lp + nxt
            i = idx + 2
            while i <= n:
                w = block[idx:i]
                if w not in logp:  # `in` and [] are opcodes: quicker than a get() call
                    break
                lp = logp[w]
                if lp is not None:
                    s = lp + score[i]
                    if best is None or s >= best:
                        best = s
                        end[idx] = i
                i += 1
            if best is None:
                best = unknown + nxt
            nxt = score[idx] = best
        x = 0
        eng = 0  # length of a run of single letters/digits: posseg joins them into one 'eng' word
        while x < n:
            y = end[x]
            if y - x == 1 and block[x] in eng_chars:
                eng += 1
            else:
                if eng:
                    if eng >= 2:
                        append((block[x - eng:x], "eng"))
                    eng = 0
                if y - x >= 2:
                    word = block[x:y]
                    append((word, tag(word, "x")))
            x = y
        if eng >= 2:
            append((block[n - eng:], "eng"))
        if n <= SHORT_BLOCK:
            if len(short) >= 100_000:
                short.clear()
            short[block] = tuple(out[first:])
    return out


# Short blocks (a clause between punctuation marks) recur: datelines, bylines' roles, set
# phrases (会议指出, 据了解). Their words are remembered; longer blocks rarely repeat in real
# text. Cleared when the tables change.
SHORT_BLOCK = 8
_short_blocks: dict[str, tuple] = {}


def is_word(text: str) -> bool:
    return _tables().logp.get(text) is not None


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
    return _tables().tags.get(word)


def is_common_word(word: str) -> bool:
    """A frequent dictionary word that jieba does not itself take for a name (会议, 同志)."""
    tables = _tables()
    lp = tables.logp.get(word)  # log probability is monotone in frequency: freq >= 50 exactly
    return lp is not None and lp >= tables.common and word_flag(word) not in ("nr", "nrfg", "nrt")


def is_plain_word(word: str) -> bool:
    """A dictionary word seen at least three times that jieba does not tag as a name."""
    tables = _tables()
    lp = tables.logp.get(word)
    return lp is not None and lp >= tables.rare and word_flag(word) not in ("nr", "nrfg", "nrt")


def seen_at_least(word: str, times: int) -> bool:
    """The dictionary gives `word` a frequency of at least `times`."""
    tables = _tables()
    lp = tables.logp.get(word)
    return lp is not None and lp >= log(times) + tables.unknown  # unknown = log(1) - log(total)


def is_frequent_word(word: str) -> bool:
    """A dictionary word of frequency 50 or more, whatever its tag (jieba tags some everyday
    words as names: 盛赞, 晋升)."""
    lp = _tables().logp.get(word)
    return lp is not None and lp >= _tables().common


def _idf_table() -> tuple[dict[str, float], float]:
    table = _state.get("idf")
    if table is None:
        def build():
            import jieba.analyse

            loader = jieba.analyse.default_tfidf.idf_loader
            return loader.idf_freq, loader.median_idf

        table = _cached("idf", _jieba_file("analyse/idf.txt"), build)
        _state["idf"] = table
    return table  # type: ignore[return-value]


def idf_table() -> tuple[dict[str, float], float]:
    """(word -> idf, the median idf for unseen words): `idf` for many words."""
    return _idf_table()


def idf(word: str) -> float:
    """Background inverse document frequency from jieba's corpus (median for unseen words)."""
    freq, median = _idf_table()
    return freq.get(word, median)
