"""docs/webhooks.md's address rules: https only, no user info, public addresses only (SSRF)."""

from __future__ import annotations

import pytest

from app.webhooks.addresses import (
    BlockedAddress,
    InvalidUrl,
    UnresolvableHost,
    check_url,
    parse_ipv4,
    pin,
)

BLOCKED_HOSTS = [
    "127.0.0.1",
    "127.255.0.9",
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.255",
    "0.0.0.0",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "[::1]",
    "[::]",
    "[fe80::1]",
    "[fc00::1]",
    "[fd12:3456::1]",
    "[ff02::1]",
    "[::ffff:10.0.0.1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:169.254.169.254]",
    "[64:ff9b::a00:1]",
    "[2002:7f00:1::]",
    "[2001:db8::1]",
    "[fec0::1]",  # IPv6 site-local: Python's is_private and is_global both miss it
    "192.0.0.8",  # IETF protocol assignments, public to Pythons before 3.11.10
    "192.88.99.1",  # 6to4 relay anycast, likewise
    "[3fff::1]",  # documentation (RFC 9637), likewise
    "2130706433",
    "0177.0.0.1",
    "0x7f.0.0.1",
    "0x7f000001",
    "127.1",
    "017700000001",
    "0",
]


def nowhere(host: str, port: int) -> list[str]:
    raise AssertionError(f"no name lookup expected for {host}")


@pytest.mark.parametrize("host", BLOCKED_HOSTS)
def test_non_public_addresses_are_refused(host: str) -> None:
    url = f"https://{host}/hook"
    assert check_url(url, False, nowhere) is not None
    with pytest.raises(BlockedAddress):
        pin(url, False, nowhere)


# What WEBHOOK_ALLOW_PRIVATE_TARGETS=1 opens among them: loopback and private ranges only.
OPENED_BY_FLAG = {
    "127.0.0.1", "127.255.0.9", "10.0.0.1", "10.255.255.255", "172.16.0.1", "172.31.255.254",
    "192.168.1.1", "[::1]", "[fc00::1]", "[fd12:3456::1]", "[::ffff:10.0.0.1]",
    "[::ffff:127.0.0.1]", "2130706433", "0177.0.0.1", "0x7f.0.0.1", "0x7f000001", "127.1",
    "017700000001",
}  # fmt: skip


@pytest.mark.parametrize("host", BLOCKED_HOSTS)
def test_private_targets_allowed_opens_only_loopback_and_private(host: str) -> None:
    opened = check_url(f"http://{host}:8080/hook", True, nowhere) is None
    assert opened is (host in OPENED_BY_FLAG)


@pytest.mark.parametrize(
    ("spelling", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1.257", "10.1.1.1"),
        ("8.8.8.8", "8.8.8.8"),
        ("0x08.0x08.0x08.0x08", "8.8.8.8"),
    ],
)
def test_ipv4_is_read_the_way_inet_aton_reads_it(spelling: str, address: str) -> None:
    assert str(parse_ipv4(spelling)) == address


def test_a_public_address_is_pinned_as_written() -> None:
    target = pin("https://8.8.8.8/hook?x=1#frag", False, nowhere)
    assert target.ip == "8.8.8.8"
    assert target.url.request_uri == "/hook?x=1"
    assert target.tls_name is None


def test_a_decimal_spelling_connects_to_the_address_it_means() -> None:
    target = pin("http://134744072:8080/", True, nowhere)
    assert (target.ip, target.host_header) == ("8.8.8.8", "8.8.8.8:8080")


def resolver_of(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"no such name {host}")
        return table[host]

    return resolve


def test_a_name_that_resolves_to_a_private_address_is_refused() -> None:
    resolve = resolver_of({"internal.example.com": ["93.184.216.34", "10.0.0.5"]})
    assert check_url("https://internal.example.com/hook", False, resolve) is not None
    with pytest.raises(BlockedAddress):
        pin("https://internal.example.com/hook", False, resolve)


def test_a_public_name_is_pinned_to_its_checked_address() -> None:
    resolve = resolver_of({"hooks.example.com": ["93.184.216.34"]})
    target = pin("https://Hooks.Example.com:8443/in", False, resolve)
    assert target.ip == "93.184.216.34"
    assert target.tls_name == "hooks.example.com"
    assert target.host_header == "hooks.example.com:8443"


def test_a_rebound_name_is_refused_before_the_attempt() -> None:
    table = {"rebind.example.com": ["93.184.216.34"]}
    resolve = resolver_of(table)
    assert check_url("https://rebind.example.com/", False, resolve) is None
    table["rebind.example.com"] = ["127.0.0.1"]
    with pytest.raises(BlockedAddress):
        pin("https://rebind.example.com/", False, resolve)


def test_a_name_that_does_not_resolve_is_accepted_at_creation_but_fails_the_attempt() -> None:
    resolve = resolver_of({})
    assert check_url("https://not-yet.example.com/", False, resolve) is None
    with pytest.raises(UnresolvableHost):
        pin("https://not-yet.example.com/", False, resolve)


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
        "//93.184.216.34/hook",
        "/hook",
        "https://user:pass@93.184.216.34/hook",
        "https://user@93.184.216.34/hook",
        "https://@93.184.216.34/hook",
        "https://93.184.216.34:0/",
        "https:///hook",
        "https://exa mple.com/",
        "https://example.com\\@127.0.0.1/",
        "https://1.2.3.4.5/",
        "https://999.1.1.1/",
        "https://127.0.0.1./",
        "https://a..b/",
        "https://[::1/",
        "https://[2606:4700::1%25eth0]/",  # a zone names an interface of this host
        "https://93.184.216.34/" + "a" * 2048,
        "https://bücher.example/",
    ],
)
def test_malformed_urls_are_refused_with_a_reason(url: str) -> None:
    message = check_url(url, False, resolver_of({}))
    assert message is not None and message.endswith(".")
    with pytest.raises(InvalidUrl):
        pin(url, False, resolver_of({}))


def test_the_longest_url_allowed_is_2048_characters() -> None:
    base = "https://93.184.216.34/"
    assert check_url(base + "a" * (2048 - len(base)), False, nowhere) is None
    assert check_url(base + "a" * (2049 - len(base)), False, nowhere) is not None


def test_http_is_refused_unless_private_targets_are_allowed() -> None:
    assert check_url("http://93.184.216.34/", False, nowhere) is not None
    assert check_url("http://93.184.216.34/", True, nowhere) is None
