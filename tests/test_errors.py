"""Every row of docs/errors.md's error table, over HTTP, in the one envelope.

(412 and the idempotency rows are covered by test_preconditions.py and test_idempotency.py.)
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask
from werkzeug import exceptions as werkzeug_exceptions
from werkzeug.test import TestResponse

from app import create_app
from app.store.conversations import ConversationStore
from harness.servers import free_port
from tests.support.api import Api, error_code

GENERATED_ID = re.compile(r"^req_[A-Za-z0-9]+$")
MISSING = "/conv_01JD8X5Q7WZ3T9M2K4R6V8B0CE"


def _details(response: TestResponse) -> Any:
    return response.get_json()["error"].get("details")


def test_error_envelope_has_code_message_and_request_id(api: Api) -> None:
    response = api.get(MISSING)
    body = response.get_json()
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert body["status"] == "error"
    assert body["error"]["code"] == "not_found"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert body["error"]["request_id"] == response.headers["X-Request-Id"]
    assert "details" not in body["error"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"{", "application/json"),
        (b"not json", "application/json"),
        (b"[]", "application/json"),
        (b'"a string"', "application/json"),
        (b"42", "application/json"),
        (b"null", "application/json"),
        (b'{"title": NaN}', "application/json"),
    ],
)
def test_body_that_is_not_a_json_object_is_400(api: Api, body: bytes, content_type: str) -> None:
    response = api.post(data=body, headers={"Content-Type": content_type})
    assert response.status_code == 400
    assert error_code(response) == "invalid_json"
    assert _details(response) is None


def test_401_carries_www_authenticate(api: Api) -> None:
    response = api.get(key="")
    assert response.status_code == 401
    assert error_code(response) == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "X-Tokens-Remaining" not in response.headers


def test_402_details_required_and_balance(api: Api) -> None:
    poor = api.key("poor", tokens=1)
    response = api.post(json={}, key=poor)
    assert response.status_code == 402
    assert error_code(response) == "insufficient_tokens"
    assert _details(response) == {"required": 2, "balance": 1}
    assert response.headers["X-Tokens-Remaining"] == "1"


def test_403_details_required_scope(api: Api) -> None:
    reader = api.key("acme", ["messaging:read"])
    response = api.post(json={}, key=reader)
    assert response.status_code == 403
    assert error_code(response) == "insufficient_scope"
    assert _details(response) == {"required": "messaging:write"}


@pytest.mark.parametrize(
    "path", [MISSING, "/conv_x", "/not-an-id", "/conv_01JD8X5Q7WZ3T9M2K4R6V8B0C%E2%82%AC"]
)
def test_unknown_conversation_is_404(api: Api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert error_code(response) == "not_found"


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/archive"), ("POST", "/close"),
     ("POST", "/reopen")],
)  # fmt: skip
def test_a_real_id_with_a_trailing_newline_is_404(api: Api, method: str, suffix: str) -> None:
    conversation = api.create()
    response = api.request(method, f"/{conversation['id']}%0A{suffix}", json={})
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert api.get(f"/{conversation['id']}").get_json()["data"]["version"] == 1


@pytest.mark.parametrize(
    "path",
    ["/nope", "/modules/messaging", "/modules/messaging/conversations/conv_x/archive/more",
     "/modules//messaging/conversations", "/docs//assets/swagger-ui.css",
     "/modules/messaging/conversations/"],
)  # fmt: skip
def test_unknown_route_is_a_json_404(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert error_code(response) == "not_found"
    assert response.headers["X-Request-Id"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/modules/messaging/conversations", {"GET", "POST"}),
        ("DELETE", "/modules/messaging/conversations", {"GET", "POST"}),
        ("POST", "/modules/messaging/conversations" + MISSING, {"GET", "PATCH", "DELETE"}),
        ("GET", "/modules/messaging/conversations/conv_x/archive", {"POST"}),
        ("POST", "/healthz", {"GET"}),
    ],
)
def test_wrong_method_is_a_json_405_with_allow(
    client: Any, method: str, path: str, allowed: set[str]
) -> None:
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert error_code(response) == "method_not_allowed"
    listed = {part.strip() for part in response.headers["Allow"].split(",")}
    assert allowed <= listed
    assert listed <= allowed | {"HEAD", "OPTIONS"}
    assert response.headers["X-Request-Id"]


def test_409_invalid_transition_names_the_current_status(api: Api) -> None:
    conversation = api.create()
    assert api.post(f"/{conversation['id']}/archive").status_code == 200
    response = api.post(f"/{conversation['id']}/close")
    assert response.status_code == 409
    assert error_code(response) == "invalid_transition"
    assert _details(response) == {"status": "archived"}


@pytest.fixture
def small_body_api(settings: dict[str, Any]) -> Api:
    settings["max_body_bytes"] = 100
    app = create_app(settings)
    return Api(app, app.test_client())


def test_body_over_max_body_bytes_is_413(small_body_api: Api) -> None:
    api = small_body_api
    response = api.post(json={"title": "x" * 200})
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert api.get().get_json()["data"] == []


def test_a_streamed_body_over_max_body_bytes_is_413(small_body_api: Api) -> None:
    """A chunked body has no Content-Length; gunicorn marks its stream as terminated."""
    api = small_body_api
    body = b'{"title": "' + b"x" * 200 + b'"}'
    response = api.post(
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert api.get().get_json()["data"] == []


@pytest.mark.parametrize(("method", "path"), [("GET", ""), ("GET", "/{id}"), ("DELETE", "/{id}")])
def test_a_body_over_max_body_bytes_is_413_where_no_body_is_read(
    small_body_api: Api, method: str, path: str
) -> None:
    api = small_body_api
    conversation = api.create()
    balance = api.balance()
    response = api.request(method, path.format(id=conversation["id"]), data=b"x" * 101)
    assert response.status_code == 413
    assert error_code(response) == "payload_too_large"
    assert api.balance() < balance  # refused after the token step, like every 413
    assert api.get(f"/{conversation['id']}").status_code == 200


def test_body_at_max_body_bytes_is_accepted(small_body_api: Api) -> None:
    body = b'{"title": "' + b"x" * 87 + b'"}'
    assert len(body) == 100
    response = small_body_api.post(data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"]
)
def test_non_json_content_type_with_a_body_is_415(api: Api, content_type: str) -> None:
    response = api.post(data=b'{"title": "x"}', headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert error_code(response) == "unsupported_media_type"


def test_empty_body_needs_no_content_type(api: Api) -> None:
    response = api.post(data=b"", headers={"Content-Type": "text/plain"})
    assert response.status_code == 201


def test_422_validation_error_lists_messages_per_field(api: Api) -> None:
    response = api.post(json={"title": 5, "type": "crowd", "extra": True})
    assert response.status_code == 422
    assert error_code(response) == "validation_error"
    details = _details(response)
    assert set(details) == {"title", "type", "extra"}
    assert all(
        isinstance(m, list) and m and all(isinstance(s, str) for s in m) for m in details.values()
    )
    assert details["extra"] == ["Unknown field."]


def test_422_invalid_cursor(api: Api) -> None:
    response = api.get(query_string={"cursor": "garbage"})
    assert response.status_code == 422
    assert error_code(response) == "invalid_cursor"


def test_429_per_key_has_retry_after(settings: dict[str, Any]) -> None:
    settings["rate_limit"] = "3 per minute"
    app = create_app(settings)
    api = Api(app, app.test_client())
    for _ in range(3):
        response = api.get()
        assert response.status_code == 200
    assert response.headers["X-RateLimit-Limit"] == "3"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    response = api.get()
    assert response.status_code == 429
    assert error_code(response) == "rate_limited"
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["X-Request-Id"]


def test_429_after_too_many_failed_authentications(settings: dict[str, Any]) -> None:
    settings["auth_failure_rate_limit"] = "2 per minute"
    app = create_app(settings)
    api = Api(app, app.test_client())
    bogus = "sk_live_" + "A" * 40
    assert [api.get(key=bogus).status_code for _ in range(2)] == [401, 401]
    for key in (bogus, "sk_live_" + "B" * 40, "not a secret"):
        response = api.get(key=key)
        assert response.status_code == 429
        assert error_code(response) == "rate_limited"
        assert int(response.headers["Retry-After"]) >= 1
    # A valid key keeps working from that address (docs/errors.md): one client's mistakes
    # behind a shared address never lock the others out.
    assert api.get().status_code == 200


def _explode(original: Any) -> Any:
    def wrapper(self: ConversationStore, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)
        raise RuntimeError("kaboom: secret internals")

    return wrapper


@pytest.mark.parametrize(
    ("method", "suffix", "store_method"),
    [("GET", "/{id}", "get"), ("POST", "", "create"), ("POST", "/{id}/close", "transition")],
)
def test_500_is_an_envelope_without_traceback_and_refunds(
    api: Api, monkeypatch: pytest.MonkeyPatch, method: str, suffix: str, store_method: str
) -> None:
    conversation = api.create()
    before = api.balance()
    monkeypatch.setattr(
        ConversationStore, store_method, _explode(getattr(ConversationStore, store_method))
    )
    response = api.request(method, suffix.format(id=conversation["id"]), json={})
    assert response.status_code == 500
    assert error_code(response) == "internal_error"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "kaboom" not in text and "RuntimeError" not in text
    assert response.headers["X-Tokens-Remaining"] == str(before)
    assert api.balance() == before


@pytest.fixture
def unreachable_app(settings: dict[str, Any]) -> Flask:
    settings["redis_url"] = f"redis://127.0.0.1:{free_port()}/0"
    return create_app(settings)


@pytest.mark.parametrize(("method", "path"), [("GET", ""), ("POST", ""), ("GET", MISSING)])
def test_503_when_redis_is_unreachable(unreachable_app: Flask, method: str, path: str) -> None:
    response = unreachable_app.test_client().open(
        "/modules/messaging/conversations" + path,
        method=method,
        headers={"Authorization": "Bearer sk_live_" + "B" * 40},
        json={},
    )
    assert response.status_code == 503
    assert error_code(response) == "service_unavailable"
    assert int(response.headers["Retry-After"]) >= 1
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer malformed", "Basic dXNlcg=="],
    ids=["none", "malformed", "basic"],
)
def test_503_when_redis_is_unreachable_for_a_request_without_a_usable_key(
    unreachable_app: Flask, authorization: str | None
) -> None:
    """The failed-login limiter's own calls report the outage too (no raw Redis error)."""
    headers = {"Authorization": authorization} if authorization else {}
    response = unreachable_app.test_client().get(
        "/modules/messaging/conversations", headers=headers
    )
    assert response.status_code == 503
    assert error_code(response) == "service_unavailable"
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("strategy", ["moving-window", "sliding-window-counter"])
def test_503_when_redis_is_unreachable_under_every_strategy(
    settings: dict[str, Any], strategy: str
) -> None:
    settings.update(redis_url=f"redis://127.0.0.1:{free_port()}/0", rate_limit_strategy=strategy)
    response = (
        create_app(settings)
        .test_client()
        .get(
            "/modules/messaging/conversations",
            headers={"Authorization": "Bearer sk_live_" + "B" * 40},
        )
    )
    assert response.status_code == 503
    assert error_code(response) == "service_unavailable"


