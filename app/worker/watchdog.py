"""A deadline for a whole HTTP attempt, not for each socket operation.

urllib3's timeouts bound each connect and each read; a receiver that sends its answer a
byte at a time stays within them for as long as it likes. Here every socket an attempt
uses (a new connection's, or a pooled connection's on reuse) is registered with the
attempt's `Watch`, and a timer shuts them all down when the deadline passes: the blocked
read returns at once and the attempt fails as a timeout. The pools below make connections
that register themselves.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.connection import HTTPConnection, HTTPSConnection


class Watch:
    """The sockets of one attempt, shut down together when its time is up."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.expired = False

    def add(self, sock: Any) -> None:
        # A duplicate of the descriptor: shutting it down ends the connection, and it is
        # ours to close, so a descriptor number reused after urllib3 closes its own is safe.
        dup = socket.fromfd(sock.fileno(), sock.family, sock.type)
        with self.lock:
            self.sockets.append(dup)
            if self.expired:
                _shutdown(dup)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            for sock in self.sockets:
                _shutdown(sock)

    def close(self) -> None:
        with self.lock:
            for sock in self.sockets:
                sock.close()
            self.sockets.clear()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


_current = threading.local()


def _watch(sock: Any) -> None:
    watch: Watch | None = getattr(_current, "watch", None)
    if watch is not None and sock is not None:
        watch.add(sock)


class WatchedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)  # a reused connection: no _new_conn this time
        super().request(*args, **kwargs)


class WatchedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        _watch(self.sock)
        super().request(*args, **kwargs)


class HTTPPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


@contextmanager
def deadline(seconds: float) -> Iterator[Watch]:
    """Shut down every socket the calling thread's attempt uses once `seconds` have passed."""
    watch = Watch()
    timer = threading.Timer(seconds, watch.expire)
    timer.daemon = True
    _current.watch = watch
    timer.start()
    try:
        yield watch
    finally:
        timer.cancel()
        _current.watch = None
        watch.close()
