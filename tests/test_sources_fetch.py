"""The web fetcher against the loopback fake web: every bad case is a result, never a crash."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import zlib
from collections.abc import AsyncIterator

import pytest
from emulators.web import (
    BASE_LAST_MODIFIED,
    CP1252_PARAGRAPHS,
    RETRY_AFTER_S,
    FakeWeb,
    article_page,
)

from adapters.web.fetcher import (
    FetchConfig,
    Fetcher,
    FetchFailed,
    Inflater,
    Validators,
    parse_retry_after,
)

TIMEOUT_S = 1.0


def config(**changes: object) -> FetchConfig:
    base: dict[str, object] = {
        "allow_private": True,  # the fake web is on 127.0.0.1
        "total_timeout_s": TIMEOUT_S,
        "connect_timeout_s": TIMEOUT_S,
        "max_bytes": 1_000_000,
        "contact_url": "https://briefbot.example/contact",
    }
    base.update(changes)
    return FetchConfig.model_validate(base)


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as fake:
        fake.install_bad_cases()
        yield fake


@pytest.fixture
async def fetcher(web: FakeWeb) -> AsyncIterator[Fetcher]:
    async with Fetcher(config(), clock=lambda: web.now) as client:
        yield client


# --- good answers --------------------------------------------------------------------------


async def test_a_page_comes_back_as_text_with_its_validators(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(web.url("/pages/article.html"))
    assert result.ok and result.status == 200 and result.error is None
    assert result.body_text is not None and "Kosiniak-Kamysz" in result.body_text
    assert result.etag and result.last_modified
    assert result.headers["Content-Type"].startswith("text/html")
    assert result.charset == "utf_8"


async def test_the_user_agent_names_briefbot_its_version_and_a_contact(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    await fetcher.fetch(web.url("/pages/article.html"))
    agent = web.calls("/pages/article.html")[0].header("User-Agent") or ""
    assert agent.startswith(f"briefbot/{fetcher.config.version} ")
    assert "https://briefbot.example/contact" in agent


async def test_a_conditional_re_poll_gets_304_not_modified(web: FakeWeb, fetcher: Fetcher) -> None:
    first = await fetcher.fetch(web.url("/pages/article.html"))
    again = await fetcher.fetch(web.url("/pages/article.html"), first.validators)
    assert again.status == 304 and again.not_modified and again.error is None
    assert again.body_text is None and not again.ok
    assert again.validators == first.validators  # still the ones to send next time
    sent = web.calls("/pages/article.html")[-1]
    assert sent.header("If-None-Match") == first.etag
    assert sent.header("If-Modified-Since") == first.last_modified


async def test_if_modified_since_alone_also_gets_304(web: FakeWeb, fetcher: Fetcher) -> None:
    first = await fetcher.fetch(web.url("/pages/article.html"))
    again = await fetcher.fetch(
        web.url("/pages/article.html"), Validators(last_modified=first.last_modified)
    )
    assert again.not_modified


async def test_a_changed_page_comes_back_whole_with_new_validators(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    first = await fetcher.fetch(web.url("/pages/article.html"))
    web.swap("/pages/article.html", article_page(title="New", paragraphs=["Changed text."]))
    again = await fetcher.fetch(web.url("/pages/article.html"), first.validators)
    assert again.ok and again.status == 200 and "Changed text." in (again.body_text or "")
    assert again.etag != first.etag and again.last_modified != first.last_modified


async def test_a_gzip_page_is_inflated(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/pages/gzip.html"))
    assert result.ok and result.headers.get("Content-Encoding") == "gzip"
    assert "Kosiniak-Kamysz" in (result.body_text or "")


async def test_redirects_are_followed_to_the_final_url(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/redirect/3?to=/pages/article.html"))
    assert result.ok and result.final_url == web.url("/pages/article.html")
    assert result.url == web.url("/redirect/3?to=/pages/article.html")


# --- HTTP failures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "problem", "reason"),
    [
        (404, "not_found", "not found (HTTP 404)"),
        (410, "gone", "gone for good (HTTP 410)"),
        (500, "server_error", "the site failed (HTTP 500 Internal Server Error)"),
        (403, "client_error", "the site refused the request (HTTP 403 Forbidden)"),
    ],
)
async def test_http_errors_are_results_with_a_reason(
    web: FakeWeb, fetcher: Fetcher, code: int, problem: str, reason: str
) -> None:
    result = await fetcher.fetch(web.url(f"/status/{code}"))
    assert result.status == code and result.problem == problem and result.error == reason
    assert result.body_text is None and not result.ok
    assert result.permanent is (code == 410)


async def test_503_returns_retry_after_without_sleeping(web: FakeWeb, fetcher: Fetcher) -> None:
    started = asyncio.get_running_loop().time()
    result = await fetcher.fetch(web.url("/status/503"))
    assert asyncio.get_running_loop().time() - started < 1.0
    assert result.problem == "unavailable" and result.retry_after_s == RETRY_AFTER_S
    assert result.error == f"the site is unavailable (HTTP 503); retry after {RETRY_AFTER_S} s"


async def test_429_with_an_http_date_retry_after_uses_the_clock(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(web.url("/status/429?retry_date=90"))
    assert result.problem == "rate_limited" and result.retry_after_s == 90


async def test_a_slow_site_times_out(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/slow?s=10"))
    assert result.problem == "timeout" and result.error == f"timed out after {TIMEOUT_S:g} s"


async def test_a_dripping_body_hits_the_total_deadline(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/drip?s=0.05"))
    assert result.problem == "timeout"


async def test_a_redirect_loop_is_named(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/loop/a"))
    assert result.problem == "redirect_loop" and result.permanent
    assert result.error == f"redirect loop at {web.url('/loop/a')}"


async def test_too_many_redirects(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/redirect/9"))
    assert result.problem == "too_many_redirects" and result.error == "more than 5 redirects"


async def test_a_redirect_without_location_is_an_error(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/status/302"))
    assert result.problem == "client_error" and "without a Location" in (result.error or "")


# --- size caps --------------------------------------------------------------------------------


async def test_an_oversized_body_stops_at_the_cap_while_streaming(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(web.url("/huge"))
    assert result.problem == "too_large" and result.body_text is None
    assert result.error == "the response is larger than the 1.0 MB cap"


async def test_a_declared_oversized_body_is_refused_before_reading(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(web.url("/huge-declared"))
    assert result.problem == "too_large"
    assert result.error == "the response is larger than the 1.0 MB cap (67.1 MB)"


async def test_a_gzip_bomb_stops_at_the_decompressed_cap(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/bomb"))
    assert result.problem == "too_large" and result.body_text is None
    assert (result.error or "").startswith(
        "the response is larger than the 1.0 MB cap once decompressed"
    )


def test_the_inflater_never_yields_more_than_a_piece_at_once() -> None:
    """A 64 MB bomb fed whole still comes out in bounded pieces, so the cap can stop it."""
    bomb = gzip.compress(b" " * 8_000_000, compresslevel=9)
    pieces = Inflater.for_encoding("gzip").feed(bomb)
    sizes = [len(next(pieces)) for _ in range(5)]
    assert max(sizes) <= 65_536


def test_the_inflater_reads_raw_deflate_and_zlib_deflate_and_gzip_members() -> None:
    text = b"hello deflate " * 100
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_data = raw.compress(text) + raw.flush()
    for data, coding in (
        (zlib.compress(text), "deflate"),
        (raw_data, "deflate"),
        (gzip.compress(text[:700]) + gzip.compress(text[700:]), "gzip"),
        (gzip.compress(text), "x-gzip"),
    ):
        inflater = Inflater.for_encoding(coding)
        assert b"".join(inflater.feed(data)) == text
        inflater.finish()


def test_the_inflater_refuses_corrupt_truncated_and_unasked_encodings() -> None:
    with pytest.raises(FetchFailed, match="corrupt"):
        list(Inflater.for_encoding("gzip").feed(b"\x1f\x8b\x08\x00garbage-garbage"))
    truncated = Inflater.for_encoding("gzip")
    list(truncated.feed(gzip.compress(b"x" * 1000)[:-12]))
    with pytest.raises(FetchFailed, match="truncated"):
        truncated.finish()
    with pytest.raises(FetchFailed, match="'br', which was not asked for"):
        Inflater.for_encoding("br")
    with pytest.raises(FetchFailed, match="unsupported"):
        Inflater.for_encoding("gzip, gzip")


async def test_an_unasked_for_encoding_is_an_error(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/brotli"))
    assert result.problem == "bad_encoding"


# --- content types and charsets ---------------------------------------------------------------


async def test_an_image_is_not_a_page_or_feed(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/image"))
    assert result.problem == "not_text" and result.error == "not a web page or feed (image/png)"


async def test_a_wrong_declared_charset_is_retried_with_detection(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    result = await fetcher.fetch(web.url("/pages/wrong-charset.html"))
    assert result.ok and result.charset == "cp1252"
    assert result.charset_note == "declared charset utf-8 did not decode; read as cp1252"
    assert CP1252_PARAGRAPHS[0] in (result.body_text or "")


async def test_a_missing_charset_is_detected(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/pages/no-charset.html"))
    assert result.ok and result.charset == "cp1252" and result.charset_note is None
    assert CP1252_PARAGRAPHS[2] in (result.body_text or "")


async def test_a_meta_charset_is_used_when_http_gives_none(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/pages/meta-charset.html"))
    assert result.ok and result.charset == "cp1252"
    assert CP1252_PARAGRAPHS[1] in (result.body_text or "")


# --- connection failures and refused URLs -----------------------------------------------------


async def test_a_reset_connection_is_an_error(web: FakeWeb, fetcher: Fetcher) -> None:
    result = await fetcher.fetch(web.url("/reset"))
    assert result.problem == "connection" and result.error == "the server closed the connection"


async def test_a_refused_connection_is_an_error(fetcher: Fetcher) -> None:
    result = await fetcher.fetch("http://127.0.0.1:1/feed.xml")
    assert result.problem == "connection" and (result.error or "").startswith("could not connect")


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "not a url", "", "http://"])
async def test_non_http_urls_are_refused(fetcher: Fetcher, url: str) -> None:
    result = await fetcher.fetch(url)
    assert result.problem == "invalid_url" and result.permanent


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
    ],
)
async def test_private_addresses_are_refused_by_default(url: str) -> None:
    async with Fetcher(FetchConfig()) as strict:
        result = await strict.fetch(url)
    assert result.problem == "private_address" and "private or local" in (result.error or "")


async def test_a_redirect_to_a_private_address_is_refused(web: FakeWeb) -> None:
    """Every hop is checked: a public page cannot bounce the bot into the local network."""
    web.put("/to-metadata", b"", status=302, headers={"Location": "http://169.254.169.254/"})
    only_the_fake = config(allow_private=False, private_hosts=frozenset({web.host}))
    async with Fetcher(only_the_fake) as client:
        reached = await client.fetch(web.url("/pages/article.html"))
        result = await client.fetch(web.url("/to-metadata"))
    assert reached.ok
    assert result.problem == "private_address"
    assert result.error == "169.254.169.254 is a private or local address"


# --- concurrency and robustness ---------------------------------------------------------------


async def test_concurrent_fetches_are_capped(web: FakeWeb) -> None:
    web.put("/pages/slowish.html", article_page(title="t", paragraphs=["p."]), delay_s=0.1)
    async with Fetcher(config(max_concurrency=2)) as client:
        results = await client.fetch_many([(web.url("/pages/slowish.html"), None)] * 8)
    assert all(r.ok for r in results)
    assert web.max_in_flight == 2


async def test_every_bad_case_at_once_gives_results_not_exceptions(web: FakeWeb) -> None:
    paths = [
        "/status/404", "/status/410", "/status/500", "/status/503", "/status/429",
        "/slow?s=5", "/drip?s=0.05", "/loop/a", "/redirect/9", "/huge", "/huge-declared",
        "/bomb", "/brotli", "/image", "/reset", "/feeds/broken.xml", "/pages/no-article.html",
        "/pages/wrong-charset.html", "/pages/no-charset.html", "/nothing-here",
    ]  # fmt: skip
    async with Fetcher(config(max_concurrency=4)) as client:
        results = await client.fetch_many([(web.url(p), None) for p in paths])
    assert len(results) == len(paths)
    for path, result in zip(paths, results, strict=True):
        assert result.ok or result.error, path
        if result.error:
            assert "\n" not in result.error and not result.error.endswith("."), path


# --- Retry-After parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Tue, 06 Jan 2026 12:01:30 GMT", 90.0),
        ("Tue, 06 Jan 2026 11:00:00 GMT", 0.0),  # in the past: now
        ("soon", None),
        ("", None),
        (None, None),
        ("-5", None),
    ],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, BASE_LAST_MODIFIED) == expected


def test_the_config_validates_its_numbers() -> None:
    with pytest.raises(ValueError):
        FetchConfig(max_concurrency=0)
    with pytest.raises(ValueError):
        FetchConfig(total_timeout_s=0)
    assert FetchConfig(contact_url="https://x.example/c").user_agent.endswith(
        "(+https://x.example/c)"
    )
    assert BASE_LAST_MODIFIED.tzinfo is dt.UTC
