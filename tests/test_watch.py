"""The watcher on real file events in a temporary project, and the rebuilder on a fake build."""
from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from site_builder.config import Config
from site_builder.model import Diagnostic
from site_builder.dev.rebuild import Rebuilder
from site_builder.dev.watch import (ChangeSet, Change, PathClassifier, PendingChanges, Watcher,
                                    is_editor_litter)
from test_watch_support import (Calls, fake_build, fake_ingest, make_project, wait_until,
                                write_article)

DEBOUNCE = 0.05
BURST_DEBOUNCE = 0.5


class Batches:
    """Takes every burst from the pending changes on a thread of its own, as the build loop
    does, and collects them (empty ones, which the loop skips, left out)."""

    def __init__(self, on_changes=None):
        self.items: list[ChangeSet] = []
        self.lock = threading.Lock()
        self.on_changes = on_changes

    def consume(self, pending: PendingChanges) -> threading.Thread:
        def run():
            while (changes := pending.take()) is not None:
                if changes:
                    with self.lock:
                        self.items.append(changes)
                    if self.on_changes is not None:
                        self.on_changes(changes)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def all_changes(self) -> list[Change]:
        with self.lock:
            return [c for batch in self.items for c in batch.changes]

    def settled(self, quiet: float = 0.3) -> list[ChangeSet]:
        """The batches once no new one has arrived for `quiet` seconds."""
        count = -1
        while True:
            with self.lock:
                if len(self.items) == count:
                    return list(self.items)
                count = len(self.items)
            time.sleep(quiet)


@pytest.fixture
def project(tmp_path) -> Config:
    return make_project(tmp_path / "site")


@pytest.fixture(params=["native", "poll"])
def watching(request, project):
    """A started watcher over the project (native observer, then polling), and its batches."""
    # Polling scans compete for the CPU with the test writing files: a longer quiet period
    # keeps "one burst, one batch" true on a busy machine.
    poll = request.param == "poll"
    yield from _watching(project, poll, 3 * DEBOUNCE if poll else DEBOUNCE)


@pytest.fixture(params=["native", "poll"])
def watching_bursts(request, project):
    """Like `watching`, with a quiet period long enough that a loaded machine descheduling
    the writing test for a moment does not end the burst: what these tests count is how the
    watcher groups a burst, not how fast a shared machine writes 200 files."""
    yield from _watching(project, request.param == "poll", BURST_DEBOUNCE)


def _watching(project, poll: bool, debounce: float):
    batches = Batches()
    watcher, thread = _start_watching(project, batches, debounce, poll=poll)
    time.sleep(0.1)  # let the polling observer take its first snapshot
    yield project, batches
    watcher.stop()
    thread.join(5)


def _start_watching(config: Config, batches: Batches, debounce: float, poll: bool = False):
    pending = PendingChanges(PathClassifier(config), debounce=debounce)
    watcher = Watcher(pending, poll=poll, poll_interval=0.05)
    watcher.start()
    return watcher, batches.consume(pending)


# ---------------------------------------------------------------------------- classification


@pytest.mark.parametrize("name", ["01.md.swp", ".01.md.swx", "01.md~", ".#01.md", "4913",
                                  "01.md.tmp", "#01.md#", "01.md___jb_tmp___"])
def test_editor_litter_is_recognised(name):
    assert is_editor_litter(name)


@pytest.mark.parametrize("name", ["01.md", "style.css", "4914", "base.html", "a~b.md"])
def test_real_files_are_not_litter(name):
    assert not is_editor_litter(name)


def test_paths_are_classified_by_folder(project):
    root = Path(os.path.realpath(project.root))
    c = PathClassifier(project)
    assert c.category(root / "seeds" / "x.txt") == "seeds"
    assert c.category(root / "content" / "a1" / "01.md") == "content"
    assert c.category(root / "templates" / "partials" / "nav.html") == "templates"
    assert c.category(root / "static" / "style.css") == "static"
    assert c.category(root / "site.toml") == "config"
    assert c.category(root / "dictionaries" / "userdict.txt") == "userdict"
    assert c.category(root / "output" / "index.html") is None
    assert c.category(root / "content" / ".git" / "HEAD") is None
    assert c.category(root / "content" / "__pycache__" / "x.pyc") is None
    assert c.category(root / "content" / "a1" / "01.md.swp") is None
    assert c.category(root / "README.md") is None
    assert c.category(root / "content") == "content"  # deleted or restored whole: rescan


