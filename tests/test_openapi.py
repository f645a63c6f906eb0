"""GET /openapi.json: a valid OpenAPI 3.1 document of every operation, built from the schemas."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from app import create_app
from app.cli import main
from app.domain.conversations import TITLE_MAX
from app.openapi import catalog
from app.openapi.parts import EXAMPLE_ID
from app.vocabulary import DEFAULT_TOKEN_COSTS, EVENT_TYPES
from tests.support.api import Api

BASE = "/modules/messaging/conversations"
ITEM = BASE + "/{conversation_id}"
EVENTS = "/modules/messaging/events"
EVENT = EVENTS + "/{event_id}"
EVENT_TYPES_PATH = "/modules/messaging/event_types"
WEBHOOKS = "/modules/messaging/webhook_endpoints"
WEBHOOK = WEBHOOKS + "/{endpoint_id}"
DELIVERIES = WEBHOOK + "/deliveries"
# Every declared operation: method, path, scope, success status (app/openapi/catalog.py).
OPERATIONS = [
    (declared.method, declared.path, declared.scope, min(int(s) for s in declared.success))
    for declared in catalog.operations()
]
OPERATION_IDS = [f"{method} {path}" for method, path, _, _ in OPERATIONS]
EVERYWHERE = {"401", "402", "403", "429", "503"}
ERRORS = {
    (BASE, "post"): EVERYWHERE | {"400", "409", "413", "415", "422"},
    (BASE, "get"): EVERYWHERE | {"422"},
    (ITEM, "get"): EVERYWHERE | {"404"},
    (ITEM, "patch"): EVERYWHERE | {"400", "404", "412", "413", "415", "422"},
    (ITEM, "delete"): EVERYWHERE | {"404", "412"},
    (ITEM + "/archive", "post"): EVERYWHERE | {"400", "404", "409", "412", "413", "415", "422"},
    (EVENTS, "get"): EVERYWHERE | {"413", "422"},
    (EVENT, "get"): EVERYWHERE | {"404", "413"},
    (EVENTS + "/stream", "get"): EVERYWHERE | {"413", "422"},
    (EVENT_TYPES_PATH, "get"): EVERYWHERE | {"413", "422"},
    (WEBHOOKS, "post"): EVERYWHERE | {"400", "409", "413", "415", "422"},
    (WEBHOOKS, "get"): EVERYWHERE | {"413", "422"},
    (WEBHOOK, "get"): EVERYWHERE | {"404", "413"},
    (WEBHOOK, "patch"): EVERYWHERE | {"400", "404", "413", "415", "422"},
    (WEBHOOK, "delete"): EVERYWHERE | {"404", "413"},
    (WEBHOOK + "/rotate_secret", "post"): EVERYWHERE | {"400", "404", "409", "413", "415", "422"},
    (DELIVERIES, "get"): EVERYWHERE | {"404", "413", "422"},
    (DELIVERIES + "/{delivery_id}/retry", "post"): EVERYWHERE
    | {"400", "404", "409", "413", "415", "422"},
    (DELIVERIES + "/{delivery_id}", "get"): EVERYWHERE | {"404", "413"},
    (DELIVERIES + "/{delivery_id}/attempts", "get"): EVERYWHERE | {"404", "413", "422"},
    (WEBHOOK + "/test", "post"): EVERYWHERE | {"400", "404", "409", "413", "415", "422"},
    (WEBHOOK + "/recover", "post"): EVERYWHERE | {"400", "404", "409", "413", "415", "422"},
}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    client: FlaskClient = create_app().test_client()
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    if "$ref" not in item:
        return item
    node: Any = document
    for part in item["$ref"].removeprefix("#/").split("/"):
        node = node[part]
    return _resolve(document, node)


def test_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_document_needs_no_key_and_carries_a_request_id() -> None:
    response = create_app().test_client().get("/openapi.json")
    assert response.status_code == 200
    assert response.headers["X-Request-Id"]
    assert "X-Tokens-Remaining" not in response.headers
    assert "X-RateLimit-Limit" not in response.headers


@pytest.mark.parametrize(("method", "path", "scope", "success"), OPERATIONS, ids=OPERATION_IDS)
def test_every_operation_has_scope_security_success_and_example(
    document: dict[str, Any], method: str, path: str, scope: str, success: int
) -> None:
    operation = document["paths"][path][method]
    # An `http` scheme takes no scope names in a requirement: x-scope and the words say it.
    assert operation["security"] == [{"bearerAuth": []}]
    assert operation["x-scope"] == scope
    assert scope in operation["description"]
    response = operation["responses"][str(success)]
    if "text/event-stream" in response["content"]:  # the live stream (docs/stream.md)
        assert response["content"]["text/event-stream"]["example"].startswith("retry: ")
    else:
        assert response["content"]["application/json"]["example"]["status"] == "ok"
    assert _resolve(document, response["headers"]["X-Request-Id"])["required"] is True
    assert {"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} <= set(
        response["headers"]
    )
    assert "X-Tokens-Remaining" in response["headers"]


@pytest.mark.parametrize(("path", "method"), list(ERRORS), ids=[f"{m} {p}" for p, m in ERRORS])
def test_every_error_status_is_documented_with_the_envelope(
    document: dict[str, Any], path: str, method: str
) -> None:
    responses = document["paths"][path][method]["responses"]
    assert ERRORS[(path, method)] <= set(responses)
    for status in [*ERRORS[(path, method)], "default"]:
        media = responses[status]["content"]["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}
        assert media["example"]["status"] == "error"
        assert f"`{media['example']['error']['code']}`" in responses[status]["description"]
    for status in ("429", "503"):
        assert _resolve(document, responses[status]["headers"]["Retry-After"])["required"] is True


def test_get_documents_304_and_if_none_match(document: dict[str, Any]) -> None:
    operation = document["paths"][ITEM]["get"]
    assert "content" not in operation["responses"]["304"]
    names = {_resolve(document, p)["name"] for p in operation["parameters"]}
    assert names == {"conversation_id", "If-None-Match"}


@pytest.mark.parametrize(
    ("path", "method", "headers"),
    [
        (BASE, "post", {"Idempotency-Key"}),
        (ITEM, "patch", {"If-Match"}),
        (ITEM, "delete", {"If-Match"}),
        (ITEM + "/close", "post", {"If-Match", "Idempotency-Key"}),
    ],
)
def test_conditional_and_idempotency_headers(
    document: dict[str, Any], path: str, method: str, headers: set[str]
) -> None:
    parameters = [_resolve(document, p) for p in document["paths"][path][method]["parameters"]]
    assert headers == {p["name"] for p in parameters if p["in"] == "header"}


def test_idempotent_replay_header_is_documented_on_posts(document: dict[str, Any]) -> None:
    created = document["paths"][BASE]["post"]["responses"]["201"]
    replayed = _resolve(document, created["headers"]["Idempotent-Replayed"])
    assert replayed["schema"]["const"] == "true" and replayed["required"] is False
    assert _resolve(document, created["headers"]["ETag"])["required"] is True


def test_list_query_parameters_carry_the_schema_limits(document: dict[str, Any]) -> None:
    parameters = {p["name"]: p for p in document["paths"][BASE]["get"]["parameters"]}
    assert set(parameters) == {"type", "status", "limit", "cursor", "order_by", "metadata"}
    assert parameters["limit"]["schema"] == {
        "type": "integer",
        "default": 25,
        "minimum": 1,
        "maximum": 100,
    }
    assert parameters["status"]["schema"] == {"$ref": "#/components/schemas/ConversationStatus"}
    assert parameters["type"]["schema"] == {"$ref": "#/components/schemas/ConversationType"}
    statuses = document["components"]["schemas"]["ConversationStatus"]["enum"]
    assert statuses == ["open", "closed", "archived"]


def test_request_bodies_come_from_the_marshmallow_schemas(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    create = schemas["CreateConversation"]
    assert create["additionalProperties"] is False
    assert create["properties"]["title"]["maxLength"] == TITLE_MAX
    assert create["properties"]["title"]["type"] == ["string", "null"]
    assert create["properties"]["type"]["$ref"] == "#/components/schemas/ConversationType"
    assert schemas["ConversationType"]["enum"] == ["direct", "group"]
    assert create["properties"]["metadata"]["$ref"] == "#/components/schemas/Metadata"
    assert schemas["UpdateConversation"]["properties"]["metadata"]["anyOf"] == [
        {"$ref": "#/components/schemas/Metadata"},
        {"type": "null"},
    ]
    assert schemas["EmptyBody"] == {
        "type": "object",
        "properties": {},
        "additionalProperties": False,
    }
    patch = document["paths"][ITEM]["patch"]
    assert set(patch["requestBody"]["content"]) == {"application/merge-patch+json"}
    assert "`application/json`" in patch["description"]


def test_conversation_id_pattern_fits_issued_ids_and_other_shapes_are_404(
    document: dict[str, Any], api: Api
) -> None:
    parameter = document["components"]["parameters"]["ConversationId"]
    assert re.match(parameter["schema"]["pattern"], api.create()["id"])
    assert "404" in parameter["description"]
    assert api.get("/conv_not-the-right-shape").status_code == 404


def _media_types(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every request and response media type of the document, named for the report."""
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for media_type, media in operation.get("requestBody", {}).get("content", {}).items():
                found.append((f"{method} {path} body {media_type}", media))
            for status, response in operation["responses"].items():
                for media_type, media in response.get("content", {}).items():
                    found.append((f"{method} {path} {status} {media_type}", media))
    return found


