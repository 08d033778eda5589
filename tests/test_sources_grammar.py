"""The `sources` grammar: one parser for slash commands, messages and the console."""

from __future__ import annotations

import pytest
from conftest import ServiceFactory

from adapters.commands import (
    HELP_TEXT,
    SOURCES_HELP_TEXT,
    Command,
    DigestHelpCommand,
    DigestListCommand,
    InvalidCommand,
    SourcesAddCommand,
    SourcesFetchCommand,
    SourcesHelpCommand,
    SourcesListCommand,
    SourcesRemoveCommand,
    needs_requester,
    parse_command,
)
from adapters.replies import NO_SOURCES_DESK, Notice, answer
from briefs.service import BriefingService

FEED = "https://kyivwire.example/feed.xml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sources", SourcesHelpCommand()),
        ("sources help", SourcesHelpCommand()),
        ("Sources LIST", SourcesListCommand()),
        (f"sources add {FEED}", SourcesAddCommand(url=FEED)),
        (f"sources add {FEED} every 2h", SourcesAddCommand(url=FEED, interval_s=7200)),
        (f"sources add {FEED} every 15m", SourcesAddCommand(url=FEED, interval_s=900)),
        (f"sources add {FEED} EVERY 1d", SourcesAddCommand(url=FEED, interval_s=86400)),
        (f"sources add {FEED} every 1h 30m", SourcesAddCommand(url=FEED, interval_s=5400)),
        (f"source add {FEED}", SourcesAddCommand(url=FEED)),
        ("sources remove 3", SourcesRemoveCommand(source_id=3)),
        ("sources remove #3", SourcesRemoveCommand(source_id=3)),
        ("sources delete 3", SourcesRemoveCommand(source_id=3)),
        ("sources fetch", SourcesFetchCommand()),
        ("sources fetch 12", SourcesFetchCommand(source_id=12)),
        ("sources poll 12", SourcesFetchCommand(source_id=12)),
        # Slack writes links as <url> or <url|label>, and & as &amp;
        (f"sources add <{FEED}>", SourcesAddCommand(url=FEED)),
        (f"sources add <{FEED}|kyivwire.example/feed.xml>", SourcesAddCommand(url=FEED)),
        (
            "sources add <https://x.example/rss?a=1&amp;b=2|x.example/rss> every 2h",
            SourcesAddCommand(url="https://x.example/rss?a=1&b=2", interval_s=7200),
        ),
        (f"<@U0BOT> sources add {FEED}", SourcesAddCommand(url=FEED)),
    ],
)
def test_sources_commands_parse(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


def test_the_slash_command_takes_the_rest_of_the_line() -> None:
    assert parse_command(f"add {FEED} every 2h", command="/sources") == SourcesAddCommand(
        url=FEED, interval_s=7200
    )
    assert parse_command("", command="/sources") == SourcesHelpCommand()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "sources add kyivwire.example/feed.xml",
            "`kyivwire.example/feed.xml` has no scheme; did you mean "
            "`https://kyivwire.example/feed.xml`?",
        ),
        (
            "sources add www.kyivwire.example",
            "`www.kyivwire.example` has no scheme; did you mean `https://www.kyivwire.example`?",
        ),
        (
            "sources add ftp://kyivwire.example/feed",
            "`ftp://kyivwire.example/feed` is not a web address: sources are http or https "
            "feeds and pages, e.g. `https://example.com/feed.xml`.",
        ),
        (
            "sources add https:// every 1h",
            "`https://` has no host name; give a feed or page address like "
            "`https://example.com/feed.xml`.",
        ),
        (
            "sources add",
            "`sources add` needs a URL: sources add <url> [every <interval>], e.g. "
            "`sources add https://example.com/feed.xml every 2h`.",
        ),
        (
            f"sources add {FEED} every 3x",
            "`3x` is not an interval: use a number and a unit, like `every 15m`, `every 2h` or "
            "`every 1d` (at least 5m).",
        ),
        (
            f"sources add {FEED} every 1m",
            "`1m` is too often: the shortest interval is 5m, e.g. `every 5m`.",
        ),
        (f"sources add {FEED} every", "`every` needs an interval: use a number and a unit"),
        (f"sources add {FEED} weekly", "After the URL only `every <interval>` may follow"),
        (
            "sources remove",
            "`sources remove` takes a source number from `sources list`, e.g. `sources remove 3`.",
        ),
        ("sources fetch kyiv", "`sources fetch` takes a source number from `sources list`"),
        ("sources list all", "`sources list` takes nothing after it."),
        ("sources frob", "There is no `sources frob`; try one of: add, list, remove, fetch, help."),
    ],
)
def test_bad_sources_commands_get_one_line_with_a_suggestion(text: str, reason: str) -> None:
    parsed = parse_command(text)
    assert isinstance(parsed, InvalidCommand)
    assert parsed.reason.startswith(reason)
    assert "\n" not in parsed.reason


def test_only_changes_to_sources_need_a_requester() -> None:
    assert needs_requester(SourcesAddCommand(url=FEED))
    assert needs_requester(SourcesRemoveCommand(source_id=1))
    assert needs_requester(SourcesFetchCommand())
    assert not needs_requester(SourcesListCommand())
    assert not needs_requester(SourcesHelpCommand())
    assert needs_requester(DigestListCommand()) and not needs_requester(DigestHelpCommand())


def test_the_help_names_the_sources_commands() -> None:
    assert "sources list|add|remove|fetch" in HELP_TEXT
    for usage in ("sources add <url> [every <interval>]", "sources list", "sources remove"):
        assert usage in SOURCES_HELP_TEXT
    assert "at least 5m" in SOURCES_HELP_TEXT


def test_without_a_desk_sources_commands_say_where_they_work(service: ServiceFactory) -> None:
    briefing: BriefingService = service()
    assert answer(briefing, SourcesHelpCommand()) == Notice(text=SOURCES_HELP_TEXT)
    for command in (SourcesListCommand(), SourcesAddCommand(url=FEED), SourcesFetchCommand()):
        assert answer(briefing, command) == Notice(text=NO_SOURCES_DESK, error=True)