def test_change_set_merge_keeps_the_latest_state_per_path():
    a = ChangeSet((Change("created", "content/x.md", "content"),))
    b = ChangeSet((Change("deleted", "content/x.md", "content"), Change("modified", "static/a.css", "static")))
    merged = a.merge(b)
    assert sorted((c.kind, c.path) for c in merged.changes) == [("deleted", "content/x.md"),
                                                                ("modified", "static/a.css")]
    assert ChangeSet((Change("modified", "seeds/p.txt", "seeds"),)).needs_ingest
    assert not ChangeSet((Change("modified", "content/x.md", "content"),)).needs_ingest


# ---------------------------------------------------------------------------- real events


def test_created_file_is_reported(watching):
    config, batches = watching
    write_article(config.root, "new", "新文章", "新的正文。")
    assert wait_until(lambda: any(c.path == "content/new/01.md" for c in batches.all_changes()))
    change = next(c for c in batches.all_changes() if c.path == "content/new/01.md")
    assert change.category == "content" and change.kind in ("created", "modified")


def test_deleted_file_is_reported(watching):
    config, batches = watching
    (config.root / "content" / "a1" / "01.md").unlink()
    assert wait_until(lambda: any(c.path == "content/a1/01.md" and c.kind == "deleted"
                                  for c in batches.all_changes()))


def test_rename_reports_both_ends(watching):
    config, batches = watching
    (config.root / "static" / "style.css").rename(config.root / "static" / "main.css")
    assert wait_until(lambda: {("deleted", "static/style.css"), ("created", "static/main.css")}
                      <= {(c.kind, c.path) for c in batches.all_changes()})


def test_atomic_save_is_one_change_without_the_temporary_file(watching):
    config, batches = watching
    target = config.root / "content" / "a1" / "01.md"
    tmp = target.with_name("01.md.tmp")
    tmp.write_text(target.read_text(encoding="utf-8") + "\n补充。\n", encoding="utf-8")
    os.replace(tmp, target)
    # Vim's probe file, created and removed while saving.
    probe = target.with_name("4913")
    probe.write_text("")
    probe.unlink()
    assert wait_until(lambda: batches.all_changes())
    settled = batches.settled()
    paths = [c.path for b in settled for c in b.changes]
    assert paths == ["content/a1/01.md"]


def test_a_burst_of_100_saves_is_one_or_two_batches(watching_bursts):
    config, batches = watching_bursts
    target = config.root / "content" / "a2" / "01.md"
    text = target.read_text(encoding="utf-8")
    for i in range(100):
        target.write_text(text + f"\n第{i}次修改。\n", encoding="utf-8")
    assert wait_until(lambda: batches.all_changes())
    settled = batches.settled()
    assert 1 <= len(settled) <= 2
    assert {c.path for b in settled for c in b.changes} == {"content/a2/01.md"}


def test_many_files_at_once_like_a_checkout_are_few_batches(watching_bursts):
    config, batches = watching_bursts
    for i in range(200):
        write_article(config.root, f"bulk{i:03d}", f"批量{i}", "正文。")
    assert wait_until(lambda: len(batches.all_changes()) >= 400)
    settled = batches.settled()
    assert len(settled) <= 3
    files = {c.path for b in settled for c in b.changes if not c.is_dir}
    assert len(files) == 200
    # The new folders are reported too (a folder moved in or out may hold unreported files).
    assert {c.path for b in settled for c in b.changes if c.is_dir} == {p.rsplit("/", 1)[0] for p in files}


def test_output_and_litter_do_not_trigger(watching):
    config, batches = watching
    (config.root / "output" / "index.html").write_text("x")
    (config.root / "content" / "a1" / ".01.md.swp").write_text("x")
    (config.root / "content" / "a1" / "01.md~").write_text("x")
    (config.root / "README.md").write_text("x")
    time.sleep(0.4)
    assert batches.all_changes() == []


def test_site_toml_and_user_dictionary_are_watched(watching):
    config, batches = watching
    (config.root / "site.toml").write_text('[site]\ntitle = "改名"\n', encoding="utf-8")
    (config.root / "dictionaries").mkdir()
    time.sleep(0.15)  # the new folder gets its own watch
    (config.root / "dictionaries" / "userdict.txt").write_text("郑东新区 10 ns\n", encoding="utf-8")
    assert wait_until(lambda: {"config", "userdict"} <= {c.category for c in batches.all_changes()})


