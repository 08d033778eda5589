"""Live sources end to end: the fake web on loopback, the real fetcher, the real spaCy
analyzer, a tmp SQLite store, the sources grammar, and the scheduler's poll job.

Sources are added as an operator types them (`sources add <url> every 1h`, through
`SourceDesk`), and polled by calling the job the scheduler runs (`SourceScheduler.poll`)
with an injected clock: nothing sleeps until a poll is due, and the job's next run time
is checked instead. The fake web changes content between polls (`swap`, `put`) and
breaks a source on demand (`alias` to a fault route or a bad case).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from emulators.web import (
    RETRY_AFTER_S,
    STORIES,
    FakeWeb,
    FeedItem,
    Story,
    article_page,
    rss_feed,
)
from test_outbox import Clock

from adapters.commands import Requester, SourcesCommand, parse_command
from adapters.replies import Notice
from adapters.sources import SourceDesk
from adapters.web.fetcher import FetchConfig, Fetcher
from adapters.web.poller import PollPolicy, PollReport, SourcePoller
from bot.polling import SourceScheduler
from briefs.analyzer import Analyzer
from briefs.catalog import Catalog
from briefs.models import BriefRequest, DigestRequest
from briefs.render.text import brief_to_text
from briefs.service import BriefingService
from briefs.sources.dedupe import url_key
from briefs.sources.items import SUMMARY_MARK
from briefs.sources.models import Source
from briefs.sources.store import SourceStore
from briefs.store import Store
from briefs.topics import TopicCatalog

UTC = dt.UTC
T0 = dt.datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)
TIMEOUT_S = 1.5
CONTACT = "https://briefbot.example/contact"
OPERATOR = Requester(
    platform="console", user_id="operator", channel_id="console", can_manage_channel=True
)
NO_TROOPS, UK_FRANCE = STORIES[:3], STORIES[3:6]
READY = Story(
    slug="poland-ready-to-send-troops",
    story="poland-ready",
    outlet="Kyiv Wire",
    host="kyivwire.example",
    title="Poland ready to send troops to Ukraine if a ceasefire is established",
    published=dt.date(2026, 1, 20),
    paragraphs=(
        "Poland is ready to send troops to Ukraine if a ceasefire is established, Polish "
        "Defence Minister Władysław Kosiniak-Kamysz said on Tuesday.",
        "The minister said the decision followed talks with allies in the Coalition of the "
        "Willing in Paris, where leaders discussed security guarantees for Ukraine.",
        "Officials in Warsaw said the details of any deployment would depend on the terms "
        "of the ceasefire and on a mandate agreed with the allies.",
    ),
)


# --- the fake web's content -------------------------------------------------------------------


def page_path(story: Story) -> str:
    return f"/{story.host}/{story.slug}.html"


def story_page(story: Story) -> str:
    return article_page(
        title=story.title, paragraphs=story.paragraphs, site=story.outlet, published=story.published
    )


def entry(story: Story, *, guid: str | None = None, link: str | None = None) -> FeedItem:
    moment = dt.datetime.combine(story.published, dt.time(9, 0), tzinfo=UTC)
    return FeedItem(
        title=story.title,
        link=link or page_path(story),
        guid=guid or f"guid-{story.slug}",
        summary=f"{story.title}.",
        published=moment,
    )


def feed(stories: Sequence[Story], title: str = "Kyiv Wire: World") -> str:
    return rss_feed([entry(s) for s in stories], title=title)


# --- the live setup ---------------------------------------------------------------------------


class PausedScheduler(AsyncIOScheduler):  # type: ignore[misc]
    """An AsyncIOScheduler whose jobs never fire on their own: the tests call them."""

    def start(self, paused: bool = False) -> None:
        super().start(paused=True)


@dataclass
class Live:
    """Everything a live-source test touches."""

    web: FakeWeb
    service: BriefingService
    store: SourceStore
    poller: SourcePoller
    desk: SourceDesk
    jobs: SourceScheduler
    clock: Clock

    async def say(self, line: str, requester: Requester | None = OPERATOR) -> Notice:
        command = parse_command(line)
        assert isinstance(command, SourcesCommand), command
        return await self.desk.answer(command, requester)

    async def add(self, path: str, every: str = "1h") -> Source:
        notice = await self.say(f"sources add {self.web.url(path)} every {every}")
        assert not notice.error, notice.text
        found = self.store.find_url(self.web.url(path))
        assert found is not None, notice.text
        return found

    async def poll(self, source: Source) -> PollReport:
        """The scheduler's job for the source, as it runs when due."""
        return await self.jobs.poll(source.id)

    def later(self, delta: dt.timedelta = HOUR) -> None:
        self.clock.now += delta
        self.web.now = self.clock.now

    def source(self, source: Source) -> Source:
        found = self.store.get(source.id)
        assert found is not None
        return found

    async def listing(self) -> str:
        return (await self.say("sources list", None)).text


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    async with FakeWeb(now=T0) as fake:
        fake.install_bad_cases()
        for story in (*STORIES, READY):
            fake.put(page_path(story), story_page(story))
        yield fake


