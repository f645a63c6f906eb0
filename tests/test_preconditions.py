"""ETag, If-Match and If-None-Match (docs/conversations.md)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api, error_code

WRITES = [
    ("PATCH", "", {"title": "changed"}),
    ("DELETE", "", None),
    ("POST", "/archive", None),
    ("POST", "/close", None),
    ("POST", "/reopen", None),
]


def _advance(api: Api, conversation_id: str) -> None:
    """Move the conversation to version 2 and leave it closed (so reopen is a real move)."""
    assert api.post(f"/{conversation_id}/close").headers["ETag"] == '"2"'


@pytest.mark.parametrize(("method", "suffix", "body"), WRITES)
@pytest.mark.parametrize("header", ['"1"', 'W/"2"', '"02"', "garbage", '"1", "3"'])
def test_a_mismatch_is_412_and_changes_nothing(
    api: Api, method: str, suffix: str, body: Any, header: str
) -> None:
    conversation = api.create(title="before")
    _advance(api, conversation["id"])
    before = api.get(f"/{conversation['id']}").get_json()["data"]
    balance = api.balance()

    response = api.request(
        method, f"/{conversation['id']}{suffix}", json=body, headers={"If-Match": header}
    )
    assert response.status_code == 412
    assert error_code(response) == "precondition_failed"
    assert response.get_json()["error"]["details"] == {"etag": '"2"'}
    assert api.get(f"/{conversation['id']}").get_json()["data"] == before
    assert (
        api.balance()
        == balance - api.services.config.token_costs["admin" if method == "DELETE" else "write"] - 1
    )  # the failed request is charged; the GET above costs 1


@pytest.mark.parametrize(("method", "suffix", "body"), WRITES)
@pytest.mark.parametrize("header", ['"2"', '"7", "2"', "*", ' "2" '])
def test_a_match_lets_the_write_through(
    api: Api, method: str, suffix: str, body: Any, header: str
) -> None:
    conversation = api.create()
    _advance(api, conversation["id"])
    response = api.request(
        method, f"/{conversation['id']}{suffix}", json=body, headers={"If-Match": header}
    )
    assert response.status_code == 200, response.get_json()


def test_if_match_on_a_missing_conversation_is_404(api: Api) -> None:
    response = api.patch("/conv_00000000000000000000000000", json={}, headers={"If-Match": "*"})
    assert response.status_code == 404


def test_etags_follow_the_version(api: Api) -> None:
    created = api.post(json={})
    assert created.headers["ETag"] == '"1"'
    path = f"/{created.get_json()['data']['id']}"
    assert api.patch(path, json={"title": "t"}).headers["ETag"] == '"2"'
    assert api.patch(path, json={"title": "t"}).headers["ETag"] == '"2"'  # no change
    assert api.post(path + "/archive").headers["ETag"] == '"3"'
    assert api.get(path).headers["ETag"] == '"3"'


@pytest.mark.parametrize("header", ['"1"', 'W/"1"', '"9", W/"1"', "*"])
def test_if_none_match_that_matches_is_304(api: Api, header: str) -> None:
    conversation = api.create()
    response = api.get(f"/{conversation['id']}", headers={"If-None-Match": header})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == '"1"'
    assert "X-Tokens-Remaining" in response.headers


@pytest.mark.parametrize("header", ['"2"', 'W/"2"', "garbage"])
def test_if_none_match_that_differs_is_200(api: Api, header: str) -> None:
    conversation = api.create()
    response = api.get(f"/{conversation['id']}", headers={"If-None-Match": header})
    assert response.status_code == 200
    assert response.get_json()["data"]["id"] == conversation["id"]
