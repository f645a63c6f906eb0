"""The measurements, one scenario each; a mode of `python -m bench` runs a list of them.

A scenario is a function of the Rig (bench/rig.py) that returns an Outcome: its figures
(saved as JSON), its table (printed as soon as it is measured) and the Targets it checks,
which the run gathers into one table of ✓ and ✗ at the end. To add one, write

    @scenario("events_feed")
    def events_feed(rig: Rig) -> Outcome: ...

here or in a module of its own that bench/__main__.py imports, and add its name to the
modes in MODES.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.vocabulary import EVENTS_PATH
from bench import results, wrk
from bench.jsonserver import ROWS as JSON_SERVER_ROWS
from bench.jsonserver import SMALL_ROWS as JSON_SERVER_SMALL_ROWS
from bench.jsonserver import VERSION as JSON_SERVER_VERSION
from bench.jsonserver import JsonServer
from bench.rig import BASE, ENDPOINT_NAMES, ENDPOINTS, Rig
from bench.targets import Outcome, Target, failed_requests

BARE_APP = "bench.bare_app:app"
# The round trips every request is left with (docs/errors.md, docs/internals/keyspace.md): the
# key lookup with the rate limiter's counter in one pipeline, then the operation's one script.
FLOOR_ROUNDTRIPS = 1  # docs/errors.md: one pipeline a request once the secret is known
BARE_TARGETS = {"get": 0.55, "create": 0.50, "list": 0.50}  # service / bare app, req/s
PEER_TARGETS = {"get": (">", 1.0), "list": (">=", 5.0)}  # service / json-server, req/s
# p99 may not get worse than the figures of bench/RESULTS.md (the run of 2026-11-26, 14:12 UTC, on
# this project's AMD EPYC machine; the older 9.9 / 12.5 / 14.6 ms came from another one).
P99_BEFORE_MS = {"get": 20.3, "create": 24.3, "list": 24.7}
LIST_SCALING_TARGET = 1.3  # page time, 1,000,000 conversations vs 100
# Bytes of Redis memory per conversation, its events excluded, every index included
# (docs/conversations.md: the inbox indexes brought it from 586 to about 930).
MEMORY_TARGET = 1000
# feed page time, BENCH_EVENTS events vs 100 (docs/conversations.md, docs/events.md)
EVENTS_SCALING_TARGET = 1.3
EVENT_MEMORY_TARGET = 1024  # bytes of Redis memory per event (docs/events.md)
EVENTS = EVENTS_PATH + "?limit=25"
# A filter no event of a populated account matches: each page reads its whole budget.
EVENTS_UNMATCHED = EVENTS + "&type=conversation.deleted"

Scenario = Callable[[Rig], Outcome]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    """Register a scenario under `name`."""

    def register(function: Scenario) -> Scenario:
        SCENARIOS[name] = function
        return function

    return register


MODES: dict[str, list[str]] = {
    "all": [
        "memory",
        "throughput",
        "list_scaling",
        "inbox",
        "writes",
        "events_feed",
        "webhooks",
        "webhooks_scale",
    ],
    "quick": ["memory", "throughput", "list_scaling", "inbox", "writes", "events_feed", "webhooks"],
    "workers": ["workers"],
}


def _ratio(ours: wrk.Result, theirs: wrk.Result) -> float:
    return ours.rps / theirs.rps if theirs.rps else 0.0


@scenario("throughput")
def throughput(rig: Rig) -> Outcome:
    """GET one, create and list 25 on the service, the bare app, the floor and json-server.

    The bare app sends the service's own responses back with no work; the floor is the
    bare app plus FLOOR_ROUNDTRIPS Redis PINGs a request, the most any implementation of
    the contract could serve here. All run side by side; each endpoint is measured on
    each server in turn, so a burst of other load falls on neighbours, not on one column.
    """
    rows: dict[str, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        service = stack.enter_context(rig.running(rig.service()))
        bodies = rig.sample_bodies(service.url)
        folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="saasignal-bench-"))
        path = Path(folder) / "bodies.json"
        path.write_text(json.dumps(bodies), encoding="utf-8")
        bare_env = {"BENCH_BARE_BODIES": str(path)}
        bare = stack.enter_context(rig.running(rig.app(BARE_APP, bare_env)))
        floor_env = {**bare_env, "BENCH_BARE_ROUNDTRIPS": str(FLOOR_ROUNDTRIPS)}
        floor = stack.enter_context(rig.running(rig.app(BARE_APP, floor_env)))
        peer = stack.enter_context(rig.running(JsonServer(bodies["get"]["data"])))
        small_peer = JsonServer(bodies["get"]["data"], rows=JSON_SERVER_SMALL_ROWS)
        small_peer = stack.enter_context(rig.running(small_peer))
        peer_paths = {"get": peer.get_path, "list": peer.list_path}
        for endpoint in ENDPOINTS:
            rows[endpoint] = {
                "service": rig.drive(service.url, endpoint),
                "bare": rig.drive(bare.url, endpoint),
                "floor": rig.drive(floor.url, endpoint),
            }
            if endpoint in peer_paths:
                rows[endpoint]["json_server"] = rig.measure(peer.url + peer_paths[endpoint])
            if endpoint == "list":
                # Reported, no target: how much of the ratio above is json-server's sort.
                rows[endpoint]["json_server_small"] = rig.measure(small_peer.url + peer.list_path)
    targets = []
    for endpoint, row in rows.items():
        name = ENDPOINT_NAMES[endpoint]
        row["ratio"] = _ratio(row["service"], row["bare"])
        row["target"] = BARE_TARGETS[endpoint]
        row["floor_ratio"] = _ratio(row["floor"], row["bare"])
        failed = failed_requests(row["service"], row["bare"])
        targets.append(Target(f"{name}: service / bare Flask", row["ratio"], ">=",
                              BARE_TARGETS[endpoint], failed_requests=failed))  # fmt: skip
        if "json_server" in row:
            row["peer_ratio"] = _ratio(row["service"], row["json_server"])
            goal, bound = row["peer_target"] = PEER_TARGETS[endpoint]
            failed = failed_requests(row["service"], row["json_server"])
            targets.append(Target(f"{name}: service / json-server", row["peer_ratio"], goal, bound,
                                  failed_requests=failed))  # fmt: skip
        if "json_server_small" in row:
            row["peer_ratio_small"] = _ratio(row["service"], row["json_server_small"])
            row["small_rows"] = JSON_SERVER_SMALL_ROWS
    targets += [
        Target(f"{ENDPOINT_NAMES[endpoint]}: service p99 (RESULTS.md, 2026-11-26: {bound} ms)",
               rows[endpoint]["service"].p99_ms, "<=", bound, "ms",
               failed_requests=failed_requests(rows[endpoint]["service"]))
        for endpoint, bound in P99_BEFORE_MS.items()
    ]  # fmt: skip
    peer_name = f"json-server {JSON_SERVER_VERSION} ({JSON_SERVER_ROWS:,} rows)"
    table = results.throughput(rows, FLOOR_ROUNDTRIPS, peer_name)
    return Outcome({"floor_roundtrips": FLOOR_ROUNDTRIPS, "endpoints": rows}, table, targets)


@scenario("list_scaling")
def list_scaling(rig: Rig) -> Outcome:
    """Page time of `GET …?limit=25` for an account of BENCH_BIG conversations vs 100."""
    big, small = int(rig.options["big"]), 100
    fill_seconds = rig.populator.fill("big", big)
    rig.populator.fill("small", small)
    secrets = {"big": rig.populator.key("big"), "small": rig.populator.key("small")}
    single = wrk.Load(rig.load.seconds, connections=1, threads=1)
    with rig.running(rig.service()) as service:
        found: dict[str, Any] = {
            name: wrk.run(service.url + BASE + "?limit=25", single, secret=secret)
            for name, secret in secrets.items()
        }
    found.update({
        "sizes": {"big": big, "small": small}, "fill_seconds": fill_seconds,
        # p50: on a shared machine the mean follows other processes' bursts, not Redis.
        "ratio": found["big"].p50_ms / found["small"].p50_ms,
        "mean_ratio": found["big"].mean_ms / found["small"].mean_ms,
    })  # fmt: skip
    target = Target(f"list page p50, {big:,} vs {small} conversations", found["ratio"], "<=",
                    LIST_SCALING_TARGET,
                    failed_requests=failed_requests(found["big"], found["small"]))  # fmt: skip
    return Outcome(found, results.list_scaling(found), [target])


@scenario("memory")
def memory(rig: Rig) -> Outcome:
    """used_memory growth per conversation over BENCH_MEMORY_N conversations.

    The conversation alone: its `conversation.created` event is weighed by events_feed.
    """
    count = int(rig.options["memory_n"])
    started = time.perf_counter()
    per = rig.populator.bytes_per_conversation("memory", count)
    found = {"count": count, "bytes": per, "seconds": time.perf_counter() - started}
    target = Target("Redis memory per conversation", per, "<=", MEMORY_TARGET, "bytes")
    return Outcome(found, results.memory(found), [target])


@scenario("events_feed")
def events_feed(rig: Rig) -> Outcome:
    """Feed page time, BENCH_EVENTS events vs 100, and Redis memory per event.

    Each conversation created writes one `conversation.created` event, so an account of N
    conversations holds N events. `GET /events?limit=25` is timed on both accounts, and on
    the big one with a filter that matches nothing (every page reads its whole 1,000-event
    budget: the slowest page there is); then the big account's stream is weighed.
    """
    big, small = int(rig.options["events"]), 100
    fill_seconds = rig.populator.fill("events-big", big)
    rig.populator.fill("events-small", small)
    secrets = {"big": rig.populator.key("events-big"), "small": rig.populator.key("events-small")}
    single = wrk.Load(rig.load.seconds, connections=1, threads=1)
    with rig.running(rig.service()) as service:
        found: dict[str, Any] = {
            name: wrk.run(service.url + EVENTS, single, secret=secret)
            for name, secret in secrets.items()
        }
        found["unmatched"] = wrk.run(service.url + EVENTS_UNMATCHED, single, secret=secrets["big"])
    found.update({
        "sizes": {"big": big, "small": small}, "fill_seconds": fill_seconds,
        "ratio": found["big"].p50_ms / found["small"].p50_ms,
        "mean_ratio": found["big"].mean_ms / found["small"].mean_ms,
        "bytes": rig.populator.bytes_per_event("events-big"),
    })  # fmt: skip
    weight = found["bytes"]
    targets = [
        Target(f"events page p50, {big:,} vs {small} events", found["ratio"], "<=",
               EVENTS_SCALING_TARGET,
               failed_requests=failed_requests(found["big"], found["small"])),
        # The larger of the two weighings: allocator overhead counted either way.
        Target("Redis memory per event", max(weight["freed"], weight["memory_usage"]), "<=",
               EVENT_MEMORY_TARGET, "bytes"),
    ]  # fmt: skip
    return Outcome(found, results.events_feed(found), targets)


def worker_classes() -> list[tuple[str, list[str]]]:
    """Worker classes and counts to compare: (name, gunicorn arguments)."""
    cores = os.cpu_count() or 1

    def workers(worker_class: str, count: int, *extra: str) -> list[str]:
        return ["--worker-class", worker_class, "--workers", str(count), *extra]

    classes = [
        (f"sync, {cores} workers", workers("sync", cores, "--threads", "1")),
        (f"sync, {2 * cores} workers", workers("sync", 2 * cores, "--threads", "1")),
        (f"sync, {3 * cores} workers", workers("sync", 3 * cores, "--threads", "1")),
        (f"gthread, {cores} workers x 4 threads", workers("gthread", cores, "--threads", "4")),
        (f"gthread, {cores} workers x 8 threads", workers("gthread", cores, "--threads", "8")),
    ]
    if importlib.util.find_spec("gevent") is None:
        print("bench: gevent is not installed (pip install '.[gevent]'): skipped", flush=True)
    else:
        gevent = workers("gevent", cores, "--worker-connections", "100")
        classes.append((f"gevent, {cores} workers", gevent))
        # The shipped default (gunicorn.conf.py): two a core, as sync's was.
        shipped = workers("gevent", 2 * cores, "--worker-connections", "1000")
        classes.append((f"gevent, {2 * cores} workers", shipped))
    return classes


@scenario("workers")
def workers(rig: Rig) -> Outcome:
    """The three endpoints on the service under each worker class and count."""
    rows = []
    for name, extra in worker_classes():
        with rig.running(rig.service(extra)) as service:
            measured = {endpoint: rig.drive(service.url, endpoint) for endpoint in ENDPOINTS}
        rows.append({"workers": name, **measured})
    return Outcome({"rows": rows}, results.worker_classes(rows))
