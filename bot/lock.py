"""One digest scheduler per database: a lease row that one `briefbot run` holds at a time.

APScheduler 3 cannot share work between processes, so a second `briefbot run` on the
same database must not schedule digests too. The holder writes its name and an expiry
into `scheduler_lock` and renews it from a heartbeat; anyone else sees a live lease and
stands by. A holder that dies stops renewing, its lease runs out, and a standby takes
it over. Expiry is judged by the caller's clock, so hosts sharing a PostgreSQL database
need clocks in step to well within the lease time (NTP does that).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Column, Engine, MetaData, String, Table, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from briefs.store.repository import write_transaction
from briefs.store.schema import UtcDateTime

Clock = Callable[[], dt.datetime]
DIGEST_LOCK = "digest-scheduler"

metadata = MetaData()

scheduler_lock = Table(
    "scheduler_lock",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("owner", String(255), nullable=False),  # host:pid:random
    Column("expires_at", UtcDateTime, nullable=False),
)


def new_owner() -> str:
    """This process's lease name: host and pid for people, a random tail for uniqueness."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def who(owner: str) -> str:
    """The `host:pid` part of an owner, as log lines show it."""
    return owner.rsplit(":", 1)[0]


@dataclass(frozen=True)
class LeaseState:
    """The outcome of trying for the lease: ours or not, and who holds it until when."""

    won: bool
    owner: str
    expires_at: dt.datetime | None


class SchedulerLock:
    """The lease on one named lock, for one owner."""

    def __init__(
        self,
        engine: Engine,
        owner: str,
        *,
        clock: Clock,
        ttl: dt.timedelta,
        name: str = DIGEST_LOCK,
    ) -> None:
        self._engine = engine
        self.owner = owner
        self._clock = clock
        self.ttl = ttl
        self._name = name
        with write_transaction(engine) as conn:
            metadata.create_all(conn)

    def acquire(self) -> LeaseState:
        """Take the lease if it is free, expired or already ours; else report its holder.

        Each step is one atomic statement on both engines: the conditional UPDATE of a
        stale or own lease, then INSERT ... ON CONFLICT DO NOTHING of a missing one. Of
        two processes racing, one statement matches and the other sees the winner.
        """
        now = self._clock()
        expires = now + self.ttl
        row = scheduler_lock.c
        take_over = (
            update(scheduler_lock)
            .where(row.name == self._name, or_(row.owner == self.owner, row.expires_at < now))
            .values(owner=self.owner, expires_at=expires)
        )
        with write_transaction(self._engine) as conn:
            if conn.execute(take_over).rowcount == 1:
                return LeaseState(True, self.owner, expires)
            dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
            create = dialect.insert(scheduler_lock).on_conflict_do_nothing()
            values = {"name": self._name, "owner": self.owner, "expires_at": expires}
            if conn.execute(create, values).rowcount == 1:
                return LeaseState(True, self.owner, expires)
            holder = conn.execute(select(row.owner, row.expires_at).where(row.name == self._name))
            owner, holder_expires = holder.one()
        return LeaseState(False, owner, holder_expires)

    def renew(self) -> bool:
        """Extend our lease; False when another process has taken it (we must stop)."""
        renewal = (
            update(scheduler_lock)
            .where(scheduler_lock.c.name == self._name, scheduler_lock.c.owner == self.owner)
            .values(expires_at=self._clock() + self.ttl)
        )
        with write_transaction(self._engine) as conn:
            return conn.execute(renewal).rowcount == 1

    def release(self) -> None:
        """Give the lease up at once (clean shutdown), so a standby need not wait it out."""
        with write_transaction(self._engine) as conn:
            conn.execute(
                delete(scheduler_lock).where(
                    scheduler_lock.c.name == self._name, scheduler_lock.c.owner == self.owner
                )
            )