def test_every_example_validates_against_its_schema(document: dict[str, Any]) -> None:
    media_types = _media_types(document)
    assert len(media_types) > 80
    for name, media in media_types:
        # The document is the root resource, so the schema's $refs resolve inside it.
        schema = {**media["schema"], "components": document["components"]}
        assert "example" in media, name
        Draft202012Validator(schema).validate(media["example"])


def test_cli_writes_the_same_document_without_a_server(
    document: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out) == document


def _schemas_outside_components(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every dict of the document, with its location, except the named components themselves."""
    if isinstance(node, dict):
        if where.count("/") != 3 or not where.startswith("/components/schemas/"):
            yield where, node
        for key, value in node.items():
            yield from _schemas_outside_components(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _schemas_outside_components(value, f"{where}/{index}")


def test_objects_and_enums_are_named_components_only(document: dict[str, Any]) -> None:
    """An inline object or enum would become a class of its own in every generated client."""
    inline = []
    for where, node in _schemas_outside_components(document, ""):
        kind = node.get("type")
        if "enum" in node or kind == "object" or (isinstance(kind, list) and "object" in kind):
            if "/example" not in where:
                inline.append(where)
    assert inline == []
    assert "allOf" not in json.dumps(document)


def test_every_error_response_is_the_one_error_schema(document: dict[str, Any]) -> None:
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "default" in responses, f"{method} {path}"
            for status, response in responses.items():
                if status == "default" or int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (path, status)
                    assert "Error codes:" in response["description"]


def test_one_value_fields_are_const(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["ErrorEnvelope"]["properties"]["status"]["const"] == "error"
    detail = {"$ref": "#/components/schemas/ErrorDetail"}
    assert schemas["ErrorEnvelope"]["properties"]["error"] == detail
    envelopes = ("ConversationEnvelope", "ConversationList", "DeletedConversationEnvelope")
    for envelope in (*envelopes, "EventEnvelope", "EventList"):
        assert schemas[envelope]["properties"]["status"]["const"] == "ok"
    assert schemas["Conversation"]["properties"]["object"]["const"] == "conversation"
    assert schemas["DeletedConversation"]["properties"]["deleted"]["const"] is True


def test_version_says_how_it_relates_to_the_etag(document: dict[str, Any]) -> None:
    version = document["components"]["schemas"]["Conversation"]["properties"]["version"]
    assert "ETag" in version["description"] and "If-Match" in version["description"]
    not_modified = document["paths"][ITEM]["get"]["responses"]["304"]
    assert _resolve(document, not_modified["headers"]["ETag"])["required"] is True


def test_prices_in_the_description_are_the_default_token_costs(document: dict[str, Any]) -> None:
    prices = ", ".join(f"{scope} {price}" for scope, price in DEFAULT_TOKEN_COSTS.items())
    assert f"({prices} by default)" in document["info"]["description"]


def test_events_feed_query_names_the_event_type_enum(document: dict[str, Any]) -> None:
    operation = document["paths"][EVENTS]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert set(parameters) == {"type", "conversation_id", "limit", "cursor"}
    assert parameters["type"]["schema"] == {"$ref": "#/components/schemas/EventType"}
    assert re.match(parameters["conversation_id"]["schema"]["pattern"], EXAMPLE_ID)
    assert parameters["limit"]["schema"]["maximum"] == 100
    assert "1,000 events" in operation["description"]
    assert document["components"]["schemas"]["EventType"]["enum"] == list(EVENT_TYPES)
    codes = operation["responses"]["422"]["description"]
    assert "`invalid_cursor`" in codes and "`validation_error`" in codes


def test_the_event_object_is_named_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    event = schemas["Event"]["properties"]
    assert event["object"]["const"] == "event"
    assert event["type"] == {"$ref": "#/components/schemas/EventType"}
    assert event["data"] == {"$ref": "#/components/schemas/EventData"}
    assert event["request"] == {"$ref": "#/components/schemas/EventRequest"}
    data = schemas["EventData"]
    assert data["properties"]["object"]["$ref"] == "#/components/schemas/Conversation"
    assert data["properties"]["previous_attributes"]["$ref"] == (
        "#/components/schemas/PreviousAttributes"
    )
    assert data["required"] == ["object"]
    previous = schemas["PreviousAttributes"]
    assert "required" not in previous and previous["additionalProperties"] is False
    assert previous["properties"]["status"] == {"$ref": "#/components/schemas/ConversationStatus"}
    assert schemas["EventRequest"]["properties"]["idempotency_key"]["type"] == ["string", "null"]
    assert schemas["EventEnvelope"]["properties"]["data"] == {"$ref": "#/components/schemas/Event"}
    assert schemas["EventList"]["properties"]["data"]["items"] == {
        "$ref": "#/components/schemas/Event"
    }


def test_event_id_pattern_fits_issued_ids_and_other_shapes_are_404(
    document: dict[str, Any], api: Api
) -> None:
    parameter = document["components"]["parameters"]["EventId"]
    api.create()
    feed = api.client.get(EVENTS, headers={"Authorization": f"Bearer {api.secret}"})
    assert re.match(parameter["schema"]["pattern"], feed.get_json()["data"][0]["id"])
    assert re.match(parameter["schema"]["pattern"], parameter["example"])
    assert "404" in parameter["description"]
    response = api.client.get(
        EVENTS + "/evt_nope", headers={"Authorization": f"Bearer {api.secret}"}
    )
    assert response.status_code == 404


def test_the_webhook_objects_are_named_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    endpoint = schemas["WebhookEndpoint"]["properties"]
    with_secret = schemas["WebhookEndpointWithSecret"]["properties"]
    assert "secret" not in endpoint and set(with_secret) == set(endpoint) | {"secret"}
    assert endpoint["object"]["const"] == "webhook_endpoint"
    assert endpoint["enabled_events"]["items"] == {"$ref": "#/components/schemas/EnabledEvent"}
    assert endpoint["status"] == {"$ref": "#/components/schemas/WebhookEndpointStatus"}
    assert endpoint["disabled_reason"]["anyOf"] == [
        {"$ref": "#/components/schemas/WebhookDisabledReason"},
        {"type": "null"},
    ]
    delivery = schemas["WebhookDelivery"]["properties"]
    assert delivery["status"] == {"$ref": "#/components/schemas/WebhookDeliveryStatus"}
    assert delivery["event_type"] == {"$ref": "#/components/schemas/WebhookEventType"}
    assert schemas["EnabledEvent"]["enum"] == ["*", *EVENT_TYPES]
    assert schemas["WebhookDisabledReason"]["enum"] == ["manual", "gone", "failing"]
    created = document["paths"][WEBHOOKS]["post"]["responses"]["201"]["content"]
    assert created["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WebhookEndpointWithSecretEnvelope"
    }
    got = document["paths"][WEBHOOK]["get"]["responses"]["200"]["content"]
    assert got["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WebhookEndpointEnvelope"
    }
    assert document["paths"][WEBHOOK]["patch"]["requestBody"]["content"].keys() == {
        "application/merge-patch+json"
    }
    assert {tag["name"] for tag in document["tags"]} >= {"Webhooks"}


def test_webhook_error_codes_are_listed_where_they_happen(document: dict[str, Any]) -> None:
    create = document["paths"][WEBHOOKS]["post"]["responses"]["422"]["description"]
    assert "`too_many_webhook_endpoints`" in create and "`validation_error`" in create
    retry = document["paths"][DELIVERIES + "/{delivery_id}/retry"]["post"]["responses"]["409"]
    assert "`webhook_endpoint_disabled`" in retry["description"]
    assert "409" not in document["paths"][WEBHOOK]["patch"]["responses"]


def test_webhook_id_patterns_fit_issued_ids(document: dict[str, Any], api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.secret}"}
    made = api.client.post(WEBHOOKS, json={"url": "https://hooks.example.com/"}, headers=headers)
    endpoint = made.get_json()["data"]
    api.create()
    path = WEBHOOKS + f"/{endpoint['id']}/deliveries"
    [delivery] = api.client.get(path, headers=headers).get_json()["data"]
    parameters = document["components"]["parameters"]
    schemas = document["components"]["schemas"]
    for pattern, value in (
        (parameters["WebhookEndpointId"]["schema"]["pattern"], endpoint["id"]),
        (parameters["WebhookDeliveryId"]["schema"]["pattern"], delivery["id"]),
        (
            schemas["WebhookEndpointWithSecret"]["properties"]["secret"]["pattern"],
            endpoint["secret"],
        ),
        (schemas["WebhookDelivery"]["properties"]["event_id"]["pattern"], delivery["event_id"]),
    ):
        assert re.match(pattern, value), (pattern, value)
