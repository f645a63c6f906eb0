"""The keyspace's one list: every key `Keyspace` builds, what it holds, who names it.

docs/internals/keyspace.md is rendered from this list (`python -m app.store.keyspace_doc`),
and tests/test_keyspace_doc.py fails when the two drift, when a Keyspace method is missing
from the list, or when lib.lua's `keyspace` builds a key otherwise than the method it
mirrors. Each pattern is the method's own output for placeholder arguments, never typed by
hand.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable

from app.store.keyspace import HASH_FIELDS, Keyspace

A = "A"  # the account placeholder: its keys are under the hash tag {A}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One key (or family of keys): the method that builds it and what it holds."""

    method: str
    build: Callable[[Keyspace], str]
    kind: str
    text: str
    lua: bool = False  # also named by lib.lua's `keyspace` (only the data tells the key)


def _e(method: str, kind: str, text: str, *args: str, lua: bool = False, **kw: str) -> Entry:
    return Entry(method, lambda k: str(getattr(k, method)(*args, **kw)), kind, text, lua)


ENTRIES = (
    _e("tokens", "string", "the account's token balance", A),
    _e("sequence", "string", "per-account creation sequence (INCR)", A),
    _e("conversation", "hash", "one conversation (fields below)", A, "<seq>", lua=True),
    _e("index", "zset", "every conversation's seq, scored by seq", A),
    _e("index", "zset", "seqs of one type", A, type_="<type>"),
    _e("index", "zset", "seqs in one status", A, status="<status>"),
    _e("index", "zset", "seqs of one type in one status", A, "<type>", "<status>"),
    _e("changes", "string", "per-account change sequence: every create and change takes one", A),
    _e("updated_leaf", "zset", "seqs of one type and status by last change", A, "<type>", "<s>"),
    _e(
        "metadata_index",
        "zset",
        "seqs whose metadata `<key>` is `<value>`, scored by seq",
        A,
        "<key>:<value>",
        lua=True,
        updated="",
    ),  # fmt: skip
    _e(
        "metadata_index",
        "zset",
        "the same seqs, scored by their last change",
        A,
        "<key>:<value>",
        lua=True,
        updated="1",
    ),  # fmt: skip
    _e("account_keys", "zset", "the account's API key ids, scored by creation ms", A),
    _e("key_record", "hash", "the key as requests check it: id, scopes, revoked", A, "<sha256>"),
    _e("idempotency", "hash", "one Idempotency-Key record (TTL)", A, "<sha256 of the key>"),
    _e("no_idempotency", "none", "never written: the slot's stand-in for no Idempotency-Key", A),
    _e("events", "stream", "the account's events, trimmed to EVENT_RETENTION_DAYS", A),
    _e("streams", "zset", "one key's open live streams, by lease end (ms; TTL)", A, "<sha256>"),
    _e("webhook_sequence", "string", "per-account webhook endpoint sequence (INCR)", A),
    _e("webhook_endpoints", "zset", "the account's endpoint ids, scored by sequence", A),
    _e("webhook_endpoint", "hash", "one webhook endpoint (fields below)", A, "<ep>", lua=True),
    _e(
        "webhook_endpoint_deliveries",
        "zset",
        "an endpoint's delivery ids by event time (ms)",
        A,
        "<ep>",
        lua=True,
    ),  # fmt: skip
    _e(
        "webhook_previous_secret",
        "string",
        "the secret a rotation replaced (TTL: 24 h)",
        A,
        "<ep>",
        lua=True,
    ),  # fmt: skip
    _e(
        "webhook_endpoint_due",
        "zset",
        "the endpoint's pending delivery ids by due time (ms)",
        A,
        "<ep>",
        lua=True,
    ),  # fmt: skip
    _e(
        "webhook_endpoint_in_flight",
        "zset",
        "the endpoint's attempts in flight, by lease end",
        A,
        "<ep>",
        lua=True,
    ),  # fmt: skip
    _e("webhook_subscriptions", "hash", "enabled endpoint id -> '*' or ',type,type,'", A),
    _e(
        "webhook_delivery",
        "hash",
        "one delivery (fields below; TTL: the event retention)",
        A,
        "<delivery>",
        lua=True,
    ),  # fmt: skip
    _e(
        "webhook_attempts",
        "list",
        "a delivery's last 10 attempts, newest first (JSON)",
        A,
        "<delivery>",
    ),  # fmt: skip
    _e("webhook_due", "zset", "the account's endpoints with pending deliveries, by next start", A),
    _e("webhook_trimmed", "string", "set while the account's listings were trimmed (TTL 6 h)", A),
    _e("secret", "hash", "secret digest -> account, key id (the global index)", "<sha256>"),
    _e("api_key", "hash", "key record: account, scopes, created, revoked", "<key id>"),
    _e("cursor_secret", "string", "HMAC key for cursors when SECRET_KEY is unset"),
    _e("webhook_shard_accounts", "set", "shard n (of 16) of the accounts with endpoints", "<n>"),
    _e("webhook_ready", "zset", "shard n of the work index: accounts by next due time", "<n>"),
    _e("webhook_shard_trimmed", "string", "set (TTL 6 h) by the worker trimming shard n", "<n>"),
    _e("webhook_workers", "zset", "live workers' names, scored by last heartbeat"),
    _e("webhook_hints", "channel", "`<account> <ms>` PUBLISHed when work is due (not a key)"),
    _e("stream_hints", "channel", "`<account>` PUBLISHed by every event written (not a key)"),
    _e("data_version", "string", "the layout version of the data (`saasignal migrate`)"),
    _e("legacy_webhook_accounts", "set", "before the shards: `saasignal migrate` empties it"),
    _e(
        "limits_prefix",
        "prefix",
        "the rate limiter's keys, through `limits`: the per-key bucket "
        "(in the account's slot) and the per-address failed logins",
    ),  # fmt: skip
)

