"""Conversations in Redis: every write is one Lua script that also takes the request's price.

The store speaks in raw hashes (`dict[str, str]`, see keyspace.py for the fields) and in
`Charge`s; it raises the service's errors from the scripts' result codes and never sees
Flask.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from app.errors import (
    InsufficientTokens,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    StorageUnavailable,
)
from app.store.keyspace import Keyspace
from app.store.scripts import Code, register_scripts

Fields = dict[str, str]
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MAX_CAS_ATTEMPTS = 64


@dataclasses.dataclass
class Charge:
    """The token price of one request, and what the token step made of it."""

    account: str
    cost: int
    balance: int | None = None
    debited: bool = False


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of a listing: conversations, whether more follow, and where it ended."""

    items: list[Fields]
    has_more: bool
    last_seq: int | None


def new_conversation_id(now_ms: int) -> str:
    """A ULID-shaped id: 48 bits of milliseconds, 80 random bits, Crockford base32."""
    value = (now_ms << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "conv_" + "".join(reversed(chars))


def _pairs(fields: Sequence[str]) -> Fields:
    return dict(zip(fields[::2], fields[1::2], strict=True))


class ConversationStore:
    """Conversations of every account, over one Redis (or Redis Cluster) client."""

    def __init__(self, client: Any, keyspace: Keyspace) -> None:
        self.client = client
        self.keys = keyspace
        self.scripts = register_scripts(client)

    def _run(self, name: str, keys: list[str], args: list[Any], charge: Charge) -> list[Any]:
        """Run a script and settle the charge from its answer; raise on 402."""
        result: list[Any] = self.scripts[name](keys=keys, args=args)
        code = int(result[0])
        if code in (Code.STALE, Code.ID_TAKEN):
            return result
        charge.balance = int(result[1])
        if code == Code.INSUFFICIENT_TOKENS:
            raise InsufficientTokens(required=charge.cost, balance=charge.balance)
        charge.debited = True
        if code == Code.NOT_FOUND:
            raise NotFound()
        if code == Code.PRECONDITION_FAILED:
            raise PreconditionFailed(version=int(result[2]))
        return result

    def debit(self, charge: Charge) -> None:
        """Take the price of a request that stops before storage (bad input, bad id)."""
        self._run("debit_tokens", [self.keys.tokens(charge.account)], [charge.cost], charge)

    def refund(self, charge: Charge) -> None:
        """Give back the price of a request that ended in a 5xx (at most once)."""
        if charge.debited and charge.cost > 0:
            charge.debited = False
            self.client.incrby(self.keys.tokens(charge.account), charge.cost)

    def create(self, charge: Charge, fields: Mapping[str, str]) -> Fields:
        """Store a new conversation (`fields` without id and seq); return its hash."""
        account = charge.account
        for _ in range(_MAX_CAS_ATTEMPTS):
            now_ms = int(fields["created_at"])
            conversation_id = new_conversation_id(now_ms)
            stored = {"id": conversation_id, **fields}
            keys = [
                self.keys.tokens(account),
                self.keys.sequence(account),
                self.keys.conversation(account, conversation_id),
                *self.keys.all_indexes(account),
            ]
            args: list[Any] = [charge.cost, conversation_id, stored["type"]]
            for name, value in stored.items():
                args += [name, value]
            result = self._run("create_conversation", keys, args, charge)
            if int(result[0]) == Code.OK:
                stored["seq"] = str(result[2])
                return stored
        raise StorageUnavailable("Could not allocate a conversation id.")

    def get(self, charge: Charge, conversation_id: str) -> Fields:
        """Charge and read one conversation."""
        keys = [
            self.keys.tokens(charge.account),
            self.keys.conversation(charge.account, conversation_id),
        ]
        result = self._run("get_conversation", keys, [charge.cost], charge)
        return _pairs(result[2])

    def read(self, account: str, conversation_id: str) -> Fields | None:
        """Read one conversation without charging (the first half of an update)."""
        fields: Fields = self.client.hgetall(self.keys.conversation(account, conversation_id))
        return fields or None

    def update(
        self,
        charge: Charge,
        conversation_id: str,
        read_version: str,
        if_match: str,
        now_ms: int,
        set_fields: Mapping[str, str],
        delete_fields: Sequence[str],
    ) -> Fields | None:
        """Apply a change computed from the hash at `read_version`; None if it moved since."""
        keys = [
            self.keys.tokens(charge.account),
            self.keys.conversation(charge.account, conversation_id),
        ]
        args: list[Any] = [charge.cost, read_version, if_match, now_ms, len(set_fields)]
        for name, value in set_fields.items():
            args += [name, value]
        args += list(delete_fields)
        result = self._run("update_conversation", keys, args, charge)
        if int(result[0]) == Code.STALE:
            return None
        return _pairs(result[2])

    def transition(
        self, charge: Charge, conversation_id: str, action: str, if_match: str, now_ms: int
    ) -> Fields:
        """Archive, close or reopen a conversation (a no-op when already there)."""
        keys = [
            self.keys.tokens(charge.account),
            self.keys.conversation(charge.account, conversation_id),
            *self.keys.all_indexes(charge.account),
        ]
        args = [charge.cost, action, now_ms, if_match, conversation_id]
        result = self._run("transition_conversation", keys, args, charge)
        if int(result[0]) == Code.INVALID_TRANSITION:
            raise InvalidTransition(action=action, current=str(result[2]))
        return _pairs(result[2])

    def delete(self, charge: Charge, conversation_id: str, if_match: str) -> None:
        """Delete a conversation and every index entry."""
        keys = [
            self.keys.tokens(charge.account),
            self.keys.conversation(charge.account, conversation_id),
            *self.keys.all_indexes(charge.account),
        ]
        self._run("delete_conversation", keys, [charge.cost, if_match, conversation_id], charge)

    def list_page(
        self,
        charge: Charge,
        type_: str | None,
        status: str | None,
        before_seq: int | None,
        limit: int,
    ) -> Page:
        """Charge and read the page of the filter's index below `before_seq`, newest first."""
        account = charge.account
        keys = [self.keys.tokens(account), self.keys.index(account, type_, status)]
        bound = "+inf" if before_seq is None else f"({before_seq}"
        result = self._run("list_conversations", keys, [charge.cost, bound, limit + 1], charge)
        entries: list[str] = result[2]
        ids = entries[0 : 2 * limit : 2]
        has_more = len(entries) > 2 * limit
        last_seq = int(float(entries[2 * len(ids) - 1])) if ids else None
        pipe = self.client.pipeline(transaction=False)
        for conversation_id in ids:
            pipe.hgetall(self.keys.conversation(account, conversation_id))
        items = []
        for fields in pipe.execute() if ids else []:
            # Deleted or moved out of the filter between the two reads: not part of the page.
            if not fields:
                continue
            if (type_ and fields.get("type") != type_) or (
                status and fields.get("status") != status
            ):
                continue
            items.append(fields)
        return Page(items=items, has_more=has_more, last_seq=last_seq)
