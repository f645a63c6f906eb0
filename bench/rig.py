"""What every scenario stands on: one redis-server, a funded account, gunicorn, wrk.

A scenario (bench/scenarios.py) gets a `Rig`: the bench's own redis-server with one
account of 100 conversations and a key with every scope, a way to start the service (or
any other WSGI module) under the shipped gunicorn.conf.py, and `measure`, which warms a
server up for a second and then runs wrk with the run's settings.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
from collections.abc import Iterator
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

from bench import wrk
from bench.populate import Populator
from harness.servers import Gunicorn, RedisServer, start_redis

BASE = "/modules/messaging/conversations"
CREATE_BODY = json.dumps({"title": "Bench conversation", "metadata": {"tier": "gold"}})
PREFIX = "saasignal"
ENDPOINTS = ("get", "create", "list")
ENDPOINT_NAMES = {"get": "GET one", "create": "create", "list": "list 25"}


def bench_redis() -> RedisServer:
    """A redis-server of the bench's own; exit with a clear message when it is missing."""
    server = start_redis() if shutil.which("redis-server") else None
    if server is None:
        raise SystemExit("bench: redis-server is not installed (apt-get install redis-server).")
    return server


class Startable(Protocol):
    """A server process: gunicorn (harness/servers.py) or json-server (bench/jsonserver.py)."""

    def start(self) -> Any: ...
    def stop(self) -> None: ...


Server = TypeVar("Server", bound=Startable)


class Rig:
    """One redis-server, a funded account with conversations, and servers started on it."""

    def __init__(self, redis_server: RedisServer, load: wrk.Load, options: dict[str, Any]) -> None:
        self.redis = redis_server
        self.load = load
        self.options = options
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
        with self.running(self.service()) as service:
            reply = request(service.url, "GET", BASE + "?limit=1", self.secret)
        self.conversation = str(reply["data"][0]["id"])

    def service(self, extra: list[str] | None = None) -> Gunicorn:
        """The service under gunicorn.conf.py (`extra` arguments override it); not started."""
        return Gunicorn(self.env, workers=None, extra=extra)

    def app(self, module: str, env: dict[str, str] | None = None) -> Gunicorn:
        """Another WSGI app (`module:app`) under the same configuration; not started."""
        return Gunicorn({**self.env, **(env or {})}, workers=None, module=module)

    @contextlib.contextmanager
    def running(self, process: Server) -> Iterator[Server]:
        """Start a server process; stop it when the block ends."""
        process.start()
        try:
            yield process
        finally:
            process.stop()

    def route(self, endpoint: str) -> tuple[str, str, str]:
        """(method, path, body) of an endpoint of the service."""
        if endpoint == "get":
            return "GET", f"{BASE}/{self.conversation}", ""
        if endpoint == "create":
            return "POST", BASE, CREATE_BODY
        return "GET", BASE + "?limit=25", ""

    def measure(
        self, url: str, method: str = "GET", body: str = "", secret: str = ""
    ) -> wrk.Result:
        """Warm the server up for a second (connections, caches), then run wrk on `url`."""
        warm_up = wrk.Load(1, self.load.connections, self.load.threads)
        wrk.run(url, warm_up, method, body, secret)
        return wrk.run(url, self.load, method, body, secret)

    def drive(self, root: str, endpoint: str) -> wrk.Result:
        """Measure one endpoint of the service (or of an app with the same routes)."""
        method, path, body = self.route(endpoint)
        return self.measure(root + path, method, body, self.secret)

    def sample_bodies(self, root: str) -> dict[str, Any]:
        """The service's own responses to each endpoint, decoded."""
        return {
            endpoint: request(root, method, path, self.secret, body)
            for endpoint in ENDPOINTS
            for method, path, body in [self.route(endpoint)]
        }

    def close(self) -> None:
        self.populator.close()


def request(url: str, method: str, path: str, secret: str = "", body: str = "") -> Any:
    """One request; the decoded JSON body (raises on a non-2xx status)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
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
