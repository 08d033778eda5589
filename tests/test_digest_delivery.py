"""Digests end to end in the platform emulators: real slack-bolt and discord.py, the real
SubscriptionStore on a tmp SQLite file, the real DigestScheduler and Outbox.

A subscription is made through the chat grammar (a slash command, a DM), then the
scheduler's job body (`DigestScheduler.fire`) runs with an injected clock just after
the 08:00 Warsaw fire time: nothing sleeps until a fire time. The corpus is the
two-step one: Tusk rules troops out (ingested a week before), then is ready to send
them (ingested the day before the digest), so the digest shows the change with both
quotes. Faults are the emulators' own: an injected 429 or 500 must still end in
exactly one post, and a run sent again (the crash window) must not post twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import shutil
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import discord
import pytest
from emulators.discord import FakeDiscord
from emulators.slack import (
    ADMIN_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    USER_ID,
    USER_TZ,
    FakeSlack,
    Recorded,
    SlackSender,
    app_mention,
    im_message,
)
from test_digest_service import STEP_1, STEP_2, article
from test_outbox import Clock, Sleeps
from test_render_digest import generated_digest
from test_slack_app import all_text as slack_text
from test_slack_app import assert_within_limits as assert_slack_limits
from test_slack_app import leaf_texts, slack_settings

from adapters.discord import DiscordDigestSender, DiscordRunner
from adapters.discord.digests import message_nonce
from adapters.replies import CHANNEL_REFUSAL
from adapters.slack import SlackDigestSender, SlackRunner, build_slack_app
from adapters.slack import posting as slack_posting
from adapters.slack.digests import EVENT_TYPE
from bot.outbox import DigestSender, Outbox, RetryPolicy
from bot.runner import build_surfaces, digest_senders
from bot.scheduler import DigestScheduler
from bot.settings import DigestSettings, DiscordSettings
from briefs.models import Digest, DigestRequest
from briefs.service import BriefingService
from briefs.subscriptions import Platform, Subscription, SubscriptionStore, run_key

INGESTED_1 = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
INGESTED_2 = dt.datetime(2026, 1, 12, 9, 0, tzinfo=dt.UTC)
# 08:00 Europe/Warsaw on Tuesday 13 January 2026 (CET, UTC+1): the fire after step 2.
FIRE = dt.datetime(2026, 1, 13, 7, 0, tzinfo=dt.UTC)
PERIOD = dt.date(2026, 1, 13)
SUBSCRIBE = "subscribe poland at 08:00 tz Europe/Warsaw"
LISTED_ID = "U0LISTED"  # on DIGEST_SLACK_ADMINS, not a workspace admin
CHANGE = "OPPOSES (2026-01-05) → SUPPORTS (2026-01-12)"
MANAGE_CHANNELS = discord.Permissions(manage_channels=True).value


# --- the corpus, one copy per test ------------------------------------------------------------


@pytest.fixture(scope="module")
def template_db(
    tmp_path_factory: pytest.TempPathFactory, service_at: Callable[[Path], BriefingService]
) -> Path:
    """The two-step corpus ingested once, with the real model, into a SQLite file."""
    root = tmp_path_factory.mktemp("digest-delivery")
    first = article(root / "articles", "step-1.txt", "Tusk rules out troops", "2026-01-05", STEP_1)
    second = article(
        root / "articles", "step-2.txt", "Tusk ready to send troops", "2026-01-12", STEP_2
    )
    service = service_at(root / "template.db")
    service.ingest([first], now=INGESTED_1)
    service.ingest([second], now=INGESTED_2)
    service.store.close()
    return root / "template.db"


@pytest.fixture
def corpus(
    template_db: Path, tmp_path: Path, service_at: Callable[[Path], BriefingService]
) -> Iterator[BriefingService]:
    """A service over a fresh copy of the two-step corpus: subscriptions start empty."""
    for file in template_db.parent.glob(template_db.name + "*"):
        shutil.copy(file, tmp_path / file.name)
    service = service_at(tmp_path / template_db.name)
    yield service
    service.store.close()


def subscriptions(service: BriefingService) -> SubscriptionStore:
    return SubscriptionStore.for_store(service.store)


def scheduler_for(
    service: BriefingService, platform: Platform, sender: DigestSender, **policy: Any
) -> DigestScheduler:
    """The real scheduler and outbox, their clock 30 seconds past the 08:00 Warsaw fire."""
    clock = Clock(FIRE + dt.timedelta(seconds=30))
    store = subscriptions(service)
    outbox = Outbox(
        store,
        service.digest,
        {platform: sender},
        owner="test:1:aa",
        clock=clock,
        policy=RetryPolicy(**{"attempts": 3, "backoff": 0.0, "timeout": 20.0, **policy}),
        sleep=Sleeps(),
    )
    return DigestScheduler(store, outbox, grace=dt.timedelta(minutes=60), clock=clock)


def the_subscription(service: BriefingService) -> Subscription:
    [subscription] = subscriptions(service).list()
    return subscription


def sent_run_ref(service: BriefingService, subscription: Subscription) -> str:
    run = subscriptions(service).get_run(subscription.id, PERIOD)
    assert run is not None and run.status == "sent", run
    assert run.message_ref is not None
    return run.message_ref


# --- Slack --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy (AsyncWebClient ignores NO_PROXY) and no SLACK_* leaking into settings."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("BOT_TOKEN", "SIGNING_SECRET", "APP_TOKEN", "API_URL"):
        monkeypatch.delenv(f"SLACK_{name}", raising=False)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_user(LISTED_ID)
        yield fake


@pytest.fixture
async def slack_runner(corpus: BriefingService, slack: FakeSlack) -> AsyncIterator[SlackRunner]:
    """The real app over HTTP, with LISTED_ID on the digest allow-list."""
    settings = slack_settings(slack)
    admins = DigestSettings(_env_file=None, slack_admins=frozenset({LISTED_ID}))
    runner = SlackRunner(build_slack_app(corpus, settings, admins=admins), settings)
    await runner.start()
    yield runner
    await runner.stop()


@pytest.fixture
async def slack_sender(slack_runner: SlackRunner, slack: FakeSlack) -> AsyncIterator[SlackSender]:
    assert slack_runner.url is not None
    async with SlackSender(slack_runner.url, slack) as sender:
        yield sender


async def slash_reply(
    slack: FakeSlack, sender: SlackSender, text: str, **where: str
) -> Mapping[str, Any]:
    """Run `/digest <text>`; the body of its (first) response_url reply."""
    sent = await sender.slash("/digest", text, **where)
    assert sent.status == 200
    replies = await slack.wait_for(lambda: slack.responses(sent.response_id))
    return replies[0].body


def digest_posts(slack: FakeSlack, channel: str) -> list[Recorded]:
    """Delivered chat.postMessage calls carrying digest metadata."""
    return [
        post
        for post in slack.posts(channel)
        if (post.body.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def assert_slack_change(post: Recorded) -> None:
    """The two-step change, both quotes verbatim in rich text, within Slack's limits."""
    assert_slack_limits(post.body)
    text = slack_text(post)
    assert CHANGE in text
    quotes = [
        element["elements"][0]["text"]
        for block in post.body["blocks"]
        if block["type"] == "rich_text"
        for element in block["elements"]
        if element["type"] == "rich_text_quote"
    ]
    assert quotes == [STEP_1, STEP_2]


