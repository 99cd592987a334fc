"""Stage 2: cut a printed page into articles, repair column breaks, set furniture aside.

Rules (all general; none names a page or a string of one):
- A line is a paragraph when it carries sentence punctuation or is long; a short line without
  it is a heading (headline or subheading); a year alone ("2020") or an editorial label
  (核心提示, 编者按) is always a subheading; a byline line is a byline.
- A run of heading lines starts a new article when the evidence says so. A few cases are rules
  here (the previous article closed by a byline or credit, a byline under the run after an
  article signed at its end, an opening label under it; never after a lead-in (——, ：) to what
  follows, nor for ——-led attributions under text); the rest is weighed by the heading-run
  model (`headruns.py`) over the run's shape and surroundings (`runcontext.py`): datelines,
  what the article printed so far, whether the text under the run goes on about the article.
  Otherwise the run is the current article's subheadings.
- Column breaks: a paragraph that ends without closing punctuation is joined with the next
  paragraph of the same article, across any subheadings printed between the two halves. A
  short line is a cut half, not a subheading, when a word runs across the break (建|设).
- Heading lines after the page's last paragraph are page furniture; a short first line naming
  a page (时政新闻, or the sidecar's page_name) is the section.
"""
from __future__ import annotations

import re

from . import briefs, bylines, closings, dates, decks, headruns, lexicon, runcontext
from .layout import (BYLINE, CREDIT, FURNITURE, HEAD, LABEL, MAX_DECK_CHARS, MAX_HEADLINE_LINES, NOT_LABEL, PARA, YEAR,
                     DASH_LEAD, ends_on_dash, summary_point,
                     OpenArticle, PageItem)
from .pagelines import is_page_furniture, is_section_label
from .sentences import SENTENCE_PUNCT, ends_with_lead_in, field_value, finishes_sentence, is_cut
from ..model import ArticleDraft, Diagnostic, Line, PageLayout, Paragraph, SeedPage

MAX_HEADING_CHARS = 40
EDITORIAL_LABELS = {"核心提示", "核心阅读", "编者按", "编者的话", "导语", "导读", "阅读提示", "开栏的话", "相关链接", "链接",
                    "背景链接", "新闻链接", "记者手记", "短评", "延伸阅读", "小贴士", "温馨提示", "专家观点",
                    "内容提要", "提要", "摘要", "引子", "引言", "前言", "回信", "贺信", "贺电", "唁电", "复信"}
_TIPS = "贴士"  # 参观贴士, 出行贴士: a box of tips printed with the article, like 小贴士
# Labels printed between an article's headline and its text, never inside it: a summary box, a
# preface, or the kind of document that follows (回信 under 某某给某某的回信).
_OPENING_LABELS = {"核心提示", "核心阅读", "编者按", "编者的话", "导语", "导读", "阅读提示", "开栏的话",
                   "内容提要", "提要", "摘要", "引子", "引言", "前言", "回信", "贺信", "贺电", "唁电", "复信"}
_PHOTO_ITEM_LABELS = {"图片报道", "图片新闻", "新闻图片", "组图"}
_CAPTION_LABELS = {"图片说明", "图说", "图注"}
# Commentaries are signed by a role, not a name: a byline all the same.
ROLE_SIGNATURES = {"本报评论员", "本报特约评论员", "特约评论员", "评论员", "本报编辑部", "本刊评论员"}
_NEWS_OPENERS = {"日前", "近日", "昨日", "昨天", "今日", "今天", "前日", "前天"}
_YEAR_LINE = re.compile(r"^(?:19|20)\d{2}年?$")
_FIGURE_LINE = re.compile(r"^(?=.*\d)[\d.．,，%％万亿千百余多个年元人次倍吨公里亩项家座条户名所]{1,10}$")
_LAW_CLAUSE = re.compile(r"^第[一二三四五六七八九十百零〇\d]{1,6}条[\s　]+\S")

# A column tag in brackets closing a headline: 减负看得见（第一落点） …（人民时评）, with a
# numbered part of a series inside it: …（长三角见证高质量发展·江苏篇（上））
_COLUMN_TAG = re.compile(r"^(?P<head>[^。；;（(]{2,50})[（(](?P<tag>(?:[^（）()。；;]|[（(][^（）()。；;]{1,8}[）)]){2,60})[）)]$")


_COLON_SPEECH = re.compile(r"[：:][“\u4e00-\u9fff]{2}")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_CLAUSE_THEN_MORE = re.compile(r"[，,].*[\u4e00-\u9fff]{2}")


