"""The build loop: a save made while the deferred search index is being computed gets its pages
and reload first; the index computed for the older build is dropped and the newer one's follows."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

from site_builder.dev.rebuild import Rebuilder
from site_builder.dev.serve import DevSession
from site_builder.dev.watch import PathClassifier, PendingChanges
from test_watch_support import events_until, fake_ingest, make_project, wait_until, write_article

INDEX_SECONDS = 1.5


def slow_index(corpus, config):
    """An extra that takes a while, run in the loop's worker process."""
    time.sleep(INDEX_SECONDS)
    return [("search/index.json", repr(corpus).encode())]


@dataclass
class Report:
    ok: bool = True
    mode: str = "full"
    diagnostics: list = field(default_factory=list)
    changed_files: list = field(default_factory=list)


class DeferringFake:
    """A DeferringBuild that writes nothing and records what the loop asked of it, in order."""

    extras = (slow_index,)

    def __init__(self):
        self.generation = 0
        self.calls: list[tuple] = []

    def __call__(self, config):
        return self.build_hinted(config, None)

    def build_hinted(self, config, hint):
        self.generation += 1
        self.calls.append(("build", self.generation))
        return Report(changed_files=[f"page-{self.generation}.html"])

    def extras_snapshot(self):
        return self.generation, [self.generation]

    def commit_extras(self, generation, extras, config):
        superseded = generation != self.generation
        self.calls.append(("commit", generation, superseded))
        if superseded:
            return Report(ok=False, mode="superseded")
        return Report(mode="extras", changed_files=sorted(extras.files))


def test_a_save_during_the_search_index_goes_first_and_the_stale_index_is_dropped(tmp_path):
    config = make_project(tmp_path / "site")
    fake = DeferringFake()
    dev = DevSession(config, serve=False, debounce=0.05, search_index=fake, out=open(os.devnull, "w"),
                     rebuilder=Rebuilder(config, ingest=fake_ingest(), build=fake))
    q = dev.hub.subscribe()
    dev.start()
    try:
        time.sleep(0.3)  # the first build's index is being computed (spawn, then 1.5 s)
        write_article(config.root, "a1", "第1篇文章", "索引计算期间的保存。")
        events = events_until(q, "search")
        assert events[:2] == ["hello", "reload"]  # the save's pages, before any index
        assert fake.calls[:2] == [("build", 1), ("build", 2)]
        assert ("commit", 1, True) in fake.calls  # computed for the first build: dropped
        assert wait_until(lambda: fake.calls[-1] == ("commit", 2, False), timeout=10)
        assert dev.results[-1].ok
    finally:
        dev.stop()
        dev.out.close()


def test_a_burst_that_comes_to_nothing_is_no_build(tmp_path):
    """A temporary file written and removed inside one burst: the loop takes an empty set
    and builds nothing."""
    config = make_project(tmp_path / "site")
    pending = PendingChanges(PathClassifier(config), debounce=0.05)
    temp = config.root / "content" / "a1" / "draft.md"
    temp.write_text("x", encoding="utf-8")
    pending.add(temp, "created")
    temp.unlink()
    taken = []
    thread = threading.Thread(target=lambda: taken.append(pending.take()))
    thread.start()
    thread.join(5)
    assert taken and taken[0] is not None and not taken[0]
    pending.stop()
    assert pending.take() is None
