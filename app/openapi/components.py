"""Named schemas of the OpenAPI document, and the rules that keep SDK generators happy.

docs/clients.md: one shared `ErrorEnvelope` (not `Error`, which TypeScript generators turn into
a type that shadows the language's own), its codes the enum `ErrorCode`, a named component
for every object and enum used more than once, `const` for one-value fields, nullable as
`anyOf [$ref, null]`, no anonymous inline objects (a generator turns each into a class of
its own). The helpers here are the only way the document makes such schemas, so a new
resource follows the same rules:

- `ref("Event")` points at a component; `nullable(ref(...))` lets it be null too;
- `enum_schema(EVENT_TYPES, ...)` names an enum of `app/vocabulary.py`, and any marshmallow
  field validated by `OneOf(<that tuple>)` then refers to it (`NAMED_ENUMS`);
- `envelope("Event")` and `page("Event")` are the success envelopes of docs/errors.md,
docs/conversations.md.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from app.domain.conversations import METADATA_MAX_BYTES, METADATA_MAX_DEPTH, METADATA_MAX_MEMBERS
from app.errors import ServiceError
from app.schemas.common import JsonObject
from app.vocabulary import (
    CONVERSATION_ORDERS,
    ENABLED_EVENTS,
    EVENT_TYPES,
    STATUSES,
    STREAM_TYPE_FILTERS,
    TYPES,
    WEBHOOK_DELIVERY_STATUSES,
    WEBHOOK_DISABLED_REASONS,
    WEBHOOK_ENDPOINT_STATUSES,
    WEBHOOK_EVENT_TYPES,
    WEBHOOK_TEST_EVENT,
)

Schema = dict[str, Any]

# A marshmallow field whose OneOf choices are one of these tuples refers to the named enum.
NAMED_ENUMS: dict[tuple[str, ...], str] = {
    TYPES: "ConversationType",
    STATUSES: "ConversationStatus",
    CONVERSATION_ORDERS: "ConversationOrder",
    EVENT_TYPES: "EventType",
    WEBHOOK_EVENT_TYPES: "WebhookEventType",
    STREAM_TYPE_FILTERS: "StreamTypeFilter",
    ENABLED_EVENTS: "EnabledEvent",
    WEBHOOK_ENDPOINT_STATUSES: "WebhookEndpointStatus",
    WEBHOOK_DISABLED_REASONS: "WebhookDisabledReason",
    WEBHOOK_DELIVERY_STATUSES: "WebhookDeliveryStatus",
}
# A marshmallow field of one of these classes refers to the named object.
NAMED_FIELDS: dict[type[fields.Field[Any]], str] = {JsonObject: "Metadata"}


def ref(name: str) -> Schema:
    """A reference to the component schema `name`."""
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """`schema` or null, written the way generators read best: `anyOf [schema, null]`."""
    return {"anyOf": [schema, {"type": "null"}]}


def one_value(value: str) -> Schema:
    """A string field that only ever holds `value` (a generator makes it a Literal)."""
    return {"type": "string", "const": value}


def enum_schema(values: tuple[str, ...], description: str) -> Schema:
    return {"type": "string", "enum": list(values), "description": description}


def envelope(name: str) -> Schema:
    """`{"status": "ok", "data": <name>}`: the success envelope of one object."""
    return {
        "type": "object",
        "description": f"The success envelope of one `{name}`.",
        "required": ["status", "data"],
        "additionalProperties": False,
        "properties": {"status": one_value("ok"), "data": ref(name)},
    }


def page(name: str, filters: str | None) -> Schema:
    """A page of a list (docs/conversations.md): `data`, `has_more` and `next_cursor`."""
    same = f" (with the same {filters})" if filters else ""
    return {
        "type": "object",
        "description": f"One page of `{name}` objects, newest first.",
        "required": ["status", "data", "has_more", "next_cursor"],
        "additionalProperties": False,
        "properties": {
            "status": one_value("ok"),
            "data": {"type": "array", "items": ref(name)},
            "has_more": {"type": "boolean", "description": "Whether another page follows."},
            "next_cursor": {
                "type": ["string", "null"],
                "description": f"Pass as `cursor`{same} for the next page; "
                "null when has_more is false.",
            },
        },
    }


def deleted(object_name: str, id_description: str) -> Schema:
    """What a DELETE answers in `data`: the id, the object's name and `deleted: true`."""
    return {
        "type": "object",
        "required": ["id", "object", "deleted"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "description": id_description},
            "object": one_value(object_name),
            "deleted": {"type": "boolean", "const": True},
        },
    }


METADATA: Schema = {
    "type": "object",
    "additionalProperties": True,
    "maxProperties": METADATA_MAX_MEMBERS,
    "description": "Any JSON object, yours to fill: at most "
    f"{METADATA_MAX_BYTES} bytes as compact UTF-8 JSON, at most {METADATA_MAX_DEPTH} "
    "levels deep (the object itself is level 1; each object or array in it adds one) and "
    f"at most {METADATA_MAX_MEMBERS} top-level members.",
}

ERROR_DETAILS: Schema = {
    "type": "object",
    "additionalProperties": True,
    "description": "More about the error, by code: `validation_error`: field → list of "
    "messages; `insufficient_tokens`: `required`, `balance`; `insufficient_scope`: "
    "`required`; `invalid_transition`: `status` (the current one); `precondition_failed`: "
    "`etag` (the current one); `too_many_webhook_endpoints`: `limit`.",
}

ERROR_DETAIL: Schema = {
    "type": "object",
    "description": "What went wrong.",
    "required": ["code", "message", "request_id"],
    "additionalProperties": False,
    "properties": {
        "code": ref("ErrorCode"),
        "message": {"type": "string", "description": "A human-readable sentence."},
        "details": ref("ErrorDetails"),
        "request_id": {
            "type": "string",
            "description": "The request's `X-Request-Id`: quote it when asking for help.",
        },
    },
}


def error_codes() -> tuple[str, ...]:
    """Every code of the error tree (app/errors.py), by status, in the tree's order.

    Only the classes written in app/errors.py: app/web/errors.py makes a class at run time
    for a 4xx the tree does not name, and the document must not depend on what ran before.
    """
    found: dict[str, int] = {}
    pending: list[type[ServiceError]] = [ServiceError]
    while pending:
        error = pending.pop(0)
        if error.__module__ == ServiceError.__module__:
            found.setdefault(error.code, error.status)
        pending.extend(error.__subclasses__())
    return tuple(sorted(found, key=lambda code: found[code]))


ERROR_CODE: Schema = enum_schema(
    error_codes(),
    "Stable and machine-readable, e.g. `not_found`. Each response lists the codes it may "
    "carry; match on the code, not on the message or the status. A new code may be added.",
)

ERROR: Schema = {
    "type": "object",
    "description": "The envelope of every error response, whatever the status.",
    "required": ["status", "error"],
    "additionalProperties": False,
    "properties": {"status": one_value("error"), "error": ref("ErrorDetail")},
}

SHARED: dict[str, Schema] = {
    "ConversationType": enum_schema(TYPES, "A conversation's type, fixed at creation."),
    "ConversationStatus": enum_schema(STATUSES, "Where a conversation is in its lifecycle."),
    "ConversationOrder": enum_schema(
        CONVERSATION_ORDERS, "What a list is ordered by, newest first: creation or last change."
    ),
    "EventType": enum_schema(
        EVENT_TYPES,
        "What happened to a conversation: `conversation.updated` is a PATCH that changed "
        "something; the lifecycle types are moves that changed the status (no-ops write no "
        "event).",
    ),
    "WebhookEventType": enum_schema(
        WEBHOOK_EVENT_TYPES,
        "Every type of event a webhook endpoint may be sent: the event types, and "
        f"`{WEBHOOK_TEST_EVENT}` (sent on request by `POST …/test`, never in the feed).",
    ),
    "StreamTypeFilter": enum_schema(
        STREAM_TYPE_FILTERS,
        "What the live stream sends: one event type, or a family (a prefix ending in `.*`).",
    ),
    "EnabledEvent": enum_schema(
        ENABLED_EVENTS,
        "What a webhook endpoint subscribes to: `*` (alone: every type) or an event type.",
    ),
    "WebhookEndpointStatus": enum_schema(
        WEBHOOK_ENDPOINT_STATUSES, "Whether events are sent to a webhook endpoint."
    ),
    "WebhookDisabledReason": enum_schema(
        WEBHOOK_DISABLED_REASONS,
        "Why a webhook endpoint is disabled: `manual` (a PATCH), `gone` (it answered 410), "
        "`failing` (no success for WEBHOOK_DISABLE_AFTER_SECONDS while attempts failed).",
    ),
    "WebhookDeliveryStatus": enum_schema(
        WEBHOOK_DELIVERY_STATUSES,
        "`pending` (an attempt is due or in flight), `succeeded` (a 2xx), `failed` (the "
        "retries ran out, or the endpoint was disabled or deleted).",
    ),
    "Metadata": METADATA,
    "MetadataFilter": {
        "type": "object",
        "description": 'One metadata filter (docs/conversations.md), `{"<key>": "<value>"}`, '
        "sent as the query parameter `metadata[<key>]=<value>`: conversations whose metadata "
        "has the top-level `<key>` holding the string `<value>`, or a number, `true` or "
        "`false` whose JSON text is `<value>`. Nested objects, arrays, null and strings over "
        "256 characters never match.",
        "maxProperties": 1,
        "propertyNames": {"pattern": r"^[A-Za-z0-9_.-]{1,64}$"},
        "additionalProperties": {"type": "string", "minLength": 1, "maxLength": 256},
    },
    "ErrorEnvelope": ERROR,
    "ErrorDetail": ERROR_DETAIL,
    "ErrorCode": ERROR_CODE,
    "ErrorDetails": ERROR_DETAILS,
}
"""Components that name no marshmallow schema (those come from `app/schemas/conversations.py`)."""


def _component_of(field: fields.Field[Any]) -> str | None:
    for field_class, name in NAMED_FIELDS.items():
        if isinstance(field, field_class):
            return name
    for validator in field.validators:
        if isinstance(validator, validate.OneOf):
            return NAMED_ENUMS.get(tuple(str(choice) for choice in validator.choices))
    return None


def refer_to_components(
    converter: Any, field: fields.Field[Any], ret: Schema, **kwargs: Any
) -> Schema:
    """apispec attribute function: a field of a named enum or object refers to its component.

    It runs after apispec's own functions, so it takes back what they wrote inline.
    """
    name = _component_of(field)
    if name is None:
        return {}
    for key in ("type", "enum", "format", "additionalProperties"):
        ret.pop(key, None)
    return nullable(ref(name)) if field.allow_none else ref(name)


def constant_field(converter: Any, field: fields.Field[Any], **kwargs: Any) -> Schema:
    """apispec attribute function: marshmallow's Constant is a JSON Schema `const`."""
    if isinstance(field, fields.Constant):
        return one_value(field.constant)
    return {}
