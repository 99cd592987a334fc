"""The dev server with the real builder: a save gets its reload signal from the pages alone;
the search index follows from a worker process, and the site then equals a full build."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from test_watch_support import events_until, fake_ingest, make_project, write_article

from site_builder.dev.serve import DevSession, default_site_builder
from site_builder.build.site import build_site
from site_builder.dev.rebuild import Rebuilder

REPO = Path(__file__).resolve().parent.parent


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_save_reloads_first_and_the_search_index_follows(tmp_path):
    config = make_project(tmp_path / "site", articles=3)
    for name in ("templates", "static"):
        shutil.rmtree(config.root / name)
        shutil.copytree(REPO / name, config.root / name)
    builder = default_site_builder(config)
    dev = DevSession(config, port=0, serve=False, debounce=0.05, search_index=builder,
                     rebuilder=Rebuilder(config, ingest=fake_ingest(), build=builder))
    q = dev.hub.subscribe()
    dev.start()
    try:
        events_until(q, "search")  # the first build's index
        write_article(config.root, "a2", "第2篇文章", "防汛会商会议召开。")
        events = events_until(q, "search")
        assert events.index("reload") < events.index("search")
        full = replace(config, output_dir="full-output")
        assert build_site(full, cache=False).ok
        assert _tree(config.path("output_dir")) == _tree(full.path("output_dir"))
    finally:
        dev.stop()
