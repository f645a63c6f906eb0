"""Authentication, the scope ladder, tenancy and the order of checks (docs/api-keys.md,
docs/errors.md)."""

from __future__ import annotations

from typing import Any

import pytest

from app import create_app
from tests.support.api import Api, error_code

READ, WRITE, ADMIN = "messaging:read", "messaging:write", "messaging:admin"
MISSING = "/conv_01JD8X5Q7WZ3T9M2K4R6V8B0CE"

# (method, path suffix with {id}, body, scope the endpoint needs)
ENDPOINTS: list[tuple[str, str, Any, str]] = [
    ("POST", "", {}, WRITE),
    ("GET", "", None, READ),
    ("GET", "/{id}", None, READ),
    ("PATCH", "/{id}", {"title": "t"}, WRITE),
    ("DELETE", "/{id}", None, ADMIN),
    ("POST", "/{id}/archive", None, WRITE),
    ("POST", "/{id}/close", None, WRITE),
    ("POST", "/{id}/reopen", None, WRITE),
]
LADDER = {READ: 1, WRITE: 2, ADMIN: 3}
OK = {("POST", ""): 201}


def _assert_refused(api: Api, method: str, suffix: str, body: Any, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    before = api.balance()
    response = api.client.open(
        api.base + suffix.format(id=MISSING[1:]), method=method, headers=headers, json=body
    )
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "X-Tokens-Remaining" not in response.headers
    assert api.balance() == before


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "sk_live_" + "A" * 40,
        "Bearer sk_live_short",
        "Bearer sk_test_" + "A" * 40,
        "Bearer sk_live_" + "A" * 39 + "!",
        "Bearer sk_live_" + "A" * 40,
    ],
)
def test_missing_malformed_or_unknown_secret_is_401(api: Api, header: str | None) -> None:
    _assert_refused(api, "POST", "", {}, header)


@pytest.mark.parametrize(("method", "suffix", "body", "scope"), ENDPOINTS)
def test_every_endpoint_needs_a_key(
    api: Api, method: str, suffix: str, body: Any, scope: str
) -> None:
    _assert_refused(api, method, suffix, body, None)
    _assert_refused(api, method, suffix, body, "Bearer sk_live_" + "F" * 40)


def test_scheme_is_case_insensitive(api: Api) -> None:
    response = api.get(key="", headers={"Authorization": f"bearer {api.secret}"})
    assert response.status_code == 200


def test_revoked_key_is_401_from_its_next_request(api: Api) -> None:
    key, secret = api.services.keys.create("acme", [READ])
    assert api.get(key=secret).status_code == 200
    assert api.services.keys.revoke(key.key_id)
    response = api.get(key=secret)
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert api.get().status_code == 200  # the account's other keys still work


@pytest.mark.parametrize("held", [READ, WRITE, ADMIN])
@pytest.mark.parametrize(("method", "suffix", "body", "scope"), ENDPOINTS)
def test_scope_ladder(api: Api, held: str, method: str, suffix: str, body: Any, scope: str) -> None:
    conversation = api.create()
    key = api.key("acme", [held])
    before = api.balance()
    response = api.request(method, suffix.format(id=conversation["id"]), key=key, json=body)
    if LADDER[held] >= LADDER[scope]:
        assert response.status_code == OK.get((method, suffix), 200), response.get_json()
    else:
        assert response.status_code == 403
        assert error_code(response) == "insufficient_scope"
        assert response.get_json()["error"]["details"] == {"required": scope}
        assert "X-Tokens-Remaining" not in response.headers
        assert api.balance() == before
        assert api.get(f"/{conversation['id']}").get_json()["data"] == conversation


@pytest.mark.parametrize(("method", "suffix", "body", "scope"), ENDPOINTS[2:])
def test_another_accounts_conversation_does_not_exist(
    api: Api, method: str, suffix: str, body: Any, scope: str
) -> None:
    theirs = api.create(title="theirs")
    intruder = api.key("globex", tokens=100)
    response = api.request(method, suffix.format(id=theirs["id"]), key=intruder, json=body)
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert api.get(f"/{theirs['id']}").get_json()["data"] == theirs


@pytest.mark.parametrize(
    "query",
    [{}, {"type": "group"}, {"status": "open"}, {"type": "group", "status": "open"}],
)
def test_lists_show_only_the_accounts_own_conversations(api: Api, query: dict[str, str]) -> None:
    api.create(title="acme")
    other = api.key("globex", tokens=100)
    mine = api.create(key=other, title="globex")
    listed = api.get(key=other, query_string=query).get_json()["data"]
    assert [item["id"] for item in listed] == [mine["id"]]


