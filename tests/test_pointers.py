"""Where a newcomer is pointed when they go the wrong way, over HTTP on every store:
the bare root says where the reference is, a PATCH of `status` names the lifecycle
routes, and an `http://` webhook URL names the flag that allows it (docs/walkthrough.md).
"""

from __future__ import annotations

from typing import Any

from app import create_app
from tests.support.api import Api, error_code

HOOKS = "/modules/messaging/webhook_endpoints"


def test_the_root_says_where_the_reference_is(api: Api) -> None:
    response = api.client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["data"]["object"] == "service"
    for name, path in (("docs", "/docs"), ("openapi", "/openapi.json")):
        assert body["data"][name] == path
        assert api.client.get(path).status_code == 200, path
    assert "/docs" in body["data"]["message"]


def test_the_root_needs_no_key_and_costs_nothing(api: Api) -> None:
    balance = api.balance()
    response = api.client.get("/", headers={"Authorization": "Bearer sk_live_nonsense"})
    assert response.status_code == 200
    assert api.balance() == balance


def test_a_patch_of_the_status_names_the_lifecycle_routes(api: Api) -> None:
    conversation = api.create()
    response = api.patch(f"/{conversation['id']}", json={"status": "closed"})
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    (message,) = response.get_json()["error"]["details"]["status"]
    assert message.startswith("Unknown field. ")
    for route in ("/close", "/reopen", "/archive"):
        assert route in message
    assert api.get(f"/{conversation['id']}").get_json()["data"] == conversation


def test_a_patch_of_the_type_says_it_is_fixed(api: Api) -> None:
    conversation = api.create()
    response = api.patch(f"/{conversation['id']}", json={"type": "direct", "title": "T"})
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    details = response.get_json()["error"]["details"]
    assert details == {
        "type": ["Unknown field. A conversation's type is fixed when it is created."]
    }
    assert api.get(f"/{conversation['id']}").get_json()["data"] == conversation


def _create_hook(api: Api, url: str) -> Any:
    return api.client.post(
        HOOKS, json={"url": url}, headers={"Authorization": f"Bearer {api.secret}"}
    )


def test_an_http_webhook_url_names_the_flag_that_allows_it(api: Api) -> None:
    response = _create_hook(api, "http://hooks.example.com/in")
    assert (response.status_code, error_code(response)) == (422, "validation_error")
    (message,) = response.get_json()["error"]["details"]["url"]
    assert "WEBHOOK_ALLOW_PRIVATE_TARGETS=1" in message
    # Another scheme is not told of the flag: it would not help.
    response = _create_hook(api, "ftp://hooks.example.com/in")
    (message,) = response.get_json()["error"]["details"]["url"]
    assert message == "Must be an absolute https:// URL."


def test_with_the_flag_the_same_http_url_is_accepted(settings: dict[str, Any]) -> None:
    settings["webhook_allow_private_targets"] = True
    app = create_app(settings)
    api = Api(app, app.test_client())
    assert _create_hook(api, "http://hooks.example.com/in").status_code == 201