def test_readyz_is_503_when_redis_is_unreachable(unreachable_app: Flask) -> None:
    response = unreachable_app.test_client().get("/readyz")
    assert response.status_code == 503
    assert error_code(response) == "service_unavailable"
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize("given", ["abc", "A.b-c_9", "x" * 128, "0"])
def test_valid_client_request_id_is_echoed(api: Api, given: str) -> None:
    for response in (
        api.get(headers={"X-Request-Id": given}),
        api.get(MISSING, headers={"X-Request-Id": given}),
    ):
        assert response.headers["X-Request-Id"] == given
    assert (
        api.get(MISSING, headers={"X-Request-Id": given}).get_json()["error"]["request_id"] == given
    )


@pytest.mark.parametrize("given", ["", "x" * 129, "has space", "semi;colon", "ünï", "a/b"])
def test_invalid_client_request_id_is_replaced(api: Api, given: str) -> None:
    response = api.get(MISSING, headers={"X-Request-Id": given})
    generated = response.headers["X-Request-Id"]
    assert GENERATED_ID.match(generated)
    assert response.get_json()["error"]["request_id"] == generated


def test_generated_request_ids_differ(client: Any) -> None:
    first, second = client.get("/healthz"), client.get("/healthz")
    assert GENERATED_ID.match(first.headers["X-Request-Id"])
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


