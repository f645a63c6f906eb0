"""`api.conversations`: create, get, update, close, archive, reopen, delete, list, counts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ._base import Resource
from ._base import metadata as _metadata
from .generated.api.conversations import (
    archive_conversation,
    close_conversation,
    count_conversations,
    create_conversation,
    delete_conversation,
    get_conversation,
    list_conversations,
    reopen_conversation,
    update_conversation,
)
from .generated.models import (
    Conversation,
    ConversationCounts,
    ConversationCountsEnvelope,
    ConversationEnvelope,
    ConversationList,
    ConversationOrder,
    ConversationStatus,
    ConversationType,
    CreateConversation,
    DeletedConversation,
    DeletedConversationEnvelope,
    Metadata,
    MetadataFilter,
    UpdateConversation,
)
from .generated.types import UNSET, Unset

IfMatch = int | str | None


class Conversations(Resource):
    """Conversations of the key's account. Every method raises `ApiError` on an error."""

    def create(
        self,
        *,
        type: ConversationType | None = None,
        title: str | None = None,
        description: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> Conversation:
        """A new conversation (`type` defaults to "group" on the server)."""
        body = CreateConversation(
            type_=UNSET if type is None else type,
            title=UNSET if title is None else title,
            description=UNSET if description is None else description,
            metadata=UNSET if metadata is None else Metadata(metadata),
        )
        return self._call(
            create_conversation.sync_detailed,
            ConversationEnvelope,
            body=body,
            idempotency_key=idempotency_key,
        ).data

    def get(self, conversation_id: str) -> Conversation:
        return self._call(
            get_conversation.sync_detailed, ConversationEnvelope, conversation_id
        ).data

    def update(
        self,
        conversation_id: str,
        *,
        title: str | None | Unset = UNSET,
        description: str | None | Unset = UNSET,
        metadata: Mapping[str, Any] | None | Unset = UNSET,
        if_match: IfMatch = None,
    ) -> Conversation:
        """A merge patch: only what is given changes; None clears a field; in `metadata`, a
        key set to None is removed and nested objects merge."""
        body = UpdateConversation(
            title=title, description=description, metadata=_metadata(metadata)
        )
        return self._call(
            update_conversation.sync_detailed,
            ConversationEnvelope,
            conversation_id,
            body=body,
            if_match=if_match,
        ).data

    def close(
        self, conversation_id: str, *, if_match: IfMatch = None, idempotency_key: str | None = None
    ) -> Conversation:
        return self._transition(close_conversation, conversation_id, if_match, idempotency_key)

    def archive(
        self, conversation_id: str, *, if_match: IfMatch = None, idempotency_key: str | None = None
    ) -> Conversation:
        return self._transition(archive_conversation, conversation_id, if_match, idempotency_key)

    def reopen(
        self, conversation_id: str, *, if_match: IfMatch = None, idempotency_key: str | None = None
    ) -> Conversation:
        return self._transition(reopen_conversation, conversation_id, if_match, idempotency_key)

    def delete(self, conversation_id: str, *, if_match: IfMatch = None) -> DeletedConversation:
        return self._call(
            delete_conversation.sync_detailed,
            DeletedConversationEnvelope,
            conversation_id,
            if_match=if_match,
        ).data

    def list(
        self,
        *,
        type: ConversationType | None = None,
        status: ConversationStatus | None = None,
        order_by: ConversationOrder | None = None,
        metadata: Mapping[str, str] | None = None,
        limit: int | None = None,
        **filters: Any,
    ) -> Iterator[Conversation]:
        """Every matching conversation, newest first (by creation, or `order_by="updated_at"`
        by last change), fetched lazily `limit` a page; `metadata={"tier": "gold"}` is the
        one metadata filter `metadata[tier]=gold`. Other query parameters of the operation
        pass through `filters`."""
        if metadata is not None:
            wanted = {f"metadata[{key}]": value for key, value in metadata.items()}
            filters["metadata"] = MetadataFilter.from_dict(wanted)
        if order_by is not None:
            filters["order_by"] = order_by
        return self._paginate(
            list_conversations.sync_detailed,
            ConversationList,
            type_=type,
            status=status,
            limit=limit,
            **filters,
        )

    def counts(self) -> ConversationCounts:
        """The account's conversations in total, by status and by type."""
        return self._call(count_conversations.sync_detailed, ConversationCountsEnvelope).data

    def _transition(
        self, operation: Any, conversation_id: str, if_match: IfMatch, key: str | None
    ) -> Conversation:
        return self._call(
            operation.sync_detailed,
            ConversationEnvelope,
            conversation_id,
            if_match=if_match,
            idempotency_key=key,
        ).data
