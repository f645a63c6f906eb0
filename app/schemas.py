"""Validation of request bodies and queries (marshmallow), and the conversation resource.

The same schemas feed the OpenAPI document, so what is validated is what is documented.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from marshmallow import Schema, ValidationError, fields, validate

from app.envelope import dumps
from app.vocabulary import STATUSES, TYPES

TITLE_MAX = 256
DESCRIPTION_MAX = 2000
METADATA_MAX_BYTES = 16384
METADATA_MAX_DEPTH = 8
LIMIT_MAX = 100
LIMIT_DEFAULT = 25
CURSOR_MAX = 512
TOO_DEEP = f"Nested deeper than {METADATA_MAX_DEPTH} levels."
_DIGITS = re.compile(r"^[0-9]{1,6}$")


def metadata_errors(value: Mapping[str, Any]) -> list[str]:
    """Why `value` breaks the metadata limits of SPEC.md §6 (empty when it does not)."""
    if _depth(value) > METADATA_MAX_DEPTH:
        # Said alone: measuring the size would recurse as deep as the value goes.
        return [TOO_DEEP]
    errors = []
    size = len(dumps(value))
    if size > METADATA_MAX_BYTES:
        errors.append(f"Larger than {METADATA_MAX_BYTES} bytes as compact JSON ({size} bytes).")
    return errors


def _depth(value: Any) -> int:
    """Nesting depth of objects and arrays: a flat object is 1."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children: Iterable[Any]
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > METADATA_MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


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
        if _depth(value) > METADATA_MAX_DEPTH:
            raise self.make_error("too_deep")
        return value


class MergePatch(JsonObject):
    """An RFC 7396 merge patch for metadata; its result is checked after merging.

    A patch nested deeper than 8 levels is refused outright: every object or array in a
    patch stays in the merged result at the same level, so the result would be too deep.
    """


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
    metadata = MergePatch(
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


def timestamp(ms: str | int | None) -> str | None:
    """Epoch milliseconds → RFC 3339 UTC with millisecond precision and `Z`."""
    if ms is None:
        return None
    value = int(ms)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(value // 1000)) + (
        f".{value % 1000:03d}Z"
    )


def conversation_resource(stored: Mapping[str, str]) -> dict[str, Any]:
    """Render a stored hash as the public conversation object."""
    return {
        "id": stored["id"],
        "object": "conversation",
        "type": stored["type"],
        "status": stored["status"],
        "title": stored.get("title"),
        "description": stored.get("description"),
        "metadata": orjson.Fragment(stored.get("metadata", "{}")),
        "version": int(stored["version"]),
        "created_at": timestamp(stored["created_at"]),
        "updated_at": timestamp(stored["updated_at"]),
        "closed_at": timestamp(stored.get("closed_at")),
        "archived_at": timestamp(stored.get("archived_at")),
    }
