"""Where a request spends its time: Redis round trips and Python, endpoint by endpoint.

`python -m bench profile` runs the app in-process (Flask's test client) on a redis-server
of its own. For GET one, create, a transition, delete and list 25 it counts the round
trips each request makes (harness/roundtrips.py: a command or a pipeline is one; what a Lua
script runs inside Redis is none), then times a few hundred requests without a profiler
and once more under cProfile, and prints where the Python time goes.
"""

from __future__ import annotations

import contextlib
import cProfile
import itertools
import logging
import os
import pstats
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from app import create_app
from app.web import metrics
from bench.populate import Populator
from bench.rig import bench_redis
from harness.roundtrips import RoundTrips, calibrate
from harness.servers import ROOT

BASE = "/modules/messaging/conversations"
COUNTED = 20  # requests whose round trips are counted, per endpoint
REPEAT = 300  # requests timed (and then profiled), per endpoint
ROUNDS = 15
TOP = 12
PACKAGE_AREAS = {
    "flask": "Flask + werkzeug",
    "werkzeug": "Flask + werkzeug",
    "redis": "redis-py",
    "hiredis": "redis-py",
    "flask_limiter": "flask-limiter + limits",
    "limits": "flask-limiter + limits",
}


class Endpoints:
    """Each endpoint as (prepare, call): `prepare` runs unmeasured, `call` is one request."""

    def __init__(self, client: FlaskClient, secret: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {secret}"}
        self.one = self.create()
        self.moving = self.create()
        self.moves = itertools.cycle(["archive", "reopen"])

    def send(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.client.open(path, method=method, headers=self.headers, **kwargs)
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.data[:300]!r}")
        return response.get_json()

    def create(self) -> str:
        return str(self.send("POST", BASE, json={"title": "Profiled"})["data"]["id"])

    def table(self) -> dict[str, tuple[Callable[[], str], Callable[[str], Any]]]:
        def nothing() -> str:
            return ""

        return {
            "GET one": (nothing, lambda _: self.send("GET", f"{BASE}/{self.one}")),
            "create": (nothing, lambda _: self.create()),
            "transition": (
                lambda: next(self.moves),
                lambda move: self.send("POST", f"{BASE}/{self.moving}/{move}"),
            ),
            "delete": (self.create, lambda id_: self.send("DELETE", f"{BASE}/{id_}")),
            "list 25": (nothing, lambda _: self.send("GET", BASE + "?limit=25")),
        }


def area(filename: str, function: str) -> str:
    """Which part of the stack a profiled function belongs to."""
    if filename == "~":
        return "socket I/O (waiting on Redis)" if "_socket" in function else "built-ins"
    if "/site-packages/" in filename:
        package = filename.split("/site-packages/", 1)[1].split("/", 1)[0].split(".")[0]
        return PACKAGE_AREAS.get(package, package)
    if "/app/" in filename:
        return "app/"
    if "/logging/" in filename:
        return "logging"
    if "/lib/python3" in filename or filename.startswith("<frozen"):
        return "standard library"
    return "bench (the test client's calls)" if "/bench/" in filename else "other"


def areas(stats: pstats.Stats) -> Counter[str]:
    """Own time (tottime) summed by area."""
    found: Counter[str] = Counter()
    for (filename, _, function), row in stats.stats.items():  # type: ignore[attr-defined]
        found[area(filename, function)] += row[2]
    return found


def top_functions(stats: pstats.Stats, repeat: int) -> list[str]:
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])  # type: ignore[attr-defined]
    lines = []
    for (filename, line, function), row in rows[:TOP]:
        where = filename.split("/site-packages/")[-1].removeprefix(f"{ROOT}/")
        lines.append(f"    {row[2] / repeat * 1e6:7.1f} µs  {row[1] / repeat:5.1f} calls  "
                     f"{where}:{line}({function})")  # fmt: skip
    return lines


def measure(prepare: Callable[[], str], call: Callable[[str], Any]) -> dict[str, Any]:
    """Round trips of COUNTED requests; then wall and CPU time of REPEAT, then a profile."""
    for _ in range(3):  # scripts loaded, connections open
        call(prepare())
    trips: list[list[list[str]]] = []
    with RoundTrips() as counter:
        for _ in range(COUNTED):
            argument = prepare()
            counter.take()
            call(argument)
            trips.append(counter.take())
    wall = cpu = 0.0
    for _ in range(REPEAT):
        argument = prepare()
        started, started_cpu = time.perf_counter(), time.process_time()
        call(argument)
        wall += time.perf_counter() - started
        cpu += time.process_time() - started_cpu
    profiler = cProfile.Profile()
    for _ in range(REPEAT):
        argument = prepare()
        profiler.enable()
        call(argument)
        profiler.disable()
    counts = [len(request) for request in trips]
    return {
        "round_trips": statistics.mean(counts), "round_trips_range": [min(counts), max(counts)],
        "commands": trips[-1], "wall_ms": wall / REPEAT * 1000, "cpu_ms": cpu / REPEAT * 1000,
        "stats": pstats.Stats(profiler),
    }  # fmt: skip


