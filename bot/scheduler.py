"""The digest scheduler: one APScheduler cron job per subscription, plus catch-up.

Our tables are the source of truth, so APScheduler keeps its jobs in memory and they
are rebuilt from the subscriptions at start-up (and re-synced every few seconds, which
picks up `briefbot digest subscribe` run from another process). A job fires at its
subscription's local wall-clock time: CronTrigger in the subscription's zone, so an
08:00 Europe/Warsaw digest stays at 08:00 local across DST and moves in UTC.

Two DST edges, as APScheduler 3.11 computes them (tests pin both):
- a time the spring-forward gap skips (02:30 in New York on 8 March 2026) fires once
  that day, an hour later on the wall clock (03:30 EDT, i.e. 02:30 EST);
- a time the fall-back hour repeats (01:30 in New York on 1 November 2026) fires
  twice, once per offset; both belong to the same period, so the outbox sends once.

Catch-up at start-up, per subscription: the last fire time before now, if it is after
the subscription was made and its period has no run yet. Within the grace period it is
delivered; later than that it is recorded as `missed` (shown by `digest status`, never
sent, and its news rolls into the next digest). Either way, never twice.

`DigestRunner` wraps it all for `briefbot run`: it starts the scheduler only while it
holds the database's scheduler lease, and otherwise stands by, chat still answering.
Other periodic work that must run in one process per database (polling live sources,
`bot.polling`) joins the same scheduler as a companion, started and stopped with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Collection, Coroutine, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

# APScheduler 3 ships no type information; 4.x (typed) is still a pre-release.
from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from bot.lock import SchedulerLock, who
from bot.outbox import Outbox
from briefs.models import as_utc
from briefs.subscriptions import (
    Platform,
    Subscription,
    SubscriptionDraft,
    SubscriptionStore,
    period_of,
)

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
JOB_PREFIX = "digest:"
SYNC_JOB = "digest-sync"  # not under JOB_PREFIX: sync never mistakes it for a subscription's
# The longest gap between two fires: a weekend (Friday to Monday) plus DST slack.
_LOOKBACK = dt.timedelta(days=8)
_TICK = dt.timedelta(microseconds=1)


def job_id(subscription_id: int) -> str:
    return f"{JOB_PREFIX}{subscription_id}"


def trigger_for(subscription: SubscriptionDraft) -> CronTrigger:
    """The subscription's schedule: its minute of its days, in its zone."""
    return CronTrigger(
        hour=subscription.at.hour,
        minute=subscription.at.minute,
        day_of_week="mon-fri" if subscription.days == "weekdays" else "*",
        timezone=subscription.zone,
    )


def next_fire_time(subscription: SubscriptionDraft, after: dt.datetime) -> dt.datetime:
    """The first fire time strictly after `after` (UTC), as the trigger computes it."""
    fire = trigger_for(subscription).get_next_fire_time(None, as_utc(after) + _TICK)
    assert fire is not None  # a cron trigger with no end date always has a next time
    return as_utc(fire)


def last_fire_time(subscription: SubscriptionDraft, before: dt.datetime) -> dt.datetime | None:
    """The latest fire time at or before `before` (UTC); None if none in the last 8 days.

    CronTrigger only looks forward, so this walks forward from a week back.
    """
    trigger = trigger_for(subscription)
    limit = as_utc(before)
    last: dt.datetime | None = None
    fire = trigger.get_next_fire_time(None, limit - _LOOKBACK)
    while fire is not None and fire <= limit:
        last = fire
        fire = trigger.get_next_fire_time(fire, fire)
    return None if last is None else as_utc(last)


class SchedulerCompanion(Protocol):
    """Jobs that share the digest scheduler, and so its lease (e.g. source polling)."""

    async def start(self, scheduler: AsyncIOScheduler) -> None: ...

    def shutdown(self) -> None: ...

    @property
    def description(self) -> str: ...


@dataclass(frozen=True)
class CatchUp:
    """What start-up does about one subscription's last fire time."""

    action: Literal["deliver", "missed"]
    fire_time: dt.datetime
    period: dt.date


def catch_up_for(
    subscription: Subscription, *, now: dt.datetime, grace: dt.timedelta, has_run: bool
) -> CatchUp | None:
    """Deliver a fire missed by at most `grace`, record an older one as missed, else nothing.

    `has_run`: the fire's period already has an outbox row (then it is never touched:
    sent, failed or pending, the outbox owns it). Fires before the subscription existed
    were never due.
    """
    fire = last_fire_time(subscription, now)
    if fire is None or fire < subscription.created_at or has_run:
        return None
    action: Literal["deliver", "missed"] = "deliver" if now - fire <= grace else "missed"
    return CatchUp(action, fire, period_of(subscription, fire))


