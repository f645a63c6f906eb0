"""One delivery attempt: a signed POST of the event, within the timeout, never redirected.

The client is urllib3, used below its PoolManager: each attempt first pins the URL to an
address checked by addresses.py, then sends through a connection pool keyed by that
address, the port and the TLS name, so connections are reused between attempts to the same
receiver while every connection goes to a checked address. SNI and the certificate check
use the URL's host name; Host names it too. Redirects are never followed (a 3xx is a
failed attempt) and urllib3 retries nothing.

`WEBHOOK_TIMEOUT_SECONDS` bounds the whole attempt, not one socket operation (see
watchdog.py), so a receiver that trickles its answer cannot hold a worker longer. The
name's lookup counts too, and is itself bounded by `WEBHOOK_DNS_TIMEOUT_SECONDS`: a name
server that does not answer in time fails the attempt with `dns`.
"""

from __future__ import annotations

import collections
import dataclasses
import email.utils
import threading
import time
from typing import Any

from urllib3 import HTTPConnectionPool, Timeout
from urllib3.exceptions import (
    ConnectTimeoutError,
    NewConnectionError,
    ReadTimeoutError,
    SSLError,
)

from app.webhooks.addresses import (
    BlockedAddress,
    InvalidUrl,
    Resolver,
    Target,
    UnresolvableHost,
    pin,
    system_resolver,
)
from app.webhooks.lookups import bounded_resolver
from app.webhooks.signing import signature_headers
from app.worker.watchdog import HTTPPool, HTTPSPool, deadline

