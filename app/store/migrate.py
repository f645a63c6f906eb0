"""The data's version, and `saasignal migrate`: older layouts converted once, off the
request path (docs/internals/data-versions.md).

`P:data-version` says which layout the data under prefix P has. The web and the worker
refuse to start on an older one with one line naming the command; a prefix that holds no
data yet is stamped current by the first process that starts on it. `migrate` makes each
conversion the service once made on the fly, idempotent and resumable (a second run, or
one after a crash, finds nothing left to convert), and stamps the version last:

1. the one set of webhook accounts from before the shards (`P:webhook-accounts`) goes
   into its shards, each account due at once for the workers;
2. a secret's record from before the key records moved under the account's hash tag
   (`P:secret:<digest>` holding `scopes`) is copied to `P:{A}:key:<digest>` (HSETNX: a
   revocation that marked the new record first stays), and its `scopes` dropped;
3. an account's `wh:due` that still holds deliveries (from before endpoint scores) has
   each moved to its endpoint's `due`, and an endpoint hash that kept its previous secret
   in a field (`ps`, from before the key of its own that expires) loses the field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from redis import exceptions as redis_errors

from app.store.keyspace import WEBHOOK_SHARDS, Keyspace, webhook_shard
from app.store.scripts import register_scripts

# 1: the layouts above (or no version at all); 2: none of them.
DATA_VERSION = 2
COMMAND = "saasignal migrate"
BATCH = 1000


class DataTooOld(Exception):
    """The data under the prefix has an older layout: run `saasignal migrate` first."""


@dataclasses.dataclass
class Migration:
    """What one run of `migrate` converted."""

    accounts_sharded: int = 0
    key_records_copied: int = 0
    deliveries_moved: int = 0
    secret_fields_dropped: int = 0


def _holds_data(client: Any, keys: Keyspace) -> bool:
    return any(True for _ in client.scan_iter(match=f"{keys.prefix}:*", count=BATCH))


def data_version(client: Any, keys: Keyspace) -> int:
    """The layout version of the data under the prefix; an empty prefix is stamped current."""
    found = client.get(keys.data_version())
    if found is None and not _holds_data(client, keys):
        client.set(keys.data_version(), DATA_VERSION, nx=True)
        found = client.get(keys.data_version())
    return 1 if found is None else int(found)


def check_data_version(client: Any, keys: Keyspace) -> None:
    """Start only on current data: DataTooOld (one line naming the command) otherwise.

    A Redis unreachable now is skipped, as connect.check_redis_version skips it: the
    service starts and answers 503 until Redis is back.
    """
    try:
        version = data_version(client, keys)
    except (redis_errors.ConnectionError, redis_errors.TimeoutError):
        return
    except redis_errors.RedisClusterException:
        return
    if version < DATA_VERSION:
        raise DataTooOld(
            f"the data under REDIS_KEY_PREFIX {keys.prefix!r} has layout version {version}, "
            f"this code needs {DATA_VERSION}: run `{COMMAND}` first"
        )
    if version > DATA_VERSION:
        raise DataTooOld(
            f"the data under REDIS_KEY_PREFIX {keys.prefix!r} has layout version {version}, "
            f"newer than this code's {DATA_VERSION}: run a newer release"
        )


def migrate(client: Any, keys: Keyspace, say: Callable[[str], None]) -> Migration:
    """Convert every older layout under the prefix, then stamp the version."""
    done = Migration()
    done.accounts_sharded = _shard_legacy_accounts(client, keys)
    say(f"webhook accounts moved into their shards: {done.accounts_sharded}")
    done.key_records_copied = _copy_key_records(client, keys, say)
    say(f"key records copied under their accounts' hash tags: {done.key_records_copied}")
    script = register_scripts(client)["migrate_webhook_account"]
    seen = 0
    for account in _webhook_accounts(client, keys):
        while True:
            reply = script(
                {"due": keys.webhook_due(account), "endpoints": keys.webhook_endpoints(account)},
                {"account_prefix": keys.account_prefix(account), "batch": BATCH},
            )
            done.deliveries_moved += int(reply.moved)
            done.secret_fields_dropped += int(reply.dropped)
            if int(reply.moved) == 0:
                break
        seen += 1
        if seen % BATCH == 0:
            say(f"webhook accounts converted: {seen}")
    say(
        f"webhook accounts converted: {seen} ({done.deliveries_moved} deliveries moved to "
        f"their endpoints, {done.secret_fields_dropped} previous secrets dropped from hashes)"
    )
    client.set(keys.data_version(), DATA_VERSION)
    say(f"data under {keys.prefix!r} is at layout version {DATA_VERSION}")
    return done


def _shard_legacy_accounts(client: Any, keys: Keyspace) -> int:
    legacy = keys.legacy_webhook_accounts()
    accounts = [str(account) for account in client.smembers(legacy)]
    for account in accounts:
        shard = webhook_shard(account)
        client.sadd(keys.webhook_shard_accounts(shard), account)
        client.zadd(keys.webhook_ready(shard), {account: 0}, lt=True)  # due at once
    if accounts:
        client.delete(legacy)
    return len(accounts)


def _copy_key_records(client: Any, keys: Keyspace, say: Callable[[str], None]) -> int:
    copied = 0
    for name in client.scan_iter(match=keys.secret("*"), count=BATCH):
        record: dict[str, str] = client.hgetall(name)
        if "scopes" not in record or "account" not in record:
            continue
        held = keys.key_record(record["account"], name.rsplit(":", 1)[1])
        pipe = client.pipeline(transaction=False)
        pipe.hsetnx(held, "id", record["key_id"])
        pipe.hsetnx(held, "scopes", record["scopes"])
        pipe.execute()
        client.hdel(name, "scopes")  # after the copy: a crash between the two copies again
        copied += 1
        if copied % BATCH == 0:
            say(f"key records copied: {copied}")
    return copied


def _webhook_accounts(client: Any, keys: Keyspace) -> list[str]:
    found: set[str] = set()
    for shard in range(WEBHOOK_SHARDS):
        found.update(str(a) for a in client.sscan_iter(keys.webhook_shard_accounts(shard)))
    return sorted(found)
