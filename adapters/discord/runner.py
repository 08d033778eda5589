"""Running the Discord client next to other adapters, supervised, and publishing its commands.

`DiscordRunner.start()` logs in (so a bad token fails there and then) and leaves the
gateway connection to a supervising task. discord.py reconnects by itself after most
drops; what it gives up on (a close code it deems fatal, an exception it does not
catch) ended the connection for good while health checks stayed green. The supervisor
logs in again with a fresh client and reconnects, with backoff. Every failure in a row
(a lost connection, a failed attempt) counts, a READY or RESUMED resets the count, and
after `max_failures` the runner gives up: `failed` is set, and `briefbot run` exits
non-zero so that a supervisor (systemd, Docker, Kubernetes) restarts it. The runner
reports to `health` all along. `stop()` closes it.

`sync_commands` is the separate, occasional step that tells Discord which slash
commands exist: syncing on every start would spend a rate-limited call for nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
import discord

from adapters.discord.client import BriefBot, DiscordConfig, bot_token
from adapters.discord.digests import DiscordDigestSender
from adapters.discord.endpoints import use_endpoints
from adapters.discord.events import isolate_event_errors
from adapters.health import Health
from adapters.replies import SourcesDesk
from briefs.service import BriefingService

logger = logging.getLogger(__name__)

MAX_FAILURES = 5  # failures in a row before the runner gives up
BACKOFF_SECONDS = 2.0  # before the supervisor's first new attempt; doubles each time
BACKOFF_MAX_SECONDS = 60.0
SURFACE = "Discord"
# What discord.py's own reconnect loop catches, and dispatches `disconnect` for, before
# re-raising: those failures were counted already by `on_disconnect`.
_COUNTED_BY_DISCORD = (
    OSError,
    discord.HTTPException,
    discord.GatewayNotFound,
    discord.ConnectionClosed,
    aiohttp.ClientError,
    asyncio.TimeoutError,
)


class DiscordRunner:
    """Start, supervise and stop a `BriefBot` with the token and endpoints from the settings."""

    def __init__(
        self,
        service: BriefingService,
        settings: DiscordConfig,
        *,
        sources: SourcesDesk | None = None,
        health: Health | None = None,
        max_failures: int = MAX_FAILURES,
        backoff_seconds: float = BACKOFF_SECONDS,
        **client_options: Any,
    ) -> None:
        self.service = service
        self.settings = settings
        self.sources = sources
        self.health = health or Health()
        self.max_failures = max_failures
        self.backoff_seconds = backoff_seconds
        self.client_options = client_options  # e.g. guild_ready_timeout, passed to discord.Client
        self.failed = asyncio.Event()  # set when the runner gives up
        self.failure: str | None = None
        self.failures = 0  # in a row, since the last READY or RESUMED
        self._bot: BriefBot | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._closing: asyncio.Future[None] | None = None

    @property
    def bot(self) -> BriefBot:
        if self._bot is None:
            raise RuntimeError("the Discord runner has not been started")
        return self._bot

    def digest_sender(self) -> DiscordDigestSender:
        """What posts digests through this runner's client (`bot.runner.digest_senders`)."""
        return DiscordDigestSender(lambda: self.bot)

    async def start(self) -> None:
        """Log in, then keep the gateway connection in a supervised background task."""
        if self._bot is not None:
            raise RuntimeError("the Discord runner is already started")
        use_endpoints(self.settings.api_url, self.settings.gateway_url)
        self._stopping = False
        self._bot = await self._logged_in()
        self.health.report(SURFACE, up=False, detail="connecting")
        self._task = asyncio.create_task(self._supervise(), name="discord-gateway")

    async def stop(self) -> None:
        """Close the connection and wait for the gateway task to end."""
        self._stopping = True
        bot, task = self._bot, self._task
        self._bot = self._task = None
        if bot is not None:
            await bot.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
                await task
        self.health.report(SURFACE, up=False, detail="stopped")

    async def _logged_in(self) -> BriefBot:
        bot = BriefBot(self.service, self.settings, sources=self.sources, **self.client_options)
        isolate_event_errors(bot)
        self._watch(bot)
        try:
            await bot.login(bot_token(self.settings))
        except BaseException:
            await bot.close()
            raise
        return bot

    def _watch(self, bot: BriefBot) -> None:
        """Count the connection's ups and downs (discord.py's own events)."""

        async def on_ready() -> None:
            self._connected("connected")

        async def on_resumed() -> None:
            self._connected("connected (resumed)")

        async def on_disconnect() -> None:
            self._lost("the gateway connection dropped")

        for listener in (on_ready, on_resumed, on_disconnect):
            bot.event(listener)

    def _connected(self, detail: str) -> None:
        self.failures = 0
        self.health.report(SURFACE, up=True, detail=detail)

    def _lost(self, reason: str) -> None:
        if self._stopping or self.failed.is_set():
            return
        self.failures += 1
        detail = f"{reason}; reconnecting ({self.failures} of {self.max_failures} failures)"
        self.health.report(SURFACE, up=False, detail=detail)
        if self.failures >= self.max_failures:
            self._give_up(reason)

    def _give_up(self, reason: str) -> None:
        self.failure = f"gave up after {self.failures} failures in a row (last: {reason})"
        logger.error("Discord: %s", self.failure)
        self.health.report(SURFACE, up=False, detail=self.failure)
        self.failed.set()
        if self._bot is not None and not self._bot.is_closed():
            # Closing ends connect() (discord.py would retry forever); the supervisor stops.
            self._closing = asyncio.ensure_future(self._bot.close())

    async def _supervise(self) -> None:
        while not self._stopping and not self.failed.is_set():
            error = await self._connect_once()
            if error is None or self.failed.is_set():
                return
            delay = min(self.backoff_seconds * 2 ** max(self.failures - 1, 0), BACKOFF_MAX_SECONDS)
            logger.warning("Discord: %s; connecting again in %.1f s", error, delay)
            await asyncio.sleep(delay)

    async def _connect_once(self) -> str | None:
        """One connection's life; None when it ended because we stopped, else why it ended."""
        try:
            if self._bot is None or self._bot.is_closed():  # discord.py closes it on fatal codes
                self._bot = await self._logged_in()
        except Exception as exc:
            if self._stopping:
                return None
            self._lost(f"logging in again failed ({type(exc).__name__}: {exc})")
            return "logging in again failed"
        try:
            await self._bot.connect(reconnect=True)
        except Exception as exc:
            if self._stopping:
                return None
            reason = f"the connection ended ({type(exc).__name__}: {exc})"
            if not isinstance(exc, _COUNTED_BY_DISCORD):
                self._lost(reason)
            return reason
        if self._stopping:
            return None
        self._lost("the client closed")
        return "the client closed"


async def sync_commands(
    settings: DiscordConfig, service: BriefingService, guild_id: int | None
) -> list[str]:
    """Publish the slash commands, globally or to one server; returns their names.

    Global commands can take a while to show up in every server; a guild's copy shows at
    once, which is what `guild_id` (DISCORD_GUILD_ID while developing) is for.
    """
    use_endpoints(settings.api_url, settings.gateway_url)
    async with BriefBot(service, settings) as bot:  # closes (logs out) on the way out
        await bot.login(bot_token(settings))
        if guild_id is None:
            synced = await bot.tree.sync()
        else:
            guild = discord.Object(id=guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
    return [command.name for command in synced]
