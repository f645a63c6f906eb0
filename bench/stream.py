"""`python -m bench stream`: 1,000 open live streams beside the API's ordinary load.

Measured on the service as the Procfile runs it (gunicorn.conf.py: gevent workers):
- the API's p99 (GET one, wrk with the run's settings) with no stream open, then with
  BENCH_STREAMS streams open and events being written;
- how long after its `created_at` each event reached each subscribed stream (p50, p99);
- the Redis connections of each web process with 10 streams and with BENCH_STREAMS;
- the cost of an idle stream: the workers' memory (RSS) and CPU over STREAM_IDLE_SECONDS
  with no event, per stream.

The streams are spread over STREAM_ACCOUNTS accounts (their events are written round
robin, one every WRITE_INTERVAL seconds while wrk runs); STREAM_MAX_PER_KEY is raised so
that one key per account holds them all.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from typing import Any

from bench import results, wrk
from bench.rig import BASE, CREATE_BODY, Rig, request
from bench.scenarios import scenario
from bench.stream_probe import Streams, cpu_seconds, redis_connections, rss_bytes, worker_pids
from bench.targets import Outcome, Target, failed_requests
from harness.servers import wait_until

STREAM_ACCOUNTS = 10
WRITE_INTERVAL = 0.02
STREAM_IDLE_SECONDS = 5.0
OPEN_BATCH = 8
LATENCY_TARGET_MS = 200.0  # an event reaches every subscribed stream (p99)
P99_RATIO_TARGET = 2.0  # the API's p99 with the streams / without
CONNECTIONS_MARGIN = 10  # connections with BENCH_STREAMS streams <= with 10, + this


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _open(streams: Streams, secrets: list[str], count: int) -> None:
    """Open `count` streams, OPEN_BATCH at a time: clients arriving, not one burst (a burst
    of concurrent requests grows a worker's Redis pool, streams or none)."""
    for start in range(0, count, OPEN_BATCH):
        batch = min(OPEN_BATCH, count - start)
        for index in range(start, start + batch):
            streams.open(secrets[index % len(secrets)])
        wait_until(lambda s=start + batch: streams.opened >= s, timeout=120,
                   what=f"{start + batch} streams open")  # fmt: skip


def _workers(master: int, redis_port: int) -> dict[str, float]:
    pids = worker_pids(master)
    return {
        "connections": max(redis_connections(pid, redis_port) for pid in pids),
        "rss": sum(rss_bytes(pid) for pid in pids),
        "cpu": sum(cpu_seconds(pid) for pid in pids),
    }


def _write_events(url: str, secrets: list[str], stop: threading.Event) -> int:
    written = 0
    while not stop.wait(WRITE_INTERVAL):
        request(url, "POST", BASE, secrets[written % len(secrets)], CREATE_BODY)
        written += 1
    return written


@scenario("stream")
def stream(rig: Rig) -> Outcome:
    """BENCH_STREAMS open streams beside the API load (see the module's docstring)."""
    count = int(os.environ.get("BENCH_STREAMS") or 1000)
    secrets = [rig.populator.key(f"stream-{index}") for index in range(STREAM_ACCOUNTS)]
    found: dict[str, Any] = {"streams": count}
    service = rig.app("wsgi:app", {"STREAM_MAX_PER_KEY": str(count)})
    with rig.running(service):
        assert service.process is not None
        master, port = service.process.pid, service.port
        found["p99_without_ms"] = rig.drive(service.url, "get").p99_ms
        few, many = Streams(port), Streams(port)
        try:
            _open(few, secrets, 10)
            time.sleep(1.0)  # every worker's hub subscribed, its pool settled
            with_few = _workers(master, rig.redis.port)
            _open(many, secrets, count - 10)
            time.sleep(1.0)
            idle_start = _workers(master, rig.redis.port)
            time.sleep(STREAM_IDLE_SECONDS)
            idle_end = _workers(master, rig.redis.port)
            stop = threading.Event()
            writer = threading.Thread(target=_write_events, args=(service.url, secrets, stop))
            writer.start()
            loaded = rig.drive(service.url, "get")
            stop.set()
            writer.join()
            time.sleep(1.0)  # the last events reach their streams
            latencies = few.latencies_ms + many.latencies_ms
            found["alive"] = few.count() + many.count()
        finally:
            few.close()
            many.close()
    found.update({
        "p99_with_ms": loaded.p99_ms,
        "latency_p50_ms": statistics.median(latencies) if latencies else float("nan"),
        "latency_p99_ms": _percentile(latencies, 0.99),
        "deliveries": len(latencies),
        "connections_10": with_few["connections"],
        "connections_many": idle_start["connections"],
        "rss_per_stream": (idle_start["rss"] - with_few["rss"]) / max(1, count - 10),
        "cpu_per_stream_per_s": (idle_end["cpu"] - idle_start["cpu"])
        / STREAM_IDLE_SECONDS / count,
    })  # fmt: skip
    targets = [
        Target("event to stream p99", found["latency_p99_ms"], "<=", LATENCY_TARGET_MS, "ms"),
        Target(f"Redis connections of a worker, {count} streams vs 10 + {CONNECTIONS_MARGIN}",
               found["connections_many"], "<=", found["connections_10"] + CONNECTIONS_MARGIN),
        Target("API p99 with the streams / without", found["p99_with_ms"]
               / max(found["p99_without_ms"], 0.001), "<=", P99_RATIO_TARGET,
               failed_requests=failed_requests(loaded)),
    ]  # fmt: skip
    return Outcome(found, table(found), targets)


def table(found: dict[str, Any]) -> str:
    rows = [
        ["open streams (alive at the end)", f"{found['streams']} ({found['alive']})"],
        ["API GET one p99, no streams", f"{found['p99_without_ms']:.1f} ms"],
        ["API GET one p99, with the streams and events", f"{found['p99_with_ms']:.1f} ms"],
        ["event to stream, p50 / p99", f"{found['latency_p50_ms']:.1f} / "
         f"{found['latency_p99_ms']:.1f} ms ({found['deliveries']:,} deliveries)"],
        ["Redis connections of a worker, 10 streams", str(found["connections_10"])],
        [f"Redis connections of a worker, {found['streams']} streams",
         str(found["connections_many"])],
        ["idle stream: memory", f"{found['rss_per_stream'] / 1024:.1f} KiB"],
        ["idle stream: CPU", f"{found['cpu_per_stream_per_s'] * 1e6:.1f} µs a second"],
    ]  # fmt: skip
    return results.table(["measure", "value"], rows)


__all__ = ["stream", "wrk"]
