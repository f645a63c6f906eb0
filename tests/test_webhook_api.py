"""The webhook endpoints of docs/webhooks.md over HTTP, on the embedded store, Redis and a cluster:
every operation's shape, the secret shown only on create and rotate, idempotent creates,
the SSRF rules of issue 12, prices, and every error row the operations can answer."""

from __future__ import annotations

import base64
import re
import time
from datetime import datetime
from typing import Any

import orjson
import pytest
from werkzeug.test import TestResponse

from app import create_app
from app.store.ids import EVENT_ID_RE
from app.store.webhook_queue import Finish, WebhookQueue
from app.vocabulary import ADMIN, RATE_LIMIT_HEADERS, READ, WRITE
from tests.support.api import Api, error_code

WEBHOOKS = "/modules/messaging/webhook_endpoints"
EVENTS = "/modules/messaging/events"
URL = "https://hooks.example.com/saasignal"
UNKNOWN = "we_" + "Z" * 24
UNKNOWN_DELIVERY = "whd_1795000000123000000_" + "Z" * 24
ENDPOINT_FIELDS = {
    "id", "object", "url", "enabled_events", "description", "status", "disabled_reason",
    "created_at", "updated_at",
}  # fmt: skip
DELIVERY_FIELDS = {
    "id", "object", "event_id", "event_type", "status", "attempts", "last_attempt_at",
    "last_status_code", "last_error", "next_attempt_at",
}  # fmt: skip


def call(
    api: Api, method: str, path: str = "", key: str | None = None, **kwargs: Any
) -> TestResponse:
    """A request to the webhook endpoints with the test's key (or `key`; "" for none)."""
    headers = dict(kwargs.pop("headers", {}) or {})
    secret = api.secret if key is None else key
    if secret:
        headers.setdefault("Authorization", f"Bearer {secret}")
    return api.client.open(WEBHOOKS + path, method=method, headers=headers, **kwargs)


def create(api: Api, key: str | None = None, **body: Any) -> dict[str, Any]:
    response = call(api, "POST", json={"url": URL, **body}, key=key)
    assert response.status_code == 201, response.get_json()
    data: dict[str, Any] = response.get_json()["data"]
    return data


def deliveries(api: Api, endpoint_id: str, **query: Any) -> list[dict[str, Any]]:
    response = call(api, "GET", f"/{endpoint_id}/deliveries", query_string={"limit": 100, **query})
    assert response.status_code == 200, response.get_json()
    found: list[dict[str, Any]] = response.get_json()["data"]
    return found


def is_time(text: str) -> bool:
    return text.endswith("Z") and len(text) == 24 and datetime.fromisoformat(text) is not None


# Shapes of the answers


def test_create_answers_201_with_the_object_and_its_secret(api: Api) -> None:
    balance = api.balance()
    response = call(api, "POST", json={"url": URL, "description": "CRM"})
    assert response.status_code == 201
    assert response.headers["X-Tokens-Remaining"] == str(balance - 2)
    assert all(response.headers.get(name) for name in RATE_LIMIT_HEADERS)
    body = response.get_json()
    assert body["status"] == "ok"
    made = body["data"]
    assert set(made) == ENDPOINT_FIELDS | {"secret"}
    assert re.fullmatch(r"we_[A-Za-z0-9]{24}", made["id"])
    assert made["object"] == "webhook_endpoint"
    assert (made["url"], made["enabled_events"], made["description"]) == (URL, ["*"], "CRM")
    assert (made["status"], made["disabled_reason"]) == ("enabled", None)
    assert is_time(made["created_at"]) and made["updated_at"] == made["created_at"]
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", made["secret"])
    assert len(base64.b64decode(made["secret"][6:])) == 32


