"""The rules of a conversation (docs/conversations.md): its limits, merge patches, what a write
changes.

Plain Python: the handlers load a request, call these, and render what they return; the
store is called through its methods and never sees HTTP.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.errors import NotFound, StorageUnavailable, ValidationFailed
from app.jsontext import canonical, dumps, loads
from app.store.conversations import ConversationStore, Origin, Stored
from app.store.tokens import Charge

TITLE_MAX = 256
DESCRIPTION_MAX = 2000
METADATA_MAX_BYTES = 16384
METADATA_MAX_DEPTH = 8
# Stripe's bound: what one write costs in metadata index upkeep (docs/conversations.md).
METADATA_MAX_MEMBERS = 50
TOO_DEEP = f"Nested deeper than {METADATA_MAX_DEPTH} levels."
TEXT_FIELDS = ("title", "description")
# A PATCH re-reads and retries when another write moved the version between its read and
# its compare-and-set; past this many tries the conversation is changing too fast.
MAX_UPDATE_ATTEMPTS = 64


def depth(value: Any) -> int:
    """Nesting depth of objects and arrays, without recursion: a flat object is 1."""
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


def metadata_errors(value: Mapping[str, Any]) -> list[str]:
    """Why `value` breaks the metadata limits of docs/conversations.md (empty when it does not)."""
    if depth(value) > METADATA_MAX_DEPTH:
        # Said alone: measuring the size would recurse as deep as the value goes.
        return [TOO_DEEP]
    problems = []
    if len(value) > METADATA_MAX_MEMBERS:
        problems.append(f"More than {METADATA_MAX_MEMBERS} top-level members ({len(value)}).")
    size = len(dumps(value))
    if size > METADATA_MAX_BYTES:
        problems.append(f"Larger than {METADATA_MAX_BYTES} bytes as compact JSON ({size} bytes).")
    return problems


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch: null removes, objects merge, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patch(result.get(name), value)
    return result


def new_conversation(data: Mapping[str, Any], now_ms: int) -> dict[str, str]:
    """The stored fields of a conversation created from a validated body at `now_ms`."""
    fields = {
        "type": data["type"],
        "status": "open",
        "version": "1",
        "created_at": str(now_ms),
        "metadata": dumps(data["metadata"]).decode(),
    }
    for name in TEXT_FIELDS:
        if data[name] is not None:
            fields[name] = data[name]
    return fields


def changes(
    current: Mapping[str, str], patch: Mapping[str, Any]
) -> tuple[dict[str, str], list[str]]:
    """Fields to set and to delete to apply a validated `patch` to `current`.

    Raises ValidationFailed when the merged metadata breaks the limits of docs/conversations.md.
    Nothing to set or delete means the update changes nothing.
    """
    set_fields: dict[str, str] = {}
    delete_fields: list[str] = []
    for name in TEXT_FIELDS:
        if name not in patch:
            continue
        if patch[name] is None:
            if name in current:
                delete_fields.append(name)
        elif patch[name] != current.get(name):
            set_fields[name] = patch[name]
    if "metadata" in patch:
        existing = current.get("metadata", "{}")
        merged = (
            {}
            if patch["metadata"] is None
            else merge_patch(loads(existing.encode()), patch["metadata"])
        )
        errors = metadata_errors(merged)
        if errors:
            raise ValidationFailed(details={"metadata": errors})
        text = dumps(merged).decode()
        # Equal as JSON values is no change (1 and 1.0 are one number), as for bodies.
        if text != existing and canonical(text.encode()) != canonical(existing.encode()):
            set_fields["metadata"] = text
    return set_fields, delete_fields


def update_conversation(
    store: ConversationStore,
    charge: Charge,
    conversation_id: str,
    patch: Mapping[str, Any],
    if_match: str,
    now_ms: int,
    origin: Origin,
) -> Stored:
    """Apply a merge patch: read, compute the change, compare-and-set on the version.

    A lost race re-reads and tries again, so concurrent patches to different members all
    land. A failure before the write is charged first (docs/errors.md: tokens before body
    validation and existence).
    """
    for _ in range(MAX_UPDATE_ATTEMPTS):
        current = store.read(charge, conversation_id)
        if current is None:
            store.tokens.debit(charge)
            raise NotFound()
        try:
            set_fields, delete_fields = changes(current, patch)
        except ValidationFailed:
            store.tokens.debit(charge)
            raise
        updated = store.update(charge, current, if_match, now_ms, set_fields, delete_fields, origin)
        if updated is not None:
            return updated
    raise StorageUnavailable(
        f"conversation {conversation_id} changed under {MAX_UPDATE_ATTEMPTS} updates in a row"
    )
