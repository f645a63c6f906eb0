"""Who a failed login is counted against: the client's address, or its IPv6 /64.

An IPv6 client is usually given a whole /64 (SLAAC, privacy addresses, a /64 per VPS), so
it can send each bad key from a new address; counting per address would let it try
without end. Its failures count per /64, as one IPv4 address's do.
"""

from __future__ import annotations

import ipaddress


def failure_bucket(address: str) -> str:
    """The name the failed-login limit counts `address` under (docs/errors.md).

    IPv4 (and an IPv4-mapped IPv6) address stays itself; an IPv6 address becomes its /64
    (`2001:db8:1:2::/64`); anything else (a Unix socket's peer) is kept as it is.
    """
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)
