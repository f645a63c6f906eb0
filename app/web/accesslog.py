"""Structured access logs: one JSON line per request, carrying its request id.

The lines go through the `saasignal.access` logger to stderr (where gunicorn and Heroku
collect them), so a deployment can also route or silence them with the logging module.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import orjson
from flask import Response, request

from app.store.tokens import Charge

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


def entry(
    response: Response, request_id: str, elapsed: float, charge: Charge | None
) -> dict[str, Any]:
    """The fields of one access-log line."""
    fields: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round(elapsed * 1000, 3),
        "request_id": request_id,
        "pid": os.getpid(),  # the worker that answered, among gunicorn's
    }
    if charge is not None:
        fields["account"] = charge.account
    return fields


def write(response: Response, request_id: str, elapsed: float, charge: Charge | None) -> None:
    """Log the request as one JSON line."""
    if log.isEnabledFor(logging.INFO):
        log.info(orjson.dumps(entry(response, request_id, elapsed, charge)).decode())


def init_app() -> None:
    """Add the stderr handler, once per process; `app.web.context.finish` writes the lines."""
    if not any(isinstance(handler, StderrHandler) for handler in log.handlers):
        handler = StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)
