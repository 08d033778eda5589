"""Source polling on the digest scheduler: a job per source at its next poll time, the
sync job, the shared lease (one poller per database), and `briefbot run`'s wiring."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import cast

import pytest
from emulators.web import STORIES, FakeWeb
from test_outbox import Clock, Digests, Sleeps
from test_sources_live import (
    PausedScheduler,
    feed,
    fetch_config,
    make_service,
    page_path,
    story_page,
)
from test_sources_store import draft, open_sources
from test_subscriptions import BACKENDS, database_url

from adapters.web.fetcher import Fetcher
from adapters.web.poller import SourcePoller
from bot.lock import SchedulerLock
from bot.outbox import ConsoleSender, Outbox, RetryPolicy
from bot.polling import SYNC_JOB, SourceScheduler, SourcesSurface, job_id
from bot.runner import build_digest_runner, run_surfaces
from bot.scheduler import DigestRunner, DigestScheduler
from bot.settings import DigestSettings
from briefs.analyzer import Analyzer
from briefs.catalog import Catalog
from briefs.service import BriefingService
from briefs.sources.store import SourceStore
from briefs.subscriptions import SubscriptionStore
from briefs.topics import TopicCatalog

UTC = dt.UTC
T0 = dt.datetime(2026, 2, 1, 9, 0, tzinfo=UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sources(db_url: str) -> Iterator[SourceStore]:
    with open_sources(db_url) as store:
        yield store


def poller_over(store: SourceStore, clock: Clock, owner: str = "h:1:a") -> SourcePoller:
    """A poller for scheduling only: its service and fetcher are never used here."""
    return SourcePoller(
        cast(BriefingService, None), store, Fetcher(fetch_config()), clock=clock, owner=owner
    )


@pytest.fixture
async def paused() -> AsyncIterator[PausedScheduler]:
    scheduler = PausedScheduler(timezone=UTC)
    scheduler.start()
    yield scheduler
    scheduler.shutdown(wait=False)


async def test_start_schedules_each_enabled_source_at_its_next_poll(
    sources: SourceStore, paused: PausedScheduler
) -> None:
    clock = Clock(T0)
    due = sources.add(draft("https://a.example/rss"), now=T0 - HOUR)  # overdue: at once
    later = sources.add(draft("https://b.example/rss"), now=T0)
    sources.reschedule(later.id, T0 + 2 * HOUR)
    off = sources.add(draft("https://c.example/rss"), now=T0)
    sources.record_failure(
        off.id, now=T0, next_poll_at=T0, error="gone for good (HTTP 410)", failures=1,
        healthy=True, disabled=True,
    )  # fmt: skip
    jobs = SourceScheduler(poller_over(sources, clock), clock=clock)
    await jobs.start(paused)
    assert jobs.next_run(due.id) == T0
    assert jobs.next_run(later.id) == T0 + 2 * HOUR
    assert jobs.next_run(off.id) is None
    assert jobs.job_count == 2 and jobs.description == "2 source(s) polled"
    sync = paused.get_job(SYNC_JOB)
    assert sync is not None and sync.trigger.interval == dt.timedelta(minutes=1)
    jobs.shutdown()
    assert jobs.job_count == 0 and paused.get_job(SYNC_JOB) is None


async def test_sync_follows_sources_changed_by_other_processes(
    db_url: str, sources: SourceStore, paused: PausedScheduler
) -> None:
    clock = Clock(T0)
    first = sources.add(draft("https://a.example/rss"), now=T0)
    jobs = SourceScheduler(poller_over(sources, clock), clock=clock)
    await jobs.start(paused)
    with open_sources(db_url) as elsewhere:  # `briefbot sources ...` in another process
        second = elsewhere.add(draft("https://b.example/rss"), now=T0)
        elsewhere.reschedule(first.id, T0 + 3 * HOUR)  # polled there meanwhile
    assert await jobs.sync() == 2
    assert jobs.next_run(second.id) == T0 and jobs.next_run(first.id) == T0 + 3 * HOUR
    with open_sources(db_url) as elsewhere:
        elsewhere.remove(first.id)
    assert await jobs.sync() == 1
    assert jobs.next_run(first.id) is None and paused.get_job(job_id(second.id)) is not None


async def test_sources_poll_only_where_the_scheduler_lease_is_held(db_url: str) -> None:
    """Two runners on one database: the lease holder schedules digests and polls sources;
    the other stands by, answering chat, and takes over when the lease is released."""
    clock = Clock(T0)
    said: list[str] = []
    with open_sources(db_url) as one, open_sources(db_url) as two:
        one.add(draft(), now=T0)
        runners = [
            runner_over(store, clock, said.append, owner)
            for store, owner in ((one, "a:1:x"), (two, "b:2:y"))
        ]
        await runners[0].start()
        await runners[1].start()
        assert runners[0].description == (
            "scheduler running, 0 digest(s) scheduled, 1 source(s) polled"
        )
        assert runners[1].description == "standby, a:1 schedules digests"
        await runners[0].stop()
        await runners[1].beat()
        assert runners[1].description.endswith("1 source(s) polled")
        await runners[1].stop()


def runner_over(store: SourceStore, clock: Clock, say: object, owner: str) -> DigestRunner:
    subscriptions = SubscriptionStore(store.engine)
    subscriptions.create_schema()
    lock = SchedulerLock(store.engine, owner, clock=clock, ttl=dt.timedelta(seconds=60))
    poller = poller_over(store, clock, owner)

    def make() -> DigestScheduler:
        outbox = Outbox(
            subscriptions,
            Digests(),
            {},
            owner=owner,
            clock=clock,
            policy=RetryPolicy(attempts=1, backoff=0.0),
            sleep=Sleeps(),
        )
        return DigestScheduler(
            subscriptions,
            outbox,
            grace=dt.timedelta(hours=1),
            clock=clock,
            scheduler=PausedScheduler(timezone=UTC),
            companions=[SourceScheduler(poller, clock=clock)],
        )

    return DigestRunner(lock, make, say)  # type: ignore[arg-type]


async def test_a_due_source_is_polled_by_the_running_scheduler(
    tmp_path: Path, analyzer: Analyzer, catalog: Catalog, topics: TopicCatalog
) -> None:
    """With APScheduler running for real, an overdue source's job fires at once."""
    clock = Clock(T0)
    service = make_service(tmp_path / "run.db", analyzer, catalog, topics, clock)
    async with FakeWeb(now=T0) as web, Fetcher(fetch_config(), clock=clock) as fetcher:
        web.put(page_path(STORIES[0]), story_page(STORIES[0]))
        web.put("/feed.xml", feed(STORIES[:1]), content_type="application/rss+xml")
        store = SourceStore.for_store(service.store)
        source = store.add(draft(web.url("/feed.xml")), now=T0 - HOUR)
        poller = SourcePoller(service, store, fetcher, clock=clock, owner="h:1:a")
        scheduler = DigestScheduler(
            SubscriptionStore.for_store(service.store),
            Outbox(SubscriptionStore.for_store(service.store), Digests(), {}, owner="h:1:a",
                   clock=clock, policy=RetryPolicy(attempts=1, backoff=0.0), sleep=Sleeps()),
            grace=dt.timedelta(hours=1),
            clock=clock,
            companions=[SourceScheduler(poller, clock=clock)],
        )  # fmt: skip
        await scheduler.start()
        try:
            async with asyncio.timeout(10):
                while (store.get(source.id) or source).last_polled_at is None:
                    await asyncio.sleep(0.02)
        finally:
            scheduler.shutdown()
    polled = store.get(source.id)
    assert polled is not None and polled.item_count == 1 and polled.next_poll_at == T0 + HOUR
    service.store.close()


