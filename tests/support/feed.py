"""Reading the events feed (docs/events.md) whole, page by page, as a client would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from app.vocabulary import EVENTS_PATH
from tests.support.api import Api

Event = dict[str, Any]
# GET a path (with its query) and answer the decoded body; the caller asserts the status.
Fetch = Callable[[str], Any]


def walk_events(fetch: Fetch, limit: int = 100, **filters: str) -> list[Event]:
    """Every event of the feed under `filters`, newest first, following next_cursor."""
    query = urlencode({"limit": limit, **filters})
    events: list[Event] = []
    cursor = ""
    while True:
        body = fetch(f"{EVENTS_PATH}?{query}{cursor}")
        events += body["data"]
        if not body["has_more"]:
            assert body["next_cursor"] is None, body
            return events
        cursor = f"&cursor={quote(body['next_cursor'])}"


def fetch_with(api: Api, secret: str | None = None) -> Fetch:
    """A Fetch through the app's test client, with the api's key (or `secret`)."""
    headers = {"Authorization": f"Bearer {secret or api.secret}"}

    def fetch(path: str) -> Any:
        response = api.client.get(path, headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return fetch


def api_events(api: Api, limit: int = 100, **filters: str) -> list[Event]:
    """The whole feed of the api's account, read through its test client."""
    return walk_events(fetch_with(api), limit, **filters)
