"""Polling live sources on the digest scheduler: one APScheduler job per source.

The jobs live on the same AsyncIOScheduler as the digests, so they run only in the
process holding the database's scheduler lease (`bot.lock`): two `briefbot run` on one
database never poll the same sources. Each source's job is a one-off at its
`next_poll_at`; the poll (`adapters.web.poller.SourcePoller`) records the next time
(an interval later, or a backoff after a failure, never sooner than Retry-After) and
the job puts itself back at that time. A sync job, every DIGEST_SYNC_SECONDS, follows
sources added, removed or fetched from chat or from `briefbot sources` in another
process. Disabled sources have no job.

The composition of the sources objects from settings (fetcher, poller, desk) is here
too, for `briefbot run`, `briefbot sources` and `briefbot chat`.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.date import DateTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from adapters.sources import SourceDesk
from adapters.web.fetcher import FetchConfig, Fetcher
from adapters.web.poller import PollPolicy, PollReport, SourcePoller
from adapters.web.sources import ReadOptions
from bot.settings import SourcesSettings
from briefs.service import BriefingService
from briefs.sources.store import SourceStore

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
JOB_PREFIX = "source:"
SYNC_JOB = "source-sync"  # not under JOB_PREFIX: sync never mistakes it for a source's


def job_id(source_id: int) -> str:
    return f"{JOB_PREFIX}{source_id}"


class SourceScheduler:
    """The sources' jobs, on a scheduler someone else starts and stops (the digests')."""

    def __init__(
        self,
        poller: SourcePoller,
        *,
        clock: Clock,
        sync_every: dt.timedelta = dt.timedelta(minutes=1),
    ) -> None:
        self.poller = poller
        self._clock = clock
        self._sync_every = sync_every
        self._scheduler: AsyncIOScheduler | None = None
        self._times: dict[str, dt.datetime | None] = {}  # job id -> next_poll_at scheduled
        self._polling: set[int] = set()  # sources whose job is running now

    @property
    def scheduler(self) -> AsyncIOScheduler:
        if self._scheduler is None:
            raise RuntimeError("the source scheduler has not been started")
        return self._scheduler

    @property
    def job_count(self) -> int:
        """Sources with a job waiting (the sync job aside)."""
        if self._scheduler is None:
            return 0
        return sum(job.id.startswith(JOB_PREFIX) for job in self._scheduler.get_jobs())

    @property
    def description(self) -> str:
        return f"{self.job_count + len(self._polling)} source(s) polled"

    async def start(self, scheduler: AsyncIOScheduler) -> None:
        """Jobs for every enabled source (overdue ones at once), and the sync job."""
        self._scheduler = scheduler
        await self.sync()
        scheduler.add_job(
            self.sync,
            IntervalTrigger(seconds=self._sync_every.total_seconds()),
            id=SYNC_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    def shutdown(self) -> None:
        """Drop the jobs (the scheduler's owner stops the scheduler itself)."""
        if self._scheduler is None:
            return
        for job in self._scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) or job.id == SYNC_JOB:
                with contextlib.suppress(LookupError):
                    job.remove()
        self._times.clear()

    async def sync(self) -> int:
        """Make the jobs match the sources: add new, move changed, drop removed and disabled.

        Returns how many sources have a job.
        """
        scheduler = self.scheduler
        sources = await asyncio.to_thread(self.poller.store.list)
        wanted = {job_id(s.id): s for s in sources if not s.disabled}
        for job in scheduler.get_jobs():
            if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
                job.remove()
                self._times.pop(job.id, None)
        for source in wanted.values():
            if source.id not in self._polling:  # its job puts itself back when done
                self._schedule(source.id, source.next_poll_at)
        return len(wanted)

    async def poll(self, source_id: int) -> PollReport:
        """A job's body: poll the source if it is due, then schedule its next poll."""
        self._polling.add(source_id)
        try:
            report = await self.poller.poll(source_id)
        finally:
            self._polling.discard(source_id)
        if report.outcome not in ("not_due", "busy"):
            logger.info("source #%s: %s", source_id, report.summary())
        source = await asyncio.to_thread(self.poller.store.get, source_id)
        if source is None or source.disabled:
            self._unschedule(job_id(source_id))
        else:
            self._schedule(source.id, source.next_poll_at, moved=True)
        return report

    def next_run(self, source_id: int) -> dt.datetime | None:
        """When the source's job fires next (None: no job)."""
        job = self.scheduler.get_job(job_id(source_id))
        return None if job is None else job.next_run_time

    def _schedule(self, source_id: int, at: dt.datetime | None, *, moved: bool = False) -> None:
        key = job_id(source_id)
        if not moved and self._times.get(key) == at and self.scheduler.get_job(key) is not None:
            return  # unchanged
        now = self._clock()
        self.scheduler.add_job(
            self.poll,
            DateTrigger(run_date=max(at or now, now)),
            args=[source_id],
            id=key,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,  # a poll due while the loop was busy still runs
        )
        self._times[key] = at

    def _unschedule(self, key: str) -> None:
        with contextlib.suppress(LookupError):
            self.scheduler.remove_job(key)
        self._times.pop(key, None)


