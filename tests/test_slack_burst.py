"""A burst of slash commands at once: every one acked, every reply delivered once, and the
engine never building more than ENGINE_THREADS answers at a time (more would take the
GIL from the event loop that acks the commands still arriving). The real Bolt app over
real HTTP against the fake Slack; how fast is measured in bench/slack_bench.py, not here.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from emulators.slack import FakeSlack, SlackSender

from adapters import replies
from adapters.commands import parse_command
from adapters.replies import answer, to_slack
from adapters.slack import SlackRunner, build_slack_app
from adapters.slack.app import ENGINE_THREADS
from bot.settings import SlackSettings
from briefs.service import BriefingService

SEEDS = Path(__file__).parents[1] / "seeds"
COMMANDS = 100
TEXTS = ("poland", "france", "united kingdom", "poland on troops", "narnia")


@pytest.fixture(autouse=True)
def hermetic_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("BOT_TOKEN", "SIGNING_SECRET", "APP_TOKEN", "API_URL", "CLIENT_ID"):
        monkeypatch.delenv(f"SLACK_{name}", raising=False)


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, service_at: Callable[[Path], BriefingService]
) -> BriefingService:
    service = service_at(tmp_path_factory.mktemp("burst") / "seeds.db")
    assert service.ingest([SEEDS]).ingested
    return service


class Overlap:
    """Counts the answers being built at once, each held a little so that overlaps show."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.most = 0

    def wrap(self, built: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.now += 1
                self.most = max(self.most, self.now)
            try:
                time.sleep(0.005)  # releases the GIL, as SQLite reads do
                return built(*args, **kwargs)
            finally:
                with self._lock:
                    self.now -= 1

        return counted


@pytest.fixture
async def sender(
    seeded: BriefingService, slack_settings: Callable[[str], SlackSettings]
) -> AsyncIterator[tuple[SlackSender, FakeSlack]]:
    async with FakeSlack() as fake:
        settings = slack_settings(fake.api_url)
        runner = SlackRunner(build_slack_app(seeded, settings), settings)
        await runner.start()
        assert runner.url is not None
        try:
            async with SlackSender(runner.url, fake) as slack:
                yield slack, fake
        finally:
            await runner.stop()


async def test_a_hundred_commands_at_once_are_all_answered_a_few_at_a_time(
    sender: tuple[SlackSender, FakeSlack],
    seeded: BriefingService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slack, fake = sender
    overlap = Overlap()
    monkeypatch.setattr(replies, "answer", overlap.wrap(answer))
    texts = [TEXTS[i % len(TEXTS)] for i in range(COMMANDS)]

    sent = await asyncio.gather(*(slack.slash("/position", text) for text in texts))

    assert [(s.status, s.body) for s in sent] == [(200, "")] * COMMANDS
    wanted = {
        text: [m["text"] for m in to_slack(reply)]
        for text in set(texts)
        for reply in [answer(seeded, parse_command(text, command="/position"))]
    }
    ids = [s.response_id for s in sent]
    pairs = list(zip(ids, texts, strict=True))
    await fake.wait_for(lambda: all(len(fake.responses(i)) >= len(wanted[t]) for i, t in pairs))
    await asyncio.sleep(0.2)  # a duplicate would arrive by now
    for response_id, text in pairs:
        got = fake.responses(response_id)
        assert len(got) == len(wanted[text]), text  # each message once
        assert [r.body["text"] for r in got] == wanted[text], text
    assert 1 < overlap.most <= ENGINE_THREADS
