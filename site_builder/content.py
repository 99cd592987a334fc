"""content/: one Markdown file per article with YAML front matter.

Writing: ingestion's articles become text; a hash of that text is stored in the front matter
(`generated`) so a later run can tell a file a person edited (hash no longer matches) from one
it may regenerate. Reading: every file is parsed and validated on its own; a bad one is
reported with its file and line and skipped, the rest of the corpus is still read.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, fields
from pathlib import Path

import yaml

from .edtf import parse_edtf
from .markup import strip_controls
from .model import ROLE_FIELDS, Article, Diagnostic

FRONT_MATTER_ORDER = (
    "id", "source", "order", "source_lines", "kicker", "title", "subtitle", "section",
    "date", "dateline", "dateline_date", "published", "page", "page_name", "newspaper",
    *ROLE_FIELDS, "byline", "people", "roles", "places", "organizations", "tags", "summary",
)
LIST_FIELDS = (*ROLE_FIELDS, "people", "places", "organizations", "tags")
TEXT_FIELDS = ("kicker", "subtitle", "section", "dateline", "dateline_date", "byline", "published", "page",
               "page_name", "newspaper", "summary")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_FENCE = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_GENERATED_LINE = re.compile(r"(?m)^generated: [0-9a-f]+\n")


class _Dumper(yaml.SafeDumper):
    """Block style for the mapping, flow style for short scalar lists: diffs stay readable."""


def _represent_list(dumper, data):
    flow = all(isinstance(x, (str, int)) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(tuple, _represent_list)

# libyaml's emitter (shipped in PyYAML's wheels) writes the same bytes as the pure-Python one
# about four times faster, for text made of printable characters of the Basic Multilingual
# Plane on one line, and non-empty keys; beyond that the two differ (libyaml escapes other
# planes, writes an empty key as `? ''`), so such rare articles take the pure-Python path.
# tests/test_ingest_files.py compares the two on random text of that kind.
def _fast_dumper():
    if not hasattr(yaml, "CSafeDumper"):
        return None

    class FastDumper(yaml.CSafeDumper):
        # The serializer asks, twice per scalar, whether the plain text would read back as a
        # string; the answer depends on the text alone, and names, places and tags recur.
        _resolved: dict = {}

        def resolve(self, kind, value, implicit):
            if kind is not yaml.ScalarNode:
                return super().resolve(kind, value, implicit)
            key = (value, implicit)
            tag = self._resolved.get(key)
            if tag is None:
                if len(self._resolved) > 200_000:
                    self._resolved.clear()
                tag = self._resolved[key] = super().resolve(kind, value, implicit)
            return tag

    FastDumper.add_representer(list, _represent_list)
    FastDumper.add_representer(tuple, _represent_list)
    return FastDumper


_FastDumper = _fast_dumper()
_FAST_SAFE = re.compile("[\x20-\x7e\u00a0-\ud7ff\ue000-\ufefe\uff00-\ufffd]+")


def _fast_safe(value) -> bool:
    if isinstance(value, str):
        return bool(_FAST_SAFE.fullmatch(value))
    if isinstance(value, (list, tuple)):
        return all(_fast_safe(v) for v in value)
    if isinstance(value, dict):
        return all(_fast_safe(k) and _fast_safe(v) for k, v in value.items())
    return isinstance(value, int)


_STR, _INT = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int"
_SEQ, _MAP = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


def _node(value, seen: set[int]):
    """The node SafeRepresenter (with _represent_list) makes for front-matter values: str, int,
    lists of them and str -> str mappings; None for anything else, or for a list or mapping
    met twice (the representer would write an alias), so the caller takes yaml's own path."""
    kind = type(value)
    if kind is str:
        return yaml.ScalarNode(_STR, value)
    if kind is int:
        return yaml.ScalarNode(_INT, str(value))
    if kind is list or kind is tuple and value:
        if id(value) in seen:
            return None
        seen.add(id(value))
        items = [_node(v, seen) for v in value]
        if None in items:
            return None
        return yaml.SequenceNode(_SEQ, items, flow_style=all(isinstance(x, (str, int)) for x in value))
    if kind is dict:
        if id(value) in seen:
            return None
        seen.add(id(value))
        pairs = [(_node(k, seen), _node(v, seen)) for k, v in value.items()]
        if any(k is None or v is None for k, v in pairs):
            return None
        return yaml.MappingNode(_MAP, pairs, flow_style=False)
    return None