async def test_slack_channel_digest_is_set_up_by_a_permitted_user_and_posted(
    corpus: BriefingService, slack: FakeSlack, slack_sender: SlackSender, slack_runner: SlackRunner
) -> None:
    """A member is refused; an admin subscribes the channel; at 08:00 the digest is posted
    there once, showing the change with both quotes, marked with the run's key."""
    refused = await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=USER_ID)
    assert refused["text"] == CHANNEL_REFUSAL
    assert refused["response_type"] == "ephemeral"
    assert subscriptions(corpus).list() == []

    made = await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=ADMIN_ID)
    assert made["text"].startswith("Subscribed: #1 Poland: daily at 08:00 Europe/Warsaw")
    assert made["response_type"] == "ephemeral"
    subscription = the_subscription(corpus)
    assert (subscription.channel_id, subscription.is_dm) == (CHANNEL_ID, False)
    assert subscription.created_by == ADMIN_ID
    assert [c.body["user"] for c in slack.calls("users.info")] == [USER_ID, ADMIN_ID]

    scheduler = scheduler_for(corpus, "slack", slack_runner.digest_sender())
    await scheduler.fire(subscription.id)

    [post] = digest_posts(slack, CHANNEL_ID)
    assert_slack_change(post)
    assert post.body["metadata"]["event_payload"] == {
        "key": run_key(subscription.id, PERIOD),
        "part": 0,
        "parts": 1,
    }
    assert sent_run_ref(corpus, subscription) == slack.history[CHANNEL_ID][0]["ts"]
    await scheduler.fire(subscription.id)  # the job firing again for the same day
    assert len(slack.posts()) == 1


