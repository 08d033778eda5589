"""Issue 10, repro 1: Discord never goes silent for good.

The real discord.py against the fake Discord on loopback, run as production runs it
(`DiscordRunner`, and `run_surfaces` for the exit status). Malformed INTERACTION_CREATE
events (a `member.permissions` that is not a number, no `attachment_size_limit`) ended
the gateway connection with no reconnect and no exit; an option of the wrong type left
"thinking…" unanswered.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from emulators.discord import DEFAULT_TOKEN, FakeDiscord, Pushed

from adapters.discord import DiscordRunner
from adapters.discord.events import UNREADABLE_TEXT
from adapters.health import Health
from bot.runner import run_surfaces
from bot.settings import DiscordSettings
from briefs.service import BriefingService

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, service_at: Callable[[Path], BriefingService]
) -> BriefingService:
    service = service_at(tmp_path_factory.mktemp("discord-hostile") / "briefs.db")
    service.ingest([SEEDS])
    return service


def settings_for(fake: FakeDiscord) -> DiscordSettings:
    return DiscordSettings(
        _env_file=None, token=fake.token, api_url=fake.api_url, gateway_url=fake.gateway_url
    )


@pytest.fixture
async def runner(
    discord_fake: FakeDiscord, seeded: BriefingService
) -> AsyncIterator[DiscordRunner]:
    runner = DiscordRunner(
        seeded,
        settings_for(discord_fake),
        health=Health(),
        max_failures=3,
        backoff_seconds=0.05,
        guild_ready_timeout=0.01,
    )
    await runner.start()
    await asyncio.wait_for(runner.bot.wait_until_ready(), 10)
    yield runner
    await runner.stop()


async def answered(fake: FakeDiscord, pushed: Pushed) -> str:
    """The text of the interaction's answer: its callback message, or its first followup."""
    call = await fake.wait_for_callback(pushed)
    if call.body["type"] == 4:
        return str(call.body["data"]["content"])
    (followup, *_) = await fake.wait_for_followups(pushed)
    return str(followup.body.get("content") or followup.body["embeds"][0]["description"])


async def until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll `condition` (the runner's state changes without a call the fake would see)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def bad_permissions(payload: dict[str, object]) -> None:
    member = payload["member"]
    assert isinstance(member, dict)
    member["permissions"] = "abc"


def no_size_limit(payload: dict[str, object]) -> None:
    del payload["attachment_size_limit"]


@pytest.mark.parametrize("corrupt", [bad_permissions, no_size_limit], ids=["perms", "no-limit"])
async def test_an_unreadable_interaction_is_answered_and_the_connection_lives(
    runner: DiscordRunner, discord_fake: FakeDiscord, corrupt: Callable[[dict[str, object]], None]
) -> None:
    """The bad event gets an ephemeral "could not read"; the next command is answered on the
    same session (no reconnect needed), and health stays green."""
    bad = await discord_fake.slash_command("actors", corrupt=corrupt)
    call = await discord_fake.wait_for_callback(bad)
    assert call.body["data"] == {"content": UNREADABLE_TEXT, "flags": 64}
    good = await discord_fake.slash_command("actors")
    assert "Poland" in await answered(discord_fake, good)
    assert discord_fake.gateway.identifies == 1 and runner.failures == 0
    assert runner.health.ok


@pytest.mark.parametrize(
    ("command", "options", "option"),
    [
        ("who", {"topic": 5}, "topic"),
        ("position", {"actor": 7}, "actor"),
        ("digest", {"args": 3}, "args"),
    ],
)
async def test_an_option_of_the_wrong_type_gets_a_clear_error(
    runner: DiscordRunner,
    discord_fake: FakeDiscord,
    command: str,
    options: dict[str, int],
    option: str,
) -> None:
    pushed = await discord_fake.slash_command(command, options)
    text = await answered(discord_fake, pushed)
    assert text == f"`/{command}`: the option `{option}` takes text. Please type it again."


async def test_a_connection_discord_py_gives_up_on_is_made_again(
    runner: DiscordRunner, discord_fake: FakeDiscord
) -> None:
    """A fatal close (4004 on IDENTIFY: discord.py closes the client and raises) is one
    failure: the supervisor logs in with a fresh client and the bot answers again."""
    first = runner.bot
    runner.max_failures = 50  # the count is not under test here: recovering is
    discord_fake.token = "rotated-by-mistake"
    live = discord_fake.gateway.live
    assert live is not None
    await live.close(code=4000, message=b"fake: dropped")
    # discord.py closes the client on 4004; the supervisor's next login (401) fails too.
    await until(lambda: first.is_closed() and runner.failures >= 3)
    assert not runner.health.ok
    discord_fake.token = DEFAULT_TOKEN  # mended: the next login and IDENTIFY work
    await until(lambda: runner.health.ok)
    assert runner.bot is not first
    pushed = await discord_fake.slash_command("actors")
    assert "Poland" in await answered(discord_fake, pushed)
    assert runner.failures == 0


async def test_repeated_failures_stop_briefbot_with_exit_status_1(
    discord_fake: FakeDiscord, seeded: BriefingService
) -> None:
    """Past DISCORD_MAX_FAILURES in a row, run_surfaces returns 1 (the process exits 1)
    and says why; health says so too."""
    health = Health()
    runner = DiscordRunner(
        seeded,
        settings_for(discord_fake),
        health=health,
        max_failures=3,
        backoff_seconds=0.05,
        guild_ready_timeout=0.01,
    )
    lines: list[str] = []
    running = asyncio.create_task(run_surfaces([("Discord", runner)], lines.append))
    await until(lambda: health.ok and discord_fake.gateway.live is not None)
    discord_fake.token = "revoked"
    live = discord_fake.gateway.live
    assert live is not None
    await live.close(code=4000, message=b"fake: dropped")
    code = await asyncio.wait_for(running, 20)
    assert code == 1
    assert any(line.startswith("Discord failed: gave up after 3 failures") for line in lines)
    assert not health.ok
