"""Shared fixtures: a small corpus of content files in a temp dir and a config pointing at it.

The corpus is built from `Article` objects through `article_to_text`, so tests do not depend on
ingestion or on the sample seeds. It covers the cases the site must handle: full, partial,
uncertain and unknown dates; several pages (版面) and issues; names that need safe folders.
"""
from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_builder.config import Config
from site_builder.content import article_to_text
from site_builder.model import Article

ROOT = Path(__file__).resolve().parent.parent
BASE = "/archive/"  # the sub-path the test site is built for and served under


def _article(seed: str, order: int, title: str, **fields) -> Article:
    return Article(id=f"{seed}-{order:02d}", source=f"seeds/{seed}.txt", order=order,
                   title=title, **fields)


def sample_articles() -> list[Article]:
    """Eight articles on four pages over two issues, plus a page without a publication date."""
    issue1 = dict(published="2021-03-07", newspaper="城市日报", date="2021-03-07")
    issue2 = dict(published="2022-07-18", newspaper="城市日报", date="2022-07-18")
    return [
        _article("p1", 1, "城市人大代表会议召开", kicker="依法履职 担当作为",
                 subtitle="奋力开创人大工作新局面", page="01", page_name="要闻",
                 reporters=["王小明"], correspondents=["李华"], people=["陈平山", "牛瑞华"],
                 roles={"陈平山": "人大工委主任", "牛瑞华": "管委会主任"},
                 places=["郑东新区"], organizations=["人大工委"], tags=["人大", "会议"],
                 body="会议听取了工作报告。\n\n## 聚焦重点工作\n\n会议强调要抓好落实。", **issue1),
        _article("p1", 2, "学习两会精神", page="01", page_name="要闻", reporters=["王小明"],
                 people=["牛瑞华"], roles={"牛瑞华": "党工委副书记"}, tags=["会议", "两会"],
                 body="学习贯彻全国两会精神。", **issue1),
        _article("p2", 1, "社区服务走进千家万户", page="02", page_name="民生",
                 writers=["赵六"], tags=["民生"], body="社区志愿者上门服务。", **issue1),
        _article("p3", 1, "科技城建设提速", page="01", page_name="要闻",
                 reporters=["王小明"], photographers=["孙七"], people=["陈平山"],
                 roles={"陈平山": "人大常委会主任"}, tags=["会议", "科技"],
                 body="核心板块建设全面提速。", **issue2),
        _article("p3", 2, "年份不详的夏日通讯", page="01", page_name="要闻", date="XXXX-07-18",
                 published="2022-07-18", newspaper="城市日报", tags=["会议"],
                 body="记者走访了几个社区。"),
        _article("p4", 1, "只知年份的回顾文章", date="2020", tags=["回顾"],
                 body="回顾过去一年的工作。"),
        _article("p4", 2, "日期不详的短讯", date="XXXX", tags=["a/../b", ".."],
                 body="一则没有日期的短讯。"),
        _article("p4", 3, "推断年份的旧闻", date="2019?", tags=["会议"],
                 body="一则年份推断的旧闻。"),
    ]


def write_corpus(content_dir: Path, articles: list[Article]) -> None:
    for a in articles:
        folder = content_dir / a.id.rsplit("-", 1)[0]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{a.order:02d}.md").write_text(article_to_text(a), encoding="utf-8")


def site_config(tmp: Path, base_url: str = "/", **overrides) -> Config:
    """A config using the repo's templates and static files, content and output in `tmp`."""
    return replace(Config(root=ROOT), content_dir=str(tmp / "content"),
                   output_dir=str(tmp / "output"), base_url=base_url,
                   site_url="https://example.org/archive/", **overrides)


@pytest.fixture
def articles() -> list[Article]:
    return sample_articles()


@pytest.fixture
def corpus_config(tmp_path: Path) -> Config:
    """A config whose content dir holds the sample corpus (not yet built)."""
    write_corpus(tmp_path / "content", sample_articles())
    return site_config(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The sample corpus built once under base URL /archive/; returns the output dir."""
    from site_builder.build.site import build_site

    tmp = tmp_path_factory.mktemp("site")
    write_corpus(tmp / "content", sample_articles())
    result = build_site(site_config(tmp, base_url=BASE))
    assert result.ok, result.summary()
    return tmp / "output"


class SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a directory at BASE and nothing outside it, as GitHub Pages serves a project."""

    def send_head(self):
        if not urlsplit(self.path).path.startswith(BASE):
            self.send_error(404)
            return None
        return super().send_head()

    def translate_path(self, path):
        return super().translate_path("/" + urlsplit(path).path[len(BASE):])

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(built_site):
    """http://127.0.0.1:<port> serving the built sample site under BASE, in a thread."""
    handler = functools.partial(SubPathHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the whole session (never a downloaded
    browser): starting it took about a second per browser test module."""
    from browser import chromium

    with chromium() as b:
        yield b