def classify(text: str) -> str:
    stripped = text.strip()
    bare = NOT_LABEL.sub("", stripped)
    if bare in EDITORIAL_LABELS or (len(bare) <= 6 and bare.endswith(_TIPS)):
        return LABEL
    if bare in _CAPTION_LABELS:
        return PARA  # 图片说明： leads into the caption of the article's picture: a line of its body
    if bare in ROLE_SIGNATURES:
        return BYLINE
    if is_page_furniture(stripped):
        return FURNITURE
    if closings.closes_article(stripped):
        return CREDIT
    if _YEAR_LINE.match(stripped):
        return YEAR
    if bylines.is_byline_line(stripped):
        return BYLINE
    if closings.signs_article(stripped):
        return CREDIT
    if is_tagged_headline(stripped) or _is_dash_headline(stripped):
        return HEAD
    if len(stripped) > MAX_HEADING_CHARS or any(p in stripped for p in SENTENCE_PUNCT):
        return PARA
    if _LAW_CLAUSE.match(stripped):
        return PARA  # 第八条 考核采取以下步骤：, an article of a law or a regulation: its text
    if dates.agency_opening(stripped) and len(stripped) > 6:
        return PARA  # 本报北京5月21日电（记者…）… cut short by the column end: still prose
    if stripped[-1] in "，,、" or stripped.endswith("……") or _SALUTATION.match(stripped):
        return PARA
    if stripped.count("“") > stripped.count("”") or _COLON_SPEECH.search(stripped[2:]):
        return PARA  # an open quotation or a colon mid-line: someone is speaking, prose
    unquoted = _QUOTED.sub("", stripped)
    if len(stripped) >= 16 and _CLAUSE_THEN_MORE.search(unquoted):
        return PARA  # a clause and then more: prose cut by a column end, not a headline
    return HEAD


# 各位代表： / 同志们，朋友们： / 尊敬的主席先生：: a speech or a letter addresses its audience.
_SALUTATION = re.compile(r"^(?=.*(?:各位|同志|朋友|先生|女士|尊敬的|亲爱的|们[：:，,]))[\u4e00-\u9fff、，, ]{2,20}[：:]$")


# A reporter's notes or a short comment printed with the report above them: on the development
# pages 18 of 22 headings so tagged are inside that report (a related link, （链接）, is not).
_COMPANION_TAGS = {"记者手记", "短评"}


def _companion_tag(text: str) -> bool:
    """A heading tagged as a piece that goes with the article above it (…（记者手记）)."""
    m = _COLUMN_TAG.match(text.strip())
    return m is not None and NOT_LABEL.sub("", m["tag"]) in _COMPANION_TAGS


def is_tagged_headline(text: str) -> bool:
    """减负看得见 一线变化多（第一落点·关注基层减负②）: a headline with its column tag."""
    m = _COLUMN_TAG.match(text)
    return m is not None and not m["head"].endswith(("，", ",", "、")) and len(m["head"].strip()) >= 2



def _is_dash_headline(text: str) -> bool:
    """——访国家发展改革委主任 (a subtitle) and 全国人大代表王书茂—— (a kicker): dashes set a
    headline line apart; a paragraph never starts with them and rarely ends with them."""
    if any(p in text for p in "。；;") or len(text) > 90:
        return False
    return text.startswith(DASH_LEAD) and len(text) > 3 or (text.endswith("——") and len(text) <= 60)


def _classify_page(lines: list[Line]) -> list[PageItem]:
    items = [PageItem(classify(l.text), l) for l in lines]
    # A lone short line after a finished paragraph whose last word runs on into the next line
    # is the first half of a paragraph cut by the column end, not a subheading. (After a cut
    # paragraph, a short line is a subheading printed inside the cut sentence.)
    for i in range(1, len(items) - 1):
        if (items[i].kind == HEAD and items[i - 1].kind == PARA and items[i + 1].kind == PARA
                and not is_cut(items[i - 1].line.text)
                and lexicon.word_runs_across(items[i].line.text, items[i + 1].line.text)):
            items[i].kind = PARA
    for i in range(1, len(items) - 1):
        if items[i].kind == PARA and _reads_as_subheading(_text_before(items, i), items[i], items[i + 1]):
            items[i].kind, items[i].subheading = HEAD, True
    _headline_lines_with_punctuation(items)
    for i in range(len(items) - 1):  # 今日导读 above the index's entries is part of the index
        if items[i].kind in (HEAD, LABEL) and items[i].line.text.strip().endswith("导读") \
                and items[i + 1].kind == FURNITURE:
            items[i].kind = FURNITURE
        # 人民是共和国的坚实根基—— over a paragraph leads into that text, as a section's first
        # line in bold does. A kicker ends on —— too, but a title follows it: on the development
        # pages 1 of 220 such lines over a paragraph was a headline line.
        if items[i].kind == HEAD and items[i + 1].kind == PARA and ends_on_dash(items[i].line.text):
            items[i].lead_in = True
    return items


