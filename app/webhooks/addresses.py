"""Where a webhook may be sent: the URL and address rules of docs/webhooks.md (SSRF).

A URL is parsed with urllib3's `parse_url`, the parser of the client that sends the
deliveries, so the host checked here is the host the request names. Names are resolved
here too, and every address they resolve to must be public; the attempt then connects to
the address that was checked (`Target.ip`), never to the name, so a name rebound between
the check and the connection cannot slip through. IPv4 written the ways `inet_aton`
accepts (`2130706433`, `0177.0.0.1`, `0x7f.1`) is read as the address it is.

WEBHOOK_ALLOW_PRIVATE_TARGETS=1 (development, tests) opens `http://`, loopback and the
private ranges (`OPENED_BY_FLAG`) and nothing else: link-local (169.254/16 with the cloud
metadata address 169.254.169.254, fe80::/10), shared, multicast, reserved and the other
special ranges stay refused.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import socket
from collections.abc import Callable

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

MAX_URL_LENGTH = 2048
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# host, port -> the addresses it resolves to, as text; raises OSError when it cannot.
Resolver = Callable[[str, int], list[str]]

_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")
_HOSTNAME = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)(\.(?!-)[a-z0-9_-]{1,63}(?<!-))*\.?$")
_IPV4_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")
_NUMBER = re.compile(r"^(0[xX][0-9a-fA-F]*|[0-9]+)$")
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
# What WEBHOOK_ALLOW_PRIVATE_TARGETS=1 opens: loopback and the private ranges (RFC 1918,
# unique local IPv6), nothing else of the non-public space.
OPENED_BY_FLAG = tuple(
    ipaddress.ip_network(block)
    for block in (
        "127.0.0.0/8",
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "::1/128",
        "fc00::/7",
    )
)


class InvalidUrl(ValueError):
    """The URL can never be a webhook target; the message says why, for a 422."""


class BlockedAddress(Exception):
    """The host is, or resolves to, an address webhooks may not reach."""


class UnresolvableHost(Exception):
    """The host's name does not resolve (now)."""


@dataclasses.dataclass(frozen=True)
class ParsedUrl:
    """A webhook URL as the HTTP client reads it."""

    scheme: str
    host: str  # lower case; an IPv6 literal without brackets
    port: int
    request_uri: str  # path and query, never the fragment
    literal: Address | None  # the address, when the host is written as one


@dataclasses.dataclass(frozen=True)
class Target:
    """Where one attempt connects: the checked address, and the name for Host and TLS."""

    url: ParsedUrl
    ip: str

    @property
    def host_header(self) -> str:
        host = self.url.host if self.url.literal is None else str(self.url.literal)
        host = f"[{host}]" if ":" in host else host
        default = 443 if self.url.scheme == "https" else 80
        return host if self.url.port == default else f"{host}:{self.url.port}"

    @property
    def tls_name(self) -> str | None:
        """The name to send in SNI and match the certificate with (None for an address)."""
        return None if self.url.literal is not None else self.url.host.rstrip(".")


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve `host` as the operating system does (getaddrinfo), every address."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def parse_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """An IPv4 address in any spelling `inet_aton` accepts (1-4 parts, decimal/octal/hex)."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.fullmatch(part) for part in parts):
        return None
    *leading, last = [_ipv4_number(part) for part in parts]
    if any(value > 255 for value in leading) or last >= 256 ** (5 - len(parts)):
        return None
    number = 0
    for value in leading:
        number = number << 8 | value
    return ipaddress.IPv4Address(number << (8 * (5 - len(parts))) | last)


def _ipv4_number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part[0] == "0":
        return int(part, 8)
    return int(part)


# Special-purpose blocks that Python's `is_global` knows only from 3.11.10 on (IANA's
# registries): listed here so the check does not depend on the patch release.
_NOT_GLOBAL_V4 = tuple(ipaddress.IPv4Network(block) for block in ("192.0.0.0/24", "192.88.99.0/24"))
_NOT_GLOBAL_V6 = (ipaddress.IPv6Network("3fff::/20"),)


def is_blocked(address: Address) -> bool:
    """Whether the address is loopback, private, link-local, shared, multicast, reserved,
    unspecified or otherwise not global; IPv4 inside IPv6 is judged as IPv4."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.teredo is not None:
            return any(is_blocked(part) for part in address.teredo)
        if embedded is not None:
            return is_blocked(embedded)
        if address in _NAT64_LOCAL:
            return True
        if address.is_site_local or any(address in net for net in _NOT_GLOBAL_V6):
            return True
    elif address in _SHARED or any(address in net for net in _NOT_GLOBAL_V4):
        return True
    return (
        not address.is_global
        or address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def opened_by_flag(address: Address) -> bool:
    """Whether WEBHOOK_ALLOW_PRIVATE_TARGETS=1 allows the address (IPv4-mapped judged as IPv4)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in block for block in OPENED_BY_FLAG)


