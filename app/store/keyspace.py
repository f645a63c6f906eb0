"""Every Redis key of the service, made by one class.

With prefix P (`REDIS_KEY_PREFIX`) and account A, the whole keyspace is:

    P:{A}:tokens                         string   the account's token balance
    P:{A}:seq                            string   per-account creation sequence (INCR)
    P:{A}:conv:<seq>                     hash     one conversation (fields below)
    P:{A}:idx:all                        zset     every conversation's seq, scored by seq
    P:{A}:idx:type:<type>                zset     seqs of one type
    P:{A}:idx:status:<status>            zset     seqs in one status
    P:{A}:idx:type:<type>:status:<s>     zset     seqs of one type in one status
    P:{A}:chg                            string   per-account change sequence (INCR): every
                                                  create and every change takes the next one
    P:{A}:upd:type:<type>:status:<s>     zset     seqs of one type in one status, scored by
                                                  their last change (order_by=updated_at)
    P:{A}:meta:c:<key>:<value>           zset     seqs whose metadata <key> matches <value>
                                                  (SPEC.md §18), scored by seq
    P:{A}:meta:u:<key>:<value>           zset     the same seqs, scored by their last change
    P:{A}:keys                           zset     the account's API key ids, scored by creation ms
    P:{A}:key:<sha256 of the secret>     hash     the key as requests check it: id, scopes,
                                                  revoked (read by each request's own script)
    P:{A}:idem:<sha256 of the key>       hash     one Idempotency-Key record (TTL)
    P:{A}:events                         stream   the account's events (SPEC.md §15), trimmed
                                                  to EVENT_RETENTION_DAYS as events are added
    P:{A}:streams:<sha256 of the secret> zset    one key's open live streams (docs/stream.md):
                                                  tokens scored by their lease's end (ms; TTL)
    P:{A}:wh:seq                         string   per-account webhook endpoint sequence (INCR)
    P:{A}:wh:eps                         zset     the account's endpoint ids, scored by sequence
    P:{A}:wh:ep:<endpoint id>            hash     one webhook endpoint (fields below)
    P:{A}:wh:ep:<endpoint id>:dlv        zset     an endpoint's delivery ids by event time (ms)
    P:{A}:wh:ep:<endpoint id>:ps         string   the secret a rotation replaced (TTL: the 24 h
                                                  it keeps signing; then Redis deletes it)
    P:{A}:wh:subs                        hash     enabled webhook endpoint id → '*' or
                                                  ',type,type,' (what it subscribes to)
    P:{A}:wh:dlv:<delivery id>           hash     one webhook delivery (fields below; TTL: the
                                                  event retention)
    P:{A}:wh:dlv:<delivery id>:att       list     its last 10 attempts, newest first (compact
                                                  JSON; expires with the delivery's hash)
    P:{A}:wh:due                         zset     the account's endpoints that have pending
                                                  deliveries, scored by when the next may start
    P:{A}:wh:ep:<endpoint id>:due        zset     the endpoint's pending delivery ids by due
                                                  time (ms; an attempt in flight: its lease's end)
    P:{A}:wh:ep:<endpoint id>:fly        zset     the endpoint's attempts in flight, by lease end
    P:{A}:wh:trimmed                     string   set while the account's delivery listings were
                                                  trimmed to the retention lately (TTL 6 h)
    P:secret:<sha256 of the secret>      hash     secret digest → account, key id (the global
                                                  index: a secret names no account)
    P:key:<key id>                       hash     key record: account, scopes, created, revoked
    P:cursor-secret                      string   HMAC key for cursors when SECRET_KEY is unset
    P:{wh:<n>}:accounts                  set      shard n (of 16) of the accounts that have or
                                                  had webhook endpoints (the workers' sweep)
    P:{wh:<n>}:ready                     zset     shard n of the work index: accounts scored by
                                                  their next due time, kept by the workers
    P:{wh:<n>}:trimmed                   string   set (TTL 6 h) by the worker whose sweep trims
                                                  the listings of shard n's accounts
    P:wh:workers                         zset     live workers' names, scored by last heartbeat
    P:wh:hints                           channel  `<account> <ms>`: PUBLISHed by a write that
                                                  made a delivery due (not a key)
    P:ev:hints                           channel  `<account>`: PUBLISHed by every write that
                                                  appends an event (the live streams'; not a key)
    P:webhook-accounts                   set      before the shards (read once at worker start)
    P:limits:...                         flask-limiter's own keys, through `limits`: the
                                         per-key bucket (named by the account's hash tag
                                         and the secret's SHA-256 digest, so in the
                                         account's slot) and the per-address failed logins

Every key of one account carries the hash tag `{A}`, so each operation on an account
touches one Redis Cluster slot and runs as one Lua script. The `secret`, `key` and
`cursor-secret` keys name no account; they spread over the cluster's slots by their own
names, and the webhook shards by their own tags `{wh:<n>}` (never an account's: account
names have no `:`).

A conversation is addressed by its per-account sequence number: the id embeds it (see
ids.py), the indexes hold it as member and score, and its hash is `P:{A}:conv:<seq>`. Short
members and field names keep a conversation near 600 bytes of Redis memory. Hash fields
(`HASH_FIELDS` maps them to the public names; a field that is null is absent):

    t type (d direct, g group) · s status (o open, c closed, a archived) · n title
    d description · m metadata (compact JSON) · v version (absent while 1)
    c created_at · u updated_at (absent while equal to c) · cl closed_at · ar archived_at
    (times in epoch milliseconds)
    q the conversation's last change number · x its metadata pairs (inbox.py; absent: none)

The inbox lists of SPEC.md §18 read the six `upd` leaves (one for type with status,
merged across two, three or all six otherwise), and a metadata index alone or, with type
or status, checked against each row (at most 1,000 entries a page). Counts are the sizes
of the six `idx:type:<t>:status:<s>` indexes, read together: nothing to keep in step.

Webhooks (SPEC.md §16). The events' writer fans each event out, in its own script, to
every endpoint of `wh:subs` that subscribes to its type: it creates the delivery hash,
adds it to the endpoint's `dlv` (the listing) and `due`, lowers the endpoint's score in
`wh:due` to now, and PUBLISHes a hint on `wh:hints`. Delivery ids are
`whd_<event ms, 13 digits><event sequence, 6 digits>_<endpoint id without we_>`, so they
sort in event order. The account's `wh:due` is the truth of what is due; the shards
`{wh:<n>}` (an account's shard is crc32(account) mod 16) are the workers' index of it
(app/worker/loop.py). An account joins its shard's `accounts` before any of its endpoints
is enabled and never leaves. Endpoint hash fields:

    url · ev (`*` or `,type,type,`) · d description (absent: null)
    st status (enabled|disabled) · dr disabled_reason (manual|gone|failing)
    c created · u updated · sq sequence · sk secret
    px when the previous secret (`:ps`, above) stops signing (24 h after the rotation)
    fs failing since (the receiver's first failure after the last success or url change)

Delivery hash fields (the first seven written by the fan-out):

    ep endpoint id · ev event stream entry id · ty event type · cr created
    st status (pending|succeeded|failed) · at attempts started · na next attempt (pending)
    la last attempt · lc last status code · le last error
    lt, lx the lease's token and end while an attempt is in flight
    rq a retry asked for while an attempt was in flight
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

    def inbox_keys(self, account: str) -> list[str]:
        """The change sequence and the six leaves, as the write scripts take them."""
        return [self.changes(account), *self.updated_leaves(account)]

    def metadata_prefix(self, account: str) -> str:
        """`P:{A}:meta:`, from which scripts name the metadata indexes of a hash's pairs."""
        return self.account(account, "meta", "")

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

    def limits_prefix(self) -> str:
        return f"{self.prefix}:limits"

    def legacy_webhook_accounts(self) -> str:
        """The one set of webhook accounts before the shards (read once at worker start)."""
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

    def streams(self, account: str, digest: str) -> str:
        """The open live streams of one API key (docs/stream.md)."""
        return self.account(account, "streams", digest)

    def stream_hints(self) -> str:
        """The Pub/Sub channel that says an account's event log grew (not a key)."""
        return f"{self.prefix}:ev:hints"

    def webhook_trimmed(self, account: str) -> str:
        return self.account(account, "wh", "trimmed")

    def webhook_prefix(self, account: str) -> str:
        """`P:{A}:wh:`, from which scripts name the hashes a due delivery leads them to."""
        return self.account(account, "wh", "")

    def webhook_sequence(self, account: str) -> str:
        return self.account(account, "wh", "seq")

    def webhook_endpoints(self, account: str) -> str:
        return self.account(account, "wh", "eps")

    def webhook_endpoint(self, account: str, endpoint_id: str) -> str:
        return self.account(account, "wh", "ep", endpoint_id)

    def webhook_endpoint_deliveries(self, account: str, endpoint_id: str) -> str:
        return self.account(account, "wh", "ep", endpoint_id, "dlv")

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
