"""Steps 3 to 6 over a set of planned pages: fingerprint them, find which need rendering
(and which the page store can give back), compute the extras, write, render, commit.

Everything is written into the publish tree beside output/ (output.PublishedTree), in phase
one of SyncWriter until every page has rendered, then committed and swapped in as output/ in
one step: a template error or a failed write leaves output/ as it was, and a reader never sees
a page half-written. Pages are written where they render: nothing holds the site's bytes
(6.3 GB at 50,000 articles when rendered pages waited for the end)."""
from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Collection, Iterable

from ..config import Config
from ..model import Article, Diagnostic, StageClock
from .extras import ExtraOutput, compute_extra_files, extra_file_keys, extra_file_sizes, is_static_output, record_extras
from .fingerprint import ArticleKeys, PageFingerprints
from .output import PublishedTree
from . import render_pool
from .page_store import PageStore
from .render_pool import PageSink
from .writer import WRITE_THREADS, SyncWriter

if TYPE_CHECKING:
    from .builder import IncrementalBuilder, IncrementalResult


@dataclass
class PageJob:
    """What one build asks of the steps. `full`: `pages` is the whole site, so files it does
    not name are removed; `corpus`: the extras run on it (None: deferred or none)."""

    config: Config
    pages: list
    corpus: list[Article] | None
    on_disk: dict[str, int]
    result: "IncrementalResult"
    clock: StageClock
    full: bool
    articles: Iterable[Article] = ()
    article_hashes: dict[str, bytes | None] | None = None
    face_keys: dict[str, bytes | None] | None = None
    links_digest: bytes | None = None
    on_rendered: Callable[[dict[str, bytes], dict], None] | None = None
    unchanged: Collection[str] = ()


@dataclass
class PageWrites:
    """Which pages stay, come from the page store or render, and what was written."""

    files: dict[str, bytes | None] = field(default_factory=dict)  # None: written, or unchanged on disk
    fingerprints: dict[str, tuple[bytes, int]] = field(default_factory=dict)  # page -> (fp, size)
    to_render: list = field(default_factory=list)  # changed pages: from the store or rendered
    stored: dict[bytes, int] = field(default_factory=dict)  # fingerprint -> size, in the store
    rendered: list = field(default_factory=list)  # pages the store lacks: rendered


def run_pages(builder: "IncrementalBuilder", job: PageJob):
    """Fingerprint, render and write `job.pages`; the extras with them. Returns (page -> data
    digest, fingerprints, plan blobs), or None after reporting an error."""
    from .render import make_environment

    config, result = job.config, job.result
    env = make_environment(config, builder.caches.bytecode_dir(config))
    fps = _fingerprint(builder, env, job)
    job.clock.lap("fingerprint")
    store = builder.caches.page_store()
    plan = _plan_writes(builder, job, fps, store)
    job.clock.lap("lookup")
    tree = PublishedTree(Path(config.path("output_dir")))
    write_dir = tree.prepare()
    extras, restored = None, []
    # The extras (the search index, a plain function of the corpus) run before the pages
    # render, not after: their working memory is freed before rendering, and the search
    # index's forked child starts from a smaller process.
    if job.corpus is not None:
        restored = builder.restore_extras(write_dir, store, job.on_disk)
        # the extras look at their files as they are about to be published (restored)
        extras = compute_extra_files(builder.extras, job.corpus, replace(config, output_dir=str(write_dir)),
                                     job.unchanged)
    job.clock.lap("extras")
    extra_files = _extra_files(job, extras)
    extra_sizes, extra_keys = extra_file_sizes(extra_files, job.on_disk), extra_file_keys(extra_files)
    writer = SyncWriter(write_dir, job.on_disk, store, WRITE_THREADS)
    try:
        _write_known(writer, extra_files, extra_keys, fps, plan)
    except (OSError, ValueError) as exc:  # ValueError: output.UnsafePathError
        return _write_failed(builder, writer, extras, job, exc)
    plan.files.update(dict.fromkeys(extra_files))
    extra_files.clear()  # written: their bytes can go before the pages render
    if extras is not None:
        extras.files = {}
    if not _render(builder, env, job, fps, plan, writer, tree, extras, restored):
        return None
    job.clock.lap("render")
    if job.on_rendered is not None:
        job.on_rendered(fps.data_digests, fps.blobs)
    old_dynamic = _old_extra_files(builder)
    try:
        result.changed_files = _commit(job, plan, writer, old_dynamic, extra_sizes)
        builder.store_thread.submit(store.record, writer.stored)
        if restored:
            result.changed_files = sorted({*result.changed_files, *restored})
        tree.publish(result.changed_files) if result.changed_files else tree.settle()
    except (OSError, ValueError) as exc:
        return _write_failed(builder, writer, extras, job, exc)
    result.files_written = sum(1 for rel in result.changed_files if rel in plan.files)
    if extras is not None:
        extras.commit()  # the extras' files are on disk: their state may say so
        if builder.caches.index is not None:
            record_extras(builder.caches.index, extra_keys)
    _update_index(builder, job, fps, plan, old_dynamic, extra_sizes)
    job.clock.lap("write")
    if job.full:
        keep = {fp for fp, _ in plan.fingerprints.values()}
        index = builder.caches.index
        keep.update((index.extra_digests or {}).values() if index is not None else ())
        builder.store_thread.submit(store.keep_only, keep)
    return fps.data_digests, plan.fingerprints, fps.blobs


