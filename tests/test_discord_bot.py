"""The Discord adapter end to end: the real discord.py against the fake Discord on loopback.

Every test runs the bot as production does (`DiscordRunner` with settings naming the
endpoints) over a service holding the seed articles, and asserts on the REST calls the
fake recorded: what a Discord user would have seen.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.http import Route
from emulators.discord import FakeDiscord, RestCall, message_problems

from adapters.commands import HELP_TEXT, PositionCommand
from adapters.discord import DiscordRunner, sync_commands
from adapters.replies import answer, to_discord
from bot.settings import DiscordSettings
from briefs.models import (
    ActorRef,
    Brief,
    BriefRequest,
    Evidence,
    Point,
    SourceRef,
    StanceChange,
)
from briefs.render.limits import MAX_MESSAGES_PER_REPLY
from briefs.service import BriefingService

SEEDS = Path(__file__).parents[1] / "seeds"
SETTLE = 0.2  # seconds to let a bot that should stay silent prove it


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, service_at: Callable[[Path], BriefingService]
) -> BriefingService:
    """The service as the bot wires it, over the seed articles (ingested once per module)."""
    service = service_at(tmp_path_factory.mktemp("discord") / "briefs.db")
    service.ingest([SEEDS])
    return service


@pytest.fixture
def fake(discord_fake: FakeDiscord) -> FakeDiscord:
    """The fake Discord (the shared `discord_fake` fixture), under this module's short name."""
    return discord_fake


@pytest.fixture
def settings(fake: FakeDiscord) -> DiscordSettings:
    return DiscordSettings(
        _env_file=None,
        token=fake.token,
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
    )


@pytest.fixture
async def runner(
    fake: FakeDiscord, settings: DiscordSettings, seeded: BriefingService
) -> AsyncIterator[DiscordRunner]:
    runner = DiscordRunner(seeded, settings, guild_ready_timeout=0.01)
    await runner.start()
    await asyncio.wait_for(runner.bot.wait_until_ready(), 10)
    yield runner
    await runner.stop()


def bodies(calls: list[RestCall]) -> list[dict[str, Any]]:
    return [c.body for c in calls]


def sent_embeds(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Embeds as rendered; discord.Embed's round trip adds defaults ("flags": 0, "type")."""
    return [{k: v for k, v in e.items() if k not in ("flags", "type")} for e in message["embeds"]]


def all_text(message: dict[str, Any]) -> str:
    """Everything a user reads in a message: content, titles, descriptions, fields, footers."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
        parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(parts)


def assert_sendable(message: dict[str, Any]) -> None:
    """Within Discord's limits, and unable to ping anyone."""
    assert message_problems(message) == []
    assert message["allowed_mentions"]["parse"] == []


async def run_command(
    fake: FakeDiscord, name: str, **options: str
) -> tuple[RestCall, list[dict[str, Any]]]:
    """Run a slash command; returns its callback and followup bodies once they arrive."""
    pushed = await fake.slash_command(name, options)
    callback = await fake.wait_for_callback(pushed)
    await fake.wait_for_followups(pushed)
    await asyncio.sleep(SETTLE)  # a multi-message answer may still be sending
    return callback, bodies(fake.calls_to("POST", pushed.followup_path, exact=True))


# --- start-up --------------------------------------------------------------------------


async def test_login_identifies_without_the_message_content_intent(
    fake: FakeDiscord, runner: DiscordRunner
) -> None:
    """Login uses the token; IDENTIFY asks for DMs but not the privileged content intent."""
    me = fake.calls_to("GET", "/users/@me", exact=True)
    assert me and me[0].headers["Authorization"] == f"Bot {fake.token}"
    identify = next(f["d"] for f in fake.gateway.frames if f["op"] == 2)
    intents = discord.Intents._from_value(identify["intents"])
    assert intents.dm_messages and intents.guilds
    assert not intents.message_content and not intents.members and not intents.presences
    assert fake.gateway.paths[0].startswith("/gateway?v=10&encoding=json")


async def test_bad_token_fails_at_start(fake: FakeDiscord, seeded: BriefingService) -> None:
    """A wrong token raises LoginFailure from start(), not later in a background task."""
    settings = DiscordSettings(
        _env_file=None,
        token="wrong",
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
    )
    runner = DiscordRunner(seeded, settings)
    with pytest.raises(discord.LoginFailure):
        await runner.start()
    assert fake.gateway.paths == []


# --- slash commands ------------------------------------------------------------------


async def test_position_poland_defers_then_sends_the_brief(
    fake: FakeDiscord, runner: DiscordRunner
) -> None:
    """/position actor:poland: "thinking..." (type 5) first, then Poland's brief as embeds."""
    callback, followups = await run_command(fake, "position", actor="poland")
    assert callback.body["type"] == 5
    assert callback.query["with_response"] == "1"
    assert 1 <= len(followups) <= MAX_MESSAGES_PER_REPLY
    for message in followups:
        assert message["embeds"]
        assert_sendable(message)
    assert "Poland" in followups[0]["embeds"][0]["title"]
    callback_at = fake.calls.index(callback)
    assert all(fake.calls.index(c) > callback_at for c in fake.calls_to("POST", "/webhooks/"))


async def test_position_with_topic_narrows_the_brief(
    fake: FakeDiscord, runner: DiscordRunner, seeded: BriefingService
) -> None:
    """/position actor:poland topic:troops sends what the engine answers for that request."""
    _, followups = await run_command(fake, "position", actor="Poland", topic="troops")
    request = BriefRequest(actor="Poland", topic="troops")
    expected = to_discord(answer(seeded, PositionCommand(request=request)))
    assert [sent_embeds(m) for m in followups] == [sent_embeds(dict(m)) for m in expected]


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("who", {"topic": "troops"}, "troops"),
        ("actors", {}, "Known actors"),
        ("help", {}, "position <actor> [on <topic>]"),
    ],
    ids=["who", "actors", "help"],
)
async def test_other_commands_answer(
    fake: FakeDiscord,
    runner: DiscordRunner,
    command: str,
    options: dict[str, str],
    expected: str,
) -> None:
    """/who topic:troops, /actors and /help each defer, then answer within limits."""
    callback, followups = await run_command(fake, command, **options)
    assert callback.body["type"] == 5
    assert followups
    for message in followups:
        assert_sendable(message)
    assert expected.lower() in all_text(followups[0]).lower()


