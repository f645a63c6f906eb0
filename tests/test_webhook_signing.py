"""Standard Webhooks signatures, verified by the `standardwebhooks` library."""

from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.webhooks.signing import (
    ROTATION_OVERLAP_MS,
    SecretState,
    new_secret,
    secret_key,
    signature_headers,
)

BODY = b'{"id":"evt_1","object":"event","type":"conversation.created"}'


def test_a_secret_is_whsec_and_base64_of_32_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert secret != new_secret()


def test_the_library_verifies_a_signed_attempt() -> None:
    secret = new_secret()
    headers = signature_headers("evt_1", int(time.time()), BODY, [secret])
    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-id"] == "evt_1"
    assert Webhook(secret).verify(BODY, headers)["id"] == "evt_1"


def test_another_secret_or_another_body_does_not_verify() -> None:
    headers = signature_headers("evt_1", int(time.time()), BODY, [new_secret()])
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(BODY, headers)


def test_a_changed_body_does_not_verify() -> None:
    secret = new_secret()
    headers = signature_headers("evt_1", int(time.time()), BODY, [secret])
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"created", b"deleted"), headers)


def test_during_a_rotation_two_signatures_each_verify_with_its_secret() -> None:
    old, new = new_secret(), new_secret()
    now_ms = int(time.time() * 1000)
    state = SecretState(new, old, now_ms + ROTATION_OVERLAP_MS)
    headers = signature_headers("evt_2", int(time.time()), BODY, state.active(now_ms))
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2 and all(s.startswith("v1,") for s in signatures)
    Webhook(old).verify(BODY, headers)
    Webhook(new).verify(BODY, headers)


def test_the_old_secret_stops_signing_after_24_hours() -> None:
    old, new = new_secret(), new_secret()
    state = SecretState(new, old, 1_000 + ROTATION_OVERLAP_MS)
    assert state.active(1_000 + ROTATION_OVERLAP_MS - 1) == [new, old]
    assert state.active(1_000 + ROTATION_OVERLAP_MS) == [new]


@pytest.mark.parametrize("secret", ["sk_live_x", "whsec_", "whsec_not*base64"])
def test_a_secret_that_is_not_whsec_base64_is_refused(secret: str) -> None:
    with pytest.raises(ValueError):
        secret_key(secret)
