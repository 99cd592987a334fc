"""Stage 1: read seed pages (one text file per printed page) into SeedPage objects.

Every problem is a Diagnostic naming the file; a bad seed never stops the others.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..content import yaml_error_line
from ..markup import strip_controls
from ..model import Diagnostic, PageMeta, SeedPage
from .pagelines import IMPRINT, PAGE_HEADER, page_label

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
    """Seed files below seeds_dir, through linked folders too (each folder once), so that a
    link leading out of it is reported file by file by read_seed rather than skipped unseen."""
    found, seen = [], set()
    for folder, dirs, files in os.walk(seeds_dir, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        found += [Path(folder, f) for f in files if _is_seed_name(f) and os.path.isfile(os.path.join(folder, f))]
    return sorted(found)


def _is_seed_name(name: str) -> bool:
    return Path(name).suffix.lower() in SEED_SUFFIXES and not name.startswith(".")


def misplaced_seed_folders(seeds_dir: Path, root: Path) -> list[Diagnostic]:
    """Folders named like a seed page (`x.txt/`): a person meant a page there, say so."""
    return [Diagnostic(display_path(p, root), "a folder, not a text file: its name ends in "
                       f"{p.suffix}; rename it, or put the page's text in a file of that name", severity="warning")
            for p in sorted(seeds_dir.rglob("*")) if _is_seed_name(p.name) and p.is_dir()]


def outside_link(path: Path, seeds_dir: Path) -> str | None:
    """Where `path` really lives when a symbolic link (of the file or of a folder above it)
    takes it out of the seeds folder; None when it stays inside. Such a file is not read:
    a link must not publish files from elsewhere on the machine."""
    real, home = os.path.realpath(path), os.path.realpath(seeds_dir)
    if real == home or real.startswith(home.rstrip(os.sep) + os.sep):
        return None
    return real


def seed_slug(stem: str) -> str:
    """ASCII, URL-safe and stable: the stem itself when it already is, else its ASCII part + a hash."""
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")
    if safe == stem and safe:
        return safe
    digest = hashlib.sha1(stem.encode("utf-8")).hexdigest()[:8]
    return f"{safe}-{digest}" if safe else f"page-{digest}"


def decode_seed(data: bytes, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """Bytes -> text: UTF-8 (BOM allowed), else UTF-16 or GB18030 with a warning; binary is refused."""
    if not data.strip():
        return None, [Diagnostic(shown, "empty file: no text to ingest", severity="warning")]
    utf16 = _utf16_encoding(data)
    if utf16 is not None:
        return _decode_utf16(data, utf16, shown)
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


def _utf16_encoding(data: bytes) -> str | None:
    """"utf-16" for text with a UTF-16 byte order mark; "utf-16-le"/"-be" for text without one
    whose zero bytes (the high bytes of ASCII characters) nearly all fall on one side; else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:8192]
    if len(data) % 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if min(even, odd) * 4 > max(even, odd):  # a CJK character may have a zero byte too (U+5F00)
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


def _decode_utf16(data: bytes, encoding: str, shown: str) -> tuple[str | None, list[Diagnostic]]:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None, [Diagnostic(shown, f"looks like {encoding.upper()} text but cannot be decoded as such: "
                                 "save it as UTF-8")]
    if encoding != "utf-16" and not _mostly_chinese_text(text[:4096]):
        return None, [Diagnostic(shown, "binary file, not a text page: remove it or export the page as UTF-8 text")]
    return text.lstrip("\ufeff"), [Diagnostic(shown, f"not UTF-8; decoded as {encoding.upper()}. "
                                              "Save it as UTF-8 to silence this", 1, "warning")]


def _mostly_chinese_text(text: str) -> bool:
    """Without a byte order mark, zero bytes on one side may be chance: accept the UTF-16
    reading only when nearly all of it is ASCII text, CJK or full-width forms."""
    plain = sum(1 for c in text if c in "\t\n\r" or " " <= c <= "~" or "\u2000" <= c <= "\u206f"
                or "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
    return plain >= 0.95 * len(text)


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


HEADER_LINES = 6


def meta_from_imprint(text: str, known: PageMeta) -> PageMeta:
    """Fill what the sidecar and file name left open from a printed imprint or page header."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    # a page's label stands above it, once: several are a front page's index of other pages
    labels = [label for label in map(page_label, lines[:HEADER_LINES]) if label]
    if len(labels) == 1:
        known = PageMeta(published=known.published, page=known.page or labels[0][0],
                         page_name=known.page_name or labels[0][1], newspaper=known.newspaper)
    for line in lines:
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
        line = yaml_error_line(exc)
        return {}, [Diagnostic(shown, f"sidecar is not valid YAML ({getattr(exc, 'problem', exc)}); ignored",
                               line + 1 if line is not None else None, "warning")]
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


def read_seed(path: Path, root: Path, seeds_dir: Path | None = None) -> SeedResult:
    """One seed file below seeds_dir (default: its own folder) as a SeedPage; its stem is its
    path below seeds_dir without the suffix (`sub/x` for seeds/sub/x.txt), so two seeds never
    share a content folder."""
    seeds_dir = path.parent if seeds_dir is None else seeds_dir
    shown = display_path(path, root)
    real = outside_link(path, seeds_dir)
    if real is not None:
        return SeedResult(None, [Diagnostic(shown, "symbolic link to a file outside the seeds folder: not "
                                             "read. Copy the page into the seeds folder instead")])
    try:
        data = path.read_bytes()
    except OSError as exc:
        return SeedResult(None, [Diagnostic(shown, f"cannot read: {exc}")])
    text, problems = decode_seed(data, shown)
    if text is None:
        return SeedResult(None, problems)
    text, controls = strip_controls(normalize_text(text))
    if controls:
        problems.append(_controls_removed(shown, controls))
    if len(data) > LARGE_PAGE_BYTES:
        problems.append(Diagnostic(shown, f"very large page ({len(data) // 1_000_000} MB): is it several "
                                   "pages in one file? Ingested anyway", severity="warning"))
    stem = Path(os.path.relpath(path, seeds_dir)).with_suffix("").as_posix()
    slug = seed_slug(stem)
    if slug != stem:
        problems.append(Diagnostic(shown, f"name below the seeds folder is not plain ASCII letters, digits, "
                                   f"'-' and '_'; its articles get the ids {slug}-01, {slug}-02, ...", severity="info"))
    meta = page_meta_from_name(path.stem)
    sidecar = path.with_suffix(".yaml")
    if sidecar.exists():
        values, more = _sidecar_values(sidecar, root, seeds_dir)
        problems.extend(more)
        meta = PageMeta(**{**meta.__dict__, **values})
    page = SeedPage(path=shown, stem=stem, slug=slug, text=text, meta=meta_from_imprint(text, meta))
    return SeedResult(page, problems)


def refuse_case_clashes(results: list[SeedResult]) -> list[SeedResult]:
    """Seeds whose paths differ only in case would share a content folder on Windows and
    macOS (and the archive would not survive a clone there): the first by path is kept, the
    others are refused with an error. The same list, changed in place."""
    seen: dict[str, str] = {}
    for result in sorted((r for r in results if r.page is not None), key=lambda r: r.page.path):
        key = result.page.stem.casefold()
        if key not in seen:
            seen[key] = result.page.path
            continue
        result.diagnostics.append(Diagnostic(result.page.path, f"differs from {seen[key]} only in upper/lower "
                                             "case: both would write one content folder on Windows and macOS; "
                                             "not ingested. Rename one of them"))
        result.page = None
    return results


def _sidecar_values(sidecar: Path, root: Path, seeds_dir: Path) -> tuple[dict, list[Diagnostic]]:
    shown = display_path(sidecar, root)
    if outside_link(sidecar, seeds_dir) is not None:
        return {}, [Diagnostic(shown, "symbolic link to a file outside the seeds folder: not read; "
                               "copy the sidecar into the seeds folder instead", severity="warning")]
    return read_sidecar(sidecar, shown)


def _controls_removed(shown: str, lines: list[int]) -> Diagnostic:
    more = f" (also on lines {', '.join(map(str, lines[1:11]))}{' ...' if len(lines) > 11 else ''})" \
        if len(lines) > 1 else ""
    return Diagnostic(shown, f"control characters removed{more}: they print nothing and are not "
                      "allowed in XML", lines[0], "warning")


def display_path(path: Path, root: Path) -> str:
    """The path relative to the project, links not resolved (a link inside seeds/ is its own
    page); `../` leads out of the project when seeds live elsewhere. Never absolute."""
    return Path(os.path.relpath(os.path.abspath(path), os.path.abspath(root))).as_posix()
