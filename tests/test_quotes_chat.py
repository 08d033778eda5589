"""`quotes` on every chat surface, end to end: Slack and Discord over their emulators.

Slash commands, Discord's speaker autocomplete and DM questions ("what did Tusk say
about troops?") all reach the same engine call; every answer is checked against
the platform's limits and against what the engine itself returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from emulators.discord import FakeDiscord, message_problems
from emulators.slack import (
    DM_CHANNEL_ID,
    FakeSlack,
    SlackSender,
    im_message,
)

from adapters.commands import QuotesCommand, parse_command
from adapters.discord import DiscordRunner
from adapters.replies import answer, to_discord, to_slack
from adapters.slack import SlackRunner, build_slack_app
from bot.settings import DiscordSettings, SlackSettings
from briefs.quotes import QuotesRequest
from briefs.service import BriefingService

SEEDS = Path(__file__).parents[1] / "seeds"
QUESTION = "what did Tusk say about troops?"


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, service_at: Callable[[Path], BriefingService]
) -> BriefingService:
    service = service_at(tmp_path_factory.mktemp("quotes-chat") / "seeds.db")
    assert service.ingest([SEEDS]).ingested
    return service


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("BOT_TOKEN", "SIGNING_SECRET", "APP_TOKEN", "API_URL", "CLIENT_ID"):
        monkeypatch.delenv(f"SLACK_{name}", raising=False)


def test_dm_question_is_the_quotes_command() -> None:
    """The DM question parses to the same request as `/quotes Tusk about troops`."""
    asked = parse_command(QUESTION)
    assert isinstance(asked, QuotesCommand)
    assert asked == parse_command("Tusk about troops", command="/quotes")
    assert asked.request == QuotesRequest(speaker="Tusk", about="troops")


def test_engine_answers_tusk_on_troops(seeded: BriefingService) -> None:
    """The engine's answer is Tusk's, and every statement mentions troops."""
    found = seeded.quotes(QuotesRequest(speaker="Tusk", about="troops"))
    assert found.speaker is not None and found.speaker.name == "Donald Tusk"
    assert found.quotes
    assert all("troop" in q.sentence.lower() for q in found.quotes)
    assert all(q.speaker == found.speaker for q in found.quotes)


# --- Slack ----------------------------------------------------------------------------


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def sender(
    seeded: BriefingService, slack: FakeSlack, slack_settings: Callable[[str], SlackSettings]
) -> AsyncIterator[SlackSender]:
    settings = slack_settings(slack.api_url)
    served = SlackRunner(build_slack_app(seeded, settings), settings)
    await served.start()
    assert served.url is not None
    async with SlackSender(served.url, slack) as sending:
        yield sending
    await served.stop()


def _slack_texts(node: Any) -> list[str]:
    if isinstance(node, list):
        return [t for item in node for t in _slack_texts(item)]
    if not isinstance(node, dict):
        return []
    own = [node[k] for k in ("text",) if isinstance(node.get(k), str)]
    return own + _slack_texts([v for v in node.values() if isinstance(v, dict | list)])


async def test_slack_slash_quotes_matches_the_engine(
    sender: SlackSender, slack: FakeSlack, seeded: BriefingService
) -> None:
    """`/quotes Tusk about troops` posts, in the channel, exactly what the engine renders."""
    sent = await sender.slash("/quotes", "Tusk about troops")
    assert sent.status == 200
    replies = await slack.wait_for(lambda: slack.responses(sent.response_id))
    expected = to_slack(answer(seeded, parse_command("Tusk about troops", command="/quotes")))
    assert [r.body["blocks"] for r in replies] == [m["blocks"] for m in expected]
    first = seeded.quotes(QuotesRequest(speaker="Tusk", about="troops")).quotes[0]
    assert first.quote[:50] in "\n".join(_slack_texts(replies[0].body["blocks"]))
    assert replies[0].body["response_type"] == "in_channel"


async def test_slack_unknown_speaker_gets_did_you_mean(
    sender: SlackSender, slack: FakeSlack
) -> None:
    """A misspelt speaker is one private notice suggesting the right name."""
    sent = await sender.slash("/quotes", "Tuks")
    replies = await slack.wait_for(lambda: slack.responses(sent.response_id))
    assert len(replies) == 1
    assert "Did you mean: Donald Tusk" in replies[0].body["text"]
    assert replies[0].body["response_type"] == "ephemeral"


async def test_slack_dm_question_gets_the_quotes(sender: SlackSender, slack: FakeSlack) -> None:
    """The DM question is answered in the DM with Tusk's statements."""
    assert (await sender.event(im_message(QUESTION, ts=slack.next_ts()))).status == 200
    posts = await slack.wait_for(lambda: slack.posts(DM_CHANNEL_ID))
    assert "What Donald Tusk said about troops" in posts[0].body["text"]


# --- Discord --------------------------------------------------------------------------


@pytest.fixture
async def discord(discord_fake: FakeDiscord, seeded: BriefingService) -> AsyncIterator[FakeDiscord]:
    settings = DiscordSettings(
        _env_file=None,
        token=discord_fake.token,
        api_url=discord_fake.api_url,
        gateway_url=discord_fake.gateway_url,
    )
    runner = DiscordRunner(seeded, settings, guild_ready_timeout=0.01)
    await runner.start()
    await asyncio.wait_for(runner.bot.wait_until_ready(), 10)
    yield discord_fake
    await runner.stop()


def _embeds(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if k not in ("flags", "type")} for e in message["embeds"]]


async def test_discord_slash_quotes_matches_the_engine(
    discord: FakeDiscord, seeded: BriefingService
) -> None:
    """/quotes speaker:Tusk about:troops defers, then sends the engine's embeds, no pings."""
    pushed = await discord.slash_command("quotes", {"speaker": "Tusk", "about": "troops"})
    assert (await discord.wait_for_callback(pushed)).body["type"] == 5
    await discord.wait_for_followups(pushed)
    await asyncio.sleep(0.2)
    sent = [c.body for c in discord.calls_to("POST", pushed.followup_path, exact=True)]
    expected = to_discord(answer(seeded, parse_command("Tusk about troops", command="/quotes")))
    assert [_embeds(m) for m in sent] == [_embeds(dict(m)) for m in expected]
    for message in sent:
        assert message_problems(message) == []
        assert message["allowed_mentions"]["parse"] == []


async def test_discord_speaker_autocomplete(discord: FakeDiscord) -> None:
    """Typing "tu" into speaker: offers Donald Tusk, at most 25 choices."""
    pushed = await discord.autocomplete("quotes", "speaker", "tu")
    callback = await discord.wait_for_callback(pushed)
    choices = callback.body["data"]["choices"]
    assert {"name": "Donald Tusk", "value": "Donald Tusk"} in choices
    assert len(choices) <= 25


async def test_discord_dm_question_gets_the_quotes(discord: FakeDiscord) -> None:
    """The DM question is answered in the DM with Tusk's statements."""
    await discord.direct_message(QUESTION)
    path = f"/channels/{discord.dm_channel_id(discord.user['id'])}/messages"
    calls = await discord.wait_for_calls("POST", path, 1, status=200)
    assert "What Donald Tusk said about troops" in calls[0].body["embeds"][0]["title"]
