"""Posting digests to Discord: the sender the digest outbox calls once per run.

A channel digest goes to its channel; a DM digest to the person's DM with the bot,
opened with create_dm from the user id.

Every message carries a nonce derived from the run's key, and discord.py (2.7)
sends `enforce_nonce: true` with any nonce: when the outbox sends a run again (a
crash or a lost reply came between Discord accepting it and the run being marked
sent), Discord answers a repeated nonce from the same author with the message it
already created instead of posting another. Discord keeps nonces for a few
minutes, which covers a restart within them.

discord.py retries rate limits (after `retry_after`) and server errors itself;
anything that still fails raises, and the outbox counts the attempt as failed.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable

import discord

from adapters.discord.client import embeds_of
from briefs.models import Digest
from briefs.render.discord import digest_to_discord
from briefs.subscriptions import Subscription

NONCE_MAX = 25  # Discord's limit on a message nonce


def message_nonce(key: str, part: int) -> str:
    """The nonce of one message of a run: the key for the first, `key.N` for the others,
    hashed down to 25 characters when that is longer (a run key alone always fits)."""
    nonce = key if part == 0 else f"{key}.{part}"
    if len(nonce) <= NONCE_MAX:
        return nonce
    return hashlib.blake2b(nonce.encode(), digest_size=12).hexdigest()


class DiscordDigestSender:
    """`bot.outbox.DigestSender` for Discord: returns the id of the digest's first message.

    `client` returns the logged-in client when a digest is due (the runner makes it at
    start, after the senders are handed out).
    """

    def __init__(self, client: Callable[[], discord.Client]) -> None:
        self._client = client

    async def send(self, subscription: Subscription, digest: Digest, *, key: str) -> str:
        channel = await self.destination(subscription)
        messages = await asyncio.to_thread(digest_to_discord, digest)
        ids: list[int] = []
        for part, message in enumerate(messages):
            sent = await channel.send(
                content=message["content"],
                embeds=embeds_of(message),
                allowed_mentions=discord.AllowedMentions.none(),
                nonce=message_nonce(key, part),
            )
            ids.append(sent.id)
        return str(ids[0])

    async def destination(self, subscription: Subscription) -> discord.abc.Messageable:
        """The channel to post in: the subscription's, or the person's DM with the bot."""
        client = self._client()
        if subscription.is_dm:
            return await client.create_dm(discord.Object(id=int(subscription.created_by)))
        return client.get_partial_messageable(int(subscription.channel_id))
