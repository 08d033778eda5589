"""`briefbot run`: start every chat surface whose credentials are set, in one event loop.

Each platform left off gets one line saying why. The digest scheduler runs beside
them when this process wins the database's scheduler lock (one per database), and
stands by otherwise. SIGINT and SIGTERM stop every surface cleanly (the digest
scheduler first, then the Discord gateway and the Slack web server) before the
process exits. A surface that gives up (Discord after repeated connection failures)
stops them all too, and the exit status is 1, so a process supervisor restarts
briefbot. Every surface reports to one `Health`, which Slack's `GET /healthz` serves.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from adapters.health import Health
from bot.lock import SchedulerLock, new_owner
from bot.outbox import ConsoleSender, DigestSender, Outbox, RetryPolicy
from bot.scheduler import DigestRunner, DigestScheduler, SchedulerCompanion
from bot.settings import DigestSettings, DiscordSettings, SlackSettings
from briefs.service import BriefingService
from briefs.subscriptions import Platform, SubscriptionStore

if TYPE_CHECKING:
    from adapters.replies import SourcesDesk

logger = logging.getLogger(__name__)


class Surface(Protocol):
    """A chat surface the runner can start and stop."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@runtime_checkable
class Failing(Protocol):
    """A surface that can give up for good: `failed` is set, `failure` says why."""

    failed: asyncio.Event
    failure: str | None


@runtime_checkable
class DigestCapable(Protocol):
    """A surface that can post digests (the Slack and Discord runners): `digest_sender()`."""

    def digest_sender(self) -> DigestSender: ...


def utc_now() -> dt.datetime:
    """The clock `briefbot run` passes down: aware, in UTC."""
    return dt.datetime.now(dt.UTC)


def build_surfaces(
    service: BriefingService,
    slack: SlackSettings,
    discord: DiscordSettings,
    say: Callable[[str], None],
    digest: DigestSettings | None = None,
    sources: SourcesDesk | None = None,
    health: Health | None = None,
) -> list[tuple[str, Surface]]:
    """The surfaces that can start; one line through `say` for each that cannot.

    `digest` carries DIGEST_SLACK_ADMINS, the people Slack lets manage any channel's digests
    (and the sources); `sources` answers the sources commands on both platforms; `health`
    hears from every surface.
    """
    health = health or Health()
    surfaces: list[tuple[str, Surface]] = []
    slack_off = slack.off_reason()
    if slack_off is None:
        from adapters.slack.app import build_slack_app
        from adapters.slack.runner import SlackRunner

        app = build_slack_app(service, slack, admins=digest, sources=sources)
        surfaces.append(("Slack", SlackRunner(app, slack, health=health)))
    else:
        say(f"Slack off: {slack_off}")
    discord_off = discord.off_reason()
    if discord_off is None:
        from adapters.discord.runner import DiscordRunner

        runner = DiscordRunner(
            service, discord, sources=sources, health=health, max_failures=discord.max_failures
        )
        surfaces.append(("Discord", runner))
    else:
        say(f"Discord off: {discord_off}")
    return surfaces


async def run_surfaces(
    surfaces: list[tuple[str, Surface]],
    say: Callable[[str], None],
    stop: asyncio.Event | None = None,
) -> int:
    """Start the surfaces, wait for a stop signal (or `stop`) or a surface giving up, stop
    them in reverse order; 1 when a surface gave up, else 0."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    started: list[tuple[str, Surface]] = []
    code = 0
    try:
        for name, surface in surfaces:
            await surface.start()
            started.append((name, surface))
            say(f"{name} on: {_describe(surface)}")
        gave_up = await _first_of(stop, started)
        if gave_up is not None:
            say(f"{gave_up}; stopping so that a supervisor can restart briefbot")
            code = 1
        say("Stopping…")
    finally:
        for name, surface in reversed(started):
            try:
                await surface.stop()
            except Exception:
                logger.exception("%s did not stop cleanly", name)
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return code


async def _first_of(stop: asyncio.Event, surfaces: list[tuple[str, Surface]]) -> str | None:
    """Wait for `stop` or for a surface to give up; the surface's failure, if one did."""
    failing = [(name, s) for name, s in surfaces if isinstance(s, Failing)]
    waits = [asyncio.ensure_future(stop.wait())]
    waits += [asyncio.ensure_future(s.failed.wait()) for _, s in failing]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            wait.cancel()
    for name, surface in failing:
        if surface.failed.is_set():
            return f"{name} failed: {surface.failure}"
    return None


def digest_senders(
    surfaces: list[tuple[str, Surface]], say: Callable[[str], None]
) -> dict[Platform, DigestSender]:
    """A sender per platform that can post: the console always, chat surfaces that can."""
    senders: dict[Platform, DigestSender] = {"console": ConsoleSender(say)}
    platforms: Mapping[str, Platform] = {"Slack": "slack", "Discord": "discord"}
    for name, surface in surfaces:
        if name in platforms and isinstance(surface, DigestCapable):
            senders[platforms[name]] = surface.digest_sender()
    return senders


def build_digest_runner(
    service: BriefingService,
    settings: DigestSettings,
    senders: Mapping[Platform, DigestSender],
    say: Callable[[str], None],
    clock: Callable[[], dt.datetime] = utc_now,
    companions: Callable[[], Sequence[SchedulerCompanion]] = tuple,
) -> DigestRunner:
    """The digest scheduler surface over the service's database.

    `companions` makes the other jobs that share the scheduler and its lease (source
    polling), anew each time the lease is won.
    """
    store = SubscriptionStore.for_store(service.store)
    owner = new_owner()
    lock = SchedulerLock(store.engine, owner, clock=clock, ttl=settings.lock_ttl)
    policy = RetryPolicy(
        attempts=settings.retry_attempts,
        backoff=settings.retry_backoff_seconds,
        timeout=settings.send_timeout_seconds,
    )

    def make_scheduler() -> DigestScheduler:
        outbox = Outbox(store, service.digest, senders, owner=owner, clock=clock, policy=policy)
        return DigestScheduler(
            store,
            outbox,
            grace=settings.grace,
            clock=clock,
            sync_every=dt.timedelta(seconds=settings.sync_seconds),
            companions=companions(),
        )

    return DigestRunner(lock, make_scheduler, say)


def _describe(surface: Surface) -> str:
    description = getattr(surface, "description", None)
    if isinstance(description, str):
        return description
    mode = getattr(surface, "mode", None)
    url = getattr(surface, "url", None)
    if mode == "http" and url:
        return f"HTTP, events at {url}"
    if mode == "socket":
        return "Socket Mode"
    return "connected"