# Scalars whose YAML text is known without an emitter: printable text of the Basic
# Multilingual Plane (no line break, U+2028/9 left out) that the emitter's analysis lets stand
# plain: no indicator first (#,[]{}&*!|>'"%@`?:- or a space), no space last, no ": " or " #"
# (nor ':' at the end) and, in a flow list, none of ,?[]{}:# at all. Text starting with a
# character beyond ASCII cannot read back as another type (every implicit resolver starts
# with an ASCII character); other text is asked of yaml's resolver (remembered). A word of
# ASCII letters, digits and _./- that would read back as a number or date (2021-03-05, 04)
# is single-quoted. Anything else: None, and yaml writes the whole front matter.
_PRINTABLE = re.compile("[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]+")
_NOT_PLAIN = (re.compile(r"^[\s#,\[\]{}&*!|>'\"%@`?:-]|\s$|: |:$| #"),  # in block context
              re.compile(r"^[\s#,\[\]{}&*!|>'\"%@`?:-]|\s$|[,?\[\]{}:#]"))  # in a flow list
_ASCII_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]*")
_PLAIN_KEY = re.compile("[\u4e00-\u9fff·]{1,32}")
_KEY = re.compile("[a-z_]+")
_LINE_MAX = 4000  # far below the emitter's width (10,000), where it would fold a line


def _scalar_text(value, flow: bool, resolved: dict) -> str | None:
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is not str or not value or not _PRINTABLE.fullmatch(value) or _NOT_PLAIN[flow].search(value):
        return None
    if value[0] >= "\x80":
        return value
    plain = resolved.get(value)
    if plain is None:
        tag = yaml.resolver.Resolver().resolve(yaml.ScalarNode, value, (True, False))
        plain = resolved[value] = tag == _STR
    if plain:
        return value
    return f"'{value}'" if _ASCII_WORD.fullmatch(value) else None


_ascii_resolved: dict[str, bool] = {}


def _emit_simple(meta: dict) -> str | None:
    """What libyaml writes for front matter made of keys, str and int scalars of the two
    kinds above, flow lists of them and one level of str -> str mappings (block style);
    None for anything else (then yaml itself writes it)."""
    if not meta:
        return None
    resolved = _ascii_resolved
    if len(resolved) > 100_000:
        resolved.clear()
    seen: set[int] = set()
    out: list[str] = []
    for key, value in meta.items():
        if type(key) is not str or not _KEY.fullmatch(key):
            return None
        kind = type(value)
        if kind is list or kind is tuple:
            if not value or id(value) in seen:  # empty: '[]'; met twice: an alias
                return None
            seen.add(id(value))
            items = [_scalar_text(v, True, resolved) for v in value]
            if None in items:
                return None
            line = f"{key}: [{', '.join(items)}]\n"
        elif kind is dict:
            if not value or id(value) in seen:
                return None
            seen.add(id(value))
            line = f"{key}:\n"
            for k, v in value.items():
                if type(k) is not str or not _PLAIN_KEY.fullmatch(k):
                    return None
                text = _scalar_text(v, False, resolved)
                if text is None:
                    return None
                line += f"  {k}: {text}\n"
        else:
            text = _scalar_text(value, False, resolved)
            if text is None:
                return None
            line = f"{key}: {text}\n"
        if len(line) > _LINE_MAX:
            return None
        out.append(line)
    return "".join(out)