USER_AGENT = "SaaSignal-Webhooks/1.0"
MAX_RESPONSE_BYTES = 64 * 1024
# What an attempt keeps of the receiver's answer (docs/webhooks.md: its attempts' history).
KEPT_RESPONSE_BYTES = 1024
MAX_POOLS = 256
CONNECTIONS_PER_POOL = 4


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one attempt came to: a status code, or an error kind, and how long it took.

    Error kinds: timeout, refused, dns, blocked_address, tls, connection.
    """

    status_code: int | None = None
    error: str | None = None
    retry_after: float | None = None
    duration: float = 0.0
    response_head: bytes | None = None  # the answer's first KEPT_RESPONSE_BYTES; None: none

    @property
    def response_body(self) -> str | None:
        """The kept head of the answer as text, invalid UTF-8 replaced; None without one."""
        if self.response_head is None:
            return None
        return self.response_head.decode("utf-8", errors="replace")

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        """A 410: the receiver says the endpoint is gone for good."""
        return self.error is None and self.status_code == 410

    @property
    def label(self) -> str:
        """The bounded `outcome` label of the metrics."""
        if self.succeeded:
            return "success"
        if self.error is not None:
            return self.error
        return "gone" if self.gone else f"http_{(self.status_code or 0) // 100}xx"


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds a `Retry-After` header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value[:12])
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - now)


PoolKey = tuple[str, str, int, str | None]


class Deliverer:
    """Makes attempts; thread-safe, one per worker process (it holds the connection pools)."""

    def __init__(
        self,
        timeout: float,
        allow_private: bool,
        resolver: Resolver = system_resolver,
        ca_certs: str | None = None,
        dns_timeout: float = 2.0,
    ) -> None:
        self.timeout = timeout
        self.allow_private = allow_private
        # WEBHOOK_DNS_TIMEOUT_SECONDS bounds the lookup; a lookup that runs out fails "dns".
        self.dns_seconds = min(dns_timeout, timeout)
        self.lookup = resolver
        self.resolver = self.resolver_for("")
        self.ca_certs = ca_certs
        self._pools: collections.OrderedDict[PoolKey, HTTPConnectionPool] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def resolver_for(self, account: str) -> Resolver:
        """The bounded lookups of `account`'s URLs (lookups.py: in flight per account)."""
        return bounded_resolver(self.dns_seconds, self.lookup, account)

    def attempt(
        self,
        url: str,
        message_id: str,
        body: bytes,
        secrets: list[str],
        timestamp: int,
        account: str = "",
    ) -> Outcome:
        """POST `body` to `url`, signed with `secrets`, resolving its host among `account`'s
        lookups; never raises for the receiver's faults."""
        started = time.monotonic()
        try:
            target = pin(url, self.allow_private, self.resolver_for(account))
        except (BlockedAddress, InvalidUrl):
            return Outcome(error="blocked_address", duration=time.monotonic() - started)
        except UnresolvableHost:
            return Outcome(error="dns", duration=time.monotonic() - started)
        # The name's resolution counts against the attempt's time too.
        remaining = self.timeout - (time.monotonic() - started)
        if remaining <= 0:
            return Outcome(error="timeout", duration=time.monotonic() - started)
        headers = {
            "Host": target.host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **signature_headers(message_id, timestamp, body, secrets),
        }
        with deadline(remaining) as watch:
            try:
                outcome = self._send(target, headers, body, remaining)
            except Exception as error:  # the receiver's fault, whatever urllib3 made of it
                outcome = Outcome(error="timeout" if watch.expired else _error_kind(error))
        if watch.expired and outcome.error is None:
            outcome = Outcome(
                error="timeout",
                status_code=outcome.status_code,
                response_head=outcome.response_head,
            )
        return dataclasses.replace(outcome, duration=time.monotonic() - started)

    def _send(
        self, target: Target, headers: dict[str, str], body: bytes, remaining: float
    ) -> Outcome:
        # The watchdog watches a socket only once it is connected: the connect gets what is
        # left of the attempt's time as its own bound, so the lookup, the connect and the
        # exchange together stay within the timeout (and a delivery's lease).
        response = self._pool(target).urlopen(
            "POST",
            target.url.request_uri,
            body=body,
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
            timeout=Timeout(connect=remaining, read=remaining),
        )
        try:
            read, head = 0, b""
            while read <= MAX_RESPONSE_BYTES:
                chunk = response.read(16384)
                if not chunk:
                    break
                if len(head) < KEPT_RESPONSE_BYTES:
                    head += chunk[: KEPT_RESPONSE_BYTES - len(head)]
                read += len(chunk)
            else:
                response.close()  # too long to drain: drop the connection instead
            retry_after = None
            if response.status in (429, 503):
                retry_after = parse_retry_after(response.headers.get("Retry-After"), time.time())
            return Outcome(status_code=response.status, retry_after=retry_after, response_head=head)
        finally:
            response.release_conn()

    def _pool(self, target: Target) -> HTTPConnectionPool:
        key: PoolKey = (target.url.scheme, target.ip, target.url.port, target.tls_name)
        with self._lock:
            pool = self._pools.get(key)
            if pool is not None:
                self._pools.move_to_end(key)
                return pool
            timeout = Timeout(connect=self.timeout, read=self.timeout)
            options: dict[str, Any] = {
                "maxsize": CONNECTIONS_PER_POOL,
                "block": False,
                "timeout": timeout,
                "retries": False,
            }
            if target.url.scheme == "https":
                pool = HTTPSPool(
                    target.ip,
                    target.url.port,
                    server_hostname=target.tls_name,
                    assert_hostname=target.tls_name or target.ip,
                    ca_certs=self.ca_certs,
                    **options,
                )
            else:
                pool = HTTPPool(target.ip, target.url.port, **options)
            self._pools[key] = pool
            while len(self._pools) > MAX_POOLS:
                self._pools.popitem(last=False)[1].close()
            return pool

    def close(self) -> None:
        with self._lock:
            for pool in self._pools.values():
                pool.close()
            self._pools.clear()


def _error_kind(error: Exception) -> str:
    """The error kind of an attempt that got no HTTP answer."""
    if isinstance(error, ConnectTimeoutError | ReadTimeoutError | TimeoutError):
        if isinstance(error, NewConnectionError) and _refused(error):
            return "refused"
        return "timeout"
    if isinstance(error, SSLError):
        return "tls"
    if isinstance(error, NewConnectionError) and _refused(error):
        return "refused"
    return "connection"


def _refused(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False
