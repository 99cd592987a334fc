"""Lines that close an article rather than open one: credits, notes and signatures.

Read by `segment.classify`; a closing line stays in its article's body and tells the segmenter
that the article above is finished.
"""
from __future__ import annotations

import re

from . import bylines
from .names import plausible_name

# A bracketed dateline printed at the end
# （本报柏林2月12日电）, an author's note （作者为…）, a compiler's credit （本报记者…整理）, a
# source （摘自…）, an agency photo credit (新华社发, …摄（图片社）), a chart credit (…制图).
_CLOSING_CREDIT = re.compile(
    r"^[（(](?:本报|新华社|中新社|据)[^（）()]{0,40}(?:电|报道|消息)(?:[\s　][^（）()]{0,60})?[）)]$"
    r"|^[（(](?:本文)?作者[^（）()]{1,80}(?:[（(][^（）()]{0,30}[）)][^（）()]{0,40})*[）)]$"
    r"|^[（(][^（）()]{0,40}(?:整理|综合|编译|辑|摘要|摘编|摘登|节选)[）)]$"
    r"|^[（(](?:摘自|选自|转自|来源|原载)[^（）()]{1,80}(?:[（(][^（）()]{0,30}[）)][^（）()]{0,40})*[）)]$"
    r"|^(?:新华社|中新社)(?:记者)?[^，。；：:（）()]{0,12}发(?:[（(][^（）()]{1,20}[）)])?$"
    r"|^[^，。；：:]{0,20}(?:制图|供图|绘图|漫画)$|^(?:资料|网络)(?:照片|图片)$"
    # an editor's note closing a piece: （相关报道见第四版） （本系列评论结束） （完） （未完待续）
    r"|^[（(][^（）()]{0,40}(?:见第?[\d一二三四五六七八九十]{1,3}(?:[、至—-]第?[\d一二三四五六七八九十]{1,3})*版|结束|完|待续)[）)]$"
    # a writer who helped with the report: （靖伟参与采写）
    r"|^[（(][^（）()，。]{2,20}参与(?:采写|采访|调研|报道)[）)]$"
    # the speaker of the quotation above: ——某省委书记某某日前在某会议上说
    r"|^——[^，。；;！？]{4,60}(?:说|表示|指出|强调)$"
    # where the article goes on: （下转第4版）, 转A4版, （紧转二版）; it ends the text on this page
    r"|^[（(【\[]?\s*(?:下转|紧转|转至|转|续见|详见)第?\s*(?:[A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})"
    r"\s*版\s*[）)】\]]?$")
# A bracketed credit that closes an article but does not read as a byline (names the byline
# reader does not accept): the reporters of a round-up （综合本报记者…报道）.
_ROUNDUP_CREDIT = re.compile(r"^[（(](?:综合)?(?:本报|新华社|中新社)?(?:特约|见习|实习)?记者[^（）()。；;]{2,120}[）)]$")
_BRACKETED = re.compile(r"^[（(](?P<inner>[^（）()]{2,8})[）)]$")
# A reader's letter signed with where the reader lives (and works), then the name:
# 山东威海市 石志新, 内蒙古赤峰市 刘 才, 福建某县纪委书记、监委主任 程靖.
_READER_SIGNATURE = re.compile(r"^(?P<where>[\u4e00-\u9fff]{1,12}?(?:省|市|县|区|州|盟|旗)[\u4e00-\u9fff、]{0,16})"
                               r"[\s　]+(?P<name>[\u4e00-\u9fff][\s　]*[\u4e00-\u9fff]{1,3})$")
_PLACE_END = set("省市县区州盟旗镇乡村街路港湾岛山河湖园馆站")
# Credits for the pictures, charts and layout of the article above them (本版制图：…, 版式设计：…,
# 本版图片来源：…): printed in its column, so they end that article, in its body.
# 内容统筹：…  图表设计：… as well.
_DESIGN_CREDIT = re.compile(r"^(?:本版|本期|本组|本文|内容|图表|视频|文字)?"
                            r"(?:制图|版式设计|版式|视觉设计|设计|美编|摄影|图片|图片来源|数据来源|资料来源|统筹|策划|供图|插图|绘图|漫画)"
                            r"[：:]\s*[^，。；;！？]{1,40}$"
                            r"|^(?:本版|本期)?(?:版式设计|制图|美编)\s*(?P<name>[\u4e00-\u9fff]{2,4})$")
# A line of its own that is only a date (the day a letter or a decision was signed), an
# e-mail address or a web address: the close of the article above it.
_SIGNED_ON = r"(?:(?:19|20)\d{2}年\d{1,2}月\d{1,2}日|[〇○零一二][〇○零一二三四五六七八九]{3}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
_CLOSING_NOTE = re.compile(rf"^(?:{_SIGNED_ON}(?:于[\u4e00-\u9fff]{{2,8}})?|(?:[\u4e00-\u9fff]{{1,10}}[：:]\s*)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+)$")
_SIGNED_ON_LINE = re.compile(rf"^{_SIGNED_ON}$")


def signing_date(text: str) -> bool:
    """2019年10月26日 or 二〇二〇年五月二十六日 on a line of its own: the day a letter, an order
    or a notice was signed, under its signature."""
    return _SIGNED_ON_LINE.match(text.strip()) is not None


def closes_article(text: str) -> bool:
    """A credit, note or design credit that ends the article above it (checked before bylines)."""
    return bool(_CLOSING_CREDIT.match(text) or _is_design_credit(text) or _CLOSING_NOTE.match(text)
                or bylines.closing_credit(text) is not None)


def signs_article(text: str) -> bool:
    """A round-up credit or a bracketed name signing a brief (checked after bylines)."""
    return bool(_ROUNDUP_CREDIT.match(text) or _is_signature(text))


def _is_signature(text: str) -> bool:
    """（张三） or （王 婷）: the name that signs a brief, in brackets on its own line; or a
    reader's signature."""
    m = _BRACKETED.match(text)
    if m is not None:
        return plausible_name(re.sub(r"[\s　]+", "", m["inner"]))
    return reader_signature(text)


def reader_signature(text: str) -> bool:
    """山东威海市 石志新: a reader's place and name under a letter."""
    m = _READER_SIGNATURE.match(text)
    if m is None:
        return False
    name = re.sub(r"[\s　]+", "", m["name"])
    return plausible_name(name) and name[-1] not in _PLACE_END


def _is_design_credit(text: str) -> bool:
    m = _DESIGN_CREDIT.match(text)
    return m is not None and (m["name"] is None or plausible_name(m["name"]))
