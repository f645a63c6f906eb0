"""Count the Redis round trips this process makes: one per write redis-py puts on a socket.

Shared by `python -m bench profile` and the tests that hold the request path to two.

redis-py sends a single command, or a whole pipeline (MULTI or not), with one call of
`send_packed_command` and then waits for the replies: each call is one round trip. The
counter wraps that method on the connection class, so it sees every client of the process
(the service's store, the rate limiter's storage (`limits`), health-check PINGs, reconnections) and
nothing a Lua script runs inside Redis. It holds for the synchronous, non-cluster clients
the bench uses.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from importlib import resources
from types import TracebackType
from typing import Any

import redis
from redis.connection import AbstractConnection

Packed = bytes | bytearray | memoryview | str | Iterable[bytes | bytearray | memoryview]


def _lua_sources(package: str, folder: str) -> dict[str, str]:
    try:
        where = resources.files(package).joinpath(folder)
    except ModuleNotFoundError:
        return {}
    if not where.is_dir():
        return {}
    return {
        entry.name.removesuffix(".lua"): entry.read_text(encoding="utf-8")
        for entry in where.iterdir()
        if entry.name.endswith(".lua")
    }


def _script_names() -> dict[str, str]:
    """SHA1 → name of the service's scripts (app/store/lua/) and of the limits library's.

    Only labels the output: a script built another way shows as the head of its SHA1.
    """
    from app.store.scripts import ALL_SCRIPT_NAMES, full_source

    names: dict[str, str] = {}
    for name in ALL_SCRIPT_NAMES:  # as app/store/scripts.py builds them
        names[hashlib.sha1(full_source(name).encode()).hexdigest()] = name
    for name, source in _lua_sources("limits", "resources/redis/lua_scripts").items():
        names[hashlib.sha1(source.encode()).hexdigest()] = f"limits {name}"
    return names


def _flatten(packed: Packed) -> bytes:
    if isinstance(packed, str):
        return packed.encode()
    if isinstance(packed, bytes | bytearray | memoryview):
        return bytes(packed)
    return b"".join(bytes(part) for part in packed)


def commands(packed: Packed) -> list[list[bytes]]:
    """The commands (each a list of arguments) in a packed RESP buffer."""
    data = _flatten(packed)
    found: list[list[bytes]] = []
    pos = 0
    while pos < len(data):
        end = data.index(b"\r\n", pos)
        count = int(data[pos + 1 : end])  # "*<count>"
        pos = end + 2
        arguments = []
        for _ in range(count):
            end = data.index(b"\r\n", pos)
            length = int(data[pos + 1 : end])  # "$<length>"
            arguments.append(data[end + 2 : end + 2 + length])
            pos = end + 2 + length + 2
        found.append(arguments)
    return found


def compact(labels: list[str]) -> list[str]:
    """Fold a run of the same command (a pipeline of 25 HGETALL) into `25 × HGETALL …`."""
    folded: list[str] = []
    for verb, run in itertools.groupby(labels, key=lambda label: label.split(" ", 1)[0]):
        items = list(run)
        folded += items if len(items) < 3 else [f"{len(items)} × {verb} ({items[0]}, …)"]
    return folded


class RoundTrips:
    """While active, record every round trip of this process as the commands it carried."""

    def __init__(self) -> None:
        self.trips: list[list[str]] = []
        self.scripts = _script_names()
        self._original: Any = None

    def label(self, arguments: list[bytes]) -> str:
        """`EVALSHA <script name>`, or the command and its first argument, shortened."""
        name = arguments[0].decode(errors="replace").upper()
        if name == "EVALSHA" and len(arguments) > 1:
            sha = arguments[1].decode(errors="replace")
            return f"EVALSHA {self.scripts.get(sha, sha[:12])}"
        if len(arguments) > 1:
            return f"{name} {arguments[1].decode(errors='replace')[:48]}"
        return name

    def __enter__(self) -> RoundTrips:
        original: Any = AbstractConnection.send_packed_command
        trips = self.trips
        label = self.label

        def counted(connection: Any, command: Packed, check_health: bool = True) -> None:
            # A health check sends its PING through this method too, before the command:
            # recording after the send keeps the order the server saw.
            original(connection, command, check_health)
            trips.append(compact([label(arguments) for arguments in commands(command)]))

        self._original = original
        AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        AbstractConnection.send_packed_command = self._original  # type: ignore[method-assign]

    def take(self) -> list[list[str]]:
        """The round trips recorded since the last call."""
        taken = list(self.trips)
        self.trips.clear()
        return taken


def calibrate(url: str) -> None:
    """Check the counter on a known sequence: one command, then one pipeline of three."""
    client: Any = redis.Redis.from_url(url)
    try:
        client.ping()  # connected before counting: the handshake is not part of the check
        with RoundTrips() as counter:
            client.set("bench:calibrate", 1)
            pipe = client.pipeline(transaction=False)
            pipe.incr("bench:calibrate").get("bench:calibrate").delete("bench:calibrate")
            pipe.execute()
        seen = counter.take()
    finally:
        client.close()
    expected = [["SET bench:calibrate"], ["INCRBY bench:calibrate", "GET bench:calibrate",
                                          "DEL bench:calibrate"]]  # fmt: skip
    if seen != expected:
        raise RuntimeError(f"bench: the round-trip counter saw {seen}, expected {expected}")
