"""Metadata values at the edges of docs/conversations.md's limits, for the create and update
tests."""

from __future__ import annotations

import json
from typing import Any


def nested(depth: int, container: str = "object") -> dict[str, Any]:
    """A metadata object `depth` levels deep (the object itself is level 1)."""
    value: Any = {} if container == "object" else []
    for _ in range(depth - 2):
        value = {"a": value} if container == "object" else [value]
    return {"a": value} if depth > 1 else {}


def sized(size: int, char: str = "x") -> dict[str, Any]:
    """A metadata object of exactly `size` bytes as compact UTF-8 JSON."""
    width = len(char.encode())
    room = size - len('{"k":""}')
    value = char * (room // width) + "x" * (room % width)
    metadata = {"k": value}
    assert len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode()) == size
    return metadata
