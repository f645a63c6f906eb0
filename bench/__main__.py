"""Benchmark the service: `make bench`, or `python -m bench [MODE]`.

Modes:
    all      (default) service vs a bare Flask app for GET one / create / list 25,
             list page time in a 1,000,000-conversation account vs a 100 one,
             Redis memory per conversation
    quick    the same, short and small (a smoke run of the harness)
    workers  the service under each gunicorn worker class and count (sync, gthread, gevent)
    profile  Redis round trips per request and a Python profile, for GET one, create, a
             transition, delete and list 25 (bench/profile.py)

Options (environment): BENCH_DURATION seconds per wrk run (10; quick 3),
BENCH_CONNECTIONS (16), BENCH_THREADS wrk threads (2), BENCH_BIG conversations in the
big account (1000000; quick 20000), BENCH_MEMORY_N (100000; quick 20000), BENCH_QUICK=1
(same as the quick mode), WEB_CONCURRENCY gunicorn workers (default: gunicorn.conf.py's).
Needs redis-server and wrk; starts its own processes on free ports and stops them.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

from bench import results, wrk
from bench.scenarios import Bench
from bench.servers import start_redis

MODES = ("all", "quick", "workers", "profile")
CORES = os.cpu_count() or 1


def _workers(worker_class: str, count: int, *extra: str) -> list[str]:
    return ["--worker-class", worker_class, "--workers", str(count), *extra]


WORKER_CLASSES: list[tuple[str, list[str]]] = [
    (f"sync, {CORES} workers", _workers("sync", CORES, "--threads", "1")),
    (f"sync, {2 * CORES} workers", _workers("sync", 2 * CORES, "--threads", "1")),
    (f"sync, {3 * CORES} workers", _workers("sync", 3 * CORES, "--threads", "1")),
    (f"gthread, {CORES} workers x 4 threads", _workers("gthread", CORES, "--threads", "4")),
    (f"gthread, {CORES} workers x 8 threads", _workers("gthread", CORES, "--threads", "8")),
    (f"gevent, {CORES} workers", _workers("gevent", CORES, "--worker-connections", "100")),
]


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    try:
        return float(raw) if raw else default
    except ValueError:
        raise SystemExit(f"bench: {name}={raw!r} is not a number") from None


def settings(quick: bool) -> dict[str, Any]:
    """The run's options from the environment."""
    return {
        "duration": _number("BENCH_DURATION", 3 if quick else 10),
        "connections": int(_number("BENCH_CONNECTIONS", 16)),
        "threads": int(_number("BENCH_THREADS", 2)),
        "big": int(_number("BENCH_BIG", 20_000 if quick else 1_000_000)),
        "memory_n": int(_number("BENCH_MEMORY_N", 20_000 if quick else 100_000)),
        "web_concurrency": os.environ.get("WEB_CONCURRENCY") or "gunicorn.conf.py's default",
    }


def run(mode: str, options: dict[str, Any]) -> str:
    """Run a mode; return its report."""
    load = wrk.Load(options["duration"], options["connections"], options["threads"])
    redis_server = start_redis()
    bench = Bench(redis_server, load)
    sections = [f"machine: {results.machine()}", f"settings: {options}"]
    found: dict[str, Any] = {}
    try:
        if mode == "workers":
            classes = WORKER_CLASSES
            if importlib.util.find_spec("gevent") is None:
                print("bench: gevent is not installed (pip install '.[gevent]'): skipped")
                classes = classes[:-1]
            found["workers"] = bench.worker_classes(classes)
            sections.append(results.worker_classes(found["workers"]))
        else:
            found["memory"] = bench.memory(options["memory_n"])
            sections.append(results.memory(found["memory"]))
            print(sections[-1], flush=True)
            found["throughput"] = bench.service_vs_bare()
            sections.append(results.service_vs_bare(found["throughput"]))
            print(sections[-1], flush=True)
            found["list_scaling"] = bench.list_scaling(options["big"])
            sections.append(results.list_scaling(found["list_scaling"]))
    finally:
        bench.close()
        redis_server.stop()
    sections.append(f"machine after: {results.machine()}")
    text = "\n\n".join(sections)
    path = results.save(mode, options, found, text)
    return text + f"\n\nwritten to {path}"


def main(argv: list[str]) -> None:
    mode = argv[0] if argv else ("quick" if os.environ.get("BENCH_QUICK") == "1" else "all")
    if mode not in MODES:
        raise SystemExit(f"bench: unknown mode {mode!r}; one of {', '.join(MODES)}")
    if mode == "profile":
        from bench.profile import run as profile_run

        text, figures = profile_run()
        print(text)
        print(f"\nwritten to {results.save(mode, {}, figures, text)}")
        return
    wrk.require_wrk()
    print(run(mode, settings(quick=mode == "quick")))


if __name__ == "__main__":
    main(sys.argv[1:])
