"""Article identity across re-ingests: which content file, and so which id and URL, each
article of a seed page gets.

An article is known by its text, not its position on the page: when a seed gains, loses or
reorders articles, each new article is matched to the generated file of its seed folder that
prints the same title and body (else the same body, else a similar text), and keeps that
file's name and id (`<seed slug>-<NN>` for `<NN>.md`). Articles without a match get numbers no
file in the folder uses, so an id never passes to another article while content/ is kept. A
hand-edited file is therefore only ever "kept" for its own article; one whose article is gone
stays and is reported (ingest._remove_stale). A seed without a folder of its own (a renamed
seed) is matched against folders no seed writes any more: the edited files of the folder it
matches move to the new folder (with the new id and source), the untouched ones are written
there anew.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

SIMILAR = 0.5  # share of common character pairs (Jaccard) that still makes two texts one article
# ... for a hand-edited file, higher: paired with another article, that article would not be
# written (the edit is kept), so it takes a near copy (a correction in the seed) to pair it
SIMILAR_EDITED = 0.8
_NUMBER = re.compile(r"^\d+$")
_TITLE = re.compile(r"(?m)^title: .*$")


@dataclass
class OldFile:
    """A file ingestion wrote earlier (it has a `generated:` line), with a numbered name."""

    rel: str  # relative to content_dir, posix
    number: str  # its name without .md: the suffix of its id
    text: str
    edited: bool


@dataclass
class PagePlan:
    """Where a page's articles go: `files` in the page's order, `carried` the edited files of a
    renamed seed's folder to move first (old file, new rel)."""

    files: list[tuple[Path, str]]
    carried: list[tuple[OldFile, str]] = field(default_factory=list)


def printed_body(text: str) -> str:
    parts = text.split("\n---\n", 1)
    return (parts[1] if len(parts) == 2 else text).strip()


def _title(text: str) -> str:
    m = _TITLE.search(text)
    return m.group(0) if m else ""


def match_articles(new: list[str], old: list[OldFile]) -> dict[int, OldFile]:
    """New article (index into `new`, file texts) -> the old file holding the same article:
    the same title and body, else the same body, else the most similar text (at least
    SIMILAR, nearer positions first)."""
    pairs: dict[int, OldFile] = {}
    free = sorted(old, key=lambda f: (int(f.number), f.rel))
    for key in (lambda t: (_title(t), printed_body(t)), printed_body):
        waiting: dict = {}
        for f in free:
            waiting.setdefault(key(f.text), []).append(f)
        for i, text in enumerate(new):
            bucket = waiting.get(key(text)) if i not in pairs else None
            if bucket:
                pairs[i] = bucket.pop(0)
        taken = {id(f) for f in pairs.values()}
        free = [f for f in free if id(f) not in taken]
    rest = [i for i in range(len(new)) if i not in pairs]
    if rest and free:
        grams = {i: _pairs(new[i]) for i in rest}
        old_grams = [(f, _pairs(f.text)) for f in free]
        scored = sorted(((_jaccard(grams[i], g), -abs(int(f.number) - i - 1), -i, n) for i in rest
                         for n, (f, g) in enumerate(old_grams)), reverse=True)
        used: set[int] = set()
        for score, _, neg_i, n in scored:
            if score < SIMILAR:
                break
            if score < SIMILAR_EDITED and old_grams[n][0].edited:
                continue
            if -neg_i not in pairs and n not in used:
                pairs[-neg_i] = old_grams[n][0]
                used.add(n)
    return pairs


