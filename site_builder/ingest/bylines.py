"""Bylines: recognise them wherever a page prints them, and read the names by role.

Forms handled (all general to Chinese newspapers):
  a line of its own        记者 马燕 通讯员 李盼 文/图 | 张黎/文 刘赛/图 | □郑州报业集团记者 程玉峰 李颖
  trailing a paragraph     …进行了讨论。记者 马雁 李江 通讯员 时军昌 尚勇
  in the dateline          本报讯(记者 李娜 袁帅) | 本报北京1月18日电（记者葛孟超）
  closing a paragraph      …。（记者 张三）

A byline is read chunk by chunk (chunks are separated by spaces, 、 or ，), each chunk a role
word, a name, a glued organisation+role+name, or a slash credit; regular expressions only ever
match one chunk, so a long line can never make them backtrack.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .names import COMPOUND_SURNAMES, plausible_name

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Role words, longest first so 摄影记者 is not read as 摄影 + 记者.
REPORTER_ROLES = ("本报特约记者", "本报见习记者", "本报实习记者", "本报记者", "特约记者", "见习记者", "实习记者",
                  "首席记者", "记者", "实习生")
CORRESPONDENT_ROLES = ("本报通讯员", "特约通讯员", "通讯员")
PHOTOGRAPHER_ROLES = ("摄影记者", "本报摄影", "摄影", "摄")
WRITER_ROLES = ("撰文", "执笔")
ROLE_WORDS = tuple(sorted(REPORTER_ROLES + CORRESPONDENT_ROLES + PHOTOGRAPHER_ROLES + WRITER_ROLES,
                          key=len, reverse=True))
_ROLE_RE = "|".join(ROLE_WORDS)
MARKS = "□■●◆◇○▲△★☆"
_KINDS = "文·图|图·文|文图|图文|文|图|摄"
_SLASH = re.compile(rf"^(?:{_KINDS})[/／、](?:{_KINDS})$|^(?P<name>[{HAN}·]{{2,6}})?[/／](?P<kind>{_KINDS})$|^(?P<kind2>{_KINDS})[/／](?P<name2>[{HAN}·]{{2,6}})?$")
_GLUED = re.compile(rf"^(?P<org>[{HAN}A-Za-z0-9]{{0,12}}?)(?P<role>{_ROLE_RE})(?P<name>[{HAN}·]{{2,6}})?$")
_NAME_SHOT = re.compile(rf"^(?P<name>[{HAN}·]{{2,4}})摄(?:[（(][^（）()]{{2,12}}[）)])?$")
_CHUNK_SPLIT = re.compile(r"[\s　、，,：:]+")
_PAREN = re.compile(r"[（(][^（）()]{2,60}[）)]")
_SENTENCE_END = "。！？!?…”』」"
ROLES = ("reporters", "correspondents", "writers", "photographers")


@dataclass
class Byline:
    text: str  # as printed
    reporters: list[str] = field(default_factory=list)
    correspondents: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    photographers: list[str] = field(default_factory=list)
    complete: bool = True  # every chunk was understood

    def names(self) -> list[str]:
        return self.reporters + self.correspondents + self.writers + self.photographers


def _role_of(word: str) -> str | None:
    for words, role in ((REPORTER_ROLES, "reporters"), (CORRESPONDENT_ROLES, "correspondents"),
                        (PHOTOGRAPHER_ROLES, "photographers"), (WRITER_ROLES, "writers")):
        if word in words:
            return role
    return None


def _add(names: list[str], name: str) -> None:
    if name and name not in names:
        names.append(name)


def _split_run_on(token: str) -> list[str]:
    # Names are 2-3 characters in most bylines; 6 (or 4, without a compound surname) glued
    # characters are two names.
    if "·" not in token and (len(token) == 6 or (len(token) == 4 and token[:2] not in COMPOUND_SURNAMES)):
        half = len(token) // 2
        return [token[:half], token[half:]]
    return [token]


# A two-character name set in the width of three (王  纲, 曹 一图): a lone character, then
# spaces (ASCII, no-break or ideographic), then the rest of the name. Role characters alone
# (记者 王浩 摄) are no half of a name.
_PADDED_NAME = re.compile(rf"(?:^|(?<=[\s（(、，,：:{MARKS}]))(?P<first>[{HAN}])[\s　]+(?=[{HAN}])")
_NOT_NAME_HALF = set("摄文图")


def join_padded_names(text: str) -> str:
    """王\xa0\xa0纲摄 -> 王纲摄: newspapers pad two-character names to the width of three.
    The character after the padding ends that name: in 方  圆  吴树江 it is no name's first half."""
    out, at, taken = [], 0, -1
    for m in _PADDED_NAME.finditer(text):
        if m["first"] in _NOT_NAME_HALF or m.start() == taken:
            continue
        out.append(text[at:m.start()] + m["first"])
        at, taken = m.end(), m.end()
    return "".join(out) + text[at:]


