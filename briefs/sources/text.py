"""Plain-text lines for `sources list`, the same on every surface.

One line per source, with what someone checking on it needs: what it is, how often it
is read, whether it works (and if not, the last error and when it is tried again), and
what the last poll brought. Times are UTC, to the minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from briefs.sources.models import Source, interval_text

NO_SOURCES = "No sources yet. Add a feed with `sources add <url> [every <interval>]`."


def moment_text(moment: dt.datetime | None) -> str:
    """`2026-02-01 09:00 UTC`, or `never`."""
    if moment is None:
        return "never"
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def source_name(source: Source) -> str:
    """`feed "Kyiv Wire: World" https://…` or `page https://…`."""
    title = f' "{source.title}"' if source.title else ""
    return f"{source.kind}{title} {source.url}"


def health_text(source: Source, now: dt.datetime) -> str:
    """How the source is doing and when it is read next."""
    if source.disabled:
        return (
            f"disabled: {source.last_error or 'no reason recorded'} "
            f"(`sources fetch {source.id}` tries it again, `sources remove {source.id}` drops it)"
        )
    due = "now" if source.due(now) else moment_text(source.next_poll_at)
    if source.last_polled_at is None:
        return f"not read yet, first poll {due}"
    if not source.healthy:
        failures = source.consecutive_failures
        return (
            f"UNHEALTHY, {failures} failures in a row, last error: {source.last_error}; "
            f"next retry {due}"
        )
    if source.last_error:
        return f"failed once: {source.last_error}; next retry {due}"
    return f"ok, last poll {moment_text(source.last_polled_at)}, next {due}"


def source_line(source: Source, now: dt.datetime) -> str:
    """`#3 feed "Kyiv Wire" https://… every 1h, 42 items: ok, last poll …, next …`."""
    items = "1 item" if source.item_count == 1 else f"{source.item_count} items"
    line = (
        f"#{source.id} {source_name(source)} every {interval_text(source.interval_s)}, "
        f"{items}: {health_text(source, now)}"
    )
    if source.last_result and not source.disabled:
        label = "Last good poll" if source.last_error else "Last poll"
        line += f". {label}: {source.last_result}"
    return line


def sources_text(sources: Sequence[Source], now: dt.datetime) -> str:
    if not sources:
        return NO_SOURCES
    return "Sources:\n" + "\n".join(source_line(s, now) for s in sources)
