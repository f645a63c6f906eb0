"""Conversations in Redis: every write is one Lua script that also takes the request's price.

The store speaks in `Stored` conversations (public field names, times in epoch ms, metadata
as compact JSON text) and takes each request's `Charge` through its TokenStore; it
translates to the compact hash of keyspace.py, raises the service's errors from the
scripts' result codes, and never sees Flask.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from app.errors import InvalidTransition, NotFound
from app.store.events import EventLog, Origin
from app.store.failures import reports_unavailable
from app.store.ids import ConversationRef, make_id, parse_id
from app.store.inbox import FILTERED_READ_BUDGET, PAIRS_FIELD, pair, pairs_field
from app.store.keyspace import (
    HASH_FIELDS,
    HASH_VALUES,
    PUBLIC_FIELDS,
    STATUS_NAMES,
    TYPE_NAMES,
    Keyspace,
)
from app.store.pages import Page
from app.store.scripts import Code, Reply, pairs
from app.store.tokens import Charge, TokenStore
from app.vocabulary import STATUSES, TYPES

__all__ = ["ConversationStore", "Origin", "Page", "Stored"]

Stored = dict[str, str]


def to_hash(fields: Mapping[str, str]) -> list[str]:
    """Public fields → flat field, value pairs of the compact hash (defaults left out)."""
    pairs = []
    for name, value in fields.items():
        if name in ("type", "status"):
            value = HASH_VALUES[value]
        elif name == "version" and value == "1":
            continue
        pairs += [HASH_FIELDS[name], value]
    return pairs


def from_hash(account: str, seq: int | str, flat: Sequence[str] | Mapping[str, str]) -> Stored:
    """The compact hash (flat pairs or a dict) → a Stored conversation with its id."""
    raw = flat if isinstance(flat, Mapping) else pairs(flat)
    # Fields without a public name (the inbox indexes' `q` and `x`) stay in the store.
    stored = {PUBLIC_FIELDS[name]: value for name, value in raw.items() if name in PUBLIC_FIELDS}
    stored["type"] = TYPE_NAMES[stored["type"]]
    stored["status"] = STATUS_NAMES[stored["status"]]
    stored.setdefault("version", "1")
    stored.setdefault("updated_at", stored["created_at"])
    stored.setdefault("metadata", "{}")
    stored["id"] = make_id(account, int(stored["created_at"]), int(seq))
    return stored


class ConversationStore:
    """Conversations of every account, over one Redis (or Redis Cluster) client."""

    def __init__(self, client: Any, keyspace: Keyspace, events: EventLog) -> None:
        self.client = client
        self.keys = keyspace
        self.events = events
        self.tokens = TokenStore(client, keyspace)
        self.scripts = self.tokens.scripts

    def _write(
        self,
        name: str,
        charge: Charge,
        origin: Origin,
        now_ms: int,
        keys: dict[str, Any],
        args: dict[str, Any],
        status: int = 200,
    ) -> Reply:
        """Run a write script: the price, the events' keys and context, its own inputs."""
        account = charge.account
        keys.update(self.events.write_keys(account, origin))
        args["context"] = self.events.context(account, origin, status, now_ms)
        reply = self.tokens.run(name, charge, keys, args)
        if origin.claim is not None and reply.code == Code.OK:
            origin.claim.committed = True  # the script recorded the outcome (lib_events.lua)
        return reply

    def _indexed(self, account: str) -> dict[str, Any]:
        """The conversation indexes and inbox keys a write that moves them declares."""
        return {
            "indexes": self.keys.all_indexes(account),
            "changes": self.keys.changes(account),
            "leaves": self.keys.updated_leaves(account),
        }

    def _locate(self, charge: Charge, conversation_id: str) -> ConversationRef:
        """Where an id points in the charge's account; charged 404 when it cannot be there."""
        ref = parse_id(charge.account, conversation_id)
        if ref is None:
            self.tokens.debit(charge)
            raise NotFound()
        return ref

    @reports_unavailable
    def create(self, charge: Charge, fields: Mapping[str, str], origin: Origin) -> Stored:
        """Store a new conversation from its public fields, with its event; return it."""
        account = charge.account
        keys = {"sequence": self.keys.sequence(account), **self._indexed(account)}
        indexed = pairs_field(fields["metadata"])
        extra = [] if indexed is None else [PAIRS_FIELD, indexed]
        args = {"type": HASH_VALUES[fields["type"]], "fields": [*to_hash(fields), *extra]}
        now_ms = int(fields["created_at"])
        reply = self._write("create_conversation", charge, origin, now_ms, keys, args, 201)
        return from_hash(account, reply.seq, to_hash(fields))

    @reports_unavailable
    def get(self, charge: Charge, conversation_id: str) -> Stored:
        """Charge and read one conversation."""
        ref = self._locate(charge, conversation_id)
        keys = {"conversation": self.keys.conversation(charge.account, ref.seq)}
        reply = self.tokens.run("get_conversation", charge, keys, {"created": ref.created_ms})
        return from_hash(charge.account, ref.seq, reply.fields)

    @reports_unavailable
    def read(self, charge: Charge, conversation_id: str) -> Stored | None:
        """Read one conversation without charging (the first half of an update)."""
        ref = self._locate(charge, conversation_id)
        raw = self.client.hgetall(self.keys.conversation(charge.account, ref.seq))
        if raw.get("c") != str(ref.created_ms):
            return None
        return from_hash(charge.account, ref.seq, raw)

    @reports_unavailable
    def update(
        self,
        charge: Charge,
        current: Stored,
        if_match: str,
        now_ms: int,
        set_fields: Mapping[str, str],
        delete_fields: Sequence[str],
        origin: Origin,
    ) -> Stored | None:
        """Apply a change computed from `current`, with its event when something changed;
        None if the conversation changed since it was read."""
        ref = self._locate(charge, current["id"])
        keys = {
            "conversation": self.keys.conversation(charge.account, ref.seq),
            "changes": self.keys.changes(charge.account),
            "leaves": self.keys.updated_leaves(charge.account),
        }
        set_pairs, delete_names = to_hash(set_fields), [HASH_FIELDS[n] for n in delete_fields]
        if "metadata" in set_fields:
            indexed = pairs_field(set_fields["metadata"])
            if indexed is None:
                delete_names.append(PAIRS_FIELD)
            else:
                set_pairs += [PAIRS_FIELD, indexed]
        args = {
            "created": ref.created_ms,
            "version": current["version"],
            "if_match": if_match,
            "now": now_ms,
            "seq": ref.seq,
            "deletes": " ".join(delete_names),
            "sets": set_pairs,
        }
        reply = self._write("update_conversation", charge, origin, now_ms, keys, args)
        if reply.code == Code.STALE:
            return None
        return from_hash(charge.account, ref.seq, reply.fields)

    @reports_unavailable
    def transition(
        self,
        charge: Charge,
        conversation_id: str,
        action: str,
        if_match: str,
        now_ms: int,
        origin: Origin,
    ) -> Stored:
        """Archive, close or reopen a conversation, with its event (a no-op writes none)."""
        ref = self._locate(charge, conversation_id)
        keys = {
            "conversation": self.keys.conversation(charge.account, ref.seq),
            **self._indexed(charge.account),
        }
        args = {
            "action": action,
            "now": now_ms,
            "if_match": if_match,
            "created": ref.created_ms,
            "seq": ref.seq,
        }
        reply = self._write("transition_conversation", charge, origin, now_ms, keys, args)
        if reply.code == Code.INVALID_TRANSITION:
            raise InvalidTransition(action=action, current=STATUS_NAMES[str(reply.status)])
        return from_hash(charge.account, ref.seq, reply.fields)

    @reports_unavailable
    def delete(
        self, charge: Charge, conversation_id: str, if_match: str, now_ms: int, origin: Origin
    ) -> None:
        """Delete a conversation and every index entry, with its event."""
        ref = self._locate(charge, conversation_id)
        keys = {
            "conversation": self.keys.conversation(charge.account, ref.seq),
            **self._indexed(charge.account),
        }
        args = {"if_match": if_match, "created": ref.created_ms, "seq": ref.seq}
        self._write("delete_conversation", charge, origin, now_ms, keys, args)

    @reports_unavailable
    def list_page(
        self,
        charge: Charge,
        type_: str | None,
        status: str | None,
        after: int | None,
        limit: int,
        order_by: str = "created_at",
        metadata: tuple[str, str] | None = None,
    ) -> Page[Stored]:
        """Charge and read the page of the filter below the score `after`, newest first.

        By creation the score is the seq, by last change the change number (docs/conversations.md).
        One script reads the index and the rows together: one round trip, one snapshot.
        """
        account = charge.account
        updated = order_by == "updated_at"
        check = ("", "")
        if metadata is not None:
            indexes = [self.keys.metadata_index(account, pair(*metadata), updated)]
            check = (HASH_VALUES.get(type_ or "", ""), HASH_VALUES.get(status or "", ""))
        elif updated:
            indexes = self.keys.updated_leaves(account, type_, status)
        else:
            indexes = [self.keys.index(account, type_, status)]
        args = {
            "bound": "+inf" if after is None else f"({after}",
            "page_size": limit,
            "account_prefix": self.keys.account_prefix(account),
            "want_type": check[0],
            "want_status": check[1],
            "budget": FILTERED_READ_BUDGET,
        }
        reply = self.tokens.run("list_conversations", charge, {"indexes": indexes}, args)
        rows: list[Any] = reply.rows
        items = [from_hash(account, seq, flat) for seq, flat in pairs(rows).items()]
        last = int(reply.last) if reply.last else None
        return Page(items, bool(int(reply.has_more)), last)

    @reports_unavailable
    def counts(self, charge: Charge) -> dict[str, dict[str, int]]:
        """Charge and count the account's conversations: {type: {status: n}}, one read."""
        account = charge.account
        indexes = [self.keys.index(account, t, s) for t in TYPES for s in STATUSES]
        reply = self.tokens.run("count_conversations", charge, {"indexes": indexes}, {})
        numbers = iter(int(n) for n in reply.counts)
        return {t: {s: next(numbers) for s in STATUSES} for t in TYPES}
