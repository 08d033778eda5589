"""The Discord client: slash commands and direct messages, answered with cited briefs.

Every answer takes the same path as on the other surfaces: a `Command` (from the slash
command's options, or `parse_command` on a DM's text), `answer` in a worker thread (the
service is synchronous SQLite), then `to_discord` for the messages. Nothing here decides
what to say; this module only moves commands in and messages out.

Digest commands also say who is asking (`Requester`): in a server, whether the member
has Manage Channels there (`interaction.permissions`); a DM is the asker's own. Their
answers (notices, previews) are private: `/digest` defers ephemerally, so every
followup is seen by the asker alone, and in a DM only the asker is there.

`/sources` and `sources ...` in a DM are answered by the sources desk on the event loop
(they fetch from the web). Adding, removing and fetching need Manage Channels in a
server channel: Discord tells bots no rights in a DM, and a DM grants none over what
the whole bot reads.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

import discord
from discord import app_commands
from pydantic import SecretStr

from adapters.commands import (
    Command,
    Requester,
    SourcesAdminCommand,
    needs_requester,
    parse_command,
)
from adapters.discord.slash import OptionTypeError, add_commands
from adapters.replies import Notice, SourcesDesk, answer_async, to_discord
from briefs.render.discord import DiscordMessage
from briefs.service import BriefingService

logger = logging.getLogger(__name__)

# For failures outside the engine (a bug, a lost database): `answer` turns engine errors
# into words, this only keeps the user from waiting on "thinking..." forever.
FAILURE_TEXT = "Sorry, something went wrong on my side. Please try again later."


class DiscordConfig(Protocol):
    """What the adapter reads from the Discord settings (bot.settings.DiscordSettings)."""

    @property
    def token(self) -> SecretStr | None: ...

    @property
    def api_url(self) -> str: ...

    @property
    def gateway_url(self) -> str | None: ...


def bot_token(settings: DiscordConfig) -> str:
    """The bot token, or a ValueError saying it is missing."""
    if settings.token is None:
        raise ValueError("Discord needs a bot token (DISCORD_TOKEN)")
    return settings.token.get_secret_value()


def bot_intents() -> discord.Intents:
    """Only what the bot uses. DMs carry their text without the privileged content intent."""
    intents = discord.Intents.default()
    intents.message_content = False
    intents.dm_messages = True
    return intents


class BriefBot(discord.Client):
    """A discord.py client answering `/position`, `/who`, `/actors`, `/help` and DMs."""

    def __init__(
        self,
        service: BriefingService,
        settings: DiscordConfig,
        *,
        sources: SourcesDesk | None = None,
        **options: Any,
    ) -> None:
        # A brief quotes articles; whatever a quote says, nobody gets pinged.
        options.setdefault("allowed_mentions", discord.AllowedMentions.none())
        super().__init__(intents=bot_intents(), **options)
        self.service = service
        self.settings = settings
        self.sources = sources
        self.tree: app_commands.CommandTree[BriefBot] = app_commands.CommandTree(self)
        self.tree.error(self._on_command_error)
        add_commands(self.tree, self)

    async def render(
        self, command: Command, requester: Requester | None = None
    ) -> list[DiscordMessage]:
        """The messages answering a command (the engine runs in a worker thread)."""
        reply = await answer_async(self.service, command, requester, sources=self.sources)
        return await asyncio.to_thread(to_discord, reply)

    async def respond(
        self,
        interaction: discord.Interaction[BriefBot],
        command: Command,
        *,
        private: bool = False,
    ) -> None:
        """Answer a slash command: "thinking..." at once, then the answer as followups.

        `private`: only the asker sees "thinking..." and the answer (digest commands).
        """
        await interaction.response.defer(thinking=True, ephemeral=private)
        requester = (
            interaction_requester(interaction, command) if needs_requester(command) else None
        )
        for message in await self.render(command, requester):
            await interaction.followup.send(
                content=message["content"],
                embeds=embeds_of(message),
                allowed_mentions=discord.AllowedMentions.none(),
                ephemeral=private,
            )

    async def on_message(self, message: discord.Message) -> None:
        """Answer direct messages; guild messages are not ours to read (no content intent)."""
        if not isinstance(message.channel, discord.DMChannel):
            return
        if message.author.bot or message.author == self.user:  # ourselves and other bots
            return
        try:
            command = parse_command(message.content)
            requester = dm_requester(message, command) if needs_requester(command) else None
            replies = await self.render(command, requester)
        except Exception:
            logger.exception("direct message %s failed", message.id)
            replies = failure_messages()
        for reply in replies:
            await message.channel.send(
                content=reply["content"],
                embeds=embeds_of(reply),
                allowed_mentions=discord.AllowedMentions.none(),
            )

    async def _on_command_error(
        self, interaction: discord.Interaction[BriefBot], error: app_commands.AppCommandError
    ) -> None:
        cause = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(cause, OptionTypeError | app_commands.TransformerError):
            logger.warning("/%s: %s", _command_name(interaction), cause)
            replies = to_discord(Notice(text=str(cause), error=True))
        else:
            logger.error("/%s failed", _command_name(interaction), exc_info=error)
            replies = failure_messages()
        try:
            for reply in replies:
                # After defer() the first followup replaces "thinking..." and keeps its
                # visibility, so only a not-yet-answered interaction can go ephemeral.
                if interaction.response.is_done():
                    await interaction.followup.send(content=reply["content"])
                else:
                    await interaction.response.send_message(reply["content"], ephemeral=True)
        except discord.HTTPException:  # Discord itself failing: the log line above is all we have
            logger.exception("could not tell the user that /%s failed", _command_name(interaction))


def interaction_requester(
    interaction: discord.Interaction[BriefBot], command: Command | None = None
) -> Requester | None:
    """Who ran a slash command, where, and whether they may manage that channel's digests
    (or, for `command` a sources change, the bot's sources: Manage Channels, not a DM)."""
    if interaction.channel_id is None:  # no place to post to: digest commands say so
        return None
    is_dm = isinstance(interaction.channel, discord.DMChannel)
    dm_grants = is_dm and not isinstance(command, SourcesAdminCommand)
    return Requester(
        platform="discord",
        user_id=str(interaction.user.id),
        channel_id=str(interaction.channel_id),
        is_dm=is_dm,
        can_manage_channel=dm_grants or (not is_dm and interaction.permissions.manage_channels),
    )


def dm_requester(message: discord.Message, command: Command | None = None) -> Requester:
    """The author of a direct message, whose own the DM is (its digests, not the sources)."""
    return Requester(
        platform="discord",
        user_id=str(message.author.id),
        channel_id=str(message.channel.id),
        is_dm=True,
        can_manage_channel=not isinstance(command, SourcesAdminCommand),
    )


def embeds_of(message: DiscordMessage) -> list[discord.Embed]:
    # The message's own allowed_mentions is always {"parse": []}: AllowedMentions.none().
    return [discord.Embed.from_dict(embed) for embed in message["embeds"]]


def failure_messages() -> list[DiscordMessage]:
    return to_discord(Notice(text=FAILURE_TEXT, error=True))


def _command_name(interaction: discord.Interaction[BriefBot]) -> str:
    command = interaction.command
    return command.qualified_name if command is not None else "?"
