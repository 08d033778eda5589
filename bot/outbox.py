"""Digest delivery: record the run, build, send, retry, and mark how it went.

The guarantees, and what each rests on:

- At most one digest per subscription and local day. `record_run` inserts the run
  BEFORE anything is sent, and the outbox's UNIQUE (subscription_id, period) means a
  second scheduler, a retry or a restart finds the same row; a row that is already
  sent (or empty, failed, missed) is left alone.
- One worker sends a pending run. A worker must win `claim_run` (one conditional
  UPDATE) first, and renews the claim before each attempt; a claim that runs out
  (its worker died) can be taken by the next one. Each attempt is bounded by a
  timeout shorter than the claim, so a live worker never loses its claim mid-send.
- Crashes between recording and sending are not lost: pending runs are delivered at
  start-up and by the scheduler's periodic sweep once their claim has run out (or,
  when they are more than the grace period late by then, marked `missed`, as
  catch-up does with fires it finds too old).
- Failures are visible: every failed attempt counts and keeps its error; after the
  last one the run is `failed`, which `digest status` shows.

The one window left: the platform accepted the message but the process died (or
the reply was lost, or the attempt timed out) before `mark_sent`. The run is still
pending, so it is sent again. Senders get `key`, stable for the run, to close that
window where the platform allows it: Discord's create-message takes a `nonce` with
`enforce_nonce: true` and returns the first message instead of posting a second
(for a few minutes). Slack's chat.postMessage has no idempotency key; its sender can
attach the key as message metadata and, before a retry, look for it in the
channel's recent history (conversations.history with include_all_metadata).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from briefs.models import Digest, DigestRequest
from briefs.render.text import digest_to_text
from briefs.subscriptions import (
    DigestRun,
    Platform,
    Subscription,
    SubscriptionStore,
    fire_time_on,
    period_of,
    run_key,
)

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], Awaitable[None]]
BuildDigest = Callable[[DigestRequest], Digest]

# A TEST HOOK, inert unless the variable is set: BRIEFBOT_FAULT=crash-after-outbox-record
# makes the process die at once (os._exit: no cleanup, no lease release) right after a
# run is recorded and before it is claimed or sent. tests/test_digest_processes.py uses
# it to crash a real `python -m bot run` in the window that recovery must cover.
FAULT_VARIABLE = "BRIEFBOT_FAULT"
CRASH_AFTER_RECORD = "crash-after-outbox-record"


class DigestSender(Protocol):
    """Posts a digest to one platform; returns the platform's reference for the message.

    `key` is the same for every attempt at one run: pass it to the platform as an
    idempotency key where there is one (Discord's nonce). Raise on any failure.
    """

    async def send(self, subscription: Subscription, digest: Digest, *, key: str) -> str: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded attempts with exponential backoff: backoff, 2×backoff, 4×backoff…"""

    attempts: int = 5
    backoff: float = 2.0  # seconds before the second attempt
    timeout: float = 30.0  # seconds one attempt may take

    def delay(self, failed: int) -> float:
        """The wait after the `failed`-th failed attempt."""
        return self.backoff * 2.0 ** (failed - 1)

    @property
    def claim(self) -> dt.timedelta:
        """How long a claim lasts: one attempt and the longest wait, with room to spare."""
        return dt.timedelta(seconds=self.timeout + self.delay(self.attempts) + 30)


class Outbox:
    """Delivers digest runs through the platforms' senders, at most once each."""

    def __init__(
        self,
        store: SubscriptionStore,
        build: BuildDigest,
        senders: Mapping[Platform, DigestSender],
        *,
        owner: str,
        clock: Clock,
        policy: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._store = store
        self._build = build
        self.senders = senders
        self._owner = owner
        self._clock = clock
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._crash_after_record = os.environ.get(FAULT_VARIABLE) == CRASH_AFTER_RECORD

    async def deliver(
        self,
        subscription: Subscription,
        fire_time: dt.datetime,
        *,
        late_after: dt.timedelta | None = None,
    ) -> DigestRun:
        """The digest due at `fire_time`, sent once; returns its run as it ends up.

        With `late_after`, a run that is more than that late when its turn comes is
        marked `missed` instead of sent: recovery applies the grace period that
        catch-up applies, so a long outage never posts stale digests.
        """
        period = period_of(subscription, fire_time)
        run = await asyncio.to_thread(
            self._store.record_run, subscription.id, period, now=self._clock()
        )
        if self._crash_after_record:
            logger.critical("%s=%s: exiting after recording", FAULT_VARIABLE, CRASH_AFTER_RECORD)
            os._exit(1)
        if run.status != "pending" or not await self._claim(subscription.id, period):
            return run  # done already, or another worker is at it
        try:
            if late_after is not None and self._clock() - fire_time > late_after:
                await asyncio.to_thread(self._store.mark_missed, subscription.id, period)
            else:
                await self._deliver_claimed(subscription, period, fire_time)
        except asyncio.CancelledError:
            # Shutting down mid-delivery: let the next start take it over at once.
            self._store.release_run(subscription.id, period, self._owner)
            raise
        return await self._run(subscription.id, period)

    async def recover(
        self, subscriptions: Mapping[int, Subscription], *, grace: dt.timedelta | None = None
    ) -> list[DigestRun]:
        """Finish runs left pending (a crash between recording and sending), once each.

        Sent if at most `grace` late (always, without one); otherwise marked missed.
        """
        finished: list[DigestRun] = []
        for run in await asyncio.to_thread(self._store.pending_runs):
            subscription = subscriptions.get(run.subscription_id)
            if subscription is not None and subscription.platform in self.senders:
                fire_time = fire_time_on(subscription, run.period)
                finished.append(await self.deliver(subscription, fire_time, late_after=grace))
        return finished

    async def _deliver_claimed(
        self, subscription: Subscription, period: dt.date, fire_time: dt.datetime
    ) -> None:
        sender = self.senders.get(subscription.platform)
        if sender is None:
            error = f"no {subscription.platform} sender: is {subscription.platform} configured?"
            await self._failed(subscription.id, period, error, final=True)
            return
        try:
            digest = await asyncio.to_thread(
                self._build, await self._request(subscription, period, fire_time)
            )
        except Exception as exc:  # the engine's error is the run's error; retrying won't change it
            logger.exception("digest #%s for %s could not be built", subscription.id, period)
            await self._failed(subscription.id, period, f"building: {_error_text(exc)}", final=True)
            return
        if digest.empty and subscription.quiet:
            await asyncio.to_thread(self._store.mark_empty, subscription.id, period)
            return
        await self._send(sender, subscription, period, digest)

    async def _send(
        self, sender: DigestSender, subscription: Subscription, period: dt.date, digest: Digest
    ) -> None:
        key = run_key(subscription.id, period)
        for attempt in range(1, self.policy.attempts + 1):
            if attempt > 1 and not await self._renew(subscription.id, period):
                return  # our claim ran out and another worker took the run over
            try:
                reference = await asyncio.wait_for(
                    sender.send(subscription, digest, key=key), self.policy.timeout
                )
            except Exception as exc:
                final = attempt == self.policy.attempts
                await self._failed(subscription.id, period, _error_text(exc), final=final)
                logger.warning(
                    "digest #%s for %s: attempt %d/%d failed: %s",
                    subscription.id,
                    period,
                    attempt,
                    self.policy.attempts,
                    _error_text(exc),
                )
                if not final:
                    await self._sleep(self.policy.delay(attempt))
                continue
            await asyncio.to_thread(
                self._store.mark_sent, subscription.id, period, reference, now=self._clock()
            )
            logger.info("digest #%s for %s sent: %s", subscription.id, period, reference)
            return

    async def _request(
        self, subscription: Subscription, period: dt.date, fire_time: dt.datetime
    ) -> DigestRequest:
        """From where the last delivered digest's window ended, or a day back, to the fire time."""
        covered = await asyncio.to_thread(self._store.last_covered, subscription.id, period)
        since = fire_time_on(subscription, covered.period) if covered else None
        return DigestRequest(
            actors=subscription.actors,
            topic=subscription.topic,
            since=since if since is not None and since < fire_time else None,
            until=fire_time,
        )

    async def _claim(self, subscription_id: int, period: dt.date) -> bool:
        now = self._clock()
        return await asyncio.to_thread(
            self._store.claim_run,
            subscription_id,
            period,
            self._owner,
            now=now,
            until=now + self.policy.claim,
        )

    async def _renew(self, subscription_id: int, period: dt.date) -> bool:
        until = self._clock() + self.policy.claim
        return await asyncio.to_thread(
            self._store.renew_claim, subscription_id, period, self._owner, until=until
        )

    async def _failed(
        self, subscription_id: int, period: dt.date, error: str, *, final: bool
    ) -> None:
        await asyncio.to_thread(
            self._store.mark_failed, subscription_id, period, error, final=final
        )

    async def _run(self, subscription_id: int, period: dt.date) -> DigestRun:
        run = await asyncio.to_thread(self._store.get_run, subscription_id, period)
        assert run is not None  # recorded above; only unsubscribing deletes runs
        return run


class ConsoleSender:
    """The console destination: the digest's text, written where `briefbot run` prints."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self._write = write

    async def send(self, subscription: Subscription, digest: Digest, *, key: str) -> str:
        self._write(f"Digest #{subscription.id}:\n{digest_to_text(digest)}")
        return f"console:{key}"


def _error_text(exc: BaseException) -> str:
    """`TimeoutError` alone says little; a type and its message say what went wrong."""
    message = str(exc).strip().splitlines()
    if isinstance(exc, TimeoutError) and not message:
        return "TimeoutError: the platform did not answer in time"
    return f"{type(exc).__name__}: {message[0]}" if message else type(exc).__name__
