"""What the schemas share: a JSON object field, query integers, the page size and cursor."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, fields, validate

from app.domain.conversations import METADATA_MAX_DEPTH, TOO_DEEP, depth

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


class EmptySchema(Schema):
    """Body of the lifecycle actions: empty or {}."""


class PageQuery(Schema):
    """What every list's query has (docs/conversations.md): the page size and the cursor."""

    limit = QueryInteger(load_default=LIMIT_DEFAULT, validate=validate.Range(min=1, max=LIMIT_MAX))
    # The length is documented, not validated here: like any text that is not one of the
    # service's cursors, an empty or over-long one is 422 `invalid_cursor` (docs/conversations.md).
    cursor = fields.String(metadata={"minLength": 1, "maxLength": CURSOR_MAX})
