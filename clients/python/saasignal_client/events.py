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

    def types(self) -> builtins.list[EventTypeDefinition]:
        """Every event type a webhook endpoint may be sent, with a line on what it means."""
        return self._call(list_event_types.sync_detailed, EventTypeList).data
