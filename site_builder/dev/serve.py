"""`build.py serve` / `build.py watch`: rebuild on every save, serve output/, reload browsers.

DevHTTPServer serves the files under output/ (nothing else: no `..`, no symlink out, no
directory listing) at the site's base_url, with the site's 404.html, and injects a live-reload
script into HTML it serves; the files on disk never contain it. The script listens to
Server-Sent Events from ReloadHub at /__livereload: `reload` after a good rebuild, `css` when
only stylesheets changed, `error` with file:line messages when a rebuild failed (the last good
site keeps being served; the next good rebuild reloads and clears the overlay).
DevSession starts the build loop (dev/loop.py), the watcher and the server; run_dev runs it
until Ctrl-C.
"""
from __future__ import annotations

import json
import mimetypes
import os
import posixpath
import queue
import secrets
import signal
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from ..config import Config
from ..build.protocols import DeferringBuild
from .loop import BuildLoop, SearchIndexAfterPages
from .rebuild import RebuildResult, Rebuilder
from .watch import ChangeSet, PathClassifier, PendingChanges, Watcher

LIVERELOAD_PATH = "/__livereload"
LIVERELOAD_SCRIPT_PATH = "/__livereload.js"
LIVERELOAD_TAG = f'<script src="{LIVERELOAD_SCRIPT_PATH}" defer></script>'
_SCRIPT_FILE = Path(__file__).with_name("livereload.js")
KEEPALIVE_SECONDS = 15.0

# Explicit types for what the site is made of; `mimetypes` depends on the machine's tables.
MIME_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".gz": "application/gzip",
}


def content_type_for(name: str) -> str:
    suffix = posixpath.splitext(name)[1].lower()
    if suffix in MIME_TYPES:
        return MIME_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def inject_livereload(html: bytes) -> bytes:
    """The page with the live-reload script before its last </body> (or at the end)."""
    lower = html.lower()
    at = lower.rfind(b"</body>")
    tag = LIVERELOAD_TAG.encode()
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


# ---------------------------------------------------------------------------- reload events


class ReloadHub:
    """Fans rebuild events out to every connected browser (one queue per SSE client) and
    remembers the latest state, so a tab that (re)connects learns it at once. The *epoch*
    names the site shown: this process's token and the count of good builds that changed
    output (as MkDocs' epoch); a tab that reconnects to another epoch reloads."""

    def __init__(self):
        self._clients: set[queue.Queue] = set()
        self._lock = threading.Lock()
        self._token = secrets.token_hex(4)  # differs per process: a restarted server reloads
        self._builds = 0
        self.errors: list[str] = []
        self.failed = False  # the latest rebuild failed: browsers show the last good site
        self.closed = False

    @property
    def epoch(self) -> str:
        return f"{self._token}-{self._builds}"

    def subscribe(self) -> queue.Queue:
        q: queue.Queue = queue.Queue()
        with self._lock:
            if self.closed:
                q.put(None)
            else:
                self._clients.add(q)
            q.put(("hello", {"epoch": self.epoch, "errors": list(self.errors),
                             "failed": self.failed}))
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self._lock:
            self._clients.discard(q)

    def publish(self, event: str, payload: dict) -> None:
        with self._lock:
            for q in self._clients:
                q.put((event, payload))

    def publish_result(self, result: RebuildResult, base_url: str = "/") -> None:
        """A failed rebuild: `error` (pages stay). A good one: `css` or `reload`, carrying
        the errors it still reported (a skipped file), which the page shows after it."""
        had_errors = bool(self.errors)
        self.errors = [str(d) for d in (result.errors or (() if result.ok else result.diagnostics))]
        self.failed = not result.ok
        if result.ok and not result.changed_files and not had_errors and not self.errors:
            return  # a save that changed no output byte: nothing to show
        if not result.ok:
            self.publish("error", {"errors": list(self.errors)})
            return
        self._builds += 1
        payload = {"epoch": self.epoch, "errors": list(self.errors)}
        if result.css_only:
            self.publish("css", payload)
        else:
            self.publish("reload", {**payload, "paths": [base_url + rel for rel in result.changed_files]})

    def close(self) -> None:
        """End every open event stream (so their threads finish) and refuse new ones."""
        with self._lock:
            self.closed = True
            for q in self._clients:
                q.put(None)
            self._clients.clear()


def format_event(event: str, payload: dict) -> bytes:
    data = json.dumps(payload, ensure_ascii=False)
    return f"event: {event}\ndata: {data}\n\n".encode("utf-8")


# ---------------------------------------------------------------------------- HTTP


class DevHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep the process alive
    allow_reuse_address = True
    # listen() backlog. socketserver's default of 5 drops the SYNs of a page with many assets
    # opened in a few tabs at once, and the dropped clients wait seconds to retry.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], output_dir: Path, base_url: str,
                 hub: ReloadHub, inject: bool = True):
        super().__init__(address, DevRequestHandler)
        self.output_dir = Path(output_dir)
        self.base_url = base_url
        self.hub = hub
        self.inject = inject

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.base_url}"


@dataclass(frozen=True)
class Resolved:
    """What a request path maps to: a file to send, a redirect, or not found."""

    file: Path | None = None
    redirect: str | None = None


class DevRequestHandler(BaseHTTPRequestHandler):
    server: DevHTTPServer
    server_version = "newspaper-archive-dev"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
        pass  # the terminal is for rebuild reports; a request log would drown them

    # -- routing

    def _respond(self, send_body: bool) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path == LIVERELOAD_PATH:
            self._stream_events() if send_body else self._send_bytes(b"", "text/event-stream")
            return
        if path == LIVERELOAD_SCRIPT_PATH:
            self._send_bytes(_SCRIPT_FILE.read_bytes(), content_type_for(_SCRIPT_FILE.name), send_body=send_body)
            return
        resolved = resolve_request(path, self.server.output_dir, self.server.base_url)
        if resolved.redirect:
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", resolved.redirect)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif resolved.file is not None:
            self._send_file(resolved.file, HTTPStatus.OK, send_body)
        else:
            self._send_not_found(send_body)

    def _send_not_found(self, send_body: bool) -> None:
        page = self.server.output_dir / "404.html"
        if page.is_file():
            self._send_file(page, HTTPStatus.NOT_FOUND, send_body)
        else:
            body = "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>404</title>" \
                   "<body><h1>页面不存在</h1></body></html>"
            self._send_bytes(self._maybe_inject(body.encode("utf-8")), content_type_for("404.html"),
                             HTTPStatus.NOT_FOUND, send_body)

    def _send_file(self, file: Path, status: HTTPStatus, send_body: bool) -> None:
        try:
            body = file.read_bytes()
        except OSError:  # replaced or removed by a rebuild between resolving and reading
            if status == HTTPStatus.OK:
                self._send_not_found(send_body)
            else:
                self._send_bytes(b"", "text/plain", HTTPStatus.NOT_FOUND, send_body)
            return
        kind = content_type_for(file.name)
        if kind.startswith("text/html"):
            body = self._maybe_inject(body)
        self._send_bytes(body, kind, status, send_body)

    def _maybe_inject(self, body: bytes) -> bytes:
        return inject_livereload(body) if self.server.inject else body

    def _send_bytes(self, body: bytes, kind: str, status: HTTPStatus = HTTPStatus.OK,
                    send_body: bool = True) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # always the latest build
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if send_body:
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    def _stream_events(self) -> None:
        hub = self.server.hub
        q = hub.subscribe()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b"retry: 500\n\n")  # reconnect fast after a server restart
            self.wfile.flush()
            while True:
                try:
                    item = q.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": keepalive\n\n")  # also detects a closed tab
                    self.wfile.flush()
                    continue
                if item is None:
                    return
                self.wfile.write(format_event(*item))
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError):
            return
        finally:
            hub.unsubscribe(q)


def resolve_request(url_path: str, output_dir: Path, base_url: str) -> Resolved:
    """Map a URL path to a file under output_dir, refusing anything that would leave it.

    The path is percent-decoded once; a segment `..` or `.`, a backslash or a NUL is refused
    (so `%2e%2e` and `..%2f` are too), and the real path (symlinks resolved) must still lie
    inside output_dir. A folder is served by its index.html only: never a listing.
    """
    if url_path == "/" and base_url != "/":
        return Resolved(redirect=base_url)
    if not url_path.startswith(base_url):
        if url_path + "/" == base_url:
            return Resolved(redirect=base_url)
        return Resolved()
    decoded = urllib.parse.unquote(url_path[len(base_url):], errors="strict") \
        if _decodes(url_path) else None
    if decoded is None or "\\" in decoded or "\0" in decoded:
        return Resolved()
    parts = decoded.split("/")
    if any(part in ("..", ".") for part in parts):
        return Resolved()
    root = os.path.realpath(output_dir)
    segments = [p for p in parts if p]
    target = os.path.realpath(os.path.join(root, *segments)) if segments else root
    if target != root and not target.startswith(root + os.sep):
        return Resolved()
    if os.path.isdir(target):
        if not url_path.endswith("/"):
            return Resolved(redirect=url_path + "/")
        index = os.path.join(target, "index.html")
        return Resolved(file=Path(index)) if os.path.isfile(index) else Resolved()
    if os.path.isfile(target) and not decoded.endswith("/"):
        return Resolved(file=Path(target))
    return Resolved()


