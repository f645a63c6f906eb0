"""The operations of the OpenAPI document: SPEC.md §1's eight endpoints, one function each."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema

from app.openapi_parts import (
    EXAMPLE_CONVERSATION,
    EXAMPLE_ID,
    HEADERS,
    PARAMETERS,
    error_response,
    headers,
)
from app.vocabulary import ADMIN, CONVERSATIONS_PATH, RATE_LIMIT_HEADERS, READ, WRITE

BASE = CONVERSATIONS_PATH
ITEM = BASE + "/{conversation_id}"
JSON_TYPES = "`application/json` or any `application/*+json`, in UTF-8"
_RATE = RATE_LIMIT_HEADERS


def _success(
    status: int, description: str, schema: str, example: Any, extra: tuple[str, ...]
) -> dict[int, Any]:
    """A success response: the envelope, its example and its headers."""
    required = (*_RATE, *extra)
    optional: tuple[str, ...] = ("X-Tokens-Remaining",)
    if "X-Tokens-Remaining" in extra:
        optional = ()
    return {
        status: {
            "description": description,
            "headers": headers(required, optional),
            "content": {
                "application/json": {
                    "schema": {"$ref": f"#/components/schemas/{schema}"},
                    "example": example,
                }
            },
        }
    }


def _errors(*statuses: int, **codes: tuple[str, ...]) -> dict[int, Any]:
    """Error responses for `statuses`; `codes` narrows one (`s409=(...)`)."""
    return {status: error_response(status, codes.get(f"s{status}")) for status in statuses}


def _body(schema: str, example: dict[str, Any], media: tuple[str, ...]) -> dict[str, Any]:
    content = {m: {"schema": {"$ref": f"#/components/schemas/{schema}"}} for m in media}
    content[media[0]]["example"] = example
    return {"required": False, "content": content}


def _operation(
    operation_id: str, scope: str, summary: str, description: str, **rest: Any
) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "tags": ["Conversations"],
        "summary": summary,
        "description": f"{description}\n\nScope: `{scope}`.",
        "security": [{"bearerAuth": [scope]}],
        "x-scope": scope,
        **rest,
    }


_COMMON = (401, 402, 403, 429, 503)
_ONE = {"status": "ok", "data": EXAMPLE_CONVERSATION}
_PARAMS = {name: name for name in PARAMETERS}
_LINKS = {
    name: {
        "operationId": operation_id,
        "parameters": {"conversation_id": "$response.body#/data/id"},
        "description": f"{name} the conversation this response describes.",
    }
    for name, operation_id in (
        ("Get", "get_conversation"),
        ("Update", "update_conversation"),
        ("Delete", "delete_conversation"),
        ("Archive", "archive_conversation"),
        ("Close", "close_conversation"),
        ("Reopen", "reopen_conversation"),
    )
}
_TRANSITIONS = {
    "archive": "From open or closed; a no-op when already archived.",
    "close": "From open; a no-op when closed; 409 `invalid_transition` when archived.",
    "reopen": "From closed or archived; a no-op when open.",
}


def _transition(action: str) -> dict[str, Any]:
    return _operation(
        f"{action}_conversation",
        WRITE,
        f"{action.capitalize()} a conversation",
        f"{_TRANSITIONS[action]} The body is empty or `{{}}`. Honours If-Match and "
        "Idempotency-Key.",
        parameters=[_PARAMS["ConversationId"], _PARAMS["IfMatch"], _PARAMS["IdempotencyKey"]],
        requestBody=_body("EmptyBody", {}, ("application/json",)),
        responses={
            **_success(
                200,
                "The conversation after the move.",
                "ConversationEnvelope",
                {"status": "ok", "data": {**EXAMPLE_CONVERSATION, "version": 2}},
                ("ETag",),
            ),  # fmt: skip
            **_errors(400, *_COMMON, 404, 409, 412, 413, 415, 422),
        },
    )


def paths(list_query: type[Schema]) -> dict[str, dict[str, Any]]:
    """Every path of the service with its operations; `list_query` documents the list's query."""
    created = _success(201, "The new conversation.", "ConversationEnvelope", _ONE, ("ETag",))
    created[201]["links"] = _LINKS
    created[201]["headers"]["Idempotent-Replayed"] = {**HEADERS["Idempotent-Replayed"]}
    not_modified = {
        "description": "If-None-Match matched: no body.",
        "headers": headers(("ETag",), ("X-Tokens-Remaining", *_RATE)),
    }
    found: dict[str, dict[str, Any]] = {
        BASE: {
            "post": _operation(
                "create_conversation",
                WRITE,
                "Create a conversation",
                "The body may be empty (same as `{}`). Unknown fields, including server-set "
                "ones, are 422. Honours Idempotency-Key.",
                parameters=[_PARAMS["IdempotencyKey"]],
                requestBody=_body(
                    "CreateConversation",
                    {"type": "group", "title": "Support", "metadata": {"tier": "gold"}},
                    ("application/json",),
                ),
                responses={
                    **created,
                    **_errors(
                        400,
                        *_COMMON,
                        409,
                        413,
                        415,
                        422,
                        s409=("idempotency_in_progress",),
                        s422=("validation_error", "idempotency_key_reused"),
                    ),  # fmt: skip
                },
            ),
            "get": _operation(
                "list_conversations",
                READ,
                "List conversations",
                "Newest first. Walking the pages never returns a conversation twice. Unknown "
                "or repeated parameters, bad values and a limit out of range are 422.",
                parameters=[{"in": "query", "schema": list_query}],
                responses={
                    **_success(
                        200,
                        "A page of conversations.",
                        "ConversationList",
                        {
                            **_ONE,
                            "data": [EXAMPLE_CONVERSATION],
                            "has_more": False,
                            "next_cursor": None,
                        },
                        ("X-Tokens-Remaining",),
                    ),  # fmt: skip
                    **_errors(*_COMMON, 422, s422=("validation_error", "invalid_cursor")),
                },
            ),
        },
        ITEM: {
            "get": _operation(
                "get_conversation",
                READ,
                "Retrieve a conversation",
                "Honours If-None-Match (weak comparison).",
                parameters=[_PARAMS["ConversationId"], _PARAMS["IfNoneMatch"]],
                responses={
                    **_success(
                        200,
                        "The conversation.",
                        "ConversationEnvelope",
                        _ONE,
                        ("ETag", "X-Tokens-Remaining"),
                    ),  # fmt: skip
                    304: not_modified,
                    **_errors(*_COMMON, 404),
                },
            ),
            "patch": _operation(
                "update_conversation",
                WRITE,
                "Update a conversation",
                "A JSON Merge Patch (RFC 7396), as `application/merge-patch+json` or "
                f"{JSON_TYPES}. An update that changes nothing returns the object unchanged. "
                "Allowed in every status. Honours If-Match.",
                parameters=[_PARAMS["ConversationId"], _PARAMS["IfMatch"]],
                requestBody=_body(
                    "UpdateConversation",
                    {"title": "Escalations", "metadata": {"tier": None, "region": "eu"}},
                    ("application/merge-patch+json", "application/json"),
                ),
                responses={
                    **_success(
                        200,
                        "The conversation after the update.",
                        "ConversationEnvelope",
                        _ONE,
                        ("ETag", "X-Tokens-Remaining"),
                    ),  # fmt: skip
                    **_errors(400, *_COMMON, 404, 412, 413, 415, 422, s422=("validation_error",)),
                },
            ),
            "delete": _operation(
                "delete_conversation",
                ADMIN,
                "Delete a conversation",
                "Removes it for good: afterwards it is 404 and no list shows it. Honours If-Match.",
                parameters=[_PARAMS["ConversationId"], _PARAMS["IfMatch"]],
                responses={
                    **_success(
                        200,
                        "The conversation is deleted.",
                        "DeletedConversation",
                        {
                            "status": "ok",
                            "data": {"id": EXAMPLE_ID, "object": "conversation", "deleted": True},
                        },
                        ("X-Tokens-Remaining",),
                    ),  # fmt: skip
                    **_errors(*_COMMON, 404, 412),
                },
            ),
        },
    }
    for action in _TRANSITIONS:
        found[f"{ITEM}/{action}"] = {"post": _transition(action)}
    return found
