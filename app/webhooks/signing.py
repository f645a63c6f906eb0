"""Standard Webhooks signatures (https://www.standardwebhooks.com): secrets, headers, rotation.

Each attempt carries

    webhook-id         the event id, the same on every attempt (receivers deduplicate by it)
    webhook-timestamp  unix seconds when the attempt was signed
    webhook-signature  `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one for each
                       active secret, space-separated

A secret is `whsec_` + base64 of 32 random bytes; the HMAC key is those bytes. After a
rotation the previous secret keeps signing beside the new one for `ROTATION_OVERLAP_MS`,
so a receiver can switch secrets without refusing a single delivery. Signing uses `hmac`
directly: the `standardwebhooks` library signs with one secret, and a rotation needs two.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
ROTATION_OVERLAP_MS = 24 * 3600 * 1000


def new_secret() -> str:
    """A new endpoint secret: `whsec_` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key a secret stands for; ValueError when it is not a `whsec_` secret."""
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise ValueError("a webhook secret is whsec_ followed by base64") from None
    if not key:
        raise ValueError("a webhook secret may not be empty")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64>` signature of `message_id.timestamp.body` with one secret."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_headers(
    message_id: str, timestamp: int, body: bytes, active_secrets: list[str]
) -> dict[str, str]:
    """The three Standard Webhooks headers, signed with every active secret."""
    signatures = [signature(secret, message_id, timestamp, body) for secret in active_secrets]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }


@dataclasses.dataclass(frozen=True)
class SecretState:
    """An endpoint's secrets: the current one and, after a rotation, the previous one."""

    current: str
    previous: str | None = None
    previous_expires_ms: int | None = None

    def active(self, now_ms: int) -> list[str]:
        """The secrets that sign an attempt made at `now_ms`, newest first."""
        keys = [self.current]
        if (
            self.previous is not None
            and self.previous_expires_ms is not None
            and now_ms < self.previous_expires_ms
        ):
            keys.append(self.previous)
        return keys
