"""Live sources end to end on the fake web: probe, poll, read entries, ingest, re-poll."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from conftest import ServiceFactory
from emulators.web import (
    RETRY_AFTER_S,
    STORIES,
    FakeWeb,
    FeedItem,
    article_page,
    rss_feed,
)

from adapters.web.fetcher import FetchConfig, Fetcher
from adapters.web.sources import ReadOptions, poll_feed, probe, read_entries, read_page
from briefs.models import BriefRequest
from briefs.sources.dedupe import url_key
from briefs.sources.items import SUMMARY_MARK, SkippedItem, WebItem, ingest_items

TODAY = dt.date(2026, 2, 1)
NOW = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC)
PUBLISHED = dt.datetime(2026, 1, 6, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    async with FakeWeb() as fake:
        fake.install_bad_cases()
        for story in STORIES[:3]:
            fake.put(
                f"/news/{story.slug}.html",
                article_page(
                    title=story.title,
                    paragraphs=story.paragraphs,
                    site=story.outlet,
                    published=story.published,
                ),
            )
        fake.put("/feeds/world.xml", rss_feed(world_items()), content_type="application/rss+xml")
        fake.put(
            "/index.html",
            "<html><head><title>Kyiv Wire</title>"
            '<link rel="alternate" type="application/rss+xml" href="/feeds/world.xml">'
            "</head><body><p>Front page</p></body></html>",
        )
        yield fake


@pytest.fixture
async def fetcher(web: FakeWeb) -> AsyncIterator[Fetcher]:
    config = FetchConfig(allow_private=True, total_timeout_s=2.0, max_bytes=1_000_000)
    async with Fetcher(config, clock=lambda: web.now) as client:
        yield client


def world_items() -> list[FeedItem]:
    """Three good articles, a dead link, a page without an article, a Polish page, a feed."""
    summary = "Poland will not send troops to Ukraine, its defence minister said."
    return [
        *(
            FeedItem(
                title=s.title,
                link=f"/news/{s.slug}.html?utm_source=rss",
                guid=f"guid-{s.slug}",
                summary=f"{s.title}.",
                published=PUBLISHED,
            )
            for s in STORIES[:3]
        ),
        FeedItem(title="Dead link", link="/status/404", guid="dead", summary=summary),
        FeedItem(title="Paywalled", link="/pages/no-article.html", guid="pay", summary=summary),
        FeedItem(title="Po polsku", link="/pages/polish.html", guid="pl", summary="Polska."),
        FeedItem(title="Not an article", link="/feeds/big.xml", guid="feed"),
    ]


# --- probing a URL for `sources add` ----------------------------------------------------------


async def test_probe_tells_a_feed_from_a_page_and_finds_a_pages_feeds(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    feed = await probe(fetcher, web.url("/feeds/world.xml"))
    assert (feed.kind, feed.title, feed.entries) == ("feed", "Kyiv Wire: World", 7)
    assert feed.error is None
    page = await probe(fetcher, web.url("/index.html"))
    assert page.kind == "page" and page.feeds == (web.url("/feeds/world.xml"),)
    moved = await probe(fetcher, web.url("/redirect/2?to=/feeds/world.xml"))
    assert moved.kind == "feed" and moved.final_url == web.url("/feeds/world.xml")


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/status/404", "not found (HTTP 404)"),
        ("/loop/a", "redirect loop at"),
        ("/feeds/broken.xml", "the feed is not well-formed XML ("),
        ("/image", "not a web page or feed (image/png)"),
    ],
)
async def test_probe_says_why_a_url_is_no_source(
    web: FakeWeb, fetcher: Fetcher, path: str, error: str
) -> None:
    found = await probe(fetcher, web.url(path))
    assert found.kind == "error" and (found.error or "").startswith(error)


# --- polling ----------------------------------------------------------------------------------


async def test_a_poll_reads_entries_into_items_with_clear_skips(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    poll = await poll_feed(fetcher, web.url("/feeds/world.xml"))
    assert poll.error is None and not poll.not_modified and len(poll.new_entries) == 7
    items = await read_entries(fetcher, poll.new_entries, today=TODAY, feed_title="KW feed")
    pages = [i for i in items if isinstance(i, WebItem) and not i.from_summary]
    summaries = [i for i in items if isinstance(i, WebItem) and i.from_summary]
    skipped = {i.url.rsplit("/", 1)[-1]: i.reason for i in items if isinstance(i, SkippedItem)}
    assert [i.document.title for i in pages] == [s.title for s in STORIES[:3]]
    assert [i.document.source for i in pages] == [s.outlet for s in STORIES[:3]]
    assert all(i.document.url and "utm_source" not in i.document.url for i in pages)
    assert all(i.document.published == PUBLISHED.date() for i in pages)
    assert [i.note for i in summaries] == [
        "feed summary used: the page could not be fetched: not found (HTTP 404)",
        "feed summary used: no article text found on the page (14 words)",
    ]
    assert all(i.document.title.endswith(SUMMARY_MARK) for i in summaries)
    assert skipped == {
        "polish.html": "the page is in 'pl', not in an accepted language (en)",
        "big.xml": "the link leads to a feed, not an article, and the feed gives no summary",
    }


async def test_a_conditional_re_poll_is_not_modified(web: FakeWeb, fetcher: Fetcher) -> None:
    first = await poll_feed(fetcher, web.url("/feeds/world.xml"))
    again = await poll_feed(fetcher, web.url("/feeds/world.xml"), validators=first.validators)
    assert again.not_modified and again.error is None and again.new_entries == ()
    assert again.validators == first.validators
    assert web.calls("/feeds/world.xml")[-1].header("If-None-Match") == first.fetch.etag


async def test_a_changed_feed_with_new_guids_dates_and_titles_brings_only_the_new_item(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    first = await poll_feed(fetcher, web.url("/feeds/world.xml"))
    seen = {url_key(e.link) for e in first.new_entries}
    rewritten = [
        FeedItem(
            title=f"UPDATED {s.title}",
            link=web.url(f"/news/{s.slug}.html?utm_medium=feed&fbclid=zz"),
            guid=f"new-guid-{n}",
            published=PUBLISHED + dt.timedelta(days=1),
        )
        for n, s in enumerate(STORIES[:3])
    ]
    fresh = FeedItem(title="Brand new", link="/news/brand-new.html", guid="brand-new")
    web.swap("/feeds/world.xml", rss_feed([fresh, *rewritten]))
    again = await poll_feed(
        fetcher, web.url("/feeds/world.xml"), validators=first.validators, seen=seen
    )
    assert not again.not_modified
    assert [e.guid for e in again.new_entries] == ["brand-new"]


async def test_a_feed_returning_the_same_500_items_brings_nothing_new_the_second_time(
    web: FakeWeb, fetcher: Fetcher
) -> None:
    first = await poll_feed(fetcher, web.url("/feeds/big.xml"))
    assert len(first.new_entries) == 500
    seen = {url_key(e.link) for e in first.new_entries}
    conditional = await poll_feed(
        fetcher, web.url("/feeds/big.xml"), validators=first.validators, seen=seen
    )
    assert conditional.not_modified and conditional.new_entries == ()
    # a server without ETag/Last-Modified answers 200 every time: the item keys catch it
    plain = await poll_feed(fetcher, web.url("/feeds/big-unconditional.xml"))
    again = await poll_feed(
        fetcher, web.url("/feeds/big-unconditional.xml"), validators=plain.validators, seen=seen
    )
    assert again.fetch.status == 200 and again.error is None and again.new_entries == ()


async def test_a_feed_listing_an_item_twice_yields_it_once(web: FakeWeb, fetcher: Fetcher) -> None:
    twice = [
        FeedItem(title="A", link="/news/a.html", guid="1"),
        FeedItem(title="A again", link="/news/a.html?utm_source=x", guid="2"),
    ]
    web.put("/feeds/twice.xml", rss_feed(twice), content_type="application/rss+xml")
    poll = await poll_feed(fetcher, web.url("/feeds/twice.xml"))
    assert [e.guid for e in poll.new_entries] == ["1"]


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/feeds/broken.xml", "the feed is not well-formed XML ("),
        ("/feeds/html-instead.xml", "this is a web page, not a feed"),
        ("/status/410", "gone for good (HTTP 410)"),
        ("/slow?s=10", "timed out after 2 s"),
        ("/bomb", "the response is larger than the 1.0 MB cap once decompressed"),
    ],
)
async def test_a_bad_feed_poll_says_why(
    web: FakeWeb, fetcher: Fetcher, path: str, error: str
) -> None:
    poll = await poll_feed(fetcher, web.url(path))
    assert (poll.error or "").startswith(error) and poll.new_entries == ()


async def test_a_503_poll_carries_retry_after(web: FakeWeb, fetcher: Fetcher) -> None:
    poll = await poll_feed(fetcher, web.url("/status/503"))
    assert poll.retry_after_s == RETRY_AFTER_S and poll.fetch.problem == "unavailable"


async def test_a_recoverable_feed_polls_with_warnings(web: FakeWeb, fetcher: Fetcher) -> None:
    poll = await poll_feed(fetcher, web.url("/feeds/sloppy.xml"))
    assert poll.error is None and poll.feed is not None and poll.feed.warnings
    assert [e.link for e in poll.new_entries] == [web.url("/pages/article.html")]


async def test_read_page_reads_one_article_or_says_why_not(web: FakeWeb, fetcher: Fetcher) -> None:
    item = await read_page(fetcher, web.url("/pages/article.html"), today=TODAY)
    assert isinstance(item, WebItem) and item.document.title == STORIES[0].title
    polish = await read_page(fetcher, web.url("/pages/polish.html"), today=TODAY)
    assert isinstance(polish, SkippedItem) and "'pl'" in polish.reason
    anything = ReadOptions(languages=None, min_words=10)
    accepted = await read_page(
        fetcher, web.url("/pages/polish.html"), today=TODAY, options=anything
    )
    assert isinstance(accepted, WebItem) and accepted.language == "pl"
    wrong = await read_page(fetcher, web.url("/pages/wrong-charset.html"), today=TODAY)
    assert isinstance(wrong, WebItem) and "Élysée" in wrong.document.text


# --- ingest -----------------------------------------------------------------------------------


async def test_polled_items_are_ingested_and_briefed_with_their_urls(
    web: FakeWeb, fetcher: Fetcher, service: ServiceFactory
) -> None:
    briefing = service()
    poll = await poll_feed(fetcher, web.url("/feeds/world.xml"))
    items = await read_entries(fetcher, poll.new_entries, today=TODAY)
    report = ingest_items(briefing, items, now=NOW)
    assert report.summary == "5 ingested, 0 unchanged, 2 skipped"
    assert report.words > 0
    brief = briefing.brief(BriefRequest(actor="poland"))
    troops = next(p for p in brief.points if p.proposition == "send troops to Ukraine")
    assert troops.stance == "opposes"
    urls = {e.url for e in troops.evidence}
    assert web.url(f"/news/{STORIES[0].slug}.html") in urls
    summary_evidence = [e for e in troops.evidence if e.title.endswith(SUMMARY_MARK)]
    assert summary_evidence  # the summary stand-in is cited, and visibly marked
    for evidence in troops.evidence:  # every quote is verbatim at its offsets
        stored = briefing.store.get_document(url_key(evidence.document)[:16])
        assert stored is not None and stored.name == evidence.document
        assert stored.text[evidence.start : evidence.end] == evidence.quote

    # the same items again: nothing to do
    again = ingest_items(briefing, items, now=NOW)
    assert again.summary == "0 ingested, 5 unchanged, 2 skipped"


async def test_a_page_that_comes_back_replaces_its_summary(
    web: FakeWeb, fetcher: Fetcher, service: ServiceFactory
) -> None:
    briefing = service()
    entry_feed = [
        FeedItem(
            title="Late page",
            link="/news/late.html",
            guid="late",
            summary="Poland will not send troops to Ukraine, the minister said.",
        )
    ]
    web.put("/feeds/late.xml", rss_feed(entry_feed), content_type="application/rss+xml")
    poll = await poll_feed(fetcher, web.url("/feeds/late.xml"))
    (first,) = await read_entries(fetcher, poll.new_entries, today=TODAY)
    assert isinstance(first, WebItem) and first.from_summary
    assert ingest_items(briefing, [first], now=NOW).summary == "1 ingested, 0 unchanged, 0 skipped"

    story = STORIES[1]
    web.put(
        "/news/late.html",
        article_page(title=story.title, paragraphs=story.paragraphs, site=story.outlet),
    )
    (second,) = await read_entries(fetcher, poll.new_entries, today=TODAY)
    assert isinstance(second, WebItem) and not second.from_summary
    assert second.document.id == first.document.id  # same item: the page replaces the summary
    assert second.identity.same_item(first.identity)
    later = NOW + dt.timedelta(hours=1)
    replaced = ingest_items(briefing, [second], now=later)
    assert replaced.summary == "1 ingested, 0 unchanged, 0 skipped"
    assert briefing.store.checksum_of(first.document.id) == second.document.checksum


def test_ingest_documents_is_the_public_way_in_for_documents_read_elsewhere(
    service: ServiceFactory,
) -> None:
    """New and changed documents are analysed and stamped; repeats are unchanged; actors
    they introduce are known to the next question at once."""
    from briefs.sources.extract import web_document

    briefing = service()
    story = STORIES[0]
    document = web_document(
        "https://kyivwire.example/a", story.text, title=story.title, source=story.outlet,
        published=story.published,
    )  # fmt: skip
    report = briefing.ingest_documents([document, document], now=NOW)
    assert (report.ingested, report.unchanged) == ((document.name,), (document.name,))
    stored = briefing.store.get_document(document.id)
    assert stored is not None and stored.ingested_at == NOW
    assert briefing.resolve_actor("Kosiniak-Kamysz").id == "wladyslaw-kosiniak-kamysz"
    again = briefing.ingest_documents([document], now=NOW + dt.timedelta(hours=1))
    assert again.ingested == () and again.unchanged == (document.name,)
    stored = briefing.store.get_document(document.id)
    assert stored is not None and stored.ingested_at == NOW  # unchanged keeps its stamp
