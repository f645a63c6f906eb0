"""Validation of the conversation bodies and list query (marshmallow), and the documented
conversation object. The same schemas feed the OpenAPI document."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from app.domain.conversations import DESCRIPTION_MAX, TITLE_MAX, metadata_errors
from app.schemas.common import JsonObject, PageQuery
from app.store.inbox import METADATA_KEY_RE, METADATA_VALUE_MAX
from app.vocabulary import CONVERSATION_ORDERS, STATUSES, TYPES

_BRACKETED = re.compile(r"^metadata\[[^\]]*\]$")


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
            "description": "Any JSON object: at most 16384 bytes as compact JSON, 8 levels deep, "
            "50 top-level members.",
        },
    )


class UpdateConversationSchema(Schema):
    """Body of PATCH /conversations/{id}: a JSON Merge Patch (RFC 7396)."""

    # What "Unknown field." is followed by for the fields a PATCH cannot change
    # (app/web/inputs.py; docs/conversations.md).
    unknown_hints: ClassVar[dict[str, str]] = {
        "status": "The status changes through the lifecycle routes: POST "
        "/modules/messaging/conversations/{id}/close, /reopen or /archive.",
        "type": "A conversation's type is fixed when it is created.",
    }

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
    """Query of GET /conversations (docs/conversations.md)."""

    type = fields.String(validate=validate.OneOf(TYPES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    order_by = fields.String(
        load_default="created_at",
        validate=validate.OneOf(CONVERSATION_ORDERS),
        metadata={
            "description": "Newest first by creation, or by last change: a conversation "
            "moves to the top each time a write changes it (a new `version`)."
        },
    )
    # `metadata[<key>]=<value>` arrives as one query parameter named `metadata[<key>]`:
    # `_metadata_filter` turns it into this field's [key, value] before validation.
    metadata = fields.Tuple((fields.String(), fields.String()))

    @pre_load
    def _metadata_filter(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        found = {name: value for name, value in data.items() if name.startswith("metadata")}
        if not found:
            return data
        rest = {name: value for name, value in data.items() if name not in found}
        errors: dict[str, list[str]] = {}
        if len(found) > 1:
            errors["metadata"] = ["Give one metadata filter a request."]
        for name, value in found.items():
            key = name[len("metadata[") : -1] if _BRACKETED.fullmatch(name) else None
            if key is None:
                errors[name] = ["Write a metadata filter as metadata[<key>]=<value>."]
            elif not METADATA_KEY_RE.fullmatch(key):
                errors[name] = ["A metadata key is 1-64 characters of A-Z, a-z, 0-9, _ . -."]
            elif not 1 <= len(value) <= METADATA_VALUE_MAX:
                errors[name] = [f"A metadata value is 1-{METADATA_VALUE_MAX} characters."]
            else:
                rest["metadata"] = [key, value]
        if errors:
            raise ValidationError(errors)
        return rest


class ConversationSchema(Schema):
    """The conversation object (docs/conversations.md); documents what `conversation_resource`
    renders."""

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


class CountsByStatusSchema(Schema):
    """How many conversations are in each status."""

    open = fields.Integer(required=True)
    closed = fields.Integer(required=True)
    archived = fields.Integer(required=True)


class CountsByTypeSchema(Schema):
    """How many conversations are of each type."""

    direct = fields.Integer(required=True)
    group = fields.Integer(required=True)


class ConversationCountsSchema(Schema):
    """The account's counts (docs/conversations.md); documents what `counts_resource` renders."""

    object = fields.Constant("conversation_counts", required=True)
    total = fields.Integer(required=True)
    by_status = fields.Nested(CountsByStatusSchema, required=True)
    by_type = fields.Nested(CountsByTypeSchema, required=True)