async def test_unknown_actor_gets_one_notice(
    fake: FakeDiscord, runner: DiscordRunner, seeded: BriefingService
) -> None:
    """/position actor:narnia: exactly one followup, the engine's unknown-actor text."""
    _, followups = await run_command(fake, "position", actor="narnia")
    expected = to_discord(answer(seeded, PositionCommand(request=BriefRequest(actor="narnia"))))
    assert len(followups) == 1
    assert followups[0]["content"] == expected[0]["content"]
    assert "narnia" in followups[0]["content"].lower()
    assert followups[0]["embeds"] == []
    assert_sendable(followups[0])


async def test_slash_command_in_a_dm_works(fake: FakeDiscord, runner: DiscordRunner) -> None:
    """Slash commands also work in a DM with the bot (no guild, no member)."""
    pushed = await fake.slash_command("help", in_dm=True)
    followups = await fake.wait_for_followups(pushed)
    assert HELP_TEXT.splitlines()[0] in followups[0].body["content"]


async def test_actor_autocomplete_offers_poland(fake: FakeDiscord, runner: DiscordRunner) -> None:
    """Typing "pol" into actor: answers with a type 8 callback whose choices include Poland."""
    pushed = await fake.autocomplete("position", "actor", "pol")
    callback = await fake.wait_for_callback(pushed)
    assert callback.body["type"] == 8
    choices = callback.body["data"]["choices"]
    assert {"name": "Poland", "value": "Poland"} in choices
    assert len(choices) <= 25


async def test_autocomplete_with_nothing_typed_offers_known_actors(
    fake: FakeDiscord, runner: DiscordRunner
) -> None:
    """An empty actor: still gets choices (the most cited actors), never an error."""
    pushed = await fake.autocomplete("position", "actor", "")
    callback = await fake.wait_for_callback(pushed)
    assert 0 < len(callback.body["data"]["choices"]) <= 25


# --- direct messages -------------------------------------------------------------------


def dm_path(fake: FakeDiscord) -> str:
    """Where the bot posts its answers to the test user's DMs."""
    return f"/channels/{fake.dm_channel_id(fake.user['id'])}/messages"


