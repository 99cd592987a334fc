"""People (with the titles printed before them), places, organisations and tags.

People come from how a newspaper prints them, not from jieba's `nr` tag (which calls 智慧 or
养老 a name): a title before the name (主任牛瑞华), the name before a reporting verb (白红战说),
and 、-lists that continue either. A name confirmed anywhere in the corpus is a person wherever
it is printed. Places, organisations and tags come from dictionary words only (jieba without
its HMM guesses), so no fragment of a name (郑东新) can become one. Tags are weighted by the
corpus: a word most articles use is no tag, a word several articles share is a good one.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import lexicon
from .names import (AMBIGUOUS_SURNAMES, COMPOUND_SURNAMES, FOREIGN_NAME, FREQUENT_SURNAMES, NOT_NAME_START,
                    plausible_name)

HAN = "\u4e00-\u9fff"
TITLE_WORDS = (
    "总书记", "书记", "副书记", "主任", "副主任", "局长", "副局长", "组长", "副组长", "主席", "副主席", "市长", "副市长",
    "区长", "副区长", "县长", "副县长", "省长", "副省长", "院长", "副院长", "检察长", "委员", "常委", "调研员",
    "负责人", "部长", "副部长", "厅长", "处长", "科长", "镇长", "乡长", "村长", "总经理", "董事长", "经理", "校长",
    "教授", "专家", "代表", "秘书长", "队长", "所长", "站长", "馆长", "会长", "理事长", "社长", "总编辑", "主编",
    "政委", "司令员", "法官", "检察官", "院士", "医生", "民警", "律师", "总理", "副总理", "主任委员", "巡视员",
    "督察长", "审计长", "行长", "总裁", "主管", "干部", "委员长", "研究员", "工程师", "支队长", "大队长", "指导员",
    # people quoted by what they are rather than by office
    "居民", "村民", "市民", "志愿者", "工作人员", "职工", "网格员", "店主", "老人", "学生", "家长", "教师", "护士",
    "患者", "游客", "农民", "创始人", "负责人", "党员", "社工",
    "顾问",
)
_TITLE_SET = frozenset(TITLE_WORDS)
_TITLE_RE = "|".join(sorted(TITLE_WORDS, key=len, reverse=True))
SPEECH_VERBS = ("表示", "强调", "指出", "说", "要求", "提出", "主持", "出席", "参加", "介绍", "认为", "希望", "讲话",
                "致辞", "宣布", "作", "所作", "传达", "点评", "就", "对", "一同", "带队", "率队", "调研", "称", "同志",
                "等", "及", "和", "与", "在", "为", "向", "代表", "受", "同", "告诉", "说")
_TITLE_AT = re.compile(rf"(?:{_TITLE_RE})(?=[{HAN}])")
_BOUNDARY = re.compile(rf"[，,。、；;：:（(）)\s\d“”]|{'|'.join(sorted(SPEECH_VERBS, key=len, reverse=True))}|$")
# the last character of a clause word glued to a name (丁剑说, 干部要, 戴着, 党员们, 毕业后)
_NOT_NAME_END = set("等和及与的在为是对了说称讲们后要着每都也就还把被需给已曾将向从让很最")
# characters that glue a clause to the end of a transliterated name (…·弗林托普带着他的)
_GLUE = set("的了着在是和与及将把被对向给从带也就都还又已曾正说称等")
# what follows a surname to address or stand for a person, not a given name (王小姐, 赵某某, 郭老)
_NOT_GIVEN_NAME = ("某", "小姐", "先生", "女士", "老师", "师傅", "大爷", "大妈", "阿姨", "大姐", "大哥", "同志",
                   "夫妇", "奶奶", "爷爷", "大娘", "老")
_SPEECH_AFTER = re.compile(r"表示|强调|指出|说[,，：:]|要求|提出|认为|希望|主持|介绍|告诉")
_CLAUSE_NAME = re.compile(rf"(?:^|[，,。；;：:“])([{HAN}]{{2,3}}?)(?={_SPEECH_AFTER.pattern})")
_ROLE_START = re.compile(r".*(?:听取了|听取|传达|学习|会议由|由|在|和|与|及|以及|对|为|向|是|邀请|陪同|会上|其中"
                         r"|致电|致函|致信|收到|介绍|会见|会晤|宣布|祝贺|感谢|看望|慰问|接见|发表了?|配发了?)")
_TERM_CHARS = re.compile(rf"[{HAN}A-Za-z0-9]+")
_DIGIT = re.compile(r"\d")
_TITLE_END = re.compile(rf"(?:{_TITLE_RE})$")
# A title starts after a clause, a sentence, a quotation or a dateline set off by spaces
# (新华社北京9月30日电  中共中央总书记、国家主席…): none of them is part of the role.
_CLAUSE_SPLIT = re.compile(r"[，,。；;：:！!？?…“”\"\n\s\u3000\u00a0]")
_LEADING_BRACKETS = re.compile(r"^[（(][^（）()]*[）)]")  # （新华社记者某某）国家主席: the credit before it
PLACE_FLAGS = {"ns"}
ORG_FLAGS = {"nt"}
TAG_FLAGS = {"n", "nz", "ns", "nt", "nw", "vn", "j"}  # no nrt: a transliterated name is a person, no tag
_ABSTRACT_ENDINGS = set("化度性感率力")


@lru_cache(maxsize=8)
def load_word_list(path: str) -> frozenset[str]:
    """A plain word list, one word a line, # comments allowed."""
    file = Path(path)
    if not file.exists():
        return frozenset()
    words = (line.split("#", 1)[0].strip() for line in file.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w)