def test_the_secret_is_shown_only_by_create_and_rotate(api: Api) -> None:
    made = create(api, enabled_events=["conversation.closed"])
    got = call(api, "GET", f"/{made['id']}").get_json()["data"]
    assert "secret" not in got
    assert got == {key: value for key, value in made.items() if key != "secret"}
    listed = call(api, "GET").get_json()["data"]
    assert listed == [got]
    patched = call(api, "PATCH", f"/{made['id']}", json={"description": "x"}).get_json()["data"]
    assert "secret" not in patched
    rotated = call(api, "POST", f"/{made['id']}/rotate_secret")
    assert rotated.status_code == 200
    new = rotated.get_json()["data"]
    assert set(new) == ENDPOINT_FIELDS | {"secret"}
    assert new["secret"] != made["secret"] and new["secret"].startswith("whsec_")
    stored = api.services.webhook_endpoints.get("acme", made["id"]).secrets
    assert (stored.current, stored.previous) == (new["secret"], made["secret"])


def test_list_is_newest_first_and_walks_by_cursor(api: Api) -> None:
    made = [create(api, description=str(i))["id"] for i in range(5)]
    seen: list[str] = []
    query: dict[str, Any] = {"limit": 2}
    while True:
        body = call(api, "GET", query_string=query).get_json()
        assert set(body) == {"status", "data", "has_more", "next_cursor"}
        seen += [endpoint["id"] for endpoint in body["data"]]
        if not body["has_more"]:
            assert body["next_cursor"] is None
            break
        query = {"limit": 3, "cursor": body["next_cursor"]}
    assert seen == made[::-1]


def test_patch_changes_only_the_fields_it_names(api: Api) -> None:
    made = create(api, description="CRM", enabled_events=["conversation.created"])
    path = f"/{made['id']}"
    events = ["conversation.closed", "conversation.reopened"]
    changed = call(api, "PATCH", path, json={"url": URL + "/v2", "enabled_events": events})
    assert changed.status_code == 200
    data = changed.get_json()["data"]
    assert (data["url"], data["enabled_events"], data["description"]) == (
        URL + "/v2",
        events,
        "CRM",
    )
    assert data["updated_at"] >= made["updated_at"]
    cleared = call(api, "PATCH", path, json={"description": None}).get_json()["data"]
    assert cleared["description"] is None and cleared["enabled_events"] == events
    merge = {"Content-Type": "application/merge-patch+json"}
    every = call(api, "PATCH", path, data=b'{"enabled_events": ["*"]}', headers=merge)
    assert every.get_json()["data"]["enabled_events"] == ["*"]
    same = call(api, "PATCH", path, json={}).get_json()["data"]
    assert same == every.get_json()["data"]


def test_disabling_by_hand_is_manual_and_enabling_clears_it(api: Api) -> None:
    made = create(api)
    path = f"/{made['id']}"
    off = call(api, "PATCH", path, json={"status": "disabled"}).get_json()["data"]
    assert (off["status"], off["disabled_reason"]) == ("disabled", "manual")
    on = call(api, "PATCH", path, json={"status": "enabled"}).get_json()["data"]
    assert (on["status"], on["disabled_reason"]) == ("enabled", None)


def test_delete_answers_deleted_and_the_endpoint_is_gone(api: Api) -> None:
    made = create(api)
    response = call(api, "DELETE", f"/{made['id']}")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "data": {"id": made["id"], "object": "webhook_endpoint", "deleted": True},
    }
    for method, path in (("GET", ""), ("DELETE", ""), ("POST", "/rotate_secret")):
        assert call(api, method, f"/{made['id']}{path}").status_code == 404
    assert call(api, "GET").get_json()["data"] == []


