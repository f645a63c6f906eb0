"""Entity-tag headers parse in linear time on every conditional route (docs/errors.md,
docs/conversations.md).

The one timing assertion of the suite that is not in bench/: a header built to make a
backtracking parser take seconds (over 1.3 s on the old regex, 8,000 spaces between two
characters) must cost no more than an ordinary request. The bound is far from both.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.support.api import Api, error_code

# gunicorn's largest header field is 8190 bytes: each header is about that long.
WORST_HEADERS = {
    "spaces between two characters": "a" + " " * 8000 + "b",
    "a tag then spaces then junk": '"1"' + " " * 8000 + "x",
    "an open quote then spaces": '"' + " " * 8000,
    "tabs then a character": "\t" * 8000 + "x",
    "spaces then a tag then junk": " " * 8000 + '"1"x',
    "empty members": "," * 8000,
    "a long unclosed weak tag": 'W/"' + "x" * 8000,
}
WRITES = [
    ("PATCH", "", {"title": "changed"}),
    ("DELETE", "", None),
    ("POST", "/archive", None),
    ("POST", "/close", None),
    ("POST", "/reopen", None),
]
BOUND_SECONDS = 0.2


@pytest.fixture
def backend() -> None:
    """Parsing is the same on every store: the embedded one is enough."""
    return None


def _fastest(send: Any, tries: int = 3) -> tuple[float, Any]:
    """The shortest of a few runs of `send()` (a busy machine only ever adds time)."""
    best, response = float("inf"), None
    for _ in range(tries):
        started = time.perf_counter()
        response = send()
        best = min(best, time.perf_counter() - started)
    return best, response


@pytest.mark.parametrize(("method", "suffix", "body"), WRITES)
@pytest.mark.parametrize("header", list(WORST_HEADERS.values()), ids=list(WORST_HEADERS))
def test_if_match_parses_in_linear_time(
    api: Api, method: str, suffix: str, body: Any, header: str
) -> None:
    conversation = api.create()
    path = f"/{conversation['id']}{suffix}"
    seconds, response = _fastest(
        lambda: api.request(method, path, json=body, headers={"If-Match": header})
    )
    assert response.status_code == 412  # no strong tag in it matches
    assert error_code(response) == "precondition_failed"
    assert seconds < BOUND_SECONDS, f"{seconds:.3f} s"


@pytest.mark.parametrize("header", list(WORST_HEADERS.values()), ids=list(WORST_HEADERS))
def test_if_none_match_parses_in_linear_time(api: Api, header: str) -> None:
    conversation = api.create()
    seconds, response = _fastest(
        lambda: api.get(f"/{conversation['id']}", headers={"If-None-Match": header})
    )
    assert response.status_code == 200
    assert seconds < BOUND_SECONDS, f"{seconds:.3f} s"


def test_a_zero_balance_key_cannot_stall_a_worker(api: Api) -> None:
    """archive/close/reopen/DELETE read the header before the tokens: still fast, then 402."""
    conversation = api.create()
    broke = api.key("broke", tokens=0)
    header = WORST_HEADERS["spaces between two characters"]
    for method, suffix in [("DELETE", ""), ("POST", "/archive"), ("POST", "/close")]:
        seconds, response = _fastest(
            lambda m=method, s=suffix: api.request(
                m, f"/{conversation['id']}{s}", key=broke, headers={"If-Match": header}
            )
        )
        assert error_code(response) == "insufficient_tokens"
        assert seconds < BOUND_SECONDS, f"{method} {suffix}: {seconds:.3f} s"


@pytest.mark.parametrize(
    ("header", "matches"),
    [
        (" " * 8000 + '"2"', True),
        ('"2"' + " " * 8000, True),
        ('"7",' + " " * 8000 + '"2"', True),
        ('W/"2"' + " " * 8000, False),  # weak: never matches If-Match
        (" " * 8000 + '"2"x', False),
        ('x"2"', False),
    ],
)
def test_a_long_header_still_matches_its_tag(api: Api, header: str, matches: bool) -> None:
    conversation = api.create()
    assert api.post(f"/{conversation['id']}/close").headers["ETag"] == '"2"'
    response = api.post(f"/{conversation['id']}/reopen", headers={"If-Match": header})
    assert response.status_code == (200 if matches else 412)
