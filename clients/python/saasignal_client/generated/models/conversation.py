from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

from attrs import define as _attrs_define

from ..models.conversation_status import ConversationStatus, check_conversation_status
from ..models.conversation_type import ConversationType, check_conversation_type

if TYPE_CHECKING:
    from ..models.metadata import Metadata


T = TypeVar("T", bound="Conversation")


@_attrs_define
class Conversation:
    """
    Attributes:
        id (str): `conv_` and 26 characters; unique, never reused. Example: conv_01JD8X5Q7WZ3T9M2K4R6V8B0CE.
        object_ (Literal['conversation']):  Default: 'conversation'.
        type_ (ConversationType): A conversation's type, fixed at creation.
        status (ConversationStatus): Where a conversation is in its lifecycle.
        title (None | str):
        description (None | str):
        metadata (Metadata): Any JSON object, yours to fill: at most 16384 bytes as compact UTF-8 JSON, at most 8 levels
            deep (the object itself is level 1; each object or array in it adds one) and at most 50 top-level members.
        version (int): 1 at creation, +1 on every change. A response that carries this conversation has `ETag:
            "<version>"` (version 3: `"3"`): send it as If-Match to change only that version (412 otherwise), or as If-None-
            Match to get 304 while it is unchanged.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        closed_at (datetime.datetime | None):
        archived_at (datetime.datetime | None):
    """

    id: str
    type_: ConversationType
    status: ConversationStatus
    title: None | str
    description: None | str
    metadata: Metadata
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    closed_at: datetime.datetime | None
    archived_at: datetime.datetime | None
    object_: Literal["conversation"] = "conversation"

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_ = self.object_

        type_: str = self.type_

        status: str = self.status

        title: None | str
        title = self.title

        description: None | str
        description = self.description

        metadata = self.metadata.to_dict()

        version = self.version

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        closed_at: None | str
        if isinstance(self.closed_at, datetime.datetime):
            closed_at = self.closed_at.isoformat()
        else:
            closed_at = self.closed_at

        archived_at: None | str
        if isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "object": object_,
                "type": type_,
                "status": status,
                "title": title,
                "description": description,
                "metadata": metadata,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
                "closed_at": closed_at,
                "archived_at": archived_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metadata import Metadata  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        object_ = cast(Literal["conversation"], d.pop("object"))
        if object_ != "conversation":
            raise ValueError(f"object must match const 'conversation', got '{object_}'")

        type_ = check_conversation_type(d.pop("type"))

        status = check_conversation_status(d.pop("status"))

        def _parse_title(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        title = _parse_title(d.pop("title"))

        def _parse_description(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        description = _parse_description(d.pop("description"))

        metadata = Metadata.from_dict(d.pop("metadata"))

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_closed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                closed_at_type_0 = datetime.datetime.fromisoformat(data)

                return closed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        closed_at = _parse_closed_at(d.pop("closed_at"))

        def _parse_archived_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)

                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        archived_at = _parse_archived_at(d.pop("archived_at"))

        conversation = cls(
            id=id,
            object_=object_,
            type_=type_,
            status=status,
            title=title,
            description=description,
            metadata=metadata,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            closed_at=closed_at,
            archived_at=archived_at,
        )

        return conversation