def parse_byline(text: str) -> Byline:
    """Read names by role. A name belongs to the role word before it; 张黎/文 and 刘赛/图 credit
    writing and pictures; a closing 文/图 after named roles adds no one; 记者 王浩 摄 credits the
    picture to the names before 摄."""
    out = Byline(text=text)
    body = join_padded_names(text.strip())  # 本报记者  姜  峰: a two-character name set three wide
    if body[:1] in "（(" and body[-1:] in "）)":
        body = body[1:-1]  # （记者 张三）
    body = body.strip(MARKS + " ")
    role: str | None = None
    last: list[str] = []
    for chunk in _CHUNK_SPLIT.split(body):
        chunk = chunk.strip(MARKS)
        if not chunk:
            continue
        understood, role = _read_chunk(chunk, out, role, last)
        out.complete &= understood
    if not out.complete:
        return _bracketed_reporters(text) or out
    return out


# （记者莽九晨） （记者扎西）: inside brackets after the role word, a name need not start with a
# surname the tables know (rare surnames, Tibetan and Uyghur names); only ordinary words are refused.
_BRACKETED_REPORTERS = re.compile(rf"^[（(](?:本报)?(?:特约|见习|实习)?记者\s*(?P<names>[{HAN}]{{2,3}}(?:[、\s]+[{HAN}]{{2,3}})*)[）)]$")


def _bracketed_reporters(text: str) -> Byline | None:
    from .lexicon import is_common_word, words

    m = _BRACKETED_REPORTERS.match(text.strip())
    if not m:
        return None
    names = [n for n in re.split(r"[、\s]+", m["names"]) if n]
    if any(n in _ROLE_RE or any(len(w) >= 2 and is_common_word(w) for w in words(n)) for n in names):
        return None
    return Byline(text=text, reporters=names)


def _read_chunk(chunk: str, out: Byline, role: str | None, last: list[str]) -> tuple[bool, str | None]:
    """Apply one chunk to `out`; returns whether it was understood and the role now in force."""
    slash = _SLASH.match(chunk)
    if slash:
        name = slash.group("name") or slash.group("name2")
        kind = slash.group("kind") or slash.group("kind2")
        if name:
            if "文" in kind:
                _add(out.writers, name)
            if "图" in kind or "摄" in kind:
                _add(out.photographers, name)
        return True, role
    if chunk == "摄" and last:
        for name in last:
            _add(out.photographers, name)
        last.clear()
        return True, role
    glued = _GLUED.match(chunk)
    if glued:
        new_role = _role_of(glued.group("role"))
        last.clear()
        if glued.group("name"):
            return _credit(glued.group("name"), out, new_role, last), new_role
        return True, new_role
    shot = _NAME_SHOT.match(chunk)
    if shot and plausible_name(shot.group("name")):
        _add(out.photographers, shot.group("name"))
        return True, role
    if role is None:
        return False, role  # a bare name before any role word: too uncertain to credit
    return _credit(chunk, out, role, last), role