# Methods that build no key of their own: parts, lists of the keys above, scan patterns.
HELPERS = frozenset(
    {"account", "account_prefix", "all_indexes", "updated_leaves", "account_pattern",
     "metadata_prefix"}
)  # fmt: skip

INTRO = """\
# The keyspace

Every Redis key of the service, with prefix `P` (`REDIS_KEY_PREFIX`) and account `A`, as
`app/store/keyspace.py`'s `Keyspace` builds it. This page is generated from
`app/store/keyspace_doc.py` (`python -m app.store.keyspace_doc > docs/internals/keyspace.md`);
a test fails when the two differ.

Every key of one account carries the hash tag `{A}`, so each operation on an account
touches one Redis Cluster slot and runs as one Lua script. The `secret`, `key` and
`cursor-secret` keys name no account; they spread over the cluster's slots by their own
names, and the webhook shards by their own tags `{wh:<n>}` (account names have no `:`).

Python names every key through `Keyspace`. A script names a key itself only when the data
tells it which (a new conversation's seq, the seqs an index holds, the endpoints and
deliveries a due zset leads to): lib.lua's `keyspace(prefix)` builds those from the
account's prefix `P:{A}:`, with functions named as the methods they mirror (marked *Lua*
below). See docs/internals/scripts.md.

| Key | Type | Built by | Holds |
|---|---|---|---|
"""

FIELDS = """
## Conversation hash fields

A conversation is addressed by its per-account sequence number: the id embeds it
(app/store/ids.py), the indexes hold it as member and score. Short members and field
names keep a conversation near 600 bytes. A field that is null is absent.

{fields} · q the last change number · x its metadata pairs (app/store/inbox.py; absent:
none). Type and status are one letter (d direct, g group; o open, c closed, a archived);
times are epoch milliseconds; `v` is absent while 1, `u` while equal to `c`.

The inbox lists read the six `upd` leaves (merged when a filter spans several), or a
metadata index alone or, with type or status, checked against each row (at most 1,000
entries a page). Counts are the sizes of the six `idx:type:<t>:status:<s>` indexes.

## Webhooks

The events' writer fans each event out, in its own script, to every endpoint of
`wh:subs` that subscribes to its type: it creates the delivery hash, adds it to the
endpoint's `dlv` (the listing) and `due`, lowers the endpoint's score in `wh:due` to now,
and PUBLISHes a hint. Delivery ids are `whd_<event ms, 13 digits><event sequence, 6
digits>_<endpoint id without we_>`, so they sort in event order. The account's `wh:due`
is the truth of what is due; the shards `{{wh:<n>}}` (crc32(account) mod 16) are the
workers' index of it (app/worker/loop.py).

Endpoint hash: url · ev (`*` or `,type,type,`) · d description · st status
(enabled|disabled) · dr disabled_reason (manual|gone|failing) · c created · u updated ·
sq sequence · sk secret · px when the previous secret stops signing · fs failing since.

Delivery hash: ep endpoint id · ev event stream entry id · ty event type · cr created ·
st status (pending|succeeded|failed) · at attempts started · na next attempt · la last
attempt · lc last status code · le last error · lt, lx the lease's token and end while an
attempt is in flight · rq a retry asked for while an attempt was in flight.
"""


def render() -> str:
    """docs/internals/keyspace.md, from ENTRIES."""
    keys = Keyspace("P")
    rows = []
    for entry in ENTRIES:
        built = f"`{entry.method}`" + (" · *Lua*" if entry.lua else "")
        rows.append(f"| `{entry.build(keys)}` | {entry.kind} | {built} | {entry.text} |")
    fields = " · ".join(f"{short} {name}" for name, short in HASH_FIELDS.items())
    return INTRO + "\n".join(rows) + "\n" + FIELDS.format(fields=fields)


if __name__ == "__main__":
    sys.stdout.write(render())