def make_service(
    path: Path, analyzer: Analyzer, catalog: Catalog, topics: TopicCatalog, clock: Clock
) -> BriefingService:
    """The service over a fresh SQLite file, sharing the session's loaded analyzer."""
    return BriefingService(Store.open_sqlite(path), catalog, topics, lambda: analyzer, clock=clock)


@pytest.fixture
def service(
    tmp_path: Path, analyzer: Analyzer, catalog: Catalog, topics: TopicCatalog
) -> Iterator[BriefingService]:
    briefing = make_service(tmp_path / "live.db", analyzer, catalog, topics, Clock(T0))
    yield briefing
    briefing.store.close()


def fetch_config(**changes: object) -> FetchConfig:
    values: dict[str, object] = {
        "allow_private": True,
        "total_timeout_s": TIMEOUT_S,
        "max_bytes": 1_000_000,
        "contact_url": CONTACT,
        "max_concurrency": 3,
    }
    return FetchConfig.model_validate(values | changes)


@pytest.fixture
async def live(web: FakeWeb, service: BriefingService) -> AsyncIterator[Live]:
    clock = Clock(T0)
    async with Fetcher(fetch_config(), clock=clock) as fetcher:
        store = SourceStore.for_store(service.store)
        poller = SourcePoller(
            service,
            store,
            fetcher,
            clock=clock,
            owner="test:1:aa",
            policy=PollPolicy(unhealthy_after=3, max_backoff_s=6 * 3600),
        )
        scheduler = PausedScheduler(timezone=UTC)
        scheduler.start()
        jobs = SourceScheduler(poller, clock=clock)
        await jobs.start(scheduler)
        yield Live(web, service, store, poller, SourceDesk(poller), jobs, clock)
        jobs.shutdown()
        scheduler.shutdown(wait=False)


def opposes_troops(service: BriefingService, **request: object) -> tuple[str, ...]:
    """The outlets of Poland's "opposes sending troops" point."""
    brief = service.brief(BriefRequest(actor="poland", **request))  # type: ignore[arg-type]
    point = next(
        p
        for p in brief.points
        if p.proposition == "send troops to Ukraine" and p.stance == "opposes"
    )
    return point.outlets


# --- conditional polls and new-entries-only ---------------------------------------------------


async def test_an_unchanged_feed_is_re_polled_conditionally_and_ingests_nothing(
    live: Live,
) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
    source = await live.add("/kyiv/feed.xml")
    first = await live.poll(source)
    assert (first.outcome, first.ingested) == ("new", 1)
    documents = live.service.store.document_count()
    polled = live.source(source)
    assert polled.etag and polled.last_modified and polled.item_count == 1
    assert live.jobs.next_run(source.id) == T0 + HOUR  # one interval later

    live.later()
    again = await live.poll(source)
    assert again.outcome == "not_modified" and again.ingested == 0
    request = live.web.calls("/kyiv/feed.xml")[-1]
    assert request.header("If-None-Match") == polled.etag
    assert request.header("If-Modified-Since") == polled.last_modified
    assert request.status == 304
    assert (
        request.header("User-Agent")
        == f"briefbot/{live.poller.fetcher.config.version} (+{CONTACT})"
    )
    assert live.service.store.document_count() == documents
    assert live.jobs.next_run(source.id) == T0 + 2 * HOUR