def name_at(text: str, start: int) -> str | None:
    """The name printed at `start`: a whole transliterated name (约翰·史密斯), or three
    characters or two, whichever leaves a word or a boundary (punctuation, 说, 等, a digit)
    right after it."""
    foreign = foreign_name_at(text, start)
    if foreign:
        return foreign
    segs = lexicon.words(text[start: start + 8]) if start < len(text) else ("",)
    candidates = [text[start: start + n] for n in (3, 2)]
    candidates = [c for c in candidates if _could_be_name(c) and len(segs[0]) <= len(c)]  # 郑东 of 郑东新区 is no name
    if candidates and len(candidates[0]) == 3 and _clause_goes_on(text, start + 2, _word_at(segs, 2)):
        # 丁剑说, 周密认为: the third character belongs to what follows (even where the two
        # before it are a word too, 周密, and so no name the text can vouch for)
        candidates = [c for c in candidates if len(c) == 2]
    for name in candidates:  # a clear boundary after the name wins …
        if _BOUNDARY.match(text, start + len(name)):
            return name
    for name in candidates:  # … else a word must start right after it
        end = start + len(name)
        if lexicon.is_word(text[end: end + 2]) or lexicon.is_word(text[end: end + 3]):
            return name
    return None


def _word_at(segs: tuple[str, ...], offset: int) -> str:
    """The word of a segmentation that starts `offset` characters in ("" when one runs across)."""
    at = 0
    for word in segs:
        if at == offset:
            return word
        if at > offset:
            break
        at += len(word)
    return ""


def _clause_goes_on(text: str, at: int, word: str) -> bool:
    """True when a boundary, or an everyday verb, adverb or other function word of two or more
    characters (`word`, the word printed at `at`), follows: 认为, 陪同, 正在; a two-character
    name ends right before it. A noun there proves nothing (池天水手上 is 池天水 + 手上)."""
    if _BOUNDARY.match(text, at) and at < len(text):
        return True
    return len(word) >= 2 and lexicon.is_common_word(word) and _function_flag(word)


def _everyday_function_word(word: str) -> bool:
    """A verb, adverb, preposition, conjunction or pronoun of the dictionary (安置 of 安置房, 陆续,
    于是), or a numeral as frequent as 许多 (许家 of 许家印 is a numeral to the dictionary too, a
    rare one)."""
    flag = (lexicon.word_flag(word) or "x")[0]
    return lexicon.is_common_word(word) and (
        flag in "vdpcr" or (flag == "m" and lexicon.seen_at_least(word, _EVERYDAY_NUMERAL)))


def _function_flag(word: str) -> bool:
    """A verb, adverb, numeral, preposition, conjunction, pronoun, particle or time word."""
    return (lexicon.word_flag(word) or "x")[0] in "vdmpcrutf"


def foreign_name_at(text: str, start: int) -> str | None:
    """The transliterated name (parts joined by ·) printed at `start`, without the words
    glued to either end (部长…, …表示, …赞扬中国)."""
    m = FOREIGN_NAME.match(text, start)
    if not m:
        return None
    parts = re.split("([·•])", m.group(0))
    titles = list(_TITLE_AT.finditer(parts[0]))  # 工业部长哈吉·…: the name starts after the title
    if titles:
        parts[0] = parts[0][titles[-1].end():]
    parts[0] = parts[0][_words_before_name(parts[0]):]
    parts[-1] = parts[-1][:_name_part_end(parts[-1])]
    name = "".join(parts)
    if not plausible_name(name) or any(len(p) > 8 for p in parts):
        return None
    # a heading's 面对面·特别: everyday words joined by a dot, not a transliteration
    return None if any(lexicon.is_common_word(p) for p in parts[::2]) else name


