"""`python -m bot run` as a process: what it says it starts, and a clean stop on signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CREDENTIALS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "DISCORD_TOKEN",
)


def bot_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment less any real credentials, with a scratch database and `settings`."""
    env = {k: v for k, v in os.environ.items() if k not in CREDENTIALS}
    env.update(BRIEFBOT_DB=str(tmp_path / "run.db"), PYTHONUNBUFFERED="1", **settings)
    return env


def test_without_credentials_each_platform_says_why_it_is_off(tmp_path: Path) -> None:
    """No tokens: one line per platform saying why, then a non-zero exit."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=bot_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Slack off: SLACK_BOT_TOKEN not set" in done.stdout
    assert "Discord off: DISCORD_TOKEN not set" in done.stdout
    assert done.returncode == 1


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_slack_over_http_starts_and_stops_cleanly_on_a_signal(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """With Slack credentials it serves HTTP, says so, and exits 0 on SIGTERM or SIGINT."""
    env = bot_env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="secret",
        SLACK_API_URL="http://127.0.0.1:9/api/",  # never called before a request arrives
        SLACK_HTTP_HOST="127.0.0.1",
        SLACK_HTTP_PORT="0",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Slack on:"):
            break
    assert any(line.startswith("Slack on: HTTP, events at http://127.0.0.1:") for line in lines)
    assert any("Discord off: DISCORD_TOKEN not set" in line for line in lines)
    process.send_signal(signum)
    out, _ = process.communicate(timeout=30)
    assert process.returncode == 0, "".join(lines) + out
    assert "Stopping" in out
