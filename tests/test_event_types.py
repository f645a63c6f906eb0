"""GET /event_types and the OpenAPI `webhooks` section (docs/webhooks.md): the catalog of every
event a receiver may be sent, over HTTP on the three stores."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from app import create_app
from app.vocabulary import EVENT_TYPES, READ, WEBHOOK_TEST_EVENT
from tests.support.api import Api, error_code

EVENT_TYPES_PATH = "/modules/messaging/event_types"


def listed(api: Api, key: str | None = None, query: str = "") -> Any:
    headers = {"Authorization": f"Bearer {key or api.secret}"}
    return api.client.get(EVENT_TYPES_PATH + query, headers=headers)


def test_the_list_is_every_type_the_service_writes_with_a_line_each(api: Api) -> None:
    # Every type the write scripts produce: one conversation through its whole life.
    conversation = api.create(title="Support")["id"]
    api.patch(f"/{conversation}", json={"title": "Escalated"})
    for action in ("close", "reopen", "archive"):
        api.post(f"/{conversation}/{action}")
    api.delete(f"/{conversation}")
    headers = {"Authorization": f"Bearer {api.secret}"}
    feed = api.client.get("/modules/messaging/events?limit=100", headers=headers).get_json()
    written = {event["type"] for event in feed["data"]}
    assert written == set(EVENT_TYPES)

    key = api.key("acme", [READ])
    balance = api.balance()
    response = listed(api, key)
    assert response.status_code == 200
    assert response.headers["X-Tokens-Remaining"] == str(balance - 1)  # the read price
    body = response.get_json()
    assert set(body) == {"status", "data", "has_more", "next_cursor"}
    assert (body["status"], body["has_more"], body["next_cursor"]) == ("ok", False, None)
    assert [item["type"] for item in body["data"]] == [*EVENT_TYPES, WEBHOOK_TEST_EVENT]
    for item in body["data"]:
        assert set(item) == {"object", "type", "description"}
        assert item["object"] == "event_type"
        assert item["description"] and "\n" not in item["description"]


@pytest.mark.parametrize("query", ["?limit=10", "?cursor=x", "?type=conversation.created"])
def test_a_query_parameter_is_422(api: Api, query: str) -> None:
    balance = api.balance()
    response = listed(api, query=query)
    assert response.status_code == 422 and error_code(response) == "validation_error"
    assert api.balance() == balance - 1


def test_no_key_is_401_and_a_short_balance_402(api: Api) -> None:
    assert error_code(api.client.get(EVENT_TYPES_PATH)) == "unauthorized"
    poor = api.key("poor", [READ], tokens=0)
    response = listed(api, poor)
    assert response.status_code == 402 and error_code(response) == "insufficient_tokens"


def test_the_openapi_webhooks_section_describes_each_type() -> None:
    client: FlaskClient = create_app().test_client()
    document = client.get("/openapi.json").get_json()
    hooks = document["webhooks"]
    assert list(hooks) == [*EVENT_TYPES, WEBHOOK_TEST_EVENT]
    schemas = document["components"]["schemas"]
    for name, item in hooks.items():
        body = item["post"]["requestBody"]["content"]["application/json"]["schema"]
        expected = "WebhookTestEvent" if name == WEBHOOK_TEST_EVENT else "Event"
        assert body == {"$ref": f"#/components/schemas/{expected}"}
        headers = {p["name"] for p in item["post"]["parameters"]}
        assert headers == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    test_event = schemas["WebhookTestEvent"]["properties"]
    assert test_event["type"]["const"] == WEBHOOK_TEST_EVENT
    data = schemas["WebhookTestEventData"]["properties"]["object"]
    assert data["$ref"] == "#/components/schemas/WebhookEndpoint"
    listing = document["paths"][EVENT_TYPES_PATH]["get"]
    assert listing["security"] == [{"bearerAuth": []}]
    assert listing["x-scope"] == READ
    assert listing["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EventTypeList"
    }
