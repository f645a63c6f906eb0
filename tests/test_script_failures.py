"""A script that raises after it admitted the request keeps neither the price nor the key
(docs/errors.md), and recover's range is checked before any script can choke on it.

The failure is injected the way Redis makes one half way through a script: a key the
script writes right after its admission and debit holds the wrong type (WRONGTYPE), so
the script raises with its checks done, its price taken and its Idempotency-Key claimed.
The answer is 503; the balance is back; once the fault is gone, a retry with the same key
runs for real (not 409 `idempotency_in_progress` for a minute) and pays once.
"""

from __future__ import annotations

from typing import Any

import pytest

from app.store.webhook_endpoints import WebhookEndpointStore
from tests.support.api import Api, error_code

WEBHOOKS = "/modules/messaging/webhook_endpoints"
NOW = 1_795_000_000_000


def _webhooks(api: Api, method: str, path: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {api.secret}", **kwargs.pop("headers", {})}
    return api.client.open(WEBHOOKS + path, method=method, headers=headers, **kwargs)


def _endpoint(api: Api) -> str:
    store = WebhookEndpointStore(api.services.client, api.services.keyspace)
    return store.create("acme", "https://hooks.example.com/x", ["*"], None, NOW).id


def _fails_then_retries(api: Api, send: Any, broken_key: str, ok: int) -> None:
    client = api.services.client
    client.hset(broken_key, "not", "what the script expects")  # WRONGTYPE for its next write
    balance = api.balance()
    failed = send()
    assert failed.status_code == 503, failed.get_json()
    assert error_code(failed) == "service_unavailable"
    assert api.balance() == balance, "the price of a request that failed was kept"
    client.delete(broken_key)
    retried = send()
    assert retried.status_code == ok, retried.get_json()  # not 409: the claim was released
    assert retried.headers.get("Idempotent-Replayed") is None
    assert api.balance() == balance - 2
    assert send().headers["Idempotent-Replayed"] == "true"


def test_a_create_whose_script_raises_refunds_and_releases_its_key(api: Api) -> None:
    def send() -> Any:
        return api.request("POST", json={"title": "t"}, headers={"Idempotency-Key": "c-1"})

    _fails_then_retries(api, send, api.services.keyspace.sequence("acme"), 201)
    listed = api.request("GET").get_json()["data"]
    assert [conversation["title"] for conversation in listed] == ["t"]


def test_a_webhook_script_that_raises_refunds_and_releases_its_key(api: Api) -> None:
    endpoint_id = _endpoint(api)

    def send() -> Any:
        body = {"since": "2020-01-01T00:00:00Z"}
        headers = {"Idempotency-Key": "r-1"}
        return _webhooks(api, "POST", f"/{endpoint_id}/recover", json=body, headers=headers)

    _fails_then_retries(api, send, api.services.keyspace.events("acme"), 200)


def test_a_request_without_a_key_is_refunded_too(api: Api) -> None:
    api.services.client.hset(api.services.keyspace.sequence("acme"), "x", "y")
    balance = api.balance()
    assert api.request("POST", json={"title": "t"}).status_code == 503
    assert api.balance() == balance


def test_recover_in_the_year_6000_runs(api: Api) -> None:
    endpoint_id = _endpoint(api)
    body = {"since": "6000-01-01T00:00:00Z", "until": "6001-01-01T00:00:00Z"}
    response = _webhooks(api, "POST", f"/{endpoint_id}/recover", json=body)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["deliveries"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"since": "1969-12-31T23:59:59.999Z"}, "since"),
        ({"since": "1970-01-01T00:30:00+01:00"}, "since"),  # 1969 in UTC
        ({"since": "0001-01-01T00:00:00Z"}, "since"),
        ({"since": "2020-01-01T00:00:00Z", "until": "9999-12-31T23:30:00-01:00"}, "until"),
        ({"since": "2021-01-01T00:00:00Z", "until": "2020-01-01T00:00:00Z"}, "since"),
        ({"since": "9000-01-01T00:00:00Z"}, "since"),  # after `until`'s default, now
    ],
)
def test_recover_out_of_range_is_422_and_charged(
    api: Api, body: dict[str, str], field: str
) -> None:
    endpoint_id = _endpoint(api)
    balance = api.balance()
    response = _webhooks(api, "POST", f"/{endpoint_id}/recover", json=body)
    assert response.status_code == 422, response.get_json()
    assert error_code(response) == "validation_error"
    assert set(response.get_json()["error"]["details"]) == {field}
    assert api.balance() == balance - 2
