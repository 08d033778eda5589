"""SubscriptionStore: subscriptions and the digest outbox, in the Store's database.

The tables have their own MetaData but share the Store's engine (and so its SQLite
pragmas and write locking). The outbox's UNIQUE (subscription_id, period) is the
guarantee everything else leans on: however many schedulers, retries or restarts
try to record a run for the same day, the database keeps exactly one row.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
from collections.abc import Collection
from typing import Any, Final

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Executable,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Row,
    Select,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from briefs.store import Store
from briefs.store.schema import UtcDateTime
from briefs.store.tables import TablesBeside
from briefs.subscriptions.models import (
    Destination,
    DigestRun,
    RunStatus,
    Subscription,
    SubscriptionDraft,
)

ERROR_TEXT_MAX: Final = 500  # a run keeps the start of its last error, enough for `status`

metadata = MetaData()


subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(16), nullable=False),
    Column("channel_id", String(255), nullable=False),
    Column("is_dm", Boolean, nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("actors", Text, nullable=False),  # a JSON list of actor names
    Column("topic", Text),
    Column("at", String(5), nullable=False),  # HH:MM, local to tz
    Column("tz", String(64), nullable=False),
    Column("days", String(8), nullable=False),
    Column("quiet", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_subscriptions_destination", "platform", "channel_id"),
)

digest_outbox = Table(
    "digest_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("period", String(10), nullable=False),  # ISO local date
    Column("status", String(8), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("message_ref", Text),
    # Who is delivering the run, until when: a second worker leaves a claimed run alone,
    # and a crashed worker's claim simply runs out.
    Column("claimed_by", String(255)),
    Column("claimed_until", UtcDateTime),
    UniqueConstraint("subscription_id", "period", name="uq_digest_outbox_period"),
)


class SubscriptionStore(TablesBeside):
    """Subscriptions and digest runs over a SQLAlchemy engine (SQLite or PostgreSQL)."""

    metadata = metadata
    tables_name = "the digest tables"

    # --- subscriptions --------------------------------------------------------------

    def add(self, draft: SubscriptionDraft, *, now: dt.datetime) -> Subscription:
        values = _subscription_row(draft) | {"created_at": now}
        with self._writing("add a subscription") as conn:
            new_id = conn.execute(
                insert(subscriptions).values(values).returning(subscriptions.c.id)
            ).scalar_one()
        return Subscription(id=new_id, created_at=now, **draft.model_dump())

    def remove(self, subscription_id: int) -> bool:
        """Delete a subscription and its runs; False when there was none."""
        with self._writing(f"remove subscription {subscription_id}") as conn:
            conn.execute(
                delete(digest_outbox).where(digest_outbox.c.subscription_id == subscription_id)
            )
            gone = conn.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))
        return gone.rowcount > 0

    def get(self, subscription_id: int) -> Subscription | None:
        with self._reading(f"read subscription {subscription_id}") as conn:
            row = conn.execute(
                select(subscriptions).where(subscriptions.c.id == subscription_id)
            ).first()
        return None if row is None else _subscription(row)

    # `list` is the name the digest grammar uses; later annotations say builtins.list.
    def list(self, destination: Destination | None = None) -> list[Subscription]:
        """Every subscription, or a destination's, oldest first."""
        query = select(subscriptions).order_by(subscriptions.c.id)
        if destination is not None:
            query = query.where(
                subscriptions.c.platform == destination.platform,
                subscriptions.c.channel_id == destination.channel_id,
            )
        with self._reading("list subscriptions") as conn:
            return [_subscription(row) for row in conn.execute(query)]

    # --- runs -----------------------------------------------------------------------

    def record_run(
        self,
        subscription_id: int,
        period: dt.date,
        *,
        now: dt.datetime,
        status: RunStatus = "pending",
    ) -> DigestRun:
        """The run for (subscription, period): inserted now, or the one already there.

        INSERT ... ON CONFLICT DO NOTHING then SELECT, in one transaction: two callers
        racing both get the same single row, whichever inserted it.
        """
        values = {
            "subscription_id": subscription_id,
            "period": period.isoformat(),
            "status": status,
            "attempts": 0,
            "created_at": now,
        }
        with self._writing(f"record the {period} digest of subscription {subscription_id}") as conn:
            conn.execute(_insert_ignoring_duplicates(conn, digest_outbox), values)
            row = conn.execute(_run_query(subscription_id, period)).one()
        return _run(row)

    def get_run(self, subscription_id: int, period: dt.date) -> DigestRun | None:
        with self._reading(f"read the {period} digest of subscription {subscription_id}") as conn:
            row = conn.execute(_run_query(subscription_id, period)).first()
        return None if row is None else _run(row)

    def claim_run(
        self,
        subscription_id: int,
        period: dt.date,
        owner: str,
        *,
        now: dt.datetime,
        until: dt.datetime,
    ) -> bool:
        """Take the right to deliver a pending run; False if a live claim holds it.

        One conditional UPDATE, atomic on both engines: of two workers racing for the
        same row, exactly one sees its WHERE still true. A claim of the same owner
        counts as live too, so two tasks of one process never both deliver a run.
        """
        statement = (
            update(digest_outbox)
            .where(
                *_run_key(subscription_id, period),
                digest_outbox.c.status == "pending",
                or_(digest_outbox.c.claimed_by.is_(None), digest_outbox.c.claimed_until < now),
            )
            .values(claimed_by=owner, claimed_until=until)
        )
        with self._writing("claim a digest run") as conn:
            return conn.execute(statement).rowcount == 1

    def renew_claim(
        self, subscription_id: int, period: dt.date, owner: str, *, until: dt.datetime
    ) -> bool:
        """Extend our claim before another attempt; False if the run is no longer ours."""
        statement = (
            update(digest_outbox)
            .where(
                *_run_key(subscription_id, period),
                digest_outbox.c.status == "pending",
                digest_outbox.c.claimed_by == owner,
            )
            .values(claimed_until=until)
        )
        with self._writing("renew a digest claim") as conn:
            return conn.execute(statement).rowcount == 1

    def release_run(self, subscription_id: int, period: dt.date, owner: str) -> None:
        """Give up a claim (on shutdown), so the next worker need not wait for it to run out."""
        statement = (
            update(digest_outbox)
            .where(*_run_key(subscription_id, period), digest_outbox.c.claimed_by == owner)
            .values(claimed_by=None, claimed_until=None)
        )
        with self._writing("release a digest run") as conn:
            conn.execute(statement)

    def mark_sent(
        self, subscription_id: int, period: dt.date, message_ref: str, *, now: dt.datetime
    ) -> None:
        """The platform accepted the digest: counts the attempt that did it."""
        self._finish(
            subscription_id,
            period,
            status="sent",
            attempts=digest_outbox.c.attempts + 1,
            sent_at=now,
            message_ref=message_ref,
            last_error=None,
        )

    def mark_failed(
        self, subscription_id: int, period: dt.date, error: str, *, final: bool = True
    ) -> None:
        """Count a failed attempt and keep its error; `final` gives the run up."""
        changes: dict[str, Any] = {
            "attempts": digest_outbox.c.attempts + 1,
            "last_error": error[:ERROR_TEXT_MAX],
        }
        if final:
            changes |= {"status": "failed", "claimed_by": None, "claimed_until": None}
        statement = (
            update(digest_outbox)
            .where(*_run_key(subscription_id, period), digest_outbox.c.status == "pending")
            .values(**changes)
        )
        with self._writing("record a failed digest") as conn:
            conn.execute(statement)

    def mark_empty(self, subscription_id: int, period: dt.date) -> None:
        """Nothing changed and the subscription is quiet: done, with nothing posted."""
        self._finish(subscription_id, period, status="empty")

    def mark_missed(self, subscription_id: int, period: dt.date) -> None:
        """Too late to be worth sending (past the grace period): done, with nothing posted."""
        self._finish(subscription_id, period, status="missed")

    def pending_runs(self) -> builtins.list[DigestRun]:
        """Runs recorded but not delivered (a crash, or a worker still at it), oldest first."""
        query = (
            select(digest_outbox)
            .where(digest_outbox.c.status == "pending")
            .order_by(digest_outbox.c.created_at, digest_outbox.c.id)
        )
        with self._reading("read pending digests") as conn:
            return [_run(row) for row in conn.execute(query)]

    def recent_runs(
        self, subscription_ids: Collection[int] | None = None, *, limit: int = 10
    ) -> builtins.list[DigestRun]:
        """The latest runs, newest period first; of some subscriptions, or of all."""
        query = (
            select(digest_outbox)
            .order_by(
                digest_outbox.c.period.desc(),
                digest_outbox.c.created_at.desc(),
                digest_outbox.c.id.desc(),
            )
            .limit(limit)
        )
        if subscription_ids is not None:
            query = query.where(digest_outbox.c.subscription_id.in_(list(subscription_ids)))
        with self._reading("read recent digests") as conn:
            return [_run(row) for row in conn.execute(query)]

    def last_covered(self, subscription_id: int, before: dt.date) -> DigestRun | None:
        """The latest run before `before` whose window was dealt with (sent, or empty).

        The next digest starts where it ended; failed and missed runs are not covered,
        so what they would have said rolls into the next one.
        """
        query = (
            select(digest_outbox)
            .where(
                digest_outbox.c.subscription_id == subscription_id,
                digest_outbox.c.period < before.isoformat(),
                digest_outbox.c.status.in_(("sent", "empty")),
            )
            .order_by(digest_outbox.c.period.desc())
            .limit(1)
        )
        with self._reading("read the previous digest") as conn:
            row = conn.execute(query).first()
        return None if row is None else _run(row)

    # --- plumbing ---------------------------------------------------------------------

    def _finish(self, subscription_id: int, period: dt.date, **changes: Any) -> None:
        statement = (
            update(digest_outbox)
            .where(*_run_key(subscription_id, period), digest_outbox.c.status == "pending")
            .values(claimed_by=None, claimed_until=None, **changes)
        )
        with self._writing("finish a digest run") as conn:
            conn.execute(statement)


