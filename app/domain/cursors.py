"""Opaque, filter-bound, tamper-evident list cursors (SPEC.md §8).

A cursor is `base64url(payload).base64url(mac)`: the payload holds the filter and the
sequence number of the last conversation of the page; the MAC (HMAC-SHA256, truncated to
128 bits) covers the payload and the account, so a cursor altered in any way, reused with
another filter, or carried to another account is refused. Each list has a cursor of its
own kind (conversations, events, webhook endpoints, one endpoint's deliveries, the last
bound to its endpoint), and a cursor of one kind is refused by every other list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from typing import Any

import orjson

from app.errors import InvalidCursor

_MAC_BYTES = 16
_STREAM_ID_RE = re.compile(r"^[0-9]{1,20}-[0-9]{1,20}$")
_DELIVERY_ID_RE = re.compile(r"^whd_[0-9]{19}_[A-Za-z0-9]{24}$")


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class CursorCodec:
    """Signs and verifies cursors with one secret."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, account: str, payload: bytes) -> bytes:
        message = account.encode() + b"\x00" + payload
        return hmac.new(self.secret, message, hashlib.sha256).digest()[:_MAC_BYTES]

    def encode(self, account: str, type_: str | None, status: str | None, last_seq: int) -> str:
        """The cursor that continues a walk after `last_seq`."""
        payload = orjson.dumps({"t": type_, "s": status, "after": last_seq})
        return _b64encode(payload) + "." + _b64encode(self._mac(account, payload))

    def decode(self, account: str, cursor: str, type_: str | None, status: str | None) -> int:
        """The sequence number a cursor continues from; InvalidCursor when it does not fit."""
        data = self._payload(account, cursor)
        if data.get("t") != type_ or data.get("s") != status or "e" in data or "k" in data:
            raise InvalidCursor(
                "The cursor belongs to another filter: repeat the type and status it was made for."
            )
        after = data.get("after")
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            raise InvalidCursor()
        return after

    def encode_events(
        self, account: str, event_type: str | None, conversation_id: str | None, last_read: str
    ) -> str:
        """The cursor that continues an event walk after the stream entry `last_read`."""
        payload = orjson.dumps({"e": [event_type, conversation_id], "after": last_read})
        return _b64encode(payload) + "." + _b64encode(self._mac(account, payload))

    def decode_events(
        self, account: str, cursor: str, event_type: str | None, conversation_id: str | None
    ) -> str:
        """The stream entry an event cursor continues from; InvalidCursor when it does not fit."""
        data = self._payload(account, cursor)
        if data.get("e") != [event_type, conversation_id]:
            raise InvalidCursor(
                "The cursor belongs to another filter: repeat the type and conversation_id "
                "it was made for."
            )
        after = data.get("after")
        if not isinstance(after, str) or not _STREAM_ID_RE.fullmatch(after):
            raise InvalidCursor()
        return after

    def encode_webhook_endpoints(self, account: str, last_seq: int) -> str:
        """The cursor that continues a walk of webhook endpoints after sequence `last_seq`."""
        return self._sign(account, {"k": "we", "after": last_seq})

    def decode_webhook_endpoints(self, account: str, cursor: str) -> int:
        """The endpoint sequence a cursor continues from; InvalidCursor when it does not fit."""
        data = self._payload(account, cursor)
        after = data.get("after")
        if data.get("k") != "we" or not isinstance(after, int) or isinstance(after, bool):
            raise InvalidCursor()
        if after < 0:  # a sequence number is never negative
            raise InvalidCursor()
        return after

    def encode_webhook_deliveries(
        self,
        account: str,
        endpoint_id: str,
        last_id: str,
        status: str | None = None,
        event_id: str | None = None,
    ) -> str:
        """The cursor that continues a walk of one endpoint's deliveries after `last_id`,
        bound to the walk's `status` and `event_id` filters."""
        return self._sign(account, {"k": ["whd", endpoint_id, status, event_id], "after": last_id})

    def decode_webhook_deliveries(
        self,
        account: str,
        cursor: str,
        endpoint_id: str,
        status: str | None = None,
        event_id: str | None = None,
    ) -> str:
        """The delivery id a cursor continues from; InvalidCursor when it does not fit
        (another endpoint's cursor, or other filters, included)."""
        data = self._payload(account, cursor)
        kind = data.get("k")
        if not isinstance(kind, list) or kind[:2] != ["whd", endpoint_id]:
            raise InvalidCursor("The cursor belongs to another webhook endpoint's deliveries.")
        if kind[2:] != [status, event_id]:
            raise InvalidCursor(
                "The cursor belongs to another filter: repeat the status and event_id it was "
                "made for."
            )
        after = data.get("after")
        if not isinstance(after, str) or not _DELIVERY_ID_RE.fullmatch(after):
            raise InvalidCursor()
        return after

    def _sign(self, account: str, data: dict[str, Any]) -> str:
        payload = orjson.dumps(data)
        return _b64encode(payload) + "." + _b64encode(self._mac(account, payload))

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
