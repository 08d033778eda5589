"""Discord: slash commands and direct messages answered with cited briefs (discord.py).

    runner = DiscordRunner(service, discord_settings)   # BriefBot + token + endpoints
    await runner.start(); ...; await runner.stop()
    await sync_commands(discord_settings, service, guild_id)  # `python -m bot discord-sync`
    runner.digest_sender()                               # posts digests (DiscordDigestSender)

`use_endpoints` points discord.py at another REST base and gateway (a proxy, the test
emulator); the defaults are Discord's own.
"""

from __future__ import annotations

from adapters.discord.client import BriefBot, DiscordConfig, bot_intents
from adapters.discord.digests import DiscordDigestSender
from adapters.discord.endpoints import DISCORD_API_URL, DISCORD_GATEWAY_URL, use_endpoints
from adapters.discord.runner import DiscordRunner, sync_commands

__all__ = (
    "DISCORD_API_URL",
    "DISCORD_GATEWAY_URL",
    "BriefBot",
    "DiscordConfig",
    "DiscordDigestSender",
    "DiscordRunner",
    "bot_intents",
    "sync_commands",
    "use_endpoints",
)
