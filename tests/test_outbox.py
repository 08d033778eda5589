"""Digest delivery: record before sending, one send per run, retries with backoff, failures
kept for `digest status`, crash recovery, and two workers racing on one database.

No test waits for real time: the clock is injected and the backoff's sleep is recorded.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_subscriptions import BACKENDS, database_url, draft, open_subscriptions

from bot.outbox import ConsoleSender, Outbox, RetryPolicy
from briefs.errors import UnknownActorError
from briefs.models import ActorRef, Digest, DigestRequest, SourceRef
from briefs.subscriptions import Subscription, SubscriptionStore, run_key

# 08:00 Europe/Warsaw on Monday 2 March 2026 (CET, UTC+1)
FIRE = dt.datetime(2026, 3, 2, 7, 0, tzinfo=dt.UTC)
PERIOD = dt.date(2026, 3, 2)
POLAND = ActorRef(id="poland", name="Poland", kind="country")


class Clock:
    """A settable clock: tests move time, nothing sleeps."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Digests:
    """A digest factory standing in for BriefingService.digest: records each request."""

    def __init__(self, *, empty: bool = False, error: Exception | None = None) -> None:
        self.empty = empty
        self.error = error
        self.requests: list[DigestRequest] = []

    def __call__(self, request: DigestRequest) -> Digest:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        sources = (
            ()
            if self.empty
            else (SourceRef(document="a.txt", title="A", source=None, url=None, published=None),)
        )
        return Digest(
            since=request.start,
            until=request.until,
            topic=request.topic,
            actors=(POLAND,),
            new_sources=sources,
        )


class FlakySender:
    """Fails `failures` times, then posts; counts every call and every success."""

    def __init__(
        self, failures: int = 0, *, error: Exception | None = None, delay: float = 0
    ) -> None:
        self.failures = failures
        self.error = error or ConnectionError("connection reset by peer")
        self.delay = delay
        self.calls: list[str] = []
        self.sent: list[tuple[int, Digest, str]] = []

    async def send(self, subscription: Subscription, digest: Digest, *, key: str) -> str:
        self.calls.append(key)
        if self.delay:
            await asyncio.sleep(self.delay)
        if len(self.calls) <= self.failures:
            raise self.error
        self.sent.append((subscription.id, digest, key))
        return f"msg-{len(self.sent)}"


