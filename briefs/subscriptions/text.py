"""Plain-text lines for `digest list` and `digest status`, the same on every surface."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from briefs.subscriptions.models import DigestRun, Subscription

ALL_ACTORS = "every country and organisation"


def subscription_line(subscription: Subscription, *, with_destination: bool = False) -> str:
    """`#3 Poland, United Kingdom on troops: weekdays at 08:00 Europe/Warsaw, quiet`."""
    what = ", ".join(subscription.actors) or ALL_ACTORS
    if subscription.topic:
        what += f" on {subscription.topic}"
    days = "weekdays" if subscription.days == "weekdays" else "daily"
    when = f"{days} at {subscription.at:%H:%M} {subscription.tz}"
    empty_days = "quiet" if subscription.quiet else "always"
    line = f"#{subscription.id} {what}: {when}, {empty_days}"
    if with_destination:
        line += f" ({destination_text(subscription)})"
    return line


def destination_text(subscription: Subscription) -> str:
    """`slack DM D123`, `discord channel 987`, `console`."""
    if subscription.platform == "console":
        return "console"
    kind = "DM" if subscription.is_dm else "channel"
    return f"{subscription.platform} {kind} {subscription.channel_id}"


def subscriptions_text(
    subscriptions: Sequence[Subscription], *, with_destination: bool = False
) -> str:
    if not subscriptions:
        return "No digest subscriptions here. Start one with `digest subscribe`."
    lines = [subscription_line(s, with_destination=with_destination) for s in subscriptions]
    return "Digest subscriptions:\n" + "\n".join(lines)


def run_line(run: DigestRun, subscription: Subscription | None) -> str:
    """`#3 2026-03-09: sent 08:00 Europe/Warsaw (1 attempt)` and the like."""
    head = f"#{run.subscription_id} {run.period.isoformat()}"
    tries = _attempts(run.attempts)
    if run.status == "sent":
        sent = _local(run.sent_at, subscription) if run.sent_at else "?"
        return f"{head}: sent {sent} ({tries})"
    if run.status == "failed":
        return f"{head}: failed after {tries}: {run.last_error or 'no error text'}"
    if run.status == "empty":
        return f"{head}: nothing new, nothing posted (quiet)"
    if run.status == "missed":
        return f"{head}: missed (briefbot was not running within the grace period)"
    detail = f", {tries} so far, last error: {run.last_error}" if run.attempts else ""
    return f"{head}: pending{detail}"


def runs_text(runs: Sequence[DigestRun], subscriptions: Mapping[int, Subscription]) -> str:
    if not runs:
        return "No digests have run yet."
    lines = [run_line(run, subscriptions.get(run.subscription_id)) for run in runs]
    return "Recent digests:\n" + "\n".join(lines)


def _attempts(count: int) -> str:
    return f"{count} attempt" if count == 1 else f"{count} attempts"


def _local(moment: dt.datetime, subscription: Subscription | None) -> str:
    if subscription is None:
        return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    return f"{moment.astimezone(subscription.zone):%H:%M} {subscription.tz}"
