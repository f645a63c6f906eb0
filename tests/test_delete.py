"""DELETE removes a conversation and every index entry (docs/conversations.md)."""

from __future__ import annotations

import pytest

from tests.support.api import Api, error_code

FILTERS = [
    {},
    {"type": "direct"},
    {"status": "open"},
    {"status": "closed"},
    {"status": "archived"},
    {"type": "direct", "status": "open"},
    {"type": "direct", "status": "closed"},
    {"type": "direct", "status": "archived"},
]


def _listed(api: Api, query: dict[str, str]) -> list[str]:
    response = api.get(query_string={**query, "limit": "100"})
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()["data"]]


def test_delete_response_shape(api: Api) -> None:
    conversation = api.create()
    response = api.delete(f"/{conversation['id']}")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "data": {"id": conversation["id"], "object": "conversation", "deleted": True},
    }


@pytest.mark.parametrize("actions", [[], ["close"], ["archive"], ["close", "reopen"]])
def test_a_deleted_conversation_is_gone_everywhere(api: Api, actions: list[str]) -> None:
    kept = api.create(type="direct")
    doomed = api.create(type="direct", title="doomed")
    for action in actions:
        assert api.post(f"/{doomed['id']}/{action}").status_code == 200
        api.post(f"/{kept['id']}/{action}")
    assert api.delete(f"/{doomed['id']}").status_code == 200

    for method in ("GET", "DELETE", "PATCH"):
        response = api.request(method, f"/{doomed['id']}", json={"title": "x"})
        assert response.status_code == 404
        assert error_code(response) == "not_found"
    for action in ("archive", "close", "reopen"):
        assert api.post(f"/{doomed['id']}/{action}").status_code == 404
    for query in FILTERS:
        assert doomed["id"] not in _listed(api, query)
    assert kept["id"] in _listed(api, {"type": "direct"})


def test_deleting_one_leaves_the_others(api: Api) -> None:
    first, second, third = (api.create(title=str(n)) for n in range(3))
    assert api.delete(f"/{second['id']}").status_code == 200
    assert _listed(api, {}) == [third["id"], first["id"]]
    assert api.get(f"/{first['id']}").get_json()["data"] == first


def test_a_deleted_id_is_never_reused(api: Api) -> None:
    doomed = api.create()
    api.delete(f"/{doomed['id']}")
    assert all(api.create()["id"] != doomed["id"] for _ in range(5))
