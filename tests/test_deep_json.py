"""JSON nested far deeper than metadata may be: a clear 4xx, never a 500."""

from __future__ import annotations

import pytest

from tests.support.api import Api, error_code

JSON = {"Content-Type": "application/json"}


def nested(depth: int, array: bool) -> str:
    """An object holding `depth` more levels of arrays or of objects."""
    inner = "[" * depth + "]" * depth if array else '{"a":' * depth + "{}" + "}" * depth
    return '{"a":' + inner + "}"


@pytest.mark.parametrize("array", [False, True])
@pytest.mark.parametrize("depth", [9, 300, 990])
def test_metadata_nested_too_deep_is_a_validation_error(api: Api, depth: int, array: bool) -> None:
    conversation = api.create()
    body = '{"metadata":' + nested(depth, array) + "}"
    for response in (
        api.post(data=body, headers={**JSON, "Idempotency-Key": f"deep-{depth}-{array}"}),
        api.patch(f"/{conversation['id']}", data=body, headers=JSON),
    ):
        assert response.status_code == 422
        assert error_code(response) == "validation_error"
        assert response.get_json()["error"]["details"] == {
            "metadata": ["Nested deeper than 8 levels."]
        }
    assert api.get(f"/{conversation['id']}").get_json()["data"]["version"] == 1


def test_json_nested_past_the_parsers_limit_is_invalid_json(api: Api) -> None:
    response = api.post(data='{"metadata":' + nested(5000, False) + "}", headers=JSON)
    assert response.status_code == 400
    assert error_code(response) == "invalid_json"
    assert "nests deeper than this service parses" in response.get_json()["error"]["message"]
