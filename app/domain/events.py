"""The event object of docs/events.md, rendered from a stream entry of the account's log.

An entry keeps what the write script saw (lib.lua's `emit_event`): `ty` the type, `cv` the
conversation's sequence number, `o` its flat hash after the change (before it, for a
delete), `p` the former values of exactly the fields that changed, `rq` the request id and
`ik` its Idempotency-Key. Rendering it is the same for the events API and for webhooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from app.domain.resources import conversation_resource, timestamp
from app.store.conversations import from_hash
from app.store.ids import make_event_id
from app.store.keyspace import HASH_FIELDS, PUBLIC_FIELDS, STATUS_NAMES, TYPE_NAMES
from app.vocabulary import WEBHOOK_TEST_EVENT

_TIMES = ("created_at", "updated_at", "closed_at", "archived_at")


def _public_value(name: str, value: str | None) -> Any:
    """A former hash value as the conversation object shows that field."""
    if value is None:
        return None
    if name in _TIMES:
        return timestamp(value)
    if name == "version":
        return int(value)
    if name == "type":
        return TYPE_NAMES[value]
    if name == "status":
        return STATUS_NAMES[value]
    if name == "metadata":
        return orjson.Fragment(value)
    return value


def previous_attributes(flat: Any) -> dict[str, Any]:
    """`p` ({field, former value or false, ...}) → public field names and values."""
    pairs = flat if isinstance(flat, list) else []  # Lua's cjson writes an empty list as {}
    former = {
        PUBLIC_FIELDS[field]: value if isinstance(value, str) else None
        for field, value in zip(pairs[::2], pairs[1::2], strict=True)
    }
    # In the order of the conversation object's fields.
    return {name: _public_value(name, former[name]) for name in HASH_FIELDS if name in former}


def event_created_ms(stream_id: str) -> int:
    """When an event was written: its stream id's time."""
    return int(stream_id.partition("-")[0])


def render_event(account: str, stream_id: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """The public event object of one stream entry."""
    if fields["ty"] == WEBHOOK_TEST_EVENT:
        return _render_test_event(account, stream_id, fields)
    stored = from_hash(account, fields["cv"], orjson.loads(fields["o"]))
    data: dict[str, Any] = {"object": conversation_resource(stored)}
    if "p" in fields:
        data["previous_attributes"] = previous_attributes(orjson.loads(fields["p"]))
    return {
        "id": make_event_id(account, stream_id),
        "object": "event",
        "type": fields["ty"],
        "created_at": timestamp(event_created_ms(stream_id)),
        "conversation_id": stored["id"],
        "data": data,
        "request": {"id": fields["rq"], "idempotency_key": fields.get("ik")},
    }


def _render_test_event(account: str, stream_id: str, fields: Mapping[str, str]) -> dict[str, Any]:
    """A `webhook_endpoint.test` event (docs/webhooks.md): `o` is the endpoint object's JSON."""
    return {
        "id": make_event_id(account, stream_id),
        "object": "event",
        "type": WEBHOOK_TEST_EVENT,
        "created_at": timestamp(event_created_ms(stream_id)),
        "data": {"object": orjson.Fragment(fields["o"])},
        "request": {"id": fields["rq"], "idempotency_key": fields.get("ik")},
    }
