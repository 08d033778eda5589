"""The soak run (issue 10): simulated days of feed polls and daily digests, with faults.

Opt-in, not in the default run:  BRIEFBOT_SOAK_DAYS=20 .venv/bin/python -m pytest -q -s
tests/test_soak.py. Each simulated day the fake web publishes a new article in a feed,
polled every 6 hours through the real fetcher, poller and spaCy analyzer; at 08:00 UTC
the real scheduler and outbox post the day's digest to the fake Slack through the real
SlackDigestSender. Faults are injected on a fixed rotation: the feed answers 500, 429
or a reset connection, chat.postMessage answers 429 or 500, and the Slack endpoint gets
malformed and replayed requests; after each fault the bot must still answer a signed
/actors. Half way through, every object is thrown away and rebuilt over the same
database (a restart). The run prints its figures and asserts none were lost or doubled.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from emulators.slack import CHANNEL_ID, FakeSlack, SlackSender, slash_command_form
from emulators.web import FakeWeb, Story
from test_outbox import Clock, Sleeps
from test_slack_app import slack_settings
from test_sources_live import (
    PausedScheduler,
    entry,
    fetch_config,
    page_path,
    rss_feed,
    story_page,
)

from adapters.slack import SlackRunner, build_slack_app
from adapters.slack.app import web_client
from adapters.slack.digests import EVENT_TYPE, SlackDigestSender
from adapters.web.fetcher import Fetcher
from adapters.web.poller import PollPolicy, SourcePoller
from bot.outbox import Outbox, RetryPolicy
from bot.polling import SourceScheduler
from bot.scheduler import DigestScheduler
from briefs.analyzer import Analyzer
from briefs.catalog import Catalog
from briefs.service import BriefingService
from briefs.sources.store import SourceStore
from briefs.store import Store
from briefs.subscriptions import SubscriptionDraft, SubscriptionStore
from briefs.topics import TopicCatalog

DAYS = int(os.environ.get("BRIEFBOT_SOAK_DAYS", "0"))
pytestmark = pytest.mark.skipif(DAYS < 1, reason="the soak run is opt-in: BRIEFBOT_SOAK_DAYS=20")

START = dt.datetime(2026, 3, 1, 0, 0, tzinfo=dt.UTC)
FEED = "/soak/feed.xml"
POLLS_PER_DAY = 4
FEED_FAULTS = ("/status/500", "/status/429", "/reset")
ACTORS = ("Poland", "France", "Germany", "Italy", "Spain")
POSITIONS = ("will not send troops to Ukraine", "is ready to send troops to Ukraine")


def day_story(day: int) -> Story:
    actor, position = ACTORS[day % len(ACTORS)], POSITIONS[day % 2]
    return Story(
        slug=f"day-{day}",
        story=f"day-{day}",
        outlet="Soak Wire",
        host="soakwire.example",
        title=f"{actor} on troops, day {day}",
        published=(START + dt.timedelta(days=day)).date(),
        paragraphs=(
            f"{actor} {position}, its defence minister said on day {day} of the talks.",
            f"Officials said the position was discussed with allies at meeting number {day}.",
        ),
    )


class Bot:
    """One process's worth of objects over the shared database: thrown away on restart."""

    def __init__(self, db: Path, analyzer: Analyzer, clock: Clock, slack: FakeSlack) -> None:
        catalog, topics = analyzer.catalog, analyzer.topics
        self.service = BriefingService(
            Store.open_sqlite(db), catalog, topics, lambda: analyzer, clock=clock
        )
        self.clock, self.slack = clock, slack
        self.settings = slack_settings(slack)

    async def start(self) -> None:
        self.fetcher = Fetcher(fetch_config(), clock=self.clock)
        await self.fetcher.open()
        self.sources = SourceStore.for_store(self.service.store)
        self.poller = SourcePoller(
            self.service, self.sources, self.fetcher, clock=self.clock, owner="soak:1:aa",
            policy=PollPolicy(unhealthy_after=3, max_backoff_s=6 * 3600),
        )  # fmt: skip
        self.aps: AsyncIOScheduler = PausedScheduler(timezone=dt.UTC)
        self.aps.start()
        self.jobs = SourceScheduler(self.poller, clock=self.clock)
        await self.jobs.start(self.aps)
        store = SubscriptionStore.for_store(self.service.store)
        outbox = Outbox(
            store, self.service.digest, {"slack": SlackDigestSender(web_client(self.settings))},
            owner="soak:1:aa", clock=self.clock, sleep=Sleeps(),
            policy=RetryPolicy(attempts=5, backoff=0.0, timeout=20.0),
        )  # fmt: skip
        self.digests = DigestScheduler(store, outbox, grace=dt.timedelta(hours=1), clock=self.clock)
        self.runner = SlackRunner(build_slack_app(self.service, self.settings), self.settings)
        await self.runner.start()

    async def stop(self) -> None:
        await self.runner.stop()
        self.jobs.shutdown()
        self.aps.shutdown(wait=False)
        await self.fetcher.close()
        self.service.store.close()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


async def answers(bot: Bot, sender: SlackSender) -> bool:
    sent = await sender.slash("/actors", "")
    replies = await bot.slack.wait_for(lambda: bot.slack.responses(sent.response_id))
    return sent.status == 200 and bool(replies)