def dump_front_matter(meta: dict) -> str:
    """yaml.dump's text for `meta`. Most front matter is simple enough to write here
    (_emit_simple); otherwise, for text libyaml writes as PyYAML does (see _fast_safe), the
    nodes are built here and handed to libyaml's serializer: PyYAML's representer costs more
    than the emitter. tests/test_ingest_files.py compares the bytes with PyYAML's."""
    simple = _emit_simple(meta)
    if simple is not None:
        return simple
    if _FastDumper is not None and _fast_safe(meta):
        node = _node(meta, set())
        if node is not None:
            import io

            stream = io.StringIO()
            dumper = _FastDumper(stream, default_flow_style=False, allow_unicode=True, sort_keys=False,
                                 width=10_000)
            dumper.open()
            dumper.serialize(node)
            dumper.close()
            return stream.getvalue()
    dumper = _FastDumper if _FastDumper is not None and _fast_safe(meta) else _Dumper
    return yaml.dump(meta, Dumper=dumper, allow_unicode=True, sort_keys=False, width=10_000)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def article_to_text(article: Article) -> str:
    """The file text for a generated article, `generated` hash included."""
    meta = {}
    for name in FRONT_MATTER_ORDER:
        value = getattr(article, name)
        if value in (None, "", [], {}, ()):
            continue
        meta[name] = list(value) if name == "source_lines" else value
    front = dump_front_matter(meta)
    text = f"---\n{front}---\n\n{article.body.strip()}\n"
    return _with_hash(text)


def _with_hash(text: str) -> str:
    digest = text_hash(text)
    return text.replace("\n---\n", f"\ngenerated: {digest}\n---\n", 1)


def regenerate(text: str) -> str:
    """A generated text that ingestion itself changed (another id): its hash made again."""
    return _with_hash(_GENERATED_LINE.sub("", text, count=1))


def is_hand_edited(text: str) -> bool:
    """True when a file no longer matches the hash ingestion stored in it (or has none)."""
    m = re.search(r"(?m)^generated: ([0-9a-f]+)$", text)
    if not m:
        return True
    return text_hash(_GENERATED_LINE.sub("", text, count=1)) != m.group(1)


@dataclass
class ParsedFile:
    article: Article | None
    diagnostics: list[Diagnostic]
    hand_edited: bool = False


def parse_article(text: str, path: str) -> ParsedFile:
    """Parse one content file; on any error the article is None and the reasons say where."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n")
    text, controls = strip_controls(text)
    m = _FENCE.match(text)
    if not m:
        return ParsedFile(None, [Diagnostic(path, "no YAML front matter: the file must start "
                                            "with a line '---', the fields, and a line '---'", 1)])
    try:
        meta = _load_front_matter(m.group(1))
    except yaml.YAMLError as exc:
        offset = yaml_error_line(exc)
        line = offset + 2 if offset is not None else 1  # +1 for 1-based, +1 for the fence
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return ParsedFile(None, [Diagnostic(path, f"front matter is not valid YAML: {problem}; "
                                            "fix the line or delete the file to regenerate it", line)])
    if not isinstance(meta, dict):
        return ParsedFile(None, [Diagnostic(path, "front matter must be a mapping of fields", 2)])
    body = text[m.end():]
    problems = _validate(meta, m.group(1), path)
    if controls:
        problems.append(Diagnostic(path, "control characters ignored: they print nothing and are not "
                                   "allowed in XML; remove them", controls[0], "warning"))
    if any(p.severity == "error" for p in problems):
        return ParsedFile(None, problems)
    article = _article_from(meta, body.strip("\n"), path)
    return ParsedFile(article, problems, hand_edited=is_hand_edited(text))


def yaml_error_line(exc: yaml.YAMLError) -> int | None:
    """The 0-based line a person must fix. An unfinished key, quoted string or flow collection
    is only noticed on a later line (PyYAML's problem mark); where it began is the line to fix."""
    context = getattr(exc, "context", None) or ""
    mark = getattr(exc, "context_mark", None)
    if mark is not None and context.startswith(("while scanning a simple key", "while scanning a quoted",
                                                 "while parsing a flow")):
        return mark.line
    mark = getattr(exc, "problem_mark", None)
    return mark.line if mark is not None else None


# libyaml's scanner and parser are about ten times faster than PyYAML's pure-Python ones and
# build the same values (the constructor is the same Python code). Any error is reported by
# the pure-Python loader, so messages and line numbers do not depend on libyaml.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _load_front_matter(front: str):
    if _FAST_LOADER is not None:
        try:
            return yaml.load(front, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.safe_load(front)


def _line_of(front: str, key: str) -> int:
    for i, line in enumerate(front.split("\n"), 2):
        if line.startswith(f"{key}:"):
            return i
    return 1


def _validate(meta: dict, front: str, path: str) -> list[Diagnostic]:
    out: list[Diagnostic] = []

    def err(key: str, msg: str, severity: str = "error") -> None:
        out.append(Diagnostic(path, f"`{key}`: {msg}", _line_of(front, key), severity))

    for key in ("id", "source", "title"):
        if not isinstance(meta.get(key), str) or not meta.get(key).strip():
            err(key, "required text field is missing or empty")
    if isinstance(meta.get("id"), str) and not ID_PATTERN.match(meta["id"]):
        err("id", f"{meta['id']!r} is not ASCII letters, digits, '-' and '_'")
    if not isinstance(meta.get("order"), int) or isinstance(meta.get("order"), bool) or meta["order"] < 1:
        err("order", "must be a whole number from 1")
    for key in LIST_FIELDS:
        value = meta.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(x, str) for x in value)):
            err(key, "must be a list of names, e.g. [张三, 李四]")
    for key in TEXT_FIELDS:
        value = meta.get(key)
        if value is not None and not isinstance(value, (str, int)):
            err(key, "must be text")
    if "date" in meta and parse_edtf(meta["date"]) is None:
        err("date", f"{meta['date']!r} is not an EDTF date such as 2023-03-07, 2021, XXXX-07-18, "
                    "2014? or XXXX; treated as unknown", "warning")
    roles = meta.get("roles")
    if roles is not None and not (isinstance(roles, dict) and all(isinstance(v, str) for v in roles.values())):
        err("roles", "must map a name to the titles printed with it")
    lines = meta.get("source_lines")
    if lines is not None and not (isinstance(lines, list) and len(lines) == 2 and all(isinstance(x, int) for x in lines)):
        err("source_lines", "must be [first, last]", "warning")
    known = set(FRONT_MATTER_ORDER) | {"generated"}
    for key in meta:
        if key not in known:
            err(str(key), "unknown field, ignored", "warning")
    return out


