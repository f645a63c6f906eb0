"""The result codes of every Lua script, and a script's reply read by name.

`Code` is the one table of codes: the loader (scripts.py) gives Lua the same names as its
`CODE` table, so a script returns `{CODE.NOT_FOUND, balance}` and Python compares
`reply.code == Code.NOT_FOUND` (docs/internals/scripts.md).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Any


class Code(enum.IntEnum):
    """Result codes every script returns in its first element (`CODE.<NAME>` in Lua)."""

    OK = 0
    INSUFFICIENT_TOKENS = 1
    NOT_FOUND = 2
    PRECONDITION_FAILED = 3
    INVALID_TRANSITION = 4
    STALE = 5  # what the caller read moved since: read again (nothing charged)
    TOO_MANY_ENDPOINTS = 6
    ENDPOINT_DISABLED = 7
    LEASE_LOST = 8  # the lease (or claim) is no longer the caller's: nothing done
    REPLAY = 9
    IDEMPOTENCY_IN_PROGRESS = 10
    IDEMPOTENCY_KEY_REUSED = 11
    UNAUTHORIZED = 12
    INSUFFICIENT_SCOPE = 13
    RATE_LIMITED = 14
    NOT_DUE = 15  # done lately: nothing to do yet
    BROKEN = 16  # the data is not what the script can work on: left alone
    TOO_MANY_STREAMS = 17  # the API key has its most live streams open (nothing charged)


CODES = {code.value: code for code in Code}  # by value: numbers may leave gaps
# Replies whose shape is the same in every script; any other code's is the script's own.
SHAPES: dict[Code, tuple[str, ...]] = {
    Code.INSUFFICIENT_TOKENS: ("balance",),
    Code.PRECONDITION_FAILED: ("balance", "version"),
    Code.INVALID_TRANSITION: ("balance", "status"),
    Code.STALE: (),
    Code.REPLAY: ("status", "body", "etag", "seq", "object"),
    Code.IDEMPOTENCY_IN_PROGRESS: (),
    Code.IDEMPOTENCY_KEY_REUSED: (),
    Code.UNAUTHORIZED: (),
    Code.INSUFFICIENT_SCOPE: (),
    Code.RATE_LIMITED: (),
}


class Reply:
    """A script's reply: its code, and the fields after it by their declared names.

    `positions` maps each declared name to its place in `raw` (the code is at 0); a name
    past the end of a shorter reply (a refusal) reads None, an undeclared one raises.
    """

    __slots__ = ("code", "_positions", "_raw")

    def __init__(self, code: Code, positions: dict[str, int], raw: Sequence[Any]) -> None:
        self.code = code
        self._positions = positions
        self._raw = raw

    def __getattr__(self, name: str) -> Any:
        try:
            at = self._positions[name]
        except KeyError:
            raise AttributeError(name) from None
        return self._raw[at] if at < len(self._raw) else None

    def __repr__(self) -> str:
        fields = {name: getattr(self, name) for name in self._positions}
        return f"Reply({self.code.name}, {fields})"


def positions(names: Sequence[str]) -> dict[str, int]:
    """Each reply field's place after the code."""
    return {name: at for at, name in enumerate(names, start=1)}


# The places of the fields of the codes whose shape every script shares.
SHAPE_POSITIONS = {code: positions(names) for code, names in SHAPES.items()}


def codes_table() -> str:
    """The `Code` enum as Lua's `CODE` table."""
    return "local CODE = {" + ", ".join(f"{c.name} = {c.value}" for c in Code) + "}"
