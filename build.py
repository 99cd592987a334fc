#!/usr/bin/env python3
"""Newspaper archive generator: seed pages -> content/ -> a static site in output/.

  python build.py                      ingest seeds/ and build the whole site
  python build.py ingest [--seeds DIR] [--content DIR] [--strict]
  python build.py build [--content DIR] [--out DIR] [--base-url /name/] [--site-url URL]
  python build.py serve [--port 8000] [--host 127.0.0.1] [--poll]
  python build.py watch [--poll]
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent


HELP_EPILOG = """\
With no command, `build.py` ingests seeds/ and then builds the site (ingest + build).
Folders and URLs default to the [paths] and [site] settings of site.toml in --root.
Run `build.py COMMAND --help` for a command's options."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n")[0],
                                epilog=HELP_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--root", default=str(ROOT), metavar="DIR",
                   help="project folder holding site.toml (default: the folder of build.py)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when any file had an error (default: errors are reported, the exit code stays 0)")
    sub = p.add_subparsers(dest="command", title="commands (default: ingest, then build)")
    ing = sub.add_parser("ingest", help="turn seed pages into Markdown articles in content/",
                         description="Turn seed pages into Markdown articles in content/.")
    _folder_option(ing, "--seeds", "seed pages (*.txt) to read", "seeds")
    _folder_option(ing, "--content", "where the Markdown articles are written", "content")
    _strict_option(ing)
    bld = sub.add_parser("build", help="render content/ into the site in output/",
                         description="Render content/ into the static site.")
    _folder_option(bld, "--content", "Markdown articles to read", "content")
    _folder_option(bld, "--out", "where the site is written", "output")
    _base_url_option(bld)
    bld.add_argument("--site-url", metavar="URL",
                     help="absolute address of the published site, for the feed and sitemap "
                          "(default: [site] site_url of site.toml)")
    _strict_option(bld)
    for name in ("serve", "watch"):
        what = "rebuild on every change" + (", serve output/ and reload open tabs" if name == "serve" else "")
        s = sub.add_parser(name, help=what, description=what[0].upper() + what[1:] + " until Ctrl-C.")
        s.add_argument("--poll", action="store_true",
                       help="poll the disk instead of file system events, for network drives, "
                            "Docker and WSL (default: events)")
        _base_url_option(s)
        if name == "serve":
            s.add_argument("--port", type=int, default=8000, help="port to serve on (default: %(default)s; 0: any free port)")
            s.add_argument("--host", default="127.0.0.1",
                           help="address to serve on (default: %(default)s, this machine only)")
    return p


def _folder_option(parser: argparse.ArgumentParser, flag: str, what: str, setting: str) -> None:
    parser.add_argument(flag, metavar="DIR",
                        help=f"{what} (default: [paths] {setting} of site.toml, \"{setting}\")")


def _base_url_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-url", metavar="/NAME/",
                        help="path the site is served under, e.g. /archive/ for a GitHub project "
                             "page (default: [site] base_url of site.toml, \"/\")")


def _strict_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: given before or after the command, one --strict
    parser.add_argument("--strict", action="store_true", default=argparse.SUPPRESS,
                        help="exit 1 when any file had an error (default: exit 0)")


@contextmanager
def stage_progress(name: str, stream=None):
    """Report a long stage. On a terminal a status line shows the stage and its elapsed time
    while it runs; piped or in CI nothing until it ends. Either way one line at the end:
    the counts, the rate and the time of each sub-stage (`report` set by the caller)."""
    stream = stream or sys.stderr
    live = stream.isatty() and not os.environ.get("CI")
    started, done = time.perf_counter(), threading.Event()
    box: dict = {}

    def tick() -> None:
        while not done.wait(0.5):
            print(f"\r{name} … {time.perf_counter() - started:.0f} s", end="", file=stream, flush=True)

    ticker = threading.Thread(target=tick, daemon=True) if live else None
    if ticker:
        ticker.start()
    try:
        yield box
    finally:
        done.set()
        if ticker:
            ticker.join()
            print("\r\x1b[K", end="", file=stream)
        if "count" in box:
            print(_stage_line(name, box, time.perf_counter() - started), file=stream, flush=True)


def _stage_line(name: str, box: dict, seconds: float) -> str:
    count, unit = box["count"], box["unit"]
    rate = f", {count / seconds:.0f} {unit}/s" if seconds > 0 else ""
    parts = ", ".join(f"{k.split('.', 1)[-1]} {v:.1f} s" for k, v in (box.get("timings") or {}).items())
    return f"{name}: {count} {unit} in {seconds:.1f} s{rate}" + (f" ({parts})" if parts else "")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from site_builder.config import ConfigError, load_config

    try:
        config = load_config(args.root)
    except ConfigError as exc:
        print("site.toml has errors:", *exc.problems, sep="\n  ", file=sys.stderr)
        return 2
    command = args.command or "all"
    ingest_failed = False  # --strict: errors in seeds count as much as errors in content
    if command in ("ingest", "all"):
        from site_builder.ingest.run import run_ingest

        config = config.with_overrides(seeds_dir=getattr(args, "seeds", None),
                                       content_dir=getattr(args, "content", None))
        with stage_progress("ingest") as box:
            report = run_ingest(config)
            box.update(count=report.pages, unit="pages", timings=report.timings)
        print(report.summary(), file=sys.stderr)
        ingest_failed = bool(report.errors)
        if command == "ingest":
            return 1 if args.strict and ingest_failed else 0
        from site_builder.ingest.run import release_memory

        release_memory()
    if command in ("build", "all"):
        from site_builder.build.site import build_site

        config = config.with_overrides(content_dir=getattr(args, "content", None),
                                       output_dir=getattr(args, "out", None),
                                       base_url=getattr(args, "base_url", None),
                                       site_url=getattr(args, "site_url", None))
        with stage_progress("build") as box:
            result = build_site(config)
            box.update(count=result.pages_written, unit="pages", timings=result.timings)
        print(result.summary(), file=sys.stderr)
        return 1 if (not result.ok or (args.strict and (result.errors or ingest_failed))) else 0
    if command in ("serve", "watch"):
        from site_builder.dev.serve import run_dev

        config = config.with_overrides(base_url=args.base_url)
        return run_dev(config, serve=command == "serve", poll=args.poll,
                       host=getattr(args, "host", None), port=getattr(args, "port", None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