def _pairs(text: str) -> set[str]:
    text = _title(text) + printed_body(text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def place_pages(pages: list[tuple[str, str, list[str]]], content_dir: Path, is_edited) -> dict[str, PagePlan]:
    """pages: (stem, slug, file texts as generated with positional ids) -> each stem's plan.
    `is_edited(text)` tells a hand-edited file (content.is_hand_edited)."""
    folders = _generated_files(content_dir, is_edited)
    stems = {stem for stem, _, _ in pages}
    orphans = {folder: files for folder, files in folders.items() if folder not in stems and files}
    plans: dict[str, PagePlan] = {}
    for stem, slug, texts in pages:
        own = [f for f in folders.get(stem, []) if _NUMBER.match(f.number)]
        carried: dict[int, OldFile] = {}
        if own:
            pairs = match_articles(texts, own)
        else:
            pairs = _renamed_from(texts, orphans)
            carried = {i: f for i, f in pairs.items() if f.edited}
        used = _names_in(content_dir / stem) | {f.number for f in pairs.values()}
        numbers = _numbers(len(texts), pairs, used)
        files = [(Path(stem) / f"{number}.md", _with_id(text, f"{slug}-{number}") if number != f"{i + 1:02d}" else text)
                 for i, (text, number) in enumerate(zip(texts, numbers))]
        plans[stem] = PagePlan(files, [(f, files[i][0].as_posix()) for i, f in sorted(carried.items())])
    return plans


def _renamed_from(texts: list[str], orphans: dict[str, list[OldFile]]) -> dict[int, OldFile]:
    """The matches against the orphaned folder this page matches best (at least half of that
    folder's files); the folder is then taken. Empty when none does."""
    best: tuple[int, str, dict] | None = None
    for folder, files in sorted(orphans.items()):
        pairs = match_articles(texts, [f for f in files if _NUMBER.match(f.number)])
        if pairs and len(pairs) * 2 >= len(files) and (best is None or len(pairs) > best[0]):
            best = (len(pairs), folder, pairs)
    if best is None:
        return {}
    del orphans[best[1]]
    return best[2]


def _numbers(count: int, pairs: dict[int, OldFile], used: set[str]) -> list[str]:
    """Each article's NN: its match's, else its position when no file has it, else the next
    number above every number in use (and above the page's article count)."""
    taken = set(used)
    top = max([count] + [int(n) for n in taken if _NUMBER.match(n)])
    out = []
    for i in range(count):
        number = pairs[i].number if i in pairs else f"{i + 1:02d}"
        if i not in pairs and number in taken:
            top += 1
            number = f"{top:02d}"
        taken.add(number)
        out.append(number)
    return out


def _names_in(folder: Path) -> set[str]:
    try:
        return {name[:-3] for name in os.listdir(folder) if name.endswith(".md")}
    except OSError:
        return set()


def _generated_files(content_dir: Path, is_edited) -> dict[str, list[OldFile]]:
    """Folder (relative, posix) -> the files ingestion wrote there, read once."""
    out: dict[str, list[OldFile]] = {}
    if not content_dir.is_dir():
        return out
    for folder, _, names in os.walk(content_dir):
        rel_folder = Path(os.path.relpath(folder, content_dir)).as_posix()
        for name in sorted(n for n in names if n.endswith(".md")):
            try:
                text = Path(folder, name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "\ngenerated: " in text:
                out.setdefault(rel_folder, []).append(
                    OldFile(f"{rel_folder}/{name}", name[:-3], text, is_edited(text)))
    return out


def _with_id(text: str, article_id: str) -> str:
    """The generated text with another id (its `generated` hash made again)."""
    from ..content import dump_front_matter, regenerate

    line = dump_front_matter({"id": article_id}).rstrip("\n")
    return regenerate(re.sub(r"(?m)^id: .*$", lambda _: line, text, count=1))


def carry_edited(old: OldFile, new_text: str, target: Path) -> None:
    """Move a renamed seed's edited file to `target`, with the new file's id and source."""
    text = old.text
    for key in ("id", "source"):
        fresh = re.search(rf"(?m)^{key}: .*$", new_text)
        if fresh:
            text = re.sub(rf"(?m)^{key}: .*$", lambda _: fresh.group(0), text, count=1)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def same_articles(old_bodies: list[str], new_bodies: list[str]) -> bool:
    """For the incremental ingest of a changed page: True when its articles are the old ones
    in the same order (as many, and at each place the same body or one no other old article
    has), so each keeps its file; else place_pages must decide."""
    if len(old_bodies) != len(new_bodies):
        return False
    olds = set(old_bodies)
    return all(old == new or new not in olds for old, new in zip(old_bodies, new_bodies))


def incremental_rels(stem: str, bodies: list[str], old: tuple[list[str], list[str]] | None,
                     content_dir: Path, stems: set[str]) -> list[str] | None:
    """The files of a changed page's articles for the incremental ingest, `old` being the
    page's last (bodies, files); None when only place_pages can tell (a full run)."""
    if old is not None:
        return list(old[1]) if same_articles(old[0], bodies) else None
    if _folder_taken(content_dir, stem) or _has_orphans(content_dir, stems):
        return None  # earlier files of this name (in any case), or perhaps this seed under another name
    return [f"{stem}/{i:02d}.md" for i in range(1, len(bodies) + 1)]


def _folder_taken(content_dir: Path, stem: str) -> bool:
    folder = content_dir / stem
    try:
        return stem.rsplit("/", 1)[-1].casefold() in {n.casefold() for n in os.listdir(folder.parent)}
    except OSError:
        return False


def _has_orphans(content_dir: Path, stems: set[str]) -> bool:
    for folder, _, names in os.walk(content_dir):
        if any(n.endswith(".md") for n in names) and \
                Path(os.path.relpath(folder, content_dir)).as_posix() not in stems:
            return True
    return False


def id_for(positional_id: str, rel: str) -> str:
    """The id of the article whose positional id (`<slug>-<order>`) is given, filed at `rel`."""
    return f"{positional_id.rsplit('-', 1)[0]}-{Path(rel).stem}"
