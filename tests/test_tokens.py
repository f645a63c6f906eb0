"""Token prices, X-Tokens-Remaining, 402 and what costs nothing (docs/errors.md)."""

from __future__ import annotations

from typing import Any

import pytest

from app import create_app
from tests.support.api import Api, error_code

MISSING = "/conv_01JD8X5Q7WZ3T9M2K4R6V8B0CE"

# (method, path suffix with {id}, body, price name)
PRICED: list[tuple[str, str, Any, str]] = [
    ("POST", "", {"title": "new"}, "write"),
    ("GET", "", None, "read"),
    ("GET", "/{id}", None, "read"),
    ("PATCH", "/{id}", {"title": "changed"}, "write"),
    ("DELETE", "/{id}", None, "admin"),
    ("POST", "/{id}/archive", None, "write"),
    ("POST", "/{id}/close", None, "write"),
    ("POST", "/{id}/reopen", None, "write"),
]
DEFAULT_PRICES = {"read": 1, "write": 2, "admin": 2}


def _priced_api(settings: dict[str, Any], costs: dict[str, int] | None) -> Api:
    if costs is not None:
        settings["token_costs"] = costs
    app = create_app(settings)
    return Api(app, app.test_client())


@pytest.mark.parametrize("costs", [None, {"read": 3, "write": 5, "admin": 7}])
@pytest.mark.parametrize(("method", "suffix", "body", "price"), PRICED)
def test_each_endpoint_costs_its_scopes_price(
    settings: dict[str, Any],
    costs: dict[str, int] | None,
    method: str,
    suffix: str,
    body: Any,
    price: str,
) -> None:
    api = _priced_api(settings, costs)
    conversation = api.create()
    before = api.balance()
    response = api.request(method, suffix.format(id=conversation["id"]), json=body)
    assert response.status_code < 300, response.get_json()
    expected = before - (costs or DEFAULT_PRICES)[price]
    assert api.balance() == expected
    assert response.headers["X-Tokens-Remaining"] == str(expected)


def test_a_zero_price_is_free(settings: dict[str, Any]) -> None:
    api = _priced_api(settings, {"read": 0, "write": 2, "admin": 2})
    broke = api.key("broke", tokens=0)
    response = api.get(key=broke)
    assert response.status_code == 200
    assert response.headers["X-Tokens-Remaining"] == "0"


def test_remaining_follows_the_balance_over_a_sequence(api: Api) -> None:
    secret = api.key("counted", tokens=10)
    created = api.create(key=secret)
    seen = [api.get(f"/{created['id']}", key=secret).headers["X-Tokens-Remaining"]]
    seen.append(api.get(key=secret).headers["X-Tokens-Remaining"])
    seen.append(api.post(f"/{created['id']}/close", key=secret).headers["X-Tokens-Remaining"])
    assert seen == ["7", "6", "4"]
    assert api.balance("counted") == 4


@pytest.mark.parametrize(
    ("method", "suffix", "body", "balance", "required"),
    [
        ("POST", "", {"title": "never"}, 1, 2),
        ("GET", "", None, 0, 1),
        ("GET", "/{id}", None, 0, 1),
        ("PATCH", "/{id}", {"title": "never"}, 1, 2),
        ("DELETE", "/{id}", None, 1, 2),
        ("POST", "/{id}/archive", None, 0, 2),
    ],
)
def test_insufficient_tokens_is_402_and_changes_nothing(
    api: Api, method: str, suffix: str, body: Any, balance: int, required: int
) -> None:
    conversation = api.create(title="kept")
    poor = api.key("acme", tokens=None)
    api.services.tokens.grant("acme", balance - api.balance())
    assert api.balance() == balance
    response = api.request(method, suffix.format(id=conversation["id"]), key=poor, json=body)
    assert response.status_code == 402
    assert error_code(response) == "insufficient_tokens"
    assert response.get_json()["error"]["details"] == {"required": required, "balance": balance}
    assert response.headers["X-Tokens-Remaining"] == str(balance)
    assert api.balance() == balance
    api.services.tokens.grant("acme", 10)
    listed = api.get().get_json()["data"]
    assert listed == [conversation]


def test_exactly_floor_balance_over_price_requests_are_admitted(api: Api) -> None:
    secret = api.key("five", tokens=5)
    statuses = [api.post(key=secret, json={}).status_code for _ in range(4)]
    assert statuses == [201, 201, 402, 402]
    assert api.balance("five") == 1


def test_rejections_before_the_token_step_cost_nothing(settings: dict[str, Any]) -> None:
    settings["rate_limit"] = "2 per minute"
    app = create_app(settings)
    api = Api(app, app.test_client())
    reader = api.key("acme", ["messaging:read"])
    before = api.balance()
    # docs/errors.md: a 403 may count against the bucket of the secret it carried, so the
    # refused POST uses a key of its own and `reader`'s bucket is left to the 429 below.
    refused = [
        api.get(key="sk_live_" + "D" * 40),  # 401
        api.post(key=api.key("acme", ["messaging:read"]), json={}),  # 403
        api.delete(MISSING, key=api.key("acme", ["messaging:write"])),  # 403
    ]
    assert [r.status_code for r in refused] == [401, 403, 403]
    assert api.get(key=reader).status_code == 200
    assert api.get(key=reader).status_code == 200
    limited = api.get(key=reader)
    assert limited.status_code == 429
    for response in [*refused, limited]:
        assert "X-Tokens-Remaining" not in response.headers
    assert api.balance() == before - 2


@pytest.mark.parametrize(
    ("method", "suffix", "kwargs", "status", "cost"),
    [
        ("GET", MISSING, {}, 404, 1),
        ("GET", "/conv_bad", {}, 404, 1),
        ("PATCH", MISSING, {"json": {"title": "x"}}, 404, 2),
        ("DELETE", MISSING, {}, 404, 2),
        ("POST", "", {"json": {"title": 7}}, 422, 2),
        ("POST", "", {"data": b"[1]", "content_type": "application/json"}, 400, 2),
        ("POST", "", {"data": b"x", "content_type": "text/plain"}, 415, 2),
        ("GET", "", {"query_string": {"limit": "0"}}, 422, 1),
        ("GET", "", {"query_string": {"cursor": "forged"}}, 422, 1),
        ("POST", "/{archived}/close", {}, 409, 2),
    ],
)
def test_client_errors_after_the_token_step_cost_tokens(
    api: Api, method: str, suffix: str, kwargs: dict[str, Any], status: int, cost: int
) -> None:
    archived = api.create()
    api.post(f"/{archived['id']}/archive")
    before = api.balance()
    response = api.request(method, suffix.format(archived=archived["id"]), **kwargs)
    assert response.status_code == status
    assert api.balance() == before - cost
    assert response.headers["X-Tokens-Remaining"] == str(before - cost)


def test_an_oversized_body_costs_tokens(settings: dict[str, Any]) -> None:
    settings["max_body_bytes"] = 64
    app = create_app(settings)
    api = Api(app, app.test_client())
    before = api.balance()
    response = api.post(json={"title": "y" * 100})
    assert response.status_code == 413
    assert response.headers["X-Tokens-Remaining"] == str(before - 2)
