"""The dev server: only output/ is served, with the right types, the site's 404 and the
live-reload script in served HTML; and a whole session (watch -> rebuild -> events)."""
from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from site_builder.dev.serve import (LIVERELOAD_TAG, DevHTTPServer, DevSession, ReloadHub,
                                inject_livereload)
from site_builder.model import Diagnostic
from site_builder.dev.rebuild import RebuildResult, Rebuilder
from test_watch_support import fake_build, fake_ingest, make_project, wait_until, write_article

REPO = Path(__file__).resolve().parents[1]
SECRET = "不该被看到的内容"


# ---------------------------------------------------------------------------- helpers


def get(port: int, path: str, method: str = "GET") -> tuple[int, dict, bytes]:
    """Send `path` exactly as given (no client-side normalisation of `..`)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


class EventStream:
    """A Server-Sent Events client reading /__livereload."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        self.conn.request("GET", "/__livereload")
        self.sock = self.conn.sock  # http.client lets go of it for a response without length
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type").startswith("text/event-stream")

    def next_event(self, timeout: float = 5.0) -> tuple[str, dict]:
        self.sock.settimeout(timeout)
        event, data = None, ""
        while True:
            line = self.resp.fp.readline().decode("utf-8")
            if line == "":
                raise EOFError("stream closed")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: "):
                data += line[len("data: "):]
            elif line == "" and event:
                return event, json.loads(data or "{}")

    def close(self) -> None:
        self.resp.close()
        self.sock.close()


