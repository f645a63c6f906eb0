"""One Redis subscriber per process for every live stream it serves (docs/stream.md).

Every write that appends an event PUBLISHes the account's name on `P:ev:hints` from its
own script (lib_events.lua's `emit_event`). The hub listens on one connection, on a thread (a
greenlet under gunicorn's gevent workers), and counts the hints of each account that has
streams here. A stream waits for its account's count to move, then reads the log after
its own position; the newest entries an account's streams share are read from Redis once
per hint and kept here (a `Tail`), so a thousand streams of one account cost one read per
change, not a thousand. A stream behind the tail's start (resuming into history) reads the
log itself, in pages, until it reaches the tail. The connections a process holds are the
subscriber's and the pool's, whatever the number of streams: every Redis call of a stream
(its reads of the log, its renewals) goes through a semaphore of READERS.

Hints published while the subscriber was not listening reached no one: while it is down,
and once when it subscribes again, every account counts as changed.
"""

from __future__ import annotations

import bisect
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from redis.exceptions import RedisClusterException, RedisError

from app.store.streams import READ_COUNT, Entry, StreamStore, stream_id_key

log = logging.getLogger("saasignal")

# At most this many streams of one process read the log at once (and so hold a connection).
READERS = 4
# The newest entries of an account kept in memory for its streams: enough for the live lag
# (a stream further behind reads Redis), little memory for an account with streams here.
TAIL_KEEP = 256
RESUBSCRIBE_SECONDS = 1.0


class Tail:
    """The newest entries of one account's log, shared by its streams in this process."""

    def __init__(self, hub_lock: threading.Lock) -> None:
        self.lock = threading.Lock()  # one reader of the log at a time
        self.changed = threading.Condition(hub_lock)  # a hint came for the account
        self.base: tuple[int, int] | None = None  # holds every entry after this id...
        self.head = "0-0"  # ...up to this one, the last read
        self.ids: list[tuple[int, int]] = []
        self.entries: list[Entry] = []
        self.seen = -1  # the hint count when it was last read
        self.streams = 0

    def after(self, position: str) -> list[Entry] | None:
        """The kept entries after `position`, or None when it is older than the tail."""
        key = stream_id_key(position)
        if self.base is None or key < self.base:
            return None
        return self.entries[bisect.bisect_right(self.ids, key) :][:READ_COUNT]

    def extend(self, found: list[Entry]) -> None:
        for entry in found:
            self.ids.append(stream_id_key(entry[0]))
            self.entries.append(entry)
        if found:
            self.head = found[-1][0]
        if len(self.entries) > TAIL_KEEP:
            drop = len(self.entries) - TAIL_KEEP
            self.base = self.ids[drop - 1]
            del self.ids[:drop], self.entries[:drop]


class StreamHub:
    """The process's subscriber, its accounts' hint counts and their tails."""

    def __init__(self, client: Any, store: StreamStore, channel: str) -> None:
        self.client = client
        self.store = store
        self.channel = channel
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._tails: dict[str, Tail] = {}
        self._listening = False
        self._epoch = 0  # moves whenever hints may have been lost: every account changed
        self._readers = threading.BoundedSemaphore(READERS)
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="stream-hints", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        self._stopping.set()

    @contextmanager
    def following(self, account: str) -> Iterator[Tail]:
        """Count a stream of `account` as open here while the block runs."""
        self.start()
        with self._lock:
            tail = self._tails.get(account)
            if tail is None:
                tail = self._tails[account] = Tail(self._lock)
            tail.streams += 1
        try:
            yield tail
        finally:
            with self._lock:
                tail.streams -= 1
                if tail.streams == 0:
                    del self._tails[account]
                    self._counts.pop(account, None)

    def turn(self) -> threading.BoundedSemaphore:
        """Hold while a stream talks to Redis (its renewals): at most READERS at once."""
        return self._readers

    def count(self, account: str) -> int:
        """How often the account's log may have changed (only ever grows)."""
        with self._lock:
            return self._counts.get(account, 0) + self._epoch

    def wait(self, tail: Tail, account: str, seen: int, timeout: float) -> None:
        """Return when the account's count moves past `seen`, or after `timeout`."""
        with self._lock:
            if self._listening:
                tail.changed.wait_for(
                    lambda: self._counts.get(account, 0) + self._epoch != seen, timeout
                )
                return
        self._stopping.wait(min(timeout, RESUBSCRIBE_SECONDS))  # no hints: poll
        with self._lock:
            self._epoch += 1

    def next_entries(self, tail: Tail, account: str, position: str) -> list[Entry]:
        """The entries after `position`, oldest first (at most READ_COUNT)."""
        count = self.count(account)
        with tail.lock:
            if tail.seen != count:
                with self._readers:
                    if tail.base is None:
                        tail.head = self.store.last_id(account)
                        tail.base = stream_id_key(tail.head)
                    while True:
                        found = self.store.read_after(account, tail.head, READ_COUNT)
                        tail.extend(found)
                        if len(found) < READ_COUNT:
                            break
                tail.seen = count
            kept = tail.after(position)
        if kept is not None:
            return kept
        with self._readers:  # behind the tail: read the log itself
            return self.store.read_after(account, position, READ_COUNT)

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except (RedisError, RedisClusterException, OSError) as error:
                log.warning("stream hints: Redis failed, listening again: %s", error)
            self._lost_hints(listening=False)
            self._stopping.wait(RESUBSCRIBE_SECONDS)

    def _listen(self) -> None:
        pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        try:
            pubsub.subscribe(self.channel)
            self._lost_hints(listening=True)  # hints sent before this reached no one
            while not self._stopping.is_set():
                message = pubsub.get_message(timeout=1.0)
                if message and message.get("type") == "message":
                    self._hinted(str(message["data"]))
        finally:
            pubsub.close()

    def _lost_hints(self, listening: bool) -> None:
        with self._lock:
            self._listening = listening
            self._epoch += 1
            for tail in self._tails.values():
                tail.changed.notify_all()

    def _hinted(self, account: str) -> None:
        with self._lock:
            tail = self._tails.get(account)
            if tail is not None:
                self._counts[account] = self._counts.get(account, 0) + 1
                tail.changed.notify_all()
