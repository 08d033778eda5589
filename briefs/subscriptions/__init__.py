"""Digest subscriptions: the models, their store (with the outbox) and their text."""

from __future__ import annotations

from briefs.subscriptions.models import (
    DEFAULT_AT,
    DEFAULT_TZ,
    PLATFORMS,
    Days,
    Destination,
    DigestRun,
    Platform,
    RunStatus,
    Subscription,
    SubscriptionDraft,
    fire_time_on,
    is_known_zone,
    known_zones,
    period_of,
    run_key,
)
from briefs.subscriptions.store import SubscriptionStore, engine_of

__all__ = [
    "DEFAULT_AT",
    "DEFAULT_TZ",
    "PLATFORMS",
    "Days",
    "Destination",
    "DigestRun",
    "Platform",
    "RunStatus",
    "Subscription",
    "SubscriptionDraft",
    "SubscriptionStore",
    "engine_of",
    "fire_time_on",
    "is_known_zone",
    "known_zones",
    "period_of",
    "run_key",
]
