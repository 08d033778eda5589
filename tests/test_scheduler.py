"""Digest schedules as calculations (DST, weekdays, periods), catch-up at start-up, the
APScheduler jobs, and the one-scheduler-per-database lease. Nothing here waits for a
fire time: the trigger is asked, as APScheduler's own tests do, and the clock is injected.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from test_outbox import Clock, Digests, FlakySender, Sleeps
from test_subscriptions import BACKENDS, database_url, draft, open_subscriptions

from bot.lock import SchedulerLock, new_owner, who
from bot.outbox import ConsoleSender, Outbox, RetryPolicy
from bot.runner import build_digest_runner, run_surfaces
from bot.scheduler import (
    SYNC_JOB,
    DigestRunner,
    DigestScheduler,
    catch_up_for,
    job_id,
    last_fire_time,
    next_fire_time,
    trigger_for,
)
from bot.settings import DigestSettings
from briefs.subscriptions import Subscription, SubscriptionStore, period_of

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def at(hour: int, minute: int = 0, **changes: Any) -> Subscription:
    """A stored-looking subscription at a local time (made long before the tests' dates)."""
    values = draft(at=dt.time(hour, minute), **changes).model_dump()
    return Subscription(id=1, created_at=utc(2025, 1, 1), **values)


# --- fire times -------------------------------------------------------------------------------

WARSAW = {"tz": "Europe/Warsaw"}
NEW_YORK = {"tz": "America/New_York"}


@pytest.mark.parametrize(
    ("zone", "after", "expected"),
    [
        # Warsaw, spring forward on Sunday 29 March 2026 (CET+1 -> CEST+2)
        (WARSAW, utc(2026, 3, 27, 12), utc(2026, 3, 28, 7)),  # Sat 08:00 CET
        (WARSAW, utc(2026, 3, 28, 12), utc(2026, 3, 29, 6)),  # Sun 08:00 CEST
        (WARSAW, utc(2026, 3, 29, 12), utc(2026, 3, 30, 6)),
        # Warsaw, fall back on Sunday 25 October 2026 (CEST -> CET)
        (WARSAW, utc(2026, 10, 23, 12), utc(2026, 10, 24, 6)),  # Sat 08:00 CEST
        (WARSAW, utc(2026, 10, 24, 12), utc(2026, 10, 25, 7)),  # Sun 08:00 CET
        # New York, spring forward on Sunday 8 March 2026 (EST-5 -> EDT-4)
        (NEW_YORK, utc(2026, 3, 6, 20), utc(2026, 3, 7, 13)),  # Sat 08:00 EST
        (NEW_YORK, utc(2026, 3, 7, 20), utc(2026, 3, 8, 12)),  # Sun 08:00 EDT
        # New York, fall back on Sunday 1 November 2026 (EDT -> EST)
        (NEW_YORK, utc(2026, 10, 30, 20), utc(2026, 10, 31, 12)),  # Sat 08:00 EDT
        (NEW_YORK, utc(2026, 10, 31, 20), utc(2026, 11, 1, 13)),  # Sun 08:00 EST
    ],
)
def test_an_0800_digest_stays_at_0800_local_across_dst(
    zone: dict[str, str], after: dt.datetime, expected: dt.datetime
) -> None:
    """08:00 local every day: the UTC moment moves by the DST hour, the local time does not."""
    subscription = at(8, **zone)
    fire = next_fire_time(subscription, after)
    assert fire == expected
    local = fire.astimezone(subscription.zone)
    assert (local.hour, local.minute) == (8, 0)
    assert period_of(subscription, fire) == local.date()


def test_a_time_the_spring_gap_skips_fires_once_an_hour_later() -> None:
    """02:30 New York on 8 March 2026 does not exist: it fires once, at 03:30 EDT (02:30 EST,
    07:30 UTC), for that day; the next day it is back at 02:30 EDT."""
    subscription = at(2, 30, **NEW_YORK)
    fire = next_fire_time(subscription, utc(2026, 3, 7, 12))
    assert fire == utc(2026, 3, 8, 7, 30)
    assert fire.astimezone(subscription.zone).strftime("%H:%M %Z") == "03:30 EDT"
    assert period_of(subscription, fire) == dt.date(2026, 3, 8)
    following = next_fire_time(subscription, fire)
    assert following == utc(2026, 3, 9, 6, 30)
    assert following.astimezone(subscription.zone).strftime("%H:%M %Z") == "02:30 EDT"


def test_a_time_the_fall_back_hour_repeats_fires_twice_for_one_period() -> None:
    """01:30 New York on 1 November 2026 happens twice, and the trigger fires at both; both
    belong to the same period, so the outbox (one row per period) sends once."""
    subscription = at(1, 30, **NEW_YORK)
    first = next_fire_time(subscription, utc(2026, 10, 31, 12))
    second = next_fire_time(subscription, first)
    third = next_fire_time(subscription, second)
    assert (first, second, third) == (
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 6, 30),  # 01:30 EST
        utc(2026, 11, 2, 6, 30),
    )
    assert period_of(subscription, first) == period_of(subscription, second) == dt.date(2026, 11, 1)


