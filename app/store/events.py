"""The account's event log in Redis (docs/events.md): one stream per account, under its hash tag.

Events are appended by the conversation write scripts themselves (lib.lua's `emit_event`),
so a change and its event commit together or not at all; this module gives those scripts
their event keys and context, and reads the log back: a filtered page, one event.

Why a stream: entries are appended in commit order with ids that only grow (`<ms>-<n>`),
so a cursor is just the last id read and a walk can never repeat or skip an event;
`XADD … MINID ~` trims by age as events are written; `XREVRANGE` reads newest first in
O(log N + page); and the entries of one stream share their field names in Redis's
listpacks, which keeps an event near 400 bytes.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import orjson

from app.store.failures import reports_unavailable
from app.store.idempotency import Claim
from app.store.ids import ConversationRef, parse_event_id
from app.store.keyspace import Keyspace
from app.store.pages import Page
from app.store.scripts import pairs
from app.store.tokens import Charge, TokenStore

DAY_SECONDS = 86400
# A filtered page reads at most this many events (docs/events.md).
PAGE_READ_BUDGET = 1000


@dataclasses.dataclass(frozen=True)
class Origin:
    """The request that makes a change: its id, its Idempotency-Key and the key's claim."""

    request_id: str
    idempotency_key: str | None = None
    claim: Claim | None = None


class EventLog:
    """The event streams of every account."""

    def __init__(
        self, client: Any, keyspace: Keyspace, retention_days: int, idempotency_ttl: int
    ) -> None:
        self.keys = keyspace
        self.retention_seconds = retention_days * DAY_SECONDS
        self.idempotency_ttl = idempotency_ttl
        self.tokens = TokenStore(client, keyspace)
        self.scripts = self.tokens.scripts

    def cutoff_ms(self) -> int:
        """Events older than this are gone (EVENT_RETENTION_DAYS)."""
        return max(0, int(time.time() * 1000) - self.retention_seconds * 1000)

    def write_keys(self, account: str, origin: Origin) -> dict[str, str]:
        """The keys every script that writes events declares (lua/lib_events.lua)."""
        claim = origin.claim
        return {
            "events": self.keys.events(account),
            "subscriptions": self.keys.webhook_subscriptions(account),
            "due": self.keys.webhook_due(account),
            "idempotency": claim.record_key
            if claim is not None
            else self.keys.no_idempotency(account),
        }

    def context(self, account: str, origin: Origin, status: int, now_ms: int) -> bytes:
        """The `context` argument of every script that writes events (lua/lib_events.lua)."""
        cutoff = max(0, now_ms - self.retention_seconds * 1000)
        return orjson.dumps(
            {
                "rq": origin.request_id,
                "ik": origin.idempotency_key or "",
                "tok": origin.claim.token if origin.claim is not None else "",
                "ittl": self.idempotency_ttl,
                "st": status,
                "min": f"{cutoff}-0",
                "cut": cutoff,
                "ret": self.retention_seconds,
                "ap": self.keys.account_prefix(account),
                "ac": account,
                "hc": self.keys.webhook_hints(),
                "sh": self.keys.stream_hints(),
            }
        )

    @reports_unavailable
    def list_page(
        self,
        charge: Charge,
        event_type: str | None,
        conversation: ConversationRef | None,
        before: str | None,
        limit: int,
    ) -> Page[tuple[str, dict[str, str]]]:
        """Charge and read a page of events older than `before`, newest first, filtered."""
        keys = {"events": self.keys.events(charge.account)}
        args = {
            "bound": "+" if before is None else f"({before}",
            "oldest": f"{self.cutoff_ms()}-0",
            "page_size": limit,
            "event_type": event_type or "",
            "seq": "" if conversation is None else conversation.seq,
            "budget": PAGE_READ_BUDGET,
            "created": "" if conversation is None else conversation.created_ms,
        }
        reply = self.tokens.run("list_events", charge, keys, args)
        items = [(entry_id, pairs(fields)) for entry_id, fields in pairs(reply.page).items()]
        return Page(items, bool(int(reply.has_more)), reply.last or None)

    @reports_unavailable
    def get(self, charge: Charge, event_id: str) -> tuple[str, dict[str, str]]:
        """Charge and read one event by its public id; NotFound when unknown or expired."""
        stream_id = parse_event_id(charge.account, event_id) or ""
        keys = {"events": self.keys.events(charge.account)}
        args = {"stream_id": stream_id, "cutoff": self.cutoff_ms()}
        reply = self.tokens.run("get_event", charge, keys, args, missing="No such event.")
        return stream_id, pairs(reply.fields)