async def test_a_feed_whose_guids_dates_titles_and_links_change_ingests_nothing_new(
    live: Live,
) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:2]), content_type="application/rss+xml")
    source = await live.add("/kyiv/feed.xml")
    assert (await live.poll(source)).ingested == 2
    documents = live.service.store.document_count()
    page_fetches = len([r for r in live.web.requests if r.path.endswith(".html")])

    # new guids, new dates, new titles, tracking parameters; and the second story under a
    # new slug (the same article text): nothing is new
    moved = "/kyivwire.example/warsaw-boots-renamed.html"
    live.web.put(moved, story_page(NO_TROOPS[1]))
    rewritten = [
        FeedItem(
            title=f"UPDATED: {NO_TROOPS[0].title}",
            link=live.web.url(page_path(NO_TROOPS[0]) + "?utm_source=rss&fbclid=x"),
            guid="cms-2-item-1",
            published=dt.datetime(2026, 1, 9, 7, 0, tzinfo=UTC),
        ),
        FeedItem(title="Renamed", link=moved, guid="cms-2-item-2"),
    ]
    live.web.swap("/kyiv/feed.xml", rss_feed(rewritten))
    live.later()
    again = await live.poll(source)
    assert (again.outcome, again.ingested, again.seen, again.duplicates) == ("nothing_new", 0, 1, 1)
    assert live.service.store.document_count() == documents
    fetched = [r.path for r in live.web.requests if r.path.endswith(".html")][page_fetches:]
    assert fetched == [moved]  # only the unknown link was read, and found to be known text
    renamed = next(i for i in live.store.items() if i.url_key == url_key(live.web.url(moved)))
    assert renamed.status == "duplicate" and renamed.document_id is not None
    assert "1 already seen, 1 already stored under another URL" in await live.listing()


async def test_a_feed_returning_the_same_500_items_ingests_nothing_after_the_first_poll(
    live: Live,
) -> None:
    """500 items served again unchanged, without validators. Their pages are gone, so the
    feed's summaries stand in: that keeps the test fast (page extraction is benchmarked in
    bench/sources_bench.py) while every item still costs a page request the first time."""
    items = [
        FeedItem(
            title=f"Update {n}",
            link=f"/gone/item-{n}.html",
            guid=f"i{n}",
            summary=f"Update {n}: Poland will not send troops to Ukraine, the minister said.",
        )
        for n in range(500)
    ]
    live.web.put("/big.xml", rss_feed(items), content_type="application/rss+xml", conditional=False)
    source = await live.add("/big.xml")
    first = await live.poll(source)
    assert (first.ingested, first.from_summary) == (500, 500)
    assert live.source(source).item_count == 500
    requests = len(live.web.requests)
    live.later()
    again = await live.poll(source)
    assert (again.outcome, again.ingested, again.seen) == ("nothing_new", 0, 500)
    assert [r.path for r in live.web.requests[requests:]] == ["/big.xml"]  # no page fetched
    assert live.web.calls("/big.xml")[-1].status == 200
    assert live.service.store.document_count() == 500


# --- stories ----------------------------------------------------------------------------------


async def test_three_outlets_carrying_one_story_make_one_cluster_and_one_point(
    live: Live,
) -> None:
    sources = []
    for story in NO_TROOPS:
        path = f"/{story.host}/feed.xml"
        live.web.put(path, feed([story], story.outlet), content_type="application/rss+xml")
        sources.append(await live.add(path))
    reports = [await live.poll(source) for source in sources]
    assert [r.ingested for r in reports] == [1, 1, 1]
    assert [(r.new_stories, r.joined_stories) for r in reports] == [(1, 0), (0, 1), (0, 1)]
    stored = [i for i in live.store.items() if i.status == "ingested"]
    assert len({i.cluster_id for i in stored}) == 1
    assert len(live.store.cluster_members(stored[0].cluster_id or "")) == 3

    outlets = {s.outlet for s in NO_TROOPS}
    brief = live.service.brief(BriefRequest(actor="poland", quotes_per_point=3))
    troops = [p for p in brief.points if p.proposition == "send troops to Ukraine"]
    assert [p.stance for p in troops] == ["opposes"]  # one point
    (point,) = troops
    assert set(point.outlets) == outlets and len(point.outlets) == 3
    assert len(point.evidence) == 3  # three quotes: one per outlet, not one outlet's three
    assert {e.source for e in point.evidence} == outlets
    assert {s.source for s in brief.sources} >= outlets
    assert "Reported by: " in brief_to_text(brief)
    # every quote is verbatim at its offsets
    for evidence in point.evidence:
        document = live.service.store.get_document(url_key(evidence.document)[:16])
        assert document is not None
        assert document.text[evidence.start : evidence.end] == evidence.quote

    # another story on the same topic is a cluster of its own
    live.web.put("/other.xml", feed(UK_FRANCE[:1]), content_type="application/rss+xml")
    other = await live.add("/other.xml")
    assert (await live.poll(other)).new_stories == 1
    assert len({i.cluster_id for i in live.store.items() if i.status == "ingested"}) == 2


