"""Prometheus metrics of webhook delivery (docs/webhooks.md), and the worker's own /metrics port.

The worker process records them. With PROMETHEUS_MULTIPROC_DIR set (to the same directory
as the web processes on that host), its samples are files that the web's `GET /metrics`
sums with its own; `saasignal worker --metrics-port N` also serves them itself, for
workers on hosts (or dynos) of their own. That port serves this process's samples alone
(never the web's, whose files share the directory) and, with METRICS_TOKEN set, answers
only `Authorization: Bearer <METRICS_TOKEN>`, as the web's `/metrics` does (else 401 in
the error envelope). Labels are bounded: `outcome` is `Outcome.label` (success, gone,
http_3xx/4xx/5xx, timeout, refused, dns, blocked_address, tls, connection,
event_expired, internal_error).
"""

from __future__ import annotations

import glob
import hmac
import os
import secrets
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import orjson
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector

DELIVERIES = Counter(
    "saasignal_webhook_deliveries",
    "Webhook delivery attempts made, by outcome.",
    ["outcome"],
)
ATTEMPT_DURATION = Histogram(
    "saasignal_webhook_attempt_duration_seconds",
    "Time one webhook delivery attempt took, from the address check to the answer.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
UNAUTHORIZED_MESSAGE = "/metrics needs 'Authorization: Bearer <METRICS_TOKEN>'."


def record_attempt(outcome: str, seconds: float) -> None:
    DELIVERIES.labels(outcome).inc()
    ATTEMPT_DURATION.observe(seconds)


def bearer_matches(authorization: str | None, token: str | None) -> bool:
    """Whether an Authorization header bears `token` (always, when none is configured);
    compared in constant time."""
    if token is None:
        return True
    scheme, _, given = (authorization or "").strip().partition(" ")
    # Bytes: compare_digest refuses a str with characters outside ASCII.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), token.encode()
    )


class _OwnSamples:
    """This process's files of a multiprocess directory, summed: the worker's samples and
    not those of the web processes that share the directory."""

    def __init__(self, path: str) -> None:
        self.path = path

    def collect(self) -> Iterable[Metric]:
        files = glob.glob(os.path.join(self.path, f"*_{os.getpid()}.db"))
        merged: Iterable[Metric] = MultiProcessCollector.merge(files, accumulate=True)  # type: ignore[no-untyped-call]
        return merged


def _registry() -> Any:
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        return REGISTRY
    registry = CollectorRegistry()
    registry.register(_OwnSamples(path))
    return registry


def serve(port: int, token: str | None, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    """Serve /metrics on `port` from a daemon thread; returns the server (to shut down)."""
    registry = _registry()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            if not bearer_matches(self.headers.get("Authorization"), token):
                self._answer(401, "application/json", _unauthorized(), bearer=True)
            else:
                self._answer(200, CONTENT_TYPE_LATEST, generate_latest(registry))

        def _answer(self, status: int, kind: str, body: bytes, bearer: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            if bearer:
                self.send_header("WWW-Authenticate", 'Bearer realm="saasignal"')
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return  # scrapes are not worth a line each

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server


def _unauthorized() -> bytes:
    error = {
        "code": "unauthorized",
        "message": UNAUTHORIZED_MESSAGE,
        "request_id": "req_" + secrets.token_hex(12),
    }
    return orjson.dumps({"status": "error", "error": error})
