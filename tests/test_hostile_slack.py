"""Issue 10, repros 3, 5 and 6: Slack's HTTP endpoint against slow, malformed and replayed
requests, the way they were found: real sockets and aiohttp clients on loopback against
the real Bolt app served by `SlackRunner`, replies collected by the fake Slack.
"""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from emulators.slack import FakeSlack, SlackSender, slash_command_form
from test_slack_app import slack_settings

from adapters import redaction
from adapters.slack import SlackRunner, build_slack_app
from bot.settings import SlackSettings
from briefs.service import BriefingService

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
IDLE_CLIENTS = 1_100
READ_TIMEOUT = 1.0
MAX_CONNECTIONS = 200


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, service_at: Any) -> BriefingService:
    service: BriefingService = service_at(tmp_path_factory.mktemp("slack-hostile") / "s.db")
    service.ingest([SEEDS])
    return service


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as slack:
        yield slack


@pytest.fixture
async def runner(seeded: BriefingService, fake: FakeSlack) -> AsyncIterator[SlackRunner]:
    settings = slack_settings(
        fake, http_read_timeout_seconds=READ_TIMEOUT, http_max_connections=MAX_CONNECTIONS
    )
    served = SlackRunner(build_slack_app(seeded, settings), settings)
    await served.start()
    yield served
    await served.stop()


@pytest.fixture
async def sender(runner: SlackRunner, fake: FakeSlack) -> AsyncIterator[SlackSender]:
    assert runner.url is not None
    async with SlackSender(runner.url, fake) as slack:
        yield slack


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG, formatted through a handler carrying the redaction filter,
    as `briefbot run` installs it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.DEBUG)
    redaction.install(root)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def test_the_endpoint_listens_on_loopback_unless_told_otherwise() -> None:
    assert SlackSettings(_env_file=None).http_host == "127.0.0.1"


async def test_1100_idle_half_open_requests_do_not_starve_health_or_commands(
    runner: SlackRunner, sender: SlackSender, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    """Slow clients are shed: /healthz and a signed command are answered at once, and every
    idle connection is closed by the server within the read deadline."""
    host, port = runner._bound or ("", 0)
    idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    for n in range(IDLE_CLIENTS):
        reader, writer = await asyncio.open_connection(host, port)
        if n % 2:  # headers never finished
            writer.write(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nX-Slack-")
        else:  # headers done, the promised body never sent
            writer.write(b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: 900\r\n\r\n")
        idle.append((reader, writer))
    started = time.perf_counter()
    health, _ = await sender.get(runner.url.removesuffix("/slack/events") + "/healthz")  # type: ignore[union-attr]
    sent = await sender.slash("/actors", "")
    assert health == 200 and sent.status == 200
    assert time.perf_counter() - started < 2.0
    assert await fake.wait_for(lambda: fake.responses(sent.response_id))
    closed = await asyncio.gather(*(reader.read() for reader, _ in idle))  # EOF or a 408
    assert all(data == b"" or data.startswith(b"HTTP/1.1 408") for data in closed)
    for _, writer in idle:
        writer.close()
    assert sum(len(r.getMessage()) for r in caplog.records) < 5_000


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"}, b"a=1", 401),
        ({"X-Slack-Request-Timestamp": "now", "X-Slack-Signature": "v0=00"}, b"\xff\xfe", 401),
        ({"Content-Type": "application/x-www-form-urlencoded; charset=bogus-9"}, b"a=1", 401),
        ({"X-Slack-Signature": "v0=00"}, b"response_url=https%3A%2F%2Fhooks.slack.com", 401),
        (None, b"\xff\xfe\xfd", 400),  # stamped now and signed, but not UTF-8
    ],
    ids=["ts-abc", "bad-utf8-unsigned", "bogus-charset", "no-ts", "bad-utf8-signed"],
)
async def test_malformed_requests_are_refused_quietly(
    runner: SlackRunner,
    fake: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    headers: dict[str, str] | None,
    body: bytes,
    status: int,
) -> None:
    """4xx, never 500; 50 of them log one short line, no traceback, no body."""
    caplog.set_level(logging.DEBUG)
    if headers is None:
        headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=0"}
    assert runner.url is not None
    async with aiohttp.ClientSession(trust_env=False) as session:
        for _ in range(50):
            async with session.post(runner.url, data=body, headers=headers) as response:
                assert response.status == status
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "Traceback" not in caplog.text and "hooks.slack.com" not in text
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and len(text) < 2_000
    assert not fake.requests or all(r.target != "chat.postMessage" for r in fake.requests)


async def test_a_stale_genuine_request_leaks_nothing_at_info(
    sender: SlackSender, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    url, _ = fake.new_response_url()
    body = urlencode(slash_command_form("/actors", "", response_url=url))
    sent = await sender.post(body, "application/x-www-form-urlencoded", int(time.time()) - 400)
    assert sent.status == 401
    assert url not in caplog.text and "response_url" not in caplog.text


async def test_debug_logs_redact_response_urls_and_tokens(
    sender: SlackSender, fake: FakeSlack, log_output: io.StringIO
) -> None:
    """At DEBUG slack_sdk logs every request; what reaches the handler names no credential."""
    sent = await sender.slash("/actors", "")
    replies = await fake.wait_for(lambda: fake.responses(sent.response_id))
    logged = log_output.getvalue()
    assert "[redacted]" in logged  # the libraries did log them, and they were replaced
    assert replies[0].path not in logged
    assert "xoxb-" not in logged.replace("xoxb-[redacted]", "")


async def test_a_replayed_slash_command_is_answered_once(
    sender: SlackSender, fake: FakeSlack
) -> None:
    """One signed request sent three times inside the freshness window: three 200s, one brief."""
    url, response_id = fake.new_response_url()
    body = urlencode(slash_command_form("/position", "poland", response_url=url))
    stamp = int(time.time())
    statuses = [
        (await sender.post(body, "application/x-www-form-urlencoded", stamp)).status
        for _ in range(3)
    ]
    assert statuses == [200, 200, 200]
    first = await fake.wait_for(lambda: fake.responses(response_id))
    await asyncio.sleep(1.0)  # time for any second answer to arrive
    assert len(fake.responses(response_id)) == len(first)
    resent = await sender.slash("/position", "poland")  # a new command is answered as usual
    assert await fake.wait_for(lambda: fake.responses(resent.response_id))