async def test_clusters_survive_a_restart(live: Live, service: BriefingService) -> None:
    """A new poller (a restarted bot) rebuilds the clusters from the stored fingerprints."""
    for story in NO_TROOPS[:2]:
        live.web.put(f"/{story.host}/feed.xml", feed([story]), content_type="application/rss+xml")
        await live.poll(await live.add(f"/{story.host}/feed.xml"))
    restarted = SourcePoller(
        service, live.store, live.poller.fetcher, clock=live.clock, owner="test:2:bb"
    )
    live.web.put("/late.xml", feed(NO_TROOPS[2:3]), content_type="application/rss+xml")
    late = await live.add("/late.xml")
    report = await restarted.poll(late.id)
    assert (report.ingested, report.joined_stories) == (1, 1)
    assert len({i.cluster_id for i in live.store.items() if i.status == "ingested"}) == 1


# --- a position that moves reaches the digest -------------------------------------------------


async def test_a_second_poll_that_shifts_a_position_is_in_the_next_digest(live: Live) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
    source = await live.add("/kyiv/feed.xml")
    await live.poll(source)
    first_poll = live.clock()

    live.later(dt.timedelta(days=1))
    live.web.swap("/kyiv/feed.xml", feed([READY, NO_TROOPS[0]]))
    report = await live.poll(source)
    assert (report.ingested, report.seen) == (1, 1)
    second_poll = live.clock()

    digest = live.service.digest(
        DigestRequest(
            actors=("poland",),
            since=first_poll + dt.timedelta(minutes=1),
            until=second_poll + dt.timedelta(minutes=1),
        )
    )
    (change,) = [c for c in digest.changes if c.change.proposition == "send troops to Ukraine"]
    assert (change.change.before, change.change.after) == ("opposes", "supports")
    before = " ".join(e.quote for e in change.change.before_evidence)
    after = " ".join(e.quote for e in change.change.after_evidence)
    assert "will not send its troops to Ukraine" in before
    assert "ready to send troops to Ukraine if a ceasefire is established" in after
    assert [s.title for s in digest.new_sources] == [READY.title]
    # a window that ends before the second poll sees no change
    quiet = live.service.digest(
        DigestRequest(
            actors=("poland",),
            since=first_poll + dt.timedelta(minutes=1),
            until=second_poll - dt.timedelta(minutes=1),
        )
    )
    assert quiet.empty


# --- bad input is recorded, never lost -------------------------------------------------------

# (what the feed's URL answers as, the error `sources list` shows, disabled for good)
FEED_FAILURES = [
    ("/status/404", "not found (HTTP 404)", False),
    ("/status/410", "gone for good (HTTP 410)", True),
    (
        "/status/429?retry_after=7200",
        "rate limited by the site (HTTP 429); retry after 7200 s",
        False,
    ),
    ("/status/500", "the site failed (HTTP 500", False),
    ("/status/503", f"the site is unavailable (HTTP 503); retry after {RETRY_AFTER_S} s", False),
    ("/slow?s=10", f"timed out after {TIMEOUT_S:g} s", False),
    ("/drip?s=0.2", f"timed out after {TIMEOUT_S:g} s", False),
    ("/loop/a", "redirect loop at", True),
    ("/redirect/9?to=/feeds/big.xml", "more than 5 redirects", True),
    ("/huge", "the response is larger than the 1.0 MB cap", False),
    ("/huge-declared", "the response is ", False),
    ("/bomb", "the response is larger than the 1.0 MB cap once decompressed", False),
    ("/brotli", "the server sent Content-Encoding 'br', which was not asked for", False),
    ("/image", "not a web page or feed (image/png)", True),
    ("/reset", "the server closed the connection", False),
    ("/feeds/broken.xml", "the feed is not well-formed XML (", False),
    ("/feeds/html-instead.xml", "this is a web page, not a feed", False),
]