_MAX_DECK_LINES = 3
_MAX_DASHED_TITLE_CHARS = 30
# ——某某代表（某省某厅厅长）: the speaker of the quotation above, not a subtitle under a title.
_ATTRIBUTION = re.compile(r"^——[^（）()，。]{2,30}[（(][^（）()]{2,40}[）)]$")
_MAX_PLAIN_KICKER_CHARS = 60
_MAX_CLAUSE_KICKER_CHARS = 26  # 共抓大保护，不搞大开发 above a title: shorter than a column-cut half
_MIN_LAST_CLAUSE = 4  # a kicker ends on a whole phrase; a column cut ends anywhere (…任务：一)
_CLAUSE_SPLIT = re.compile(r"[，,、：:；;]")
_ANY_PUNCT = re.compile(r"[，,、。；;：:！!？?“”\"‘’《》（）()…—]")


def _after_finished_text(items: list[PageItem], i: int) -> bool:
    """Line i does not continue a paragraph cut by the column end."""
    return i == 0 or items[i - 1].kind != PARA or not is_cut(items[i - 1].line.text)


def _page_top(items: list[PageItem], i: int) -> bool:
    """Nothing but page furniture above line i: no text a column could have cut it from, so a
    line of clauses over a heading is the kicker of the page's first headline."""
    return all(it.kind == FURNITURE for it in items[:i])


def _continued_after_run(items: list[PageItem], i: int) -> bool:
    """Line i is the first half of a sentence whose rest follows the heading lines below it:
    a column-cut paragraph, not a kicker."""
    end = _heading_run(items, i + 1)
    if end >= len(items) or items[end].kind != PARA:
        return False
    if lexicon.word_runs_across(items[i].line.text, items[end].line.text):
        return True
    # …全力做好统计调查 [headline] 成效，…。 [本报…电 or a byline]: the line under the headline
    # finishes the cut sentence, and the new article's text starts only after it.
    after = items[end + 1] if end + 1 < len(items) else None
    return after is not None and (after.kind == BYLINE or (after.kind == PARA and dates.agency_opening(after.line.text)))


def _is_opening_label(item: PageItem) -> bool:
    return item.kind == LABEL and NOT_LABEL.sub("", item.line.text) in _OPENING_LABELS


def _headline_lines_with_punctuation(items: list[PageItem]) -> None:
    """Headline lines that read as prose by their punctuation or length, told by their place:
    - a deck under a headline: lines that do not finish a sentence, between heading lines and
      an agency dateline (本报北京5月21日电) that opens the article's text or an opening label
      (核心阅读) that heads it;
    - a title with punctuation (我爱你，中国！) right above a dash subtitle (——…侧记);
    - a long kicker with no punctuation at all, or a short one of clauses that finishes no
      sentence, right above a heading line."""
    for i, item in enumerate(items):
        if item.kind != PARA:
            continue
        text = item.line.text.strip()
        nxt = items[i + 1] if i + 1 < len(items) else None
        if nxt is None:
            continue
        if nxt.kind == HEAD and _after_finished_text(items, i) and (
                (len(text) <= _MAX_DASHED_TITLE_CHARS and nxt.line.text.strip().startswith(DASH_LEAD)
                 and not _ATTRIBUTION.match(nxt.line.text.strip()))
                or (len(text) <= _MAX_PLAIN_KICKER_CHARS and not _ANY_PUNCT.search(text))
                or (len(text) <= _MAX_CLAUSE_KICKER_CHARS and is_cut(text) and not any(p in text for p in SENTENCE_PUNCT)
                    and len(_CLAUSE_SPLIT.split(text)[-1]) >= _MIN_LAST_CLAUSE and not _continued_after_run(items, i))
                or (_page_top(items, i) and len(text) <= MAX_DECK_CHARS
                    and (ends_on_dash(text) or not any(p in text for p in "。；;")))):
            item.kind = HEAD
            continue
        deck_end = i
        while deck_end < len(items) and deck_end - i < _MAX_DECK_LINES and items[deck_end].kind == PARA \
                and len(items[deck_end].line.text.strip()) <= MAX_DECK_CHARS \
                and not finishes_sentence(items[deck_end].line.text) and not ends_with_lead_in(items[deck_end].line.text) \
                and dates.opening_dateline(items[deck_end].line.text) is None:
            deck_end += 1
        if deck_end > i and i > 0 and items[i - 1].kind == HEAD and deck_end < len(items) \
                and (_is_opening_label(items[deck_end]) or (items[deck_end].kind == PARA
                     and dates.agency_opening(items[deck_end].line.text) and _opens_article(items[deck_end]))):
            for k in range(i, deck_end):
                items[k].kind = HEAD


