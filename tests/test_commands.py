"""One command grammar for every surface, tested once."""

from __future__ import annotations

import pytest

from adapters.commands import (
    ActorsCommand,
    HelpCommand,
    PositionCommand,
    WhoCommand,
    parse_command,
)


@pytest.mark.parametrize(
    ("text", "actor", "topic"),
    [
        ("position poland", "poland", None),
        ("Position United Kingdom on troops", "United Kingdom", "troops"),
        ("position France about security guarantees", "France", "security guarantees"),
        ("what is Poland's position on troops?", "Poland", "troops"),
        ("What’s the UK’s stance on guarantees", "UK", "guarantees"),
        ("where does France stand?", "France", None),
        ("Where does the UK stand on security guarantees?", "UK", "security guarantees"),
        ("what does Turkey think about the Black Sea?", "Turkey", "the Black Sea"),
        ("position of Poland on logistics", "Poland", "logistics"),
        ("<@U024BE7LH> position poland", "poland", None),
        ("<@123456789> position poland", "poland", None),
    ],
    ids=[
        "keyword",
        "keyword-topic",
        "about",
        "question",
        "curly-question",
        "stand",
        "stand-topic",
        "think",
        "position-of",
        "slack-mention",
        "discord-mention",
    ],
)
def test_position_requests(text: str, actor: str, topic: str | None) -> None:
    """Commands and plain questions become a brief request for the actor and topic."""
    command = parse_command(text)
    assert isinstance(command, PositionCommand)
    assert (command.request.actor, command.request.topic) == (actor, topic)


def test_slash_command_name_and_arguments() -> None:
    """A slash command's name and text parse like the typed command."""
    assert parse_command("poland on troops", command="/position") == parse_command(
        "position poland on troops"
    )
    assert parse_command("troops", command="/who") == WhoCommand(topic="troops")
    assert parse_command("", command="/actors") == ActorsCommand()


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("who troops", "troops"),
        ("who opposes sending troops?", "sending troops"),
        ("Who supports security guarantees", "security guarantees"),
    ],
)
def test_who_requests(text: str, topic: str) -> None:
    """`who <topic>` and "who supports/opposes X?" ask for the stance matrix."""
    assert parse_command(text) == WhoCommand(topic=topic)


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP"])
def test_help_without_reason(text: str) -> None:
    """Empty input and `help` give the help text, with no complaint."""
    assert parse_command(text) == HelpCommand()


@pytest.mark.parametrize("text", ["hello there", "position", "who", "tell me a joke"])
def test_anything_else_gets_help_with_a_reason(text: str) -> None:
    """Never silence: what is not understood gets the help text and says why."""
    command = parse_command(text)
    assert isinstance(command, HelpCommand)
    assert command.reason
