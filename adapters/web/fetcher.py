"""A polite, bounded HTTP fetcher for feeds and article pages, on aiohttp.

Every call returns a `FetchResult`; a failure is a result whose `error` is one human
sentence (and `problem` a stable code for the caller's policy), never an exception.

What "polite and bounded" means here:
- a User-Agent naming briefbot, its version and a contact URL;
- conditional GET: the previous response's ETag / Last-Modified go out as
  If-None-Match / If-Modified-Since, and a 304 comes back as `not_modified`;
- 429 and 503 return their Retry-After as `retry_after_s`: a poll never sleeps, the
  scheduler decides when to come back;
- a connect timeout and a total deadline per fetch (redirects included);
- redirects followed by hand, so a loop is named as such and every hop is checked;
- a size cap on the wire *and* after decompression, enforced while streaming:
  aiohttp's own decompression is switched off and gzip/deflate are inflated here in
  bounded pieces, so a compression bomb stops at the cap whatever aiohttp version is
  installed (older ones inflate each network chunk whole);
- at most `max_concurrency` fetches at once (and `per_host` connections per host);
- private, loopback and link-local addresses, in every spelling (`adapters.web.addresses`),
  refused unless `allow_private` (sources are added from chat: without this any user
  could make the bot read the internal network or a cloud metadata endpoint).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import socket
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from importlib import metadata
from typing import Any, Literal

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from multidict import CIMultiDictProxy
from pydantic import Field
from yarl import URL

from adapters.web.addresses import is_public_address, is_public_host, parse_address
from briefs.documents import too_large_reason
from briefs.models import Frozen
from briefs.sources.charset import decode_body

FetchProblem = Literal[
    "invalid_url",  # not an http(s) URL
    "private_address",  # refused: loopback, private or link-local network
    "connection",  # DNS failure, refused, reset
    "timeout",
    "redirect_loop",
    "too_many_redirects",
    "too_large",  # over the size cap, on the wire or decompressed
    "bad_encoding",  # corrupt or unsupported Content-Encoding
    "not_text",  # an image, PDF, video...: not a page or feed
    "rate_limited",  # 429
    "unavailable",  # 503
    "not_found",  # 404
    "gone",  # 410: the caller should stop polling it
    "client_error",  # other 4xx
    "server_error",  # other 5xx
]
# Problems that will not go away by retrying the same URL.
PERMANENT_PROBLEMS: frozenset[FetchProblem] = frozenset(
    {"invalid_url", "private_address", "redirect_loop", "too_many_redirects", "gone", "not_text"}
)

DEFAULT_CONTACT_URL = "https://example.invalid/briefbot"  # placeholder: set a real page
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_KEPT_HEADERS = (
    "Content-Type",
    "Content-Length",
    "Content-Encoding",
    "Content-Language",
    "ETag",
    "Last-Modified",
    "Retry-After",
    "Location",
    "Cache-Control",
    "Expires",
    "Date",
)
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, "
    "text/html;q=0.8, application/xhtml+xml;q=0.8, */*;q=0.1"
)
_TEXT_TYPES = (
    "text/",
    "application/xml",
    "application/xhtml",
    "application/rss",
    "application/atom",
)
_READ_CHUNK = 65_536
_INFLATE_PIECE = 65_536  # the most one inflate step may produce: memory stays bounded
_MAX_GZIP_MEMBERS = 64


def _version() -> str:
    try:
        return metadata.version("briefbot")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


class FetchConfig(Frozen):
    """How the fetcher behaves; the composition root fills it from settings."""

    contact_url: str = DEFAULT_CONTACT_URL
    version: str = Field(default_factory=_version)
    connect_timeout_s: float = Field(default=10.0, gt=0)
    total_timeout_s: float = Field(default=30.0, gt=0)  # the whole fetch, redirects included
    max_redirects: int = Field(default=5, ge=0)
    max_bytes: int = Field(default=5_000_000, gt=0)  # decompressed body cap
    max_concurrency: int = Field(default=4, ge=1)
    per_host: int = Field(default=2, ge=1)  # connections to one host at once
    allow_private: bool = False  # tests on 127.0.0.1 set it
    # Hosts reachable even though private (an intranet feed), when allow_private is off.
    private_hosts: frozenset[str] = frozenset()

    def may_reach(self, host: str) -> bool:
        """Whether a private or local `host` may be fetched."""
        return self.allow_private or host.lower().strip("[]") in self.private_hosts

    @property
    def user_agent(self) -> str:
        return f"briefbot/{self.version} (+{self.contact_url})"


class Validators(Frozen):
    """What the last response said about its version, for a conditional re-fetch."""

    etag: str | None = None
    last_modified: str | None = None

    @property
    def empty(self) -> bool:
        return self.etag is None and self.last_modified is None


class FetchResult(Frozen):
    """One fetch: the body text, "not modified", or why not."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int | None = None  # None when no HTTP response came back
    headers: dict[str, str] = Field(default_factory=dict)  # the subset in _KEPT_HEADERS
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    charset: str | None = None  # codec the body was decoded with
    charset_note: str | None = None  # set when a declared charset was wrong
    body_text: str | None = None
    not_modified: bool = False
    error: str | None = None  # one sentence, no trailing period
    problem: FetchProblem | None = None
    retry_after_s: float | None = None  # from Retry-After on 429/503

    @property
    def ok(self) -> bool:
        """A body came back."""
        return self.error is None and self.body_text is not None

    @property
    def permanent(self) -> bool:
        """Retrying the same URL will not help (the caller may disable the source)."""
        return self.problem in PERMANENT_PROBLEMS

    @property
    def validators(self) -> Validators:
        """What to send next time for a conditional request."""
        return Validators(etag=self.etag, last_modified=self.last_modified)