def engine_of(store: Store) -> Engine:
    """The Store's engine, shared so both see one database with the same settings."""
    return store.engine


def _insert_ignoring_duplicates(conn: Connection, table: Table) -> Executable:
    """INSERT ... ON CONFLICT DO NOTHING, as the connection's engine spells it."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()


def _run_key(subscription_id: int, period: dt.date) -> tuple[Any, Any]:
    return (
        digest_outbox.c.subscription_id == subscription_id,
        digest_outbox.c.period == period.isoformat(),
    )


def _run_query(subscription_id: int, period: dt.date) -> Select[Any]:
    return select(digest_outbox).where(*_run_key(subscription_id, period))


def _subscription_row(draft: SubscriptionDraft) -> dict[str, Any]:
    return {
        "platform": draft.platform,
        "channel_id": draft.channel_id,
        "is_dm": draft.is_dm,
        "created_by": draft.created_by,
        "actors": json.dumps(list(draft.actors), ensure_ascii=False),
        "topic": draft.topic,
        "at": draft.at.strftime("%H:%M"),
        "tz": draft.tz,
        "days": draft.days,
        "quiet": draft.quiet,
    }


def _subscription(row: Row[Any]) -> Subscription:
    return Subscription(
        id=row.id,
        platform=row.platform,
        channel_id=row.channel_id,
        is_dm=bool(row.is_dm),
        created_by=row.created_by,
        actors=tuple(json.loads(row.actors)),
        topic=row.topic,
        at=dt.time.fromisoformat(row.at),
        tz=row.tz,
        days=row.days,
        quiet=bool(row.quiet),
        created_at=row.created_at,
    )


def _run(row: Row[Any]) -> DigestRun:
    return DigestRun(
        subscription_id=row.subscription_id,
        period=dt.date.fromisoformat(row.period),
        status=row.status,
        attempts=row.attempts,
        last_error=row.last_error,
        created_at=row.created_at,
        sent_at=row.sent_at,
        message_ref=row.message_ref,
    )
