"""METRICS_TOKEN: /metrics behind a bearer token of its own (docs/operations.md)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.config import Config, ConfigError
from tests.support.api import error_code

TOKEN = "mt_" + "x7" * 12


@pytest.fixture
def backend() -> None:
    """The check is before any storage: the embedded store is enough."""
    return None


@pytest.fixture
def guarded(settings: dict[str, Any]) -> Flask:
    return create_app({**settings, "metrics_token": TOKEN})


def test_the_token_opens_metrics(guarded: Flask) -> None:
    response = guarded.test_client().get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "saasignal_http_requests_total" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        f"Basic {TOKEN}",
        f"Bearer {TOKEN[:-1]}",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN.upper()}",
        "Bearer ",
        "Bearer sk_live_" + "A" * 40,
        "Bearer é" + TOKEN,  # not ASCII: refused, never a 500
        TOKEN,
    ],
)
def test_anything_else_is_401_in_the_envelope(guarded: Flask, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = guarded.test_client().get("/metrics", headers=headers)
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "saasignal_" not in response.get_data(as_text=True)


def test_the_token_is_compared_in_constant_time(
    guarded: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hmac

    seen: list[tuple[bytes, bytes]] = []
    original = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        seen.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    guarded.test_client().get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert seen == [(b"wrong", TOKEN.encode())]


def test_unset_metrics_stay_open(client: Any) -> None:
    assert client.get("/metrics").status_code == 200


@pytest.mark.parametrize(
    "raw", ["short", "has space inside it!", "x" * 1025, "tökentökentökentöken"]
)
def test_a_bad_token_stops_the_start_with_one_line(raw: str) -> None:
    with pytest.raises(ConfigError) as caught:
        Config.from_env({"METRICS_TOKEN": raw})
    message = str(caught.value)
    assert message.startswith("METRICS_TOKEN is invalid") and "\n" not in message
    assert raw not in message  # a credential is named, never repeated (docs/operations.md)
