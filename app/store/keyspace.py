"""Every Redis key of the service, made by one class.

With prefix P (`REDIS_KEY_PREFIX`) and account A, each account's keys are `P:{A}:...`
under its hash tag, so each operation on an account is one cluster slot and one script.
The keyspace is listed once, in app/store/keyspace_doc.py, and docs/internals/keyspace.md
is rendered from that list (a test keeps them equal).

Python names every key here. A Lua script names a key itself only where the data tells it
which: lib.lua's `keyspace(prefix)` builds those from `account_prefix` (`P:{A}:`), with
functions named as the methods they mirror, and a test checks each against its method:

    conversation            a new conversation's hash (its seq is allocated in the
                            script), and the rows of the seqs an index holds
    metadata_index          the metadata indexes of the pairs a hash lists (`x`)
    webhook_endpoint        the endpoints a due zset or the subscriptions lead to, with
    webhook_endpoint_due    their due deliveries,
    webhook_endpoint_in_flight  their attempts in flight,
    webhook_endpoint_deliveries their listings,
    webhook_previous_secret and their previous secrets
    webhook_delivery        the delivery hashes of an event's fan-out, of a listing's ids
                            and of a claim

Short hash fields (`HASH_FIELDS` maps a conversation's to the public names) keep a
conversation near 600 bytes; docs/internals/keyspace.md describes them.
"""

from __future__ import annotations

import zlib

from app.vocabulary import STATUSES, TYPES

HASH_FIELDS = {
    "type": "t",
    "status": "s",
    "title": "n",
    "description": "d",
    "metadata": "m",
    "version": "v",
    "created_at": "c",
    "updated_at": "u",
    "closed_at": "cl",
    "archived_at": "ar",
}
PUBLIC_FIELDS = {short: name for name, short in HASH_FIELDS.items()}
# Type and status values are stored as one letter; index keys keep the full words.
HASH_VALUES = {"direct": "d", "group": "g", "open": "o", "closed": "c", "archived": "a"}
TYPE_NAMES = {"d": "direct", "g": "group"}
STATUS_NAMES = {"o": "open", "c": "closed", "a": "archived"}


