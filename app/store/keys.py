"""API keys in Redis (their accounts' balances are the TokenStore's).

Only the SHA-256 digest of a secret is stored. `P:secret:<digest>` is the lookup made on
every request (one HGETALL); `P:key:<id>` is the key's record, and `P:{A}:keys` lists an
account's key ids. A revoked key loses its secret record first, so it stops working at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
import string
import time
from typing import Any

from app.store.failures import reports_unavailable
from app.store.keyspace import Keyspace
from app.store.tokens import TokenStore

ACCOUNT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
SECRET_RE = re.compile(r"^sk_live_[A-Za-z0-9]{40,}$")
_ALPHABET = string.ascii_letters + string.digits


@dataclasses.dataclass(frozen=True)
class RateCounter:
    """A rate limiter's counter to bump in the key lookup's pipeline: its key, its script."""

    key: str
    expiry: int
    script: str


@dataclasses.dataclass(frozen=True)
class ApiKey:
    """An authenticated key: who it is, whose account, what it may do."""

    key_id: str
    account: str
    scopes: frozenset[str]


@dataclasses.dataclass(frozen=True)
class Lookup:
    """What the key lookup's round trip read: the key (None: unknown or revoked), the
    address's failed logins, and the rate counter after this request with its TTL."""

    key: ApiKey | None
    failures: int
    count: int | None = None
    ttl_ms: int | None = None


def digest(secret: str) -> str:
    """The SHA-256 digest under which a secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return "sk_live_" + "".join(secrets.choice(_ALPHABET) for _ in range(48))


def new_key_id() -> str:
    return "key_" + "".join(secrets.choice(_ALPHABET) for _ in range(24))


class KeyStore:
    """API keys."""

    def __init__(self, client: Any, keyspace: Keyspace) -> None:
        self.client = client
        self.keys = keyspace
        self.tokens = TokenStore(client, keyspace)

    @reports_unavailable
    def create(
        self, account: str, scopes: list[str], tokens: int | None = None, secret: str | None = None
    ) -> tuple[ApiKey, str]:
        """Create a key (and the account if new); return it with its secret, shown once.

        The writes are separate commands (the key and secret records and the account's keys
        live in different cluster slots), ordered so a failure part way is safe to re-run:
        the key works only once its record is complete, and the grant comes last, so a
        failure before it grants nothing and leaves at most a key whose secret nobody saw.
        """
        secret = secret or new_secret()
        key = ApiKey(new_key_id(), account, frozenset(scopes))
        scope_text = " ".join(sorted(scopes))
        created_ms = int(time.time() * 1000)
        self.client.hset(
            self.keys.api_key(key.key_id),
            mapping={
                "account": account,
                "scopes": scope_text,
                "created_at": created_ms,
                "revoked": 0,
                "digest": digest(secret),
            },
        )
        self.client.zadd(self.keys.account_keys(account), {key.key_id: created_ms})
        # Written last: the key works only once its record is complete.
        self.client.hset(
            self.keys.secret(digest(secret)),
            mapping={"key_id": key.key_id, "account": account, "scopes": scope_text},
        )
        # One command, last: it creates the account's balance if new and grants `tokens`.
        if tokens is None:
            self.tokens.open(account)
        else:
            self.tokens.grant(account, tokens)
        return key, secret

    @reports_unavailable
    def lookup(
        self, secret_digest: str, failures_key: str | None, counter: RateCounter | None
    ) -> Lookup:
        """Look up a secret, read the address's failed logins and count the key's request.

        One pipeline, one round trip (SPEC.md §4): the failed-login counter's GET, the
        secret's record, and the rate limiter's own counter command (flask-limiter's
        `incr_expire` script on its key) with the counter's time to live.
        """
        pipe = self.client.pipeline(transaction=False)
        if failures_key is not None:
            pipe.get(failures_key)
        pipe.hgetall(self.keys.secret(secret_digest))
        if counter is not None:
            # EVAL by name: a cluster pipeline has no eval() method, but routes the command.
            pipe.execute_command("EVAL", counter.script, 1, counter.key, counter.expiry, 1)
            pipe.pttl(counter.key)
        replies = pipe.execute()
        failures = int(replies.pop(0) or 0) if failures_key is not None else 0
        key = self._key(replies.pop(0))
        if counter is None:
            return Lookup(key, failures)
        return Lookup(key, failures, count=int(replies[0]), ttl_ms=int(replies[1]))

    def _key(self, record: dict[str, str]) -> ApiKey | None:
        if not record:
            return None
        return ApiKey(record["key_id"], record["account"], frozenset(record["scopes"].split()))

    @reports_unavailable
    def list(self, account: str) -> list[dict[str, str]]:
        """The account's keys, oldest first, without their secrets."""
        key_ids: list[str] = self.client.zrange(self.keys.account_keys(account), 0, -1)
        records = []
        for key_id in key_ids:
            record: dict[str, str] = self.client.hgetall(self.keys.api_key(key_id))
            if record:
                records.append({"key_id": key_id, **record})
        return records

    @reports_unavailable
    def revoke(self, key_id: str) -> bool:
        """Revoke a key; False when no such key exists."""
        record: dict[str, str] = self.client.hgetall(self.keys.api_key(key_id))
        if not record:
            return False
        self.client.delete(self.keys.secret(record["digest"]))
        self.client.hset(
            self.keys.api_key(key_id),
            mapping={"revoked": 1, "revoked_at": int(time.time() * 1000)},
        )
        return True

    @reports_unavailable
    def cursor_secret(self) -> bytes:
        """The key cursors are signed with when SECRET_KEY is unset: made once, shared by
        every process through Redis (SET NX, then read whichever process won)."""
        key = self.keys.cursor_secret()
        self.client.set(key, secrets.token_hex(32), nx=True)
        return bytes.fromhex(self.client.get(key))