def test_a_source_folder_created_later_is_watched(tmp_path):
    config = Config(root=tmp_path)
    (tmp_path / "site.toml").write_text("")
    batches = Batches()
    watcher, _ = _start_watching(config, batches, DEBOUNCE)
    try:
        (tmp_path / "content").mkdir()
        time.sleep(0.15)
        write_article(tmp_path, "late", "后来的", "正文。")
        assert wait_until(lambda: any(c.path == "content/late/01.md" for c in batches.all_changes()))
    finally:
        watcher.stop()


# ---------------------------------------------------------------------------- rebuilder


def _rebuilder(config: Config, calls: Calls | None = None) -> Rebuilder:
    rebuilder = Rebuilder(config, ingest=fake_ingest(calls), build=fake_build(calls))
    return rebuilder


def _edit(file: Path, old: str, new: str) -> None:
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_full_rebuild_then_one_edit_changes_only_its_pages(project):
    rebuilder = _rebuilder(project)
    first = rebuilder.rebuild(ChangeSet.everything())
    assert first.ok and first.changed_pages == 4  # two articles, home, 404
    _edit(project.root / "content" / "a1" / "01.md", "正文1。", "改过的正文。")
    result = rebuilder.rebuild(ChangeSet((Change("modified", "content/a1/01.md", "content"),)))
    assert result.ok
    assert result.changed_files == ("a1/index.html",)
    assert result.changed_pages == 1
    assert "rebuilt 1 pages in" in result.summary()


def test_title_edit_changes_the_page_and_the_listing(project):
    rebuilder = _rebuilder(project)
    rebuilder.rebuild(ChangeSet.everything())
    _edit(project.root / "content" / "a2" / "01.md", "第2篇文章", "新标题")
    result = rebuilder.rebuild(ChangeSet((Change("modified", "content/a2/01.md", "content"),)))
    assert result.changed_files == ("a2/index.html", "index.html")


def test_broken_front_matter_is_skipped_and_the_rest_keeps_building(project):
    """A content file with broken YAML is reported at file:line and left out, as a one-off
    build does; edits to other files keep appearing while it stays broken."""
    rebuilder = _rebuilder(project)
    rebuilder.rebuild(ChangeSet.everything())
    out = project.root / "output"
    source = project.root / "content" / "a1" / "01.md"
    good_text = source.read_text(encoding="utf-8")
    source.write_text(good_text.replace("title: ", "title: [unclosed ", 1), encoding="utf-8")
    broken = rebuilder.rebuild(ChangeSet((Change("modified", "content/a1/01.md", "content"),)))
    assert broken.ok
    error = broken.errors[0]
    assert error.path == "content/a1/01.md" and error.line and error.line > 1
    assert f"content/a1/01.md:{error.line}" in broken.summary()
    assert not (out / "a1" / "index.html").exists()  # skipped, as by `build.py build`
    _edit(project.root / "content" / "a2" / "01.md", "正文2。", "另一篇的新正文。")
    other = rebuilder.rebuild(ChangeSet((Change("modified", "content/a2/01.md", "content"),)))
    assert other.ok and "另一篇的新正文" in (out / "a2" / "index.html").read_text(encoding="utf-8")
    assert [e.path for e in other.errors] == ["content/a1/01.md"]  # still reported
    source.write_text(good_text.replace("正文1。", "修好了。"), encoding="utf-8")
    fixed = rebuilder.rebuild(ChangeSet((Change("modified", "content/a1/01.md", "content"),)))
    assert fixed.ok and not fixed.errors
    assert "修好了" in (out / "a1" / "index.html").read_text(encoding="utf-8")


def test_template_error_is_reported_with_file_and_line_and_recovers(project):
    rebuilder = _rebuilder(project)
    rebuilder.rebuild(ChangeSet.everything())
    template = project.root / "templates" / "article.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{{ a.body }}", "{% if a.body %}{{ a.body }}"), encoding="utf-8")
    change = ChangeSet((Change("modified", "templates/article.html", "templates"),))
    failed = rebuilder.rebuild(change)
    assert not failed.ok
    error = failed.errors[0]
    assert error.path == "templates/article.html" and error.line == 4
    assert (project.root / "output" / "a1" / "index.html").exists()
    template.write_text(good.replace("<h1", "<h1 class=\"t\""), encoding="utf-8")
    fixed = rebuilder.rebuild(change)
    assert fixed.ok and fixed.changed_pages == 2  # both article pages use the template