async def test_the_fall_back_double_fire_sends_one_digest(tmp_path: Path) -> None:
    """Both 01:30s of 1 November deliver through the outbox: one send."""
    with database_url("sqlite", tmp_path) as url, open_subscriptions(url) as subs:
        stored = subs.add(draft(at=dt.time(1, 30), tz="America/New_York"), now=utc(2026, 10, 1))
        sender = FlakySender()
        box = Outbox(subs, Digests(), {"slack": sender}, owner="o", clock=Clock(utc(2026, 11, 1)))
        await box.deliver(stored, utc(2026, 11, 1, 5, 30))
        await box.deliver(stored, utc(2026, 11, 1, 6, 30))
        assert len(sender.sent) == 1


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (utc(2026, 3, 5, 7, 0), utc(2026, 3, 6, 7, 0)),  # Thursday 08:00 -> Friday
        (utc(2026, 3, 6, 7, 0), utc(2026, 3, 9, 7, 0)),  # Friday 08:00 -> Monday
        (utc(2026, 3, 7, 12, 0), utc(2026, 3, 9, 7, 0)),  # Saturday -> Monday
        (utc(2026, 3, 9, 6, 59), utc(2026, 3, 9, 7, 0)),  # a minute before -> that fire
    ],
    ids=["thu-fri", "fri-mon", "sat-mon", "just-before"],
)
def test_weekday_digests_skip_the_weekend(after: dt.datetime, expected: dt.datetime) -> None:
    assert next_fire_time(at(8, days="weekdays", **WARSAW), after) == expected


def test_next_fire_time_is_strictly_after() -> None:
    """At a fire time exactly, the next one is the following day's."""
    subscription = at(8, **WARSAW)
    assert next_fire_time(subscription, utc(2026, 3, 2, 7)) == utc(2026, 3, 3, 7)


@pytest.mark.parametrize(
    ("settings", "before", "expected"),
    [
        ({}, utc(2026, 3, 2, 7, 0), utc(2026, 3, 2, 7, 0)),  # at the fire time: that fire
        ({}, utc(2026, 3, 2, 6, 59), utc(2026, 3, 1, 7, 0)),  # just before: yesterday's
        ({"days": "weekdays"}, utc(2026, 3, 9, 6, 0), utc(2026, 3, 6, 7, 0)),  # Mon -> Fri
        ({}, utc(2026, 3, 29, 12, 0), utc(2026, 3, 29, 6, 0)),  # DST day: 08:00 CEST
    ],
    ids=["at", "before", "weekend", "dst"],
)
def test_last_fire_time(
    settings: dict[str, str], before: dt.datetime, expected: dt.datetime
) -> None:
    assert last_fire_time(at(8, **WARSAW, **settings), before) == expected


def test_the_trigger_is_a_cron_in_the_subscriptions_zone() -> None:
    trigger = trigger_for(at(7, 45, days="weekdays", **WARSAW))
    fields = {field.name: str(field) for field in trigger.fields}
    assert (fields["hour"], fields["minute"], fields["day_of_week"]) == ("7", "45", "mon-fri")
    assert str(trigger.timezone) == "Europe/Warsaw"


# --- catch-up ---------------------------------------------------------------------------------

GRACE = dt.timedelta(minutes=60)


