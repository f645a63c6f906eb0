"""A TCP proxy in front of Redis that can lose the reply to one chosen command."""

from __future__ import annotations

import socket
import threading

from harness.servers import free_port


class _Link:
    """One client connection and its upstream; `cut` makes replies vanish."""

    def __init__(self, client: socket.socket, upstream: socket.socket) -> None:
        self.client = client
        self.upstream = upstream
        self.cut = False
        self.reply_lost = threading.Event()


class ReplyDroppingProxy:
    """Forwards everything; once armed with a marker, passes the first request containing it
    to Redis, lets Redis answer, throws the answer away and drops the client's connection.

    Armed with `forward=False` it loses that request itself instead: Redis never sees it.
    """

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.marker: bytes | None = None
        self.forward = True
        self.dropped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def arm(self, marker: bytes, forward: bool = True) -> None:
        self.dropped.clear()
        self.forward = forward
        self.marker = marker

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            link = _Link(client, socket.create_connection(("127.0.0.1", self.upstream_port)))
            threading.Thread(target=self._requests, args=(link,), daemon=True).start()
            threading.Thread(target=self._replies, args=(link,), daemon=True).start()

    def _requests(self, link: _Link) -> None:
        while chunk := _recv(link.client):
            marker = self.marker
            if marker is not None and marker in chunk:
                self.marker = None
                if self.forward:
                    link.cut = True
                    link.upstream.sendall(chunk)
                    link.reply_lost.wait(timeout=10)
                self.dropped.set()  # before the close, which the client may see at once
                link.client.close()
                link.upstream.close()
                return
            link.upstream.sendall(chunk)
        link.upstream.close()

    def _replies(self, link: _Link) -> None:
        while chunk := _recv(link.upstream):
            if link.cut:
                link.reply_lost.set()
                return
            try:
                link.client.sendall(chunk)
            except OSError:
                return
        link.client.close()

    def close(self) -> None:
        self._listener.close()


def _recv(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except OSError:
        return b""
