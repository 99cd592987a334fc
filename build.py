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
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n")[0])
    p.add_argument("--root", default=str(ROOT), help="project folder holding site.toml")
    p.add_argument("--strict", action="store_true", help="exit 1 when any file had an error")
    sub = p.add_subparsers(dest="command")
    ing = sub.add_parser("ingest", help="turn seed pages into Markdown articles in content/")
    ing.add_argument("--seeds")
    ing.add_argument("--content")
    ing.add_argument("--strict", action="store_true", default=argparse.SUPPRESS)
    bld = sub.add_parser("build", help="render content/ into the site")
    bld.add_argument("--content")
    bld.add_argument("--out")
    bld.add_argument("--base-url")
    bld.add_argument("--site-url", help="absolute address of the published site (feed, sitemap)")
    bld.add_argument("--strict", action="store_true", default=argparse.SUPPRESS)
    for name in ("serve", "watch"):
        s = sub.add_parser(name, help="rebuild on every change" + (" and serve output/" if name == "serve" else ""))
        s.add_argument("--poll", action="store_true", help="poll the disk (network drives, Docker, WSL)")
        s.add_argument("--base-url")
        if name == "serve":
            s.add_argument("--port", type=int, default=8000)
            s.add_argument("--host", default="127.0.0.1")
    return p


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
        from site_builder.ingest import run_ingest

        config = config.with_overrides(seeds_dir=getattr(args, "seeds", None),
                                       content_dir=getattr(args, "content", None))
        report = run_ingest(config)
        print(report.summary(), file=sys.stderr)
        ingest_failed = bool(report.errors)
        if command == "ingest":
            return 1 if args.strict and ingest_failed else 0
        from site_builder.ingest import release_memory

        release_memory()
    if command in ("build", "all"):
        from site_builder.site import build_site

        config = config.with_overrides(content_dir=getattr(args, "content", None),
                                       output_dir=getattr(args, "out", None),
                                       base_url=getattr(args, "base_url", None),
                                       site_url=getattr(args, "site_url", None))
        result = build_site(config)
        print(result.summary(), file=sys.stderr)
        return 1 if (not result.ok or (args.strict and (result.errors or ingest_failed))) else 0
    if command in ("serve", "watch"):
        from site_builder.serve import run_dev

        config = config.with_overrides(base_url=args.base_url)
        return run_dev(config, serve=command == "serve", poll=args.poll,
                       host=getattr(args, "host", None), port=getattr(args, "port", None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
