"""The slash commands, each mapped onto the one command grammar (`adapters.commands`).

    /position actor:<autocomplete> topic:<optional>   → PositionCommand(BriefRequest(actor, topic))
    /who topic:                                       → WhoCommand(topic)
    /quotes speaker:<autocomplete> about:<optional>   → QuotesCommand(QuotesRequest(…))
    /actors                                           → ActorsCommand()
    /help                                             → HelpCommand()
    /digest args:<optional>                           → parse_command("digest " + args)
    /sources args:<optional>                          → parse_command("sources " + args)

`/digest` takes the rest of the digest grammar as one string, as typed after `digest`
in a DM (`/digest args:subscribe poland on troops at 08:00 tz Europe/Warsaw`); without
args it shows the digest help. Its answers are ephemeral: only the asker sees them.
`/sources` works the same way (`/sources args:add https://example.com/feed.xml every 2h`).

The callbacks are closures over the bot, so the tree needs no global state. They are
registered with the client, and reach Discord only through `sync_commands`.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from adapters.commands import (
    ActorsCommand,
    HelpCommand,
    PositionCommand,
    WhoCommand,
    parse_command,
    quotes_command,
)
from briefs.models import BriefRequest

if TYPE_CHECKING:
    from adapters.discord.client import BriefBot

AUTOCOMPLETE_MAX = 25  # Discord shows at most 25 choices
CHOICE_MAX = 100  # a choice's name and value: at most 100 characters each


class OptionTypeError(app_commands.AppCommandError):
    """An option arrived as another type than the command declares (a stale or forged
    command definition): answered with this sentence, not a generic failure."""

    def __init__(self, command: str, option: str) -> None:
        super().__init__(f"`/{command}`: the option `{option}` takes text. Please type it again.")


def text_option(value: object, *, command: str, option: str) -> str:
    """The text of a string option; `OptionTypeError` when Discord sent something else.

    discord.py hands string options over unchecked, so a number sent for `topic` reached
    `.strip()` and failed as a bug would.
    """
    if not isinstance(value, str):
        raise OptionTypeError(command, option)
    return value


def add_commands(tree: app_commands.CommandTree[BriefBot], bot: BriefBot) -> None:
    """Register /position, /who, /quotes, /actors, /help, /digest and /sources on `tree`,
    answered by `bot`."""

    @tree.command(name="position", description="An actor's position, with the quotes that show it")
    @app_commands.describe(
        actor="A country, organisation or person, e.g. Poland",
        topic="Only this topic, e.g. troops",
    )
    async def position(
        interaction: discord.Interaction[BriefBot], actor: str, topic: str | None = None
    ) -> None:
        actor = text_option(actor, command="position", option="actor")
        topic = text_option(topic or "", command="position", option="topic")
        request = BriefRequest(actor=actor.strip(), topic=topic.strip() or None)
        await bot.respond(interaction, PositionCommand(request=request))

    @position.autocomplete("actor")
    async def actor_choices(
        interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[str]]:
        actors = await asyncio.to_thread(
            bot.service.suggest_actors, current, limit=AUTOCOMPLETE_MAX
        )
        names = [a.name[:CHOICE_MAX] for a in actors]
        return [app_commands.Choice(name=name, value=name) for name in names]

    @tree.command(name="who", description="Who supports, opposes or conditions a topic")
    @app_commands.describe(topic="A topic, e.g. troops")
    async def who(interaction: discord.Interaction[BriefBot], topic: str) -> None:
        topic = text_option(topic, command="who", option="topic")
        await bot.respond(interaction, WhoCommand(topic=topic.strip()))

    @tree.command(name="quotes", description="Who said what, word for word, newest first")
    @app_commands.describe(
        speaker="A person or body quoted, e.g. Tusk (leave empty for everyone)",
        about="Only statements about this, e.g. troops",
    )
    async def quotes(
        interaction: discord.Interaction[BriefBot],
        speaker: str | None = None,
        about: str | None = None,
    ) -> None:
        speaker = text_option(speaker or "", command="quotes", option="speaker")
        about = text_option(about or "", command="quotes", option="about")
        await bot.respond(interaction, quotes_command(speaker, about))

    @quotes.autocomplete("speaker")
    async def speaker_choices(
        interaction: discord.Interaction[BriefBot], current: str
    ) -> list[app_commands.Choice[str]]:
        found = await asyncio.to_thread(
            bot.service.suggest_speakers, current, limit=AUTOCOMPLETE_MAX
        )
        names = list(dict.fromkeys(s.name[:CHOICE_MAX] for s in found))
        return [app_commands.Choice(name=name, value=name) for name in names]

    @tree.command(name="actors", description="The actors I know, most cited first")
    async def actors(interaction: discord.Interaction[BriefBot]) -> None:
        await bot.respond(interaction, ActorsCommand())

    @tree.command(name="help", description="What I understand")
    async def help_(interaction: discord.Interaction[BriefBot]) -> None:
        await bot.respond(interaction, HelpCommand())

    @tree.command(name="digest", description="A daily digest of what changed, here or in a DM")
    @app_commands.describe(
        args="subscribe poland on troops at 08:00 tz Europe/Warsaw | list | preview 3 | help"
    )
    async def digest(interaction: discord.Interaction[BriefBot], args: str = "") -> None:
        args = text_option(args, command="digest", option="args")
        await bot.respond(interaction, parse_command(args, command="/digest"), private=True)

    @tree.command(name="sources", description="The feeds and pages I read: list, add, remove")
    @app_commands.describe(
        args="list | add https://example.com/feed.xml every 2h | remove 3 | fetch 3 | help"
    )
    async def sources(interaction: discord.Interaction[BriefBot], args: str = "") -> None:
        args = text_option(args, command="sources", option="args")
        await bot.respond(interaction, parse_command(args, command="/sources"), private=True)
