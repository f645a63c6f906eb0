"""Prometheus metrics: requests, latency, tokens debited and rate-limit rejections.

Under gunicorn every worker writes its samples to files in PROMETHEUS_MULTIPROC_DIR
(gunicorn.conf.py makes one when it is unset) and `GET /metrics` sums them across workers;
without that variable (tests, `saasignal serve`) the process's own registry answers.
With METRICS_TOKEN set (docs/operations.md) it answers only `Authorization: Bearer <token>`,
compared in constant time; else 401 in the envelope.
Labels are bounded: the route is the URL rule (never the raw path) and tokens are counted
by scope, since an account label would grow with every customer.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess

from app.errors import Unauthorized
from app.store.tokens import Charge
from app.vocabulary import PRICE_NAMES

# The webhook families (docs/webhooks.md) are the worker's to record; importing them registers
# them here too, so `/metrics` always lists them (summed with a worker's on the same host).
from app.worker import metrics as webhook_metrics

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_CONVERTER = re.compile(r"<[a-z_]+:")
_UNMATCHED = "<unmatched>"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "saasignal_http_requests",
    "HTTP requests answered, by method, route and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "saasignal_http_request_duration_seconds",
    "Time from the start of the request to its last step.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
TOKENS_DEBITED = Counter(
    "saasignal_tokens_debited",
    "Tokens taken from balances (net of 5xx refunds), by the scope of the endpoint.",
    ["scope"],
)
RATE_LIMITED = Counter(
    "saasignal_rate_limited",
    "Requests refused with 429 (per-key limit or failed-authentication limit), by route.",
    ["route"],
)

bp = Blueprint("metrics", __name__)


@bp.get("/metrics")
def metrics() -> Response:
    """Expose every metric in the Prometheus text format (no envelope; METRICS_TOKEN if set)."""
    _require_token(current_app.extensions["saasignal"].config.metrics_token)
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    return Response(body, status=200, headers={"Content-Type": CONTENT_TYPE_LATEST})


def _require_token(token: str | None) -> None:
    """401 unless the request bears `token` (when one is configured)."""
    if not webhook_metrics.bearer_matches(request.headers.get("Authorization"), token):
        raise Unauthorized(webhook_metrics.UNAUTHORIZED_MESSAGE)


def route_of_request() -> str:
    """The URL rule that matched (`/…/<conversation_id>`), never the raw path; a converter's
    name is left out (`<conversation_segment:conversation_id>` is `<conversation_id>`), so a
    label does not change when a route's converter does."""
    rule = request.url_rule
    return _label(rule.rule) if rule is not None else _UNMATCHED


@functools.cache
def _label(rule: str) -> str:
    return _CONVERTER.sub("<", rule)


# The labelled children, found once per process: `labels()` validates and locks on every
# call, a few microseconds each on the request path. Their labels are bounded (routes,
# methods, statuses, scopes), and so are these caches.
@functools.cache
def _requests(method: str, route: str, status: int) -> Any:
    return REQUESTS.labels(method, route, str(status))


@functools.cache
def _latency(method: str, route: str) -> Any:
    return LATENCY.labels(method, route)


@functools.cache
def _tokens(scope: str) -> Any:
    return TOKENS_DEBITED.labels(scope)


def record(response: Response, elapsed: float, charge: Charge | None, scope: str | None) -> None:
    """Count a finished request, its latency, its tokens (by scope) and a 429."""
    route = route_of_request()
    # The client names the method: any it could not have meant is `other`, so labels stay few.
    method = request.method if request.method in _METHODS else "other"
    status = response.status_code
    _requests(method, route, status).inc()
    _latency(method, route).observe(elapsed)
    if charge is not None and charge.debited and charge.cost > 0 and scope is not None:
        _tokens(PRICE_NAMES[scope]).inc(charge.cost)
    if status == 429:
        RATE_LIMITED.labels(route).inc()


def init_app(app: Flask) -> None:
    """Serve /metrics; `app.web.context.finish` records every request."""
    app.register_blueprint(bp)
