"""Validation of the conversation bodies and list query (marshmallow), and the documented
conversation object. The same schemas feed the OpenAPI document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from app.domain.conversations import DESCRIPTION_MAX, TITLE_MAX, metadata_errors
from app.schemas.common import JsonObject, PageQuery
from app.vocabulary import STATUSES, TYPES


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


class ListQuerySchema(PageQuery):
    """Query of GET /conversations."""

    type = fields.String(validate=validate.OneOf(TYPES))
    status = fields.String(validate=validate.OneOf(STATUSES))


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