@pytest.mark.parametrize(("target", "error", "permanent"), FEED_FAILURES, ids=lambda v: str(v))
async def test_every_bad_case_is_recorded_and_the_sources_items_stay(
    live: Live, target: str, error: str, permanent: bool
) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
    source = await live.add("/kyiv/feed.xml")
    assert (await live.poll(source)).ingested == 1
    documents = live.service.store.document_count()
    before = opposes_troops(live.service)

    live.web.alias("/kyiv/feed.xml", target)
    live.later()
    report = await live.poll(source)
    assert report.outcome == ("disabled" if permanent else "failed")
    assert (report.error or "").startswith(error), report.error
    broken = live.source(source)
    assert broken.last_error == report.error and broken.consecutive_failures == 1
    assert broken.disabled is permanent and broken.item_count == 1
    listing = await live.listing()
    assert error in listing and ("disabled: " in listing) is permanent
    # nothing already ingested is lost
    assert live.service.store.document_count() == documents
    assert opposes_troops(live.service) == before
    assert live.jobs.next_run(source.id) == (None if permanent else broken.next_poll_at)


@pytest.mark.parametrize(
    ("path", "warning"),
    [
        ("/feeds/sloppy.xml", "the feed is not well-formed XML ("),
        ("/feeds/truncated.xml", "the feed is not well-formed XML ("),
    ],
)
async def test_a_recoverable_feed_is_read_and_its_warning_recorded(
    live: Live, path: str, warning: str
) -> None:
    source = await live.add(path)
    report = await live.poll(source)
    assert report.outcome == "new" and report.ingested == 1
    assert any(w.startswith(warning) for w in report.warnings)
    assert f"warning: {warning}" in await live.listing()


async def test_bad_pages_in_a_feed_are_skipped_with_reasons_and_summaries_are_marked(
    live: Live,
) -> None:
    items = [
        entry(NO_TROOPS[0]),
        FeedItem(
            title="Paywalled",
            link="/pages/no-article.html",
            guid="pay",
            summary="Poland will not send troops to Ukraine, its defence minister said.",
        ),
        FeedItem(title="Po polsku", link="/pages/polish.html", guid="pl", summary="Polska."),
        FeedItem(title="Declared English", link="/pages/polish-says-en.html", guid="pl-en"),
        FeedItem(title="Not an article", link="/feeds/big.xml", guid="feed"),
        FeedItem(title="Charset", link="/pages/wrong-charset.html", guid="cp1252"),
    ]
    live.web.put("/mixed.xml", rss_feed(items), content_type="application/rss+xml")
    source = await live.add("/mixed.xml")
    report = await live.poll(source)
    assert (report.ingested, report.from_summary, len(report.skipped)) == (3, 1, 3)
    reasons = dict(report.skipped)
    assert reasons[live.web.url("/pages/polish.html")].startswith("the page is in 'pl'")
    assert "not in an accepted language" in reasons[live.web.url("/pages/polish-says-en.html")]
    assert reasons[live.web.url("/feeds/big.xml")].startswith("the link leads to a feed")
    summary = next(i for i in live.store.items() if i.origin == "feed_summary")
    assert summary.note == "feed summary used: no article text found on the page (14 words)"
    document = live.service.store.get_document(summary.document_id or "")
    assert document is not None and document.title.endswith(SUMMARY_MARK)
    assert "3 new (1 from a feed summary)" in await live.listing()
    # skipped items are not read again on the next poll; the feed is unchanged anyway
    live.web.swap("/mixed.xml", rss_feed([*items, entry(NO_TROOPS[1])]))
    live.later()
    fetched = len(live.web.requests)
    again = await live.poll(source)
    assert (again.ingested, again.seen) == (1, 6)
    assert [r.path for r in live.web.requests[fetched:]] == ["/mixed.xml", page_path(NO_TROOPS[1])]