@pytest.mark.parametrize(
    ("user", "channel", "manages"),
    [
        (USER_ID, CHANNEL_ID, False),
        (ADMIN_ID, CHANNEL_ID, True),
        (LISTED_ID, CHANNEL_ID, True),
        (USER_ID, DM_CHANNEL_ID, True),
    ],
    ids=["member", "workspace-admin", "allow-listed", "member-in-their-dm"],
)
async def test_slack_permission_is_admin_or_allow_list_or_a_dm(
    corpus: BriefingService,
    slack: FakeSlack,
    slack_sender: SlackSender,
    user: str,
    channel: str,
    manages: bool,
) -> None:
    reply = await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=user, channel_id=channel)
    assert (reply["text"] != CHANNEL_REFUSAL) is manages
    made = subscriptions(corpus).list()
    assert [(s.channel_id, s.is_dm) for s in made] == (
        [(channel, channel == DM_CHANNEL_ID)] if manages else []
    )


@pytest.mark.parametrize("status", [429, 500])
async def test_slack_digest_after_a_429_or_500_is_posted_exactly_once(
    corpus: BriefingService,
    slack: FakeSlack,
    slack_sender: SlackSender,
    slack_runner: SlackRunner,
    status: int,
) -> None:
    """The client waits out Retry-After (1 s) or backs off after the 500: one post."""
    await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=ADMIN_ID)
    subscription = the_subscription(corpus)
    slack.fail_next("chat.postMessage", status=status, retry_after=1 if status == 429 else None)
    await scheduler_for(corpus, "slack", slack_runner.digest_sender()).fire(subscription.id)
    attempts = slack.calls("chat.postMessage")
    assert [a.status for a in attempts] == [status, 200]
    if status == 429:
        assert attempts[1].at - attempts[0].at >= 1.0
    [post] = digest_posts(slack, CHANNEL_ID)
    assert_slack_change(post)
    run = subscriptions(corpus).get_run(subscription.id, PERIOD)
    assert run is not None and (run.status, run.attempts) == ("sent", 1)


async def test_slack_failure_past_the_client_retries_is_retried_by_the_outbox_once(
    corpus: BriefingService,
    slack: FakeSlack,
    slack_sender: SlackSender,
    slack_runner: SlackRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A 500 the client gives up on fails the outbox's first attempt; the second posts."""
    await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=ADMIN_ID)
    monkeypatch.setattr(slack_posting, "SERVER_ERROR_RETRIES", 0)
    sender = slack_runner.digest_sender()  # its client gets the handlers as patched
    slack.fail_next("chat.postMessage", status=500, retry_after=None)
    subscription = the_subscription(corpus)
    await scheduler_for(corpus, "slack", sender).fire(subscription.id)
    assert [a.status for a in slack.calls("chat.postMessage")] == [500, 200]
    assert len(digest_posts(slack, CHANNEL_ID)) == 1
    run = subscriptions(corpus).get_run(subscription.id, PERIOD)
    assert run is not None and (run.status, run.attempts) == ("sent", 2)