MAX_SUBHEADING_CHARS = 24

_NOT_SENTENCE_START = set("的了着过地得之而及与和或并但却也都又就才，、。；：！？”）)")
_NUMBERED_HEAD = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}[.、．])")


def _text_before(items: list[PageItem], i: int) -> PageItem:
    """The item before line i, or, under a one-line heading (得天时，一步“先手棋”落子正当时 /
    坚持高水平开放，共同打造对外开放新高地), the paragraph above that heading."""
    if i >= 2 and items[i - 1].kind == HEAD and items[i - 2].kind == PARA \
            and len(items[i - 1].line.text.strip()) <= MAX_SUBHEADING_CHARS:
        return items[i - 2]
    return items[i - 1]


def _reads_as_subheading(prev: PageItem, item: PageItem, nxt: PageItem) -> bool:
    """擦亮国之重器，迈向创新高地 / 教育：创新不仅仅是一堂课 / 八、自觉接受监督，加强工作:
    a short line between two paragraphs with a comma or a colon in it, yet no sentence end,
    is a subheading when the paragraph before it is finished and the one after it starts a
    sentence of its own (no word runs across, no particle opens it); a column break's first
    half would run on into the next line."""
    text = item.line.text.strip()
    if len(text) > MAX_SUBHEADING_CHARS or not is_cut(text) or text[-1] in "，,、：:；;—…":
        return False
    if any(p in text for p in SENTENCE_PUNCT) or text.count("“") != text.count("”") \
            or dates.find_dateline(text) is not None:
        return False
    if prev.kind != PARA or is_cut(prev.line.text):
        return False
    if nxt.kind != PARA:
        return False
    after = nxt.line.text.strip()
    if not after or after[0] in _NOT_SENTENCE_START or _word_spans(text, after):
        return False
    return _NUMBERED_HEAD.match(text) is not None or _balanced_phrases(text)


_TOPIC_COLON = re.compile(r"^[^，,：:]{1,8}[：:]")
# Phrases that open a sentence of prose: a speaker (会议指出, 某某强调) or a time (2014年, 今年以来).
_CLAUSE_OPENER = re.compile(r"(?:指出|强调|表示|要求|认为|介绍|说|告诉记者|提出|获悉|了解到|\d+年|以来|目前|期间)$")


_MIN_PHRASE_CHARS = 2
_MAX_PHRASE_RATIO = 4


def _balanced_phrases(text: str) -> bool:
    """Subheadings are built of whole phrases (擦亮国之重器，突破核心技术，迈向创新高地;
    要形成长效机制，防止返贫; 快递员：多送单，多提成; 教育：创新创业不仅仅是一堂课); a line
    cut by a column end stops anywhere (主任某某强调,要进)."""
    rest = _TOPIC_COLON.sub("", text, count=1)
    if any(c in rest for c in "：:"):
        return False  # a colon after a clause leads into a list or a quotation: prose (…任务：一是)
    parts = rest.split("，") if "，" in rest else rest.split(",")
    if any(len(p) < _MIN_PHRASE_CHARS or _CLAUSE_OPENER.search(p) for p in parts) or rest[-1:].isdigit():
        return False
    return max(len(p) for p in parts) <= _MAX_PHRASE_RATIO * min(len(p) for p in parts)


def _word_spans(left: str, right: str) -> bool:
    """A word (进一步, 推进) or a number (2|05.2亿) printed across the end of `left`."""
    if left[-1].isdigit() and (right[0].isdigit() or right[0] in ".．"):
        return True
    head, tail = left[-4:], right[:4]
    pos = 0
    for w in lexicon.words(head + tail):
        if pos < len(head) < pos + len(w):
            return True
        pos += len(w)
    return False


def _heading_run(items: list[PageItem], start: int) -> int:
    end = start
    while end < len(items) and items[end].kind in (HEAD, YEAR, LABEL):
        end += 1
    return end


def _past_bylines(items: list[PageItem], i: int) -> int:
    while i < len(items) and items[i].kind == BYLINE:
        i += 1
    return i


def _last_text_paragraph(article: OpenArticle) -> Paragraph | None:
    for p in reversed(article.paragraphs):
        if p.is_text:
            return p
    return None


