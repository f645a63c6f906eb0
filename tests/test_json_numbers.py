"""Numbers in metadata come back exactly as sent, or are refused: never silently changed."""

from __future__ import annotations

import json

import pytest

from tests.support.api import Api, error_code

JSON = {"Content-Type": "application/json"}
EXACT = [
    "18446744073709551616",
    "-123456789012345678901234567890",
    "1.7976931348623157e308",
    "5e-324",
    "-0.0",
    "0.1",
]


@pytest.mark.parametrize("number", EXACT)
def test_numbers_round_trip_exactly(api: Api, number: str) -> None:
    created = api.post(data='{"metadata": {"n": ' + number + "}}", headers=JSON)
    assert created.status_code == 201
    path = f"/{created.get_json()['data']['id']}"
    patched = api.patch(path, data='{"metadata": {"m": ' + number + "}}", headers=JSON)
    assert patched.status_code == 200
    expected = created.get_json()["data"]["metadata"]["n"]
    assert expected == json.loads(number)
    for response in (api.get(path), api.get("?limit=1")):
        body = response.get_json()["data"]
        metadata = (body[0] if isinstance(body, list) else body)["metadata"]
        assert metadata == {"n": expected, "m": expected}
        assert type(metadata["n"]) is type(expected)


@pytest.mark.parametrize("number", ["1e400", "-1e400", "NaN", "Infinity", "-Infinity"])
def test_numbers_a_double_cannot_hold_are_invalid_json(api: Api, number: str) -> None:
    response = api.post(data='{"metadata": {"n": ' + number + "}}", headers=JSON)
    assert response.status_code == 400
    assert error_code(response) == "invalid_json"
    assert api.get().get_json()["data"] == []
