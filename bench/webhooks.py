"""The webhook scenario: first-attempt latency and deliveries per second of one worker.

One `saasignal worker` (the installed console script, default concurrency) runs on the
bench's redis-server with a loopback receiver that answers 200 at once and notes when
each `webhook-id` first arrived.

- **Latency**: conversations are created through the service (gunicorn) one at a time,
  every LATENCY_GAP_SECONDS; for each, the time from its event's `created_at` (the Redis
  server's clock at the write, same host) to its first attempt reaching the receiver.
  docs/webhooks.md: a first attempt starts within a second of the write.
- **Deliveries per second**: BENCH_WEBHOOK_EVENTS events (created by the real write
  script through the Populator's pipeline) wait for one endpoint, then the worker is
  started; the rate is the deliveries between the first and the last arrival over that
  time. First attempts to one endpoint go one at a time, in event order (docs/webhooks.md), so
  this is one endpoint's ceiling; the same number spread over ENDPOINTS endpoints shows
  the worker's own.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from app.store.keyspace import Keyspace
from app.store.webhook_endpoints import WebhookEndpointStore
from bench import results
from bench.rig import BASE, PREFIX, Rig, request
from bench.scenarios import scenario
from bench.targets import Outcome, Target
from harness.servers import wait_until

SAASIGNAL = Path(sys.executable).parent / "saasignal"
LATENCY_GAP_SECONDS = 0.02
FIRST_ATTEMPT_TARGET_MS = 1000.0  # docs/webhooks.md
ENDPOINTS = 8


class Receiver:
    """A loopback HTTP/1.1 server that answers 200 and notes when each (path, webhook-id)
    first arrived, and its event's `created_at`."""

    def __init__(self) -> None:
        self.arrived: dict[tuple[str, str], float] = {}
        self.created: dict[tuple[str, str], str] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                now = time.time()
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                message = (self.path, self.headers.get("webhook-id", ""))
                with receiver.lock:
                    if message not in receiver.arrived:
                        receiver.arrived[message] = now
                        receiver.created[message] = json.loads(body)["created_at"]
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self) -> int:
        with self.lock:
            return len(self.arrived)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def worker(rig: Rig) -> Iterator[subprocess.Popen[bytes]]:
    """One `saasignal worker` on the bench's Redis; stopped with SIGTERM."""
    env = {**os.environ, "REDIS_URL": rig.redis.url, "REDIS_KEY_PREFIX": PREFIX,
           "WEBHOOK_ALLOW_PRIVATE_TARGETS": "1"}  # fmt: skip
    process = subprocess.Popen(
        [str(SAASIGNAL), "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        yield process
    finally:
        process.terminate()
        process.wait(30)


def _epoch(created_at: str) -> float:
    """`2026-11-26T12:00:00.123Z` → epoch seconds."""
    return datetime.fromisoformat(created_at).timestamp()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency(rig: Rig, receiver: Receiver, count: int) -> dict[str, Any]:
    """Create `count` conversations one by one; each event's write → first attempt, in ms."""
    account = "webhooks-latency"
    secret = rig.populator.key(account)
    store = WebhookEndpointStore(rig.populator.client, Keyspace(PREFIX))
    store.create(account, receiver.url("/latency"), ["*"], None, int(time.time() * 1000))
    with rig.running(rig.service()) as service, worker(rig):
        request(service.url, "POST", BASE, secret, json.dumps({"title": "warm-up"}))
        wait_until(lambda: receiver.count() >= 1, timeout=30, what="the warm-up delivery")
        for number in range(count):
            request(service.url, "POST", BASE, secret, json.dumps({"title": f"Hook {number}"}))
            time.sleep(LATENCY_GAP_SECONDS)
        wait_until(lambda: receiver.count() >= count + 1, timeout=60, what="every delivery")
    with receiver.lock:
        delays = [(receiver.arrived[m] - _epoch(receiver.created[m])) * 1000
                  for m in receiver.arrived]  # fmt: skip
    delays = delays[1:]  # not the warm-up's
    return {"count": count, "p50_ms": statistics.median(delays),
            "p99_ms": _percentile(delays, 0.99), "max_ms": max(delays)}  # fmt: skip


def throughput(rig: Rig, receiver: Receiver, count: int, endpoints: int) -> dict[str, Any]:
    """`count` events waiting for `endpoints` endpoints; one worker's deliveries per second."""
    account = f"webhooks-rate-{endpoints}"
    store = WebhookEndpointStore(rig.populator.client, Keyspace(PREFIX))
    for index in range(endpoints):
        url = receiver.url(f"/rate-{endpoints}-{index}")
        store.create(account, url, ["*"], None, int(time.time() * 1000))
    rig.populator.fill(account, count // endpoints)
    deliveries = (count // endpoints) * endpoints
    before = receiver.count()
    with worker(rig):
        wait_until(lambda: receiver.count() >= before + deliveries, timeout=600,
                   what=f"{deliveries} deliveries")  # fmt: skip
    with receiver.lock:
        times = sorted(receiver.arrived.values())[before:]
    seconds = times[-1] - times[0]
    return {"deliveries": deliveries, "endpoints": endpoints, "seconds": seconds,
            "per_second": (deliveries - 1) / seconds if seconds else 0.0}  # fmt: skip


@scenario("webhooks")
def webhooks(rig: Rig) -> Outcome:
    """First-attempt latency and deliveries per second of one `saasignal worker`."""
    events = int(rig.options["webhook_events"])
    receiver = Receiver()
    try:
        found = {
            "latency": latency(rig, receiver, int(rig.options["webhook_writes"])),
            "one_endpoint": throughput(rig, receiver, events, 1),
            "endpoints": throughput(rig, receiver, events, ENDPOINTS),
        }
    finally:
        receiver.close()
    seen = found["latency"]
    targets = [
        Target("webhook first attempt p99, after the write", seen["p99_ms"], "<=",
               FIRST_ATTEMPT_TARGET_MS, "ms"),
    ]  # fmt: skip
    return Outcome(found, results.webhooks(found), targets)