@pytest.mark.parametrize(("method", "path"), [("GET", "/healthz"), ("DELETE", "/nowhere")])
def test_request_id_on_unauthenticated_routes(client: Any, method: str, path: str) -> None:
    response = client.open(path, method=method, headers={"X-Request-Id": "trace-1"})
    assert response.headers["X-Request-Id"] == "trace-1"


def _sweep_api(settings: dict[str, Any]) -> Api:
    settings.update(max_body_bytes=200, rate_limit="3 per minute")
    app = create_app(settings)
    return Api(app, app.test_client())


SWEEP: dict[int, Any] = {
    400: lambda api: api.post(data=b"[]", content_type="application/json"),
    401: lambda api: api.get(key=""),
    402: lambda api: api.get(key=api.key("broke", tokens=0)),
    403: lambda api: api.delete(MISSING, key=api.key("acme", ["messaging:read"])),
    404: lambda api: api.get(MISSING),
    405: lambda api: api.client.put(api.base),
    409: lambda api: api.post(f"/{_archived(api)}/close"),
    413: lambda api: api.post(json={"title": "z" * 300}),
    415: lambda api: api.post(data=b"{}", content_type="text/plain"),
    422: lambda api: api.get(query_string={"limit": "0"}),
    429: lambda api: [api.get(key=api.secret) for _ in range(4)][-1],
}