async def dm_replies(fake: FakeDiscord, content: str, count: int = 1) -> list[dict[str, Any]]:
    """DM the bot as the test user; the bodies of its (first `count`) answers."""
    await fake.direct_message(content)
    calls = await fake.wait_for_calls("POST", dm_path(fake), count, status=200)
    return bodies(calls)


async def test_dm_question_gets_the_brief(fake: FakeDiscord, runner: DiscordRunner) -> None:
    """A DM "what is Poland's position on troops?" is answered in that DM with embeds."""
    replies = await dm_replies(fake, "what is Poland's position on troops?")
    assert replies[0]["embeds"]
    assert "Poland" in replies[0]["embeds"][0]["title"]
    for message in replies:
        assert_sendable(message)


async def test_dm_hello_gets_help(fake: FakeDiscord, runner: DiscordRunner) -> None:
    """A DM the grammar does not understand gets the help text, never silence."""
    replies = await dm_replies(fake, "hello")
    assert "I did not understand that." in replies[0]["content"]
    assert HELP_TEXT.splitlines()[0] in replies[0]["content"]
    assert_sendable(replies[0])


async def test_dm_from_bots_and_itself_is_ignored(fake: FakeDiscord, runner: DiscordRunner) -> None:
    """The bot's own DM messages (echoed back by Discord) and other bots' get no answer."""
    await fake.direct_message("position poland", author=fake.bot_user)
    await fake.direct_message("position poland", author=fake.new_user("otherbot", bot=True))
    replies = await dm_replies(fake, "help")  # its answer is echoed back to the bot too

    def from_bot() -> list[Any]:
        return [d for e, d in fake.gateway.dispatched if d.get("author") == fake.bot_user]

    await fake.wait_until(lambda: len(from_bot()) == 2)  # ours, and the echo of the answer
    await asyncio.sleep(SETTLE)
    assert len(fake.calls_to("POST", dm_path(fake))) == len(replies) == 1


async def test_fake_opens_dms_and_edits_the_original(
    fake: FakeDiscord, runner: DiscordRunner
) -> None:
    """The fake's other routes behave for discord.py: open a DM, and edit "thinking..."."""
    channel = await runner.bot.create_dm(discord.Object(id=int(fake.user["id"])))
    await channel.send("hello")
    assert fake.calls_to("POST", dm_path(fake), exact=True)[0].body["content"] == "hello"

    pushed = await fake.slash_command("help")
    await fake.wait_for_followups(pushed)
    webhook = discord.Webhook.partial(int(fake.application_id), pushed.token, client=runner.bot)
    edited = await webhook.edit_message("@original", content="edited")  # type: ignore[call-overload]
    assert edited.content == "edited"
    original = await webhook.fetch_message("@original")  # type: ignore[arg-type]
    assert original.content == "edited"


async def test_guild_messages_are_not_read(fake: FakeDiscord, runner: DiscordRunner) -> None:
    """A message in a server channel is not the bot's to answer (it has no content intent)."""
    message = fake._message(fake.guild_channel_id, "position poland", author=fake.user)
    await fake.dispatch("MESSAGE_CREATE", {**message, "guild_id": fake.guild_id})
    await asyncio.sleep(SETTLE)
    assert fake.calls_to("POST", f"/channels/{fake.guild_channel_id}/") == []


# --- faults ------------------------------------------------------------------------


async def test_followup_rate_limited_is_retried_once(
    fake: FakeDiscord, runner: DiscordRunner
) -> None:
    """A 429 on the followup: discord.py waits retry_after, and one followup lands."""
    fake.fail_next("POST", "/webhooks/", status=429, retry_after=0.3)
    pushed = await fake.slash_command("help")
    delivered = await fake.wait_for_followups(pushed)
    await asyncio.sleep(SETTLE)
    attempts = fake.calls_to("POST", pushed.followup_path, exact=True)
    assert [c.status for c in attempts] == [429, 200]
    assert len(delivered) == 1
    assert attempts[0].body == attempts[1].body


async def test_dm_reply_rate_limited_waits_retry_after(
    fake: FakeDiscord, runner: DiscordRunner
) -> None:
    """A 429 on POST /channels/{id}/messages (the bot's own HTTP client) is retried after it."""
    fake.fail_next("POST", dm_path(fake), status=429, retry_after=0.4)
    started = time.monotonic()
    await dm_replies(fake, "help")
    assert time.monotonic() - started >= 0.4
    assert [c.status for c in fake.calls_to("POST", dm_path(fake))] == [429, 200]