def _name_part_end(last: str) -> int:
    """Where the last part of a transliterated name ends: before a verb, a boundary or an
    everyday word of two or more characters printed after it (…·卡斯特罗表示)."""
    at = 0
    for word in lexicon.words(last):
        if at and (_BOUNDARY.match(word) or (len(word) >= 2 and lexicon.is_frequent_word(word))
                   or (len(word) >= 3 and (lexicon.word_flag(word) or "x")[0] in _PHRASE_FLAGS)
                   or word[0] in NOT_NAME_START or word[0] in _GLUE):
            return at
        at += len(word)
    return at


# jieba's tags of idioms and set phrases (一语道破, 仗义执言): never syllables of a name
_PHRASE_FLAGS = "il"


def _words_before_name(first_part: str) -> int:
    """How many characters of a transliterated name's first part are words printed before
    it (美国总统 in 美国总统唐纳德·…, 团长 in 团长克里斯蒂安·…): dictionary words of two or
    more characters that are no names, and function characters, from the left (a single
    character is more likely a syllable of the name)."""
    cut = 0
    at = 0
    for word in lexicon.words(first_part):
        at += len(word)
        if at < len(first_part) and ((len(word) >= 2 and (lexicon.is_plain_word(word) or word in _TITLE_SET))
                                     or word in NOT_NAME_START or word in "的了"):
            cut = at
    return cut


_EVERYDAY_NUMERAL = 5000  # dictionary frequency: 许多 is above it, 许家 far below


def _could_be_name(name: str) -> bool:
    if "·" in name or "•" in name:
        return plausible_name(name)
    if not plausible_name(name) or name[-1] in _NOT_NAME_END or name[0] in NOT_NAME_START:
        return False
    rest = name[2:] if name[:2] in COMPOUND_SURNAMES else name[1:]
    if any(name[i:] in _TITLE_SET for i in range(len(name))):
        return False  # 任组长 (the rest is a title, or the name ends with one)
    if "某" in rest or rest.endswith(_NOT_GIVEN_NAME):
        return False
    if len(name) == 2 and lexicon.word_flag(name) != "ns" and (
            lexicon.is_plain_word(name) or lexicon.is_frequent_word(name) or name[0] == name[1]):
        return False  # 初心, 查房, 涂抹, 张张: a word of the dictionary (a place name may be a name too)
    if len(name) == 3 and (name[1] in "了的着" or name[0] == name[2]):
        return False  # 成了中, 边试边
    if (len(name) == 3 and name[0] not in FREQUENT_SURNAMES and name[:2] not in COMPOUND_SURNAMES
            and lexicon.is_common_word(name[:2])):
        return False  # 干部要, 毕业后, 游客张: an everyday word, then one more character
    if (len(name) == 3 and name[0] not in FREQUENT_SURNAMES and name[:2] not in COMPOUND_SURNAMES
            and lexicon.is_plain_word(name[:2]) and lexicon.word_flag(name[:2]) not in ("ns", "nz")):
        return False  # 初心变, 揭下蒙: a rarer surname starting a word of the dictionary
    if len(name) == 3 and name[:2] not in COMPOUND_SURNAMES and _everyday_function_word(name[:2]):
        return False  # 许多人, 陆续搬, 安置房: a surname that opens an everyday word, whatever the surname
    if len(name) == 3 and lexicon.is_common_word(rest) and _function_flag(rest) and lexicon.word_flag(rest)[0] != "v":
        return False  # 曾多次: a surname, then an adverb or numeral
    # 和市级, 高水平: a surname that is also a common word, before a common word
    return not (name[0] in AMBIGUOUS_SURNAMES and lexicon.is_common_word(rest))


