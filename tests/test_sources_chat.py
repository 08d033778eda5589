"""`/sources` in the Slack and Discord emulators, with the real slack-bolt and discord.py,
the real desk and poller, and the fake web on loopback.

Anyone may list the sources; adding, removing and fetching need chat-admin rights
(Slack: a workspace admin or owner, or someone on DIGEST_SLACK_ADMINS; Discord: Manage
Channels in a server channel), and a DM grants none of them. Every answer is private.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import discord
import pytest
from emulators.discord import FakeDiscord
from emulators.slack import ADMIN_ID, DM_CHANNEL_ID, USER_ID, FakeSlack, SlackSender, im_message
from emulators.web import STORIES, FakeWeb
from test_outbox import Clock
from test_slack_app import slack_settings
from test_sources_live import T0, feed, fetch_config, make_service, page_path, story_page

from adapters.discord import DiscordRunner
from adapters.slack import SlackRunner, build_slack_app
from adapters.sources import SOURCES_REFUSAL, SourceDesk
from adapters.web.fetcher import Fetcher
from adapters.web.poller import SourcePoller
from bot.settings import DigestSettings, DiscordSettings
from briefs.analyzer import Analyzer
from briefs.catalog import Catalog
from briefs.service import BriefingService
from briefs.sources.store import SourceStore
from briefs.topics import TopicCatalog

LISTED_ID = "U0LISTED"  # on DIGEST_SLACK_ADMINS, not a workspace admin
MANAGE_CHANNELS = discord.Permissions(manage_channels=True).value


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy (AsyncWebClient ignores NO_PROXY) and no SLACK_* leaking into settings."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("BOT_TOKEN", "SIGNING_SECRET", "APP_TOKEN", "API_URL"):
        monkeypatch.delenv(f"SLACK_{name}", raising=False)


@pytest.fixture
async def web() -> AsyncIterator[FakeWeb]:
    async with FakeWeb(now=T0) as fake:
        for story in STORIES[:2]:
            fake.put(page_path(story), story_page(story))
        fake.put("/feed.xml", feed(STORIES[:2]), content_type="application/rss+xml")
        yield fake


@pytest.fixture
async def desk(
    tmp_path: Path, analyzer: Analyzer, catalog: Catalog, topics: TopicCatalog
) -> AsyncIterator[SourceDesk]:
    clock = Clock(T0)
    service = make_service(tmp_path / "chat.db", analyzer, catalog, topics, clock)
    async with Fetcher(fetch_config(), clock=clock) as fetcher:
        store = SourceStore.for_store(service.store)
        yield SourceDesk(SourcePoller(service, store, fetcher, clock=clock, owner="t:1:a"))
    service.store.close()


def service_of(desk: SourceDesk) -> BriefingService:
    return desk.poller.service


# --- Slack --------------------------------------------------------------------------------------


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user(LISTED_ID)
        yield fake


@pytest.fixture
async def slack_sender(desk: SourceDesk, slack: FakeSlack) -> AsyncIterator[SlackSender]:
    settings = slack_settings(slack)
    admins = DigestSettings(_env_file=None, slack_admins=frozenset({LISTED_ID}))
    app = build_slack_app(service_of(desk), settings, admins=admins, sources=desk)
    runner = SlackRunner(app, settings)
    await runner.start()
    assert runner.url is not None
    async with SlackSender(runner.url, slack) as sender:
        yield sender
    await runner.stop()


async def slash(
    slack: FakeSlack, sender: SlackSender, text: str, **where: str
) -> Mapping[str, Any]:
    """Run `/sources <text>`; the body of its response_url reply."""
    sent = await sender.slash("/sources", text, **where)
    assert sent.status == 200
    replies = await slack.wait_for(lambda: slack.responses(sent.response_id))
    return replies[0].body


async def test_slack_anyone_lists_and_only_admins_add_fetch_and_remove(
    desk: SourceDesk, slack: FakeSlack, slack_sender: SlackSender, web: FakeWeb
) -> None:
    url = web.url("/feed.xml")
    listed = await slash(slack, slack_sender, "list", user_id=USER_ID)
    assert listed["text"].startswith("No sources yet.") and listed["response_type"] == "ephemeral"

    refused = await slash(slack, slack_sender, f"add {url}", user_id=USER_ID)
    assert refused["text"] == SOURCES_REFUSAL and refused["response_type"] == "ephemeral"
    in_dm = await slash(
        slack, slack_sender, f"add {url}", user_id=USER_ID, channel_id=DM_CHANNEL_ID
    )
    assert in_dm["text"] == SOURCES_REFUSAL  # a DM is the person's, the sources are not
    assert desk.poller.store.list() == [] and web.requests == []

    added = await slash(slack, slack_sender, f"add {url} every 2h", user_id=ADMIN_ID)
    assert added["text"].startswith(f'Added #1: feed "Kyiv Wire: World" {url}, read every 2h')
    fetched = await slash(slack, slack_sender, "fetch 1", user_id=LISTED_ID)
    assert fetched["text"].startswith(f'Fetched:\n#1 feed "Kyiv Wire: World" {url}: 2 new')
    listed = await slash(slack, slack_sender, "list", user_id=USER_ID)
    assert "every 2h, 2 items: ok, last poll 2026-02-01 09:00 UTC" in listed["text"]
    assert (await slash(slack, slack_sender, "remove 1", user_id=USER_ID))["text"] == (
        SOURCES_REFUSAL
    )
    removed = await slash(slack, slack_sender, "remove 1", user_id=ADMIN_ID)
    assert removed["text"].startswith("Removed #1 feed")
    assert service_of(desk).store.document_count() == 2


async def test_slack_a_link_typed_in_a_dm_is_read_back_to_its_url(
    desk: SourceDesk, slack: FakeSlack, slack_sender: SlackSender, web: FakeWeb
) -> None:
    """Slack sends `<url|label>`; an admin's DM adds the URL itself."""
    url = web.url("/feed.xml")
    text = f"sources add <{url}|{url.removeprefix('http://')}> every 30m"
    await slack_sender.event(im_message(text, ts=slack.next_ts(), user=ADMIN_ID))
    [answer] = await slack.wait_for(lambda: slack.posts(DM_CHANNEL_ID))
    assert answer.body["text"].startswith(
        f'Added #1: feed "Kyiv Wire: World" {url}, read every 30m'
    )
    bad = "sources add kyivwire.example/feed.xml"
    await slack_sender.event(im_message(bad, ts=slack.next_ts(), user=ADMIN_ID))
    replies = await slack.wait_for(lambda: slack.posts(DM_CHANNEL_ID)[1:])
    assert replies[0].body["text"] == (
        "`kyivwire.example/feed.xml` has no scheme; did you mean "
        "`https://kyivwire.example/feed.xml`?"
    )