class DigestScheduler:
    """APScheduler jobs for the subscriptions whose platform has a sender."""

    def __init__(
        self,
        store: SubscriptionStore,
        outbox: Outbox,
        *,
        grace: dt.timedelta,
        clock: Clock,
        sync_every: dt.timedelta = dt.timedelta(minutes=1),
        scheduler: AsyncIOScheduler | None = None,
        companions: Sequence[SchedulerCompanion] = (),
    ) -> None:
        self._store = store
        self.companions = tuple(companions)
        self._outbox = outbox
        self._grace = grace
        self._clock = clock
        self._sync_every = sync_every
        self.scheduler = scheduler or AsyncIOScheduler(timezone=dt.UTC)
        self._schedules: dict[str, tuple[object, ...]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def platforms(self) -> Collection[Platform]:
        return self._outbox.senders.keys()

    @property
    def job_count(self) -> int:
        """Subscriptions with a job (the sync job aside)."""
        return sum(job.id.startswith(JOB_PREFIX) for job in self.scheduler.get_jobs())

    async def start(self) -> asyncio.Task[None]:
        """Jobs from the store and the periodic sync, at once; recovery and catch-up next.

        Returns the recovery-and-catch-up task: it runs in the background, since a
        digest's retries can take minutes and nothing else should wait for them.
        """
        self.scheduler.add_listener(self._on_missed, EVENT_JOB_MISSED)
        self.scheduler.start()
        subscriptions = await self.sync()
        self.scheduler.add_job(
            self.maintain,
            IntervalTrigger(seconds=self._sync_every.total_seconds()),
            id=SYNC_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )
        for companion in self.companions:
            try:
                await companion.start(self.scheduler)
            except Exception:
                # Digests must not go down with a companion; its own sync retries later.
                logger.exception("%s did not start", type(companion).__name__)
        return self._spawn(self._recover_and_catch_up(subscriptions))

    @property
    def description(self) -> str:
        """`scheduler running, 2 digest(s) scheduled, 5 source(s) polled`."""
        parts = [f"scheduler running, {self.job_count} digest(s) scheduled"]
        parts += [companion.description for companion in self.companions]
        return ", ".join(parts)

    async def _recover_and_catch_up(self, subscriptions: list[Subscription]) -> None:
        try:
            await self._outbox.recover({s.id: s for s in subscriptions}, grace=self._grace)
            await self.catch_up(subscriptions)
        except Exception:
            # A background task's error would go unseen; the sync job retries pending runs.
            logger.exception("digest catch-up at start-up failed")

    def _spawn(self, work: Coroutine[object, object, None]) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def shutdown(self) -> None:
        for companion in self.companions:
            companion.shutdown()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for task in self._tasks:
            task.cancel()

    async def sync(self) -> list[Subscription]:
        """Make the jobs match the subscriptions: add new, reschedule changed, drop removed."""
        wanted = [
            s for s in await asyncio.to_thread(self._store.list) if s.platform in self.platforms
        ]
        ids = {job_id(s.id) for s in wanted}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in ids:
                job.remove()
                self._schedules.pop(job.id, None)
        for subscription in wanted:
            self._schedule(subscription)
        return wanted

    async def maintain(self) -> None:
        """The periodic job: pick up subscription changes and runs a crash left pending."""
        subscriptions = await self.sync()
        await self._outbox.recover({s.id: s for s in subscriptions}, grace=self._grace)

    async def catch_up(self, subscriptions: Collection[Subscription]) -> list[CatchUp]:
        """Deliver, or record as missed, each subscription's last fire while we were down."""
        now = self._clock()
        done: list[CatchUp] = []
        for subscription in subscriptions:
            fire = last_fire_time(subscription, now)
            period = period_of(subscription, fire) if fire else None
            existing = (
                await asyncio.to_thread(self._store.get_run, subscription.id, period)
                if period
                else None
            )
            step = catch_up_for(
                subscription, now=now, grace=self._grace, has_run=existing is not None
            )
            if step is None:
                continue
            if step.action == "deliver":
                logger.info("digest #%s for %s: catching up", subscription.id, step.period)
                await self._outbox.deliver(subscription, step.fire_time)
            else:
                await asyncio.to_thread(
                    self._store.record_run, subscription.id, step.period, now=now, status="missed"
                )
                logger.warning(
                    "digest #%s for %s missed: due %s, past the grace period",
                    subscription.id,
                    step.period,
                    step.fire_time.isoformat(),
                )
            done.append(step)
        return done

    async def fire(self, subscription_id: int) -> None:
        """A job's body: deliver the digest of the fire time that just passed."""
        subscription = await asyncio.to_thread(self._store.get, subscription_id)
        if subscription is None:  # unsubscribed since the last sync
            self._unschedule(job_id(subscription_id))
            return
        fire = last_fire_time(subscription, self._clock())
        if fire is not None:
            await self._outbox.deliver(subscription, fire)

    def _schedule(self, subscription: Subscription) -> None:
        key = job_id(subscription.id)
        schedule = (subscription.at, subscription.tz, subscription.days)
        if self._schedules.get(key) == schedule and self.scheduler.get_job(key) is not None:
            return  # unchanged: re-adding would only recompute the same next fire time
        self.scheduler.add_job(
            self.fire,
            trigger_for(subscription),
            args=[subscription.id],
            id=key,
            replace_existing=True,
            coalesce=True,  # a backlog of fires runs once
            max_instances=1,
            # APScheduler wants a positive number; 0 minutes of grace means "on time only".
            misfire_grace_time=max(1, int(self._grace.total_seconds())),
        )
        self._schedules[key] = schedule

    def _unschedule(self, key: str) -> None:
        with contextlib.suppress(LookupError):
            self.scheduler.remove_job(key)
        self._schedules.pop(key, None)

    def _on_missed(self, event: JobExecutionEvent) -> None:
        """A fire later than the grace while running (the loop was blocked): record it."""
        if not event.job_id.startswith(JOB_PREFIX):
            return
        subscription_id = int(event.job_id.removeprefix(JOB_PREFIX))
        self._spawn(self._record_missed(subscription_id, event.scheduled_run_time))

    async def _record_missed(self, subscription_id: int, fire_time: dt.datetime) -> None:
        subscription = await asyncio.to_thread(self._store.get, subscription_id)
        if subscription is not None:
            period = period_of(subscription, fire_time)
            await asyncio.to_thread(
                self._store.record_run, subscription_id, period, now=self._clock(), status="missed"
            )


class DigestRunner:
    """The digest scheduler as a `briefbot run` surface: on while it holds the lease.

    Refused the lease, it says so in one line and stands by, trying again every third
    of the lease time; it takes over when the holder's lease runs out. Holding it, it
    renews it on the same beat, and stops scheduling at once if it ever loses it.
    """

    def __init__(
        self,
        lock: SchedulerLock,
        make_scheduler: Callable[[], DigestScheduler],
        say: Callable[[str], None],
    ) -> None:
        self._lock = lock
        self._make_scheduler = make_scheduler
        self._say = say
        self._scheduler: DigestScheduler | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._refused_by: str | None = None
        self.description = "starting"

    @property
    def active(self) -> bool:
        return self._scheduler is not None

    async def start(self) -> None:
        try:
            await self.beat()
        except Exception:
            # Chat must not go down with the scheduler: the heartbeat tries again.
            logger.exception("digest scheduler could not start")
            self.description = "waiting: the first try failed (see the log)"
        self._heartbeat = asyncio.create_task(self._beat_forever(), name="digest-lease")

    async def stop(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._heartbeat
        if self._scheduler is not None:
            self._scheduler.shutdown()
            self._scheduler = None
            await asyncio.to_thread(self._lock.release)

    async def beat(self) -> None:
        """One heartbeat: renew the lease we hold, or try for the one we do not."""
        if self._scheduler is not None:
            if not await asyncio.to_thread(self._lock.renew):
                self._scheduler.shutdown()
                self._scheduler = None
                self._say("Digest scheduler stopped: another briefbot process took the lock.")
                self.description = "standby (lost the lock)"
            return
        state = await asyncio.to_thread(self._lock.acquire)
        if not state.won:
            if self._refused_by != state.owner:
                self._say(
                    f"Digest scheduler not started: another briefbot process ({who(state.owner)}) "
                    "holds the lock on this database; chat answers still work."
                )
                self._refused_by = state.owner
            self.description = f"standby, {who(state.owner)} schedules digests"
            return
        if self._refused_by is not None:
            self._say(f"Digest scheduler taking over from {who(self._refused_by)}.")
        scheduler = self._make_scheduler()
        await scheduler.start()
        self._scheduler = scheduler
        self.description = scheduler.description

    async def _beat_forever(self) -> None:
        interval = self._lock.ttl.total_seconds() / 3
        while True:
            await asyncio.sleep(interval)
            try:
                await self.beat()
            except Exception:
                # A database hiccup must not end the heartbeat: the next beat retries,
                # and the lease outlives two missed beats.
                logger.exception("digest scheduler heartbeat failed")
