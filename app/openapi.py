"""The OpenAPI 3.1 document, built from the marshmallow schemas that validate requests.

apispec's marshmallow plugin turns `app/schemas.py` into JSON Schema, so what the service
validates and what it documents cannot drift apart. The rest (headers, errors, examples)
comes from `app/openapi_parts.py`.
"""

from __future__ import annotations

import copy
import functools
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import fields

from app.openapi_parts import ERROR_SCHEMA, HEADERS, PARAMETERS, SECURITY_SCHEME
from app.openapi_paths import JSON_TYPES, paths
from app.schemas import (
    ConversationSchema,
    CreateConversationSchema,
    EmptySchema,
    JsonObject,
    ListQuerySchema,
    UpdateConversationSchema,
)

DESCRIPTION = f"""\
Conversations of the SaaSignal messaging API.

Every request needs `Authorization: Bearer sk_live_...`; each operation names its scope.
Each admitted request costs tokens (read 1, write 2, admin 2 by default), taken before
validation; a 5xx is refunded. Checks run in this order: authentication (401), scope (403),
rate limit (429), idempotency (replay, 409, 422), tokens (402), body and query (400, 413,
415, 422), existence (404), preconditions (412), state (409).

Bodies are JSON ({JSON_TYPES}). Every response is JSON in the envelope
`{{"status": "ok", "data": ...}}` or `{{"status": "error", "error": {{...}}}}`, except a 304.
Every response carries `X-Request-Id`: send your own (1-128 characters of `[A-Za-z0-9._-]`)
to have it echoed.
"""


def _package_version() -> str:
    try:
        return version("saasignal-conversations")
    except PackageNotFoundError:
        return "0.0.0"


def _constant(converter: Any, field: fields.Field[Any], **kwargs: Any) -> dict[str, Any]:
    """Describe marshmallow's Constant field as a one-value enum."""
    if isinstance(field, fields.Constant):
        return {"type": "string", "enum": [field.constant]}
    return {}


def _envelope(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["status", "data"],
        "additionalProperties": False,
        "properties": {"status": {"type": "string", "enum": ["ok"]}, "data": data},
    }


_LIST_SCHEMA = {
    "type": "object",
    "required": ["status", "data", "has_more", "next_cursor"],
    "additionalProperties": False,
    "properties": {
        "status": {"type": "string", "enum": ["ok"]},
        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Conversation"}},
        "has_more": {"type": "boolean"},
        "next_cursor": {
            "type": ["string", "null"],
            "description": "Pass as `cursor` (with the same type and status) for the next "
            "page; null when has_more is false.",
        },
    },
}
_DELETED_SCHEMA = _envelope(
    {
        "type": "object",
        "required": ["id", "object", "deleted"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": ["conversation"]},
            "deleted": {"type": "boolean", "enum": [True]},
        },
    }
)


@functools.cache
def _document() -> dict[str, Any]:
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="SaaSignal Conversations API",
        version=_package_version(),
        openapi_version="3.1.0",
        plugins=[plugin],
        info={"description": DESCRIPTION},
        tags=[{"name": "Conversations", "description": "Create, list, change and delete."}],
    )
    plugin.map_to_openapi_type(JsonObject, "object", None)  # type: ignore[no-untyped-call]
    assert plugin.converter is not None
    plugin.converter.add_attribute_function(_constant)  # type: ignore[no-untyped-call]
    spec.components.security_scheme("bearerAuth", SECURITY_SCHEME)
    for name, parameter in PARAMETERS.items():
        spec.components.parameter(name, parameter["in"], parameter)
    for name, header in HEADERS.items():
        spec.components.header(name, header)
    spec.components.schema("CreateConversation", schema=CreateConversationSchema)
    spec.components.schema("UpdateConversation", schema=UpdateConversationSchema)
    spec.components.schema("EmptyBody", schema=EmptySchema)
    spec.components.schema("Conversation", schema=ConversationSchema)
    spec.components.schema(
        "ConversationEnvelope", _envelope({"$ref": "#/components/schemas/Conversation"})
    )
    spec.components.schema("ConversationList", _LIST_SCHEMA)
    spec.components.schema("DeletedConversation", _DELETED_SCHEMA)
    spec.components.schema("Error", ERROR_SCHEMA)
    for path, operations in paths(ListQuerySchema).items():
        spec.path(path=path, operations=operations)
    document: dict[str, Any] = spec.to_dict()
    first = {key: document.pop(key) for key in ("openapi", "info")}
    return {**first, **document}


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service (a fresh copy the caller may change)."""
    return copy.deepcopy(_document())