def confirmed_people(text: str, known: frozenset[str] = frozenset()) -> set[str]:
    """Names a newspaper's phrasing vouches for: after a title, before a verb, or in a 、-list
    with a name confirmed here or anywhere else in the corpus (`known`)."""
    found: set[str] = set()
    for m in _TITLE_AT.finditer(text):
        name = name_at(text, m.end())
        if name:
            _keep(found, name)
    for m in _CLAUSE_NAME.finditer(text):
        name = m.group(1)
        if name[0] not in AMBIGUOUS_SURNAMES:
            _keep(found, name)
    if "·" in text or "•" in text:
        for m in FOREIGN_NAME.finditer(text):
            start = m.start() + _words_before_name(re.split("[·•]", m.group(0))[0])
            name = foreign_name_at(text, start)
            if name and _SPEECH_AFTER.match(text, start + len(name)):
                _keep(found, name)
    _expand_lists(text, found, known)
    return found


def _expand_lists(text: str, found: set[str], known: frozenset[str]) -> None:
    """In 周定友、陈平山、李艳春等 one vouched-for name vouches for its neighbours.

    Each round reaches one name further along a list. What a name vouches for depends on the
    text alone, so a round only looks at the names the previous round added (the closure, and
    how far 50 rounds reach, are those of re-reading every name each round)."""
    if "、" not in text:
        return
    done: set[str] = set()
    for _ in range(50):
        names = (found | {n for n in known if n in text}) - done
        if not names:
            return
        done |= names
        for name in names:
            for start in occurrences(name, text):
                after = start + len(name)
                if text[after: after + 1] == "、":
                    nxt = name_at(text, after + 1)
                    if nxt:
                        _keep(found, nxt)
                if start > 0 and text[start - 1] == "、":
                    for length in (3, 2):
                        prev = text[max(0, start - 1 - length): start - 1]
                        if plausible_name(prev) and (start - 1 - length <= 0 or not
                                                     "\u4e00" <= text[start - 2 - length] <= "\u9fff"
                                                     or text[start - 2 - length] in "、"):
                            _keep(found, prev)
                            break


def occurrences(word: str, text: str) -> list[int]:
    """Start of every non-overlapping occurrence of `word` (as re.finditer(re.escape(word))
    finds them, without compiling a pattern per word)."""
    out: list[int] = []
    if not word:
        return list(range(len(text) + 1))
    i = text.find(word)
    step = len(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + step)
    return out


def lists_reach(text: str, names) -> bool:
    """True when one of `names` stands next to a 、 in `text`: only then can it vouch for a
    neighbour in confirmed_people (so a text where none does vouches for the same names
    whether or not they are known)."""
    return any(f"{n}、" in text or f"、{n}" in text for n in names)


def _keep(found: set[str], name: str) -> None:
    if _could_be_name(name) and not lexicon.is_common_word(name):
        found.add(name)


def people_in(text: str, known: set[str]) -> list[str]:
    """Known names in print order, where printed as a name: not inside a word (阳土 of
    酉阳土家族)."""
    positions = {}
    for name in known:
        for i in occurrences(name, text):
            if name_starts_word(text, i):
                positions[name] = i
                break
    # A two-character name inside a longer known name is the same person printed in full.
    names = [n for n in positions if not any(n != o and n in o and positions[o] <= positions[n] for o in positions)]
    return sorted(names, key=lambda n: positions[n])


def name_starts_word(text: str, i: int) -> bool:
    """False when the words of the text around `i` run across it (酉阳 in 来自酉阳土家族);
    a title or verb before a name ends where the name starts (负责人丁宇, 主任何刚)."""
    if i == 0 or not lexicon.is_word(text[i - 1: i + 1]) or _TITLE_END.search(text, max(0, i - 8), i):
        return True
    start = max(0, i - 6)
    at = start
    for word in lexicon.words(text[start: i + 4]):
        if at == i:
            return True
        if at > i:
            return False
        at += len(word)
    return at == i


def roles_in(text: str, people: list[str]) -> dict[str, str]:
    """name -> the titles printed right before it (the longest seen in this article)."""
    roles: dict[str, str] = {}
    for name in people:
        for start in occurrences(name, text):
            title = _title_before(text[max(0, start - 60): start])
            if title and len(title) > len(roles.get(name, "")):
                roles[name] = title
    return roles


def _last_clause(segment: str) -> str:
    """The text after the last clause mark, an opening bracket left open or a closing one whose
    opening bracket lies further back; a bracketed part closed inside it stays (华为技术（中国）
    有限公司总经理)."""
    open_closes: list[int] = []  # closing brackets met, right to left, not yet matched
    for i in range(len(segment) - 1, -1, -1):
        c = segment[i]
        if c in "）)":
            open_closes.append(i)
        elif c in "（(":
            if not open_closes:
                return segment[i + 1:]
            open_closes.pop()
        elif not open_closes and _CLAUSE_SPLIT.match(c):
            return segment[i + 1:]
    return segment[open_closes[0] + 1:] if open_closes else segment