def _starts_new_article(article: OpenArticle, run: list[PageItem], nxt: PageItem | None,
                        items: list[PageItem], end: int, pairs: headruns.PagePairs) -> bool:
    heads = [it for it in run if it.kind == HEAD]
    if not heads or all(NOT_LABEL.sub("", it.line.text) in briefs.BRIEF_LABELS for it in heads):
        return False  # nothing to head an article, or a briefs label (简讯) that briefs.open_brief files away
    text_at = _past_bylines(items, end)  # the dateline opens the first paragraph, under any byline
    first = items[text_at] if text_at < len(items) and items[text_at].kind == PARA else None
    dateline = dates.opening_dateline(first.line.text) if first is not None else None
    agency = dateline is not None and dateline.agency
    last = _last_text_paragraph(article)
    if last is not None and not article.ends_with_credit and ends_with_lead_in(last.text):
        return dateline is not None and dateline.strong  # the text announces what follows (如下——)
    if all(it.subheading for it in heads) and not (nxt is not None and nxt.kind == BYLINE) \
            and not (dateline is not None and dateline.agency):
        return False  # punctuated like prose, read as a subheading only from its place in the text
    if last is not None and not article.closed and all(it.line.text.strip().startswith(DASH_LEAD) for it in heads):
        return False  # ——某某代表（…） under a quotation, ——编者 under a note: 256 of 258 on real pages
    byline_next = nxt is not None and nxt.kind == BYLINE
    sections_signed = any(p.byline for p in article.paragraphs)
    signed = bool(article.bylines) or sections_signed
    if byline_next and (article.closed or (article.bylines and not article.top_byline and not sections_signed)):
        return True  # headline, then byline, after an article that printed its byline at its end
    # (after a composite piece whose sections are signed under their headings, it is as often
    # the next section)
    # Under an article whose byline stood at its top, or that has none yet, a heading and a
    # byline is as often a section of a composite piece (each speaker, each place, its own
    # reporter): the model weighs it.
    if briefs.stays_in_column(article, run, items, end) and not is_tagged_headline(run[0].line.text):
        return False  # the next signed item of a headed column (资讯速递); …（身边事） is a piece of its own
    if article.closed and not (last is not None and _COMPILED_BY.search(last.text)):
        return True  # a byline or credit closed the article above
    if _is_opening_label(run[-1]):
        return True  # headline lines, then 核心提示/编者按: how an article opens
    if last is not None and any(_companion_tag(it.line.text) for it in heads) and not byline_next:
        return False  # 走进基层（记者手记）: the reporter's notes that go with the article above
    # 近日/日前/昨日 opening the next paragraph: how news articles start, not how sections do.
    relative = dateline is not None and dateline.relative in _NEWS_OPENERS
    cut = last is not None and not article.ends_with_credit and is_cut(last.text)
    # A date opening the next paragraph is how news articles start, but also how the sections
    # of a long report do: the model weighs it with the run's shape.
    texts = [it.line.text.strip() for it in heads]
    paras_after, byline_soon = runcontext.what_follows(items, end)
    cohesion, page_cohesion = runcontext.cohesion(pairs, article, items, end, paras_after)
    ctx = headruns.RunContext(
        heads=texts, has_label=any(it.kind == LABEL for it in run),
        prev_text=last.text if last is not None else None,
        paragraphs=sum(1 for p in article.paragraphs if p.is_text),
        subheadings=sum(1 for p in article.paragraphs if p.heading) - article.punctuated_subheadings,
        headline_lines=len(article.headline),
        next_text=nxt.line.text.strip() if nxt is not None and nxt.kind == PARA else None,
        next_relative=relative,
        similar_later=runcontext.similar_runs_after(items, end, texts),
        next_dated=dateline is not None and dateline.month is not None and not agency,
        byline_soon=byline_soon, paras_after=paras_after,
        same_shape_before=runcontext.same_shape_before(article, texts),
        article_chars=sum(len(p.text) for p in article.paragraphs if p.is_text),
        cut=cut, strong=dateline is not None and dateline.strong, closed=article.closed, agency=agency,
        dated_with_bylines=dateline is not None and signed,
        byline_next=byline_next, top_byline=article.top_byline,
        cohesion=cohesion, page_cohesion=page_cohesion)
    fallback = ctx.strong if cut else (ctx.closed or (agency and ctx.strong) or relative
                                       or ctx.dated_with_bylines or len(heads) >= 2)
    decided = headruns.opens_article(ctx, [is_tagged_headline(t) for t in texts],
                                     [t.startswith(DASH_LEAD) for t in texts])
    if headruns.TRACE is not None:
        headruns.TRACE.append((ctx, texts, fallback))
    ruled = _ruled_after_model(article, run, nxt, items, end, agency)
    return ruled if ruled is not None else (fallback if decided is None else decided)