class SourcesSurface:
    """The sources' shared fetcher as a `briefbot run` surface: its connections live from
    start to stop (stopped last, after the scheduler and the chat surfaces)."""

    def __init__(self, poller: SourcePoller, *, contact_set: bool) -> None:
        self.poller = poller
        self._contact_set = contact_set
        self.description = "starting"

    async def start(self) -> None:
        await self.poller.fetcher.open()
        count = len(await asyncio.to_thread(self.poller.store.list))
        self.description = (
            f"{count} source(s), polled while this process holds the scheduler lock, "
            f"as {self.poller.fetcher.config.user_agent}"
        )
        if not self._contact_set:
            self.description += " (set SOURCES_CONTACT_URL: sites should be able to reach you)"

    async def stop(self) -> None:
        await self.poller.fetcher.close()


# --- composition ------------------------------------------------------------------------------


def fetch_config(settings: SourcesSettings) -> FetchConfig:
    """The polite fetcher's configuration from the SOURCES_* settings."""
    values: dict[str, object] = {
        "max_concurrency": settings.max_concurrent_fetches,
        "per_host": settings.per_host_fetches,
        "total_timeout_s": settings.timeout_seconds,
        "connect_timeout_s": min(10.0, settings.timeout_seconds),
        "max_bytes": settings.max_page_bytes,
        "private_hosts": settings.private_hosts,
    }
    if settings.contact_url:
        values["contact_url"] = settings.contact_url
    return FetchConfig.model_validate(values)


def poll_policy(settings: SourcesSettings) -> PollPolicy:
    return PollPolicy(
        unhealthy_after=settings.unhealthy_after,
        max_backoff_s=settings.max_backoff_s,
        # A claim outlives the slowest poll: the feed, then its pages a few at a time.
        claim_s=max(900.0, 10 * settings.timeout_seconds),
        read=ReadOptions(),
    )


def build_poller(
    service: BriefingService,
    settings: SourcesSettings,
    *,
    clock: Clock,
    owner: str,
    fetcher: Fetcher | None = None,
) -> SourcePoller:
    """The poller over the service's database, with a fetcher made from the settings."""
    return SourcePoller(
        service,
        SourceStore.for_store(service.store),
        fetcher or Fetcher(fetch_config(settings), clock=clock),
        clock=clock,
        owner=owner,
        policy=poll_policy(settings),
    )


def build_desk(poller: SourcePoller, settings: SourcesSettings) -> SourceDesk:
    """What answers the sources commands, with the default interval from the settings."""
    return SourceDesk(poller, default_interval_s=settings.default_interval_s)
