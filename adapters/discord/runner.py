"""Running the Discord client next to other adapters, and publishing its commands.

`DiscordRunner.start()` logs in (so a bad token fails there and then) and leaves the
gateway connection to a task; `stop()` closes it. `sync_commands` is the separate,
occasional step that tells Discord which slash commands exist: syncing on every start
would spend a rate-limited call for nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import discord

from adapters.discord.client import BriefBot, DiscordConfig, bot_token
from adapters.discord.digests import DiscordDigestSender
from adapters.discord.endpoints import use_endpoints
from adapters.replies import SourcesDesk
from briefs.service import BriefingService

logger = logging.getLogger(__name__)


class DiscordRunner:
    """Start and stop a `BriefBot` with the token and endpoints from the settings."""

    def __init__(
        self,
        service: BriefingService,
        settings: DiscordConfig,
        *,
        sources: SourcesDesk | None = None,
        **client_options: Any,
    ) -> None:
        self.service = service
        self.settings = settings
        self.sources = sources
        self.client_options = client_options  # e.g. guild_ready_timeout, passed to discord.Client
        self._bot: BriefBot | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def bot(self) -> BriefBot:
        if self._bot is None:
            raise RuntimeError("the Discord runner has not been started")
        return self._bot

    def digest_sender(self) -> DiscordDigestSender:
        """What posts digests through this runner's client (`bot.runner.digest_senders`)."""
        return DiscordDigestSender(lambda: self.bot)

    async def start(self) -> None:
        """Log in, then keep the gateway connection in a background task."""
        if self._bot is not None:
            raise RuntimeError("the Discord runner is already started")
        use_endpoints(self.settings.api_url, self.settings.gateway_url)
        bot = BriefBot(self.service, self.settings, sources=self.sources, **self.client_options)
        self._bot = bot
        try:
            await bot.login(bot_token(self.settings))
        except BaseException:
            await bot.close()
            self._bot = None
            raise
        self._task = asyncio.create_task(bot.connect(), name="discord-gateway")
        self._task.add_done_callback(_log_end)

    async def stop(self) -> None:
        """Close the connection and wait for the gateway task to end."""
        bot, task = self._bot, self._task
        self._bot = self._task = None
        if bot is not None:
            await bot.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
                await task


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


def _log_end(task: asyncio.Task[None]) -> None:
    """The gateway task only ends on stop(); anything else is worth a log line."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        logger.error("the Discord connection ended", exc_info=error)