class Keyspace:
    """Builds every key under one prefix."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def account(self, account: str, *parts: str) -> str:
        """Key of an account's own data: `P:{A}:part:part…` (one cluster slot per account)."""
        return ":".join((self.prefix, "{" + account + "}", *parts))

    def tokens(self, account: str) -> str:
        return self.account(account, "tokens")

    def sequence(self, account: str) -> str:
        return self.account(account, "seq")

    def conversation(self, account: str, seq: int | str) -> str:
        return self.account(account, "conv", str(seq))

    def index(self, account: str, type_: str | None = None, status: str | None = None) -> str:
        """The sorted-set index for one filter (no filter: every conversation)."""
        parts = ["idx"]
        if type_ is None and status is None:
            parts.append("all")
        if type_ is not None:
            parts += ["type", type_]
        if status is not None:
            parts += ["status", status]
        return self.account(account, *parts)

    def all_indexes(self, account: str) -> list[str]:
        """Every index of an account in the order the Lua scripts expect (see lua/lib.lua)."""
        keys = [self.index(account)]
        keys += [self.index(account, type_=t) for t in TYPES]
        keys += [self.index(account, status=s) for s in STATUSES]
        keys += [self.index(account, type_=t, status=s) for t in TYPES for s in STATUSES]
        return keys

    def changes(self, account: str) -> str:
        return self.account(account, "chg")

    def updated_leaf(self, account: str, type_: str, status: str) -> str:
        return self.account(account, "upd", "type", type_, "status", status)

    def updated_leaves(
        self, account: str, type_: str | None = None, status: str | None = None
    ) -> list[str]:
        """The updated-order leaves a filter reads (every leaf: in lib.lua's order)."""
        return [
            self.updated_leaf(account, t, s)
            for t in TYPES
            for s in STATUSES
            if type_ in (None, t) and status in (None, s)
        ]

    def metadata_prefix(self, account: str) -> str:
        """`P:{A}:meta:`: every metadata index of the account starts so (the doctor's SCAN)."""
        return self.account(account, "meta", "")

    def account_prefix(self, account: str) -> str:
        """`P:{A}:`, from which a script names the keys only the data tells it (lib.lua's
        `keyspace`, whose functions are named as the methods here that it mirrors)."""
        return self.account(account, "")

    def metadata_index(self, account: str, pair: str, updated: bool) -> str:
        return self.account(account, "meta", "u" if updated else "c", pair)

    def account_keys(self, account: str) -> str:
        return self.account(account, "keys")

    def idempotency(self, account: str, key_digest: str) -> str:
        return self.account(account, "idem", key_digest)

    def events(self, account: str) -> str:
        return self.account(account, "events")

    def no_idempotency(self, account: str) -> str:
        """The account's slot, named where a script takes an Idempotency-Key record and the
        request carries none: never written."""
        return self.account(account, "idem", "-")

    def key_record(self, account: str, digest: str) -> str:
        return self.account(account, "key", digest)

    def secret(self, digest: str) -> str:
        return f"{self.prefix}:secret:{digest}"

    def api_key(self, key_id: str) -> str:
        return f"{self.prefix}:key:{key_id}"

    def cursor_secret(self) -> str:
        return f"{self.prefix}:cursor-secret"

    def account_pattern(self) -> str:
        """SCAN pattern matching one key per account (its sequence)."""
        return f"{self.prefix}:{{*}}:seq"

    def data_version(self) -> str:
        """The layout version of the data under the prefix (app/store/migrate.py)."""
        return f"{self.prefix}:data-version"

    def limits_prefix(self) -> str:
        return f"{self.prefix}:limits"

    def legacy_webhook_accounts(self) -> str:
        """The one set of webhook accounts before the shards (`saasignal migrate` empties it)."""
        return f"{self.prefix}:webhook-accounts"

    def webhook_shard_accounts(self, shard: int) -> str:
        return f"{self.prefix}:{{wh:{shard}}}:accounts"

    def webhook_ready(self, shard: int) -> str:
        return f"{self.prefix}:{{wh:{shard}}}:ready"

    def webhook_shard_trimmed(self, shard: int) -> str:
        return f"{self.prefix}:{{wh:{shard}}}:trimmed"

    def webhook_workers(self) -> str:
        return f"{self.prefix}:wh:workers"

    def webhook_hints(self) -> str:
        """The Pub/Sub channel of hints (a channel, not a key)."""
        return f"{self.prefix}:wh:hints"

    def webhook_trimmed(self, account: str) -> str:
        return self.account(account, "wh", "trimmed")

    def webhook_sequence(self, account: str) -> str:
        return self.account(account, "wh", "seq")

    def webhook_endpoints(self, account: str) -> str:
        return self.account(account, "wh", "eps")

    def webhook_endpoint(self, account: str, endpoint_id: str) -> str:
        return self.account(account, "wh", "ep", endpoint_id)

    def webhook_endpoint_deliveries(self, account: str, endpoint_id: str) -> str:
        return self.account(account, "wh", "ep", endpoint_id, "dlv")

    def webhook_endpoint_due(self, account: str, endpoint_id: str) -> str:
        return self.account(account, "wh", "ep", endpoint_id, "due")

    def webhook_endpoint_in_flight(self, account: str, endpoint_id: str) -> str:
        return self.account(account, "wh", "ep", endpoint_id, "fly")

    def webhook_previous_secret(self, account: str, endpoint_id: str) -> str:
        return self.account(account, "wh", "ep", endpoint_id, "ps")

    def webhook_subscriptions(self, account: str) -> str:
        return self.account(account, "wh", "subs")

    def webhook_delivery(self, account: str, delivery_id: str) -> str:
        return self.account(account, "wh", "dlv", delivery_id)

    def webhook_attempts(self, account: str, delivery_id: str) -> str:
        return self.account(account, "wh", "dlv", delivery_id, "att")

    def webhook_due(self, account: str) -> str:
        return self.account(account, "wh", "due")


WEBHOOK_SHARDS = 16


def webhook_shard(account: str) -> int:
    """The shard of the webhook work index that holds `account`."""
    return zlib.crc32(account.encode()) % WEBHOOK_SHARDS