def _title_before(segment: str) -> str | None:
    segment = _last_clause(segment.rstrip(" \u3000\u00a0"))  # 国家主席 习近平: the title too
    if not _TITLE_END.search(segment):
        return None
    parts = segment.split("、")
    kept: list[str] = []
    for part in reversed(parts):
        if not _TITLE_END.search(part):
            break
        kept.insert(0, part)
    title = "、".join(kept)
    title = _LEADING_BRACKETS.sub("", _ROLE_START.sub("", title))
    if not title or len(title) > 40 or title in TITLE_WORDS and len(kept) == 1 and len(title) <= 1:
        return None
    return title


@dataclass
class ArticleTerms:
    """What one article contributes to corpus-wide choices."""

    places: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # candidate tag -> weighted frequency
    fallback: Counter = field(default_factory=Counter)  # general words, for an article short of tags


def article_terms(title: str, body: str, stopwords: frozenset[str]) -> ArticleTerms:
    terms = ArticleTerms()
    seen_places: dict[str, None] = {}
    seen_orgs: dict[str, None] = {}
    kinds = _term_kinds(stopwords)
    for weight, text in ((3, title), (1, body)):
        for word, flag in lexicon.tagged_terms(text):  # = tagged(text, hmm=False), 2+ characters
            kind = kinds.get((word, flag))
            if kind is None:
                if len(kinds) > 500_000:  # a long-lived process (the dev server) stays bounded
                    kinds.clear()
                kind = kinds[(word, flag)] = _term_kind(word, flag, stopwords)
            if kind:
                place, org, tag, fallback = kind
                if place:
                    seen_places.setdefault(word)
                if org:
                    seen_orgs.setdefault(word)
                if tag:
                    terms.counts[tag] += weight
                elif fallback:
                    terms.fallback[fallback] += weight
    terms.places = list(seen_places)
    terms.organizations = list(dict.fromkeys(whole_organization(o, title + "\n" + body) for o in seen_orgs))
    return terms


def whole_organization(org: str, text: str) -> str:
    """理工大学 of 华南理工大学, 中医药大学 of 北京中医药大学: where the segmenter cut a place or a
    body off the front of every mention, the name is the whole of it."""
    if org.startswith(_NATIONAL) or any((lexicon.word_flag(org[:n]) or "x")[:2] in _NAME_FLAGS
                                        for n in range(2, min(5, len(org) - 1))):
        return org  # 北京师范大学, 美国商会: it names itself
    wholes = set()
    at = text.find(org)
    while at >= 0:
        fronts = _word_ends(text[max(0, at - _MAX_NAME_FRONT - 4): at])
        front = next((text[at - n: at] for n in range(_MAX_NAME_FRONT, 1, -1)
                      if at >= n and text[at - n: at] in fronts and _names_a_body(text[at - n: at])), None)
        if front is None:
            return org  # printed alone at least once: the name as the text gives it
        wholes.add(front + org)
        at = text.find(org, at + len(org))
    return min(wholes, key=lambda w: (len(w), w)) if wholes else org  # the same in every process


_MAX_NAME_FRONT = 6  # characters of a place or body's name put in front of another body's
_NAME_FLAGS = ("ns", "nt", "nz", "nr", "j")  # the dictionary's tags of names


def _word_ends(window: str) -> set[str]:
    """The strings of whole words that end `window`: a front must start where a word does
    (陇南 of 甘肃陇南市, not 南市, a word of its own, cut from it)."""
    ends, tail = set(), ""
    for word in reversed(lexicon.words(window)):
        tail = word + tail
        ends.add(tail)
    return ends


def _names_a_body(front: str) -> bool:
    """A place or a body's name (华南, 北京, 中国人民解放军) that may lead another body's name."""
    return (lexicon.word_flag(front) or "x")[:2] in ("ns", "nt")


@lru_cache(maxsize=4)
def _term_kinds(stopwords: frozenset[str]) -> dict:
    """(word, tag) -> _term_kind, remembered: the same words recur in every article."""
    return {}