class Sleeps:
    """The backoff's sleep, recorded instead of slept."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def subs(db_url: str) -> Iterator[SubscriptionStore]:
    with open_subscriptions(db_url) as store:
        yield store


@pytest.fixture
def subscription(subs: SubscriptionStore) -> Subscription:
    return subs.add(draft(), now=FIRE - dt.timedelta(days=3))


def outbox(
    subs: SubscriptionStore,
    sender: FlakySender,
    *,
    digests: Digests | None = None,
    sleeps: Sleeps | None = None,
    clock: Clock | None = None,
    owner: str = "host:1:aa",
    policy: RetryPolicy | None = None,
) -> Outbox:
    return Outbox(
        subs,
        digests or Digests(),
        {"slack": sender},
        owner=owner,
        clock=clock or Clock(FIRE),
        policy=policy or RetryPolicy(attempts=4, backoff=2.0, timeout=5.0),
        sleep=sleeps or Sleeps(),
    )


async def test_a_digest_is_recorded_sent_and_marked(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """One send, with the run's key; the run ends `sent` with the platform's reference."""
    sender = FlakySender()
    run = await outbox(subs, sender).deliver(subscription, FIRE)
    assert [key for _, _, key in sender.sent] == [run_key(subscription.id, PERIOD)]
    assert (run.status, run.attempts, run.message_ref, run.sent_at) == ("sent", 1, "msg-1", FIRE)


async def test_retries_until_the_sender_succeeds(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """Fails twice, then succeeds: exactly one successful send, three attempts counted,
    exponential backoff between them."""
    sender, sleeps = FlakySender(failures=2), Sleeps()
    run = await outbox(subs, sender, sleeps=sleeps).deliver(subscription, FIRE)
    assert len(sender.sent) == 1 and len(sender.calls) == 3
    assert len(set(sender.calls)) == 1, "every attempt carries the same idempotency key"
    assert (run.status, run.attempts, run.last_error) == ("sent", 3, None)
    assert sleeps.delays == [2.0, 4.0]


async def test_a_sender_that_always_fails_leaves_a_failed_run_with_its_error(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """Bounded attempts; then `failed`, with the attempts and the last error kept."""
    sender, sleeps = FlakySender(failures=99, error=PermissionError("not_in_channel")), Sleeps()
    run = await outbox(subs, sender, sleeps=sleeps).deliver(subscription, FIRE)
    assert sender.sent == [] and len(sender.calls) == 4
    assert (run.status, run.attempts) == ("failed", 4)
    assert run.last_error == "PermissionError: not_in_channel"
    assert sleeps.delays == [2.0, 4.0, 8.0]
    # a later fire for the same day (a restart, a second scheduler) does not try again
    again = await outbox(subs, sender).deliver(subscription, FIRE)
    assert again.status == "failed" and len(sender.calls) == 4


async def test_a_send_that_hangs_times_out_as_a_failed_attempt(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """An attempt is bounded, so a worker never outlives its claim mid-send."""
    sender = FlakySender(delay=1.0)
    policy = RetryPolicy(attempts=1, backoff=0, timeout=0.01)
    run = await outbox(subs, sender, policy=policy).deliver(subscription, FIRE)
    assert run.status == "failed"
    assert run.last_error == "TimeoutError: the platform did not answer in time"


async def test_a_sent_run_is_never_sent_again(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """Delivering the same fire twice (a retry, a restart, the fall-back hour) sends once."""
    sender = FlakySender()
    box = outbox(subs, sender)
    await box.deliver(subscription, FIRE)
    await box.deliver(subscription, FIRE + dt.timedelta(hours=1))  # same local day
    assert len(sender.sent) == 1


async def test_quiet_empty_days_post_nothing_and_always_posts_the_note(
    subs: SubscriptionStore,
) -> None:
    """Quiet: an empty digest is recorded `empty` and not sent. Always: it is sent."""
    quiet = subs.add(draft(), now=FIRE - dt.timedelta(days=1))
    loud = subs.add(draft(channel_id="C2", quiet=False), now=FIRE - dt.timedelta(days=1))
    sender = FlakySender()
    box = outbox(subs, sender, digests=Digests(empty=True))
    assert (await box.deliver(quiet, FIRE)).status == "empty"
    assert (await box.deliver(loud, FIRE)).status == "sent"
    assert [(sid, digest.empty) for sid, digest, _ in sender.sent] == [(loud.id, True)]


async def test_the_window_starts_where_the_last_delivered_digest_ended(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """since = the last sent (or empty) run's fire time, or None (a day) the first time;
    a failed day is not covered, so its news rolls into the next digest."""
    digests = Digests()
    box = outbox(subs, FlakySender(), digests=digests)
    await box.deliver(subscription, FIRE)
    failing = outbox(subs, FlakySender(failures=99), digests=digests)
    await failing.deliver(subscription, FIRE + dt.timedelta(days=1))
    await box.deliver(subscription, FIRE + dt.timedelta(days=2))
    windows = [(r.since, r.until) for r in digests.requests]
    assert windows == [
        (None, FIRE),
        (FIRE, FIRE + dt.timedelta(days=1)),
        (FIRE, FIRE + dt.timedelta(days=2)),
    ]
    assert digests.requests[0].actors == ("Poland",) and digests.requests[0].topic == "troops"


async def test_a_digest_the_engine_cannot_build_fails_at_once(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """An engine error will not go away by retrying: one failed run, the reason kept."""
    sender = FlakySender()
    digests = Digests(error=UnknownActorError("Ruritania"))
    run = await outbox(subs, sender, digests=digests).deliver(subscription, FIRE)
    assert sender.calls == [] and run.status == "failed"
    assert run.last_error == "building: UnknownActorError: No actor called 'Ruritania' is known."


async def test_no_sender_for_the_platform_is_a_failed_run(subs: SubscriptionStore) -> None:
    discord = subs.add(draft(platform="discord"), now=FIRE - dt.timedelta(days=1))
    run = await outbox(subs, FlakySender()).deliver(discord, FIRE)
    assert run.status == "failed" and run.last_error is not None
    assert "no discord sender" in run.last_error


async def test_pending_runs_left_by_a_crash_are_delivered_exactly_once(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """A run recorded but never sent (crash) is sent by recovery, once, however often it runs.

    A claim left by the dead worker is honoured until it runs out.
    """
    subs.record_run(subscription.id, PERIOD, now=FIRE)
    dead_claim_ends = FIRE + dt.timedelta(minutes=2)
    subs.claim_run(subscription.id, PERIOD, "host:99:dead", now=FIRE, until=dead_claim_ends)
    clock, sender = Clock(FIRE + dt.timedelta(minutes=1)), FlakySender()
    box = outbox(subs, sender, clock=clock)
    assert (await box.recover({subscription.id: subscription}))[0].status == "pending"
    assert sender.calls == [], "the dead worker's claim has not run out yet"
    clock.now = dead_claim_ends + dt.timedelta(seconds=1)
    delivered = await box.recover({subscription.id: subscription})
    assert [run.status for run in delivered] == ["sent"]
    assert await box.recover({subscription.id: subscription}) == []
    assert len(sender.sent) == 1 and sender.sent[0][1].until == FIRE


async def test_a_pending_run_found_past_the_grace_is_marked_missed(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """Recovery applies the catch-up rule: a run a long outage left pending is not posted."""
    subs.record_run(subscription.id, PERIOD, now=FIRE)
    sender = FlakySender()
    box = outbox(subs, sender, clock=Clock(FIRE + dt.timedelta(hours=5)))
    grace = dt.timedelta(hours=1)
    runs = await box.recover({subscription.id: subscription}, grace=grace)
    assert [run.status for run in runs] == ["missed"] and sender.calls == []


async def test_shutting_down_mid_send_releases_the_claim(
    subs: SubscriptionStore, subscription: Subscription
) -> None:
    """Cancelled while sending (SIGTERM), the run stays pending and free for the next start."""
    sender = FlakySender(delay=10)
    task = asyncio.create_task(outbox(subs, sender).deliver(subscription, FIRE))
    while not sender.calls:
        await asyncio.sleep(0.001)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    run = subs.get_run(subscription.id, PERIOD)
    assert run is not None and run.status == "pending"
    assert subs.claim_run(subscription.id, PERIOD, "next", now=FIRE, until=FIRE)


async def test_two_workers_racing_on_one_database_send_once(db_url: str) -> None:
    """Two processes (two engines) deliver the same fire at once: one send in all."""
    with open_subscriptions(db_url) as first, open_subscriptions(db_url) as second:
        subscription = first.add(draft(), now=FIRE - dt.timedelta(days=1))
        sender = FlakySender(delay=0.005)
        a = outbox(first, sender, owner="host-a:1:aa")
        b = outbox(second, sender, owner="host-b:2:bb")
        runs = await asyncio.gather(
            *(worker.deliver(subscription, FIRE) for worker in (a, b, a, b))
        )
        assert len(sender.sent) == 1
        final = first.get_run(subscription.id, PERIOD)
        assert final is not None and (final.status, final.attempts) == ("sent", 1)
        assert {run.status for run in runs} <= {"pending", "sent"}


async def test_console_sender_prints_the_digest_text() -> None:
    lines: list[str] = []
    subscription = Subscription(id=7, created_at=FIRE, **draft(platform="console").model_dump())
    digest = Digests(empty=True)(DigestRequest(actors=("Poland",), until=FIRE))
    reference = await ConsoleSender(lines.append).send(subscription, digest, key="k")
    assert reference == "console:k"
    assert lines == ["Digest #7:\nNo change since 2026-03-01 07:00 UTC for Poland."]
