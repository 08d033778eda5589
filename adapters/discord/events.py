"""One gateway event discord.py cannot parse costs that event, never the connection.

discord.py parses each dispatch in the gateway's read loop; a parser that raises (an
INTERACTION_CREATE whose `member.permissions` is not a number, or that lacks
`attachment_size_limit`) ends `Client.connect()` with that exception, and the bot
went silent. There is no public hook for this, so `isolate_event_errors` wraps the
client's parser table (`ConnectionState.parsers`, which the gateway reads per event):
a failing parser logs one line (the event's name and the error, never its payload,
which holds tokens) and the loop reads on. An interaction that could not be read is
answered, ephemerally, so its user is not left waiting on "thinking…".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import discord
from discord.http import Route

logger = logging.getLogger(__name__)

UNREADABLE_TEXT = "Sorry, I could not read that command. Please try it again."
INTERACTION_EVENT = "INTERACTION_CREATE"
_EPHEMERAL = 64  # message flag: only the user who ran the command sees it
_CHANNEL_MESSAGE = 4  # interaction callback type: answer with a message


def isolate_event_errors(client: discord.Client) -> None:
    """Wrap every parser of `client` so that one bad event is logged and skipped."""
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers
    replies: set[asyncio.Task[None]] = set()
    for event, parse in list(parsers.items()):
        parsers[event] = _guarded(client, event, parse, replies)


def _guarded(
    client: discord.Client,
    event: str,
    parse: Callable[[Any], None],
    replies: set[asyncio.Task[None]],
) -> Callable[[Any], None]:
    def parse_or_skip(data: Any) -> None:
        try:
            parse(data)
        except Exception as exc:
            logger.error("Discord: skipped a %s event that could not be read (%r)", event, exc)
            if event == INTERACTION_EVENT and isinstance(data, dict):
                task = asyncio.ensure_future(_answer_unreadable(client, data))
                replies.add(task)  # held until done: a bare task may be collected mid-flight
                task.add_done_callback(replies.discard)

    return parse_or_skip


async def _answer_unreadable(client: discord.Client, data: dict[str, Any]) -> None:
    """Tell the user the command could not be read, with the interaction's own id and token."""
    interaction_id, token = data.get("id"), data.get("token")
    if not isinstance(interaction_id, str | int) or not isinstance(token, str):
        return  # nothing to answer with
    route = Route(
        "POST",
        "/interactions/{interaction_id}/{interaction_token}/callback",
        interaction_id=interaction_id,
        interaction_token=token,
    )
    payload = {"type": _CHANNEL_MESSAGE, "data": {"content": UNREADABLE_TEXT, "flags": _EPHEMERAL}}
    try:
        await client.http.request(route, json=payload, params={"with_response": "true"})
    except (discord.HTTPException, OSError) as exc:
        logger.error("Discord: could not answer an unreadable interaction (%r)", exc)