async def test_a_page_that_does_not_load_is_read_again_on_the_next_poll(live: Live) -> None:
    """A page failing for a reason that may pass (a 503, no summary) is retried, and the
    feed is fetched without validators until it is."""
    late = "/kyivwire.example/late.html"
    live.web.put("/late.xml", rss_feed([FeedItem(title="Late", link=late, guid="late")]))
    live.web.alias(late, "/status/503")
    source = await live.add("/late.xml")
    first = await live.poll(source)
    assert (first.ingested, first.retrying) == (0, 1)
    assert live.source(source).etag is None  # no 304 may hide the item next time
    live.web.alias(late, None)
    live.web.put(late, story_page(NO_TROOPS[2]))
    live.later()
    second = await live.poll(source)
    assert second.ingested == 1
    assert live.web.calls("/late.xml")[-1].header("If-None-Match") is None


async def test_a_page_source_is_re_read_when_it_changes(live: Live) -> None:
    path = "/kyivwire.example/live-blog.html"
    live.web.put(path, story_page(NO_TROOPS[0]))
    source = await live.add(path)
    assert source.kind == "page" and source.title == NO_TROOPS[0].title
    assert (await live.poll(source)).ingested == 1
    live.later()
    assert (await live.poll(source)).outcome == "not_modified"
    live.web.swap(path, story_page(READY))
    live.later()
    changed = await live.poll(source)
    assert (changed.outcome, changed.ingested) == ("new", 1)
    brief = live.service.brief(BriefRequest(actor="poland"))
    assert brief.points[0].stance == "supports"
    assert live.service.store.document_count() == 1  # the page's new text replaced the old

    for target, error in [
        ("/pages/no-article.html", "no article text found on the page"),
        ("/pages/polish.html", "the page is in 'pl'"),
        ("/pages/polish-says-en.html", "the text is not in an accepted language"),
    ]:
        live.web.alias(path, target)
        live.later(dt.timedelta(days=1))
        failed = await live.poll(source)
        assert failed.outcome == "failed" and (failed.error or "").startswith(error)
        assert error in await live.listing()
        assert live.service.store.document_count() == 1


# --- health: unhealthy, backoff, Retry-After, recovery, disabling -----------------------------


async def test_a_failing_source_turns_unhealthy_backs_off_and_recovers(live: Live) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
    source = await live.add("/kyiv/feed.xml")
    await live.poll(source)
    live.web.alias("/kyiv/feed.xml", "/status/500")
    waits = []
    for failures in (1, 2, 3, 4):
        live.clock.now = live.source(source).next_poll_at or live.clock.now
        report = await live.poll(source)
        assert report.outcome == "failed"
        broken = live.source(source)
        assert broken.consecutive_failures == failures
        assert broken.healthy is (failures < 3)
        assert live.jobs.next_run(source.id) == broken.next_poll_at
        waits.append((broken.next_poll_at or T0) - live.clock.now)
    assert waits == [HOUR, 2 * HOUR, 4 * HOUR, 6 * HOUR]  # doubling, capped at 6h
    listing = await live.listing()
    assert "UNHEALTHY, 4 failures in a row, last error: the site failed (HTTP 500" in listing
    assert f"next retry {(broken.next_poll_at or T0):%Y-%m-%d %H:%M} UTC" in listing

    # a poll before the retry time does nothing (the job checks it is due)
    early = await live.poll(source)
    assert early.outcome == "not_due"
    # Retry-After beyond the backoff is honoured
    live.web.alias("/kyiv/feed.xml", "/status/503?retry_after=86400")
    live.clock.now = broken.next_poll_at or T0
    await live.poll(source)
    assert (live.source(source).next_poll_at or T0) - live.clock.now == dt.timedelta(days=1)

    # the server is fixed: the next poll works and the source is healthy again
    live.web.alias("/kyiv/feed.xml", None)
    live.web.swap("/kyiv/feed.xml", feed(NO_TROOPS[:2]))
    live.clock.now = live.source(source).next_poll_at or T0
    recovered = await live.poll(source)
    assert (recovered.outcome, recovered.ingested) == ("new", 1)
    healthy = live.source(source)
    assert healthy.healthy and healthy.consecutive_failures == 0 and healthy.last_error is None
    assert healthy.item_count == 2
    assert (
        f"#{source.id} feed" in (listing := await live.listing()) and ": ok, last poll" in listing
    )


