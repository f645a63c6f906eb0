"""Test events never make the feed short (docs/events.md): an unfiltered page is full while
more events exist, however many `webhook_endpoint.test` events lie between them."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from app.store.events import Origin
from app.store.webhook_endpoints import WebhookEndpointStore
from tests.support.api import Api

EVENTS = "/modules/messaging/events"
NOW = 1_795_000_000_000


def _feed(api: Api, query: str) -> Any:
    headers = {"Authorization": f"Bearer {api.secret}"}
    response = api.client.get(EVENTS + query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_unfiltered_page_is_full_after_1001_test_events(api: Api) -> None:
    older, newer = api.create(title="older")["id"], api.create(title="newer")["id"]
    store = WebhookEndpointStore(api.services.client, api.services.keyspace)
    endpoint = store.create("acme", "https://hooks.example.com/x", ["*"], None, NOW)
    for number in range(1001):
        api.services.webhook_tools.send_test(
            "acme", endpoint.id, b"{}", Origin(f"req_{number}", None, None)
        )
    first = _feed(api, "?limit=1")
    assert [event["conversation_id"] for event in first["data"]] == [newer]
    assert first["has_more"] is True
    second = _feed(api, f"?limit=1&cursor={quote(first['next_cursor'])}")
    assert [event["conversation_id"] for event in second["data"]] == [older]
    assert second["has_more"] is False
    whole = _feed(api, "?limit=100")
    assert [event["conversation_id"] for event in whole["data"]] == [newer, older]
