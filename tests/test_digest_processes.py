"""`python -m bot run` as real processes against the Slack emulator: a crash between the
outbox record and the send, and a second process on the same database.

Each process reads its settings from the environment as in production: SLACK_* point at
the emulator (HTTP mode on an ephemeral port), BRIEFBOT_DB at a tmp SQLite file that
holds the two-step corpus and one subscription whose 08:00-style fire time was a minute
ago, so start-up catch-up (within the grace period) delivers it at once. The lease
lasts 5 s (DIGEST_LOCK_TTL_SECONDS, its minimum), so a crashed holder is replaced fast.

BRIEFBOT_FAULT=crash-after-outbox-record is a test hook in bot/outbox.py: the process
calls os._exit(1) right after recording the run, before claiming or sending it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from emulators.slack import BOT_TOKEN, CHANNEL_ID, SIGNING_SECRET, FakeSlack, Recorded
from test_digest_service import STEP_1, STEP_2, article

from adapters.slack.digests import EVENT_TYPE
from bot.outbox import CRASH_AFTER_RECORD, FAULT_VARIABLE
from briefs.service import BriefingService
from briefs.subscriptions import Subscription, SubscriptionDraft, SubscriptionStore, run_key

LOCK_LINE = "Digest scheduler not started: another briefbot process"
START_TIMEOUT = 30.0  # seconds for a process to start, post or die


@dataclass
class Bot:
    """One `python -m bot run` process and every line it printed."""

    process: asyncio.subprocess.Process
    lines: list[str] = field(default_factory=list)
    reader: asyncio.Task[None] | None = None

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, text: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if time.monotonic() > deadline or self.process.returncode is not None:
                raise AssertionError(f"no line with {text!r}; the bot said:\n{self.output}")
            await asyncio.sleep(0.05)

    async def stop(self) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.process.wait(), START_TIMEOUT)
        if self.reader is not None:
            await self.reader
        return code


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
def due_now(tmp_path: Path, service_at: Callable[[Path], BriefingService]) -> Iterator[Path]:
    """The database: the two steps ingested three days and two hours ago, and a channel
    digest (UTC) due one minute ago, subscribed an hour ago."""
    now = dt.datetime.now(dt.UTC)
    articles = tmp_path / "articles"
    first = article(articles, "step-1.txt", "Tusk rules out troops", "2026-01-05", STEP_1)
    second = article(articles, "step-2.txt", "Tusk ready to send troops", "2026-01-12", STEP_2)
    db = tmp_path / "bot.db"
    service = service_at(db)
    service.ingest([first], now=now - dt.timedelta(days=3))
    service.ingest([second], now=now - dt.timedelta(hours=2))
    due = (now - dt.timedelta(minutes=1)).time().replace(second=0, microsecond=0)
    draft = SubscriptionDraft(
        platform="slack", channel_id=CHANNEL_ID, created_by="U0ADMIN", actors=("Poland",), at=due
    )
    SubscriptionStore.for_store(service.store).add(draft, now=now - dt.timedelta(hours=1))
    service.store.close()
    yield db


def bot_env(slack: FakeSlack, db: Path, **extra: str) -> dict[str, str]:
    """The process's whole configuration, from the environment as in production."""
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "VIRTUAL_ENV")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env.update(
        BRIEFBOT_DB=str(db),
        BRIEFBOT_LOG_LEVEL="INFO",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        SLACK_HTTP_HOST="127.0.0.1",
        SLACK_HTTP_PORT="0",
        DIGEST_LOCK_TTL_SECONDS="5",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


async def start_bot(env: dict[str, str], cwd: Path) -> Bot:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=cwd,  # no .env there: the environment is the whole configuration
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    bot = Bot(process)

    async def read() -> None:
        assert process.stdout is not None
        async for line in process.stdout:
            bot.lines.append(line.decode("utf-8", "replace").rstrip())

    bot.reader = asyncio.create_task(read())
    return bot


def digest_posts(slack: FakeSlack) -> list[Recorded]:
    return [
        post
        for post in slack.calls("chat.postMessage")
        if (post.body.get("metadata") or {}).get("event_type") == EVENT_TYPE
    ]


def the_run(db: Path, service_at: Callable[[Path], BriefingService]) -> tuple[Subscription, str]:
    """The subscription and its only run's status."""
    service = service_at(db)
    try:
        store = SubscriptionStore.for_store(service.store)
        [subscription] = store.list()
        [run] = store.recent_runs([subscription.id], limit=5)
        return subscription, run.status
    finally:
        service.store.close()


async def test_a_crash_after_the_outbox_record_posts_exactly_once_after_restart(
    slack: FakeSlack,
    due_now: Path,
    tmp_path: Path,
    service_at: Callable[[Path], BriefingService],
) -> None:
    """The first process records the run and dies before sending; the restarted one finds
    the pending run (once the dead holder's lease runs out) and posts it once."""
    crashing = await start_bot(
        bot_env(slack, due_now, **{FAULT_VARIABLE: CRASH_AFTER_RECORD}), tmp_path
    )
    assert await asyncio.wait_for(crashing.process.wait(), START_TIMEOUT) == 1
    if crashing.reader is not None:
        await crashing.reader
    assert CRASH_AFTER_RECORD in crashing.output
    assert digest_posts(slack) == []
    assert the_run(due_now, service_at)[1] == "pending"

    restarted = await start_bot(bot_env(slack, due_now), tmp_path)
    try:
        await slack.wait_for(lambda: digest_posts(slack), timeout=START_TIMEOUT)
        await asyncio.sleep(1.0)  # a second post, if any, would be on its way by now
    finally:
        assert await restarted.stop() == 0, restarted.output
    [post] = digest_posts(slack)
    assert post.ok and post.body["channel"] == CHANNEL_ID
    subscription, status = the_run(due_now, service_at)
    period = dt.datetime.now(dt.UTC).date()
    keys = {run_key(subscription.id, period - dt.timedelta(days=d)) for d in (0, 1)}
    assert post.body["metadata"]["event_payload"]["key"] in keys
    assert status == "sent"
    assert "digest #1" in restarted.output and "sent" in restarted.output
    print("\n--- crashed process ---\n" + crashing.output)
    print("--- restarted process ---\n" + restarted.output)


async def test_a_second_process_on_the_same_database_posts_nothing_extra(
    slack: FakeSlack,
    due_now: Path,
    tmp_path: Path,
    service_at: Callable[[Path], BriefingService],
) -> None:
    """Two processes at once: one holds the lease and posts; the other says so and waits."""
    bots = [await start_bot(bot_env(slack, due_now), tmp_path) for _ in range(2)]
    try:
        for bot in bots:
            await bot.wait_for_line("Digests on:")
        await slack.wait_for(lambda: digest_posts(slack), timeout=START_TIMEOUT)
        await asyncio.sleep(2.0)  # past the standby's next beat (every TTL/3)
    finally:
        codes = []
        for bot in bots:
            with contextlib.suppress(ProcessLookupError):
                codes.append(await bot.stop())
    assert codes == [0, 0], [bot.output for bot in bots]
    standby = [bot for bot in bots if LOCK_LINE in bot.output]
    assert len(standby) == 1, [bot.output for bot in bots]
    holder = next(bot for bot in bots if bot is not standby[0])
    assert "Digests on: scheduler running, 1 digest(s) scheduled" in holder.output
    assert "Digests on: standby" in standby[0].output
    assert len(digest_posts(slack)) == 1
    assert the_run(due_now, service_at)[1] == "sent"
    print("\n--- lease holder ---\n" + holder.output)
    print("--- second process ---\n" + standby[0].output)
