"""`api.events`: the account's events feed, newest first."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from typing import Any

from ._base import Resource
from .generated.api.events import get_event, list_event_types, list_events
from .generated.models import (
    Event,
    EventEnvelope,
    EventList,
    EventType,
    EventTypeDefinition,
    EventTypeList,
)
from .live import follow


class Events(Resource):
    """Events of the key's account (kept `EVENT_RETENTION_DAYS`). Errors raise `ApiError`."""

    def get(self, event_id: str) -> Event:
        return self._call(get_event.sync_detailed, EventEnvelope, event_id).data

    def list(
        self,
        *,
        type: EventType | None = None,
        conversation_id: str | None = None,
        limit: int | None = None,
        **filters: Any,
    ) -> Iterator[Event]:
        """Every matching event, newest first, fetched lazily `limit` a page."""
        return self._paginate(
            list_events.sync_detailed,
            EventList,
            type_=type,
            conversation_id=conversation_id,
            limit=limit,
            **filters,
        )

    def stream(
        self,
        *,
        after: str | None = None,
        type: EventType | str | None = None,
        conversation_id: str | None = None,
    ) -> Iterator[Event]:
        """The events as they happen (docs/stream.md), oldest first, forever.

        `after` an event id: start right after it (else with what is written from now);
        `type` an event type or a family (`"conversation.*"`). A dropped connection is
        opened again with `Last-Event-ID`: no event is missed or repeated. Raises `ApiError`
        when the stream is refused (401, 402, 403, 422, 429) or ended by the service (the
        key revoked, the balance empty).
        """
        params: dict[str, str] = {}
        if type is not None:
            params["type"] = str(type)
        if conversation_id is not None:
            params["conversation_id"] = conversation_id
        return follow(self._client.get_httpx_client(), params, after, Event.from_dict)

    def types(self) -> builtins.list[EventTypeDefinition]:
        """Every event type a webhook endpoint may be sent, with a line on what it means."""
        return self._call(list_event_types.sync_detailed, EventTypeList).data
