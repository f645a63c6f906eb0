from __future__ import annotations

from tests.support.api import Api


def test_create_then_get(api: Api) -> None:
    created = api.create(title="Support", metadata={"tier": "gold"})
    assert created["status"] == "open"
    response = api.get("/" + created["id"])
    assert response.status_code == 200
    assert response.get_json()["data"] == created
    assert response.headers["ETag"] == '"1"'