def _term_kind(word: str, flag: str, stopwords: frozenset[str]) -> tuple[bool, bool, str | None, str | None] | tuple[()]:
    """Whether a tagged word is a place, an organisation, the candidate tag it counts for and
    the general word it offers when an article has too few candidates (None: neither); ()
    when none of them."""
    if not _TERM_CHARS.fullmatch(word) or word in stopwords:
        return ()
    abstract = word[-1] in _ABSTRACT_ENDINGS  # 法治化, 满意度: jieba's dictionary tags some as places
    place = (flag in PLACE_FLAGS and not abstract and is_place(word)) or word in load_word_list(str(PLACES_FILE))
    org = is_organization(word, flag)
    tag = fallback = None
    if flag in TAG_FLAGS and not abstract and not _DIGIT.search(word) and not _FURNITURE_TAG.search(word):
        if is_telling_word(word, flag):
            tag = tag_form(word, flag)
            tag = tag if tag not in stopwords else None
        else:
            fallback = word
    return (place, org, tag, fallback) if place or org or tag or fallback else ()


# Words of the page's furniture, bylines and datelines are never tags (本报记者, 图片, 第四版, 日电 of 2日电).
_FURNITURE_TAG = re.compile(r"本报|记者|通讯员|图片|照片|摄影|摄像|版面|编辑|制图|责编|第.版|来源|编者|新华社|电讯|^日电$")
GENERIC_IDF = 6.0  # below this background idf a noun says little about the article (目的, 标准)
GENERIC_PROCESS_IDF = 7.0  # … and a verbal noun (启动, 设置, 分析)
SPECIFIC_IDF = 7.5  # a part of a compound at least this rare carries its meaning (班子 of 班子成员)


def is_telling_word(word: str, flag: str) -> bool:
    """A word a reader would click to see related articles: not too general."""
    idf_of, median = lexicon.idf_table()
    floor = GENERIC_PROCESS_IDF if flag == "vn" else GENERIC_IDF
    return idf_of.get(word, median) >= floor


_PROPER_FLAGS = ("ns", "nt", "nz", "nr", "nrt", "nrfg")


def tag_form(word: str, flag: str = "") -> str:
    """The form a tag is filed under, so near-duplicates make one tag page: a telling word
    followed by a common one folds into the telling word (班子成员 -> 班子, 医务人员 -> 医务);
    two telling words stay whole (脱贫攻坚), and so does a common word before a telling one,
    which names a kind of it (国务院办公厅, not 办公厅). A proper name stays whole: 中华人民共和国
    is not filed under 中华人民."""
    if flag in _PROPER_FLAGS:
        return word
    idf_of, median = lexicon.idf_table()
    for k in range(2, len(word) - 1):
        left, right = word[:k], word[k:]
        if (lexicon.is_word(left) and lexicon.is_word(right)
                and idf_of.get(left, median) >= SPECIFIC_IDF > idf_of.get(right, median)):
            return left
    return word


# jieba tags many everyday words as places (美丽, 上门, 太阳): a place must say so by its suffix,
# by a suffixed form the dictionary knows well (河南 of 河南省), or be in dictionaries/places.txt.
ADMIN_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "街道", "新区", "省", "市", "县",
                  "区", "州", "旗", "盟", "镇", "乡", "村")
FEATURE_SUFFIXES = ("高原", "草原", "盆地", "平原", "沙漠", "半岛", "群岛", "运河", "水库", "山脉", "海峡", "山", "河",
                    "江", "湖", "海", "岛", "湾", "峡", "港", "岭", "峰", "泉", "川", "洲")
_NOT_A_PLACE_START = tuple("各全本该周其此这那偏远贫困")  # 各乡镇, 全市, 偏远地区: which place is not said
_ONLY_PEOPLE_AUTONOMY = re.compile(rf"^[{HAN}]{{0,3}}族?自治[区州县旗]$")  # 瑶族自治县 names no place
PLACES_FILE = Path(__file__).resolve().parents[2] / "dictionaries" / "places.txt"


def is_place(word: str) -> bool:
    """A word jieba tags as a place that names one (see ADMIN_SUFFIXES above)."""
    if word in load_word_list(str(PLACES_FILE)):
        return True
    if word.startswith(_NOT_A_PLACE_START) or _ONLY_PEOPLE_AUTONOMY.match(word):
        return False
    if len(word) >= 3 and word.endswith(ADMIN_SUFFIXES + FEATURE_SUFFIXES):
        if word.endswith("地区"):
            return is_place(word[:-2])  # 偏远地区 names no place
        return not _everyday_word_before_suffix(word)
    if len(word) == 2 and word.endswith(("省", "县")):  # 滑县
        return True
    # the suffixed form must be a name the dictionary has seen often (新建县, 4 times: no)
    return any(lexicon.word_flag(word + s) == "ns" and lexicon.seen_at_least(word + s, 10)
               for s in ("省", "市", "县", "区", "州"))


