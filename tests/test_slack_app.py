"""The Slack surface end to end: the real Bolt app over real HTTP against a fake Slack.

Every test drives the app the way Slack does (signed slash commands and events to
its HTTP endpoint, or envelopes over Socket Mode) and asserts on what the fake
Slack received: acks, response_url posts and chat.postMessage calls. Nothing of
Bolt or slack_sdk is mocked; the only seam is the Web API base URL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from emulators.slack import (
    APP_TOKEN,
    BOT_ID,
    BOT_TOKEN,
    BOT_USER_ID,
    CHANNEL_ID,
    DM_CHANNEL_ID,
    RESPONSE,
    SIGNING_SECRET,
    FakeSlack,
    Recorded,
    SlackSender,
    app_mention,
    event_callback,
    im_message,
    slash_command_form,
)
from pydantic import SecretStr
from slack_sdk.web.async_client import AsyncWebClient

from adapters.replies import to_slack
from adapters.slack import SlackPoster, SlackRunner, build_slack_app
from adapters.slack import posting as slack_posting
from bot.settings import SlackSettings
from briefs.models import ActorRef, Brief, BriefRequest, Evidence, Point, SourceRef
from briefs.render.limits import (
    SLACK_CONTEXT_ELEMENTS_MAX,
    SLACK_FALLBACK_TEXT_MAX,
    SLACK_HEADER_TEXT_MAX,
    SLACK_MAX_BLOCKS,
    SLACK_MESSAGE_BLOCK_TEXT_MAX,
    SLACK_SECTION_TEXT_MAX,
)
from briefs.service import BriefingService

SEEDS = Path(__file__).parents[1] / "seeds"
ACK_DEADLINE = 3.0  # Slack drops a slash command not acked within 3 s


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, service_at: Callable[[Path], BriefingService]
) -> BriefingService:
    """The seeds ingested once per module into a tmp SQLite store."""
    service = service_at(tmp_path_factory.mktemp("slack") / "seeds.db")
    report = service.ingest([SEEDS])
    assert report.ingested, report.summary
    return service


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy (AsyncWebClient ignores NO_PROXY) and no SLACK_* leaking into settings."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("BOT_TOKEN", "SIGNING_SECRET", "APP_TOKEN", "API_URL", "CLIENT_ID"):
        monkeypatch.delenv(f"SLACK_{name}", raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


def slack_settings(fake: FakeSlack, **changes: Any) -> SlackSettings:
    fields: dict[str, Any] = {
        "bot_token": SecretStr(BOT_TOKEN),
        "signing_secret": SecretStr(SIGNING_SECRET),
        "app_token": None,
        "api_url": fake.api_url,
        "http_host": "127.0.0.1",
        "http_port": 0,
    }
    return SlackSettings(_env_file=None, **{**fields, **changes})


@pytest.fixture
async def runner(seeded: BriefingService, fake: FakeSlack) -> AsyncIterator[SlackRunner]:
    """The real app served over HTTP on loopback."""
    settings = slack_settings(fake)
    served = SlackRunner(build_slack_app(seeded, settings), settings)
    await served.start()
    yield served
    await served.stop()


@pytest.fixture
async def sender(runner: SlackRunner, fake: FakeSlack) -> AsyncIterator[SlackSender]:
    assert runner.url is not None
    async with SlackSender(runner.url, fake) as slack:
        yield slack


# --- helpers ----------------------------------------------------------------------------


def leaf_texts(node: Any) -> list[str]:
    """Every text a block shows (mrkdwn, plain or rich text), links' URLs included."""
    if isinstance(node, list):
        return [text for item in node for text in leaf_texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node[key] for key in ("text", "url") if isinstance(node.get(key), str)]
    nested = [value for key, value in node.items() if isinstance(value, dict | list)]
    return own + leaf_texts(nested)


