"""Issue 10, repro 4: the private-address guard is ours, not aiohttp's.

Found with a loopback feed and `http://127.1:PORT/feed`: the guard did not read `127.1`
as an address, aiohttp (before 3.14) connected to it without asking the resolver, and
the loopback feed was fetched. Here the real fetcher and the fake web on 127.0.0.1 are
allowed to meet only by the name `127.0.0.1` (SOURCES_PRIVATE_HOSTS); every other
spelling of a private address must be refused before a single byte is sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator

import pytest
from emulators.web import FakeWeb

from adapters.web.addresses import is_public_host, parse_address
from adapters.web.fetcher import FetchConfig, Fetcher

LOOPBACK_SPELLINGS = [
    "127.1",
    "2130706433",
    "0177.0.0.1",
    "0x7f.0.0.1",
    "0x7f000001",
    "127.0.1",
    "127.000.000.001",
    "0",
    "0.0.0.0",
    "[::1]",
    "[0:0:0:0:0:0:0:1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[2002:7f00:1::]",  # 6to4 around 127.0.0.1
    "[64:ff9b::7f00:1]",  # NAT64 around 127.0.0.1
    "127.0.0.1.",
    "localhost.",
    "api.localhost",
]


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as fake:
        fake.put("/feed.xml", "<rss version='2.0'><channel><title>t</title></channel></rss>")
        yield fake


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
async def test_every_spelling_of_loopback_is_refused_before_connecting(
    web: FakeWeb, host: str
) -> None:
    """`http://<spelling>:PORT/feed.xml` is a private_address result; the fake saw nothing."""
    only_the_fake = FetchConfig(private_hosts=frozenset({"127.0.0.1"}))
    port = web.base_url.rsplit(":", 1)[1]
    async with Fetcher(only_the_fake) as fetcher:
        reached = await fetcher.fetch(web.url("/feed.xml"))
        before = len(web.requests)
        refused = await fetcher.fetch(f"http://{host}:{port}/feed.xml")
    assert reached.ok  # the canonical name the operator allowed works, so the fake is up
    assert refused.problem == "private_address", refused.error
    # Refused by our own check of the URL, not by a resolver or aiohttp's version of one.
    assert (refused.error or "").endswith(" is a private or local address")
    assert len(web.requests) == before


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("10.258", "10.0.1.2"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("[fe80::1%eth0]", "fe80::1"),
        ("example.org", None),
        ("08.1.1.1", None),  # 08 is not octal: a name, left to the resolver
        ("1.2.3.4.5", None),
        ("256.1.1.1", None),
    ],
)
def test_hosts_are_read_as_inet_aton_reads_them(host: str, address: str | None) -> None:
    expected = None if address is None else ipaddress.ip_address(address)
    assert parse_address(host) == expected


@pytest.mark.parametrize("host", ["93.184.216.34", "1572395042", "[2606:2800:220:1::]", "a.org"])
def test_public_hosts_pass(host: str) -> None:
    assert is_public_host(host)