def test_idempotent_create_replays_the_same_endpoint_and_secret(api: Api) -> None:
    headers = {"Idempotency-Key": "hook-1"}
    first = call(api, "POST", json={"url": URL}, headers=headers)
    balance = api.balance()
    again = call(api, "POST", json={"url": URL}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "X-Tokens-Remaining" not in again.headers
    assert again.get_json()["data"] == first.get_json()["data"]
    assert api.balance() == balance
    assert len(call(api, "GET").get_json()["data"]) == 1
    other = call(api, "POST", json={"url": URL + "/x"}, headers=headers)
    assert (other.status_code, error_code(other)) == (422, "idempotency_key_reused")


# Events, fan-out and deliveries


def _conversation_events(api: Api) -> list[dict[str, Any]]:
    feed = api.client.get(EVENTS, headers={"Authorization": f"Bearer {api.secret}"})
    events: list[dict[str, Any]] = feed.get_json()["data"]
    return events


def test_a_write_gives_each_subscribed_endpoint_a_delivery(api: Api) -> None:
    every = create(api)
    closed = create(api, enabled_events=["conversation.closed"])
    conversation = api.create(title="Support")
    [event] = _conversation_events(api)
    [delivery] = deliveries(api, every["id"])
    assert set(delivery) == DELIVERY_FIELDS
    assert delivery["object"] == "webhook_delivery"
    assert re.fullmatch(r"whd_[0-9]{19}_[A-Za-z0-9]{24}", delivery["id"])
    assert EVENT_ID_RE.fullmatch(delivery["event_id"]) and delivery["event_id"] == event["id"]
    assert (delivery["event_type"], delivery["status"], delivery["attempts"]) == (
        "conversation.created", "pending", 0)  # fmt: skip
    assert delivery["last_attempt_at"] is None and is_time(delivery["next_attempt_at"])
    assert (delivery["last_status_code"], delivery["last_error"]) == (None, None)
    assert deliveries(api, closed["id"]) == []
    api.post(f"/{conversation['id']}/close")
    assert [d["event_type"] for d in deliveries(api, closed["id"])] == ["conversation.closed"]
    assert [d["event_type"] for d in deliveries(api, every["id"])] == [
        "conversation.closed",
        "conversation.created",
    ]


def test_a_disabled_endpoint_is_sent_nothing_until_enabled_again(api: Api) -> None:
    made = create(api)
    path = f"/{made['id']}"
    call(api, "PATCH", path, json={"status": "disabled"})
    api.create()
    assert deliveries(api, made["id"]) == []
    call(api, "PATCH", path, json={"status": "enabled"})
    api.create()
    assert len(deliveries(api, made["id"])) == 1


def test_changing_enabled_events_changes_what_is_delivered(api: Api) -> None:
    made = create(api, enabled_events=["conversation.closed"])
    api.create()
    assert deliveries(api, made["id"]) == []
    call(api, "PATCH", f"/{made['id']}", json={"enabled_events": ["conversation.created"]})
    api.create()
    assert [d["event_type"] for d in deliveries(api, made["id"])] == ["conversation.created"]


def test_deliveries_walk_newest_first_by_cursor(api: Api) -> None:
    made = create(api)
    for _ in range(5):
        api.create()
    every = [d["id"] for d in deliveries(api, made["id"])]
    assert every == sorted(every, reverse=True) and len(every) == 5
    seen: list[str] = []
    query: dict[str, Any] = {"limit": 2}
    while True:
        response = call(api, "GET", f"/{made['id']}/deliveries", query_string=query)
        body = response.get_json()
        seen += [d["id"] for d in body["data"]]
        if not body["has_more"]:
            break
        query = {"limit": 2, "cursor": body["next_cursor"]}
    assert seen == every


def test_retry_schedules_a_delivery_now(api: Api) -> None:
    """A delivery due in an hour (its first attempt failed) is due now once retried."""
    made = create(api)
    api.create()
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    [claimed] = queue.claim("acme", 10, "worker-1")
    hour = 3_600_000
    assert queue.finish(claimed, "worker-1", Finish(False, hour, status_code=500)) == "pending"
    [delivery] = deliveries(api, made["id"])
    assert seconds(delivery["next_attempt_at"]) > time.time() + 3000
    sent = time.time()
    response = call(api, "POST", f"/{made['id']}/deliveries/{delivery['id']}/retry")
    assert response.status_code == 200
    retried = response.get_json()["data"]
    assert set(retried) == DELIVERY_FIELDS
    assert (retried["id"], retried["status"]) == (delivery["id"], "pending")
    assert abs(seconds(retried["next_attempt_at"]) - sent) < 1.0
    [again] = queue.claim("acme", 10, "worker-2")  # due now, not in an hour
    assert (again.delivery_id, again.attempt) == (delivery["id"], 2)


def seconds(timestamp: str) -> float:
    """An RFC 3339 time of the API, in epoch seconds."""
    return datetime.fromisoformat(timestamp).timestamp()


def test_retry_on_a_disabled_endpoint_is_409(api: Api) -> None:
    made = create(api)
    api.create()
    [delivery] = deliveries(api, made["id"])
    call(api, "PATCH", f"/{made['id']}", json={"status": "disabled"})
    balance = api.balance()
    response = call(api, "POST", f"/{made['id']}/deliveries/{delivery['id']}/retry")
    assert response.status_code == 409
    assert error_code(response) == "webhook_endpoint_disabled"
    assert api.balance() == balance - 2


# Tenancy and 404


def _operations(endpoint: str, delivery: str) -> list[tuple[str, str, Any]]:
    return [
        ("GET", f"/{endpoint}", None),
        ("PATCH", f"/{endpoint}", {"description": "x"}),
        ("POST", f"/{endpoint}/rotate_secret", None),
        ("GET", f"/{endpoint}/deliveries", None),
        ("POST", f"/{endpoint}/deliveries/{delivery}/retry", None),
        ("DELETE", f"/{endpoint}", None),
    ]


@pytest.mark.parametrize("which", ["unknown", "malformed", "another account's"])
def test_an_endpoint_that_is_not_the_accounts_is_404(api: Api, which: str) -> None:
    other = api.key("other", [ADMIN], tokens=100)
    theirs = create(api, key=other)
    api.create(key=other)
    [their_delivery] = api.services.webhook_deliveries.list_page(
        "other", theirs["id"], None, 9
    ).items
    endpoint = {"unknown": UNKNOWN, "malformed": "we_nope", "another account's": theirs["id"]}
    delivery = their_delivery.id if which == "another account's" else UNKNOWN_DELIVERY
    for method, path, body in _operations(endpoint[which], delivery):
        balance = api.balance()
        response = call(api, method, path, json=body)
        assert response.status_code == 404, (method, path)
        assert error_code(response) == "not_found"
        assert api.balance() == balance - 2


def test_an_unknown_or_another_endpoints_delivery_is_404(api: Api) -> None:
    mine, other = create(api), create(api)
    api.create()
    [theirs] = deliveries(api, other["id"])
    for delivery in (UNKNOWN_DELIVERY, "whd_nope", theirs["id"]):
        response = call(api, "POST", f"/{mine['id']}/deliveries/{delivery}/retry")
        assert response.status_code == 404, delivery
        assert error_code(response) == "not_found"


# Scope, tokens, authentication, limits


def _every_operation(api: Api) -> list[tuple[str, str, Any]]:
    made = create(api)
    api.create()
    [delivery] = deliveries(api, made["id"])
    return [("POST", "", {"url": URL}), ("GET", "", None), *_operations(made["id"], delivery["id"])]


@pytest.mark.parametrize("scope", [READ, WRITE])
def test_a_key_without_admin_is_403_and_pays_nothing(api: Api, scope: str) -> None:
    key = api.key("acme", [scope])
    for method, path, body in _every_operation(api):
        balance = api.balance()
        response = call(api, method, path, key=key, json=body)
        assert response.status_code == 403, (method, path)
        assert error_code(response) == "insufficient_scope"
        assert response.get_json()["error"]["details"] == {"required": ADMIN}
        assert api.balance() == balance


def test_no_key_is_401(api: Api) -> None:
    for method, path, body in _every_operation(api):
        response = call(api, method, path, key="", json=body)
        assert response.status_code == 401
        assert error_code(response) == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_every_operation_costs_the_admin_price(api: Api) -> None:
    for method, path, body in _every_operation(api):
        balance = api.balance()
        response = call(api, method, path, json=body)
        assert response.status_code in (200, 201), (method, path, response.get_json())
        assert response.headers["X-Tokens-Remaining"] == str(balance - 2)
        assert api.balance() == balance - 2


def test_a_short_balance_is_402_before_validation(api: Api) -> None:
    broke = api.key("broke", [ADMIN], tokens=1)
    for method, path, body in [*_operations(UNKNOWN, UNKNOWN_DELIVERY), ("POST", "", {"x": 1})]:
        response = call(api, method, path, key=broke, json=body)
        assert response.status_code == 402, (method, path)
        assert error_code(response) == "insufficient_tokens"
        assert response.get_json()["error"]["details"] == {"required": 2, "balance": 1}
        assert response.headers["X-Tokens-Remaining"] == "1"
    assert api.balance("broke") == 1


def test_429_when_rate_limited_costs_nothing(settings: dict[str, Any]) -> None:
    settings["rate_limit"] = "2 per minute"
    app = create_app(settings)
    api = Api(app, app.test_client())
    assert [call(api, "GET").status_code for _ in range(2)] == [200, 200]
    balance = api.balance()
    response = call(api, "POST", json={"url": URL})
    assert response.status_code == 429
    assert error_code(response) == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1
    assert api.balance() == balance


# Bodies and queries


def test_a_body_over_max_body_bytes_is_413(settings: dict[str, Any]) -> None:
    settings["max_body_bytes"] = 100
    app = create_app(settings)
    api = Api(app, app.test_client())
    for method in ("POST", "GET"):
        balance = api.balance()
        response = call(api, method, data=b"x" * 101, content_type="application/json")
        assert response.status_code == 413
        assert error_code(response) == "payload_too_large"
        assert api.balance() == balance - 2


def test_a_body_that_is_not_json_is_415_or_400(api: Api) -> None:
    response = call(api, "POST", data=b"url=x", content_type="text/plain")
    assert (response.status_code, error_code(response)) == (415, "unsupported_media_type")
    for raw in (b"{", b"[]", b'"https://x"'):
        response = call(api, "POST", data=raw, content_type="application/json")
        assert (response.status_code, error_code(response)) == (400, "invalid_json")


SSRF = [
    "https://127.0.0.1/",
    "https://10.1.2.3/",
    "https://172.16.0.1/",
    "https://172.31.255.255/",
    "https://192.168.1.1/",
    "https://169.254.169.254/latest/meta-data/",
    "https://100.64.0.1/",
    "https://0.0.0.0/",
    "https://[::1]/",
    "https://[fe80::1]/",
    "https://[fc00::1]/",
    "https://[::ffff:10.0.0.1]/",
    "https://2130706433/",
    "https://0177.0.0.1/",
    "https://0x7f.1/",
    "https://localhost/",
]


@pytest.mark.parametrize("url", SSRF)
def test_a_non_public_address_is_422_on_create_and_patch(api: Api, url: str) -> None:
    balance = api.balance()
    response = call(api, "POST", json={"url": url})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    assert list(response.get_json()["error"]["details"]) == ["url"]
    assert api.balance() == balance - 2
    made = create(api)
    response = call(api, "PATCH", f"/{made['id']}", json={"url": url})
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert call(api, "GET", f"/{made['id']}").get_json()["data"]["url"] == URL


BAD_URLS = [
    "http://hooks.example.com/",
    "https://user:pw@hooks.example.com/",
    "https://user@hooks.example.com/",
    "https://hooks.example.com/" + "a" * 2030,
    "hooks.example.com/in",
    "ftp://hooks.example.com/",
    "https:///nohost",
    "",
]


@pytest.mark.parametrize("url", BAD_URLS, ids=range(len(BAD_URLS)))
def test_a_bad_url_is_422(api: Api, url: str) -> None:
    response = call(api, "POST", json={"url": url})
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert list(response.get_json()["error"]["details"]) == ["url"]


def test_private_targets_and_http_are_allowed_by_the_flag(settings: dict[str, Any]) -> None:
    settings["webhook_allow_private_targets"] = True
    app = create_app(settings)
    api = Api(app, app.test_client())
    for url in ("http://127.0.0.1:8080/in", "https://10.1.2.3/", "http://localhost/"):
        assert create(api, url=url)["url"] == url
    response = call(api, "POST", json={"url": "https://u@10.1.2.3/"})
    assert response.status_code == 422


BAD_BODIES = [
    ({}, {"url"}),
    ({"url": URL, "enabled_events": []}, {"enabled_events"}),
    ({"url": URL, "enabled_events": ["conversation.renamed"]}, {"enabled_events"}),
    ({"url": URL, "enabled_events": ["conversation.closed"] * 2}, {"enabled_events"}),
    ({"url": URL, "enabled_events": ["*", "conversation.closed"]}, {"enabled_events"}),
    ({"url": URL, "enabled_events": "*"}, {"enabled_events"}),
    ({"url": URL, "description": "x" * 2001}, {"description"}),
    ({"url": URL, "status": "enabled"}, {"status"}),
    ({"url": URL, "secret": "whsec_x"}, {"secret"}),
    ({"url": 7}, {"url"}),
]


@pytest.mark.parametrize(("body", "fields"), BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_a_bad_create_body_is_422_naming_the_field(
    api: Api, body: dict[str, Any], fields: set[str]
) -> None:
    balance = api.balance()
    response = call(api, "POST", json=body)
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert set(response.get_json()["error"]["details"]) == fields
    assert api.balance() == balance - 2
    assert call(api, "GET").get_json()["data"] == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"status": "paused"}, {"status"}),
        ({"url": None}, {"url"}),
        ({"enabled_events": None}, {"enabled_events"}),
        ({"disabled_reason": None}, {"disabled_reason"}),
        ({"id": UNKNOWN}, {"id"}),
    ],
)
def test_a_bad_patch_is_422_and_changes_nothing(
    api: Api, body: dict[str, Any], fields: set[str]
) -> None:
    made = create(api)
    response = call(api, "PATCH", f"/{made['id']}", json=body)
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    assert set(response.get_json()["error"]["details"]) == fields
    got = call(api, "GET", f"/{made['id']}").get_json()["data"]
    assert got == {key: value for key, value in made.items() if key != "secret"}