def _fingerprint(builder: "IncrementalBuilder", env, job: PageJob) -> PageFingerprints:
    # Articles (`articles`, with their `article_hashes`) are not walked: an Article is
    # parse_article(its file's text) with its path, so the text digest stands for it.
    index = builder.caches.index
    links_digest = job.links_digest
    if links_digest is None:  # the link table every page shares: hashed once
        links = job.pages[0].links if job.pages else None
        links_digest = hashlib.blake2b(pickle.dumps(links, protocol=pickle.HIGHEST_PROTOCOL),
                                       digest_size=16).digest()
    builder.links_digest = links_digest
    keys = ArticleKeys(job.article_hashes, job.face_keys, {a.id: a for a in job.articles})
    return PageFingerprints(env, job.config, job.pages, keys, links_digest, builder.template_refs,
                            index.fingerprints if index is not None else {},
                            index.deep_refs if index is not None else {})


def _plan_writes(builder: "IncrementalBuilder", job: PageJob, fps: PageFingerprints,
                 store: PageStore) -> PageWrites:
    """A page whose fingerprint and file size are as the last build left them stays; of the
    others, those the page store holds are linked back, the rest render."""
    index = builder.caches.index
    previous = index.fingerprints if index is not None else {}
    plan = PageWrites()
    for page in job.pages:
        old = previous.get(page.file)
        if old is not None and old[0] == fps.of_page[page.file] and job.on_disk.get(page.file) == old[1]:
            plan.files[page.file] = None
            plan.fingerprints[page.file] = old
        else:
            plan.to_render.append(page)
    plan.stored = store.lookup([fps.of_page[p.file] for p in plan.to_render])
    plan.rendered = [p for p in plan.to_render if fps.of_page[p.file] not in plan.stored]
    return plan


def _extra_files(job: PageJob, extras: ExtraOutput | None) -> dict[str, bytes | None]:
    """Files besides pages: on a full build static/ and .nojekyll, and the extras' files."""
    files: dict[str, bytes | None] = {}
    if job.full:
        files[".nojekyll"] = b""
        static = Path(job.config.path("static_dir"))
        if static.is_dir():
            for file in sorted(p for p in static.rglob("*") if p.is_file()):
                rel = file.relative_to(static)
                if not any(part.startswith(".") for part in rel.parts):
                    files[f"static/{rel.as_posix()}"] = file.read_bytes()
    if extras is not None:
        files.update(extras.files)
        job.result.diagnostics.extend(extras.diagnostics)
    return files


def _write_known(writer: SyncWriter, extra_files: dict[str, bytes | None], extra_keys: dict[str, bytes | None],
                 fps: PageFingerprints, plan: PageWrites) -> None:
    """Phase one for what needs no render: the extras' files and the pages from the store,
    on the writer's threads, drained before render workers fork."""
    for rel, data in extra_files.items():
        if data is not None:
            writer.put(rel, data, extra_keys.get(rel))
    for page in plan.to_render:
        fp = fps.of_page[page.file]
        if fp in plan.stored:
            writer.put_stored(page.file, fp, plan.stored[fp])
    writer.drain()  # no threads while render workers are forked