@pytest.mark.parametrize(
    ("now", "has_run", "expected"),
    [
        (utc(2026, 3, 2, 7, 30), False, "deliver"),  # 30 minutes late: within grace
        (utc(2026, 3, 2, 8, 0), False, "deliver"),  # exactly the grace
        (utc(2026, 3, 2, 8, 1), False, "missed"),  # past it
        (utc(2026, 3, 2, 7, 30), True, None),  # the outbox has the day already
    ],
    ids=["within", "edge", "after", "recorded"],
)
def test_catch_up_decision(now: dt.datetime, has_run: bool, expected: str | None) -> None:
    step = catch_up_for(at(8, **WARSAW), now=now, grace=GRACE, has_run=has_run)
    assert (step.action if step else None) == expected
    if step is not None:
        assert (step.fire_time, step.period) == (utc(2026, 3, 2, 7), dt.date(2026, 3, 2))


def test_no_catch_up_for_a_fire_before_the_subscription_existed() -> None:
    """Subscribing at 10:00 to an 08:00 digest does not owe you today's."""
    subscription = at(8, **WARSAW).model_copy(update={"created_at": utc(2026, 3, 2, 9)})
    assert catch_up_for(subscription, now=utc(2026, 3, 2, 9, 5), grace=GRACE, has_run=False) is None


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def subs(db_url: str) -> Iterator[SubscriptionStore]:
    with open_subscriptions(db_url) as store:
        yield store


def digest_scheduler(
    subs: SubscriptionStore, clock: Clock, sender: FlakySender, **kwargs: Any
) -> DigestScheduler:
    box = Outbox(
        subs,
        Digests(),
        {"slack": sender},
        owner="host:1:aa",
        clock=clock,
        policy=RetryPolicy(attempts=2, backoff=0.0),
        sleep=Sleeps(),
    )
    return DigestScheduler(subs, box, grace=GRACE, clock=clock, **kwargs)


async def test_catch_up_delivers_within_grace_once_and_records_older_as_missed(
    subs: SubscriptionStore,
) -> None:
    """At start-up: 30 minutes late is sent; 3 hours late is `missed`; a restart sends nothing."""
    made = utc(2026, 2, 1)
    late = subs.add(draft(at=dt.time(9, 0), tz="UTC"), now=made)  # due 09:00 UTC
    old = subs.add(draft(at=dt.time(6, 30), tz="UTC", channel_id="C2"), now=made)
    clock, sender = Clock(utc(2026, 3, 2, 9, 30)), FlakySender()
    steps = await digest_scheduler(subs, clock, sender).catch_up([late, old])
    assert [(s.action, s.period) for s in steps] == [
        ("deliver", dt.date(2026, 3, 2)),
        ("missed", dt.date(2026, 3, 2)),
    ]
    assert [sid for sid, _, _ in sender.sent] == [late.id]
    missed = subs.get_run(old.id, dt.date(2026, 3, 2))
    assert missed is not None and missed.status == "missed"
    clock.now += dt.timedelta(minutes=5)  # restarted
    assert await digest_scheduler(subs, clock, sender).catch_up([late, old]) == []
    assert len(sender.sent) == 1


async def test_start_builds_one_job_per_subscription_and_recovers(
    subs: SubscriptionStore,
) -> None:
    """Jobs are rebuilt from the store with deterministic ids and the documented options;
    platforms without a sender get none; a pending run is recovered in the background."""
    made = utc(2026, 2, 1)
    warsaw = subs.add(draft(), now=made)
    weekdays = subs.add(draft(channel_id="C2", days="weekdays", tz="UTC"), now=made)
    subs.add(draft(platform="discord"), now=made)  # no Discord sender here
    subs.record_run(warsaw.id, dt.date(2026, 3, 2), now=made)  # a crash left it pending
    clock, sender = Clock(utc(2026, 3, 2, 7, 20)), FlakySender()  # 20 minutes after 08:00 CET
    scheduler = digest_scheduler(subs, clock, sender, scheduler=paused_scheduler())
    try:
        await (await scheduler.start())
        jobs = {job.id: job for job in scheduler.scheduler.get_jobs()}
        assert set(jobs) == {job_id(warsaw.id), job_id(weekdays.id), SYNC_JOB}
        job = jobs[job_id(warsaw.id)]
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 3600)
        assert str(job.trigger.timezone) == "Europe/Warsaw"
        assert job.args == (warsaw.id,)
        assert scheduler.job_count == 2
        recovered = subs.get_run(warsaw.id, dt.date(2026, 3, 2))
        assert recovered is not None and recovered.status == "sent"
        assert [sid for sid, _, _ in sender.sent] == [warsaw.id]
    finally:
        scheduler.shutdown()