def _cpu_per_request(prepare: Callable[[], str], call: Callable[[str], Any], count: int) -> float:
    """The mean CPU time of `count` requests, in µs."""
    spent = 0.0
    for _ in range(count):
        argument = prepare()
        started = time.process_time()
        call(argument)
        spent += time.process_time() - started
    return spent / count * 1e6


def observability_cost(prepare: Callable[[], str], call: Callable[[str], Any]) -> dict[str, float]:
    """CPU per request with the access log and metrics on, then without each (µs).

    The three settings take turns, round after round, and each keeps its median round: a
    busy machine slows all three alike instead of whichever ran while it was busy.
    """
    access = logging.getLogger("saasignal.access")
    level, record = access.level, metrics.record

    def no_metrics(*args: Any, **kwargs: Any) -> None:
        pass

    settings = {"both": (logging.INFO, record), "log only": (logging.INFO, no_metrics),
                "neither": (logging.WARNING, no_metrics)}  # fmt: skip
    rounds: dict[str, list[float]] = {name: [] for name in settings}
    try:
        with open(os.devnull, "w") as sink, contextlib.redirect_stderr(sink):
            for _ in range(ROUNDS):
                for name, (log_level, recorder) in settings.items():
                    access.setLevel(log_level)
                    metrics.record = recorder  # type: ignore[assignment]
                    rounds[name].append(_cpu_per_request(prepare, call, REPEAT // 3))
    finally:
        access.setLevel(level)
        metrics.record = record  # type: ignore[assignment]
    median = {name: statistics.median(values) for name, values in rounds.items()}
    return {
        "with both": median["both"],
        "metrics": median["both"] - median["log only"],
        "access log": median["log only"] - median["neither"],
    }


def report(found: dict[str, dict[str, Any]]) -> str:
    lines = ["Redis round trips per request (a command or a pipeline is one):"]
    for name, row in found.items():
        low, high = row["round_trips_range"]
        count = f"{low}" if low == high else f"{low}–{high} (mean {row['round_trips']:.2f})"
        lines.append(f"  {name}: {count}")
        lines += [f"      {i}. " + " + ".join(trip) for i, trip in enumerate(row["commands"], 1)]
    lines += ["", f"In-process time per request ({REPEAT} requests; test client included):"]
    for name, row in found.items():
        shares = areas(row["stats"])
        total = sum(shares.values()) or 1.0
        split = ", ".join(f"{part} {value / total:.0%}" for part, value in shares.most_common(5))
        lines.append(f"  {name}: {row['wall_ms']:.2f} ms wall, {row['cpu_ms']:.2f} ms CPU; "
                     f"profiled own time: {split}")  # fmt: skip
    cost = found["GET one"].get("observability")
    if cost:
        heading = f"What the access log and metrics cost a GET (CPU, medians of {ROUNDS} rounds):"
        lines += ["", heading,
                  f"  {cost['with both']:.0f} µs a request with both; the access log "
                  f"{cost['access log']:.0f} µs, the metrics {cost['metrics']:.0f} µs"]  # fmt: skip
    lines += ["", f"GET one, the {TOP} functions with the most own time (per request, profiled):"]
    lines += top_functions(found["GET one"]["stats"], REPEAT)
    return "\n".join(lines)


def run() -> tuple[str, dict[str, Any]]:
    """Profile the five endpoints; return the report and the figures."""
    logging.getLogger("saasignal.access").setLevel(logging.WARNING)  # not part of the answer
    server = bench_redis()
    try:
        calibrate(server.url)
        populator = Populator(server.url, "saasignal")
        secret = populator.key("prof")
        populator.fill("prof", 30)
        populator.close()
        app = create_app({"redis_url": server.url, "rate_limit": "1000000 per second"})
        endpoints = Endpoints(app.test_client(), secret)
        found = {name: measure(*pair) for name, pair in endpoints.table().items()}
        found["GET one"]["observability"] = observability_cost(*endpoints.table()["GET one"])
    finally:
        server.stop()
    figures = {
        name: {key: value for key, value in row.items() if key != "stats"}
        for name, row in found.items()
    }
    return report(found), figures