def test_a_crashing_build_is_a_diagnostic_not_a_crash(project):
    def build(config):
        raise RuntimeError("boom")

    result = Rebuilder(project, ingest=fake_ingest(), build=build).rebuild(ChangeSet.everything())
    assert not result.ok and "RuntimeError: boom" in result.errors[0].message
    assert result.errors[0].line


def test_failed_changes_are_carried_into_the_next_rebuild(project):
    seen: list[ChangeSet] = []

    class Recording(Rebuilder):
        def build_step(self, changes):
            seen.append(changes)
            return super().build_step(changes)

    rebuilder = Recording(project, ingest=fake_ingest(), build=fake_build())
    rebuilder.rebuild(ChangeSet.everything())
    template = project.root / "templates" / "article.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good + "{% if %}", encoding="utf-8")
    failed = rebuilder.rebuild(ChangeSet((Change("modified", "templates/article.html", "templates"),)))
    assert not failed.ok
    template.write_text(good, encoding="utf-8")
    rebuilder.rebuild(ChangeSet((Change("modified", "static/style.css", "static"),)))
    assert {c.path for c in seen[-1].changes} == {"templates/article.html", "static/style.css"}


def test_css_only_change(project):
    rebuilder = _rebuilder(project)
    rebuilder.rebuild(ChangeSet.everything())
    (project.root / "static" / "style.css").write_text("body { color: red; }\n")
    result = rebuilder.rebuild(ChangeSet((Change("modified", "static/style.css", "static"),)))
    assert result.ok and result.css_only and result.changed_pages == 0


def test_bad_site_toml_is_reported_and_a_fix_recovers(project):
    rebuilder = _rebuilder(project)
    rebuilder.rebuild(ChangeSet.everything())
    toml = project.root / "site.toml"
    toml.write_text('[site]\ntitle = 3\n', encoding="utf-8")
    change = ChangeSet((Change("modified", "site.toml", "config"),))
    failed = rebuilder.rebuild(change)
    assert not failed.ok and "site.title" in failed.errors[0].message
    toml.write_text('[site]\nbase_url = "/archive/"\n', encoding="utf-8")
    fixed = rebuilder.rebuild(change)
    assert fixed.ok and rebuilder.config.base_url == "/archive/"
    assert 'href="/archive/a1/"' in (project.root / "output" / "index.html").read_text(encoding="utf-8")


def test_undecodable_seed_is_reported_and_the_rest_still_builds(project):
    rebuilder = _rebuilder(project)
    (project.root / "seeds" / "good.txt").write_text("好标题\n正文。", encoding="utf-8")
    (project.root / "seeds" / "bad.txt").write_bytes("坏标题\n".encode("gb18030") + b"\xff\xfe")
    result = rebuilder.rebuild(ChangeSet.everything())
    assert result.ok  # the site was rebuilt, and the bad seed is reported
    assert str(result.errors[0]).startswith("seeds/bad.txt:1:")
    assert "seeds/bad.txt:1:" in result.summary()
    assert (project.root / "output" / "good" / "index.html").exists()


# ---------------------------------------------------------------------------- watcher + rebuilder


def test_adding_and_deleting_a_seed_rebuilds_once_each(project):
    calls = Calls()
    rebuilder = _rebuilder(project, calls)
    rebuilder.rebuild(ChangeSet.everything())
    results = []
    watcher, _ = _start_watching(project, Batches(lambda ch: results.append(rebuilder.rebuild(ch))), DEBOUNCE)
    try:
        seed = project.root / "seeds" / "p1.txt"
        seed.write_text("种子标题\n种子正文。", encoding="utf-8")
        page = project.root / "output" / "p1" / "index.html"
        assert wait_until(page.exists)
        assert "种子标题" in page.read_text(encoding="utf-8")
        time.sleep(0.4)  # the content files ingest wrote must not cause a second build
        assert [r.ok for r in results if r is not None] == [True]
        builds = calls.build
        seed.unlink()
        assert wait_until(lambda: not page.exists())
        assert not (project.root / "content" / "p1").exists()
        time.sleep(0.4)
        assert calls.build == builds + 1
    finally:
        watcher.stop()