async def test_slack_dm_digest_goes_to_the_persons_dm(
    corpus: BriefingService, slack: FakeSlack, slack_sender: SlackSender, slack_runner: SlackRunner
) -> None:
    """`digest subscribe poland` typed in the DM is the person's own (their users.info zone),
    and at 08:00 their time it is posted in their DM, opened with conversations.open."""
    await slack_sender.event(im_message("digest subscribe poland", ts=slack.next_ts()))
    [answer] = await slack.wait_for(lambda: slack.posts(DM_CHANNEL_ID))
    assert answer.body["text"].startswith(f"Subscribed: #1 Poland: daily at 08:00 {USER_TZ}")
    subscription = the_subscription(corpus)
    assert (subscription.is_dm, subscription.created_by, subscription.tz) == (
        True,
        USER_ID,
        USER_TZ,
    )
    await scheduler_for(corpus, "slack", slack_runner.digest_sender()).fire(subscription.id)
    assert [c.body["users"] for c in slack.calls("conversations.open")] == [USER_ID]
    [post] = digest_posts(slack, DM_CHANNEL_ID)
    assert_slack_change(post)
    assert digest_posts(slack, CHANNEL_ID) == []


async def test_slack_previews_are_only_for_the_asker(
    corpus: BriefingService,
    slack: FakeSlack,
    slack_sender: SlackSender,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`/digest preview` is an ephemeral response; `@briefbot digest preview` in a channel
    is chat.postEphemeral to the asker; neither is posted in the channel."""
    monkeypatch.setattr(corpus, "clock", lambda: FIRE)  # the preview covers the day to FIRE
    await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=ADMIN_ID)
    preview = await slash_reply(slack, slack_sender, "preview 1")
    assert preview["response_type"] == "ephemeral"
    assert preview["blocks"][0]["elements"][0]["text"] == "Preview of digest #1, only for you:"
    assert_slack_limits(preview)
    assert CHANGE in slack_text_of(preview)
    ts = slack.next_ts()
    await slack_sender.event(app_mention("digest preview 1", ts=ts))
    [private] = await slack.wait_for(lambda: slack.delivered("chat.postEphemeral"))
    assert (private.body["channel"], private.body["user"]) == (CHANNEL_ID, USER_ID)
    assert private.body["thread_ts"] == ts
    assert "Preview of digest #1, only for you:" in private.body["text"]
    assert CHANGE in slack_text_of(private.body)
    assert slack.posts(CHANNEL_ID) == []


def slack_text_of(body: Mapping[str, Any]) -> str:
    return "\n".join([str(body.get("text", "")), *leaf_texts(body.get("blocks"))])


async def test_slack_run_sent_again_after_a_lost_reply_is_not_posted_twice(
    corpus: BriefingService, slack: FakeSlack, slack_sender: SlackSender, slack_runner: SlackRunner
) -> None:
    """The crash window: Slack took the post but the run was never marked sent. Sending the
    run again finds its key in the channel's history and posts nothing new."""
    await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=ADMIN_ID)
    subscription = the_subscription(corpus)
    digest = corpus.digest(DigestRequest(actors=("poland",), until=FIRE))
    sender = slack_runner.digest_sender()
    key = run_key(subscription.id, PERIOD)
    first = await sender.send(subscription, digest, key=key)
    again = await sender.send(subscription, digest, key=key)
    assert first == again
    assert len(digest_posts(slack, CHANNEL_ID)) == 1
    history = slack.calls("conversations.history")
    assert [c.body["include_all_metadata"] for c in history] == ["1", "1"]


