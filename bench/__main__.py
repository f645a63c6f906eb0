"""Benchmark the service: `make bench`, or `python -m bench [MODE]`.

Modes:
    all      (default) memory per conversation; GET one / create / list 25 on the service
             beside a bare Flask app, the floor (the bare app plus two Redis round trips)
             and json-server 0.17.4 over 20,000 rows; list page time in a
             1,000,000-conversation account vs a 100 one; events feed page time in a
             100,000-event account vs a 100 one, and memory per event; webhook
             first-attempt latency and deliveries per second of one worker
             (bench/webhooks.py); idle cost of 4 workers at 1 to 10,000 accounts, first
             attempts among them, a slow endpoint, a noisy account beside a quiet one
             (bench/webhooks_scale.py); create, PATCH and close/reopen throughput
             (bench/writes.py; with BENCH_BEFORE, beside that git revision); then every
             target, ✓ or ✗
    quick    the same, short and small (a smoke run of the harness)
    workers  the service under each gunicorn worker class and count (sync, gthread, gevent)
    profile  Redis round trips per request and a Python profile, for GET one, create, a
             transition, delete and list 25 (bench/profile.py)
    stream   BENCH_STREAMS (1000) live streams open beside the API load: event-to-stream
             p99, Redis connections per web process, API p99 with and without, idle
             stream cost (bench/stream.py; not part of `all`)
    <name>   one scenario: throughput, list_scaling, inbox, memory, writes, events_feed,
             webhooks, webhooks_scale, workers, stream (BENCH_QUICK=1 gives it the quick
             mode's settings)

Options (environment): BENCH_DURATION seconds per wrk run (10; quick 3),
BENCH_CONNECTIONS (16), BENCH_THREADS wrk threads (2), BENCH_BIG conversations in the
big account (1000000; quick 20000), BENCH_MEMORY_N (100000; quick 20000), BENCH_EVENTS
events in the big events account (100000; quick 20000), BENCH_WEBHOOK_WRITES writes timed
for the first-attempt latency (1000; quick 200), BENCH_WEBHOOK_EVENTS events waiting for
the deliveries-per-second runs (2000), BENCH_QUICK=1 (same as the quick
mode; with a scenario's name, that scenario with the quick mode's settings), BENCH_CACHE
where json-server is installed (bench/.cache), BENCH_BEFORE a git revision the writes
scenario measures beside this one (none), WEB_CONCURRENCY gunicorn workers (default:
gunicorn.conf.py's).
Needs redis-server, wrk, node and npm; starts its own processes on free ports and stops them.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from bench import inbox as _inbox  # noqa: F401 (registers its scenario)
from bench import jsonserver, profile, results, targets, wrk
from bench import stream as _stream  # noqa: F401 (registers its scenario)
from bench import webhooks as _webhooks  # noqa: F401 (registers its scenario)
from bench import webhooks_scale as _webhooks_scale  # noqa: F401 (registers its scenario)
from bench import writes as _writes  # noqa: F401 (registers its scenario)
from bench.rig import Rig, bench_redis
from bench.scenarios import MODES, SCENARIOS


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
        "events": int(_number("BENCH_EVENTS", 20_000 if quick else 100_000)),
        "webhook_writes": int(_number("BENCH_WEBHOOK_WRITES", 200 if quick else 1000)),
        "webhook_events": int(_number("BENCH_WEBHOOK_EVENTS", 2000)),
        "web_concurrency": os.environ.get("WEB_CONCURRENCY") or "gunicorn.conf.py's default",
    }


def run(mode: str, options: dict[str, Any]) -> str:
    """Run a mode's scenarios, printing each table as it is measured; return the report."""
    load = wrk.Load(options["duration"], options["connections"], options["threads"])
    sections = [f"machine: {results.machine()}", f"settings: {options}"]
    busy = results.busy()
    if busy:
        sections.append(busy)
    print("\n\n".join(sections), flush=True)
    found: dict[str, Any] = {}
    checked: list[targets.Target] = []
    names = MODES.get(mode, [mode])
    if "throughput" in names:
        jsonserver.install()  # before anything is measured: npm is busy for a few seconds
    redis_server = bench_redis()
    rig = None
    try:
        rig = Rig(redis_server, load, options)
        for name in names:
            outcome = SCENARIOS[name](rig)
            found[name] = outcome.figures
            checked += outcome.targets
            sections.append(f"## {name}\n\n{outcome.table}")
            print("\n" + sections[-1], flush=True)
    finally:
        if rig is not None:
            rig.close()
        redis_server.stop()
    if checked:
        found["targets"] = checked
        sections.append("## targets\n\n" + targets.table(checked) + (f"\n\n{busy}" if busy else ""))
        print("\n" + sections[-1], flush=True)
    sections.append(f"machine after: {results.machine()}")
    path = results.save(mode, options, found, "\n\n".join(sections))
    return f"{sections[-1]}\n\nwritten to {path}"


def main(argv: list[str]) -> None:
    mode = argv[0] if argv else ("quick" if os.environ.get("BENCH_QUICK") == "1" else "all")
    if mode != "profile" and mode not in MODES and mode not in SCENARIOS:
        known = [*MODES, "profile", *(name for name in SCENARIOS if name not in MODES)]
        raise SystemExit(f"bench: unknown mode {mode!r}; one of {', '.join(known)}")
    if mode == "profile":
        text, figures = profile.run()
        print(text)
        print(f"\nwritten to {results.save(mode, {}, figures, text)}")
        return
    wrk.require_wrk()
    quick = mode == "quick" or os.environ.get("BENCH_QUICK") == "1"
    print("\n" + run(mode, settings(quick=quick)))


if __name__ == "__main__":
    main(sys.argv[1:])
