"""The Slack app manifest declares exactly what the app listens to."""

from __future__ import annotations

import re
from pathlib import Path

from adapters.slack.app import CATCH_ALL, COMMANDS

MANIFEST = (Path(__file__).parents[1] / "slack" / "manifest.yml").read_text("utf-8")


def _listed(key: str) -> set[str]:
    """The values of `- key: value` list items."""
    return set(re.findall(rf"^\s*- {key}: (\S+)", MANIFEST, re.M))


def test_manifest_declares_every_slash_command() -> None:
    """Every command the app registers is in the manifest, and nothing else."""
    assert _listed("command") == {*COMMANDS, CATCH_ALL}


def test_manifest_subscribes_to_the_events_the_app_handles() -> None:
    """Mentions and direct messages, the scopes they need, Socket Mode on, no interactivity."""
    events = re.search(r"bot_events:\n((?:\s+- .+\n)+)", MANIFEST)
    assert events is not None
    assert set(re.findall(r"- (\S+)", events.group(1))) == {"app_mention", "message.im"}
    scopes = re.search(r"bot:\n((?:\s+- .+\n)+)", MANIFEST)
    assert scopes is not None
    assert set(re.findall(r"- (\S+)", scopes.group(1))) == {
        "commands",
        "chat:write",
        "im:history",
        "app_mentions:read",
        "im:read",
        "im:write",
        "users:read",
        "channels:history",
        "groups:history",
    }
    assert re.search(r"^\s+socket_mode_enabled: true$", MANIFEST, re.M)
    assert re.search(r"interactivity:\n\s+is_enabled: false", MANIFEST)
    assert re.search(r"^\s+messages_tab_enabled: true", MANIFEST, re.M)  # people can DM it
