"""Live sources as stored: what is polled, how often, and how it went.

A source is a feed (RSS/Atom: its entries' pages are read) or a single article page
(re-read when it changes). Its schedule is `next_poll_at`: one interval after a
poll that worked, and further out after failures (`retry_delay`), never sooner than
the site's Retry-After. A source failing `unhealthy_after` times in a row is marked
unhealthy (it is still retried); one failing for good (410, a redirect loop) is
disabled with the reason.

Intervals are written as users type them: `15m`, `2h`, `1d`, `1h30m`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final, Literal

from pydantic import field_validator

from briefs.models import Frozen, as_utc

SourceKind = Literal["feed", "page"]
# ingested: its document is stored; duplicate: the same text as an item stored under
# another URL; skipped: no document (not English, no article...), never retried;
# retry: no document for a reason that may pass (the page did not load), read again
# on the next polls until ITEM_RETRIES attempts.
ItemStatus = Literal["ingested", "duplicate", "skipped", "retry"]
ItemOrigin = Literal["page", "feed_summary"]

MIN_INTERVAL_S: Final = 5 * 60  # politeness: no source is polled more often
MAX_INTERVAL_S: Final = 30 * 24 * 3600
DEFAULT_INTERVAL_S: Final = 3600
# A Retry-After further out than this is read as a week: a typo on the site's side
# should not park a source for years.
RETRY_AFTER_MAX_S: Final = 7 * 24 * 3600
ITEM_RETRIES: Final = 3

_UNITS: Final = {"d": 86_400, "h": 3_600, "m": 60}
_INTERVAL: Final = re.compile(r"(?:\d+[dhm])+")
_PART: Final = re.compile(r"(\d+)([dhm])")


class BadInterval(ValueError):
    """An interval the grammar cannot accept; str() is the one line for the user."""


def parse_interval(text: str) -> int:
    """`15m`, `2h`, `1d`, `1h30m` (any letter case) → seconds, within the allowed range."""
    compact = "".join(text.split()).lower()
    if not _INTERVAL.fullmatch(compact):
        shown = f"`{text}` is not an interval" if text.strip() else "`every` needs an interval"
        raise BadInterval(
            f"{shown}: use a number and a unit, like `every 15m`, `every 2h` or `every 1d` "
            f"(at least {interval_text(MIN_INTERVAL_S)})."
        )
    seconds = sum(int(n) * _UNITS[unit] for n, unit in _PART.findall(compact))
    if seconds < MIN_INTERVAL_S:
        raise BadInterval(
            f"`{text}` is too often: the shortest interval is {interval_text(MIN_INTERVAL_S)}, "
            f"e.g. `every {interval_text(MIN_INTERVAL_S)}`."
        )
    if seconds > MAX_INTERVAL_S:
        raise BadInterval(
            f"`{text}` is too long: the longest interval is {interval_text(MAX_INTERVAL_S)}."
        )
    return seconds


def interval_text(seconds: int) -> str:
    """Seconds as the grammar writes them: 3600 → `1h`, 5400 → `1h30m`, 90000 → `1d1h`."""
    parts: list[str] = []
    left = int(seconds)
    for unit, size in _UNITS.items():
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0m"


def retry_delay(
    failures: int,
    interval_s: int,
    *,
    max_backoff_s: int,
    retry_after_s: float | None = None,
) -> dt.timedelta:
    """How long to wait after the `failures`-th failure in a row.

    One interval after the first failure (a failing site is polled no more often than a
    working one), doubling with each further one up to `max_backoff_s` (or the interval,
    if that is longer); never sooner than the site's Retry-After.
    """
    cap = max(max_backoff_s, interval_s)
    exponent = min(max(failures, 1) - 1, 32)  # 2**32 intervals is past any cap
    delay = float(min(interval_s * 2**exponent, cap))
    if retry_after_s is not None:
        delay = max(delay, min(retry_after_s, RETRY_AFTER_MAX_S))
    return dt.timedelta(seconds=delay)


class SourceDraft(Frozen):
    """A source before the store gives it an id."""

    url: str  # the URL polled (after the redirects `sources add` followed)
    kind: SourceKind
    title: str | None = None
    interval_s: int
    created_by: str

    @field_validator("interval_s")
    @classmethod
    def _allowed_interval(cls, value: int) -> int:
        if not MIN_INTERVAL_S <= value <= MAX_INTERVAL_S:
            raise ValueError(f"an interval is {MIN_INTERVAL_S} to {MAX_INTERVAL_S} seconds")
        return value


class Source(SourceDraft):
    """A stored source and the state of its polling."""

    id: int
    created_at: dt.datetime
    etag: str | None = None  # validators of the last good response (conditional GET)
    last_modified: str | None = None
    last_polled_at: dt.datetime | None = None
    next_poll_at: dt.datetime | None = None  # None: due at once
    last_error: str | None = None  # the last failure's reason (kept while disabled)
    last_result: str | None = None  # what the last poll that worked did, in one line
    consecutive_failures: int = 0
    healthy: bool = True
    disabled: bool = False
    item_count: int = 0  # items of this source whose document is stored

    @field_validator("created_at", "last_polled_at", "next_poll_at")
    @classmethod
    def _utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else as_utc(value)

    def due(self, now: dt.datetime) -> bool:
        return not self.disabled and (self.next_poll_at is None or self.next_poll_at <= now)


class SourceItem(Frozen):
    """One feed entry or page a source brought, and what became of it.

    Known by `url_key` (its canonical URL) and, once read, `content_key` (its text):
    either matching means "seen", so a feed that changes an item's guid, date, title or
    URL never brings it twice. `fingerprint` and `cluster_id` place it in a story.
    """

    url_key: str
    url: str
    source_id: int | None
    status: ItemStatus
    content_key: str | None = None
    document_id: str | None = None
    origin: ItemOrigin | None = None
    site: str | None = None  # the page's host, without www.
    cluster_id: str | None = None
    fingerprint: bytes | None = None
    note: str | None = None  # why it was skipped, or that a feed summary stood in
    attempts: int = 1
    seen_at: dt.datetime

    @field_validator("seen_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return as_utc(value)