def _archived(api: Api) -> str:
    conversation_id: str = api.create()["id"]
    api.post(f"/{conversation_id}/archive")
    return conversation_id


@pytest.mark.parametrize("status", list(SWEEP))
@pytest.mark.parametrize("given", [None, "client-trace.1"])
def test_every_error_carries_the_request_id(
    settings: dict[str, Any], status: int, given: str | None
) -> None:
    api = _sweep_api(settings)
    if given:
        api.client.environ_base["HTTP_X_REQUEST_ID"] = given
    response = SWEEP[status](api)
    assert response.status_code == status
    request_id = response.headers["X-Request-Id"]
    assert request_id == given if given else GENERATED_ID.match(request_id)
    assert response.get_json()["error"]["request_id"] == request_id


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        (werkzeug_exceptions.RequestedRangeNotSatisfiable, 416, "requested_range_not_satisfiable"),
        (werkzeug_exceptions.TooManyRequests, 429, "rate_limited"),
        (werkzeug_exceptions.Conflict, 409, "conflict"),
    ],
)
def test_an_unlisted_werkzeug_4xx_keeps_its_status_and_is_not_refunded(
    api: Api,
    monkeypatch: pytest.MonkeyPatch,
    raised: type[werkzeug_exceptions.HTTPException],
    status: int,
    code: str,
) -> None:
    conversation = api.create()
    before = api.balance()

    original = ConversationStore.get

    def refuse(*args: Any, **kwargs: Any) -> Any:
        original(*args, **kwargs)  # charged, then werkzeug raises
        raise raised()

    monkeypatch.setattr(ConversationStore, "get", refuse)
    response = api.get(f"/{conversation['id']}")
    assert response.status_code == status
    assert error_code(response) == code
    # A 4xx is not a failure of the service: the charge stands, as for any other 4xx.
    assert api.balance() == before - 1