def assert_within_limits(body: Mapping[str, Any]) -> None:
    """A message Slack accepts: a fallback text and Block Kit within every limit."""
    assert body["text"].strip()
    assert len(body["text"]) <= SLACK_FALLBACK_TEXT_MAX
    blocks = body["blocks"]
    assert 0 < len(blocks) <= SLACK_MAX_BLOCKS
    for block in blocks:
        texts = leaf_texts(block)
        assert all(len(text) <= SLACK_SECTION_TEXT_MAX for text in texts)
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= SLACK_HEADER_TEXT_MAX
        elif block["type"] == "context":
            assert len(block["elements"]) <= SLACK_CONTEXT_ELEMENTS_MAX
    assert sum(map(len, leaf_texts(blocks))) <= SLACK_MESSAGE_BLOCK_TEXT_MAX


def all_text(record: Recorded) -> str:
    """The fallback text and every block's text of one recorded message."""
    return "\n".join([str(record.body.get("text", "")), *leaf_texts(record.body.get("blocks"))])


# --- slash commands over HTTP -------------------------------------------------------------


async def test_position_is_acked_within_3s_then_the_brief_arrives(
    sender: SlackSender, fake: FakeSlack, seeded: BriefingService
) -> None:
    """`/position poland` gets an empty 200 at once, then the cited brief in the channel."""
    sent = await sender.slash("/position", "poland")
    assert sent.status == 200
    assert sent.body == ""
    assert sent.seconds < ACK_DEADLINE
    replies = await fake.wait_for(lambda: fake.responses(sent.response_id))
    first = replies[0]
    assert_within_limits(first.body)
    assert "Poland" in first.body["text"]
    assert first.body["response_type"] == "in_channel"
    assert first.body["unfurl_links"] is False
    # The brief's first quote is in the reply, verbatim.
    quote = seeded.brief(BriefRequest(actor="poland")).points[0].evidence[0].quote
    assert quote[:60] in all_text(first)


@pytest.mark.parametrize(
    ("command", "text", "expected"),
    [
        ("/who", "troops", "Who stands where"),
        ("/actors", "", "Known actors"),
        ("/briefbot", "position poland on troops", "Topic:"),
    ],
    ids=["who", "actors", "catch-all"],
)
async def test_other_commands_answer_with_the_same_grammar(
    sender: SlackSender, fake: FakeSlack, command: str, text: str, expected: str
) -> None:
    """/who, /actors and `/briefbot <command>` answer like the typed commands."""
    sent = await sender.slash(command, text)
    assert sent.status == 200
    replies = await fake.wait_for(lambda: fake.responses(sent.response_id))
    assert expected in all_text(replies[0])
    for reply in replies:
        assert_within_limits(reply.body)


async def test_unknown_actor_gets_one_notice_for_the_asker(
    sender: SlackSender, fake: FakeSlack
) -> None:
    """`/position narnia` answers one short notice, only to the asker; nothing crashes."""
    sent = await sender.slash("/position", "narnia")
    assert sent.status == 200
    replies = await fake.wait_for(lambda: fake.responses(sent.response_id))
    assert len(replies) == 1
    assert "No actor called 'narnia'" in replies[0].body["text"]
    assert replies[0].body["response_type"] == "ephemeral"


@pytest.mark.parametrize(
    ("secret", "age"),
    [("not-the-secret", 0), (SIGNING_SECRET, 6 * 60)],
    ids=["forged-signature", "stale-timestamp"],
)
async def test_unverifiable_requests_get_401_and_do_nothing(
    sender: SlackSender, fake: FakeSlack, secret: str, age: int
) -> None:
    """A wrong signature or a timestamp over 5 minutes old is refused; no listener runs."""
    sent = await sender.slash(
        "/position", "poland", secret=secret, timestamp=int(time.time()) - age
    )
    assert sent.status == 401
    # A valid command sent after it is answered, and it is the only thing posted.
    ok = await sender.slash("/position", "narnia")
    await fake.wait_for(lambda: fake.responses(ok.response_id))
    assert [r.response_id for r in fake.calls(RESPONSE)] == [ok.response_id]
    assert not fake.calls("chat.postMessage")


