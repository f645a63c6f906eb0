"""The operations of the OpenAPI document: docs/conversations.md's eight endpoints.

Each operation is built from `app/openapi/parts.py` (success, parameters, bodies) and
`app/openapi/errors.py` (the errors it can answer, as classes of the error tree), and refers
to components only: no inline object, so a generated client has one class per component.
"""

from __future__ import annotations

from app.errors import (
    IdempotencyInProgress,
    IdempotencyKeyReused,
    InvalidCursor,
    InvalidTransition,
    NotFound,
    PayloadTooLarge,
    PreconditionFailed,
    ValidationFailed,
)
from app.openapi.declare import Operation, Resource
from app.openapi.errors import AUTHENTICATED, WITH_BODY
from app.openapi.parts import EXAMPLE_CONVERSATION, EXAMPLE_ID, not_modified, parameter, success
from app.schemas.common import EmptySchema
from app.schemas.conversations import (
    CreateConversationSchema,
    ListQuerySchema,
    UpdateConversationSchema,
)
from app.vocabulary import ADMIN, CONVERSATIONS_PATH, READ, WRITE

TAG = "Conversations"
BASE = CONVERSATIONS_PATH
ITEM = BASE + "/{conversation_id}"
MERGE_PATCH = "application/merge-patch+json"
JSON_TYPES = "`application/json` or any `application/*+json`, in UTF-8"

_ONE = {"status": "ok", "data": EXAMPLE_CONVERSATION}
_CHANGED = {"status": "ok", "data": {**EXAMPLE_CONVERSATION, "version": 2}}
# The PATCH example's request, and the object it makes of EXAMPLE_CONVERSATION.
_PATCH = {"title": "Escalations", "metadata": {"tier": None, "region": "eu"}}
_PATCHED = {
    "status": "ok",
    "data": {
        **EXAMPLE_CONVERSATION,
        "title": "Escalations",
        "metadata": {"region": "eu"},
        "version": 2,
        "updated_at": "2026-11-25T12:05:00.456Z",
    },
}
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
# `counts` is no conversation: its own route answers GET only (app/api/conversations.py).
_SEGMENT = {"conversation_id": "conversation_segment"}
_TRANSITIONS = {
    "archive": "From open or closed; a no-op when already archived.",
    "close": "From open; a no-op when closed; 409 `invalid_transition` when archived.",
    "reopen": "From closed or archived; a no-op when open.",
}


def _create() -> Operation:
    created = success(
        201, "The new conversation.", "ConversationEnvelope", _ONE, ("ETag",), replayable=True
    )
    created[201]["links"] = _LINKS
    return Operation(
        "post",
        BASE,
        "create_conversation",
        tag=TAG,
        scope=WRITE,
        summary="Create a conversation",
        description="The body may be empty (same as `{}`). Unknown fields, including "
        "server-set ones, are 422. Honours Idempotency-Key.",
        parameters=(parameter("IdempotencyKey"),),
        body=CreateConversationSchema,
        body_example={"type": "group", "title": "Support", "metadata": {"tier": "gold"}},
        success=created,
        errors=(AUTHENTICATED, WITH_BODY, (IdempotencyInProgress, IdempotencyKeyReused)),
    )


def _list() -> Operation:
    page = {**_ONE, "data": [EXAMPLE_CONVERSATION], "has_more": False, "next_cursor": None}
    return Operation(
        "get",
        BASE,
        "list_conversations",
        tag=TAG,
        scope=READ,
        summary="List conversations",
        description="Newest first, by creation or (`order_by=updated_at`) by last change. By "
        "creation, walking the pages never returns a conversation twice, and returns every one "
        "that matched the filter for the whole walk. By last change, a walk returns once every "
        "match that did not change during it, and one that changed at most once. A page that "
        "combines a metadata filter with `type` or `status` reads at most 1,000 entries, so it "
        "may hold fewer than `limit` while `has_more` is true. Unknown or repeated parameters, "
        "bad values, a limit out of range and a second metadata filter are 422.",
        query=ListQuerySchema,
        query_documented_without=("metadata",),
        parameters=(_METADATA_FILTER,),
        success=success(200, "A page of conversations.", "ConversationList", page),
        errors=(AUTHENTICATED, (PayloadTooLarge, ValidationFailed, InvalidCursor)),
    )


# `metadata[tier]=gold` is an object with bare keys in deepObject style: what openapi-fetch and
# @hey-api/openapi-ts send right with their default settings (docs/clients.md).
# openapi-python-client (0.29.1) ignores the style and spreads the object's members as
# parameters of their own: the Python client gives it `metadata[tier]` keys to spread.
_METADATA_FILTER = {
    "in": "query",
    "name": "metadata",
    "style": "deepObject",
    "explode": True,
    "required": False,
    "description": "`metadata[<key>]=<value>`: one metadata filter (docs/conversations.md), "
    'the object `{"<key>": "<value>"}` in deepObject style.',
    "schema": {"$ref": "#/components/schemas/MetadataFilter"},
}


