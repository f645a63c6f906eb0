"""Structured access logs: one JSON line per request, carrying its request id.

The lines go through the `saasignal.access` logger to stderr (where gunicorn and Heroku
collect them), so a deployment can also route or silence them with the logging module.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

import orjson
from flask import Flask, Response, g, request

log = logging.getLogger("saasignal.access")


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Write to whatever sys.stderr is at the time of each record (it may be replaced)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def entry(response: Response) -> dict[str, Any]:
    """The fields of one access-log line."""
    started: float | None = g.get("accesslog_started")
    duration = (time.perf_counter() - started) * 1000 if started is not None else None
    fields: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(duration, 3) if duration is not None else None,
        "request_id": g.get("request_id"),
    }
    ctx = g.get("charge")
    if ctx is not None:
        fields["account"] = ctx.account
    return fields


def start_timer() -> None:
    """Note when the request began (before_request)."""
    g.accesslog_started = time.perf_counter()


def write(response: Response) -> Response:
    """Log the request as one JSON line (after_request)."""
    if log.isEnabledFor(logging.INFO):
        log.info(orjson.dumps(entry(response)).decode())
    return response


def init_app(app: Flask) -> None:
    """Register the hooks; the stderr handler is added once per process."""
    if not any(isinstance(handler, StderrHandler) for handler in log.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
    app.before_request(start_timer)
    app.after_request(write)