def _everyday_word_before_suffix(word: str) -> bool:
    """文明城市, 三座大山: the suffix ends an everyday word; 中心区, 五环旗: an everyday word,
    not a name, comes before a one-character suffix."""
    last = lexicon.words(word)[-1]
    if len(last) >= 2 and last != word and lexicon.is_common_word(last):
        return True
    tail = word[-2:]  # 文明城市, a word of its own: two everyday words
    if (len(word) >= 4 and tail not in ADMIN_SUFFIXES + FEATURE_SUFFIXES and lexicon.is_common_word(tail)
            and lexicon.is_frequent_word(word[:-2])):
        return True
    head = word[:-1]
    return (lexicon.is_common_word(head) and (lexicon.word_flag(head) or "x")[:2] not in ("ns", "nz", "nt")
            and head not in load_word_list(str(PLACES_FILE)))


# Organisation names end with what the body is. 会 alone also ends meetings and shows (现场会,
# 拍卖会): only these 会 are bodies. Tails that end everyday words (布局, 干部) are excluded.
_ORG_MEETING_SUFFIXES = ("委员会", "协会", "学会", "联合会", "商会", "议会", "理事会", "基金会", "研究会", "促进会",
                         "总会", "工会", "委会", "国会")
ORG_SUFFIXES = _ORG_MEETING_SUFFIXES + (
    "办事处", "公司", "集团", "法院", "检察院", "大学", "学院", "医院", "银行", "研究院", "研究所", "管委会", "党工委",
    "常委会", "政府", "政协", "人大", "工委", "支队", "派出所", "中心", "出版社", "报社", "电视台", "通讯社", "联盟",
    "组织", "党", "委", "部", "厅", "处", "所", "站", "院", "校", "馆", "社", "团", "局")
_NOT_ORG_TAILS = ("格局", "布局", "结局", "大局", "全局", "开局", "外部", "内部", "全部", "局部", "干部", "高校",
                  "场所", "住所", "大会", "晚会", "全党", "入党", "政党", "本部", "总部", "社团", "党组织", "团组织",
                  "东部", "西部", "南部", "北部", "中部", "网站", "院所", "汇处", "委政府")
_NATIONAL = ("中国", "中华", "中共", "中央", "国家", "全国", "国际", "世界", "联合国", "国务院")


def is_organization(word: str, flag: str) -> bool:
    """A named body: jieba's organisation tag, or a generic body (法院, 大学, 公司) named by a
    place or a proper name before it (北京联合大学); never an event (现场会) or an everyday
    word that ends like a body (新格局, 老干部)."""
    if len(word) < 3 or not word.endswith(ORG_SUFFIXES) or word.endswith(_NOT_ORG_TAILS) or word[0] == "非":
        return False
    if word.endswith("会") and not word.endswith(_ORG_MEETING_SUFFIXES):
        return False  # 会 alone ends meetings and shows: 现场会, 拍卖会
    head = lexicon.words(word[:-1])[0]
    if len(head) >= 2 and lexicon.is_common_word(head) and (lexicon.word_flag(head) or "x")[0] in "vadsfmb":
        return False  # 上市公司, 加油站, 网上银行: what a body does or where, not which one
    if _one_plain_character_before_body(word):
        return False  # 新政府, 国议会 (of 美国议会): no name says which body
    if flag == "nt":
        return True
    if flag not in ("n", "nz"):
        return False
    head = lexicon.words(word)[0]
    return len(head) < len(word) and (head.startswith(_NATIONAL) or is_place(head)
                                      or (lexicon.word_flag(head) or "x") in ("ns", "nr", "nrt", "nz", "nt", "j"))


def _one_plain_character_before_body(word: str) -> bool:
    """One character before the longest body suffix that is no abbreviated place (叙政府 is
    Syria's government, 新政府 and 国议会 name none)."""
    suffix = max((s for s in ORG_SUFFIXES if word.endswith(s)), key=len)
    head = word[:-len(suffix)]
    return len(head) == 1 and (lexicon.word_flag(head) or "x") not in ("ns", "j", "nz", "nt")