async def test_briefbot_run_polls_sources_with_the_digests_and_stops_cleanly(
    tmp_path: Path,
) -> None:
    """`run` with the sources surface and the polling companion; SIGTERM stops both."""
    from conftest import make_service as bot_service

    service = bot_service(tmp_path / "run.db")
    store = SourceStore.for_store(service.store)
    store.add(draft(), now=T0)
    clock = Clock(T0)
    said: list[str] = []
    poller = SourcePoller(service, store, Fetcher(fetch_config()), clock=clock, owner="h:1:a")
    surface = SourcesSurface(poller, contact_set=False)

    def companions() -> tuple[SourceScheduler]:
        return (SourceScheduler(poller, clock=clock),)

    settings = DigestSettings(_env_file=None)
    runner = build_digest_runner(
        service, settings, {"console": ConsoleSender(said.append)}, said.append, clock, companions
    )
    asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)
    assert await run_surfaces([("Sources", surface), ("Digests", runner)], said.append) == 0
    assert said[0].startswith("Sources on: 1 source(s), polled while this process holds the")
    assert said[0].endswith("(set SOURCES_CONTACT_URL: sites should be able to reach you)")
    assert said[1] == "Digests on: scheduler running, 0 digest(s) scheduled, 1 source(s) polled"
    assert said[-1] == "Stopping…" and not runner.active
    assert poller.fetcher._session is None  # closed
    service.store.close()