class FetchFailed(Exception):
    """Internal: a fetch ends with this problem and reason (turned into a result)."""

    def __init__(self, problem: FetchProblem, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.problem: FetchProblem = problem
        self.reason = reason
        self.status = status


class Fetcher:
    """Fetches URLs with one shared session; use as `async with Fetcher(config) as fetcher`.

    `clock` gives the current time (aware) for Retry-After dates.
    """

    def __init__(
        self,
        config: FetchConfig | None = None,
        *,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self.config = config or FetchConfig()
        self.clock = clock
        self._semaphore = asyncio.Semaphore(self.config.max_concurrency)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        if self._session is not None:
            return
        resolver: AbstractResolver = DefaultResolver()
        if not self.config.allow_private:
            resolver = PublicOnlyResolver(resolver, allowed=self.config.private_hosts)
        connector = aiohttp.TCPConnector(
            limit=self.config.max_concurrency,
            limit_per_host=self.config.per_host,
            resolver=resolver,
            ttl_dns_cache=300,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,  # inflated here, under the size cap
            timeout=aiohttp.ClientTimeout(
                total=None,  # the deadline is ours, across redirects
                connect=self.config.connect_timeout_s,
                sock_connect=self.config.connect_timeout_s,
            ),
            headers={
                "User-Agent": self.config.user_agent,
                "Accept": _ACCEPT,
                "Accept-Encoding": "gzip, deflate",
            },
            cookie_jar=aiohttp.DummyCookieJar(),  # no tracking state between sources
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, url: str, validators: Validators | None = None) -> FetchResult:
        """GET `url` (conditionally when `validators` are given). Never raises."""
        async with self._semaphore:
            try:
                async with asyncio.timeout(self.config.total_timeout_s):
                    return await self._fetch(url, validators or Validators())
            except FetchFailed as failed:
                return _failure(url, url, failed)
            except aiohttp.ServerTimeoutError:  # aiohttp's connect timeout (a TimeoutError too)
                reason = f"could not connect within {self.config.connect_timeout_s:g} s"
                return _failure(url, url, FetchFailed("timeout", reason))
            except TimeoutError:
                reason = f"timed out after {self.config.total_timeout_s:g} s"
                return _failure(url, url, FetchFailed("timeout", reason))
            except Exception as exc:  # the promise is "never raises": any surprise is a result
                return _unexpected(url, exc)

    async def fetch_many(
        self, requests: Sequence[tuple[str, Validators | None]]
    ) -> list[FetchResult]:
        """Fetch several URLs concurrently (up to `max_concurrency`), results in order."""
        return list(await asyncio.gather(*(self.fetch(u, v) for u, v in requests)))

    async def _fetch(self, url: str, validators: Validators) -> FetchResult:
        if self._session is None:
            await self.open()
        assert self._session is not None
        current = _checked_url(url, self.config)
        seen = {str(current)}
        headers = _conditional_headers(validators)
        for _hop in range(self.config.max_redirects + 1):
            async with self._session.get(current, headers=headers, allow_redirects=False) as resp:
                if resp.status in _REDIRECTS and "Location" in resp.headers:
                    current = _next_hop(current, resp.headers["Location"], self.config)
                    if str(current) in seen:
                        raise FetchFailed("redirect_loop", f"redirect loop at {current}")
                    seen.add(str(current))
                    continue
                return await self._answer(url, str(current), resp, validators)
        raise FetchFailed("too_many_redirects", f"more than {self.config.max_redirects} redirects")

    async def _answer(
        self,
        url: str,
        final_url: str,
        resp: aiohttp.ClientResponse,
        validators: Validators,
    ) -> FetchResult:
        kept = _kept(resp.headers)
        base: dict[str, Any] = {
            "url": url,
            "final_url": final_url,
            "status": resp.status,
            "headers": kept,
            "etag": resp.headers.get("ETag"),
            "last_modified": resp.headers.get("Last-Modified"),
            "content_type": resp.headers.get("Content-Type"),
        }
        if resp.status == 304:
            # A 304 may leave out the validators; the ones we sent still hold.
            base["etag"] = base["etag"] or validators.etag
            base["last_modified"] = base["last_modified"] or validators.last_modified
            return FetchResult(**base, not_modified=True)
        if resp.status >= 400 or resp.status < 200:
            problem, reason = _status_reason(resp.status, resp.reason)
            retry = None
            if resp.status in (429, 503):
                retry = parse_retry_after(resp.headers.get("Retry-After"), self.clock())
                if retry is not None:
                    reason += f"; retry after {retry:g} s"
            return FetchResult(**base, error=reason, problem=problem, retry_after_s=retry)
        if resp.status in _REDIRECTS:  # a redirect without Location is a dead end
            reason = f"HTTP {resp.status} redirect without a Location"
            return FetchResult(**base, error=reason, problem="client_error")
        if not _is_text(base["content_type"]):
            media = str(base["content_type"]).split(";", 1)[0]
            return FetchResult(
                **base, error=f"not a web page or feed ({media})", problem="not_text"
            )
        try:
            raw = await _read_capped(resp, self.config.max_bytes)
        except FetchFailed as failed:
            return FetchResult(**base, error=failed.reason, problem=failed.problem)
        decoded = decode_body(raw, base["content_type"])
        return FetchResult(
            **base, body_text=decoded.text, charset=decoded.charset, charset_note=decoded.note
        )


# --- reading under the cap --------------------------------------------------------------------


async def _read_capped(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    """The decoded body, stopping as soon as the wire or the decompressed size passes the cap."""
    declared = resp.content_length
    if declared is not None and declared > max_bytes:
        raise FetchFailed("too_large", f"the response is {too_large_reason(declared, max_bytes)}")
    inflater = Inflater.for_encoding(resp.headers.get("Content-Encoding"))
    parts: list[bytes] = []
    wire = size = 0
    async for chunk in resp.content.iter_chunked(_READ_CHUNK):
        wire += len(chunk)
        if wire > max_bytes:
            raise FetchFailed("too_large", f"the response is larger than the {_mb(max_bytes)} cap")
        for piece in inflater.feed(chunk):
            size += len(piece)
            if size > max_bytes:
                raise FetchFailed(
                    "too_large",
                    f"the response is larger than the {_mb(max_bytes)} cap once decompressed "
                    f"({_mb(wire)} on the wire so far)",
                )
            parts.append(piece)
    inflater.finish()
    return b"".join(parts)


class Inflater:
    """Bounded streaming decompression for one Content-Encoding (identity, gzip, deflate).

    Each `feed` yields pieces of at most _INFLATE_PIECE bytes, so the caller can stop
    after any of them: zlib keeps the unconsumed input, never a huge output.
    """

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._members = 0
        self._z = self._new() if encoding != "identity" else None

    @classmethod
    def for_encoding(cls, header: str | None) -> Inflater:
        codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if not codings:
            return cls("identity")
        if len(codings) > 1:  # stacked encodings: legal, never seen in the wild, refused
            raise FetchFailed("bad_encoding", f"unsupported Content-Encoding {header!r}")
        coding = {"x-gzip": "gzip"}.get(codings[0], codings[0])
        if coding not in ("gzip", "deflate"):
            reason = f"the server sent Content-Encoding {coding!r}, which was not asked for"
            raise FetchFailed("bad_encoding", reason)
        return cls(coding)

    def _new(self, *, raw_deflate: bool = False) -> Any:
        if self.encoding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._z is None:
            yield data
            return
        if self.encoding == "deflate" and self._members == 0 and data and data[0] & 0x0F != 8:
            # "deflate" is often sent as raw DEFLATE without the zlib header (as browsers
            # tolerate); the zlib header's low nibble is always 8.
            self._z = self._new(raw_deflate=True)
        self._members = max(self._members, 1)
        buffer = data
        while buffer:
            try:
                piece = self._z.decompress(buffer, _INFLATE_PIECE)
            except zlib.error as exc:
                raise FetchFailed("bad_encoding", f"the {self.encoding} data is corrupt") from exc
            if piece:
                yield piece
            buffer = self._z.unconsumed_tail
            if not buffer and self._z.eof:
                buffer = self._next_member()

    def _next_member(self) -> bytes:
        """Input after the end of a gzip member: the next member, or trailing junk to drop."""
        assert self._z is not None
        rest: bytes = self._z.unused_data
        if self.encoding != "gzip" or not rest.startswith(b"\x1f\x8b"):
            return b""  # trailing garbage after the stream: ignored, as browsers do
        self._members += 1
        if self._members > _MAX_GZIP_MEMBERS:
            raise FetchFailed("bad_encoding", "the gzip data has too many members")
        self._z = self._new()
        return rest

    def finish(self) -> None:
        if self._z is not None and self._members and not self._z.eof:
            raise FetchFailed("bad_encoding", f"the {self.encoding} data is truncated")


# --- helpers ----------------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or an HTTP date); None if absent
    or unreadable. A date in the past means "now" (0)."""
    if not value or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(int(text))
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, round((when - now).total_seconds(), 3))


def _conditional_headers(validators: Validators) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _checked_url(url: str, config: FetchConfig) -> URL:
    try:
        parsed = URL(url.strip())
    except (ValueError, TypeError) as exc:
        raise FetchFailed("invalid_url", f"{url!r} is not a valid URL") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise FetchFailed("invalid_url", f"{url!r} is not an http or https URL")
    if not is_public_host(parsed.host) and not config.may_reach(parsed.host):
        raise FetchFailed("private_address", f"{parsed.host} is a private or local address")
    return parsed


def _next_hop(current: URL, location: str, config: FetchConfig) -> URL:
    try:
        target = current.join(URL(location.strip()))
    except (ValueError, TypeError) as exc:
        raise FetchFailed("invalid_url", f"redirect to an invalid URL {location!r}") from exc
    return _checked_url(str(target), config)


class PrivateAddressError(OSError):
    """A host name that resolves only to non-public addresses."""


class PublicOnlyResolver(AbstractResolver):
    """A resolver that drops every non-public address (a name resolving to 10.0.0.5, say)."""

    def __init__(self, inner: AbstractResolver, *, allowed: frozenset[str] = frozenset()) -> None:
        self._inner = inner
        self._allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        if host.lower() in self._allowed:
            return found
        public = [r for r in found if _resolved_public(r["host"])]
        if not public:
            raise PrivateAddressError(f"{host} resolves only to private or local addresses")
        return public

    async def close(self) -> None:
        await self._inner.close()


def _resolved_public(host: str) -> bool:
    address = parse_address(host)
    return address is not None and is_public_address(address)


def _kept(headers: CIMultiDictProxy[str]) -> dict[str, str]:
    return {name: headers[name] for name in _KEPT_HEADERS if name in headers}


def _is_text(content_type: str | None) -> bool:
    if not content_type:
        return True  # unlabelled: the body decides (feeds and pages are sniffed later)
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith(_TEXT_TYPES) or media.endswith(("+xml", "/json")) or media == ""


def _status_reason(status: int, phrase: str | None) -> tuple[FetchProblem, str]:
    named: Mapping[int, tuple[FetchProblem, str]] = {
        404: ("not_found", "not found (HTTP 404)"),
        410: ("gone", "gone for good (HTTP 410)"),
        429: ("rate_limited", "rate limited by the site (HTTP 429)"),
        503: ("unavailable", "the site is unavailable (HTTP 503)"),
    }
    if status in named:
        return named[status]
    label = f"HTTP {status}" + (f" {phrase}" if phrase else "")
    if status >= 500:
        return "server_error", f"the site failed ({label})"
    return "client_error", f"the site refused the request ({label})"


def _failure(url: str, final_url: str, failed: FetchFailed) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=final_url,
        status=failed.status,
        error=failed.reason,
        problem=failed.problem,
    )


def _unexpected(url: str, exc: BaseException) -> FetchResult:
    """The result for an exception aiohttp raised: a connection problem, in one sentence."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        cause = exc.os_error
        if isinstance(cause, PrivateAddressError):
            return _failure(url, url, FetchFailed("private_address", str(cause)))
        if isinstance(cause, socket.gaierror):
            reason = "the host name could not be resolved"
        else:
            reason = f"could not connect ({cause.strerror or cause})"
    elif isinstance(exc, aiohttp.ServerDisconnectedError):
        reason = "the server closed the connection"
    elif isinstance(exc, aiohttp.ClientPayloadError):
        reason = "the response was cut off"
    elif isinstance(exc, aiohttp.ClientError | OSError) and str(exc):
        reason = f"the request failed ({type(exc).__name__}: {exc})"
    else:
        reason = f"the request failed ({type(exc).__name__})"
    return _failure(url, url, FetchFailed("connection", reason))


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