def _credit(token: str, out: Byline, role: str | None, last: list[str]) -> bool:
    names = _split_run_on(token)
    if not all(plausible_name(n) for n in names):
        return False
    for name in names:
        _add(getattr(out, role or "reporters"), name)
        last.append(name)
    return True


_CREDIT = re.compile(rf"{_ROLE_RE}|[/／](?:文|图|摄)|(?:文|图|摄)[/／]")
_TRAILING_CREDIT = re.compile(rf"[（(]?[{MARKS}]?\s*[{HAN}A-Za-z0-9]{{0,12}}?(?:{_ROLE_RE})|[{HAN}·]{{2,6}}[/／]")
_DATELINE_BEFORE = re.compile(rf"\s*[{HAN}0-9]{{0,20}}(?:讯|电)?\s*")


def _has_credit(text: str) -> bool:
    return bool(_CREDIT.search(text))


def is_byline(text: str) -> bool:
    """True when the whole text is a byline: every chunk understood, at least one name."""
    text = text.strip()
    if not text or len(text) > 80 or not _has_credit(text):
        return False
    parsed = parse_byline(text)
    return parsed.complete and bool(parsed.names())


def is_byline_line(line: str) -> bool:
    return is_byline(line)


def split_trailing_byline(paragraph: str) -> tuple[str, str | None]:
    """'…讨论。记者 马雁 李江' -> ('…讨论。', '记者 马雁 李江'); also '…。（记者 张三）'."""
    text = paragraph.rstrip()
    tail_start = max(text.rfind(c) for c in _SENTENCE_END) + 1
    if tail_start <= 0 or tail_start >= len(text):
        paren = _PAREN.search(text, max(0, len(text) - 62))
        if paren and paren.end() == len(text) and paren.start() > 0 \
                and text[paren.start() - 1] in _SENTENCE_END and is_byline(paren.group(0)):
            return text[: paren.start()], paren.group(0)
        return paragraph, None
    tail = text[tail_start:].strip()
    if is_byline(tail) and _TRAILING_CREDIT.match(tail):
        return text[:tail_start], tail
    return paragraph, None


def split_dateline_byline(paragraph: str) -> tuple[str, str | None]:
    """'本报讯(记者 李娜 袁帅)昨日上午,…' -> ('本报讯昨日上午,…', '(记者 李娜 袁帅)')."""
    m = _PAREN.search(paragraph[:80])
    if not m or not is_byline(m.group(0)):
        return paragraph, None
    before = paragraph[: m.start()]
    # Only in the dateline: nothing but the dateline words may precede it.
    if not _DATELINE_BEFORE.fullmatch(before) or \
            (before.strip() and not before.strip().endswith(("讯", "电"))):
        return paragraph, None
    return before + paragraph[m.end():], m.group(0)


# What a closing credit line may add around its names: （据新华社塔什干电 记者X）, （本报记者X整理）,
# 本报记者X摄影报道, （X参与采写）.
_CREDIT_SOURCE = re.compile(rf"^据?(?:本报|新华社|中新社)[{HAN}]{{0,8}}?(?:\d{{1,2}}月\d{{1,2}}日)?电\s*")
_CREDIT_WORK = re.compile(r"(?P<work>采访整理|整理|摄影报道|报道|参与采写|采写|供稿)(?:[（(][^（）()]{2,12}[）)])?$")  # （图片社）
_PICTURE_TEXT = re.compile(rf"^(?P<p>[{HAN}]{{2,4}})图(?P<w>[{HAN}]{{2,4}})文$|^(?P<w2>[{HAN}]{{2,4}})文(?P<p2>[{HAN}]{{2,4}})图$")
_BRACKETED = re.compile(r"^[（(](?P<inner>[^（）()]+)[）)]$")
_PADDED_SIGNATURE = re.compile(rf"^[（(](?P<a>[{HAN}])[\s　]+(?P<b>[{HAN}])[）)]$")
MAX_CREDIT_CHARS = 80
# （作者为某基金会联席主席）: a note on who the author is, whose name the byline gave; a compiler
# may follow it (（作者为某剧团原团长，本报记者某某整理）).
_AUTHOR_NOTE = re.compile(r"^(?:本文)?作者(?:为|系|是)[^，,；;]*[，,；;]?")


