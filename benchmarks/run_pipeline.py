#!/usr/bin/env python3
"""Run ingest and/or build once in this process and print one JSON line of measurements.

  python benchmarks/run_pipeline.py --repo REPO --root PROJECT [--mode all|ingest|build]

bench_build.py starts this in a fresh interpreter per scenario, so a cold run pays for every
import and for jieba's dictionary load, and the peak memory is that of one build. It does what
`python build.py --root PROJECT` does (ingest, then build), timing each call and picking up
whatever stage timings the reports carry. Modules that do not exist yet are reported, not fatal.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import sys
import time
import traceback
from pathlib import Path

RESULT_PREFIX = "BENCH-RESULT "
TIMING_ATTRS = ("timings", "stage_timings", "stage_times", "stages", "durations", "times", "profile")
NAME_KEYS = ("name", "stage", "label")
SECONDS_KEYS = ("seconds", "elapsed", "duration", "time", "secs")


def stage_timings(report: object) -> dict[str, float]:
    """Stage -> seconds from whatever shape a report uses: a dict, (name, seconds) pairs, or
    objects with a name and a duration. Keys ending in _ms are converted to seconds."""
    out: dict[str, float] = {}
    for attr in TIMING_ATTRS:
        value = getattr(report, attr, None)
        if callable(value):
            try:
                value = value()
            except Exception:  # a method that wants arguments is not what we look for
                continue
        if value is None:
            continue
        items = value.items() if isinstance(value, dict) else value
        try:
            for item in items:
                name, secs = _name_and_seconds(item)
                if name is not None and secs is not None:
                    out[name] = secs
        except TypeError:
            continue
    return out


def _name_and_seconds(item) -> tuple[str | None, float | None]:
    if isinstance(item, tuple) and len(item) == 2:
        name, value = item
    else:
        name = next((getattr(item, k) for k in NAME_KEYS if hasattr(item, k)), None)
        value = next((getattr(item, k) for k in SECONDS_KEYS if hasattr(item, k)), None)
    if isinstance(value, dict):  # nested: {"render": {"seconds": 1.2, ...}}
        value = next((value[k] for k in SECONDS_KEYS if k in value), None)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, None
    name = str(name)
    if name.endswith("_ms"):
        return name[:-3], float(value) / 1000
    return name, float(value)


def counters(report: object) -> dict[str, float]:
    """Numeric fields of a report (pages written, files unchanged, cache hits ...)."""
    try:
        data = (dataclasses.asdict(report) if dataclasses.is_dataclass(report) else vars(report))
    except TypeError:
        return {}
    return {k: v for k, v in data.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and not k.startswith("_")}


def _count(value) -> int:
    try:
        return len(value)
    except TypeError:
        return int(bool(value))


def ingest_module(repo: str) -> str:
    """Where run_ingest lives: site_builder/ingest/run.py, or ingest.py in checkouts before the
    ingest modules moved into a package (so old commits can be measured too)."""
    if (Path(repo) / "site_builder" / "ingest" / "run.py").is_file():
        return "site_builder.ingest.run"
    return "site_builder.ingest"


def run(repo: str, root: str, mode: str) -> dict:
    sys.path.insert(0, repo)
    result: dict = {"mode": mode, "steps": {}, "stages": {}, "counters": {}, "summary": {}, "error": None}
    start = time.perf_counter()
    try:
        from site_builder.config import load_config

        config = load_config(root)
        steps = []
        if mode in ("all", "ingest"):
            steps.append(("ingest", ingest_module(repo), "run_ingest"))
        if mode in ("all", "build"):
            steps.append(("build", "site_builder.build.site" if (Path(repo) / "site_builder" / "build" / "site.py").is_file()
                          else "site_builder.site", "build_site"))  # older checkouts
        for step, module_name, func_name in steps:
            t0 = time.perf_counter()
            module = __import__(module_name, fromlist=[func_name])
            t1 = time.perf_counter()
            report = getattr(module, func_name)(config)
            t2 = time.perf_counter()
            result["steps"][f"{step}.import"] = t1 - t0
            result["steps"][step] = t2 - t1
            result["stages"].update({f"{step}.{k}": v for k, v in stage_timings(report).items()})
            result["counters"].update({f"{step}.{k}": v for k, v in counters(report).items()})
            summary = getattr(report, "summary", None)
            result["summary"][step] = summary() if callable(summary) else str(report)[:500]
            errors = getattr(report, "errors", None)
            result["counters"][f"{step}.errors"] = _count(errors) if errors is not None else 0
            if getattr(report, "ok", True) is False:
                result["error"] = f"{step} reported failure: {result['summary'][step][:500]}"
                break
            if step == "ingest" and mode == "all":  # as build.py does between the two
                release = getattr(module, "release_memory", None)
                if release is not None:
                    t3 = time.perf_counter()
                    release()
                    result["steps"]["release"] = time.perf_counter() - t3
    except Exception as exc:  # report and measure what ran, do not crash the benchmark
        result["error"] = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=6)}"
    result["wall"] = time.perf_counter() - start
    # ru_maxrss is in KiB on Linux; children = worker processes the build started and waited for
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["peak_rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", required=True, help="checkout whose site_builder is measured")
    ap.add_argument("--root", required=True, help="project folder holding site.toml and seeds/")
    ap.add_argument("--mode", choices=("all", "ingest", "build"), default="all")
    a = ap.parse_args(argv)
    result = run(a.repo, a.root, a.mode)
    sys.stdout.flush()
    print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if result["error"] else 0


if __name__ == "__main__":
    sys.exit(main())