def _counts() -> Operation:
    example = {
        "status": "ok",
        "data": {
            "object": "conversation_counts",
            "total": 12,
            "by_status": {"open": 7, "closed": 3, "archived": 2},
            "by_type": {"direct": 5, "group": 7},
        },
    }
    return Operation(
        "get",
        BASE + "/counts",
        "count_conversations",
        tag=TAG,
        scope=READ,
        summary="Count conversations",
        description="The account's conversations, in total, by status and by type, in one "
        "atomic read whose cost does not grow with the account. No query parameters (422).",
        query=EmptySchema,
        success=success(200, "The counts.", "ConversationCountsEnvelope", example),
        errors=(AUTHENTICATED, (PayloadTooLarge, ValidationFailed)),
    )


def _get() -> Operation:
    return Operation(
        "get",
        ITEM,
        "get_conversation",
        tag=TAG,
        scope=READ,
        summary="Retrieve a conversation",
        description="Honours If-None-Match (weak comparison): send the ETag you hold to get "
        "304, with no body, while the conversation is unchanged.",
        parameters=(parameter("ConversationId"), parameter("IfNoneMatch")),
        converters=_SEGMENT,
        success={
            **success(200, "The conversation.", "ConversationEnvelope", _ONE, ("ETag",)),
            **not_modified(),
        },
        errors=(AUTHENTICATED, (PayloadTooLarge, NotFound)),
    )


def _update() -> Operation:
    return Operation(
        "patch",
        ITEM,
        "update_conversation",
        tag=TAG,
        scope=WRITE,
        summary="Update a conversation",
        description=f"A JSON Merge Patch (RFC 7396), sent as `{MERGE_PATCH}`; plain "
        f"{JSON_TYPES} is accepted too. An update that changes nothing returns the object "
        "unchanged (same version). Allowed in every status. Honours If-Match.",
        parameters=(parameter("ConversationId"), parameter("IfMatch")),
        converters=_SEGMENT,
        body=UpdateConversationSchema,
        body_example=_PATCH,
        body_media_type=MERGE_PATCH,
        success=success(
            200, "The conversation after the update.", "ConversationEnvelope", _PATCHED, ("ETag",)
        ),
        errors=(AUTHENTICATED, WITH_BODY, (NotFound, PreconditionFailed)),
    )


def _delete() -> Operation:
    gone = {
        "status": "ok",
        "data": {"id": EXAMPLE_ID, "object": "conversation", "deleted": True},
    }
    return Operation(
        "delete",
        ITEM,
        "delete_conversation",
        tag=TAG,
        scope=ADMIN,
        summary="Delete a conversation",
        description="Removes it for good: afterwards it is 404 and no list shows it. "
        "Honours If-Match.",
        parameters=(parameter("ConversationId"), parameter("IfMatch")),
        converters=_SEGMENT,
        success=success(200, "The conversation is deleted.", "DeletedConversationEnvelope", gone),
        errors=(AUTHENTICATED, (PayloadTooLarge, NotFound, PreconditionFailed)),
    )


def _transition(action: str) -> Operation:
    return Operation(
        "post",
        f"{ITEM}/{action}",
        f"{action}_conversation",
        tag=TAG,
        scope=WRITE,
        summary=f"{action.capitalize()} a conversation",
        description=f"{_TRANSITIONS[action]} The body is empty or `{{}}`. Honours If-Match "
        "and Idempotency-Key.",
        parameters=(parameter("ConversationId"), parameter("IfMatch"), parameter("IdempotencyKey")),
        converters=_SEGMENT,
        body=EmptySchema,
        body_example={},
        success=success(
            200,
            "The conversation after the move.",
            "ConversationEnvelope",
            _CHANGED,
            ("ETag",),
            replayable=True,
        ),
        errors=(
            AUTHENTICATED,
            WITH_BODY,
            (NotFound, PreconditionFailed),
            (InvalidTransition,) if action == "close" else (),
            (IdempotencyInProgress, IdempotencyKeyReused),
        ),
    )


CREATE = _create()
LIST = _list()
COUNTS = _counts()
GET = _get()
UPDATE = _update()
DELETE = _delete()
ARCHIVE, CLOSE, REOPEN = (_transition(action) for action in _TRANSITIONS)
RESOURCE = Resource(
    "app.api.conversations",
    (CREATE, LIST, COUNTS, GET, UPDATE, DELETE, ARCHIVE, CLOSE, REOPEN),
)
