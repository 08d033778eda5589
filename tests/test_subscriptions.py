"""Subscriptions and the digest outbox, on a SQLite file and (when configured) PostgreSQL.

Set BRIEFBOT_TEST_POSTGRES_URL (e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/test)
to run the `postgres` cases too; each test gets its own schema, dropped afterwards.
The helpers at the top (`database_url`, `open_subscriptions`, `draft`) are shared with
the scheduler and outbox tests.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from briefs.errors import StoreError
from briefs.store import Store
from briefs.subscriptions import (
    Destination,
    SubscriptionDraft,
    SubscriptionStore,
    fire_time_on,
    period_of,
    run_key,
)
from briefs.subscriptions.store import digest_outbox

POSTGRES_URL_VARIABLE = "BRIEFBOT_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
T0 = dt.datetime(2026, 3, 2, 6, 0, tzinfo=dt.UTC)  # a Monday
DAY = dt.date(2026, 3, 2)


@contextmanager
def database_url(kind: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a PostgreSQL schema of its own."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'digests.db'}"
        return
    base_url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not base_url:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set")
    schema = f"briefbot_digest_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    url = sa.make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def open_subscriptions(url: str) -> Iterator[SubscriptionStore]:
    """A SubscriptionStore over its own Store (own engine): one per simulated process."""
    store = Store(url)
    store.create_schema()
    try:
        yield SubscriptionStore.for_store(store)
    finally:
        store.close()


def draft(**changes: Any) -> SubscriptionDraft:
    values: dict[str, Any] = {
        "platform": "slack",
        "channel_id": "C1",
        "created_by": "U1",
        "actors": ("Poland",),
        "topic": "troops",
        "at": dt.time(8, 0),
        "tz": "Europe/Warsaw",
    }
    return SubscriptionDraft(**(values | changes))


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def subs(db_url: str) -> Iterator[SubscriptionStore]:
    with open_subscriptions(db_url) as store:
        yield store


# --- models ------------------------------------------------------------------------------


def test_draft_refuses_an_unknown_zone() -> None:
    """A subscription's zone must be a real IANA zone: the scheduler relies on it."""
    with pytest.raises(ValueError, match="unknown time zone"):
        draft(tz="Europe/Atlantis")
    with pytest.raises(ValueError, match="unknown time zone"):
        draft(tz="Europe")  # a folder of the tz database, not a zone


def test_period_is_the_local_date_of_the_fire_time() -> None:
    """A 00:30 Warsaw digest fires on the previous UTC day but is for the local day."""
    subscription = draft(at=dt.time(0, 30))
    fire = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 00:30 CET on 2 March
    assert period_of(subscription, fire) == dt.date(2026, 3, 2)
    assert fire_time_on(subscription, dt.date(2026, 3, 2)) == fire


def test_run_key_fits_a_discord_nonce() -> None:
    """The idempotency key is stable per run and at most 25 characters."""
    key = run_key(123_456_789, DAY)
    assert key == run_key(123_456_789, DAY) != run_key(123_456_789, DAY + dt.timedelta(1))
    assert len(key) <= 25


# --- subscriptions -------------------------------------------------------------------------


def test_add_get_list_remove(subs: SubscriptionStore) -> None:
    """Subscriptions round-trip every field; list filters by destination; remove deletes."""
    first = subs.add(draft(actors=("Poland", "United Kingdom")), now=T0)
    dm = subs.add(draft(channel_id="D9", is_dm=True, topic=None, days="weekdays"), now=T0)
    other = subs.add(draft(platform="discord", channel_id="C1", quiet=False), now=T0)
    assert subs.get(first.id) == first
    assert first.actors == ("Poland", "United Kingdom") and first.created_at == T0
    assert [s.id for s in subs.list()] == [first.id, dm.id, other.id]
    assert subs.list(Destination(platform="slack", channel_id="C1")) == [first]
    assert subs.list(Destination(platform="discord", channel_id="C1")) == [other]
    assert subs.get(dm.id) == dm and dm.is_dm and dm.days == "weekdays"
    assert subs.remove(first.id) is True
    assert subs.remove(first.id) is False
    assert subs.get(first.id) is None