def _ruled_after_model(article: OpenArticle, run: list[PageItem], nxt: PageItem | None,
                       items: list[PageItem], end: int, agency: bool) -> bool | None:
    """The runs settled by rule after the model, so that the trees are still fitted on them
    (fitted without the agency runs, cross-month precision fell 0.8); None for the rest."""
    texts = [it.line.text.strip() for it in run if it.kind == HEAD]
    after_text = _last_text_paragraph(article) is not None
    byline_next = nxt is not None and nxt.kind == BYLINE
    # 本报讯 / 新华社…电 under the run opens an article anyway (segment_page), so the run is its
    # headline; a photo item's label (图片报道) heads a photo item (80 of 80 on the development pages)
    if (agency and after_text and not decks.only_a_deck(article)) or NOT_LABEL.sub("", texts[0]) in _PHOTO_ITEM_LABELS:
        return True
    if after_text and run[0].kind == LABEL and not _is_opening_label(run[0]) and not byline_next:
        return False  # ■链接, 延伸阅读, 小贴士 over a heading: a box that goes with the article above
    if briefs.opens_headed_column(run, items, end):
        return True  # 资讯速递 / 收费公路收支缺口趋于平稳, then signed items: a column of its own
    if after_text and all(_FIGURE_LINE.match(t) for t in texts):
        return False  # 1.7% / 832个 set large over the text that explains it: a figure, no headline
    if after_text and len(run) == 1 and nxt is not None and closings.signing_date(nxt.line.text):
        return False  # 中华人民共和国主席 习近平 / 2019年10月26日: the signature of the letter or order above
    if all(it.lead_in for it in run if it.kind == HEAD) and not byline_next and not agency:
        return False  # …这是一支战无不胜的钢铁军队—— leads into the text of the article it is in
    return None


# （本报记者某某采访整理）: the credit of one compiled part (a speaker's words, an interview)
# that often closes a section of a composite piece rather than the piece; half of the runs after
# it open an article on the development pages, so the model decides.
_COMPILED_BY = re.compile(r"整理[）)]$")


def _headline_inside_cut_sentence(article: OpenArticle, run: list[PageItem], items: list[PageItem], end: int) -> bool:
    """…党史学习教 [headline of the next article] 育任务。 [byline] [本报…电 first paragraph]:
    the short paragraph right after the headline finishes the previous article's cut
    sentence; the next article starts after it (with its byline, or its dateline)."""
    last = _last_text_paragraph(article)
    if last is None or article.ends_with_credit or not is_cut(last.text) or not any(it.kind == HEAD for it in run):
        return False
    if end + 1 >= len(items) or items[end].kind != PARA:
        return False
    rest = items[end].line.text
    if dates.opening_dateline(rest) is not None or is_cut(rest):
        return False
    after = _past_bylines(items, end + 1)
    if after > end + 1:
        return True  # a byline under the headline: the new article's
    dateline = dates.opening_dateline(items[after].line.text) if after < len(items) and items[after].kind == PARA else None
    return dateline is not None and dateline.strong


def _add_paragraph(article: OpenArticle, line: Line) -> None:
    text = line.text.strip()
    if not any(p.is_text for p in article.paragraphs):
        text, found = bylines.split_dateline_byline(text)
        if found:
            article.bylines.append(found)
    text, trailing = bylines.split_trailing_byline(text)
    last = _last_text_paragraph(article)
    if last is not None and not article.ends_with_credit and is_cut(last.text) and not dates.agency_opening(text) \
            and field_value(last.text) is None:  # 日程：… above the prose it introduces
        # Join the halves in place: subheadings printed between them follow the joined paragraph.
        last.text += text
        last.lines = (last.lines[0], line.number)
    else:
        article.paragraphs.append(Paragraph(text, (line.number, line.number)))
    article.ends_with_credit = False
    if trailing:
        article.bylines.append(trailing)


