"""Posting digests to Slack: the sender the digest outbox calls once per run.

A channel digest goes to its channel. A DM digest goes to the person's DM with the
bot, which conversations.open names from the user id (also when the subscription
was made with a slash command in some other DM).

chat.postMessage has no idempotency key, and the outbox sends a run again when a
crash or a lost reply came between Slack accepting it and the run being marked
sent. So each message carries the run's key as message metadata (event type
`briefbot_digest`, payload `{key, part, parts}`), and before posting the sender
reads the channel's latest messages with their metadata and skips every part of
the run that is already there. Reading needs channels:history (groups:history for
private channels, im:history for DMs); without it the check is skipped with a
warning, and a re-sent run can then show up twice.

Rate limits and server errors are retried by the client's handlers (`posting`);
anything that still fails raises, and the outbox counts the attempt as failed.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.posting import message_payload
from briefs.models import Digest
from briefs.render.slack import digest_to_slack
from briefs.subscriptions import Subscription

logger = logging.getLogger(__name__)

EVENT_TYPE = "briefbot_digest"
# How far back the sender looks for its own earlier post of a run: a run is re-sent
# within the grace period, and a channel rarely gets 100 messages in that time.
HISTORY_LIMIT = 100
# Errors that mean "you may not read this history" (a scope the workspace did not
# grant): post anyway. Any other error is a failed attempt, tried again later.
UNREADABLE_HISTORY = frozenset({"missing_scope", "not_in_channel", "no_permission"})


def digest_metadata(key: str, part: int, parts: int) -> dict[str, Any]:
    """The message metadata that marks one message of one digest run."""
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key, "part": part, "parts": parts}}


def posted_parts(messages: list[dict[str, Any]], key: str) -> dict[int, str]:
    """The parts of run `key` among `messages` (conversations.history), with their ts."""
    found: dict[int, str] = {}
    for message in messages:
        metadata = message.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") != EVENT_TYPE or payload.get("key") != key:
            continue
        part = payload.get("part", 0)
        if isinstance(part, int | str) and str(part).isdigit() and "ts" in message:
            found.setdefault(int(part), str(message["ts"]))
    return found


class SlackDigestSender:
    """`bot.outbox.DigestSender` for Slack: returns the ts of the digest's first message."""

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client

    async def send(self, subscription: Subscription, digest: Digest, *, key: str) -> str:
        channel = await self.destination(subscription)
        messages = await asyncio.to_thread(digest_to_slack, digest)
        already = await self.already_posted(channel, key)
        refs: list[str] = []
        for part, message in enumerate(messages):
            ts = already.get(part)
            if ts is None:
                response = await self._client.chat_postMessage(
                    channel=channel,
                    metadata=digest_metadata(key, part, len(messages)),
                    **message_payload(message),
                )
                ts = str(response["ts"])
            else:
                logger.info("digest %s part %d is already in %s (ts %s)", key, part, channel, ts)
            refs.append(ts)
        return refs[0]

    async def destination(self, subscription: Subscription) -> str:
        """The channel to post in: the subscription's, or the person's DM with the bot."""
        if not subscription.is_dm:
            return subscription.channel_id
        response = await self._client.conversations_open(users=subscription.created_by)
        return str(response["channel"]["id"])

    async def already_posted(self, channel: str, key: str) -> dict[int, str]:
        """The parts of run `key` already in the channel ({} when history is unreadable)."""
        try:
            response = await self._client.conversations_history(
                channel=channel, limit=HISTORY_LIMIT, include_all_metadata=True
            )
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error not in UNREADABLE_HISTORY:
                raise
            logger.warning(
                "cannot read %s's history (%s): digest %s is posted without checking for an "
                "earlier copy",
                channel,
                error,
                key,
            )
            return {}
        messages = response.get("messages")
        return posted_parts(messages if isinstance(messages, list) else [], key)
