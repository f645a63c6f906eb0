"""A refused webhook request asks no name server and reads no endpoint (docs/webhooks.md).

Create and PATCH resolve a URL's host, and `/test` reads the endpoint it sends: both only
after the request passed the checks of 401, 403, 429 and 402. The name server is
simulated in-process (`socket.getaddrinfo`), answering a public address and noting every
name it was asked for; the endpoint reads are noted where the store builds the object.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from app import create_app
from app.store.webhook_endpoints import StoredEndpoint, WebhookEndpointStore
from app.vocabulary import ADMIN, READ, SCOPES
from tests.support.api import Api, error_code

WEBHOOKS = "/modules/messaging/webhook_endpoints"
NAME = "hooks.admission.test"
URL = f"https://{NAME}/saasignal"
NOW = 1_795_000_000_000


class Observed:
    """The names looked up and the endpoints read since the last `reset`."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.reads = 0

    def reset(self) -> None:
        self.names, self.reads = [], 0


@pytest.fixture
def observed(monkeypatch: pytest.MonkeyPatch) -> Iterator[Observed]:
    seen = Observed()
    real_lookup, real_read = socket.getaddrinfo, StoredEndpoint.from_hash.__func__  # type: ignore[attr-defined]

    def lookup(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".admission.test"):
            seen.names.append(host)
            return real_lookup("93.184.216.34", port, *args, **kwargs)
        return real_lookup(host, port, *args, **kwargs)

    def read(cls: type[StoredEndpoint], *args: Any) -> StoredEndpoint:
        seen.reads += 1
        made: StoredEndpoint = real_read(cls, *args)
        return made

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(StoredEndpoint, "from_hash", classmethod(read))
    yield seen


def _send(api: Api, key: str, method: str, path: str, body: Any) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return api.client.open(WEBHOOKS + path, method=method, headers=headers, json=body)


def _requests(endpoint_id: str) -> list[tuple[str, str, Any]]:
    other = f"https://other.{NAME}/x"
    return [
        ("POST", "", {"url": URL}),
        ("PATCH", f"/{endpoint_id}", {"url": other}),
        ("POST", f"/{endpoint_id}/test", None),
    ]


def _refused_ask_nothing(
    api: Api, observed: Observed, key: str, endpoint_id: str, status: int, code: str
) -> None:
    balance = api.balance()
    for method, path, body in _requests(endpoint_id):
        observed.reset()
        response = _send(api, key, method, path, body)
        assert (response.status_code, error_code(response)) == (status, code), (method, path)
        assert observed.names == [], (method, path, "a name was looked up")
        assert observed.reads == 0, (method, path, "the endpoint was read")
    assert api.balance() == balance


def _endpoint(api: Api, account: str = "acme") -> str:
    store = WebhookEndpointStore(api.services.client, api.services.keyspace)
    return store.create(account, URL, ["*"], None, NOW).id


def test_no_key_or_a_revoked_one_is_401_and_asks_nothing(api: Api, observed: Observed) -> None:
    endpoint_id = _endpoint(api)
    revoked, secret = api.services.keys.create("acme", list(SCOPES))
    api.services.keys.revoke(revoked.key_id)
    for key in ("", "sk_live_" + "E" * 40, secret):
        _refused_ask_nothing(api, observed, key, endpoint_id, 401, "unauthorized")


def test_a_key_without_admin_is_403_and_asks_nothing(api: Api, observed: Observed) -> None:
    endpoint_id = _endpoint(api)
    key = api.key("acme", [READ])
    _refused_ask_nothing(api, observed, key, endpoint_id, 403, "insufficient_scope")


def test_a_short_balance_is_402_and_asks_nothing(api: Api, observed: Observed) -> None:
    endpoint_id = _endpoint(api, "broke")
    key = api.key("broke", [ADMIN], tokens=1)
    for method, path, body in _requests(endpoint_id):
        observed.reset()
        response = _send(api, key, method, path, body)
        assert (response.status_code, error_code(response)) == (402, "insufficient_tokens")
        assert (observed.names, observed.reads) == ([], 0), (method, path)
    assert api.balance("broke") == 1


def test_a_rate_limited_key_is_429_and_asks_nothing(
    settings: dict[str, Any], observed: Observed
) -> None:
    app = create_app({**settings, "rate_limit": "1 per minute"})
    api = Api(app, app.test_client())
    endpoint_id = _endpoint(api)
    assert _send(api, api.secret, "GET", "", None).status_code == 200  # the minute's one
    _refused_ask_nothing(api, observed, api.secret, endpoint_id, 429, "rate_limited")


def test_an_admitted_request_looks_up_once_and_pays_once(api: Api, observed: Observed) -> None:
    endpoint_id = _endpoint(api)
    for method, path, body in _requests(endpoint_id):
        balance = api.balance()
        observed.reset()
        response = _send(api, api.secret, method, path, body)
        assert response.status_code in (200, 201), response.get_json()
        assert response.headers["X-Tokens-Remaining"] == str(balance - 2)
        assert api.balance() == balance - 2
        assert len(observed.names) == (0 if path.endswith("/test") else 1)
