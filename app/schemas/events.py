"""The events feed's query and the documented event object (docs/events.md)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.domain.conversations import DESCRIPTION_MAX, TITLE_MAX
from app.schemas.common import JsonObject, PageQuery
from app.schemas.conversations import ConversationSchema
from app.store.ids import EVENT_ID_RE, ID_RE
from app.vocabulary import EVENT_TYPES, STATUSES, STREAM_TYPE_FILTERS, WEBHOOK_EVENT_TYPES


class EventListQuerySchema(PageQuery):
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
    """The event object (docs/events.md); documents what `render_event` renders."""

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


class EventTypeListQuerySchema(Schema):
    """Query of GET /event_types: none (one page holds every type)."""


class EventTypeSchema(Schema):
    """One event type of the catalog (docs/webhooks.md); documents `event_type_resources`."""

    object = fields.Constant("event_type", required=True)
    type = fields.String(required=True, validate=validate.OneOf(WEBHOOK_EVENT_TYPES))
    description = fields.String(
        required=True, metadata={"description": "What happened, in one line."}
    )


class EventStreamQuerySchema(Schema):
    """Query of GET /events/stream (docs/stream.md)."""

    type = fields.String(
        validate=validate.OneOf(STREAM_TYPE_FILTERS),
        metadata={
            "description": "Only events of this type, or of this family: a prefix ending in "
            "`.*` (`conversation.*`)."
        },
    )
    conversation_id = fields.String(
        validate=validate.Regexp(ID_RE, error="Not a conversation id."),
        metadata={
            "pattern": ID_RE.pattern,
            "description": "Only events of this conversation. Another account's id, or one "
            "never issued, matches no event.",
        },
    )
    after = fields.String(
        validate=validate.Regexp(EVENT_ID_RE, error="Not an event id."),
        metadata={
            "pattern": EVENT_ID_RE.pattern,
            "description": "Start right after this event, as `Last-Event-ID` does (which "
            "wins when both are sent). An id past retention or unknown starts with "
            "`event: reset`, then every event still kept.",
        },
    )
