"""Where text meets markup: printed seed text escaped for Markdown, and URLs judged safe.

A seed is printed text, not Markdown: a printed `[点我](…)`, `*`, `#`, `>` or `_` must come out
as those characters, so ingestion escapes them when it composes the body (`escape_printed`).
Content files are Markdown a person may edit: rendering keeps only links and images whose URL
a browser would read as http(s), mailto or a site-relative address (`is_safe_url`).
"""
from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

# Markdown reads these as markup anywhere in a line (emphasis, code, links, autolinks through
# `>`, headings' closing `#`); Python-Markdown's backslash escapes them all.
_INLINE = re.compile(r"([\\`*_\[\]>#])")
# ... and these only where a line starts (list items, rules; `2024. ` opens a numbered list).
_BLOCK_START = re.compile(r"^(?:[+\-]|\d+(?=\.(?:\s|$)))")
# `&` is not escapable in Markdown: `&lt;` would print `<`, so an entity-shaped `&` is spelled.
_ENTITY_SHAPED = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_UNESCAPE = re.compile(r"\\([\\`*_{}\[\]()>#+\-.!])")


def escape_printed(text: str) -> str:
    """One printed line or paragraph as Markdown that renders to exactly these characters."""
    text = _ENTITY_SHAPED.sub("&amp;", text)
    text = _INLINE.sub(r"\\\1", text)
    return "\n".join(_escape_block_start(line) for line in text.split("\n"))


def _escape_block_start(line: str) -> str:
    line = line.lstrip(" \t")  # leading spaces mean nothing in print; to Markdown, code
    m = _BLOCK_START.match(line)
    if not m:
        return line
    if line[0].isdigit():  # escape the dot after the digits
        return f"{line[:m.end()]}\\{line[m.end():]}"
    return f"\\{line}"


def unescape_printed(markdown: str) -> str:
    """The printed characters of text escape_printed wrote (backslash escapes and `&amp;`)."""
    return _UNESCAPE.sub(r"\1", markdown).replace("&amp;", "&")


# ---------------------------------------------------------------- control characters

# C0 controls but tab and line feed, DEL, C1 controls, and the two non-characters: none prints,
# and XML 1.0 (the feed, the sitemap) forbids most of them outright.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def strip_controls(text: str) -> tuple[str, list[int]]:
    """The text without control characters (form feed and vertical tab become a space), and
    the 1-based numbers of the lines that had any (LF line ends expected)."""
    if not _CONTROLS.search(text):
        return text, []
    lines = [i for i, line in enumerate(text.split("\n"), 1) if _CONTROLS.search(line)]
    text = _CONTROLS.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)
    return text, lines


# ---------------------------------------------------------------- URLs

SAFE_SCHEMES = frozenset({"http", "https", "mailto", ""})
# Browsers drop tab and line breaks anywhere in a URL and C0 controls and spaces at its ends.
_URL_INVISIBLE = re.compile(r"[\t\n\r]")
_URL_EDGES = "".join(map(chr, range(0x21)))


def browser_url(value: str) -> str:
    """What a browser reads from an attribute value: entities decoded (repeatedly, so that no
    decoding depth can reveal another scheme), invisible characters dropped."""
    seen = None
    while seen != value:
        seen, value = value, html.unescape(value)
    return _URL_INVISIBLE.sub("", value).strip(_URL_EDGES)


def is_safe_url(value: str) -> bool:
    """True for http(s), mailto and scheme-less (site-relative) URLs, judged as a browser
    would read them; javascript:, data:, vbscript: and every other scheme are refused."""
    url = browser_url(value)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:  # e.g. an invalid IPv6 host: no browser link worth keeping
        return False
    if scheme not in SAFE_SCHEMES:
        return False
    # urlsplit only calls `x:` a scheme when x is a valid one; a browser agrees, but be strict
    # about anything before the first colon that is not a path, query or fragment
    head = re.split(r"[/?#]", url, maxsplit=1)[0]
    return ":" not in head or head.split(":", 1)[0].lower() in SAFE_SCHEMES - {""}
