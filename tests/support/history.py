"""Mixed writers over HTTP, and the check that the events feed and the conversations tell
one history in which every acknowledged write is (docs/events.md)."""

from __future__ import annotations

import dataclasses
import random
import threading
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode

from tests.support.feed import Event, Fetch, walk_events
from tests.support.live import BASE, Reply, call

ACTIONS = ("archive", "close", "reopen")
# How often each kind of write is drawn; HOT keeps few conversations, so writes race more.
MIX = ("create",) * 2 + ("update",) * 3 + ("move",) * 3 + ("delete",)
HOT = ("create",) + ("update",) * 4 + ("move",) * 4 + ("delete",)
EVENT_OF = {
    "create": "conversation.created",
    "update": "conversation.updated",
    "archive": "conversation.archived",
    "close": "conversation.closed",
    "reopen": "conversation.reopened",
    "delete": "conversation.deleted",
}


@dataclasses.dataclass(frozen=True)
class Write:
    """One write sent, with its own X-Request-Id, and what came back (status 0: no answer)."""

    request_id: str
    kind: str  # create, update, archive, close, reopen or delete
    status: int
    data: Any

    @property
    def acknowledged(self) -> bool:
        return 200 <= self.status < 300


class Writers:
    """Threads that create, patch, move and delete one account's conversations over HTTP.

    The conversations are shared by every thread, so writes to one conversation race. Each
    thread stops after `per_thread` writes, or when `stop` is called.
    """

    def __init__(
        self,
        url: str,
        secret: str,
        seed: int = 0,
        mix: tuple[str, ...] = MIX,
        timeout: float = 15.0,
    ) -> None:
        self.url = url
        self.secret = secret
        self.seed = seed
        self.mix = mix
        self.timeout = timeout
        self.writes: list[Write] = []
        self.conversations: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self, threads: int, per_thread: int) -> Writers:
        for number in range(threads):
            thread = threading.Thread(target=self._write, args=(number, per_thread))
            thread.start()
            self._threads.append(thread)
        return self

    def join(self) -> list[Write]:
        for thread in self._threads:
            thread.join(timeout=120)
            assert not thread.is_alive(), "a writer thread hung"
        return self.writes

    def stop(self) -> list[Write]:
        self._stop.set()
        return self.join()

    def answered(self, status: int) -> int:
        """How many writes got `status` so far."""
        with self._lock:
            return sum(1 for write in self.writes if write.status == status)

    def last_status(self) -> int:
        with self._lock:
            return self.writes[-1].status if self.writes else 0

    def _write(self, number: int, per_thread: int) -> None:
        rng = random.Random(f"{self.seed}-{number}")
        for n in range(per_thread):
            if self._stop.is_set():
                return
            request_id = f"w{self.seed}-{number}-{n}"
            with self._lock:
                pool = list(self.conversations)
            kind = rng.choice(self.mix) if pool else "create"
            target = rng.choice(pool) if pool else ""
            if kind == "move":
                kind = rng.choice(ACTIONS)
            reply = self._send(request_id, kind, target, rng)
            data = reply.body.get("data") if isinstance(reply.body, dict) else None
            with self._lock:
                self.writes.append(Write(request_id, kind, reply.status, data))
                if kind == "create" and reply.status == 201:
                    self.conversations.append(data["id"])
                elif kind == "delete" and reply.status == 200:
                    self.conversations.remove(target)

    def _send(self, request_id: str, kind: str, target: str, rng: random.Random) -> Reply:
        headers = {"X-Request-Id": request_id}
        path, method, body = f"{BASE}/{target}", "POST", None
        if kind == "create":
            path, body = BASE, {"title": request_id}
        elif kind == "update":
            method, body = "PATCH", {"title": request_id, "metadata": {"n": rng.randrange(3)}}
        elif kind == "delete":
            method = "DELETE"
        else:
            path = f"{path}/{kind}"
        try:
            return call(self.url, method, path, self.secret, body, headers, self.timeout)
        except OSError:
            return Reply(0, {}, None)  # no answer: the write may or may not have run