async def test_a_gone_source_is_disabled_and_a_fetch_brings_it_back_once_fixed(
    live: Live,
) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
    source = await live.add("/kyiv/feed.xml")
    await live.poll(source)
    live.web.alias("/kyiv/feed.xml", "/status/410")
    live.later()
    assert (await live.poll(source)).outcome == "disabled"
    assert live.jobs.next_run(source.id) is None
    await live.jobs.sync()
    assert live.jobs.next_run(source.id) is None  # a disabled source has no job
    assert (await live.say("sources fetch")).text == (
        "No source to fetch. Add one with `sources add <url>`."
    )
    tried = await live.say(f"sources fetch {source.id}")
    assert tried.error and "disabled: gone for good (HTTP 410)" in tried.text
    live.web.alias("/kyiv/feed.xml", None)
    back = await live.say(f"sources fetch {source.id}")
    assert not back.error and "not modified (HTTP 304)" in back.text
    assert not live.source(source).disabled
    await live.jobs.sync()
    assert live.jobs.next_run(source.id) == live.source(source).next_poll_at


# --- the grammar through the desk -------------------------------------------------------------


async def test_sources_commands_from_add_to_remove(live: Live) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:2]), content_type="application/rss+xml")
    url = live.web.url("/kyiv/feed.xml")
    added = await live.say(f"sources add {url} every 2h")
    assert added.text.startswith(f'Added #1: feed "Kyiv Wire: World" {url}, read every 2h')
    assert "(2 entries in it now)" in added.text and "`sources fetch 1`" in added.text
    assert (await live.say(f"sources add {url}")).text == (
        f'That source exists already: #1 feed "Kyiv Wire: World" {url}.'
    )
    listing = await live.listing()
    heading = f'Sources:\n#1 feed "Kyiv Wire: World" {url} every 2h, 0 items: '
    assert listing == heading + "not read yet, first poll now"
    fetched = await live.say("sources fetch 1")
    assert fetched.text.startswith(f'Fetched:\n#1 feed "Kyiv Wire: World" {url}: 2 new')
    assert "every 2h, 2 items: ok, last poll 2026-02-01 09:00 UTC, next 2026-02-01 11:00 UTC" in (
        await live.listing()
    )
    assert (await live.say("sources fetch 7")).text == (
        "There is no source #7; `sources list` shows the sources."
    )
    removed = await live.say("sources remove 1")
    assert removed.text == (
        f'Removed #1 feed "Kyiv Wire: World" {url}; the 2 items it brought stay in briefs and '
        "digests."
    )
    assert (await live.listing()).startswith("No sources yet.")
    assert live.service.store.document_count() == 2
    await live.jobs.sync()
    assert live.jobs.job_count == 0


@pytest.mark.parametrize(
    ("path", "start"),
    [
        ("/status/404", "Cannot add {url}: not found (HTTP 404)."),
        ("/image", "Cannot add {url}: not a web page or feed (image/png)."),
        ("/feeds/broken.xml", "Cannot add {url}: the feed is not well-formed XML ("),
        ("/pages/no-article.html", "Cannot add {url}: no article text found on the page"),
    ],
)
async def test_a_url_that_is_no_source_is_refused_with_the_reason(
    live: Live, path: str, start: str
) -> None:
    url = live.web.url(path)
    refused = await live.say(f"sources add {url}")
    assert refused.error and refused.text.startswith(start.format(url=url))
    assert live.store.list() == []


async def test_a_front_page_is_refused_with_the_feed_it_links_to(live: Live) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
    live.web.put(
        "/front.html",
        "<html><head><title>Kyiv Wire</title>"
        '<link rel="alternate" type="application/rss+xml" href="/kyiv/feed.xml">'
        "</head><body><p>Front page</p></body></html>",
    )
    refused = await live.say(f"sources add {live.web.url('/front.html')}")
    assert refused.error
    assert refused.text.endswith(
        f"It links to the feed {live.web.url('/kyiv/feed.xml')}: "
        f"`sources add {live.web.url('/kyiv/feed.xml')}`."
    )