async def test_slack_retry_after_a_partial_send_posts_only_the_missing_parts(
    corpus: BriefingService,
    slack: FakeSlack,
    slack_sender: SlackSender,
    slack_runner: SlackRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A three-message digest whose second message fails for good: the outbox's next attempt
    posts messages 2 and 3 only, so the channel has each part exactly once."""
    await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=ADMIN_ID)
    monkeypatch.setattr(corpus, "digest", lambda request: big_digest(request))
    monkeypatch.setattr(slack_posting, "SERVER_ERROR_RETRIES", 0)
    sender = slack_runner.digest_sender()
    # message 1 goes through, message 2 fails (and the client does not retry 5xx here)
    slack.fail_next("chat.postMessage", status=503, retry_after=None, after=1)
    subscription = the_subscription(corpus)
    await scheduler_for(corpus, "slack", sender).fire(subscription.id)
    parts = [p.body["metadata"]["event_payload"]["part"] for p in digest_posts(slack, CHANNEL_ID)]
    assert parts == [0, 1, 2]
    assert [c.status for c in slack.calls("chat.postMessage")] == [200, 503, 200, 200]
    run = subscriptions(corpus).get_run(subscription.id, PERIOD)
    assert run is not None and (run.status, run.attempts) == ("sent", 2)


def big_digest(request: DigestRequest) -> Digest:
    """A digest that takes three Slack messages and three Discord messages."""
    digest = generated_digest(20, 40, 5, 1200, 100, 5)
    return digest.model_copy(update={"since": request.start, "until": request.until})


async def test_slack_without_history_scope_still_posts_and_says_so(
    corpus: BriefingService,
    slack: FakeSlack,
    slack_sender: SlackSender,
    slack_runner: SlackRunner,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A workspace that did not grant channels:history: the check is skipped with a warning."""
    await slash_reply(slack, slack_sender, SUBSCRIBE, user_id=ADMIN_ID)
    slack.refuse("conversations.history", "missing_scope")
    subscription = the_subscription(corpus)
    with caplog.at_level(logging.WARNING, logger="adapters.slack"):
        await scheduler_for(corpus, "slack", slack_runner.digest_sender()).fire(subscription.id)
    assert len(digest_posts(slack, CHANNEL_ID)) == 1
    assert any("missing_scope" in r.getMessage() for r in caplog.records)


# --- Discord ------------------------------------------------------------------------------


@pytest.fixture
async def discord_runner(
    discord_fake: FakeDiscord, corpus: BriefingService
) -> AsyncIterator[DiscordRunner]:
    settings = DiscordSettings(
        _env_file=None,
        token=discord_fake.token,
        api_url=discord_fake.api_url,
        gateway_url=discord_fake.gateway_url,
    )
    runner = DiscordRunner(corpus, settings, guild_ready_timeout=0.01)
    await runner.start()
    await asyncio.wait_for(runner.bot.wait_until_ready(), 10)
    yield runner
    await runner.stop()


async def digest_command(
    fake: FakeDiscord, args: str, *, permissions: int | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Run `/digest args:<args>` in the guild channel; its callback and first followup."""
    pushed = await fake.slash_command("digest", {"args": args}, permissions=permissions)
    callback = await fake.wait_for_callback(pushed)
    [followup, *_] = await fake.wait_for_followups(pushed)
    return callback.body, followup.body


def digest_messages(fake: FakeDiscord, channel_id: str) -> list[dict[str, Any]]:
    """Messages the bot posted in a channel with a digest nonce."""
    return [m for m in fake.posts(channel_id) if str(m.get("nonce", "")).startswith("digest-")]


def discord_description_quotes(message: dict[str, Any]) -> str:
    return "\n".join(e.get("description", "") for e in message["embeds"])


def assert_discord_change(message: dict[str, Any]) -> None:
    from emulators.discord import message_problems

    assert message_problems(message) == []
    text = discord_description_quotes(message)
    assert "**OPPOSES (2026-01-05)** → **SUPPORTS (2026-01-12)**" in text
    assert f"*Before:*\n> {STEP_1}\n" in text
    assert f"*After:*\n> {STEP_2}\n" in text


async def test_discord_channel_digest_is_set_up_with_manage_channels_and_posted(
    corpus: BriefingService, discord_fake: FakeDiscord, discord_runner: DiscordRunner
) -> None:
    """Without Manage Channels /digest subscribe is refused; with it the channel subscribes;
    at 08:00 the digest is posted there once, with a nonce Discord enforces."""
    callback, refused = await digest_command(discord_fake, SUBSCRIBE)
    assert callback["type"] == 5 and callback["data"]["flags"] == 64  # ephemeral "thinking"
    assert refused["content"] == CHANNEL_REFUSAL
    assert subscriptions(corpus).list() == []

    _, made = await digest_command(discord_fake, SUBSCRIBE, permissions=MANAGE_CHANNELS)
    assert made["content"].startswith("Subscribed: #1 Poland: daily at 08:00 Europe/Warsaw")
    assert made["flags"] == 64
    subscription = the_subscription(corpus)
    assert (subscription.channel_id, subscription.is_dm) == (discord_fake.guild_channel_id, False)

    scheduler = scheduler_for(corpus, "discord", discord_runner.digest_sender())
    await scheduler.fire(subscription.id)
    [message] = digest_messages(discord_fake, discord_fake.guild_channel_id)
    assert_discord_change(message)
    [call] = discord_fake.calls_to("POST", f"/channels/{discord_fake.guild_channel_id}/messages")
    key = run_key(subscription.id, PERIOD)
    assert (call.body["nonce"], call.body["enforce_nonce"]) == (key, True)
    assert call.body["allowed_mentions"]["parse"] == []
    assert sent_run_ref(corpus, subscription) == message["id"]


@pytest.mark.parametrize("status", [429, 500])
async def test_discord_digest_after_a_429_or_500_is_posted_exactly_once(
    corpus: BriefingService,
    discord_fake: FakeDiscord,
    discord_runner: DiscordRunner,
    status: int,
) -> None:
    """discord.py waits out retry_after (1 s) or retries the 500: one message lands."""
    await digest_command(discord_fake, SUBSCRIBE, permissions=MANAGE_CHANNELS)
    subscription = the_subscription(corpus)
    route = f"/channels/{discord_fake.guild_channel_id}/messages"
    discord_fake.fail_next("POST", route, status=status, retry_after=1.0)
    await scheduler_for(corpus, "discord", discord_runner.digest_sender()).fire(subscription.id)
    assert [c.status for c in discord_fake.calls_to("POST", route)] == [status, 200]
    [message] = digest_messages(discord_fake, discord_fake.guild_channel_id)
    assert_discord_change(message)
    run = subscriptions(corpus).get_run(subscription.id, PERIOD)
    assert run is not None and (run.status, run.attempts) == ("sent", 1)


async def test_discord_dm_digest_goes_to_the_persons_dm(
    corpus: BriefingService, discord_fake: FakeDiscord, discord_runner: DiscordRunner
) -> None:
    """`digest subscribe ...` in a DM needs no permission; the digest arrives in that DM."""
    await discord_fake.direct_message(f"digest {SUBSCRIBE}")
    dm = discord_fake.dm_channel_id(discord_fake.user["id"])
    await discord_fake.wait_until(lambda: bool(discord_fake.posts(dm)))
    assert discord_fake.posts(dm)[0]["content"].startswith("Subscribed: #1 Poland")
    subscription = the_subscription(corpus)
    assert (subscription.is_dm, subscription.created_by) == (True, discord_fake.user["id"])
    await scheduler_for(corpus, "discord", discord_runner.digest_sender()).fire(subscription.id)
    [message] = digest_messages(discord_fake, dm)
    assert_discord_change(message)
    assert digest_messages(discord_fake, discord_fake.guild_channel_id) == []


async def test_discord_slash_digest_in_a_dm_needs_no_permission(
    corpus: BriefingService, discord_fake: FakeDiscord, discord_runner: DiscordRunner
) -> None:
    pushed = await discord_fake.slash_command("digest", {"args": SUBSCRIBE}, in_dm=True)
    [followup] = await discord_fake.wait_for_followups(pushed)
    assert followup.body["content"].startswith("Subscribed: #1 Poland")
    subscription = the_subscription(corpus)
    dm = discord_fake.dm_channel_id(discord_fake.user["id"])
    assert (subscription.channel_id, subscription.is_dm) == (dm, True)


async def test_discord_previews_are_only_for_the_asker(
    corpus: BriefingService,
    discord_fake: FakeDiscord,
    discord_runner: DiscordRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """/digest preview answers with ephemeral followups: the digest's embeds, for the asker."""
    monkeypatch.setattr(corpus, "clock", lambda: FIRE)  # the preview covers the day to FIRE
    await digest_command(discord_fake, SUBSCRIBE, permissions=MANAGE_CHANNELS)
    _, preview = await digest_command(discord_fake, "preview 1")
    assert preview["flags"] == 64
    assert preview["content"] == "Preview of digest #1, only for you:"
    assert preview["embeds"][0]["title"].startswith("What changed for Poland")
    assert_discord_change(preview)
    assert digest_messages(discord_fake, discord_fake.guild_channel_id) == []


async def test_discord_run_sent_again_is_dropped_by_its_nonce(
    corpus: BriefingService, discord_fake: FakeDiscord, discord_runner: DiscordRunner
) -> None:
    """The crash window: the same run sent twice (same nonces) leaves one message, and the
    second send returns the first message's id."""
    await digest_command(discord_fake, SUBSCRIBE, permissions=MANAGE_CHANNELS)
    subscription = the_subscription(corpus)
    digest = corpus.digest(DigestRequest(actors=("poland",), until=FIRE))
    sender = discord_runner.digest_sender()
    key = run_key(subscription.id, PERIOD)
    first = await sender.send(subscription, digest, key=key)
    again = await sender.send(subscription, digest, key=key)
    assert first == again
    assert len(digest_messages(discord_fake, discord_fake.guild_channel_id)) == 1


async def test_discord_multi_message_digest_has_a_nonce_per_message(
    corpus: BriefingService,
    discord_fake: FakeDiscord,
    discord_runner: DiscordRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each message of a long digest has its own nonce (one nonce would swallow messages 2
    and 3), every one within Discord's 25 characters and its limits."""
    await digest_command(discord_fake, SUBSCRIBE, permissions=MANAGE_CHANNELS)
    monkeypatch.setattr(corpus, "digest", big_digest)
    subscription = the_subscription(corpus)
    await scheduler_for(corpus, "discord", discord_runner.digest_sender()).fire(subscription.id)
    messages = digest_messages(discord_fake, discord_fake.guild_channel_id)
    key = run_key(subscription.id, PERIOD)
    assert [m["nonce"] for m in messages] == [message_nonce(key, n) for n in range(3)]
    assert len({m["nonce"] for m in messages}) == 3
    assert message_nonce("digest-123456789-20260113", 2) != message_nonce(
        "digest-123456789-20260113", 1
    )
    assert all(len(message_nonce("digest-123456789-20260113", n)) <= 25 for n in range(5))


# --- wiring ---------------------------------------------------------------------------------


def test_briefbot_run_hands_each_chat_surface_sender_to_the_outbox(
    corpus: BriefingService, slack: FakeSlack
) -> None:
    """`briefbot run`'s wiring: the Slack and Discord surfaces offer their senders."""
    said: list[str] = []
    surfaces = build_surfaces(
        corpus,
        slack_settings(slack),
        DiscordSettings(_env_file=None, token="t"),
        said.append,
        DigestSettings(_env_file=None, slack_admins=frozenset({LISTED_ID})),
    )
    senders = digest_senders(surfaces, said.append)
    assert set(senders) == {"console", "slack", "discord"}
    assert isinstance(senders["slack"], SlackDigestSender)
    assert isinstance(senders["discord"], DiscordDigestSender)
    assert said == []