def fetch_live(url: str, secret: str) -> Fetch:
    """A Fetch over real HTTP with `secret`."""

    def fetch(path: str) -> Any:
        reply = call(url, "GET", path, secret, timeout=30)
        assert reply.status == 200, reply
        return reply.body

    return fetch


def walk_conversations(fetch: Fetch) -> list[dict[str, Any]]:
    """Every conversation of the account, by the list endpoint, page by page."""
    conversations: list[dict[str, Any]] = []
    cursor = ""
    while True:
        body = fetch(f"{BASE}?{urlencode({'limit': 100})}{cursor}")
        conversations += body["data"]
        if not body["has_more"]:
            return conversations
        cursor = f"&cursor={quote(body['next_cursor'])}"


def check_history(
    fetch: Fetch, writes: list[Write], exists: Callable[[str], bool] | None = None
) -> list[Event]:
    """Assert that the feed and the conversations tell one history, every acknowledged
    write in it and nothing else; return the feed, oldest first.

    - no event twice, by event id and by (conversation, version);
    - each conversation's events start with its creation and go up one version at a time,
      in order: no change is missing its event;
    - a conversation that is there matches its latest event exactly; one that is gone
      ends with one `deleted` event (`exists` confirms it is gone, e.g. by GET);
    - every event names a request that was sent, and one that was acknowledged answered
      what the event holds; every acknowledged write has its own event, or (a no-op)
      answered a state some other change's event holds.
    """
    feed = walk_events(fetch)[::-1]
    current = {conversation["id"]: conversation for conversation in walk_conversations(fetch)}
    assert len({event["id"] for event in feed}) == len(feed), "an event appears twice"

    lives: dict[str, list[Event]] = defaultdict(list)
    for event in feed:
        lives[event["conversation_id"]].append(event)
    states: dict[tuple[str, int], Any] = {}
    for conversation, events in lives.items():
        changes = [e for e in events if e["type"] != "conversation.deleted"]
        versions = [e["data"]["object"]["version"] for e in changes]
        assert versions == list(range(1, len(changes) + 1)), (conversation, versions)
        assert [e["type"] for e in events].count("conversation.created") == 1
        assert events[0]["type"] == "conversation.created", events[0]
        states.update({(conversation, e["data"]["object"]["version"]): e for e in changes})
        last = events[-1]
        if conversation in current:
            assert len(events) == len(changes), (conversation, "deleted, yet there")
            assert last["data"]["object"] == current.pop(conversation)
        else:
            assert len(events) == len(changes) + 1, (conversation, "no deleted event")
            assert last["type"] == "conversation.deleted", last
            assert last["data"]["object"] == changes[-1]["data"]["object"]
            assert exists is None or not exists(conversation)
    assert current == {}, f"conversations without events: {sorted(current)}"

    sent = {write.request_id: write for write in writes}
    by_request: dict[str, Event] = {}
    for event in feed:
        request_id = event["request"]["id"]
        assert request_id in sent, f"an event no request asked for: {event}"
        assert request_id not in by_request, f"one request, two events: {request_id}"
        by_request[request_id] = event
        write = sent[request_id]
        assert event["type"] == EVENT_OF[write.kind], (event["type"], write)
        if write.acknowledged and write.kind == "delete":
            assert event["conversation_id"] == write.data["id"]
        elif write.acknowledged:
            assert event["data"]["object"] == write.data
    for write in writes:
        if not write.acknowledged:
            continue
        if write.kind in ("create", "delete"):
            assert write.request_id in by_request, f"an acknowledged write lost: {write}"
        elif write.request_id not in by_request:  # a no-op, or a move to the same status
            state = states.get((write.data["id"], write.data["version"]))
            assert state is not None and state["data"]["object"] == write.data, write
    return feed
