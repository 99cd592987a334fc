"""Stage 1: read seed pages (one text file per printed page) into SeedPage objects.

Every problem is a Diagnostic naming the file; a bad seed never stops the others.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import Diagnostic, PageMeta, SeedPage

SEED_SUFFIXES = (".txt",)
LARGE_PAGE_BYTES = 2_000_000  # a printed page holds ~20,000 characters; far more is suspicious
# 20200115-04.txt, 2020-01-15_04.txt, 20200115.txt, 2020-01-15-A3.txt
_DATED_NAME = re.compile(
    r"^(?P<y>(?:19|20)\d{2})-?(?P<m>\d{2})-?(?P<d>\d{2})(?:[-_ ](?P<page>[A-Za-z]?\d{1,3}[A-Za-z]?))?(?:$|[-_ ])"
)


@dataclass
class SeedResult:
    page: SeedPage | None
    diagnostics: list[Diagnostic]


def find_seed_files(seeds_dir: Path) -> list[Path]:
    return sorted(p for p in seeds_dir.rglob("*") if p.is_file() and p.suffix.lower() in SEED_SUFFIXES
                  and not p.name.startswith("."))


def seed_slug(stem: str) -> str:
    """ASCII, URL-safe and stable: the stem itself when it already is, else its ASCII part + a hash."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")
    if safe == stem and safe:
        return safe
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return f"{safe}-{digest}" if safe else f"page-{digest}"


def decode_seed(data: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text: UTF-8 (BOM allowed), else GB18030 with a warning; binary is refused."""
    if not data.strip():
        return None, [Diagnostic(shown, "empty file: no text to ingest", severity="warning")]
    if _looks_binary(data):
        return None, [Diagnostic(shown, "binary file, not a text page: remove it or export the page as UTF-8 text")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return None, [Diagnostic(shown, "neither UTF-8 nor GB18030 text: save it as UTF-8", line)]
        return text, [Diagnostic(shown, "not UTF-8 (first bad byte here); decoded as GB18030. "
                                 "Save it as UTF-8 to silence this", line, "warning")]


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    # control bytes other than tab, LF, FF, CR and ESC, counted in C (bytes.translate drops the rest)
    controls = len(sample.translate(None, _NOT_CONTROL))
    return controls > len(sample) * 0.05


_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in (9, 10, 12, 13, 27)))


def normalize_text(text: str) -> str:
    """LF line ends, NFC, no stray BOM: what every later stage may rely on."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    return unicodedata.normalize("NFC", text)


def page_meta_from_name(stem: str) -> PageMeta:
    m = _DATED_NAME.match(stem)
    if not m:
        return PageMeta()
    try:
        date = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return PageMeta()
    return PageMeta(published=date.isoformat(), page=m["page"])


def meta_from_imprint(text: str, known: PageMeta) -> PageMeta:
    """Fill what the sidecar and file name left open from a printed imprint or page header."""
    from .segment import IMPRINT, PAGE_HEADER  # the segmenter owns the lines' patterns

    for line in text.split("\n"):
        line = line.strip()
        m = IMPRINT.match(line)
        if m:
            return _fill(known, (m["y"], m["m"], m["d"]), m["page"], m["paper"].strip())
        if PAGE_HEADER.match(line):
            d = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", line)
            page = re.search(r"第\s*([A-Za-z]?\d{1,3})\s*版", line)
            paper = re.match(r"^《?([\u4e00-\u9fff]{2,10}报)》?\s", line)
            return _fill(known, d.groups(), page.group(1) if page else None, paper.group(1) if paper else None)
    return known


def _fill(known: PageMeta, ymd, page: str | None, paper: str | None) -> PageMeta:
    try:
        published = dt.date(*map(int, ymd)).isoformat()
    except ValueError:
        published = None
    return PageMeta(published=known.published or published, page=known.page or page,
                    page_name=known.page_name, newspaper=known.newspaper or paper)


def read_sidecar(path: Path, shown: str) -> tuple[dict, list[Diagnostic]]:
    """<seed>.yaml beside the seed: published, page, page_name, newspaper."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, [Diagnostic(shown, f"sidecar is not valid YAML ({getattr(exc, 'problem', exc)}); ignored",
                               mark.line + 1 if mark else None, "warning")]
    except (OSError, UnicodeDecodeError) as exc:
        return {}, [Diagnostic(shown, f"cannot read sidecar ({exc}); ignored", severity="warning")]
    if data is None:
        return {}, []
    if not isinstance(data, dict):
        return {}, [Diagnostic(shown, "sidecar must be a mapping (published: 2020-01-15 ...); ignored", 1, "warning")]
    out, problems = {}, []
    for key, value in data.items():
        if key not in ("published", "page", "page_name", "newspaper"):
            problems.append(Diagnostic(shown, f"unknown sidecar field {key!r}; known: published, page, "
                                       "page_name, newspaper", severity="warning"))
            continue
        if key == "published":
            value = _iso_date(value)
            if value is None:
                problems.append(Diagnostic(shown, f"published {data[key]!r} is not a date like 2020-01-15; ignored",
                                           severity="warning"))
                continue
        out[key] = str(value)
    return out, problems


def _iso_date(value) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        return None


def read_seed(path: Path, root: Path) -> SeedResult:
    shown = _display_path(path, root)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return SeedResult(None, [Diagnostic(shown, f"cannot read: {exc}")])
    text, problems = decode_seed(data, shown)
    if text is None:
        return SeedResult(None, problems)
    if len(data) > LARGE_PAGE_BYTES:
        problems.append(Diagnostic(shown, f"very large page ({len(data) // 1_000_000} MB): is it several "
                                   "pages in one file? Ingested anyway", severity="warning"))
    stem = path.stem
    slug = seed_slug(stem)
    if slug != stem:
        problems.append(Diagnostic(shown, f"file name is not plain ASCII; its articles get the ids "
                                   f"{slug}-01, {slug}-02, ...", severity="info"))
    meta = page_meta_from_name(stem)
    sidecar = path.with_suffix(".yaml")
    if sidecar.exists():
        values, more = read_sidecar(sidecar, _display_path(sidecar, root))
        problems.extend(more)
        meta = PageMeta(**{**meta.__dict__, **values})
    text = normalize_text(text)
    page = SeedPage(path=shown, stem=stem, slug=slug, text=text, meta=meta_from_imprint(text, meta))
    return SeedResult(page, problems)


def _display_path(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
