"""Our own reading of a URL host as an address, in every spelling a socket accepts.

The fetcher refuses private, loopback and link-local hosts before it connects. A host
that is an address literal never reaches a resolver (aiohttp connects to it directly),
so the check must know every way of writing one. `ipaddress` knows only the dotted
quad, while the C library's `inet_aton`, which connecting ends up in, also takes
`127.1`, `2130706433`, `0177.0.0.1`, `0x7f.0.0.1` and `0` (which is 0.0.0.0, this
machine). Whether aiohttp happens to refuse some of them depends on its version; this
module does not. IPv6 literals are unwrapped to the IPv4 address they embed
(`::ffff:127.0.0.1`, 6to4, Teredo, NAT64), whose owner decides where they go.
"""

from __future__ import annotations

import ipaddress
import re

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_LOCAL_NAMES = ("localhost", "localhost.localdomain")
# One part of a BSD inet_aton address: decimal, octal (leading 0) or hex (0x).
_PART = re.compile(r"0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*")
# The largest value each part may take when the address has 1, 2, 3 or 4 parts: the last
# part fills every byte the earlier ones leave (a.b → a.0.0.b, a.b.c → a.b.0.c).
_LAST_PART_BITS = {1: 32, 2: 24, 3: 16, 4: 8}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def parse_address(host: str) -> Address | None:
    """The address `host` spells (brackets, a zone and one trailing dot allowed), or None
    when it is a name."""
    text = host.strip().strip("[]").rstrip(".")
    text = text.split("%", 1)[0]  # fe80::1%eth0: the zone does not change the address
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    return _inet_aton(text)


def is_public_address(address: Address) -> bool:
    """A global unicast address, also once unwrapped from any IPv6 form embedding IPv4."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return embedded.is_global
    return address.is_global and not address.is_multicast


def is_public_host(host: str) -> bool:
    """False for a private, loopback, link-local, unspecified or local-only host; a name
    is public here (what it resolves to is checked again when it is resolved)."""
    address = parse_address(host)
    if address is not None:
        return is_public_address(address)
    name = host.strip().strip("[]").rstrip(".").lower()
    return name not in _LOCAL_NAMES and not name.endswith(".localhost")


def _inet_aton(text: str) -> ipaddress.IPv4Address | None:
    """IPv4 the way inet_aton reads it: one to four parts, each decimal, octal or hex."""
    parts = text.split(".")
    if not 1 <= len(parts) <= 4 or not all(_PART.fullmatch(part) for part in parts):
        return None
    values = [_number(part) for part in parts]
    if any(value > 0xFF for value in values[:-1]):
        return None
    if values[-1] >= 1 << _LAST_PART_BITS[len(parts)]:
        return None
    number = values[-1]
    for index, value in enumerate(values[:-1]):
        number |= value << (24 - 8 * index)
    return ipaddress.IPv4Address(number)


def _number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part)


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address, where the tunnel ends
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None
