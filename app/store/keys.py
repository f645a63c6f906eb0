"""API keys in Redis (their accounts' balances are the TokenStore's).

Only the SHA-256 digest of a secret is stored. `P:secret:<digest>` is the global index from
a secret to its account, read once per secret and process (the answer never changes while
the key lives, so a process remembers it); `P:{A}:key:<digest>` is the key as requests
check it (scopes, revoked), read by each request's own script under the account's hash
tag; `P:key:<id>` is the key's administrative record and `P:{A}:keys` lists an account's
key ids. A revocation marks the account's record first, so the next request of the key,
on any worker, is refused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import secrets
import string
import threading
import time
from collections import OrderedDict
from typing import Any

from app.store.failures import reports_unavailable
from app.store.keyspace import Keyspace
from app.store.migrate import data_version
from app.store.tokens import TokenStore

ACCOUNT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
SECRET_RE = re.compile(r"^sk_live_[A-Za-z0-9]{40,}$")
_ALPHABET = string.ascii_letters + string.digits
# How many secrets a process remembers the account of (a few MB at most).
KNOWN_SECRETS = 10_000


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
    """API keys."""

    def __init__(self, client: Any, keyspace: Keyspace) -> None:
        self.client = client
        self.keys = keyspace
        self.tokens = TokenStore(client, keyspace)
        self._accounts: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

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
        data_version(self.client, self.keys)  # the first data of an empty prefix: stamped
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
        self.client.hset(
            self.keys.key_record(account, digest(secret)),
            mapping={"id": key.key_id, "scopes": scope_text},
        )
        # Written last: the key works only once its records are complete.
        self.client.hset(
            self.keys.secret(digest(secret)), mapping={"key_id": key.key_id, "account": account}
        )
        # One command, last: it creates the account's balance if new and grants `tokens`.
        if tokens is None:
            self.tokens.open(account)
        else:
            self.tokens.grant(account, tokens)
        return key, secret

    @reports_unavailable
    def account_of(self, secret_digest: str) -> str | None:
        """The account of a secret, remembered by the process; None when unknown.

        Whether the key still works is not known here: each request's own script reads the
        key's record (lib.lua's admit).
        """
        with self._lock:
            account = self._accounts.get(secret_digest)
            if account is not None:
                self._accounts.move_to_end(secret_digest)
                return account
        record: dict[str, str] = self.client.hgetall(self.keys.secret(secret_digest))
        if not record:
            return None
        account = record["account"]
        with self._lock:
            self._accounts[secret_digest] = account
            if len(self._accounts) > KNOWN_SECRETS:
                self._accounts.popitem(last=False)
        return account

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
        # The account's record first: the next request of the key, on any worker, is refused.
        held = self.keys.key_record(record["account"], record["digest"])
        self.client.hset(held, mapping={"revoked": 1, "scopes": record["scopes"]})
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