async def test_sync_follows_subscription_changes(subs: SubscriptionStore) -> None:
    """New subscriptions get a job, removed ones lose it, a changed schedule is replaced."""
    first = subs.add(draft(), now=utc(2026, 2, 1))
    scheduler = digest_scheduler(subs, Clock(utc(2026, 3, 2)), FlakySender())
    scheduler.scheduler.start(paused=True)
    try:
        await scheduler.sync()
        second = subs.add(draft(channel_id="C2", at=dt.time(9, 15)), now=utc(2026, 3, 2))
        subs.remove(first.id)
        await scheduler.sync()
        assert [job.id for job in scheduler.scheduler.get_jobs()] == [job_id(second.id)]
        trigger = scheduler.scheduler.get_job(job_id(second.id)).trigger
        assert trigger.get_next_fire_time(None, utc(2026, 3, 2)) == utc(2026, 3, 2, 8, 15)
    finally:
        scheduler.shutdown()


async def test_a_job_delivers_the_fire_that_just_passed(subs: SubscriptionStore) -> None:
    """The job body delivers the period of the last fire time; a deleted one is unscheduled."""
    stored = subs.add(draft(), now=utc(2026, 2, 1))
    clock, sender = Clock(utc(2026, 3, 2, 7, 0, 1)), FlakySender()
    scheduler = digest_scheduler(subs, clock, sender)
    await scheduler.fire(stored.id)
    run = subs.get_run(stored.id, dt.date(2026, 3, 2))
    assert run is not None and run.status == "sent"
    assert sender.sent[0][1].until == utc(2026, 3, 2, 7)
    subs.remove(stored.id)
    await scheduler.fire(stored.id)
    assert len(sender.sent) == 1


async def test_a_fire_missed_while_running_is_recorded(subs: SubscriptionStore) -> None:
    """APScheduler's EVENT_JOB_MISSED (the loop blocked past the grace) becomes `missed`."""
    stored = subs.add(draft(), now=utc(2026, 2, 1))
    scheduler = digest_scheduler(subs, Clock(utc(2026, 3, 2, 9)), FlakySender())
    event = JobExecutionEvent(EVENT_JOB_MISSED, job_id(stored.id), "default", utc(2026, 3, 2, 7))
    scheduler._on_missed(event)
    await asyncio.gather(*scheduler._tasks)
    run = subs.get_run(stored.id, dt.date(2026, 3, 2))
    assert run is not None and run.status == "missed"


# --- the lease ---------------------------------------------------------------------------------

TTL = dt.timedelta(seconds=60)


def lease(subs: SubscriptionStore, owner: str, clock: Clock) -> SchedulerLock:
    return SchedulerLock(subs.engine, owner, clock=clock, ttl=TTL)


def test_a_second_holder_is_refused_and_told_who_holds_it(db_url: str) -> None:
    """Two processes (two engines): the first wins, the second learns the holder."""
    clock = Clock(utc(2026, 3, 2))
    with open_subscriptions(db_url) as one, open_subscriptions(db_url) as two:
        first = lease(one, "host-a:11:aaaa", clock).acquire()
        second = lease(two, "host-b:22:bbbb", clock).acquire()
        assert first.won and not second.won
        assert second.owner == "host-a:11:aaaa" and who(second.owner) == "host-a:11"
        assert lease(one, "host-a:11:aaaa", clock).acquire().won, "the holder may re-acquire"


def test_a_stale_lease_is_taken_over_and_the_old_holder_learns_it(db_url: str) -> None:
    """A holder that stops renewing loses the lease after the TTL; its renew then fails."""
    clock = Clock(utc(2026, 3, 2))
    with open_subscriptions(db_url) as one, open_subscriptions(db_url) as two:
        old, new = lease(one, "a:1:x", clock), lease(two, "b:2:y", clock)
        assert old.acquire().won  # until t+60s
        clock.now += TTL / 2
        assert old.renew()  # now until t+90s
        clock.now += TTL * 3 / 4  # t+75s: renewed, so still held
        assert not new.acquire().won
        clock.now += TTL / 4 + dt.timedelta(seconds=1)  # t+91s: the holder stopped renewing
        assert new.acquire().won
        assert not old.renew(), "the old holder must stop scheduling"


def test_release_frees_the_lease_at_once(db_url: str) -> None:
    clock = Clock(utc(2026, 3, 2))
    with open_subscriptions(db_url) as one, open_subscriptions(db_url) as two:
        holder = lease(one, "a:1:x", clock)
        assert holder.acquire().won
        holder.release()
        assert lease(two, "b:2:y", clock).acquire().won