# --- Discord ------------------------------------------------------------------------------------


@pytest.fixture
async def discord_runner(
    discord_fake: FakeDiscord, desk: SourceDesk
) -> AsyncIterator[DiscordRunner]:
    settings = DiscordSettings(
        _env_file=None,
        token=discord_fake.token,
        api_url=discord_fake.api_url,
        gateway_url=discord_fake.gateway_url,
    )
    runner = DiscordRunner(service_of(desk), settings, sources=desk, guild_ready_timeout=0.01)
    await runner.start()
    await asyncio.wait_for(runner.bot.wait_until_ready(), 10)
    yield runner
    await runner.stop()


async def sources_command(
    fake: FakeDiscord, args: str, *, permissions: int | None = None, in_dm: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run `/sources args:<args>`; its callback and first followup."""
    pushed = await fake.slash_command(
        "sources", {"args": args}, permissions=permissions, in_dm=in_dm
    )
    callback = await fake.wait_for_callback(pushed)
    [followup, *_] = await fake.wait_for_followups(pushed)
    return callback.body, followup.body


async def test_discord_sources_need_manage_channels_in_a_server_channel(
    desk: SourceDesk, discord_fake: FakeDiscord, discord_runner: DiscordRunner, web: FakeWeb
) -> None:
    url = web.url("/feed.xml")
    callback, listed = await sources_command(discord_fake, "list")
    assert callback["data"]["flags"] == 64 and listed["flags"] == 64  # only for the asker
    assert listed["content"].startswith("No sources yet.")
    _, refused = await sources_command(discord_fake, f"add {url}")
    assert refused["content"] == SOURCES_REFUSAL
    _, in_dm = await sources_command(discord_fake, f"add {url}", in_dm=True)
    assert in_dm["content"] == SOURCES_REFUSAL
    await discord_fake.direct_message(f"sources add {url}")
    dm = discord_fake.dm_channel_id(discord_fake.user["id"])
    await discord_fake.wait_until(lambda: bool(discord_fake.posts(dm)))
    assert discord_fake.posts(dm)[0]["content"] == SOURCES_REFUSAL
    assert desk.poller.store.list() == []

    _, added = await sources_command(discord_fake, f"add {url}", permissions=MANAGE_CHANNELS)
    assert added["content"].startswith(f'Added #1: feed "Kyiv Wire: World" {url}, read every 1h')
    _, fetched = await sources_command(discord_fake, "fetch", permissions=MANAGE_CHANNELS)
    assert fetched["content"].startswith("Fetched:\n#1 feed") and ": 2 new" in fetched["content"]
    _, listed = await sources_command(discord_fake, "list")
    assert "2 items: ok" in listed["content"]
    _, bad = await sources_command(discord_fake, "add https://x.example every 1m")
    assert bad["content"] == "`1m` is too often: the shortest interval is 5m, e.g. `every 5m`."
