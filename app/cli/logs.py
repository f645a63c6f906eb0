"""One log format for every line a `saasignal serve` prints to stderr: JSON, one object a
line, as the access log's (docs/operations.md, "Metrics, logs and load tests").

A record whose message is itself a JSON object (the access log's, a webhook attempt's)
gives its fields; any other gives `message`. Both carry `level` and `logger`.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson


class JsonLines(logging.Formatter):
    """A record as one JSON object: level, logger, then its fields or its message."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, Any] = {"level": record.levelname.lower(), "logger": record.name}
        message = record.getMessage()
        parsed = _object(message)
        if parsed is None:
            fields["message"] = message
        else:
            fields.update(parsed)
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(fields).decode()


def _object(text: str) -> dict[str, Any] | None:
    """`text` as a JSON object, or None when it is not one."""
    if not text.startswith("{"):
        return None
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def use_json_lines() -> None:
    """Give every handler of the root and access loggers the one format; the access log
    keeps its own handler (propagating too would print each request twice)."""
    formatter = JsonLines()
    access = logging.getLogger("saasignal.access")
    for handler in (*logging.getLogger().handlers, *access.handlers):
        handler.setFormatter(formatter)