def _render(builder: "IncrementalBuilder", env, job: PageJob, fps: PageFingerprints, plan: PageWrites,
            writer: SyncWriter, tree: PublishedTree, extras: ExtraOutput | None, restored: list[str]) -> bool:
    """Render the pages the store lacks, each written where it renders; False after a
    template error (reported, every write of this build taken back) or a failed write."""
    from .render import RenderError

    rendered = plan.rendered
    sink = PageSink(writer, [p.file for p in rendered], lambda i, read: fps.key_after_render(rendered[i], read))
    try:
        sizes = render_pool.render_all(env, job.config, rendered, builder.workers,
                                       builder.caches.bytecode_dir(job.config), sink)
    except RenderError as exc:
        writer.undo()
        tree.settle(restored)  # the tree is output/ again, but for restored files
        if extras is not None:
            extras.discard()
        job.result.diagnostics.append(exc.diagnostic)
        return False
    except (OSError, ValueError) as exc:
        _write_failed(builder, writer, extras, job, exc)
        return False
    fps.record_reads(rendered, sink.reads, plan.to_render)
    by_file = dict(zip((p.file for p in rendered), sizes))
    for page in plan.to_render:
        fp = fps.of_page[page.file]
        plan.files[page.file] = None
        plan.fingerprints[page.file] = (fp, by_file[page.file] if page.file in by_file else plan.stored[fp])
    job.result.pages_rendered = len(rendered)
    job.result.pages_from_store = len(plan.to_render) - len(rendered)
    return True


def _old_extra_files(builder: "IncrementalBuilder") -> set[str]:
    """The extras' files the last build wrote (not static/ nor .nojekyll)."""
    index = builder.caches.index
    if index is None:
        return set()
    return {rel for rel in (index.extra_sizes or {}) if not is_static_output(rel)}


def _commit(job: PageJob, plan: PageWrites, writer: SyncWriter, old_dynamic: set[str],
            extra_sizes: dict[str, int]) -> list[str]:
    """Phase two: renames into place and removals. A full build removes every file the site
    no longer has; a partial one only the extras' leftovers."""
    if job.full:
        if job.corpus is None:  # extras deferred: their last files stay until run_extras()
            for rel in old_dynamic:
                plan.files.setdefault(rel, None)
        return writer.commit(set(job.on_disk) - set(plan.files), prune=True, site=plan.files)
    dropped = old_dynamic - set(extra_sizes) if job.corpus is not None else set()
    remove = dropped & set(job.on_disk)
    return writer.commit(remove, prune=bool(remove))


def _update_index(builder: "IncrementalBuilder", job: PageJob, fps: PageFingerprints, plan: PageWrites,
                  old_dynamic: set[str], extra_sizes: dict[str, int]) -> None:
    """Record what this build wrote: fingerprints, what each page read, the extras' sizes."""
    index = builder.caches.index
    if index is None:
        return
    recorded = {f: d for f, d in fps.deep_refs.items() if d}  # None only for unrendered pages
    if job.full:
        index.deep_refs = recorded
        index.fingerprints = plan.fingerprints
        kept = {rel: size for rel, size in (index.extra_sizes or {}).items()
                if rel in old_dynamic} if job.corpus is None else {}
        index.extra_sizes = {**kept, **extra_sizes}
        return
    for f in fps.deep_refs:
        index.deep_refs.pop(f, None)
    index.deep_refs.update(recorded)
    index.fingerprints.update(plan.fingerprints)
    sizes = {rel: size for rel, size in (index.extra_sizes or {}).items()
             if job.corpus is None or rel not in old_dynamic}
    sizes.update(extra_sizes)
    index.extra_sizes = sizes


def _write_failed(builder: "IncrementalBuilder", writer: SyncWriter, extras: ExtraOutput | None,
                  job: PageJob, exc: Exception) -> None:
    writer.undo()
    builder.caches.index = None  # unknown state on disk: render everything next time
    builder.caches.forget_index()
    if extras is not None:
        extras.discard()
    job.result.diagnostics.append(Diagnostic(str(Path(job.config.path("output_dir"))),
                                             f"cannot write the site: {exc}"))
    return None