async def test_global_rate_limit_holds_other_routes(
    fake: FakeDiscord, runner: DiscordRunner
) -> None:
    """A global 429 makes discord.py hold every route of its HTTP client until it passes."""
    fake.fail_next("POST", dm_path(fake), status=429, retry_after=0.5, is_global=True)
    answered = asyncio.create_task(dm_replies(fake, "help"))
    await fake.wait_for_calls("POST", dm_path(fake), status=429)
    started = time.monotonic()
    me = await runner.bot.http.request(Route("GET", "/users/@me"))  # another route entirely
    assert time.monotonic() - started >= 0.3  # held for (most of) the 0.5 s
    assert me["id"] == fake.bot_user["id"]
    assert await answered


async def test_rate_limit_without_via_is_not_retried(
    fake: FakeDiscord, runner: DiscordRunner
) -> None:
    """A 429 without `Via` looks like a Cloudflare ban to discord.py: no retry. The user
    still hears back (the error handler's notice)."""
    fake.fail_next("POST", "/webhooks/", status=429, via=False)
    pushed = await fake.slash_command("help")
    await fake.wait_for_followups(pushed)
    await asyncio.sleep(SETTLE)
    attempts = fake.calls_to("POST", pushed.followup_path, exact=True)
    assert [c.status for c in attempts] == [429, 200]
    assert "something went wrong" in attempts[1].body["content"]


@pytest.mark.parametrize("where", ["followup", "dm"])
async def test_server_error_is_retried_once(
    fake: FakeDiscord, runner: DiscordRunner, where: str
) -> None:
    """A 500 is retried by discord.py (after 1 s) on both its HTTP client and its webhook
    adapter: exactly one message lands."""
    route = "/webhooks/" if where == "followup" else dm_path(fake)
    fake.fail_next("POST", route, status=500)
    if where == "followup":
        pushed = await fake.slash_command("help")
        await fake.wait_for_followups(pushed)
    else:
        await dm_replies(fake, "help")
    await asyncio.sleep(SETTLE)
    assert [c.status for c in fake.calls_to("POST", route)] == [500, 200]


