"""Lines that belong to the printed page rather than to an article: the imprint, an e-paper
header, the page's own label, a front page's index, the page's editors. The segmenter sets
them aside as furniture; seeds.meta_from_imprint reads the issue, 版次 and 版名 from them."""
from __future__ import annotations

import re

# The imprint web editions print under a page: 《人民日报》（2020年01月15日 04 版）
IMPRINT = re.compile(r"^《\s*(?P<paper>[^》]{2,20}?)\s*》\s*[（(]\s*(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"
                     r"\s*(?P<page>[A-Za-z]?\d{1,3})\s*版\s*[）)]$")
# A page header of an e-paper export: 人民日报 2020年01月15日 星期三 第04版 要闻
PAGE_HEADER = re.compile(r"^(?=.*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日)(?=.*(?:星期[一二三四五六日天]|第\s*[A-Za-z]?\d{1,3}\s*版))"
                         r"[^。！？，,；;]{6,60}$")
# A page's own label on a line of its own, as e-paper exports and scans print it above the
# page: 第04版 要闻, 第4版：国际, A04 要闻, 04版, 要闻 第04版. Its 版次 and 版名 are the page's.
PAGE_LABEL = re.compile(r"^(?:(?P<name1>[\u4e00-\u9fff·]{2,8})\s*[：:·|｜]?\s*)?"
                        r"(?:第\s*(?P<n1>[A-Za-z]?\d{1,3})\s*版|(?P<n2>[A-Za-z]?\d{1,3})\s*版|(?P<n3>[A-Za-z]\d{1,3}))"
                        r"(?:\s*[：:·|｜]?\s*(?P<name2>[\u4e00-\u9fff·]{2,8}))?$")
# An entry of a front page's index (今日导读): a headline and the page it is on, 春耕备耕有序推进 3版.
INDEX_ENTRY = re.compile(r"^[^\s　。！？，,；;]{4,30}[\s　]+(?:第\s*)?(?:[A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})\s*版$")
# Page credits printed on most Chinese newspaper pages: 本版责编：… 责任编辑：… 版式设计：…
PAGE_CREDIT = re.compile(r"^[【\[]?(?:本版|本期)?(?:责编|责任编辑|编辑|校对|组版|审校|审读)[：:\s]")


def page_label(line: str) -> tuple[str, str | None] | None:
    """(版次, 版名 or None) of a line that is only a page's label, else None."""
    m = PAGE_LABEL.match(line)
    if not m or (m["name1"] and m["name2"]) or re.search(r"[见转接第]$", m["name1"] or ""):
        return None  # 详见第5版, 下转第4版: a jump to another page, not this page's label
    return m["n1"] or m["n2"] or m["n3"], m["name1"] or m["name2"]


def is_page_furniture(line: str) -> bool:
    """A stripped line that is the page's own, not an article's."""
    return bool((PAGE_CREDIT.match(line) and len(line) <= 60) or IMPRINT.match(line) or PAGE_HEADER.match(line)
                or page_label(line) or INDEX_ENTRY.match(line))


# The name of a page's section, printed as its first line: 要闻, 城事, 时政新闻.
SECTION_SUFFIXES = ("新闻", "要闻", "综合", "时政", "经济", "财经", "国际", "国内", "体育", "文化", "社会", "民生",
                    "评论", "理论", "副刊", "专版", "专题", "法治", "教育", "健康", "城事", "视点", "观察", "科技",
                    "农村", "区县", "县区", "文体", "城建", "读者", "文艺", "旅游", "周刊", "特刊", "聚焦", "广告")


def is_section_label(text: str, page_name: str | None) -> bool:
    """要闻, 城事新闻, or the page name its sidecar gives: the page's section, not a headline."""
    text = text.strip()
    if page_name and text == page_name.strip():
        return True
    return len(text) <= 8 and " " not in text and text.endswith(SECTION_SUFFIXES)