def _decodes(url_path: str) -> bool:
    try:
        urllib.parse.unquote(url_path, errors="strict")
        return True
    except UnicodeDecodeError:
        return False


# ---------------------------------------------------------------------------- the session


class DevSession:
    """Build once, then run the build loop (dev/loop.py) on its thread, the watcher feeding
    it and, when serving, the HTTP server beside it."""

    def __init__(self, config: Config, *, serve: bool = True, poll: bool = False,
                 host: str | None = None, port: int | None = None,
                 rebuilder: Rebuilder | None = None, debounce: float = 0.08,
                 poll_interval: float = 0.5, out: TextIO | None = None,
                 search_index: DeferringBuild | None = None):
        """`search_index`: the builder, when it was made to leave the search index for after
        the pages (default_site_builder); the loop then brings the index up after each build."""
        rebuilder = rebuilder or Rebuilder(config)
        self.out = out or sys.stderr
        self.hub = ReloadHub()
        self.pending = PendingChanges(PathClassifier(config), debounce=debounce)
        self.watcher = Watcher(self.pending, poll=poll, poll_interval=poll_interval, log=self.say)
        self.search = SearchIndexAfterPages(search_index, self.hub, self.say) if search_index else None
        self.loop = BuildLoop(rebuilder, self.pending, self.hub, self.say, search=self.search,
                              retarget=self._retarget)
        self.server: DevHTTPServer | None = None
        self._serve = serve
        self._address = (host or "127.0.0.1", 8000 if port is None else port)
        self._threads: list[threading.Thread] = []

    @property
    def config(self) -> Config:
        return self.loop.rebuilder.config

    @property
    def results(self) -> list[RebuildResult]:
        return self.loop.results

    def say(self, message: str) -> None:
        print(message, file=self.out, flush=True)

    def start(self, initial_build: bool = True) -> None:
        """Build once, start serving (if asked) and watching. Raises OSError when the port
        is taken."""
        if self._serve:
            self.server = DevHTTPServer(self._address, self.config.path("output_dir"),
                                        self.config.base_url, self.hub)
        if initial_build:
            self.loop.build(ChangeSet.everything())
        self.watcher.start()
        self._thread(self.loop.run, "build-loop")
        if self.server is not None:
            self._thread(lambda: self.server.serve_forever(0.1), "dev-http")
            self.say(f"serving {self.server.url} (Ctrl-C to stop)")
        self.say("watching for changes" + (" (polling)" if self.watcher.poll else ""))

    def _thread(self, target, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _retarget(self, config: Config) -> None:
        if self.server is not None:  # site.toml may have moved output/ or changed base_url
            self.server.output_dir = Path(config.path("output_dir"))
            self.server.base_url = config.base_url

    def stop(self) -> None:
        if self.search is not None:
            self.search.stop()
        self.watcher.stop()  # stops the pending changes too: the loop ends after its build
        self.hub.close()
        if self.server is not None:
            if any(t.name == "dev-http" for t in self._threads):  # shutdown() waits for serve_forever
                self.server.shutdown()
            self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=60)


def default_site_builder(config: Config):
    """The incremental build the CLI uses too (same bytes as a full build, only changed pages
    rendered), sharing its state in the project's .cache/; the search index is left for
    after the pages (SearchIndexAfterPages)."""
    from ..build.builder import IncrementalBuilder
    from ..cache import CACHE_DIR

    return IncrementalBuilder(state_dir=config.root / CACHE_DIR, defer_extras=True)


def run_dev(config: Config, serve: bool, poll: bool, host: str | None, port: int | None) -> int:
    """Build, then rebuild on every change (and serve with live reload) until Ctrl-C."""
    builder = default_site_builder(config)
    session = DevSession(config, serve=serve, poll=poll, host=host, port=port,
                         rebuilder=Rebuilder(config, build=builder), search_index=builder)
    # `kill` (SIGTERM) stops like Ctrl-C, so the search index worker goes too. Installed
    # before start() says "serving": a supervisor may send it as soon as it reads that line,
    # and a signal during the first build stops it as well.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        try:
            session.start()
        except OSError as exc:
            print(f"cannot serve on {host or '127.0.0.1'}:{port}: {exc.strerror or exc}",
                  file=sys.stderr)
            return 1
        while True:
            threading.Event().wait(3600)
    except KeyboardInterrupt:
        print("\nstopping", file=sys.stderr)
    finally:
        session.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt
