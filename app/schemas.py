"""Validation of request bodies and queries (marshmallow), and the documented resource.

The same schemas feed the OpenAPI document, so what is validated is what is documented.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from app.domain.conversations import (
    DESCRIPTION_MAX,
    METADATA_MAX_DEPTH,
    TITLE_MAX,
    TOO_DEEP,
    depth,
    metadata_errors,
)
from app.store.ids import EVENT_ID_RE, ID_RE
from app.vocabulary import EVENT_TYPES, STATUSES, TYPES

LIMIT_MAX = 100
LIMIT_DEFAULT = 25
CURSOR_MAX = 512
_DIGITS = re.compile(r"^[0-9]{1,6}$")


class JsonObject(fields.Field[dict[str, Any]]):
    """A JSON object kept as-is (any JSON values inside), no deeper than metadata may be.

    The depth is checked here, without recursion, before anything recursive (a merge, a
    serializer) sees the value: JSON nested a thousand levels fits in a 64 KiB body.
    """

    default_error_messages = {"invalid": "Must be a JSON object.", "too_deep": TOO_DEEP}

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        if depth(value) > METADATA_MAX_DEPTH:
            raise self.make_error("too_deep")
        return value


class QueryInteger(fields.Integer):
    """An integer in a query string: decimal digits only (no sign, blank or fraction)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str) or not _DIGITS.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _check_metadata(metadata: Mapping[str, Any]) -> None:
    """Field validator: reported beside the other fields' errors, not after them."""
    errors = metadata_errors(metadata)
    if errors:
        raise ValidationError(errors)


class CreateConversationSchema(Schema):
    """Body of POST /conversations."""

    type = fields.String(
        load_default="group",
        validate=validate.OneOf(TYPES),
        metadata={"description": "Fixed at creation."},
    )
    title = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=TITLE_MAX)
    )
    description = fields.String(
        load_default=None, allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX)
    )
    metadata = JsonObject(
        load_default=dict,
        validate=_check_metadata,
        metadata={
            "description": "Any JSON object: at most 16384 bytes as compact JSON, 8 levels deep.",
        },
    )


class UpdateConversationSchema(Schema):
    """Body of PATCH /conversations/{id}: a JSON Merge Patch (RFC 7396)."""

    title = fields.String(allow_none=True, validate=validate.Length(max=TITLE_MAX))
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    # Its merged result is checked by the domain (app/domain/conversations.py); a patch
    # deeper than 8 levels is refused here: each of its objects stays at its level.
    metadata = JsonObject(
        allow_none=True,
        metadata={
            "description": "Merged into the current metadata: null removes a member, nested "
            "objects merge, arrays are replaced; null clears it to {}."
        },
    )


class EmptySchema(Schema):
    """Body of the lifecycle actions: empty or {}."""


class ListQuerySchema(Schema):
    """Query of GET /conversations."""

    type = fields.String(validate=validate.OneOf(TYPES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    limit = QueryInteger(load_default=LIMIT_DEFAULT, validate=validate.Range(min=1, max=LIMIT_MAX))
    # The length is documented, not validated here: like any text that is not one of the
    # service's cursors, an empty or over-long one is 422 `invalid_cursor` (SPEC.md §8).
    cursor = fields.String(metadata={"minLength": 1, "maxLength": CURSOR_MAX})


class EventListQuerySchema(Schema):
    """Query of GET /events."""

    type = fields.String(
        validate=validate.OneOf(EVENT_TYPES), metadata={"description": "Only events of this type."}
    )
    conversation_id = fields.String(
        validate=validate.Regexp(ID_RE, error="Not a conversation id."),
        metadata={
            "pattern": ID_RE.pattern,
            "description": "Only events of this conversation (its `conversation.deleted` "
            "included). Another account's id, or one never issued, matches no event.",
        },
    )
    limit = QueryInteger(load_default=LIMIT_DEFAULT, validate=validate.Range(min=1, max=LIMIT_MAX))
    cursor = fields.String(metadata={"minLength": 1, "maxLength": CURSOR_MAX})


class ConversationSchema(Schema):
    """The conversation object (SPEC.md §6); documents what `conversation_resource` renders."""

    id = fields.String(
        required=True,
        metadata={
            "description": "`conv_` and 26 characters; unique, never reused.",
            "example": "conv_01JD8X5Q7WZ3T9M2K4R6V8B0CE",
        },
    )
    object = fields.Constant("conversation", required=True)
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    title = fields.String(required=True, allow_none=True, validate=validate.Length(max=TITLE_MAX))
    description = fields.String(
        required=True, allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX)
    )
    metadata = JsonObject(required=True)
    version = fields.Integer(
        required=True,
        validate=validate.Range(min=1),
        metadata={
            "description": "1 at creation, +1 on every change. A response that carries this "
            'conversation has `ETag: "<version>"` (version 3: `"3"`): send it as If-Match to '
            "change only that version (412 otherwise), or as If-None-Match to get 304 while "
            "it is unchanged."
        },
    )
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    updated_at = fields.String(required=True, metadata={"format": "date-time"})
    closed_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})
    archived_at = fields.String(required=True, allow_none=True, metadata={"format": "date-time"})


class EventRequestSchema(Schema):
    """`request` of an event: the request that made the change."""

    id = fields.String(
        required=True,
        metadata={"description": "The request's `X-Request-Id` (the client's own, or `req_...`)."},
    )
    idempotency_key = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The request's `Idempotency-Key`, or null when it sent none."},
    )


class PreviousAttributesSchema(Schema):
    """`data.previous_attributes` of an event: former values of exactly the changed fields."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    title = fields.String(allow_none=True, validate=validate.Length(max=TITLE_MAX))
    description = fields.String(allow_none=True, validate=validate.Length(max=DESCRIPTION_MAX))
    metadata = JsonObject()
    version = fields.Integer(validate=validate.Range(min=1))
    updated_at = fields.String(metadata={"format": "date-time"})
    closed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    archived_at = fields.String(allow_none=True, metadata={"format": "date-time"})


class EventDataSchema(Schema):
    """`data` of an event: the conversation, and what the change replaced."""

    object = fields.Nested(
        ConversationSchema,
        required=True,
        metadata={
            "description": "The conversation after the change; for `conversation.deleted`, "
            "as it was when it was deleted."
        },
    )
    previous_attributes = fields.Nested(
        PreviousAttributesSchema,
        metadata={
            "description": "The former values of exactly the fields that changed (an update "
            "or a lifecycle move); absent for `conversation.created` and "
            "`conversation.deleted`."
        },
    )


class EventSchema(Schema):
    """The event object (SPEC.md §15); documents what `render_event` renders."""

    id = fields.String(
        required=True,
        metadata={
            "description": "`evt_` and 22 characters; unique, never reused.",
            "pattern": EVENT_ID_RE.pattern,
            "example": "evt_01M8BVM4KV0000R6V8B0CE",
        },
    )
    object = fields.Constant("event", required=True)
    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    created_at = fields.String(
        required=True,
        metadata={"format": "date-time", "description": "When the change was committed."},
    )
    conversation_id = fields.String(
        required=True,
        metadata={
            "description": "The id of the conversation that changed.",
            "pattern": ID_RE.pattern,
        },
    )
    data = fields.Nested(EventDataSchema, required=True)
    request = fields.Nested(EventRequestSchema, required=True)