def test_conversations_created_by_any_key_of_an_account_are_shared(api: Api) -> None:
    second = api.key("acme", [READ, WRITE])
    created = api.create(key=second)
    assert api.get(f"/{created['id']}").status_code == 200


# Order of checks: 401 → 403 → 429 → 402 → 400/413/415/422 → 404 → 409.


def test_unknown_key_on_an_admin_endpoint_is_401_not_403(api: Api) -> None:
    response = api.delete(MISSING, key="sk_live_" + "C" * 40)
    assert response.status_code == 401


@pytest.fixture
def limited_api(settings: dict[str, Any]) -> Api:
    settings["rate_limit"] = "3 per minute"
    app = create_app(settings)
    return Api(app, app.test_client())


def test_scope_is_checked_before_the_rate_limit(limited_api: Api) -> None:
    reader = limited_api.key("acme", [READ])
    for _ in range(3):
        assert limited_api.get(key=reader).status_code == 200
    assert limited_api.get(key=reader).status_code == 429
    response = limited_api.post(key=reader, json={})
    assert response.status_code == 403
    assert error_code(response) == "insufficient_scope"


def test_rate_limit_is_checked_before_tokens(limited_api: Api) -> None:
    broke = limited_api.key("broke", tokens=0)
    for _ in range(3):
        assert limited_api.get(key=broke).status_code == 402
    response = limited_api.get(key=broke)
    assert response.status_code == 429
    assert "X-Tokens-Remaining" not in response.headers


def test_rate_limit_bucket_is_per_key_and_shared_by_endpoints(limited_api: Api) -> None:
    conversation = limited_api.create()
    assert limited_api.get(f"/{conversation['id']}").status_code == 200
    assert limited_api.patch(f"/{conversation['id']}", json={"title": "x"}).status_code == 200
    assert limited_api.post(f"/{conversation['id']}/close").status_code == 429
    other = limited_api.key("acme")
    assert limited_api.get(key=other).status_code == 200


def test_rate_limit_headers_on_every_response_past_the_limit_step(limited_api: Api) -> None:
    broke = limited_api.key("broke", tokens=0)
    responses = [
        limited_api.get(MISSING),
        limited_api.post(json={"x": 1}),
        limited_api.get(key=broke),
    ]
    assert [r.status_code for r in responses] == [404, 422, 402]
    for response in responses:
        assert response.headers["X-RateLimit-Limit"] == "3"
        assert int(response.headers["X-RateLimit-Remaining"]) in (0, 1, 2)
        assert int(response.headers["X-RateLimit-Reset"]) > 1_700_000_000


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "", {"title": 1}),
        ("POST", "", b"["),
        ("PATCH", "/{id}", {"status": "open"}),
        ("POST", "/{id}/archive", {"x": 1}),
        ("GET", "", "limit=0"),
    ],
)
def test_tokens_are_checked_before_validation(
    api: Api, method: str, suffix: str, body: Any
) -> None:
    broke = api.key("broke", tokens=0)
    kwargs: dict[str, Any] = {"json": body}
    if isinstance(body, bytes):
        kwargs = {"data": body, "content_type": "application/json"}
    elif isinstance(body, str):
        kwargs = {"query_string": body}
    response = api.request(method, suffix.format(id=MISSING[1:]), key=broke, **kwargs)
    assert response.status_code == 402
    assert error_code(response) == "insufficient_tokens"


@pytest.mark.parametrize(
    ("method", "suffix", "kwargs", "status"),
    [
        ("PATCH", "/{id}", {"json": {"title": 1}}, 422),
        ("PATCH", "/{id}", {"data": b"[]", "content_type": "application/json"}, 400),
        ("PATCH", "/{id}", {"data": b"{}", "content_type": "text/plain"}, 415),
        ("POST", "/{id}/close", {"json": {"x": 1}}, 422),
        ("POST", "/{id}/close", {"data": b"nope", "content_type": "application/json"}, 400),
    ],
)
def test_validation_is_checked_before_existence(
    api: Api, method: str, suffix: str, kwargs: dict[str, Any], status: int
) -> None:
    response = api.request(method, suffix.format(id=MISSING[1:]), **kwargs)
    assert response.status_code == status


def test_existence_is_checked_before_state(api: Api) -> None:
    conversation = api.create()
    api.post(f"/{conversation['id']}/archive")
    other = api.key("globex", tokens=10)
    assert api.post(f"/{conversation['id']}/close", key=other).status_code == 404
    assert api.post(f"/{conversation['id']}/close").status_code == 409
