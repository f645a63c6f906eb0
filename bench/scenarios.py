"""The measurements: service vs bare app, worker classes, list scaling, memory per conversation."""

from __future__ import annotations

import http.client
import json
import os
import tempfile
import time
from typing import Any
from urllib.parse import urlsplit

from bench import wrk
from bench.populate import Populator
from harness.servers import Gunicorn, RedisServer

BASE = "/modules/messaging/conversations"
CREATE_BODY = json.dumps({"title": "Bench conversation", "metadata": {"tier": "gold"}})
PREFIX = "saasignal"
# Each endpoint: wrk method, path (relative to the service root) and body.
ENDPOINTS = ("get", "create", "list")
TARGETS = {"get": 0.50, "create": 0.40, "list": 0.40}
# The key lookup, flask-limiter's counter and the operation's script (README, Performance).
CONTRACT_ROUNDTRIPS = 3


class Bench:
    """One redis-server, a funded account with conversations, and gunicorn processes on it."""

    def __init__(self, redis_server: RedisServer, load: wrk.Load) -> None:
        self.redis = redis_server
        self.load = load
        self.populator = Populator(redis_server.url, PREFIX)
        self.secret = self.populator.key("bench")
        self.populator.fill("bench", 100)
        self.env = {
            "REDIS_URL": redis_server.url,
            "REDIS_KEY_PREFIX": PREFIX,
            "RATE_LIMIT": "1000000 per second",
        }
        if os.environ.get("WEB_CONCURRENCY"):
            self.env["WEB_CONCURRENCY"] = os.environ["WEB_CONCURRENCY"]
        self.conversation = self._first_id()

    def _first_id(self) -> str:
        service = self.service().start()
        try:
            reply = request(service.url, "GET", BASE + "?limit=1", self.secret)
            return str(reply["data"][0]["id"])
        finally:
            service.stop()

    def service(self, extra: list[str] | None = None) -> Gunicorn:
        return Gunicorn(self.env, workers=None, extra=extra)

    def route(self, endpoint: str) -> tuple[str, str, str]:
        """(method, path, body) of an endpoint."""
        if endpoint == "get":
            return "GET", f"{BASE}/{self.conversation}", ""
        if endpoint == "create":
            return "POST", BASE, CREATE_BODY
        return "GET", BASE + "?limit=25", ""

    def drive(self, url: str, endpoint: str, secret: str | None = None) -> wrk.Result:
        """Warm the server up for a second (connections, caches), then measure."""
        method, path, body = self.route(endpoint)
        warm_up = wrk.Load(1, self.load.connections, self.load.threads)
        wrk.run(url + path, warm_up, method, body, secret or self.secret)
        return wrk.run(url + path, self.load, method, body, secret or self.secret)

    def sample_bodies(self, url: str) -> dict[str, Any]:
        """The service's own responses, for the bare app to send back same-sized."""
        return {
            endpoint: request(url, method, path, self.secret, body)
            for endpoint in ENDPOINTS
            for method, path, body in [self.route(endpoint)]
        }

    def service_vs_bare(self) -> list[dict[str, Any]]:
        """req/s, p50 and p99 of each endpoint on the service, the bare app and the floor.

        The floor is the bare app plus the contract's three Redis round trips per request:
        the ratio floor/bare is the most any implementation could reach on this machine.
        """
        service = self.service().start()
        bodies = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        rows = []
        try:
            json.dump(self.sample_bodies(service.url), bodies)
            bodies.close()
            bare_env = {**self.env, "BENCH_BARE_BODIES": bodies.name}
            bare = Gunicorn(bare_env, workers=None, module="bench.bare_app:app").start()
            floor_env = {**bare_env, "BENCH_BARE_ROUNDTRIPS": str(CONTRACT_ROUNDTRIPS)}
            floor = Gunicorn(floor_env, workers=None, module="bench.bare_app:app").start()
            try:
                for endpoint in ENDPOINTS:
                    ours = self.drive(service.url, endpoint)
                    theirs = self.drive(bare.url, endpoint)
                    least = self.drive(floor.url, endpoint)
                    rows.append(
                        {"endpoint": endpoint, "service": ours, "bare": theirs, "floor": least,
                         "ratio": ours.rps / theirs.rps if theirs.rps else 0.0,
                         "floor_ratio": least.rps / theirs.rps if theirs.rps else 0.0,
                         "target": TARGETS[endpoint]}
                    )  # fmt: skip
            finally:
                bare.stop()
                floor.stop()
        finally:
            service.stop()
            os.unlink(bodies.name)
        return rows

    def worker_classes(self, classes: list[tuple[str, list[str]]]) -> list[dict[str, Any]]:
        """The three endpoints on the service under each worker class."""
        rows = []
        for name, extra in classes:
            service = self.service(extra).start()
            try:
                results = {endpoint: self.drive(service.url, endpoint) for endpoint in ENDPOINTS}
            finally:
                service.stop()
            rows.append({"workers": name, **results})
        return rows

    def list_scaling(self, big: int, small: int = 100) -> dict[str, Any]:
        """Page time of `GET …?limit=25` for an account of `big` conversations vs `small`."""
        fill_seconds = self.populator.fill("big", big)
        self.populator.fill("small", small)
        secrets = {"big": self.populator.key("big"), "small": self.populator.key("small")}
        single = wrk.Load(self.load.seconds, connections=1, threads=1)
        service = self.service().start()
        try:
            results = {
                name: wrk.run(service.url + BASE + "?limit=25", single, secret=secret)
                for name, secret in secrets.items()
            }
        finally:
            service.stop()
        return {
            "sizes": {"big": big, "small": small}, "fill_seconds": fill_seconds, **results,
            # p50: on a shared machine the mean follows other processes' bursts, not Redis.
            "ratio": results["big"].p50_ms / results["small"].p50_ms,
            "mean_ratio": results["big"].mean_ms / results["small"].mean_ms,
        }  # fmt: skip

    def memory(self, count: int) -> dict[str, Any]:
        """used_memory growth per conversation over `count` conversations."""
        started = time.perf_counter()
        per = self.populator.bytes_per_conversation("memory", count)
        return {"count": count, "bytes": per, "seconds": time.perf_counter() - started}

    def close(self) -> None:
        self.populator.close()


def request(url: str, method: str, path: str, secret: str, body: str = "") -> Any:
    """One request; the decoded JSON body (raises on a non-2xx status)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Authorization": f"Bearer {secret}"}
    if body:
        headers["Content-Type"] = "application/json"
    try:
        connection.request(method, path, body=body.encode() or None, headers=headers)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise RuntimeError(f"{method} {path} answered {response.status}: {raw[:300]!r}")
    return json.loads(raw)