def refused(address: Address, allow_private: bool) -> bool:
    """Whether a webhook may not reach the address under the configured rule."""
    return is_blocked(address) and not (allow_private and opened_by_flag(address))


def describe_rule(allow_private: bool) -> str:
    """The address rule applied, in one line, for the start of the web and worker processes."""
    if allow_private:
        return (
            "webhook targets: http:// and https://, public, loopback and private addresses"
            " (WEBHOOK_ALLOW_PRIVATE_TARGETS=1); link-local, multicast, reserved and other"
            " special addresses refused"
        )
    return (
        "webhook targets: https:// to public addresses only; set"
        " WEBHOOK_ALLOW_PRIVATE_TARGETS=1 on web and worker for http:// and loopback or"
        " private receivers"
    )


def parse_url_text(url: str, allow_private: bool) -> ParsedUrl:
    """Parse and check the URL's form (scheme, user info, length, host); InvalidUrl if bad."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidUrl(f"Longer than maximum length {MAX_URL_LENGTH}.")
    if not _PRINTABLE.fullmatch(url) or "\\" in url:
        raise InvalidUrl("Must be printable ASCII without spaces or backslashes.")
    try:
        parsed = parse_url(url)
    except LocationParseError:
        raise InvalidUrl("Not a valid URL.") from None
    scheme = parsed.scheme or ""
    if scheme not in (("https", "http") if allow_private else ("https",)):
        if scheme == "http":  # what a developer's local receiver needs (docs/webhooks.md)
            raise InvalidUrl(
                "Must be an absolute https:// URL: http:// is allowed only when the web and "
                "worker processes run with WEBHOOK_ALLOW_PRIVATE_TARGETS=1 (development)."
            )
        raise InvalidUrl("Must be an absolute https:// URL.")
    authority = url.split("://", 1)[-1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if parsed.auth is not None or "@" in authority:
        raise InvalidUrl("Must not contain user information.")
    host = (parsed.host or "").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    literal = _literal(host)
    if literal is None and not _HOSTNAME.fullmatch(host):
        raise InvalidUrl("Must name a valid host.")
    if parsed.port == 0:
        raise InvalidUrl("Must not use port 0.")
    port = parsed.port or (443 if scheme == "https" else 80)
    return ParsedUrl(scheme, host, port, parsed.request_uri, literal)


def _literal(host: str) -> Address | None:
    """The address a host written as one names. A host whose last label is a number must
    be an IPv4 address (as WHATWG URLs rule): a resolver might read it some other way."""
    if ":" in host:
        try:
            literal = ipaddress.IPv6Address(host)
        except ValueError:
            raise InvalidUrl("Must name a valid host.") from None
        if literal.scope_id is not None:  # a zone id names an interface of this host
            raise InvalidUrl("Must not name a zone (%) in an IPv6 address.")
        return literal
    address = parse_ipv4(host)
    if address is None and _NUMBER.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
        raise InvalidUrl("Must name a valid host.")
    return address


def names_a_host(url: str, allow_private: bool) -> bool:
    """Whether checking the URL asks a name server (a valid URL whose host is a name)."""
    try:
        return parse_url_text(url, allow_private).literal is None
    except InvalidUrl:
        return False


def pin(url: str, allow_private: bool, resolver: Resolver = system_resolver) -> Target:
    """The address an attempt must connect to, checked now; BlockedAddress, UnresolvableHost
    or InvalidUrl (a URL valid at creation may not be once private targets are refused)."""
    parsed = parse_url_text(url, allow_private)
    if parsed.literal is not None:
        addresses: list[Address] = [parsed.literal]
    else:
        try:
            found = resolver(parsed.host, parsed.port)
        except (OSError, UnicodeError) as error:
            raise UnresolvableHost(str(error)) from None
        addresses = [ipaddress.ip_address(text.split("%")[0]) for text in found]
        if not addresses:
            raise UnresolvableHost(f"{parsed.host} has no address")
    if any(refused(address, allow_private) for address in addresses):
        raise BlockedAddress(f"{parsed.host} is or resolves to a non-public address")
    return Target(parsed, str(addresses[0]))


def check_url(url: str, allow_private: bool, resolver: Resolver = system_resolver) -> str | None:
    """Why the URL cannot be a webhook endpoint (a 422 message), or None when it can.

    A name that does not resolve now is accepted: it is checked again before every attempt.
    """
    try:
        pin(url, allow_private, resolver)
    except InvalidUrl as error:
        return str(error)
    except BlockedAddress:
        if allow_private:
            return (
                "Must not resolve to a link-local, multicast, reserved or other special address"
                " (WEBHOOK_ALLOW_PRIVATE_TARGETS opens only loopback and private ones)."
            )
        return "Must not resolve to a loopback, private, link-local or other non-public address."
    except UnresolvableHost:
        return None
    return None