def test_the_17th_endpoint_is_422(api: Api) -> None:
    for _ in range(16):
        create(api)
    response = call(api, "POST", json={"url": URL})
    assert (response.status_code, error_code(response)) == (422, "too_many_webhook_endpoints")
    assert response.get_json()["error"]["details"] == {"limit": 16}
    assert len(call(api, "GET", query_string={"limit": 100}).get_json()["data"]) == 16


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=101", "limit=x", "limit=1&limit=2", "status=enabled"]
)
def test_a_bad_list_query_is_422(api: Api, query: str) -> None:
    made = create(api)
    for path in ("", f"/{made['id']}/deliveries"):
        response = call(api, "GET", path, query_string=query)
        assert (response.status_code, error_code(response)) == (422, "validation_error")


def _alter(cursor: str) -> str:
    body, _, mac = cursor.partition(".")
    payload = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    payload["after"] = payload["after"] + 1 if isinstance(payload["after"], int) else "x"
    moved = base64.urlsafe_b64encode(orjson.dumps(payload)).rstrip(b"=").decode()
    return f"{moved}.{mac}"


def test_a_bad_cursor_is_422_invalid_cursor(api: Api) -> None:
    first, second = create(api), create(api)
    for _ in range(3):
        api.create()
    endpoints_cursor = call(api, "GET", query_string={"limit": 1}).get_json()["next_cursor"]
    path = f"/{first['id']}/deliveries"
    deliveries_cursor = call(api, "GET", path, query_string={"limit": 1}).get_json()["next_cursor"]
    conversations_cursor = api.get(query_string={"limit": 1}).get_json()["next_cursor"]
    other_endpoint = f"/{second['id']}/deliveries"
    cases = [
        ("", "garbage"),
        ("", _alter(endpoints_cursor)),
        ("", deliveries_cursor),
        ("", conversations_cursor),
        (path, endpoints_cursor),
        (path, _alter(deliveries_cursor)),
        (other_endpoint, deliveries_cursor),
    ]
    for where, cursor in cases:
        response = call(api, "GET", where, query_string={"cursor": cursor})
        assert (response.status_code, error_code(response)) == (422, "invalid_cursor"), where
    headers = {"Authorization": f"Bearer {api.secret}"}
    for cursor in (endpoints_cursor, deliveries_cursor):
        response = api.get(query_string={"cursor": cursor})
        assert (response.status_code, error_code(response)) == (422, "invalid_cursor")
        response = api.client.get(EVENTS, query_string={"cursor": cursor}, headers=headers)
        assert (response.status_code, error_code(response)) == (422, "invalid_cursor")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "", {"GET", "HEAD", "POST"}),
        ("POST", f"/{UNKNOWN}", {"GET", "HEAD", "PATCH", "DELETE"}),
        ("GET", f"/{UNKNOWN}/rotate_secret", {"POST"}),
        ("DELETE", f"/{UNKNOWN}/deliveries", {"GET", "HEAD"}),
    ],
)
def test_other_methods_are_405_with_allow(
    api: Api, method: str, path: str, allowed: set[str]
) -> None:
    response = call(api, method, path)
    assert (response.status_code, error_code(response)) == (405, "method_not_allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed


def test_a_short_balance_changes_nothing(api: Api) -> None:
    made = create(api)
    api.create()
    [delivery] = deliveries(api, made["id"])
    broke = api.key("acme", [ADMIN])
    api.services.tokens.grant("acme", 1 - api.balance())  # leaves 1: less than the price
    path = f"/{made['id']}"
    for method, where, body in [
        ("POST", "", {"url": URL}),
        ("PATCH", path, {"status": "disabled", "description": "x"}),
        ("POST", f"{path}/rotate_secret", None),
        ("POST", f"{path}/deliveries/{delivery['id']}/retry", None),
        ("DELETE", path, None),
    ]:
        response = call(api, method, where, key=broke, json=body)
        assert (response.status_code, error_code(response)) == (402, "insufficient_tokens")
    stored = api.services.webhook_endpoints.list_page("acme", None, 100).items
    assert [(e.id, e.status, e.description) for e in stored] == [(made["id"], "enabled", None)]
    assert stored[0].secrets.current == made["secret"] and stored[0].secrets.previous is None
    assert api.balance() == 1


def test_retry_makes_a_failed_delivery_pending_again(api: Api) -> None:
    made = create(api)
    api.create()
    queue = WebhookQueue(api.services.client, api.services.keyspace)
    [claimed] = queue.claim("acme", 10, "worker-1")
    assert queue.finish(claimed, "worker-1", Finish(False, None, status_code=500)) == "failed"
    [failed] = deliveries(api, made["id"])
    assert (failed["status"], failed["attempts"], failed["last_status_code"]) == ("failed", 1, 500)
    assert is_time(failed["last_attempt_at"]) and failed["next_attempt_at"] is None
    response = call(api, "POST", f"/{made['id']}/deliveries/{failed['id']}/retry")
    assert response.status_code == 200
    retried = response.get_json()["data"]
    assert (retried["status"], retried["attempts"]) == ("pending", 1)
    assert is_time(retried["next_attempt_at"])
    [again] = queue.claim("acme", 10, "worker-2")
    assert (again.delivery_id, again.attempt) == (failed["id"], 2)
