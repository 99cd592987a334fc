"""A tiny project and a tiny fake ingest + build for the watch and serve tests.

They stand in for site_builder.ingest / site_builder.build.site so these tests check the watcher,
rebuilder and server on their own. The fake build renders with real Jinja2 (so a template
error is a real TemplateSyntaxError) and writes only files whose bytes change, like the real
one. No tests in this module.
"""
from __future__ import annotations

import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from site_builder.config import Config
from site_builder.content import article_to_text, read_corpus
from site_builder.model import Article, Diagnostic

ARTICLE_TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ a.title }}</title>
<link rel="stylesheet" href="{{ base }}static/style.css"></head>
<body><h1 id="title">{{ a.title }}</h1><div id="body">{{ a.body }}</div></body></html>
"""
INDEX_TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>首页</title>
<link rel="stylesheet" href="{{ base }}static/style.css"></head>
<body><ul>{% for a in articles %}<li><a href="{{ base }}{{ a.id }}/">{{ a.title }}</a></li>{% endfor %}</ul></body></html>
"""
NOT_FOUND = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在</title></head>
<body><h1>页面不存在</h1></body></html>
"""


@dataclass
class FakeReport:
    ok: bool = True
    errors: list[Diagnostic] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)  # output paths written or removed


@dataclass
class Calls:
    """How often the fake stages ran (the watcher calls them from its worker thread)."""

    ingest: int = 0
    build: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def make_project(root: Path, articles: int = 2) -> Config:
    for name in ("seeds", "content", "templates", "static", "output"):
        (root / name).mkdir(parents=True, exist_ok=True)
    (root / "templates" / "article.html").write_text(ARTICLE_TEMPLATE, encoding="utf-8")
    (root / "templates" / "index.html").write_text(INDEX_TEMPLATE, encoding="utf-8")
    (root / "static" / "style.css").write_text("body { color: #222; }\n", encoding="utf-8")
    (root / "site.toml").write_text('[site]\ntitle = "测试档案"\n', encoding="utf-8")
    for i in range(1, articles + 1):
        write_article(root, f"a{i}", f"第{i}篇文章", f"正文{i}。")
    return Config(root=root)


def write_article(root: Path, id_: str, title: str, body: str) -> Path:
    folder = root / "content" / id_
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / "01.md"
    # A hand-made article: its source is no seed, so ingestion leaves it alone.
    article = Article(id=id_, source=f"hand/{id_}.txt", order=1, title=title, body=body)
    file.write_text(article_to_text(article), encoding="utf-8")
    return file


def fake_ingest(calls: Calls | None = None):
    """Seed `seeds/<stem>.txt` (first line title, rest body) -> `content/<stem>/01.md`;
    content folders of vanished seeds are removed."""

    def ingest(config: Config) -> FakeReport:
        if calls is not None:
            with calls.lock:
                calls.ingest += 1
        report = FakeReport()
        seeds = config.path("seeds_dir")
        content = config.path("content_dir")
        stems = set()
        for seed in sorted(seeds.glob("*.txt")):
            try:
                text = seed.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                report.errors.append(Diagnostic(f"seeds/{seed.name}", f"not UTF-8: {exc.reason}", 1))
                continue
            stems.add(seed.stem)
            title, _, body = text.partition("\n")
            article = Article(id=seed.stem, source=f"seeds/{seed.name}", order=1,
                              title=title.strip(), body=body.strip())
            _write_if_changed(content / seed.stem / "01.md", article_to_text(article))
        for folder in content.iterdir():
            source = folder / "01.md"
            if folder.is_dir() and folder.name not in stems and source.exists() \
                    and f"source: seeds/{folder.name}.txt" in source.read_text(encoding="utf-8"):
                shutil.rmtree(folder)
        report.ok = not report.errors
        return report

    return ingest


def fake_build(calls: Calls | None = None):
    """content/ -> output/<id>/index.html, output/index.html, 404.html, static/ copied."""

    def build(config: Config) -> FakeReport:
        if calls is not None:
            with calls.lock:
                calls.build += 1
        corpus = read_corpus(config.path("content_dir"))
        errors = [d for d in corpus.diagnostics if d.severity == "error"]
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(config.path("templates_dir")),
                                 autoescape=True)
        # Render everything before writing anything: a template error leaves output/ alone.
        article_template = env.get_template("article.html")
        index_template = env.get_template("index.html")
        base = config.base_url
        files = {f"{a.id}/index.html": article_template.render(a=a, base=base) for a in corpus.articles}
        files["index.html"] = index_template.render(articles=corpus.articles, base=base)
        files["404.html"] = NOT_FOUND
        static = config.path("static_dir")
        for asset in static.rglob("*"):
            if asset.is_file():
                files["static/" + asset.relative_to(static).as_posix()] = asset.read_text(encoding="utf-8")
        out = config.path("output_dir")
        changed = [rel for rel, text in files.items() if _write_if_changed(out / rel, text)]
        for old in sorted(out.rglob("*"), reverse=True):
            rel = old.relative_to(out).as_posix()
            if old.is_file() and rel not in files:
                old.unlink()
                changed.append(rel)
            elif old.is_dir() and not any(old.iterdir()):
                old.rmdir()
        # Like the real build: skipped files are errors, yet the rest of the site is written.
        return FakeReport(ok=True, errors=errors, changed_files=changed)

    return build


def _write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def wait_until(predicate, timeout: float = 5.0, interval: float = 0.01) -> bool:
    """Poll `predicate` until true; file events arrive asynchronously."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())


def events_until(q, until: str, timeout: float = 60) -> list[str]:
    """The names of the events a ReloadHub subscription `q` gets, up to the first `until`."""
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            event, _ = q.get(timeout=0.2)
        except Exception:
            continue
        seen.append(event)
        if event == until:
            return seen
    raise AssertionError(f"no {until!r} event; saw {seen}")
