"""Opaque, filter-bound, tamper-evident list cursors (docs/conversations.md), one codec for every
list.

A cursor is `base64url(payload).base64url(mac)`: the payload holds the list's kind, its
filter and the position after the last item of the page; the MAC (HMAC-SHA256, truncated
to 128 bits) covers the payload and the account, so a cursor altered in any way, reused
with another filter, or carried to another account is refused. Each list has a kind of
its own (conversations, events, webhook endpoints, one endpoint's deliveries, the last
bound to its endpoint through the filter), and a cursor of one kind is refused by every
other list.

    encode(kind, account, filter, after) -> cursor
    decode(kind, account, cursor, filter) -> after      (InvalidCursor when it does not fit)
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any

import orjson

from app.errors import InvalidCursor

_MAC_BYTES = 16
_STREAM_ID_RE = re.compile(r"^[0-9]{1,20}-[0-9]{1,20}$")
_DELIVERY_ID_RE = re.compile(r"^whd_[0-9]{19}_[A-Za-z0-9]{24}$")


def _sequence(after: Any) -> bool:
    """A sequence number: a non-negative integer (never a boolean)."""
    return isinstance(after, int) and not isinstance(after, bool) and after >= 0


def _stream_id(after: Any) -> bool:
    return isinstance(after, str) and bool(_STREAM_ID_RE.fullmatch(after))


def _delivery_id(after: Any) -> bool:
    return isinstance(after, str) and bool(_DELIVERY_ID_RE.fullmatch(after))


@dataclasses.dataclass(frozen=True)
class CursorKind:
    """One list's cursors: a name in the payload, what a position looks like, and what a
    client is told when it brings the cursor of another filter."""

    name: str
    valid_after: Callable[[Any], bool]
    other_filter: str = "The cursor belongs to another filter: repeat the filter it was made for."


CONVERSATIONS = CursorKind(
    "conversations",
    _sequence,
    "The cursor belongs to another filter: repeat the type and status it was made for.",
)
EVENTS = CursorKind(
    "events",
    _stream_id,
    "The cursor belongs to another filter: repeat the type and conversation_id it was made for.",
)
WEBHOOK_ENDPOINTS = CursorKind("webhook_endpoints", _sequence)
WEBHOOK_DELIVERIES = CursorKind(
    "webhook_deliveries",
    _delivery_id,
    "The cursor belongs to another filter or endpoint: repeat the status and event_id it was "
    "made for, on the endpoint it was made for.",
)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _canonical(value: Any) -> Any:
    """The filter as the payload holds it: JSON-shaped, so equal filters compare equal."""
    return orjson.loads(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))


class CursorCodec:
    """Signs and verifies cursors with one secret."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, account: str, payload: bytes) -> bytes:
        message = account.encode() + b"\x00" + payload
        return hmac.new(self.secret, message, hashlib.sha256).digest()[:_MAC_BYTES]

    def encode(self, kind: CursorKind, account: str, filter_: Any, after: Any) -> str:
        """The cursor that continues a walk of `kind`, with `filter_`, after `after`."""
        data = {"k": kind.name, "f": filter_, "after": after}
        payload = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
        return _b64encode(payload) + "." + _b64encode(self._mac(account, payload))

    def decode(self, kind: CursorKind, account: str, cursor: str, filter_: Any) -> Any:
        """The position a cursor continues from; InvalidCursor when it does not fit."""
        data = self._payload(account, cursor)
        if data.get("k") != kind.name:
            raise InvalidCursor()
        if data.get("f") != _canonical(filter_):
            raise InvalidCursor(kind.other_filter)
        after = data.get("after")
        if not kind.valid_after(after):
            raise InvalidCursor()
        return after

    def _payload(self, account: str, cursor: str) -> dict[str, Any]:
        """The signed payload of a cursor of this account; InvalidCursor when altered."""
        body, sep, mac_text = cursor.partition(".")
        try:
            if not sep or not cursor.isascii():
                raise ValueError("no signature")
            payload, mac = _b64decode(body), _b64decode(mac_text)
        except (ValueError, binascii.Error):
            raise InvalidCursor() from None
        # Base64 ignores the spare bits of a last character: only the canonical text is ours.
        if _b64encode(payload) != body or _b64encode(mac) != mac_text:
            raise InvalidCursor()
        if not hmac.compare_digest(mac, self._mac(account, payload)):
            raise InvalidCursor()
        data = orjson.loads(payload)
        if not isinstance(data, dict):
            raise InvalidCursor()
        return data