def test_a_build_that_reports_failure_keeps_the_changes_for_next_time(project):
    class Failed:
        ok = False
        diagnostics = [Diagnostic("templates/base.html", "unexpected end of template", 7)]

    outcomes = [Failed(), None]
    seen = []

    def build(config):
        seen.append(config)
        return outcomes.pop(0)

    rebuilder = Rebuilder(project, ingest=fake_ingest(), build=build)
    change = ChangeSet((Change("modified", "templates/base.html", "templates"),))
    failed = rebuilder.rebuild(change)
    assert not failed.ok and str(failed.errors[0]) == "templates/base.html:7: error: unexpected end of template"
    assert "templates/base.html:7" in failed.summary()
    assert rebuilder.rebuild(ChangeSet()).ok  # the carried change is rebuilt with nothing new
    assert len(seen) == 2


def test_absolute_paths_in_diagnostics_are_shown_from_the_project_root(project):
    class Failed:
        ok = False
        diagnostics = [Diagnostic(str(project.root / "templates" / "article.html"), "bad", 2)]

    result = Rebuilder(project, ingest=fake_ingest(), build=lambda c: Failed()).rebuild(ChangeSet.everything())
    assert str(result.errors[0]) == "templates/article.html:2: error: bad"


def test_a_build_that_lists_its_changed_files_is_believed(project):
    class Report:
        ok = True
        diagnostics = []
        changed_files = ["b/index.html", "a/index.html", "static/x.css"]

    result = Rebuilder(project, ingest=fake_ingest(), build=lambda c: Report()).rebuild(ChangeSet.everything())
    assert result.changed_files == ("a/index.html", "b/index.html", "static/x.css")
    assert result.changed_pages == 2 and not result.css_only


def test_the_build_is_told_which_content_files_changed_only_when_that_is_all_that_changed(tmp_path):
    from site_builder.build.build_index import ContentHint

    config = make_project(tmp_path)
    told = []

    class Builder:
        def __call__(self, config):
            return self.build_hinted(config, None)

        def build_hinted(self, config, hint):
            told.append(hint)
            return type("Report", (), {"ok": True, "changed_files": [], "diagnostics": []})()

    rebuilder = Rebuilder(config, ingest=fake_ingest(), build=Builder())
    edit = Change("modified", "content/a1/01.md", "content")
    rebuilder.rebuild(ChangeSet((edit,), watching_since_ns=5))
    assert told[-1] == ContentHint(frozenset({"a1/01.md"}), 5)
    rebuilder.rebuild(ChangeSet((edit, Change("modified", "templates/base.html", "templates")),
                                watching_since_ns=5))
    assert told[-1] is None  # a template too: the builder looks at everything
    rebuilder.rebuild(ChangeSet((Change("modified", "content/a1/02.md", "content"),)))
    assert told[-1] is None  # not from a watcher
    rebuilder.rebuild(ChangeSet((Change("created", "content/a9", "content", is_dir=True),), watching_since_ns=5))
    assert told[-1] is None  # a folder: its files are not named


@pytest.mark.parametrize("folder", ["seeds", "templates", "static"])
def test_a_source_folder_that_vanishes_and_comes_back_is_reported(watching, tmp_path, folder):
    """A folder moved back in reports no file events of its own: the folder itself is the
    change (the build then reads it all), and it is watched again."""
    config, batches = watching
    source = config.root / folder
    (source / "x.txt").write_text("一", encoding="utf-8")
    assert wait_until(lambda: batches.all_changes())
    aside = tmp_path / "aside"
    source.rename(aside)
    assert wait_until(lambda: any(c.path == folder and c.kind == "deleted" for c in batches.all_changes()))
    aside.rename(source)
    assert wait_until(lambda: any(c.path == folder and c.kind != "deleted" for c in batches.all_changes()))
    time.sleep(0.3)  # the folder gets its watch back
    (source / "x.txt").write_text("二", encoding="utf-8")
    assert wait_until(lambda: sum(c.path == f"{folder}/x.txt" for c in batches.all_changes()) >= 2)