def test_racing_acquires_have_one_winner(db_url: str) -> None:
    """Several processes starting together on an empty table: exactly one wins."""
    clock = Clock(utc(2026, 3, 2))
    with (
        open_subscriptions(db_url) as one,
        open_subscriptions(db_url) as two,
        open_subscriptions(db_url) as three,
    ):
        locks = [lease(s, f"h:{n}:r", clock) for n, s in enumerate((one, two, three))]

        async def race() -> list[bool]:
            states = await asyncio.gather(*(asyncio.to_thread(lk.acquire) for lk in locks))
            return [state.won for state in states]

        assert sorted(asyncio.run(race())) == [False, False, True]


def test_owner_names_host_and_pid() -> None:
    owner = new_owner()
    host_pid = who(owner)
    assert owner.startswith(host_pid + ":") and host_pid.count(":") == 1


async def test_a_second_runner_does_not_start_and_says_why(db_url: str) -> None:
    """The second `briefbot run` logs one line and stands by; it takes over once the first's
    lease runs out, and the first stops scheduling when it finds the lease gone."""
    clock = Clock(utc(2026, 3, 2))
    said: list[str] = []
    with open_subscriptions(db_url) as one, open_subscriptions(db_url) as two:
        started: list[str] = []

        def factory(name: str, subs: SubscriptionStore) -> DigestScheduler:
            scheduler = digest_scheduler(subs, clock, FlakySender(), scheduler=paused_scheduler())
            started.append(name)
            return scheduler

        first = DigestRunner(
            lease(one, "host-a:11:aa", clock), lambda: factory("a", one), said.append
        )
        second = DigestRunner(
            lease(two, "host-b:22:bb", clock), lambda: factory("b", two), said.append
        )
        await first.beat()
        await second.beat()
        await second.beat()  # standing by says it once
        assert first.active and not second.active and started == ["a"]
        assert said == [
            "Digest scheduler not started: another briefbot process (host-a:11) holds the lock "
            "on this database; chat answers still work."
        ]
        assert second.description == "standby, host-a:11 schedules digests"
        clock.now += TTL * 2  # the first froze: no renewals
        await second.beat()
        assert second.active and started == ["a", "b"]
        assert said[-1] == "Digest scheduler taking over from host-a:11."
        await first.beat()
        assert not first.active
        assert said[-1] == "Digest scheduler stopped: another briefbot process took the lock."
        await second.stop()
        await first.stop()


async def test_runner_stop_releases_the_lease(db_url: str) -> None:
    """A clean stop (SIGTERM) shuts the scheduler down and frees the lease for the next run."""
    clock = Clock(utc(2026, 3, 2))
    with open_subscriptions(db_url) as one, open_subscriptions(db_url) as two:
        runner = DigestRunner(
            lease(one, "a:1:x", clock),
            lambda: digest_scheduler(one, clock, FlakySender(), scheduler=paused_scheduler()),
            lambda _: None,
        )
        await runner.start()
        assert runner.active
        await runner.stop()
        assert not runner.active
        assert lease(two, "b:2:y", clock).acquire().won


def paused_scheduler() -> AsyncIOScheduler:
    """An AsyncIOScheduler whose jobs never fire on their own during a test."""

    class Paused(AsyncIOScheduler):  # type: ignore[misc]
        def start(self, paused: bool = False) -> None:
            super().start(paused=True)

    return Paused(timezone=UTC)


async def test_briefbot_run_schedules_digests_and_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    """`run` with the digest runner: it says it is on, SIGTERM stops it, the lease is freed."""
    from conftest import make_service

    service = make_service(tmp_path / "run.db")
    said: list[str] = []
    subscriptions = SubscriptionStore.for_store(service.store)
    subscriptions.add(draft(platform="console", channel_id="console"), now=utc(2026, 1, 1))
    clock = Clock(utc(2026, 3, 2))
    senders = {"console": ConsoleSender(said.append)}
    settings = DigestSettings(_env_file=None)
    runner = build_digest_runner(service, settings, senders, said.append, clock=clock)
    asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), signal.SIGTERM)
    assert await run_surfaces([("Digests", runner)], said.append) == 0
    assert said[0] == "Digests on: scheduler running, 1 digest(s) scheduled"
    assert said[-1] == "Stopping…" and not runner.active
    assert lease(subscriptions, "next:1:x", clock).acquire().won
    service.store.close()
