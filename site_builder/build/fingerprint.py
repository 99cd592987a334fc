"""Step 3, fingerprint: a hash of everything a page's bytes depend on, so a page whose
fingerprint is unchanged is not rendered again. It is its template closure (the template and
every template it extends, includes or imports, found with jinja2.meta), the site-wide template
globals, the code (code_version) and the page's data: its pickle (build_index.pickle_page) with
articles by id and the shared link table by reference, each article standing for its content
file's path and text digest (article_hash), or only its face (build_index.face_key) where the
page's last render read nothing deeper of it (render.TrackingEnvironment)."""
from __future__ import annotations

import dataclasses
import enum
import hashlib
from functools import lru_cache
from pathlib import PurePath
from typing import Any, Collection

from ..codekey import code_key
from ..model import Article
from .build_index import resolve_all

# Every module the builder imports, at any depth (codekey follows the imports: none can be
# forgotten), decides what a persisted fingerprint or page means. The search package is among
# them (the builder runs the search extra): a change there re-renders the pages once.
BUILD_ENTRY = "site_builder.build.builder"


def article_hash(rel: str, text_digest: str) -> bytes:
    """What an article's page data depends on: the content file's path and text (the parser's
    code is part of every fingerprint through code_version)."""
    return hashlib.blake2b(f"article:{rel}\0{text_digest}".encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()


class ArticleKeys:
    """What a page's data digest takes of each article it holds: the article whole (its
    content file's hash) where the page's render read it beyond its face, its face_key where
    not. Articles that come from no known content file are hashed as objects (both ways)."""

    def __init__(self, article_hashes: dict[str, bytes | None] | None,
                 face_keys: dict[str, bytes | None] | None, by_id: dict[str, Any]):
        self.whole = dict(article_hashes or {})
        self.face = face_keys or {}
        self.by_id = by_id

    def data_digest(self, base, ids: Collection[str], deep: frozenset[str] | None) -> bytes:
        """`base`: the hash of the page's plan pickle and link table; `deep`: None for every
        article whole."""
        h = base.copy()
        for i in sorted(ids):
            known = None
            if deep is not None and i not in deep:
                known = self.face.get(i)
                tag = b"\0f"
            if known is None:
                known = self.whole.get(i)
                tag = b"\0d"
                if known is None:  # not from a content file we know: hash the object itself
                    known = self.whole[i] = Hasher().digest(resolve_all([self.by_id[i]])[0])
            h.update(i.encode("utf-8", "surrogatepass") + tag + known)
        return h.digest()


class Hasher:
    """A structural digest of template data: dataclasses by field, containers by item (the
    site-wide globals, and an article that did not come from a known content file).
    Objects are memoised by identity for the life of the hasher."""

    def __init__(self, articles: dict[int, tuple[Any, bytes]] | None = None):
        self._memo: dict[int, tuple[Any, bytes]] = {}
        # Articles come from the parse cache: the same object while its file's hash is
        # unchanged, so their digests may outlive one build (the caller prunes this table).
        self.articles = articles if articles is not None else {}

    def digest(self, obj: Any) -> bytes:
        h = hashlib.blake2b(digest_size=16)
        self._feed(h, obj)
        return h.digest()

    def _feed(self, h, obj: Any) -> None:
        if obj is None or isinstance(obj, (bool, int, float, str, bytes, enum.Enum, PurePath)):
            # type name too: "1" and 1 render alike but are different data
            h.update(f"{type(obj).__name__}:{obj!r};".encode("utf-8", "surrogatepass"))
        elif isinstance(obj, (list, tuple)):
            h.update(f"[{len(obj)}".encode())
            for item in obj:
                self._feed(h, item)
            h.update(b"]")
        elif isinstance(obj, dict):
            h.update(f"{{{len(obj)}".encode())
            for key, value in obj.items():  # insertion order is part of what a loop renders
                self._feed(h, key)
                self._feed(h, value)
            h.update(b"}")
        elif isinstance(obj, (set, frozenset)):
            h.update(b"set" + hashlib.blake2b(repr(sorted(map(repr, obj))).encode()).digest())
        elif dataclasses.is_dataclass(obj):
            h.update(self._dataclass_digest(obj))
        else:
            # Unknown types: their repr (an address in it makes the page re-render every time,
            # which costs time, never correctness).
            h.update(f"{type(obj).__qualname__}:{obj!r};".encode("utf-8", "surrogatepass"))

    def _dataclass_digest(self, obj: Any) -> bytes:
        memo = self.articles if type(obj) is Article else self._memo
        known = memo.get(id(obj))
        if known is not None and known[0] is obj:
            return known[1]
        h = hashlib.blake2b(digest_size=16)
        h.update(type(obj).__qualname__.encode())
        for f in dataclasses.fields(obj):
            h.update(f.name.encode() + b"=")
            self._feed(h, getattr(obj, f.name))
        digest = h.digest()
        memo[id(obj)] = (obj, digest)  # keep obj alive so its id is not reused
        return digest


def template_closure_hashes(env, known: dict[str, tuple[str, set[str] | None]] | None = None) -> dict[str, bytes]:
    """For every template: a hash of its source and of every template it extends, includes or
    imports, transitively. A dynamic reference (a name computed at render time) makes the
    template depend on all templates. `known` (source -> references, kept by the caller)
    spares parsing templates whose source did not change."""
    from jinja2 import meta

    known = {} if known is None else known
    names = env.list_templates()
    sources: dict[str, str] = {}
    refs: dict[str, set[str] | None] = {}
    for name in names:
        source, _, _ = env.loader.get_source(env, name)
        sources[name] = source
        if name in known and known[name][0] == source:
            refs[name] = known[name][1]
            continue
        try:
            found = set(meta.find_referenced_templates(env.parse(source)))
        except Exception:  # a syntax error: render_page will report it with file and line
            found = set()
        refs[name] = None if None in found else found
        known[name] = (source, refs[name])
    closures: dict[str, bytes] = {}
    for name in names:
        seen: set[str] = set()
        stack = [name]
        while stack:
            current = stack.pop()
            if current in seen or current not in sources:
                continue
            seen.add(current)
            more = refs[current]
            stack.extend(names if more is None else more)
        h = hashlib.blake2b(digest_size=16)
        for dep in sorted(seen):
            h.update(dep.encode() + b"\0" + sources[dep].encode("utf-8") + b"\0")
        closures[name] = h.digest()
    return closures


# ---------------------------------------------------------------------------- writing

@lru_cache(maxsize=1)
def code_version() -> str:
    """Source of the modules that decide a page's bytes, and the library versions: a
    persisted fingerprint must not outlive a change of code."""
    from importlib import metadata  # not the libraries themselves: a no-op build needs neither

    h = hashlib.blake2b(digest_size=16)
    for lib in ("jinja2", "markdown", "markupsafe"):
        try:
            h.update(f"{lib} {metadata.version(lib)};".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{lib} ?;".encode())
    h.update(code_key(BUILD_ENTRY).encode())
    return h.hexdigest()




class PageFingerprints:
    """Every planned page's data digest and fingerprint in one build. A page's fingerprint
    is hash(site-wide globals, its template closure, its data digest); the data digest takes
    the page's plan pickle and link table, and of each article it holds the whole article or
    only its face, by what the page's last render read (`deep_refs`; None: everything)."""

    def __init__(self, env, config, pages: list, keys: ArticleKeys, links_digest: bytes,
                 template_refs: dict[str, tuple[str, set[str] | None]],
                 previous: dict[str, tuple[bytes, int]], previous_deep: dict[str, frozenset[str]]):
        from .build_index import pickle_page

        self.template_hashes = template_closure_hashes(env, template_refs)
        self.site_wide = Hasher().digest((env.globals.get("site"), config, code_version()))
        self.keys = keys
        self.data_digests: dict[str, bytes] = {}
        self.of_page: dict[str, bytes] = {}
        self.blobs: dict[str, tuple[bytes, set[str]]] = {}  # page -> (plan pickle, article ids)
        self.deep_refs: dict[str, frozenset[str] | None] = {}
        self._bases: dict[str, Any] = {}
        links = pages[0].links if pages else None
        for page in pages:
            blob, _ = self.blobs[page.file] = pickle_page(page, links)
            base = self._bases[page.file] = hashlib.blake2b(blob, digest_size=16)
            base.update(links_digest)
            # what the page read of its articles last time it rendered; a page never rendered
            # counts as reading every article whole
            deep = self.deep_refs[page.file] = previous_deep.get(page.file, frozenset()) \
                if page.file in previous else None
            self._set(page, deep)

    def compute(self, page, deep: frozenset[str] | None) -> tuple[bytes, bytes]:
        """(data digest, fingerprint) of `page` as if its render read `deep` of its articles."""
        data = self.keys.data_digest(self._bases[page.file], self.blobs[page.file][1], deep)
        return data, hashlib.blake2b(self.site_wide + self.template_hashes.get(page.template, b"?") + data,
                                     digest_size=16).digest()

    def _set(self, page, deep: frozenset[str] | None) -> None:
        self.data_digests[page.file], self.of_page[page.file] = self.compute(page, deep)

    def key_after_render(self, page, read: frozenset[str]) -> bytes:
        """The page's fingerprint by what its render read (in a forked worker too)."""
        if read == self.deep_refs[page.file]:
            return self.of_page[page.file]
        return self.compute(page, read)[1]

    def record_reads(self, rendered: list, reads: dict[int, frozenset[str]], to_render: list) -> None:
        """After rendering: each rendered page is fingerprinted by what it read; a page taken
        from the store keeps the fingerprint that reads every article whole."""
        for i, page in enumerate(rendered):
            if reads[i] != self.deep_refs[page.file]:
                self.deep_refs[page.file] = reads[i]
                self._set(page, reads[i])
        for page in to_render:
            if self.deep_refs[page.file] is None:
                self.deep_refs[page.file] = frozenset(self.blobs[page.file][1])
        self._bases.clear()