async def test_private_addresses_are_refused_unless_allowed(service: BriefingService) -> None:
    """Sources come from chat: without SOURCES_PRIVATE_HOSTS the bot never reads loopback."""
    async with FakeWeb() as web, Fetcher(FetchConfig(), clock=Clock(T0)) as fetcher:
        web.put("/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
        store = SourceStore.for_store(service.store)
        desk = SourceDesk(SourcePoller(service, store, fetcher, clock=Clock(T0), owner="t:1:a"))
        command = parse_command(f"sources add {web.url('/feed.xml')}")
        assert isinstance(command, SourcesCommand)
        refused = await desk.answer(command, OPERATOR)
    assert refused.error and "127.0.0.1 is a private or local address" in refused.text
    assert web.requests == []


async def test_only_chat_admins_change_sources_and_anyone_lists_them(live: Live) -> None:
    member = Requester(platform="slack", user_id="U1", channel_id="C1", can_manage_channel=False)
    admin = member.model_copy(update={"can_manage_channel": True})
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
    url = live.web.url("/kyiv/feed.xml")
    for line in (f"sources add {url}", "sources remove 1", "sources fetch", "sources fetch 1"):
        refused = await live.say(line, member)
        assert refused.error and refused.text.startswith("Only chat admins can add, remove or")
        assert (await live.say(line, None)).text.startswith("Changing sources is not available")
    assert live.web.requests == [] and live.store.list() == []
    assert not (await live.say(f"sources add {url}", admin)).error
    assert (await live.say("sources list", member)).text.startswith("Sources:\n#1 feed")
    assert (await live.say("sources list", None)).text.startswith("Sources:\n#1 feed")


# --- politeness -------------------------------------------------------------------------------


async def test_polls_stay_within_the_fetch_cap_and_name_the_contact(live: Live) -> None:
    """Every source fetched at once: never more than the cap (3) in flight."""
    sources = []
    for n, story in enumerate((*STORIES, READY)):
        live.web.put(f"/f{n}.xml", feed([story]), content_type="application/rss+xml")
        sources.append(await live.add(f"/f{n}.xml"))
    live.web.max_in_flight = 0
    reports = await live.poller.poll_many([s.id for s in sources])
    assert [r.ingested for r in reports] == [1] * len(sources)
    assert 1 <= live.web.max_in_flight <= 3
    assert {r.header("User-Agent") for r in live.web.requests} == {
        f"briefbot/{live.poller.fetcher.config.version} (+{CONTACT})"
    }


async def test_a_source_polled_elsewhere_is_left_alone(live: Live) -> None:
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:1]), content_type="application/rss+xml")
    source = await live.add("/kyiv/feed.xml")
    assert live.store.claim(source.id, "other:9:zz", now=T0, until=T0 + HOUR)
    requests = len(live.web.requests)
    busy = await live.poll(source)
    assert busy.outcome == "busy" and len(live.web.requests) == requests
    assert live.service.store.document_count() == 0
    assert live.jobs.next_run(source.id) == T0  # still due: tried again at the next beat


async def test_a_document_the_analyzer_cannot_read_is_skipped_and_the_rest_kept(
    live: Live, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyzer = live.service.analyzer
    real: Callable[..., object] = analyzer.analyze_many

    def fragile(documents: Sequence[object]) -> object:
        if any("northernledger" in getattr(d, "name", "") for d in documents):
            raise ValueError("a bug in the analyzer")
        return real(documents)

    monkeypatch.setattr(analyzer, "analyze_many", fragile)
    live.web.put("/kyiv/feed.xml", feed(NO_TROOPS[:3]), content_type="application/rss+xml")
    source = await live.add("/kyiv/feed.xml")
    report = await live.poll(source)
    assert report.outcome == "new" and report.ingested == 2
    ((url, reason),) = report.skipped
    assert "northernledger" in url
    assert reason == "could not be analysed (ValueError: a bug in the analyzer)"