def segment_page(page: SeedPage) -> PageLayout:
    items = _classify_page(page.lines)
    pairs = runcontext.page_pairs(items)
    articles: list[OpenArticle] = []
    furniture: list[Line] = []
    diagnostics: list[Diagnostic] = []
    section: str | None = None
    pending_bylines: list[str] = []
    preface: list[Line] = []  # an editor's note printed above the headline it introduces
    current: OpenArticle | None = None
    i = 0
    while i < len(items):
        item = items[i]
        if item.kind in (HEAD, YEAR, LABEL):
            end = _heading_run(items, i)
            run = items[i:end]
            nxt = items[end] if end < len(items) else None
            if current is not None and all(it.kind == FURNITURE for it in items[end:]):
                furniture.extend(it.line for it in run)  # nothing but page furniture follows
                i = end
                continue
            if current is not None and not preface and _headline_inside_cut_sentence(current, run, items, end):
                # The rest of the cut sentence was printed under the next article's headline.
                _add_paragraph(current, items[end].line)
                current = _open_article(run)
                articles.append(current)
                i = end + 1
                continue
            elif current is None or preface or _starts_new_article(current, run, nxt, items, end, pairs):
                # an editor's note after finished text introduces a new article, never a section
                if current is None and not articles and section is None:
                    section, run = _split_section(run, page)
                current = _open_run(run, items, end, preface, pending_bylines)
                pending_bylines, preface = [], []
                articles.append(current)
            else:
                _add_subheadings(current, run)
            i = end
            continue
        item = _as_head_byline(item, current)
        if item.kind == FURNITURE or (item.kind == CREDIT and current is None):
            furniture.append(item.line)
            i += 1
            continue
        if item.kind == CREDIT:
            _add_credit(current, item.line)
            i += 1
            continue
        if briefs.is_brief(items, i):
            current, text = briefs.open_brief(item.line, current, furniture)
            _add_paragraph(current, text)
            articles.append(current)
            i += 1
            continue
        if item.kind == BYLINE:
            if current is None:
                pending_bylines.append(item.line.text.strip())
            else:
                _place_byline(current, item.line, after_text=i > 0 and items[i - 1].kind in (PARA, BYLINE))
            i += 1
            continue
        if _is_preface(items, i) and (current is None or _last_text_paragraph(current) is not None):
            preface.append(item.line)
            i += 1
            continue
        opened = _article_opened_by(current, item, items)
        if opened is not None:
            if current is None:
                diagnostics.append(_headless_warning(page, item.line))
            if not opened.headline:
                opened.bylines, pending_bylines = pending_bylines, []
            current = opened
            articles.append(current)
        _add_paragraph(current, item.line)
        i += 1
    if pending_bylines:
        diagnostics.append(Diagnostic(page.path, "byline with no article; kept as page furniture", severity="warning"))
        furniture.extend(Line(0, b) for b in pending_bylines)
    return PageLayout(section=section, articles=[_draft(a) for a in articles], furniture=furniture,
                      diagnostics=diagnostics)


def _open_run(run: list[PageItem], items: list[PageItem], end: int, preface: list[Line],
              bylines_above: list[str]) -> OpenArticle:
    """The article a heading run opens, under an editor's note printed above it, or a headed
    column of briefs under its label."""
    column = briefs.opens_headed_column(run, items, end)
    article = _open_with_preface(run[:1] if column else run, preface, bylines_above)
    if column:
        briefs.open_headed_column(article, run[1])
    return article


def _add_subheadings(article: OpenArticle, run: list[PageItem]) -> None:
    for it in run:
        article.paragraphs.append(Paragraph(it.line.text.strip(), (it.line.number,) * 2, heading=True))
        article.punctuated_subheadings += it.subheading


def _article_opened_by(current: OpenArticle | None, item: PageItem, items: list[PageItem]) -> OpenArticle | None:
    """The article a paragraph opens: the next report, headed by what was read as the end of
    the article above (decks.next_article_above), or a headless article; None when the
    paragraph goes on in the current one."""
    if current is not None and dates.agency_opening(item.line.text):
        opened = decks.next_article_above(current)
        if opened is not None:
            return opened
    if not decks.take_own_dateline(current, item, items) and _opens_headless_article(current, item):
        return OpenArticle(headline=[])
    return None


def _add_credit(article: OpenArticle, line: Line) -> None:
    """The article's last line: kept in its body; another article follows. A reader's signature
    closes one letter of a readers' column as often as the column, so it leaves that open."""
    text = line.text.strip()
    article.paragraphs.append(Paragraph(text, (line.number,) * 2))
    article.ends_with_credit = True
    article.closed = not closings.reader_signature(text)


def _opens_headless_article(current: OpenArticle | None, item: PageItem) -> bool:
    """A paragraph that starts an article with no headline: the page's first text, a dated
    paragraph after a closed article, an agency dateline after text."""
    if current is not None and current.paragraphs and current.paragraphs[-1].heading:
        return False  # the dateline opens the text of the heading right above it
    return current is None or (current.closed and _opens_article(item)) or \
        (dates.agency_opening(item.line.text) and _last_text_paragraph(current) is not None
         and not decks.second_report(current))


def _place_byline(article: OpenArticle, line: Line, after_text: bool) -> None:
    if _under_section_heading(article):
        _add_section_byline(article, line)
    else:
        _add_byline(article, line, after_text)


