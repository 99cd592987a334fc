"""Turn planned pages into bytes with Jinja2 (autoescaped) and Markdown.

Content never becomes template source: titles, names and bodies are passed as values, so
`{{ 7*7 }}` in an article is printed as those characters, and autoescaping prints `<script>`
as text. Markdown bodies are converted with raw HTML switched off for the same reason.
"""
from __future__ import annotations

import functools
import hashlib
import os
import sys
import re
import traceback
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import jinja2
import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE
from markupsafe import Markup

from ..config import Config, site_url_is_set
from ..edtf import format_zh
from ..markup import is_safe_url
from .build_index import FACE_FIELDS, LazyArticle
from ..model import Article, Diagnostic
from ..plan import PlannedPage


class RenderError(Exception):
    """A template failed; `diagnostic` names the template file and line."""

    def __init__(self, diagnostic: Diagnostic):
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class SiteInfo:
    """What every template may use about the site as a whole (the `site` global)."""

    title: str
    description: str
    base_url: str
    site_url: str
    language: str
    css: str  # base-relative path of the stylesheet, with a content hash for caching
    has_search_script: bool
    script: str = ""  # base-relative path of static/js/site.js (copy buttons, 历史上的今天), hashed
    site_url_set: bool = True  # False: site_url is a placeholder; no canonical link is printed


# ---------------------------------------------------------------- Markdown

class _SafeBody(Treeprocessor):
    """Drop every link and image URL a browser would not read as http(s), mailto or
    site-relative (javascript: hidden behind entities too); shift headings to h2+."""

    def run(self, root):
        headings = [el for el in root.iter() if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
        if headings:
            shift = min(int(h.tag[1]) for h in headings) - 2  # the page title is the h1
            for h in headings:
                h.tag = f"h{min(max(int(h.tag[1]) - shift, 2), 6)}"
        for el in root.iter():
            for attr in ("href", "src"):
                value = el.get(attr)
                # Markdown's own entities (an e-mail link's) are still placeholders here
                if value is not None and not is_safe_url(value.replace(AMP_SUBSTITUTE, "&")):
                    del el.attrib[attr]


class _SafeMarkdown(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.deregister("html_block")  # raw HTML in content is text, not markup
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeBody(md), "safe_links", 1)


def make_markdown() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["toc", "sane_lists", _SafeMarkdown()],
        extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-6"}},
        output_format="html",
    )


# ---------------------------------------------------------------- Jinja

_ARTICLE_TYPES = (Article, LazyArticle)


class TrackingEnvironment(jinja2.Environment):
    """Records, while `deep_reads` is a set, the ids of the articles a render reads beyond
    their face (build_index.FACE_FIELDS): a field outside it, anything that is not a field
    (a property, a dunder), or the whole article printed. Templates reach an article's fields
    only through getattr/getitem (`a.title`, `a["title"]`, and the attribute= of sort, map,
    selectattr, groupby ...), or as a whole: printed (`finalize`) or handed to a filter that
    turns it into text (`_TEXT_FILTERS`), so a page that recorded no read of an article shows
    nothing an edit of its body (or other deep fields) can change."""

    deep_reads: set[str] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in _TEXT_FILTERS:
            if name in self.filters:
                self.filters[name] = _noting_articles(self, self.filters[name])

    def getattr(self, obj, attribute):
        if type(obj) in _ARTICLE_TYPES and attribute not in FACE_FIELDS and self.deep_reads is not None:
            self.deep_reads.add(obj.id)
        return jinja2.Environment.getattr(self, obj, attribute)

    def getitem(self, obj, argument):
        if type(obj) in _ARTICLE_TYPES and argument not in FACE_FIELDS and self.deep_reads is not None:
            self.deep_reads.add(obj.id)
        return jinja2.Environment.getitem(self, obj, argument)


# Jinja's filters that make text of whatever they are given: an article handed to one is
# read in full (its dataclass repr holds every field).
_TEXT_FILTERS = ("string", "pprint", "format", "join", "e", "escape", "forceescape", "safe",
                 "urlencode", "tojson", "striptags", "wordcount", "truncate", "indent", "center")


def _noting_articles(env: "TrackingEnvironment", jinja_filter):
    """The filter, also noting every article among its arguments (or in a list one of them is)
    as read in full. Jinja looks at the original's pass_* marker, which wraps copies."""

    @functools.wraps(jinja_filter)
    def noting(*args, **kwargs):
        if env.deep_reads is not None:
            for value in (*args, *kwargs.values()):
                for item in (value if isinstance(value, (list, tuple)) else (value,)):
                    if type(item) in _ARTICLE_TYPES:
                        env.deep_reads.add(item.id)
        return jinja_filter(*args, **kwargs)

    return noting


@jinja2.pass_environment
def _note_printed_article(env: TrackingEnvironment, value):
    if type(value) in _ARTICLE_TYPES and env.deep_reads is not None:
        env.deep_reads.add(value.id)
    return value


class DisposableBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A compiled template that cannot be read (a corrupted cache file) is deleted and the
    template compiled again: a cache is disposable, never the reason a build fails."""

    def load_bytecode(self, bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception as exc:
            bucket.reset()
            path = self._get_cache_filename(bucket)
            print(f"warning: {path}: unreadable compiled template ({type(exc).__name__}); "
                  "discarded, compiled again", file=sys.stderr)
            try:
                os.unlink(path)
            except OSError:
                pass


def make_environment(config: Config, bytecode_dir: str | Path | None = None) -> jinja2.Environment:
    """Jinja2 over templates_dir: autoescape on, undefined names are errors, stable output.
    With `bytecode_dir`, compiled templates are kept there (keyed by name and a checksum of
    the source): parsing and compiling the templates cost 0.3 s of every one-article build."""
    cache = DisposableBytecodeCache(str(bytecode_dir)) if bytecode_dir is not None else None
    if bytecode_dir is not None:
        Path(bytecode_dir).mkdir(parents=True, exist_ok=True)
    env = TrackingEnvironment(
        finalize=_note_printed_article,
        loader=jinja2.FileSystemLoader(str(config.path("templates_dir"))),
        bytecode_cache=cache,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    md = make_markdown()

    def render_markdown(text: str) -> Markup:
        md.reset()
        return Markup(md.convert(text or ""))

    base = config.base_url
    site_url = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
    env.filters["date_zh"] = _date_zh
    env.filters["url"] = lambda path: base + readable_path(str(path).lstrip("/"))
    env.filters["abs_url"] = lambda path: site_url + str(path).lstrip("/")
    env.filters["markdown"] = render_markdown
    static = config.path("static_dir")
    env.globals["site"] = SiteInfo(
        title=config.title, description=config.description, base_url=base, site_url=site_url,
        language=config.language, css=_hashed("static/css/site.css", static / "css" / "site.css"),
        has_search_script=(static / "search" / "search.js").is_file(),
        script=_hashed("static/js/site.js", static / "js" / "site.js"),
        site_url_set=site_url_is_set(site_url))
    return env


_ENCODED_UTF8 = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")


def readable_path(path: str) -> str:
    """A link's path with percent-encoded UTF-8 (names: tags, people) written as the characters
    themselves, which HTML allows in href and browsers encode when they request: a Chinese
    character is 3 bytes instead of 9, and tag and person links are most of a page's markup.
    ASCII escapes (%2F, %25, %3F ...) stay, so the path still names the same file."""
    def decode(m: re.Match) -> str:
        try:
            return unquote(m.group(0), errors="strict")
        except UnicodeDecodeError:
            return m.group(0)
    return _ENCODED_UTF8.sub(decode, path) if "%" in path else path


@lru_cache(maxsize=65536)
def _date_zh_text(value: str) -> str:
    return format_zh(value)


def _date_zh(value) -> str:
    """format_zh, memoised for the date strings of articles (every listing formats them again;
    parsing was 5% of rendering). Dates that are not strings go straight through."""
    return _date_zh_text(value) if type(value) is str else format_zh(value)


def _hashed(rel: str, file: Path) -> str:
    """`rel?v=<hash>` so browsers refetch the stylesheet only when it changed."""
    if not file.is_file():
        return rel
    return f"{rel}?v={hashlib.sha256(file.read_bytes()).hexdigest()[:10]}"


def render_page_tracked(env: TrackingEnvironment, page: PlannedPage) -> tuple[bytes, frozenset[str]]:
    """The page's bytes and the ids of the articles it read beyond their face."""
    env.deep_reads = reads = set()
    try:
        data = render_page(env, page)
    finally:
        env.deep_reads = None
    return data, frozenset(reads)


def render_page(env: jinja2.Environment, page: PlannedPage) -> bytes:
    """The page's bytes; any template problem becomes a RenderError naming template and line."""
    try:
        template = env.get_template(page.template)
        text = template.render(page=page, ctx=page.context, links=page.links)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(Diagnostic(_template_file(env, exc.name or page.template),
                                     f"template syntax error: {exc.message}", exc.lineno)) from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(Diagnostic(_template_file(env, page.template),
                                     f"template not found: {exc.name}")) from exc
    except Exception as exc:  # a runtime error inside a template: find the template frame
        name, line = _template_frame(env, exc)
        raise RenderError(Diagnostic(name or _template_file(env, page.template),
                                     f"while rendering {page.path or '/'}: {type(exc).__name__}: {exc}",
                                     line)) from exc
    return text.encode("utf-8")


def _template_file(env: jinja2.Environment, name: str) -> str:
    roots = getattr(env.loader, "searchpath", [])
    return str(Path(roots[0]) / name) if roots else name


def _template_frame(env: jinja2.Environment, exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost traceback frame that lies in a template file (Jinja maps its lines)."""
    roots = [str(Path(r).resolve()) for r in getattr(env.loader, "searchpath", [])]
    found = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        resolved = str(Path(frame.filename).resolve()) if frame.filename else ""
        if any(resolved.startswith(r) for r in roots):
            found = (frame.filename, frame.lineno)
    return found