@pytest.fixture
def site(tmp_path) -> Path:
    """A built site, and a secret file beside output/ that must never be served."""
    out = tmp_path / "output"
    (out / "a").mkdir(parents=True)
    (out / "empty").mkdir()
    (out / "index.html").write_text("<!doctype html><html><body><h1>首页</h1></body></html>", encoding="utf-8")
    (out / "a" / "index.html").write_text("<html><body><p>文章</p></body></html>", encoding="utf-8")
    (out / "404.html").write_text("<html><body><h1>页面不存在</h1></body></html>", encoding="utf-8")
    (out / "search.json").write_text('{"docs": []}', encoding="utf-8")
    (out / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (out / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    (out / "app.js").write_text("console.log(1)", encoding="utf-8")
    (out / "style.css").write_text("body{}", encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", out / "link-out.txt")
    return out


def _start(out: Path, base_url: str = "/") -> tuple[DevHTTPServer, threading.Thread]:
    server = DevHTTPServer(("127.0.0.1", 0), out, base_url, ReloadHub())
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def server(site):
    srv, thread = _start(site)
    yield srv
    srv.hub.close()
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def port_of(srv: DevHTTPServer) -> int:
    return srv.server_address[1]


# ---------------------------------------------------------------------------- static serving


@pytest.mark.parametrize("path, kind", [
    ("/search.json", "application/json"),
    ("/chart.svg", "image/svg+xml"),
    ("/sitemap.xml", "application/xml"),
    ("/app.js", "text/javascript"),
    ("/style.css", "text/css"),
    ("/", "text/html"),
])
def test_mime_types(server, path, kind):
    status, headers, _ = get(port_of(server), path)
    assert status == 200
    assert headers["content-type"].split(";")[0] == kind


def test_html_gets_the_reload_script_only_when_served(server, site):
    status, _, body = get(port_of(server), "/a/")
    assert status == 200
    assert LIVERELOAD_TAG.encode() in body
    assert body.index(LIVERELOAD_TAG.encode()) < body.index(b"</body>")
    assert b"livereload" not in (site / "a" / "index.html").read_bytes()
    for path in ("/search.json", "/app.js", "/style.css", "/chart.svg"):
        assert LIVERELOAD_TAG.encode() not in get(port_of(server), path)[2]


def test_the_reload_script_is_served(server):
    status, headers, body = get(port_of(server), "/__livereload.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"EventSource" in body


def test_unknown_path_gets_the_sites_404_page_with_status_404(server):
    status, headers, body = get(port_of(server), "/no/such/page.html")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert "页面不存在" in body.decode("utf-8")


@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/a/../../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2E%2E/secret.txt",
    "/a/%2e%2e/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
    "/a/..%2f..%2fsecret.txt",
    "/%2e%2e%2fsecret.txt",
    "/..%5csecret.txt",
    "/link-out.txt",  # a symlink pointing out of output/
    "/a%00/index.html",
    "//secret.txt",
])
def test_nothing_outside_output_is_served(server, path):
    status, _, body = get(port_of(server), path)
    assert status == 404
    assert SECRET.encode() not in body


def test_a_folder_is_never_listed(server):
    status, _, body = get(port_of(server), "/empty/")
    assert status == 404
    assert b"a/" not in body.replace(b"</", b"")  # no listing of the site's files
    status, headers, _ = get(port_of(server), "/a")
    assert status == 301 and headers["location"] == "/a/"


def test_head_sends_headers_without_a_body(server):
    status, headers, body = get(port_of(server), "/search.json", method="HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) == len('{"docs": []}')


def test_site_is_served_under_its_base_url(site):
    srv, thread = _start(site, "/archive/")
    try:
        port = port_of(srv)
        assert get(port, "/archive/")[0] == 200
        assert "文章" in get(port, "/archive/a/")[2].decode("utf-8")
        status, headers, _ = get(port, "/")
        assert status == 301 and headers["location"] == "/archive/"
        assert get(port, "/archive")[0] == 301
        assert get(port, "/a/")[0] == 404  # the base is part of every URL
        assert get(port, "/archive/../secret.txt")[0] == 404
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


def test_inject_without_a_body_tag_appends():
    assert inject_livereload(b"<p>x</p>").endswith(LIVERELOAD_TAG.encode())
    assert inject_livereload(b"<BODY>x</BODY>") == b"<BODY>x" + LIVERELOAD_TAG.encode() + b"</BODY>"


# ---------------------------------------------------------------------------- events


def test_event_stream_sends_hello_then_reload_css_and_error(server):
    stream = EventStream(port_of(server))
    try:
        event, data = stream.next_event()
        assert event == "hello" and data["errors"] == []
        hub = server.hub
        hub.publish_result(RebuildResult(ok=True))  # no output byte changed: no event
        hub.publish_result(RebuildResult(ok=True, changed_pages=1, changed_files=("a/index.html",)))
        event, data = stream.next_event()
        assert event == "reload" and data["paths"] == ["/a/index.html"]
        hub.publish_result(RebuildResult(ok=True, css_only=True, changed_files=("style.css",)))
        assert stream.next_event()[0] == "css"
        hub.publish_result(RebuildResult(ok=False, diagnostics=(Diagnostic("content/x.md", "bad", 3),)))
        event, data = stream.next_event()
        assert event == "error" and data["errors"] == ["content/x.md:3: error: bad"]
    finally:
        stream.close()
    # A tab that connects while the build is broken learns it at once.
    late = EventStream(port_of(server))
    try:
        assert late.next_event()[1]["errors"] == ["content/x.md:3: error: bad"]
        # A site rebuilt without one bad file: reload, and keep showing what was skipped.
        server.hub.publish_result(RebuildResult(ok=True, changed_pages=1, changed_files=("index.html",),
                                                diagnostics=(Diagnostic("content/y.md", "skipped", 2),)))
        event, data = late.next_event()
        assert event == "reload" and data["errors"] == ["content/y.md:2: error: skipped"]
    finally:
        late.close()


# ---------------------------------------------------------------------------- a whole session


@pytest.fixture
def session(tmp_path):
    config = make_project(tmp_path / "site")
    rebuilder = Rebuilder(config, ingest=fake_ingest(), build=fake_build())
    dev = DevSession(config, serve=True, host="127.0.0.1", port=0, rebuilder=rebuilder,
                     debounce=0.05, out=open(os.devnull, "w"))
    dev.start()
    yield dev
    dev.stop()
    dev.out.close()


def test_an_edit_is_rebuilt_served_and_announced(session):
    port = port_of(session.server)
    assert "正文1" in get(port, "/a1/")[2].decode("utf-8")
    stream = EventStream(port)
    try:
        assert stream.next_event()[0] == "hello"
        write_article(session.config.root, "a1", "第1篇文章", "新写的正文。")
        event, data = stream.next_event()
        assert event == "reload"
        assert "/a1/index.html" in data["paths"]
        assert "新写的正文" in get(port, "/a1/")[2].decode("utf-8")
    finally:
        stream.close()


def test_a_new_article_appears_and_a_deleted_one_goes(session):
    port = port_of(session.server)
    write_article(session.config.root, "fresh", "新来的", "正文。")
    assert wait_until(lambda: get(port, "/fresh/")[0] == 200)
    (session.config.root / "content" / "fresh" / "01.md").unlink()
    assert wait_until(lambda: get(port, "/fresh/")[0] == 404)


def test_a_broken_save_is_skipped_reported_and_other_edits_keep_appearing(session):
    port = port_of(session.server)
    source = session.config.root / "content" / "a1" / "01.md"
    good = source.read_text(encoding="utf-8")
    stream = EventStream(port)
    try:
        stream.next_event()
        source.write_text(good.replace("order: 1", "order: [", 1), encoding="utf-8")
        event, data = stream.next_event()
        assert event == "reload"  # the rest of the site was built; a1 was skipped
        assert any(e.startswith("content/a1/01.md:") and e.split(":")[1].isdigit() for e in data["errors"])
        assert get(port, "/a1/")[0] == 404
        write_article(session.config.root, "a2", "第2篇文章", "另一篇照常更新。")
        event, data = stream.next_event()
        assert event == "reload" and data["errors"]  # still reported
        assert "另一篇照常更新" in get(port, "/a2/")[2].decode("utf-8")
        source.write_text(good.replace("正文1。", "恢复了。"), encoding="utf-8")
        event, _ = stream.next_event()
        assert event == "reload"
        assert "恢复了" in get(port, "/a1/")[2].decode("utf-8")
        assert session.hub.errors == []
    finally:
        stream.close()


def test_a_stylesheet_edit_is_a_css_event(session):
    stream = EventStream(port_of(session.server))
    try:
        stream.next_event()
        (session.config.root / "static" / "style.css").write_text("body { color: red; }\n")
        assert stream.next_event()[0] == "css"
    finally:
        stream.close()


def test_stop_ends_threads_streams_and_the_socket(tmp_path):
    config = make_project(tmp_path / "site")
    before = set(threading.enumerate())
    dev = DevSession(config, port=0, rebuilder=Rebuilder(config, ingest=fake_ingest(), build=fake_build()),
                     debounce=0.05, out=open(os.devnull, "w"))
    dev.start()
    port = port_of(dev.server)
    stream = EventStream(port)
    stream.next_event()
    dev.stop()
    dev.out.close()
    with pytest.raises(EOFError):
        stream.next_event(timeout=2)
    stream.close()
    assert wait_until(lambda: not [t for t in threading.enumerate() if t not in before and t.is_alive()])
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_stops_build_py_serve_cleanly(tmp_path, sig):
    make_project(tmp_path / "site")
    # Ctrl-C as a terminal sends it: a suite started as a background job (`./dev test &`, CI
    # runners) passes SIGINT on ignored, and Python then never turns it into KeyboardInterrupt.
    proc = subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(tmp_path / "site"),
                             "serve", "--port", "0"], cwd=REPO, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            if line.startswith("serving http://"):
                url = line.split()[1]
        assert url, "the server never said where it serves"
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        assert get(port, "/__livereload.js")[0] == 200
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()


def test_two_hundred_simultaneous_connections_are_all_answered(site):
    """The listen backlog holds 200 connections made before the server accepts any (a page
    with many assets in a few tabs); with socketserver's default of 5 the rest time out."""
    srv = DevHTTPServer(("127.0.0.1", 0), site, "/", ReloadHub())
    socks = []
    try:
        for _ in range(200):
            sock = socket.create_connection(("127.0.0.1", port_of(srv)), timeout=2)
            sock.sendall(b"GET /a/ HTTP/1.0\r\nHost: x\r\n\r\n")
            socks.append(sock)
        thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        for sock in socks:
            sock.settimeout(10)
            assert sock.makefile("rb").readline().startswith(b"HTTP/1.0 200")
        srv.shutdown()
        thread.join(5)
    finally:
        for sock in socks:
            sock.close()
        srv.hub.close()
        srv.server_close()


def test_sigterm_is_handled_before_the_server_says_it_serves(tmp_path, monkeypatch):
    """A supervisor sends SIGTERM as soon as it reads "serving": the handler must be in
    place by then, or the process dies without stopping its workers."""
    from site_builder.dev import serve as serve_module

    config = make_project(tmp_path / "site")
    seen = []

    def start(self, initial_build=True):
        seen.append(signal.getsignal(signal.SIGTERM))
        raise OSError("stop here")

    monkeypatch.setattr(serve_module.DevSession, "start", start)
    before = signal.getsignal(signal.SIGTERM)
    assert serve_module.run_dev(config, serve=True, poll=False, host=None, port=0) == 1
    assert seen and seen[0] not in (signal.SIG_DFL, signal.SIG_IGN, None, before)
    assert signal.getsignal(signal.SIGTERM) == before  # put back
