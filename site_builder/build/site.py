"""Build the site: read content/ -> plan -> render -> write output/ atomically."""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Sequence

from ..cache import CACHE_DIR
from ..config import Config
from ..model import Diagnostic, Reported
from .extras import ExtraFiles, default_extras


@dataclass
class BuildResult(Reported):
    ok: bool  # False: nothing was written, the previous site is intact
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages_written: int = 0  # rendered pages (HTML, feed, sitemap, robots)
    files_written: int = 0  # everything, static files included
    articles: int = 0
    output_dir: str = ""
    seconds: float = 0.0
    pages_rendered: int = 0  # pages whose bytes were rendered (the rest: unchanged or from .cache/)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    def summary(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        if self.ok:
            lines.append(f"built {self.pages_written} pages ({self.files_written} files written, "
                         f"{self.pages_rendered} pages rendered) from "
                         f"{self.articles} articles into {self.output_dir} in {self.seconds:.2f}s"
                         + (f"; {len(self.errors)} file(s) with errors skipped" if self.errors else ""))
        else:
            lines.append(f"build failed; {self.output_dir} was left as it was")
        return "\n".join(lines)


# Extra output (e.g. the search index): called with the corpus, yields (relative path, bytes).
# Its files are written into the same staging folder, so they are swapped in with the pages.


RENDER_WORKERS = 2


def build_site(config: Config, extras: Sequence[ExtraFiles] | None = None, cache: bool = True) -> BuildResult:
    """Build the site. With `cache` (the default) through the incremental builder, its state
    kept in the project's .cache/: only pages whose inputs changed are rendered, only files
    whose bytes changed are written, and the bytes are those of a full build. Without it:
    `full_build`, which renders everything into a staging folder and swaps it in.
    `extras` defaults to `default_extras()` (the search index); pass () for pages only."""
    extras = default_extras() if extras is None else tuple(extras)
    if not cache:
        return _note_unset_site_url(full_build(config, extras), config)
    from .builder import IncrementalBuilder

    started = time.perf_counter()
    builder = IncrementalBuilder(extras, state_dir=config.root / CACHE_DIR, workers=RENDER_WORKERS)
    inc = builder(config)
    output_dir = config.path("output_dir")
    result = BuildResult(ok=inc.ok, diagnostics=inc.diagnostics, pages_written=inc.pages_planned,
                         files_written=inc.files_written, articles=inc.articles, output_dir=str(output_dir),
                         pages_rendered=inc.pages_rendered, timings=inc.timings)
    if not Path(config.path("content_dir")).is_dir():
        result.diagnostics.insert(0, Diagnostic(str(config.path("content_dir")), "content folder does not exist; "
                                                "run `python build.py ingest` first", None, "warning"))
    return _note_unset_site_url(_done(result, started), config)


def _note_unset_site_url(result: BuildResult, config: Config) -> BuildResult:
    """A build with the placeholder site_url says so (once per build, not per page)."""
    from ..config import SITE_URL_UNSET, site_url_is_set

    if not site_url_is_set(config.site_url):
        result.diagnostics.append(Diagnostic(str(config.root / "site.toml"),
                                             SITE_URL_UNSET.format(url=config.site_url), None, "warning"))
    return result


def full_build(config: Config, extras: Sequence[ExtraFiles] | None = None) -> BuildResult:
    """Build into a staging folder and swap it in; on failure keep the previous output."""
    from ..content import read_corpus
    from .output import StagedOutput, UnsafePathError
    from ..plan import plan_site
    from .render import RenderError, make_environment, render_page

    extras = default_extras() if extras is None else tuple(extras)
    started = time.perf_counter()
    config = replace(config, site_url=config.site_url.rstrip("/") + "/")
    content_dir = config.path("content_dir")
    output_dir = config.path("output_dir")
    result = BuildResult(ok=False, output_dir=str(output_dir))
    if not Path(content_dir).is_dir():
        result.diagnostics.append(Diagnostic(str(content_dir), "content folder does not exist; "
                                             "run `python build.py ingest` first", None, "warning"))
    corpus = read_corpus(content_dir)
    result.diagnostics.extend(corpus.diagnostics)
    result.articles = len(corpus.articles)
    pages = plan_site(corpus.articles, config)
    env = make_environment(config)
    try:
        with StagedOutput(output_dir) as out:
            for page in pages:
                out.write_bytes(page.file, render_page(env, page))
            result.pages_written = result.pages_rendered = out.written
            out.write_bytes(".nojekyll", b"")  # serve folders starting with _ as they are
            static = config.path("static_dir")
            if Path(static).is_dir():
                out.copy_tree(static, "static")
            for extra in extras:
                for rel, data in extra(corpus.articles, config):
                    out.write_bytes(rel, data)
            result.files_written = out.written
            out.commit()
    except RenderError as exc:
        result.diagnostics.append(exc.diagnostic)
        return _done(result, started)
    except (UnsafePathError, OSError) as exc:
        result.diagnostics.append(Diagnostic(str(output_dir), f"cannot write the site: {exc}"))
        return _done(result, started)
    result.ok = True
    return _done(result, started)


def _done(result: BuildResult, started: float) -> BuildResult:
    result.seconds = time.perf_counter() - started
    return result
