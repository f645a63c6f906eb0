"""The public objects of docs/conversations.md, rendered from what the store keeps."""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from typing import Any

import orjson


def timestamp(ms: str | int | None) -> str | None:
    """Epoch milliseconds → RFC 3339 UTC with millisecond precision and `Z`."""
    if ms is None:
        return None
    seconds, millis = divmod(int(ms), 1000)
    return f"{_second(seconds)}.{millis:03d}Z"


@functools.lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    # A conversation's times often share their second (created and updated), so do a page's.
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))


def conversation_resource(stored: Mapping[str, str]) -> dict[str, Any]:
    """Render a stored conversation as the public conversation object.

    Metadata is kept as compact JSON text and spliced in unparsed (`orjson.Fragment`).
    """
    return {
        "id": stored["id"],
        "object": "conversation",
        "type": stored["type"],
        "status": stored["status"],
        "title": stored.get("title"),
        "description": stored.get("description"),
        "metadata": orjson.Fragment(stored.get("metadata", "{}")),
        "version": int(stored["version"]),
        "created_at": timestamp(stored["created_at"]),
        "updated_at": timestamp(stored["updated_at"]),
        "closed_at": timestamp(stored.get("closed_at")),
        "archived_at": timestamp(stored.get("archived_at")),
    }


def deleted_resource(conversation_id: str) -> dict[str, Any]:
    """The body of a delete (docs/conversations.md)."""
    return {"id": conversation_id, "object": "conversation", "deleted": True}


def counts_resource(counts: Mapping[str, Mapping[str, int]]) -> dict[str, Any]:
    """The account's counts (docs/conversations.md) from {type: {status: n}}."""
    by_status: dict[str, int] = {}
    for per_status in counts.values():
        for status, n in per_status.items():
            by_status[status] = by_status.get(status, 0) + n
    by_type = {type_: sum(per_status.values()) for type_, per_status in counts.items()}
    return {
        "object": "conversation_counts",
        "total": sum(by_type.values()),
        "by_status": by_status,
        "by_type": by_type,
    }