async def hostile_requests(bot: Bot, sender: SlackSender) -> int:
    """A malformed request and a replayed genuine one; returns how many were sent."""
    assert bot.runner.url is not None
    async with aiohttp.ClientSession(trust_env=False) as session:
        headers = {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=1"}
        async with session.post(bot.runner.url, data=b"\xff\xfe", headers=headers) as response:
            assert response.status == 401
    url, response_id = bot.slack.new_response_url()
    body = urlencode(slash_command_form("/actors", "", response_url=url))
    stamp = int(time.time())
    for _ in range(2):
        assert (await sender.post(body, "application/x-www-form-urlencoded", stamp)).status == 200
    await bot.slack.wait_for(lambda: bot.slack.responses(response_id))
    return 3


async def test_soak(
    tmp_path: Path, analyzer: Analyzer, catalog: Catalog, topics: TopicCatalog, slack: FakeSlack
) -> None:
    began = time.perf_counter()
    clock = Clock(START)
    faults: Counter[str] = Counter()
    answered_after_fault = True
    async with FakeWeb(now=START) as web:
        web.put(FEED, rss_feed([], title="Soak Wire"), content_type="application/rss+xml")
        bot = Bot(tmp_path / "soak.db", analyzer, clock, slack)
        await bot.start()
        source = await _add_source(bot, web)
        store = SubscriptionStore.for_store(bot.service.store)
        subscription = store.add(
            SubscriptionDraft(
                platform="slack", channel_id=CHANNEL_ID, created_by="U0ADMIN", at=dt.time(8, 0),
                tz="UTC", quiet=False,
            ),
            now=START,
        )  # fmt: skip
        published: list[Story] = []
        for day in range(DAYS):
            if day == DAYS // 2:  # a restart: every object rebuilt over the same database
                await bot.stop()
                bot = Bot(tmp_path / "soak.db", analyzer, clock, slack)
                await bot.start()
                faults["restart"] += 1
            story = day_story(day)
            published.append(story)
            web.put(page_path(story), story_page(story))
            web.put(FEED, rss_feed([entry(s) for s in published[-10:]], title="Soak Wire"),
                    content_type="application/rss+xml")  # fmt: skip
            async with SlackSender(bot.runner.url or "", slack) as sender:
                for poll in range(POLLS_PER_DAY):
                    clock.now = START + dt.timedelta(days=day, hours=6 * poll + 1)
                    web.now = clock.now
                    fault = FEED_FAULTS[(day + poll) % 3] if (day + poll) % 4 == 0 else None
                    web.alias(FEED, fault)
                    if fault:
                        faults[f"feed {fault}"] += 1
                    await bot.jobs.poll(source)
                    web.alias(FEED, None)
                    if poll == 1:  # 07:00 polled; the 08:00 digest follows
                        await _fire_digest(bot, subscription.id, day, faults)
                        if day % 3 == 0:
                            faults["malformed + replayed requests"] += await hostile_requests(
                                bot, sender
                            )
                        answered_after_fault = answered_after_fault and await answers(bot, sender)
        # A last, clean poll a day later picks up anything a fault made wait.
        clock.now += dt.timedelta(days=1)
        web.now = clock.now
        await bot.jobs.poll(source)
        stored = bot.service.store.document_count()
        await bot.stop()
    figures = _figures(slack, published, stored, faults, DAYS, time.perf_counter() - began)
    print("\nSOAK", figures)
    assert figures["digests_lost"] == 0 and figures["digests_duplicated"] == 0
    assert figures["documents_lost"] == 0 and answered_after_fault


async def _add_source(bot: Bot, web: FakeWeb) -> Any:
    from adapters.commands import Requester, SourcesCommand, parse_command
    from adapters.sources import SourceDesk

    operator = Requester(
        platform="console", user_id="op", channel_id="console", can_manage_channel=True
    )
    command = parse_command(f"sources add {web.url(FEED)} every 6h")
    assert isinstance(command, SourcesCommand)
    notice = await SourceDesk(bot.poller).answer(command, operator)
    assert not notice.error, notice.text
    found = bot.sources.find_url(web.url(FEED))
    assert found is not None
    return found.id


async def _fire_digest(bot: Bot, subscription_id: int, day: int, faults: Counter[str]) -> None:
    bot.clock.now = START + dt.timedelta(days=day, hours=8, seconds=30)
    if day % 2 == 1:
        status = 429 if day % 4 == 1 else 500
        bot.slack.fail_next("chat.postMessage", status=status, times=2)
        faults[f"chat.postMessage {status}"] += 2
    await bot.digests.fire(subscription_id)


def _figures(
    slack: FakeSlack,
    published: list[Story],
    stored: int,
    faults: Counter[str],
    days: int,
    seconds: float,
) -> dict[str, object]:
    payloads = [
        post.body["metadata"]["event_payload"]
        for post in slack.posts(CHANNEL_ID)
        if post.ok and (post.body.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]
    keys = Counter((payload["key"], payload["part"]) for payload in payloads)
    delivered = {key for key, _ in keys}
    return {
        "simulated_days": days,
        "digests_expected": days,
        "digests_delivered": len(delivered),
        "digests_duplicated": sum(n - 1 for n in keys.values()),
        "digests_lost": days - len(delivered),
        "documents_expected": len(published),
        "documents_ingested": stored,
        "documents_lost": len(published) - stored,
        "faults_injected": dict(faults),
        "faults_total": sum(faults.values()),
        "wall_seconds": round(seconds, 1),
    }