def test_remove_deletes_the_subscriptions_runs(subs: SubscriptionStore) -> None:
    """Status never shows runs of a subscription that no longer exists."""
    kept = subs.add(draft(), now=T0)
    gone = subs.add(draft(channel_id="C2"), now=T0)
    subs.record_run(kept.id, DAY, now=T0)
    subs.record_run(gone.id, DAY, now=T0)
    subs.remove(gone.id)
    assert [r.subscription_id for r in subs.recent_runs()] == [kept.id]


# --- runs ----------------------------------------------------------------------------------


def test_record_run_is_idempotent(subs: SubscriptionStore, db_url: str) -> None:
    """A second record_run for the same period returns the first row; there is one row."""
    subscription = subs.add(draft(), now=T0)
    first = subs.record_run(subscription.id, DAY, now=T0)
    subs.mark_sent(subscription.id, DAY, "ts-1", now=T0)
    again = subs.record_run(subscription.id, DAY, now=T0 + dt.timedelta(hours=1))
    assert first.status == "pending" and again.status == "sent"
    assert again.created_at == T0 and again.message_ref == "ts-1"
    with subs.engine.connect() as conn:
        count = conn.scalar(sa.select(sa.func.count()).select_from(digest_outbox))
    assert count == 1


def test_the_database_refuses_a_second_row_for_a_period(subs: SubscriptionStore) -> None:
    """The UNIQUE constraint itself: a plain INSERT of a duplicate period fails."""
    subscription = subs.add(draft(), now=T0)
    subs.record_run(subscription.id, DAY, now=T0)
    row = {
        "subscription_id": subscription.id,
        "period": DAY.isoformat(),
        "status": "pending",
        "attempts": 0,
        "created_at": T0,
    }
    with pytest.raises(IntegrityError), subs.engine.begin() as conn:
        conn.execute(sa.insert(digest_outbox), row)


def test_record_run_can_record_a_missed_day(subs: SubscriptionStore) -> None:
    """Catch-up records a day it will not send with its status, in the same single row."""
    subscription = subs.add(draft(), now=T0)
    missed = subs.record_run(subscription.id, DAY, now=T0, status="missed")
    assert missed.status == "missed"
    assert subs.record_run(subscription.id, DAY, now=T0).status == "missed"
    assert subs.pending_runs() == []


def test_mark_failed_counts_attempts_and_keeps_the_error(subs: SubscriptionStore) -> None:
    """Each failure counts; a non-final one stays pending, the final one is `failed`."""
    subscription = subs.add(draft(), now=T0)
    subs.record_run(subscription.id, DAY, now=T0)
    subs.mark_failed(subscription.id, DAY, "ConnectionError: reset", final=False)
    run = subs.get_run(subscription.id, DAY)
    assert run is not None and (run.status, run.attempts) == ("pending", 1)
    subs.mark_failed(subscription.id, DAY, "x" * 2000)
    run = subs.get_run(subscription.id, DAY)
    assert run is not None and (run.status, run.attempts) == ("failed", 2)
    assert run.last_error is not None and len(run.last_error) == 500


def test_a_finished_run_is_never_reopened(subs: SubscriptionStore) -> None:
    """mark_* only move a pending run: a sent run stays sent whatever comes later."""
    subscription = subs.add(draft(), now=T0)
    subs.record_run(subscription.id, DAY, now=T0)
    subs.mark_sent(subscription.id, DAY, "ts-1", now=T0)
    subs.mark_failed(subscription.id, DAY, "late error")
    subs.mark_empty(subscription.id, DAY)
    run = subs.get_run(subscription.id, DAY)
    assert run is not None
    assert (run.status, run.attempts, run.message_ref, run.sent_at) == ("sent", 1, "ts-1", T0)


