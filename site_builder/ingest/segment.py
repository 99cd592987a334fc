"""Stage 2: cut a printed page into articles, repair column breaks, set furniture aside.

Rules (all general; none names a page or a string of one):
- A line is a paragraph when it carries sentence punctuation or is long; a short line without
  it is a heading (headline or subheading); a year alone ("2020") or an editorial label
  (核心提示, 编者按) is always a subheading; a byline line is a byline.
- A run of heading lines starts a new article when the evidence says so: the previous article
  was closed by a byline line, the next paragraph opens with a dateline (本报讯, …电, 7月18日),
  the run holds two or more headline lines, or a byline follows the run. It never does while
  the previous paragraph is cut mid-sentence (its second half is still to come) or ends with a
  lead-in (——, ：) to what follows. Otherwise the run is the current article's subheadings.
- Column breaks: a paragraph that ends without closing punctuation is joined with the next
  paragraph of the same article, across any subheadings printed between the two halves. A
  short line is a cut half, not a subheading, when a word runs across the break (建|设).
- Heading lines after the page's last paragraph are page furniture; a short first line naming
  a page (时政新闻, or the sidecar's page_name) is the section.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import bylines, dates, headruns, lexicon
from ..model import ArticleDraft, Diagnostic, Line, PageLayout, Paragraph, SeedPage

MAX_HEADING_CHARS = 40
SENTENCE_PUNCT = "。！？!?；;"
_CLOSING = "。！？!?…；;）)」』】》"
_LEAD_IN = ("——", "—", "：", ":")
_QUOTE_CLOSE = "”’\"'"
EDITORIAL_LABELS = {"核心提示", "核心阅读", "编者按", "编者的话", "导语", "导读", "阅读提示", "开栏的话", "相关链接", "链接",
                    "背景链接", "新闻链接", "记者手记", "短评", "延伸阅读", "小贴士", "温馨提示", "专家观点"}
# Labels printed between an article's headline and its text, never inside it.
_OPENING_LABELS = {"核心提示", "核心阅读", "编者按", "编者的话", "导语", "导读", "阅读提示", "开栏的话"}
# Commentaries are signed by a role, not a name: a byline all the same.
ROLE_SIGNATURES = {"本报评论员", "本报特约评论员", "特约评论员", "评论员", "本报编辑部", "本刊评论员"}
SECTION_SUFFIXES = ("新闻", "要闻", "综合", "时政", "经济", "财经", "国际", "国内", "体育", "文化", "社会", "民生",
                    "评论", "理论", "副刊", "专版", "专题", "法治", "教育", "健康", "城事", "视点", "观察", "科技",
                    "农村", "区县", "县区", "文体", "城建", "读者", "文艺", "旅游", "周刊", "特刊", "聚焦", "广告")
# The imprint web editions print under a page: 《人民日报》（2020年01月15日 04 版）
IMPRINT = re.compile(r"^《\s*(?P<paper>[^》]{2,20}?)\s*》\s*[（(]\s*(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
                     r"\s*(?P<page>[A-Za-z]?\d{1,3})\s*版\s*[）)]$")
# A page header of an e-paper export: 人民日报 2020年01月15日 星期三 第04版 要闻
PAGE_HEADER = re.compile(r"^(?=.*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)(?=.*(?:星期[一二三四五六日天]|第\s*[A-Za-z]?\d{1,3}\s*版))"
                         r"[^。！？，,；;]{6,60}$")
_NEWS_OPENERS = {"日前", "近日", "昨日", "昨天", "今日", "今天", "前日", "前天"}
_YEAR_LINE = re.compile(r"^(?:19|20)\d{2}年?$")

PARA, HEAD, YEAR, LABEL, BYLINE, FURNITURE, CREDIT = "para", "head", "year", "label", "byline", "furniture", "credit"
# Lines that close an article rather than open one: a bracketed dateline printed at the end
# （本报柏林2月12日电）, an author's note （作者为…）, a compiler's credit （本报记者…整理）, a
# source （摘自…）, an agency photo credit (新华社发, …摄（图片社）), a chart credit (…制图).
_CLOSING_CREDIT = re.compile(
    r"^[（(](?:本报|新华社|中新社|据)[^（）()]{0,40}(?:电|报道|消息)(?:[\s　][^（）()]{0,60})?[）)]$"
    r"|^[（(](?:本文)?作者[^（）()]{1,80}(?:[（(][^（）()]{0,30}[）)][^（）()]{0,40})*[）)]$"
    r"|^[（(][^（）()]{0,40}(?:整理|综合|编译|辑)[）)]$"
    r"|^[（(](?:摘自|选自|转自|来源|原载)[^（）()]{1,80}(?:[（(][^（）()]{0,30}[）)][^（）()]{0,40})*[）)]$"
    r"|^(?:新华社|中新社)(?:记者)?[^，。；：:（）()]{0,12}发(?:[（(][^（）()]{1,20}[）)])?$"
    r"|^[^，。；：:]{0,20}(?:制图|供图|绘图|漫画)$")
# A column tag in brackets closing a headline: 减负看得见（第一落点） …（人民时评）
_COLUMN_TAG = re.compile(r"^(?P<head>[^。；;（(]{2,50})[（(](?P<tag>[^（）()。；;]{2,60})[）)]$")
# Page credits printed on most Chinese newspaper pages: 本版责编：… 责任编辑：… 版式设计：…
_PAGE_CREDIT = re.compile(r"^[【\[]?(?:本版|本期)?(?:责编|责任编辑|编辑|美编|版式设计|版式|校对|组版|视觉设计|设计|制图|审校|审读)"
                          r"[：:\s]")


@dataclass
class _Item:
    kind: str
    line: Line


@dataclass
class _Article:
    headline: list[Line]
    paragraphs: list[Paragraph] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    closed: bool = False  # a byline line followed its last paragraph


_NOT_LABEL = re.compile(r"[\s【】\[\]：:]")
_COLON_SPEECH = re.compile(r"[：:][“\u4e00-\u9fff]{2}")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_CLAUSE_THEN_MORE = re.compile(r"[，,].*[\u4e00-\u9fff]{2}")


def classify(text: str) -> str:
    stripped = text.strip()
    bare = _NOT_LABEL.sub("", stripped)
    if bare in EDITORIAL_LABELS:
        return LABEL
    if bare in ROLE_SIGNATURES:
        return BYLINE
    if (_PAGE_CREDIT.match(stripped) and len(stripped) <= 60) or IMPRINT.match(stripped) \
            or PAGE_HEADER.match(stripped):
        return FURNITURE
    if _CLOSING_CREDIT.match(stripped):
        return CREDIT
    if _YEAR_LINE.match(stripped):
        return YEAR
    if bylines.is_byline_line(stripped):
        return BYLINE
    if _is_tagged_headline(stripped) or _is_dash_headline(stripped):
        return HEAD
    if len(stripped) > MAX_HEADING_CHARS or any(p in stripped for p in SENTENCE_PUNCT):
        return PARA
    if _agency_dateline(stripped) and len(stripped) > 6:
        return PARA  # 本报北京5月21日电（记者…）… cut short by the column end: still prose
    if stripped[-1] in "，,、" or stripped.endswith("……"):
        return PARA
    if stripped.count("“") > stripped.count("”") or _COLON_SPEECH.search(stripped[2:]):
        return PARA  # an open quotation or a colon mid-line: someone is speaking, prose
    unquoted = _QUOTED.sub("", stripped)
    if len(stripped) >= 16 and _CLAUSE_THEN_MORE.search(unquoted):
        return PARA  # a clause and then more: prose cut by a column end, not a headline
    return HEAD


def _is_tagged_headline(text: str) -> bool:
    """减负看得见 一线变化多（第一落点·关注基层减负②）: a headline with its column tag."""
    m = _COLUMN_TAG.match(text)
    return m is not None and not m["head"].endswith(("，", ",", "、")) and len(m["head"].strip()) >= 2


_DASH_LEAD = ("——", "─", "－－")


def _is_dash_headline(text: str) -> bool:
    """——访国家发展改革委主任 (a subtitle) and 全国人大代表王书茂—— (a kicker): dashes set a
    headline line apart; a paragraph never starts with them and rarely ends with them."""
    if any(p in text for p in "。；;") or len(text) > 90:
        return False
    return text.startswith(_DASH_LEAD) and len(text) > 3 or (text.endswith("——") and len(text) <= 60)


def is_cut(text: str) -> bool:
    """True when a paragraph stops mid-sentence: its rest was printed in the next column."""
    text = text.rstrip()
    if not text or text.endswith(_LEAD_IN):
        return False
    last = text[-1]
    if last in _QUOTE_CLOSE:
        return len(text) < 2 or text[-2] not in "。！？!?…"
    return last not in _CLOSING


def ends_with_lead_in(text: str) -> bool:
    return text.rstrip().endswith(_LEAD_IN)


def _classify_page(lines: list[Line]) -> list[_Item]:
    items = [_Item(classify(l.text), l) for l in lines]
    # A lone short line after a finished paragraph whose last word runs on into the next line
    # is the first half of a paragraph cut by the column end, not a subheading. (After a cut
    # paragraph, a short line is a subheading printed inside the cut sentence.)
    for i in range(1, len(items) - 1):
        if (items[i].kind == HEAD and items[i - 1].kind == PARA and items[i + 1].kind == PARA
                and not is_cut(items[i - 1].line.text)
                and lexicon.word_runs_across(items[i].line.text, items[i + 1].line.text)):
            items[i].kind = PARA
    return items


def _heading_run(items: list[_Item], start: int) -> int:
    end = start
    while end < len(items) and items[end].kind in (HEAD, YEAR, LABEL):
        end += 1
    return end


def _last_text_paragraph(article: _Article) -> Paragraph | None:
    for p in reversed(article.paragraphs):
        if p.is_text:
            return p
    return None


def _starts_new_article(article: _Article, run: list[_Item], nxt: _Item | None,
                        items: list[_Item], end: int) -> bool:
    heads = [it for it in run if it.kind == HEAD]
    if not heads:
        return False
    dateline = dates.find_dateline(nxt.line.text) if nxt is not None and nxt.kind == PARA else None
    last = _last_text_paragraph(article)
    if last is not None and (is_cut(last.text) or ends_with_lead_in(last.text)):
        return dateline is not None and dateline.strong
    if article.closed or (nxt is not None and nxt.kind == BYLINE):
        return True
    if dateline is not None and dateline.strong:
        return True
    # 近日/日前/昨日 opening the next paragraph: how news articles start, not how sections do.
    relative = dateline is not None and dateline.relative in _NEWS_OPENERS
    if relative or (dateline is not None and article.bylines):
        return True
    if run[-1].kind == LABEL and _NOT_LABEL.sub("", run[-1].line.text) in _OPENING_LABELS:
        return True  # headline lines, then 核心提示/编者按: how an article opens
    texts = [it.line.text.strip() for it in heads]
    ctx = headruns.RunContext(
        heads=texts, has_label=any(it.kind == LABEL for it in run),
        prev_text=last.text if last is not None else None,
        paragraphs=sum(1 for p in article.paragraphs if p.is_text),
        subheadings=sum(1 for p in article.paragraphs if p.heading),
        headline_lines=len(article.headline),
        next_text=nxt.line.text.strip() if nxt is not None and nxt.kind == PARA else None,
        next_relative=relative, similar_later=_similar_runs_after(items, end, texts))
    fallback = len(heads) >= 2
    decided = headruns.opens_article(ctx, [_is_tagged_headline(t) for t in texts],
                                     [t.startswith(_DASH_LEAD) for t in texts])
    if headruns.TRACE is not None:
        headruns.TRACE.append((ctx, texts, fallback))
    return fallback if decided is None else decided


_LOOKAHEAD_ITEMS = 200  # how far a run looks for runs of its shape (keeps a huge page linear)


def _similar_runs_after(items: list[_Item], end: int, texts: list[str]) -> int:
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


def _headline_inside_cut_sentence(article: _Article, run: list[_Item], items: list[_Item], end: int) -> bool:
    """…党史学习教 [headline of the next article] 育任务。 [byline] [本报…电 first paragraph]:
    the short paragraph right after the headline finishes the previous article's cut
    sentence; the next article starts after it (with its byline, or its dateline)."""
    last = _last_text_paragraph(article)
    if last is None or not is_cut(last.text) or not any(it.kind == HEAD for it in run):
        return False
    if end + 1 >= len(items) or items[end].kind != PARA:
        return False
    rest = items[end].line.text
    if dates.find_dateline(rest) is not None or is_cut(rest):
        return False
    after = end + 1
    while after < len(items) and items[after].kind == BYLINE:
        after += 1
    if after > end + 1:
        return True  # a byline under the headline: the new article's
    dateline = dates.find_dateline(items[after].line.text) if after < len(items) and items[after].kind == PARA else None
    return dateline is not None and dateline.strong


def _is_section(line: Line, page: SeedPage) -> bool:
    text = line.text.strip()
    if page.meta.page_name and text == page.meta.page_name.strip():
        return True
    return len(text) <= 8 and " " not in text and text.endswith(SECTION_SUFFIXES)


def _add_paragraph(article: _Article, line: Line) -> None:
    text = line.text.strip()
    if not any(p.is_text for p in article.paragraphs):
        text, found = bylines.split_dateline_byline(text)
        if found:
            article.bylines.append(found)
    text, trailing = bylines.split_trailing_byline(text)
    last = _last_text_paragraph(article)
    if last is not None and is_cut(last.text):
        # Join the halves in place: subheadings printed between them follow the joined paragraph.
        last.text += text
        last.lines = (last.lines[0], line.number)
    else:
        article.paragraphs.append(Paragraph(text, (line.number, line.number)))
    if trailing:
        article.bylines.append(trailing)


def segment_page(page: SeedPage) -> PageLayout:
    items = _classify_page(page.lines)
    articles: list[_Article] = []
    furniture: list[Line] = []
    diagnostics: list[Diagnostic] = []
    section: str | None = None
    pending_bylines: list[str] = []
    current: _Article | None = None
    i = 0
    while i < len(items):
        item = items[i]
        if item.kind in (HEAD, YEAR, LABEL):
            end = _heading_run(items, i)
            run = items[i:end]
            nxt = items[end] if end < len(items) else None
            if current is not None and all(it.kind == FURNITURE for it in items[end:]):
                furniture.extend(it.line for it in run)  # nothing but page furniture follows
            elif current is not None and _headline_inside_cut_sentence(current, run, items, end):
                # The rest of the cut sentence was printed under the next article's headline.
                _add_paragraph(current, items[end].line)
                current = _open_article(run)
                articles.append(current)
                i = end + 1
                continue
            elif current is None or _starts_new_article(current, run, nxt, items, end):
                if current is None and not articles and section is None and len(run) >= 2 \
                        and run[0].kind == HEAD and _is_section(run[0].line, page):
                    section = run[0].line.text.strip()
                    run = run[1:]
                current = _open_article(run)
                current.bylines.extend(pending_bylines)
                pending_bylines = []
                articles.append(current)
            else:
                for it in run:
                    current.paragraphs.append(Paragraph(it.line.text.strip(), (it.line.number,) * 2, heading=True))
            i = end
            continue
        if item.kind == FURNITURE or (item.kind == CREDIT and current is None):
            furniture.append(item.line)
            i += 1
            continue
        if item.kind == CREDIT:
            # The article's last line: kept in its body, and what follows is another article.
            current.paragraphs.append(Paragraph(item.line.text.strip(), (item.line.number,) * 2))
            current.closed = True
            i += 1
            continue
        if item.kind == BYLINE:
            if current is None:
                pending_bylines.append(item.line.text.strip())
            else:
                current.bylines.append(item.line.text.strip())
                if i > 0 and items[i - 1].kind in (PARA, BYLINE) and current.paragraphs:
                    current.closed = True
            i += 1
            continue
        if current is None or (current.closed and _opens_article(item)) or \
                (_agency_dateline(item.line.text) and _last_text_paragraph(current) is not None):
            if current is None:
                diagnostics.append(Diagnostic(page.path, "no recognisable headline before this paragraph; "
                                              "the article's title is taken from its first words. Put the "
                                              "headline on its own line to fix it", item.line.number, "warning"))
            current = _Article(headline=[])
            current.bylines.extend(pending_bylines)
            pending_bylines = []
            articles.append(current)
        _add_paragraph(current, item.line)
        i += 1
    if pending_bylines:
        diagnostics.append(Diagnostic(page.path, "byline with no article; kept as page furniture",
                                      severity="warning"))
        furniture.extend(Line(0, b) for b in pending_bylines)
    return PageLayout(section=section, articles=[_draft(a) for a in articles], furniture=furniture,
                      diagnostics=diagnostics)


def _agency_dateline(text: str) -> bool:
    """本报讯 / 新华社…电 open an article; one printed after an article's text opens a new
    (headless) item, such as a brief under a commentary."""
    dl = dates.find_dateline(text)
    return dl is not None and dl.text.startswith(dates.AGENCY_PREFIXES)


def _opens_article(item: _Item) -> bool:
    dl = dates.find_dateline(item.line.text)
    return dl is not None and dl.strong


def _open_article(run: list[_Item]) -> _Article:
    """Up to three headline lines open the article; labels and the rest are its subheadings."""
    headline: list[Line] = []
    rest: list[_Item] = []
    for it in run:
        if it.kind == HEAD and len(headline) < 3 and not rest:
            headline.append(it.line)
        else:
            rest.append(it)
    article = _Article(headline=headline)
    for k, it in enumerate(rest):
        text = it.line.text.strip()
        # 核心阅读 right under the headline opens the body: a line of it, not a section heading.
        opening = k == 0 and headline and it.kind == LABEL and _NOT_LABEL.sub("", text) in _OPENING_LABELS
        article.paragraphs.append(Paragraph(text, (it.line.number,) * 2, heading=not opening, label=bool(opening)))
    return article


def _draft(article: _Article) -> ArticleDraft:
    return ArticleDraft(headline=article.headline, paragraphs=article.paragraphs, byline_texts=article.bylines)
