"""API keys and token balances in Redis.

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

from app.store.keyspace import Keyspace

ACCOUNT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
SECRET_RE = re.compile(r"^sk_live_[A-Za-z0-9]{40,}$")
_ALPHABET = string.ascii_letters + string.digits


@dataclasses.dataclass(frozen=True)
class ApiKey:
    """An authenticated key: who it is, whose account, what it may do."""

    key_id: str
    account: str
    scopes: frozenset[str]


def digest(secret: str) -> str:
    """The SHA-256 digest under which a secret is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return "sk_live_" + "".join(secrets.choice(_ALPHABET) for _ in range(48))


def new_key_id() -> str:
    return "key_" + "".join(secrets.choice(_ALPHABET) for _ in range(24))


class KeyStore:
    """API keys and token balances."""

    def __init__(self, client: Any, keyspace: Keyspace) -> None:
        self.client = client
        self.keys = keyspace

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
            self.client.set(self.keys.tokens(account), 0, nx=True)
        else:
            self.client.incrby(self.keys.tokens(account), tokens)
        return key, secret

    def authenticate(self, secret: str) -> ApiKey | None:
        """The key a secret belongs to, or None when unknown or revoked."""
        return self._key(self.client.hgetall(self.keys.secret(digest(secret))))

    def authenticate_counting(self, secret: str, counter: str) -> tuple[ApiKey | None, int]:
        """Look up a secret and read one counter in a single round trip."""
        pipe = self.client.pipeline(transaction=False)
        pipe.get(counter)
        pipe.hgetall(self.keys.secret(digest(secret)))
        count, record = pipe.execute()
        return self._key(record), int(count or 0)

    def _key(self, record: dict[str, str]) -> ApiKey | None:
        if not record:
            return None
        return ApiKey(record["key_id"], record["account"], frozenset(record["scopes"].split()))

    def list(self, account: str) -> list[dict[str, str]]:
        """The account's keys, oldest first, without their secrets."""
        key_ids: list[str] = self.client.zrange(self.keys.account_keys(account), 0, -1)
        records = []
        for key_id in key_ids:
            record: dict[str, str] = self.client.hgetall(self.keys.api_key(key_id))
            if record:
                records.append({"key_id": key_id, **record})
        return records

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

    def grant(self, account: str, tokens: int) -> int:
        """Add tokens to an account's balance; return the new balance."""
        return int(self.client.incrby(self.keys.tokens(account), tokens))

    def balance(self, account: str) -> int:
        """The account's token balance (0 for an account never seen)."""
        return int(self.client.get(self.keys.tokens(account)) or 0)