async def test_engine_failure_still_answers_a_slash_command(
    fake: FakeDiscord,
    runner: DiscordRunner,
    seeded: BriefingService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unexpected error (not an engine error) ends "thinking..." with a short notice."""
    monkeypatch.setattr(seeded, "brief", broken)
    _, followups = await run_command(fake, "position", actor="poland")
    assert len(followups) == 1
    assert "something went wrong" in followups[0]["content"]
    assert_sendable(followups[0])


async def test_engine_failure_still_answers_a_dm(
    fake: FakeDiscord,
    runner: DiscordRunner,
    seeded: BriefingService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An unexpected error in a DM gets the same notice, never silence."""
    monkeypatch.setattr(seeded, "brief", broken)
    replies = await dm_replies(fake, "position poland")
    assert "something went wrong" in replies[0]["content"]
    assert_sendable(replies[0])


def broken(request: BriefRequest) -> Brief:
    raise RuntimeError("database is gone")


@pytest.mark.parametrize("how", ["reconnect", "close"])
async def test_gateway_resume_keeps_answering(
    fake: FakeDiscord, runner: DiscordRunner, how: str
) -> None:
    """After op 7 RECONNECT or a dropped socket, the bot RESUMEs its session and still answers."""
    session = fake.gateway.session_id
    resume = await fake.force_reconnect(how=how)
    assert resume["session_id"] == session
    assert resume["token"] == fake.token
    assert resume["seq"] == fake.gateway.sequence - 1  # RESUMED took the next one
    assert fake.gateway.paths[-1].startswith("/resume?")  # READY's resume_gateway_url
    assert fake.gateway.identifies == 1
    _, followups = await run_command(fake, "help")
    assert len(followups) == 1


async def test_stop_closes_the_gateway(fake: FakeDiscord, runner: DiscordRunner) -> None:
    """stop() closes the connection (no RESUME follows) and can be called twice."""
    await runner.stop()
    await fake.wait_until(lambda: not fake.gateway.sockets)
    await runner.stop()
    assert fake.gateway.resumes == 0
    with pytest.raises(RuntimeError):
        runner.bot  # noqa: B018


# --- command sync ----------------------------------------------------------------------


async def test_sync_commands_globally(
    fake: FakeDiscord, settings: DiscordSettings, seeded: BriefingService
) -> None:
    """sync_commands publishes the seven commands globally, without opening the gateway."""
    names = await sync_commands(settings, seeded, None)
    assert sorted(names) == ["actors", "digest", "help", "position", "quotes", "sources", "who"]
    put = fake.calls_to("PUT", f"/applications/{fake.application_id}/commands", exact=True)
    position = next(c for c in put[0].body if c["name"] == "position")
    actor, topic = position["options"]
    assert (actor["name"], actor["required"], actor["autocomplete"]) == ("actor", True, True)
    assert (topic["name"], topic["required"]) == ("topic", False)
    assert fake.gateway.paths == []


async def test_sync_commands_to_one_guild(
    fake: FakeDiscord, settings: DiscordSettings, seeded: BriefingService
) -> None:
    """With a guild id the global commands are copied to that guild and synced there."""
    names = await sync_commands(settings, seeded, 1234)
    assert sorted(names) == ["actors", "digest", "help", "position", "quotes", "sources", "who"]
    path = f"/applications/{fake.application_id}/guilds/1234/commands"
    assert fake.calls_to("PUT", path, exact=True)
    assert not fake.calls_to("PUT", f"/applications/{fake.application_id}/commands", exact=True)


# --- a maximal brief -------------------------------------------------------------------


def big_brief() -> Brief:
    """A brief far past every Discord limit: 50 long points, each with many long quotes."""
    day = dt.date(2026, 1, 6)

    def evidence(n: int) -> Evidence:
        quote = f"Quote {n}: " + "we will **not** send @everyone <@123> troops " * 25
        return Evidence(
            document=f"doc-{n}.txt",
            title=f"Article {n} " + "headline " * 30,
            source="Test Wire",
            url=f"https://example.org/{n}",
            published=day,
            quote=quote.strip(),
            start=0,
            end=len(quote.strip()),
            speaker="Prime Minister " + "Name " * 20,
        )

    points = tuple(
        Point(
            stance=("supports", "opposes", "conditional", "undecided")[n % 4],
            proposition=f"proposition {n} " + "long words " * 20,
            statement=f"Statement {n} " + "said at length " * 40,
            conditions=tuple(f"condition {n}.{k} " + "if " * 30 for k in range(5)),
            speakers=tuple(f"Speaker {k}" for k in range(12)),
            first_seen=day,
            last_seen=day,
            evidence=tuple(evidence(n * 100 + k) for k in range(12)),
            evidence_total=40,
        )
        for n in range(50)
    )
    changes = tuple(
        StanceChange(
            proposition=f"change {n} " + "words " * 30,
            before="supports",
            after="opposes",
            before_date=day,
            after_date=day,
            before_evidence=(evidence(n),),
            after_evidence=(evidence(n + 1),),
        )
        for n in range(20)
    )
    sources = tuple(
        SourceRef(
            document=f"doc-{n}.txt",
            title=f"Source {n} " + "title " * 40,
            source="Test Wire",
            url=f"https://example.org/{n}",
            published=day,
        )
        for n in range(60)
    )
    return Brief(
        actor=ActorRef(id="poland", name="Poland", kind="country"),
        as_of=day,
        summary="Summary " + "words " * 800,
        points=points,
        changes=changes,
        sources=sources,
        omitted_points=30,
    )


def test_maximal_brief_splits_into_messages_within_limits() -> None:
    """A brief past every limit becomes a few messages, each one Discord would accept."""
    messages = to_discord(big_brief())
    assert 1 < len(messages) <= MAX_MESSAGES_PER_REPLY
    for message in messages:
        assert_sendable(dict(message))
        assert message["embeds"]


async def test_maximal_brief_is_delivered_whole(
    fake: FakeDiscord,
    runner: DiscordRunner,
    seeded: BriefingService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Sent through the bot, every message of the maximal brief is accepted (no 400)."""
    monkeypatch.setattr(seeded, "brief", lambda request: big_brief())
    pushed = await fake.slash_command("position", {"actor": "poland"})
    expected = len(to_discord(big_brief()))
    followups = await fake.wait_for_followups(pushed, expected)
    await asyncio.sleep(SETTLE)
    attempts = fake.calls_to("POST", pushed.followup_path, exact=True)
    assert [c.status for c in attempts] == [200] * expected == [c.status for c in followups]