def closing_credit(line: str) -> Byline | None:
    """A line printed after an article's text that credits who made it, read by role, or None:
    （本报记者 甲、乙、丙）, 某某摄（图片社）, （本报记者 某某整理）, 某某图某某文, （某某）.
    Unlike a byline line above or beside the text, such a line is part of what the article prints
    at its end (a newspaper sets it in the article's column), so it stays in the body."""
    text = line.strip()
    if not text or len(text) > MAX_CREDIT_CHARS:
        return None
    padded = _PADDED_SIGNATURE.match(text)
    if padded:  # （靖  伟）: the padding marks a name, whatever its surname
        return Byline(text=text, reporters=[padded["a"] + padded["b"]])
    text = join_padded_names(text)
    pictures = _PICTURE_TEXT.match(re.sub(r"\s", "", text))
    if pictures:
        p, w = pictures["p"] or pictures["p2"], pictures["w"] or pictures["w2"]
        if plausible_name(p) or plausible_name(w):  # 曹一图羽生文: a pen name has no surname
            return Byline(text=text, photographers=[p], writers=[w])
        return None
    bracketed = _BRACKETED.match(text)
    inner = bracketed["inner"].strip() if bracketed else text
    inner = _CREDIT_SOURCE.sub("", _AUTHOR_NOTE.sub("", inner))
    if not inner:
        return None
    worked = _CREDIT_WORK.search(inner)
    if worked:
        inner = inner[: worked.start()].strip()
    if bracketed and plausible_name(inner):  # （某某）: a brief signed by its reporter
        return Byline(text=text, reporters=[inner])
    signers = _CHUNK_SPLIT.split(inner) if bracketed and not worked else []
    if len(signers) >= 2 and all(plausible_name(n) for n in signers):  # （甲  乙）: signed by two
        return Byline(text=text, reporters=signers)
    if _photo_credit(inner):
        return _picture_credit(text, inner)
    if not (bracketed or worked):
        return None  # a plain byline line (记者 某某) is a byline, not a closing credit
    if not inner or not _has_credit(inner) and not worked:
        return None
    parsed = parse_byline(inner if _has_credit(inner) else "记者 " + inner)
    if not parsed.complete or not parsed.names():
        return None
    if worked and worked["work"] == "摄影报道":  # a report in pictures: they took them
        return Byline(text=text, photographers=parsed.names())
    return Byline(text=text, reporters=parsed.reporters, correspondents=parsed.correspondents,
                  writers=parsed.writers, photographers=parsed.photographers)


_SHOT = re.compile(r"摄(?:[（(][^（）()]{2,12}[）)])?$")
_AGENCY_WORD = re.compile(r"^(?:新华社|中新社|本报)")


def _photo_credit(text: str) -> bool:
    """某某摄（影像中国） / 新华社记者 某某摄: a picture's credit, printed under the text."""
    return bool(_SHOT.search(text))


def _picture_credit(text: str, inner: str) -> Byline | None:
    """Everyone a photo credit names took the picture: 新华社记者 甲、乙摄 credits 甲 and 乙."""
    core = _AGENCY_WORD.sub("", _SHOT.sub("", inner)).strip()
    if not core:
        return None
    parsed = parse_byline(core if _has_credit(core) else "记者 " + core)
    names = parsed.names()
    if not parsed.complete or not names:
        return None
    return Byline(text=text, photographers=names)
