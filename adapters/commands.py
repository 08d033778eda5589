"""One command grammar for every surface: slash commands, direct messages, the console.

    position <actor> [on <topic>]      an actor's cited brief
    who <topic>                        the stance matrix on a topic
    actors                             the known actors
    help                               what the bot understands

Direct messages also take plain questions ("what is Poland's position on troops?",
"where does France stand?", "who opposes sending troops?"). Anything else gets the
help text with a reason, never silence.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import ValidationError

from briefs.models import BriefRequest, Frozen

COMMAND_NAMES = ("position", "who", "actors", "help")


class PositionCommand(Frozen):
    """Show an actor's brief."""

    kind: Literal["position"] = "position"
    request: BriefRequest


class WhoCommand(Frozen):
    """Show who supports, opposes or conditions a topic."""

    kind: Literal["who"] = "who"
    topic: str


class ActorsCommand(Frozen):
    """List the known actors."""

    kind: Literal["actors"] = "actors"


class HelpCommand(Frozen):
    """Show the help text, with the reason when the input was not understood."""

    kind: Literal["help"] = "help"
    reason: str | None = None


Command = PositionCommand | WhoCommand | ActorsCommand | HelpCommand

HELP_TEXT = """\
I answer with cited briefs: every point quotes the articles verbatim.
• position <actor> [on <topic>]: what an actor's position is, e.g. position poland on troops
• who <topic>: who supports, opposes or conditions it, e.g. who troops
• actors: the actors I know, with how often they are cited
• help: this text
In a direct message you can also just ask, e.g. "what is Poland's position on troops?"
or "where does France stand?\""""

_ON_TOPIC = re.compile(r"^(?P<actor>.+?)(?:\s+(?:on|about|regarding|over)\s+(?P<topic>.+))?$", re.I)
_QUESTIONS = (
    # what is Poland's position on troops / what's the UK's stance about guarantees
    re.compile(
        r"^what(?:'s|’s| is| are)\s+(?:the\s+)?(?P<actor>.+?)(?:'s|’s|')\s+"
        r"(?:position|stance|view|line|take)s?(?:\s+(?:on|about|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
    # where does France stand (on troops)
    re.compile(
        r"^where\s+(?:does|do|did)\s+(?:the\s+)?(?P<actor>.+?)\s+stand"
        r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
    # what does Poland think/say about troops
    re.compile(
        r"^what\s+(?:does|do|did)\s+(?:the\s+)?(?P<actor>.+?)\s+(?:think|say|said)"
        r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
    # position of Poland (on troops)
    re.compile(
        r"^(?:the\s+)?(?:position|stance)\s+of\s+(?:the\s+)?(?P<actor>.+?)"
        r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
)
_WHO_QUESTION = re.compile(
    r"^who\s+(?:supports|opposes|backs|rejects|is\s+(?:for|against)|stands\s+where\s+on"
    r"|conditions|wants|is\s+open\s+to)\s+(?P<topic>.+)$",
    re.I,
)


def parse_command(text: str, *, command: str | None = None) -> Command:
    """Parse what a user typed.

    `command` is a slash command's name ("/position"), with `text` its arguments;
    without it, `text` is a whole message ("position poland on troops", or a question).
    """
    if command is not None:
        text = f"{command.lstrip('/')} {text}"
    words = _clean(text)
    if not words:
        return HelpCommand()
    who = _WHO_QUESTION.match(words)
    if who:
        return WhoCommand(topic=who.group("topic"))
    verb, _, rest = words.partition(" ")
    verb = verb.lower()
    if verb in COMMAND_NAMES:
        return _keyword(verb, rest.strip())
    return _question(words)


def _keyword(verb: str, rest: str) -> Command:
    if verb == "help":
        return HelpCommand()
    if verb == "actors":
        return ActorsCommand()
    if not rest:
        example = "position poland" if verb == "position" else "who troops"
        return HelpCommand(reason=f"`{verb}` needs something to look up, e.g. `{example}`.")
    if verb == "who":
        return WhoCommand(topic=rest)
    match = _ON_TOPIC.match(rest)
    assert match is not None  # the pattern matches any non-empty text
    return _position(match.group("actor"), match.group("topic"))


def _question(text: str) -> Command:
    for pattern in _QUESTIONS:
        match = pattern.match(text)
        if match:
            return _position(match.group("actor"), match.group("topic"))
    return HelpCommand(reason="I did not understand that.")


def _position(actor: str, topic: str | None) -> Command:
    actor = re.sub(r"^(?:of|for)\s+(?:the\s+)?", "", actor.strip(" \"'“”"), flags=re.I)
    try:
        request = BriefRequest(actor=actor, topic=topic.strip() if topic else None)
    except ValidationError:
        return HelpCommand(reason="That does not look like an actor's name.")
    return PositionCommand(request=request)


def _clean(text: str) -> str:
    """One line, no mention markup, no trailing question mark."""
    text = re.sub(r"<@[A-Z0-9]+(?:\|[^>]*)?>", " ", text)  # Slack: <@U123>
    text = re.sub(r"<@!?\d+>", " ", text)  # Discord: <@123>, <@!123>
    return " ".join(text.split()).rstrip("?!. ").strip()