def _article_from(meta: dict, body: str, path: str) -> Article:
    names = {f.name for f in fields(Article)}
    kwargs = {k: v for k, v in meta.items() if k in names}
    for key in TEXT_FIELDS:
        if key in kwargs and kwargs[key] is not None:
            kwargs[key] = str(kwargs[key])
    date = parse_edtf(kwargs.get("date"))
    kwargs["date"] = str(date) if date else "XXXX"
    lines = kwargs.get("source_lines")
    kwargs["source_lines"] = tuple(lines) if isinstance(lines, list) and len(lines) == 2 else None
    kwargs["roles"] = {str(k): v for k, v in (kwargs.get("roles") or {}).items()}
    for key in LIST_FIELDS:
        kwargs[key] = list(kwargs.get(key) or [])
    kwargs["generated"] = str(meta["generated"]) if meta.get("generated") else None
    return Article(body=body, path=path, **kwargs)


@dataclass
class Corpus:
    articles: list[Article]
    diagnostics: list[Diagnostic]


def read_corpus(content_dir: str | Path) -> Corpus:
    """Read every *.md below content_dir; bad files are reported and skipped, ids kept unique."""
    root = Path(content_dir)
    articles: list[Article] = []
    diagnostics: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for file in sorted(root.rglob("*.md")):
        rel = file.relative_to(root).as_posix()
        shown = os.path.join(str(content_dir), rel)
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as exc:
            diagnostics.append(Diagnostic(shown, f"cannot read as UTF-8 ({exc}); skipped"))
            continue
        parsed = parse_article(text, shown)
        diagnostics.extend(parsed.diagnostics)
        if parsed.article is None:
            continue
        parsed.article.path = rel
        if parsed.article.id in seen:
            diagnostics.append(Diagnostic(shown, f"id {parsed.article.id!r} is already used by "
                                          f"{seen[parsed.article.id]}; skipped", _id_line(text)))
            continue
        seen[parsed.article.id] = shown
        articles.append(parsed.article)
    articles.sort(key=lambda a: (a.source, a.order, a.id))
    from .plan import slug_clashes  # names whose URL had to differ from the name

    return Corpus(articles, diagnostics + slug_clashes(articles, str(content_dir)))


def _id_line(text: str) -> int:
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith("id:"):
            return i
    return 1