def choose_tags(terms: ArticleTerms, doc_freq: Counter, n_docs: int, exclude: set[str],
                low: int = 3, high: int = 8) -> list[str]:
    """The article's best tags by corpus-weighted frequency; between `low` and `high` of them."""
    scored = []
    idf_of, median = lexicon.idf_table()  # lexicon.idf, without a call per word
    for word, tf in terms.counts.items():
        if word in exclude:
            continue
        df = doc_freq.get(word, 1)
        idf = idf_of.get(word, median)
        shared = 1.6 if shared_word(df) else 1.0  # a tag page is worth more when it gathers articles
        common = 0.2 if common_word(df, n_docs) else 1.0  # …but not most of the archive
        length = 1.0 + 0.15 * min(len(word) - 2, 3)
        scored.append((tf * idf * shared * common * length, word))
    scored.sort(key=lambda x: (-x[0], x[1]))
    # Each candidate's fuller form, found only for the candidates read: an article has hundreds
    # and fuller_tag reads them all, while the loop stops at `high` tags.
    fuller: dict[str, str] = {}

    def full(word: str) -> str:
        if word not in fuller:
            fuller[word] = fuller_tag(word, terms, doc_freq, exclude)
        return fuller[word]

    chosen: list[str] = []
    for _, candidate in scored:
        word = full(candidate)
        if any(word in c or c in word for c in chosen):
            continue  # 人大 next to 人大代表 says nothing new
        chosen.append(word)
        if len(chosen) >= high:
            break
    if len(chosen) < low:
        for _, candidate in scored:
            word = full(candidate)
            if word not in chosen:
                chosen.append(word)
            if len(chosen) >= low:
                break
    if len(chosen) < low:  # a short article: its most telling general words
        general = sorted(terms.fallback.items(), key=lambda x: (-x[1] * idf_of.get(x[0], median), x[0]))
        for word, _ in general:
            if word not in exclude and not any(word in c or c in word for c in chosen):
                chosen.append(word)
            if len(chosen) >= low:
                break
    return chosen


def fuller_tag(word: str, terms: ArticleTerms, doc_freq: Counter, exclude: set[str]) -> str:
    """常委会 in an article that also prints 人大常委会: the tag is the full name, so near-duplicates
    (the head or tail of a longer tag) do not make two tag pages. The longer word must be one
    other articles have too (a tag page that gathers), and a candidate of this article."""
    fuller = [w for w in terms.counts
              if len(w) > len(word) and (w.startswith(word) or w.endswith(word))
              and w not in exclude and shared_word(doc_freq.get(w, 1))]
    return max(fuller, key=lambda w: (doc_freq.get(w, 1), w)) if fuller else word


def shared_word(df: int) -> bool:
    """choose_tags' rule for a word other articles have too."""
    return df >= 2


def common_word(df: int, n_docs: int) -> bool:
    """choose_tags' rule for a word most of the archive uses."""
    return n_docs >= 20 and df / n_docs > 0.4


def only_inside(word: str, text: str, names: list[str]) -> bool:
    """True when every occurrence of `word` is part of a printed name (平山 in 陈平山)."""
    spans = [(i, i + len(n)) for n in names if word in n for i in occurrences(n, text)]
    if not spans:
        return False
    size = len(word)
    return all(any(a <= i and i + size <= b for a, b in spans) for i in occurrences(word, text))


class NameIndex:
    """Which of many names occur in a text, without trying every name on every text: names
    are indexed by their first two characters, and only those whose pair occurs are tried.
    The text's pairs that can start a name (first character one a name starts with) are
    found by one regular expression, in C, rather than a slice per character."""

    def __init__(self, names):
        self.by_pair: dict[str, list[str]] = {}
        self.short: list[str] = []
        for n in sorted(names):
            if len(n) >= 2:
                self.by_pair.setdefault(n[:2], []).append(n)
            else:
                self.short.append(n)
        self.pairs = frozenset(self.by_pair)
        firsts = "".join(sorted({p[0] for p in self.pairs}))
        self.pairs_at = re.compile(f"(?=([{re.escape(firsts)}].))", re.S) if firsts else None

    def found_in(self, text: str) -> frozenset[str]:
        if len(self.pairs) < 16:  # a few names: a substring search each is quicker
            pairs = [p for p in self.pairs if p in text]
        else:
            pairs = self.pairs.intersection(self.pairs_at.findall(text))
        out = [n for p in pairs for n in self.by_pair[p] if n in text]
        out += [n for n in self.short if n in text]
        return frozenset(out)
