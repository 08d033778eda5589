"""Who is asking, for digest commands: the `Requester` a Slack event stands for.

Subscribing a channel needs the right to manage it. Slack's Web API has no
"channel manager" check a bot can call (admin.conversations is Enterprise Grid
only), so briefbot takes what it can read: a workspace admin or owner (users.info,
the users:read scope), or someone on DIGEST_SLACK_ADMINS (passed in as `admins`,
which `bot.settings.DigestSettings` provides). A DM digest is the asker's own and
needs nothing. users.info also tells the person's time zone, which a subscription
takes when none is given.

The sources commands that change what briefbot reads (add, remove, fetch) need the
same rights, without the DM shortcut: sources are the whole bot's, so an admin or
someone on the list may manage them anywhere, DMs included, and nobody else anywhere.

Only these commands need this; briefs are answered without the extra call.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.commands import Command, Requester, SourcesAdminCommand, needs_requester

logger = logging.getLogger(__name__)


class DigestAdmins(Protocol):
    """The allow-list of people who may manage any channel's digests (DIGEST_SLACK_ADMINS)."""

    def is_slack_admin(self, user_id: str) -> bool: ...


def is_dm_channel(channel_id: str, channel_name: str | None = None) -> bool:
    """A direct message: slash commands say "directmessage", and DM ids start with D."""
    return channel_name == "directmessage" or channel_id.startswith("D")


class SlackRequesters:
    """Builds requesters from users.info and the allow-list."""

    def __init__(self, client: AsyncWebClient, admins: DigestAdmins | None = None) -> None:
        self._client = client
        self._admins = admins

    async def requester(
        self, command: Command, *, user_id: str, channel_id: str, is_dm: bool
    ) -> Requester | None:
        """The requester for a command that needs one; None for every other command."""
        if not needs_requester(command):
            return None
        profile = await self._profile(user_id)
        listed = self._admins is not None and self._admins.is_slack_admin(user_id)
        admin = bool(profile.get("is_admin") or profile.get("is_owner"))
        zone = profile.get("tz")
        # A DM digest is its owner's; a source is everyone's, so a DM grants nothing.
        dm_grants = is_dm and not isinstance(command, SourcesAdminCommand)
        return Requester(
            platform="slack",
            user_id=user_id,
            channel_id=channel_id,
            is_dm=is_dm,
            can_manage_channel=dm_grants or listed or admin,
            timezone=zone if isinstance(zone, str) and zone else None,
        )

    async def _profile(self, user_id: str) -> dict[str, Any]:
        """users.info's user object; {} when Slack cannot say (then: no admin, no zone)."""
        try:
            response = await self._client.users_info(user=user_id)
        except SlackApiError as exc:
            # missing_scope (no users:read) lands here: the allow-list still works
            logger.warning("users.info for %s failed: %s", user_id, exc.response.get("error"))
            return {}
        except (TimeoutError, aiohttp.ClientError) as exc:
            logger.warning("users.info for %s failed: %r", user_id, exc)
            return {}
        user = response.get("user")
        return user if isinstance(user, dict) else {}