def test_pending_recent_and_last_covered(subs: SubscriptionStore) -> None:
    """Pending runs oldest first; recent newest period first; covered = sent or empty."""
    a = subs.add(draft(), now=T0)
    b = subs.add(draft(channel_id="C2"), now=T0)
    days = [DAY + dt.timedelta(days=n) for n in range(4)]
    for n, day in enumerate(days):
        subs.record_run(a.id, day, now=T0 + dt.timedelta(days=n))
    subs.mark_sent(a.id, days[0], "m0", now=T0)
    subs.mark_empty(a.id, days[1])
    subs.mark_failed(a.id, days[2], "boom")
    subs.record_run(b.id, days[0], now=T0)
    assert [(r.subscription_id, r.period) for r in subs.pending_runs()] == [
        (b.id, days[0]),  # recorded at T0
        (a.id, days[3]),  # recorded three days later
    ]
    assert [r.period for r in subs.recent_runs([a.id], limit=3)] == days[:0:-1]
    assert {r.subscription_id for r in subs.recent_runs()} == {a.id, b.id}
    covered = subs.last_covered(a.id, days[3])
    assert covered is not None and covered.period == days[1]  # the failed day is not covered
    assert subs.last_covered(a.id, days[0]) is None


def test_claims_are_exclusive_until_they_run_out(subs: SubscriptionStore) -> None:
    """One worker holds a run; a second is refused until the claim expires."""
    subscription = subs.add(draft(), now=T0)
    subs.record_run(subscription.id, DAY, now=T0)
    later = T0 + dt.timedelta(minutes=2)
    assert subs.claim_run(subscription.id, DAY, "a", now=T0, until=later)
    assert not subs.claim_run(subscription.id, DAY, "b", now=T0, until=later)
    assert not subs.claim_run(subscription.id, DAY, "a", now=T0, until=later)  # not twice
    assert subs.renew_claim(subscription.id, DAY, "a", until=later + dt.timedelta(minutes=1))
    assert not subs.renew_claim(subscription.id, DAY, "b", until=later)
    expired = later + dt.timedelta(minutes=2)
    assert subs.claim_run(subscription.id, DAY, "b", now=expired, until=expired)
    assert not subs.renew_claim(subscription.id, DAY, "a", until=expired)


def test_a_released_or_finished_run_cannot_be_claimed_by_the_wrong_worker(
    subs: SubscriptionStore,
) -> None:
    """Release frees a claim at once; a sent run cannot be claimed at all."""
    subscription = subs.add(draft(), now=T0)
    subs.record_run(subscription.id, DAY, now=T0)
    until = T0 + dt.timedelta(minutes=5)
    assert subs.claim_run(subscription.id, DAY, "a", now=T0, until=until)
    subs.release_run(subscription.id, DAY, "b")  # not b's to release
    assert not subs.claim_run(subscription.id, DAY, "b", now=T0, until=until)
    subs.release_run(subscription.id, DAY, "a")
    assert subs.claim_run(subscription.id, DAY, "b", now=T0, until=until)
    subs.mark_sent(subscription.id, DAY, "m", now=T0)
    later = until + dt.timedelta(hours=1)
    assert not subs.claim_run(subscription.id, DAY, "c", now=later, until=later)


def test_a_broken_database_is_a_store_error(tmp_path: Path) -> None:
    """Database failures surface as the engine's StoreError, which answer() words."""
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    subscriptions = SubscriptionStore.for_store(store)
    with subscriptions.engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE digest_outbox"))
    with pytest.raises(StoreError, match="Cannot read pending digests"):
        subscriptions.pending_runs()
    store.close()


def test_for_store_shares_one_subscription_store_per_store(tmp_path: Path) -> None:
    """Chat answers reuse one SubscriptionStore per Store (tables created once)."""
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    assert SubscriptionStore.for_store(store) is SubscriptionStore.for_store(store)
    store.close()