async def test_health_and_url_verification(sender: SlackSender, runner: SlackRunner) -> None:
    """GET /healthz answers ok; Slack's url_verification challenge is echoed."""
    assert runner.url is not None
    sent = await sender.post(
        '{"type": "url_verification", "challenge": "c-123", "token": "t"}', "application/json"
    )
    assert sent.status == 200 and "c-123" in sent.body
    health = runner.url.removesuffix("/slack/events") + "/healthz"
    status, body = await sender.get(health)
    assert status == 200
    slack_up = {"Slack": {"up": True, "detail": "http mode"}}
    assert json.loads(body) == {"ok": True, "surfaces": slack_up}


async def test_settings_are_the_only_source_of_credentials(
    seeded: BriefingService,
    fake: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """SLACK_* variables Bolt would read itself are ignored, and Bolt does not warn about it."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret-from-the-environment")
    settings = slack_settings(fake)
    with caplog.at_level(logging.WARNING):
        served = SlackRunner(build_slack_app(seeded, settings), settings)
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    await served.start()
    try:
        assert served.url is not None
        async with SlackSender(served.url, fake) as slack:
            forged = await slack.slash("/actors", "", secret="secret-from-the-environment")
            assert forged.status == 401
            await slack.event(im_message("hello", ts=fake.next_ts()))
            posts = await fake.wait_for(lambda: fake.posts(DM_CHANNEL_ID))
    finally:
        await served.stop()
    assert posts[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"


# --- direct messages and mentions ---------------------------------------------------------


async def test_direct_message_question_gets_the_brief(sender: SlackSender, fake: FakeSlack) -> None:
    """A DM question is answered with chat.postMessage in that DM."""
    question = im_message("what is Poland's position on troops?", ts=fake.next_ts())
    assert (await sender.event(question)).status == 200
    posts = await fake.wait_for(lambda: fake.posts(DM_CHANNEL_ID))
    assert "Poland" in posts[0].body["text"]
    assert "troops" in all_text(posts[0])
    assert posts[0].headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert "thread_ts" not in posts[0].body
    for post in posts:
        assert_within_limits(post.body)


async def test_mention_is_answered_in_a_thread(sender: SlackSender, fake: FakeSlack) -> None:
    """`@briefbot position poland` in a channel is answered in the mention's thread."""
    ts = fake.next_ts()
    assert (await sender.event(app_mention("position poland", ts=ts))).status == 200
    posts = await fake.wait_for(lambda: fake.posts(CHANNEL_ID))
    assert all(post.body["thread_ts"] == ts for post in posts)
    assert "Poland" in posts[0].body["text"]


async def test_direct_message_not_understood_gets_the_help(
    sender: SlackSender, fake: FakeSlack
) -> None:
    """A DM the grammar does not understand is answered with the help text, never silence."""
    await sender.event(im_message("hello", ts=fake.next_ts()))
    posts = await fake.wait_for(lambda: fake.posts(DM_CHANNEL_ID))
    assert len(posts) == 1
    assert "I did not understand that." in posts[0].body["text"]
    assert "position" in posts[0].body["text"]


async def test_bot_messages_are_never_answered(sender: SlackSender, fake: FakeSlack) -> None:
    """The bot's own message, another bot's and an edit get nothing; a person's file share does."""
    own = im_message("position poland", ts=fake.next_ts(), user=BOT_USER_ID, bot_id=BOT_ID)
    other = im_message(
        "position poland", ts=fake.next_ts(), bot_id="B0OTHER", subtype="bot_message"
    )
    edit = im_message("position poland", ts=fake.next_ts(), subtype="message_changed")
    for event in (own, other, edit):
        assert (await sender.event(event)).status == 200
    await sender.event(im_message("hello", ts=fake.next_ts(), subtype="file_share"))
    posts = await fake.wait_for(lambda: fake.posts(DM_CHANNEL_ID))
    assert len(fake.calls("chat.postMessage")) == 1
    assert "I did not understand that." in posts[0].body["text"]


# --- rate limits and server errors ----------------------------------------------------------


async def test_rate_limited_post_message_is_retried_and_delivered_once(
    sender: SlackSender, fake: FakeSlack
) -> None:
    """A 429 with Retry-After: 1 on chat.postMessage is waited out; one message arrives."""
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    await sender.event(im_message("hello", ts=fake.next_ts()))
    await fake.wait_for(lambda: fake.posts(DM_CHANNEL_ID))
    attempts = fake.calls("chat.postMessage")
    assert [a.status for a in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0  # Retry-After was honoured
    assert len(fake.posts()) == 1


async def test_rate_limited_response_url_is_retried_and_delivered_once(
    sender: SlackSender, fake: FakeSlack
) -> None:
    """A 429 on the response_url is retried after Retry-After; exactly one reply arrives."""
    fake.fail_next(RESPONSE, status=429, retry_after=1)
    sent = await sender.slash("/position", "narnia")
    assert sent.status == 200 and sent.seconds < ACK_DEADLINE
    await fake.wait_for(lambda: fake.responses(sent.response_id))
    attempts = fake.calls(RESPONSE)
    assert [a.status for a in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0
    assert attempts[0].body == attempts[1].body


@pytest.mark.parametrize("target", ["chat.postMessage", RESPONSE])
async def test_server_error_is_retried_once_and_delivered_once(
    sender: SlackSender, fake: FakeSlack, target: str
) -> None:
    """A 500 is retried with backoff; exactly one message is delivered."""
    fake.fail_next(target, status=500, retry_after=None)
    if target == RESPONSE:
        await sender.slash("/position", "narnia")
    else:
        await sender.event(im_message("hello", ts=fake.next_ts()))
    await fake.wait_for(lambda: fake.delivered(target))
    assert [a.status for a in fake.calls(target)] == [500, 200]


async def test_final_failure_is_logged_without_secrets(
    fake: FakeSlack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """When every retry fails, the poster stops, logs an error and leaks no token or URL."""
    monkeypatch.setattr(slack_posting, "RATE_LIMIT_RETRIES", 1)
    monkeypatch.setattr(slack_posting, "SERVER_ERROR_RETRIES", 1)
    client = AsyncWebClient(
        token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=slack_posting.retry_handlers()
    )
    poster = SlackPoster(client)
    messages = [{"text": "one", "blocks": []}, {"text": "two", "blocks": []}]
    fake.fail_next("chat.postMessage", status=429, retry_after=0, times=5)
    fake.fail_next(RESPONSE, status=503, times=5)
    url, _ = fake.new_response_url()
    with caplog.at_level(logging.ERROR, logger="adapters.slack"):
        assert await poster.post(CHANNEL_ID, messages) == 0  # type: ignore[arg-type]
        assert await poster.respond(url, messages, in_channel=True) == 0  # type: ignore[arg-type]
    assert len(fake.calls("chat.postMessage")) == 2  # the try and one retry; "two" never sent
    assert len(fake.calls(RESPONSE)) == 2
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 2
    assert "429" in errors[0] and "503" in errors[1]
    assert not any(BOT_TOKEN in e or url in e for e in errors)


# --- Socket Mode ---------------------------------------------------------------------------


async def test_socket_mode_slash_command_and_direct_message(
    seeded: BriefingService, fake: FakeSlack
) -> None:
    """With an app token the app dials the fake's websocket, acks envelopes and answers."""
    settings = slack_settings(fake, app_token=SecretStr(APP_TOKEN), signing_secret=None)
    runner = SlackRunner(build_slack_app(seeded, settings), settings)
    assert runner.mode == "socket"
    await runner.start()
    try:
        url, response_id = fake.new_response_url()
        form = slash_command_form("/position", "poland", response_url=url)
        envelope = await fake.push_envelope("slash_commands", form)
        await fake.wait_for(lambda: fake.ack_for(envelope), timeout=ACK_DEADLINE)
        replies = await fake.wait_for(lambda: fake.responses(response_id))
        assert "Poland" in replies[0].body["text"]
        assert_within_limits(replies[0].body)

        event = event_callback(im_message("where does France stand?", ts=fake.next_ts()))
        await fake.push_envelope("events_api", event)
        posts = await fake.wait_for(lambda: fake.posts(DM_CHANNEL_ID))
        assert "France" in posts[0].body["text"]
    finally:
        await runner.stop()
    opened = fake.calls("apps.connections.open")
    assert opened and opened[0].headers["Authorization"] == f"Bearer {APP_TOKEN}"


# --- long replies ----------------------------------------------------------------------------


def big_brief(points: int = 50, quotes: int = 6) -> Brief:
    """A brief at the request limit: many points, each with several long verbatim quotes."""
    day = dt.date(2026, 1, 6)
    sentence = "The minister said the country would stand by its partners for as long as it takes. "

    def evidence(p: int, q: int) -> Evidence:
        return Evidence(
            document=f"doc{p:02d}_{q}.txt",
            title=f"Article {p}.{q}",
            source="Test Wire",
            url=f"https://example.org/{p}/{q}",
            published=day,
            quote=f"Quote {p}.{q}: " + sentence * 6,
            start=0,
            end=10,
            speaker="Minister Jane Doe",
        )

    return Brief(
        actor=ActorRef(id="poland", name="Poland", kind="country"),
        as_of=day,
        summary="Poland takes many positions. " * 20,
        points=tuple(
            Point(
                stance="supports",
                proposition=f"proposition {p}",
                statement=f"Poland supports proposition {p}.",
                speakers=("Minister Jane Doe",),
                first_seen=day,
                last_seen=day,
                evidence=tuple(evidence(p, q) for q in range(quotes)),
            )
            for p in range(points)
        ),
        sources=tuple(
            SourceRef(
                document=f"doc{p:02d}.txt",
                title=f"Article {p}",
                source="Test Wire",
                url=f"https://example.org/{p}",
                published=day,
            )
            for p in range(points)
        ),
    )


async def test_a_maximal_brief_is_split_into_messages_within_limits(fake: FakeSlack) -> None:
    """A brief too long for one message goes out as several, in order, each within limits."""
    messages = to_slack(big_brief())
    assert len(messages) > 1
    client = AsyncWebClient(
        token=BOT_TOKEN, base_url=fake.api_url, retry_handlers=slack_posting.retry_handlers()
    )
    url, response_id = fake.new_response_url()
    assert await SlackPoster(client).respond(url, messages, in_channel=True) == len(messages)
    assert await SlackPoster(client).post(CHANNEL_ID, messages) == len(messages)
    for delivered in (fake.responses(response_id), fake.posts(CHANNEL_ID)):
        assert [r.body["text"] for r in delivered] == [m["text"] for m in messages]
        for record in delivered:
            assert_within_limits(record.body)


# --- re-deliveries and shutdown -----------------------------------------------------------


async def test_a_redelivered_event_is_answered_once(sender: SlackSender, fake: FakeSlack) -> None:
    """Slack's retry of an event (same event_id, X-Slack-Retry-Num) gets no second answer."""
    body = json.dumps(event_callback(im_message("position poland", ts=fake.next_ts())))
    assert (await sender.post(body, "application/json")).status == 200
    assert (await sender.post(body, "application/json")).status == 200
    posts = await fake.wait_for(lambda: fake.posts(DM_CHANNEL_ID))
    await asyncio.sleep(0.3)  # a second answer, if any, would be on its way by now
    first_messages = len(posts)
    assert first_messages >= 1
    assert len(fake.posts(DM_CHANNEL_ID)) == first_messages


async def test_stopping_waits_for_replies_already_acked(
    seeded: BriefingService, fake: FakeSlack
) -> None:
    """A brief acked just before shutdown is still delivered; then the server is gone."""
    settings = slack_settings(fake)
    served = SlackRunner(build_slack_app(seeded, settings), settings)
    await served.start()
    assert served.url is not None
    async with SlackSender(served.url, fake) as slack:
        sent = await slack.slash("/position", "poland")
        assert sent.status == 200
        await served.stop()  # right after the ack: the reply is still being computed
    assert fake.responses(sent.response_id), "the acked brief was dropped at shutdown"
