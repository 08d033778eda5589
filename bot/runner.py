"""`briefbot run`: start every chat surface whose credentials are set, in one event loop.

Each platform left off gets one line saying why. SIGINT and SIGTERM stop every
surface cleanly (the Slack web server, the Discord gateway) before the process exits.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from typing import Protocol

from bot.settings import DiscordSettings, SlackSettings
from briefs.service import BriefingService

logger = logging.getLogger(__name__)


class Surface(Protocol):
    """A chat surface the runner can start and stop."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def build_surfaces(
    service: BriefingService,
    slack: SlackSettings,
    discord: DiscordSettings,
    say: Callable[[str], None],
) -> list[tuple[str, Surface]]:
    """The surfaces that can start; one line through `say` for each that cannot."""
    surfaces: list[tuple[str, Surface]] = []
    slack_off = slack.off_reason()
    if slack_off is None:
        from adapters.slack.app import build_slack_app
        from adapters.slack.runner import SlackRunner

        surfaces.append(("Slack", SlackRunner(build_slack_app(service, slack), slack)))
    else:
        say(f"Slack off: {slack_off}")
    discord_off = discord.off_reason()
    if discord_off is None:
        from adapters.discord.runner import DiscordRunner

        surfaces.append(("Discord", DiscordRunner(service, discord)))
    else:
        say(f"Discord off: {discord_off}")
    return surfaces


async def run_surfaces(
    surfaces: list[tuple[str, Surface]],
    say: Callable[[str], None],
    stop: asyncio.Event | None = None,
) -> int:
    """Start the surfaces, wait for a stop signal (or `stop`), stop them in reverse order."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    started: list[tuple[str, Surface]] = []
    try:
        for name, surface in surfaces:
            await surface.start()
            started.append((name, surface))
            say(f"{name} on: {_describe(surface)}")
        await stop.wait()
        say("Stopping…")
    finally:
        for name, surface in reversed(started):
            try:
                await surface.stop()
            except Exception:
                logger.exception("%s did not stop cleanly", name)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return 0


def _describe(surface: Surface) -> str:
    mode = getattr(surface, "mode", None)
    url = getattr(surface, "url", None)
    if mode == "http" and url:
        return f"HTTP, events at {url}"
    if mode == "socket":
        return "Socket Mode"
    return "connected"
