"""Digest subscriptions and their runs: who gets which digest, where, and when.

A subscription names a destination (platform, channel, DM or not), what to watch
(actors, topic) and a local wall-clock time in an IANA zone. A run is one digest for
one local date (its `period`); the store allows one run per (subscription, period),
which is what makes delivery at-most-once per day.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from pydantic import field_validator

from briefs.models import Frozen, as_utc

Platform = Literal["slack", "discord", "console"]
Days = Literal["daily", "weekdays"]
# pending: recorded, not yet delivered; sent: the platform accepted it; failed: every
# attempt failed; empty: nothing changed on a quiet subscription, so nothing was posted;
# missed: the bot was down past the grace period when it was due, so it was skipped.
RunStatus = Literal["pending", "sent", "failed", "empty", "missed"]

PLATFORMS: tuple[Platform, ...] = ("slack", "discord", "console")
DEFAULT_AT = dt.time(8, 0)
DEFAULT_TZ = "UTC"


class Destination(Frozen):
    """Where a digest is posted."""

    platform: Platform
    channel_id: str
    is_dm: bool = False


class SubscriptionDraft(Frozen):
    """A subscription before the store gives it an id."""

    platform: Platform
    channel_id: str
    is_dm: bool = False
    created_by: str
    actors: tuple[str, ...] = ()  # actor names; none = every country and organisation
    topic: str | None = None
    at: dt.time = DEFAULT_AT  # local wall-clock time in `tz`
    tz: str = DEFAULT_TZ
    days: Days = "daily"
    quiet: bool = True  # True: nothing on days without news; False: a one-line note

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        if not is_known_zone(value):
            raise ValueError(f"unknown time zone {value!r}")
        return value

    @field_validator("at")
    @classmethod
    def _wall_clock_minute(cls, value: dt.time) -> dt.time:
        # The zone lives in `tz`; a minute is the finest schedule the grammar offers.
        return value.replace(second=0, microsecond=0, tzinfo=None)

    @property
    def destination(self) -> Destination:
        return Destination(platform=self.platform, channel_id=self.channel_id, is_dm=self.is_dm)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def same_digest_as(self, other: SubscriptionDraft) -> bool:
        """Same destination, content and schedule (who made it and when do not matter)."""
        keys = ("platform", "channel_id", "actors", "topic", "at", "tz", "days", "quiet")
        return all(getattr(self, key) == getattr(other, key) for key in keys)


class Subscription(SubscriptionDraft):
    """A stored subscription."""

    id: int
    created_at: dt.datetime

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return as_utc(value)


class DigestRun(Frozen):
    """One digest for one subscription and one local date: the outbox row."""

    subscription_id: int
    period: dt.date  # the local date (in the subscription's zone) the digest is for
    status: RunStatus = "pending"
    attempts: int = 0  # send attempts made, the successful one included
    last_error: str | None = None
    created_at: dt.datetime
    sent_at: dt.datetime | None = None
    message_ref: str | None = None  # the platform's id for the posted message


def is_known_zone(name: str) -> bool:
    """Whether `name` is an IANA zone in the tz database (exact spelling)."""
    # Membership, not ZoneInfo(name): that raises IsADirectoryError for "Europe".
    return name in known_zones()


@cache
def known_zones() -> frozenset[str]:
    """Every IANA zone name; available_timezones() walks the tz database on each call."""
    return frozenset(available_timezones())


def period_of(subscription: SubscriptionDraft, fire_time: dt.datetime) -> dt.date:
    """The local date a fire time belongs to: the day the digest is for."""
    return as_utc(fire_time).astimezone(subscription.zone).date()


def fire_time_on(subscription: SubscriptionDraft, period: dt.date) -> dt.datetime:
    """The moment (UTC) a period's digest is due: `at` on that local date.

    A wall-clock time that a spring-forward gap skips is read with the offset in force
    before the gap (fold=0), which is where APScheduler's CronTrigger fires it too.
    """
    local = dt.datetime.combine(period, subscription.at, tzinfo=subscription.zone)
    return local.astimezone(dt.UTC)


def run_key(subscription_id: int, period: dt.date) -> str:
    """A stable idempotency key for one run (at most 25 characters: a Discord nonce)."""
    return f"digest-{subscription_id}-{period:%Y%m%d}"
