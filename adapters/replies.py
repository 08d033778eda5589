"""From a parsed command to a rendered answer, the same way on every surface.

`answer` runs a command against the engine and is the one place where engine
errors become words for users: an unknown actor or topic is a one-line notice
with suggestions, never a stack trace and never silence. The `to_*` functions
render any reply for one platform.
"""

from __future__ import annotations

import logging

from adapters.commands import (
    HELP_TEXT,
    ActorsCommand,
    Command,
    HelpCommand,
    PositionCommand,
    WhoCommand,
)
from briefs.errors import BriefsError, UnknownActorError, UnknownTopicError
from briefs.models import ActorSummary, Brief, Frozen, StanceMatrix
from briefs.render.discord import (
    DiscordMessage,
    actors_to_discord,
    brief_to_discord,
    matrix_to_discord,
    notice_to_discord,
)
from briefs.render.slack import (
    SlackMessage,
    actors_to_slack,
    brief_to_slack,
    matrix_to_slack,
    notice_to_slack,
)
from briefs.render.text import actors_to_text, brief_to_text, matrix_to_text
from briefs.service import BriefingService

logger = logging.getLogger(__name__)

CHAT_ACTORS_MAX = 40  # a chat answer lists the most-cited actors; the CLI lists them all


class ActorList(Frozen):
    """The known actors, most cited first."""

    actors: tuple[ActorSummary, ...]
    total: int


class Notice(Frozen):
    """A short message: the help text, or what went wrong in one sentence."""

    text: str
    error: bool = False


Reply = Brief | StanceMatrix | ActorList | Notice


def answer(service: BriefingService, command: Command) -> Reply:
    """Run a command. Engine errors become a Notice here, for every adapter."""
    try:
        return _run(service, command)
    except (UnknownActorError, UnknownTopicError) as exc:
        return Notice(text=str(exc), error=True)
    except BriefsError as exc:
        logger.warning("command %s failed: %s", command.kind, exc)
        return Notice(text=f"Sorry, I could not answer that: {exc}", error=True)


def _run(service: BriefingService, command: Command) -> Reply:
    if isinstance(command, PositionCommand):
        return service.brief(command.request)
    if isinstance(command, WhoCommand):
        return service.matrix(command.topic)
    if isinstance(command, ActorsCommand):
        summaries = [s for s in service.actors() if s.actor.kind != "person"]
        return ActorList(actors=tuple(summaries[:CHAT_ACTORS_MAX]), total=len(summaries))
    return help_notice(command)


def help_notice(command: HelpCommand) -> Notice:
    """The help text, led by the reason the input was not understood."""
    text = f"{command.reason}\n\n{HELP_TEXT}" if command.reason else HELP_TEXT
    return Notice(text=text)


def to_slack(reply: Reply) -> list[SlackMessage]:
    """Slack messages (Block Kit plus fallback text) for a reply."""
    if isinstance(reply, Brief):
        return brief_to_slack(reply)
    if isinstance(reply, StanceMatrix):
        return matrix_to_slack(reply)
    if isinstance(reply, ActorList):
        return actors_to_slack(reply.actors)
    return [notice_to_slack(reply.text)]


def to_discord(reply: Reply) -> list[DiscordMessage]:
    """Discord messages (embeds, no mentions) for a reply."""
    if isinstance(reply, Brief):
        return brief_to_discord(reply)
    if isinstance(reply, StanceMatrix):
        return matrix_to_discord(reply)
    if isinstance(reply, ActorList):
        return actors_to_discord(reply.actors)
    return [notice_to_discord(reply.text)]


def to_text(reply: Reply) -> str:
    """Plain text for a reply (console, logs)."""
    if isinstance(reply, Brief):
        return brief_to_text(reply)
    if isinstance(reply, StanceMatrix):
        return matrix_to_text(reply)
    if isinstance(reply, ActorList):
        return actors_to_text(reply.actors)
    return reply.text
