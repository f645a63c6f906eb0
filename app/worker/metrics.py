"""Prometheus metrics of webhook delivery (SPEC.md §16).

The worker process records them. With PROMETHEUS_MULTIPROC_DIR set (to the same directory
as the web processes on that host), its samples are files that the web's `GET /metrics`
sums with its own; `saasignal worker --metrics-port N` also serves them itself, for
workers on hosts (or dynos) of their own. Labels are bounded: `outcome` is
`Outcome.label` (success, gone, http_3xx/4xx/5xx, timeout, refused, dns,
blocked_address, tls, connection, event_expired, internal_error).
"""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client import multiprocess as prometheus_multiprocess

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


def record_attempt(outcome: str, seconds: float) -> None:
    DELIVERIES.labels(outcome).inc()
    ATTEMPT_DURATION.observe(seconds)


def serve(port: int, host: str = "0.0.0.0") -> None:
    """Serve /metrics on `port` from a daemon thread (the multiprocess sum when enabled)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        start_http_server(port, host, registry)
    else:
        start_http_server(port, host, REGISTRY)