def _add_byline(article: OpenArticle, line: Line, after_text: bool) -> None:
    """A byline line: at the article's top it signs the article; after its text it closes it,
    and a bracketed one there (（本报记者 甲、乙）) is the article's printed last line as well."""
    text = line.text.strip()
    article.bylines.append(text)
    if not any(p.is_text for p in article.paragraphs):
        article.top_byline = True
    if after_text and article.paragraphs:
        article.closed = True
        if text[:1] in "（(" and text[-1:] in "）)" and any(p.is_text for p in article.paragraphs):
            article.paragraphs.append(Paragraph(text, (line.number,) * 2))


def _under_section_heading(article: OpenArticle) -> bool:
    """The article has printed text of its own and then a subheading: a byline here signs that
    section (a composite piece, each place or speaker with its own reporter). An opening label's
    box (核心提示 and its text, up to the first heading) is not the article's own text: a byline
    under the heading after it is the article's, printed below its preface."""
    paras = article.paragraphs
    if not paras or not paras[-1].heading or _last_text_paragraph(article) is None:
        return False
    return not (paras[0].label and not any(p.heading for p in paras[:-1]))


def _add_section_byline(article: OpenArticle, line: Line) -> None:
    """Kept in the body under its section's heading, where a reader looks for who wrote that
    part; extraction still credits its names to the article."""
    article.paragraphs.append(Paragraph(line.text.strip(), (line.number,) * 2, heading=True, byline=True))


def _opens_article(item: PageItem) -> bool:
    dl = dates.opening_dateline(item.line.text)
    return dl is not None and dl.strong


def _as_head_byline(item: PageItem, current: OpenArticle | None) -> PageItem:
    """（记者 某某） under a headline, before any text: the article's byline, not a closing credit."""
    if item.kind == CREDIT and (current is None or _last_text_paragraph(current) is None) \
            and bylines.is_byline(item.line.text):
        return PageItem(BYLINE, item.line)
    return item


def _split_section(run: list[PageItem], page: SeedPage) -> tuple[str | None, list[PageItem]]:
    """The page's section label (要闻, 城事) when the page's first heading run starts with it."""
    if len(run) >= 2 and run[0].kind == HEAD and is_section_label(run[0].line.text, page.meta.page_name):
        return run[0].line.text.strip(), run[1:]
    return None, run


def _headless_warning(page: SeedPage, line: Line) -> Diagnostic:
    return Diagnostic(page.path, "no recognisable headline before this paragraph; the article's title is taken "
                      "from its first words. Put the headline on its own line to fix it", line.number, "warning")


# An editor's note (编者按：…) opens the article it introduces, wherever the page prints it.
_PREFACE = re.compile(r"^[【\[]?(?:编者按|编者的话|编者注|编前)[】\]]?[：:]")


def _is_preface(items: list[PageItem], i: int) -> bool:
    """An editor's note straight above a headline: the first paragraph of the article under it."""
    return (items[i].kind == PARA and i + 1 < len(items) and items[i + 1].kind == HEAD
            and _PREFACE.match(items[i].line.text.strip()) is not None)


def _open_with_preface(run: list[PageItem], preface: list[Line], bylines_above: list[str]) -> OpenArticle:
    article = _open_article(run)
    article.paragraphs[0:0] = [Paragraph(l.text.strip(), (l.number,) * 2) for l in preface]
    article.bylines.extend(bylines_above)
    article.top_byline = bool(bylines_above)
    return article


def _open_article(run: list[PageItem]) -> OpenArticle:
    """Up to three headline lines open the article; labels and the rest are its subheadings."""
    headline: list[Line] = []
    rest: list[PageItem] = []
    for it in run:
        if it.kind == HEAD and len(headline) < MAX_HEADLINE_LINES and not rest \
                and not (headline and (it.lead_in or decks.opens_body(it.line.text.strip()) or summary_point(it))):
            headline.append(it.line)
        else:
            rest.append(it)
    article = OpenArticle(headline=headline)
    for k, it in enumerate(rest):
        text = it.line.text.strip()
        if headline and summary_point(it):  # ■ 要强化基础研究，…: a point of the summary, text
            article.paragraphs.append(Paragraph(text, (it.line.number,) * 2))
            continue
        # 核心阅读 (or 【人物】某某) right under the headline opens the body: a line of it, not a
        # section heading.
        opening = k == 0 and headline and (_is_opening_label(it) or (it.kind == HEAD and decks.opens_body(text)))
        article.paragraphs.append(Paragraph(text, (it.line.number,) * 2, heading=not opening, label=bool(opening)))
    return article


def _draft(article: OpenArticle) -> ArticleDraft:
    return ArticleDraft(headline=article.headline, paragraphs=article.paragraphs, byline_texts=article.bylines)
