"""Work still running after Slack was answered: tracked, so a shutdown waits for it.

Bolt acks a slash command and runs the listener afterwards; stopping the bot at that
moment would drop a brief the user was promised. The runner drains this set first.
Slack also re-delivers an event it thinks was lost (`X-Slack-Retry-Num`); the event ids
seen recently let the listener answer it once.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

RECENT_EVENTS_MAX = 2048  # event ids remembered; Slack retries within minutes


class InFlight:
    """The listener tasks that have not finished yet, and the events already handled."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """Count the current task as in flight until the block ends."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)

    def first_time(self, event_id: str | None) -> bool:
        """True the first time an event id is seen (no id: always true)."""
        if event_id is None:
            return True
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > RECENT_EVENTS_MAX:
            self._seen.popitem(last=False)
        return True

    @property
    def count(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float) -> int:
        """Wait up to `timeout` seconds for in-flight work; returns how many did not finish."""
        pending = {t for t in self._tasks if not t.done()}
        if not pending:
            return 0
        _, still = await asyncio.wait(pending, timeout=timeout)
        return len(still)
