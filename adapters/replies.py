"""From a parsed command to a rendered answer, the same way on every surface.

`answer` runs a command against the engine and is the one place where engine
errors become words for users: an unknown actor or topic is a one-line notice
with suggestions, never a stack trace and never silence. The `to_*` functions
render any reply for one platform.

Digest commands also need to know who is asking (`Requester`): it decides the
destination a subscription posts to and whether the asker may change a channel's
digests. Without a requester (a surface that does not fill one in yet) digest
management is refused with one line, never guessed.

Sources commands fetch from the web, so they are answered by an async `SourcesDesk`
(`adapters.sources.SourceDesk`) that the composition root hands the surfaces;
`answer_async` routes them there and every other command to `answer` in a worker
thread. A surface without a desk says so in one line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import Protocol

from adapters.commands import (
    DIGEST_HELP_TEXT,
    HELP_TEXT,
    SOURCES_HELP_TEXT,
    ActorsCommand,
    Command,
    DigestCommand,
    DigestHelpCommand,
    DigestListCommand,
    DigestPreviewCommand,
    DigestStatusCommand,
    DigestSubscribeCommand,
    DigestUnsubscribeCommand,
    HelpCommand,
    InvalidCommand,
    PositionCommand,
    QueryCommand,
    QuotesCommand,
    Requester,
    SourcesCommand,
    SourcesHelpCommand,
    WhoCommand,
)
from briefs.errors import BriefsError, UnknownActorError, UnknownSpeakerError, UnknownTopicError
from briefs.models import ActorSummary, Brief, Digest, DigestRequest, Frozen, StanceMatrix
from briefs.quotes import QuoteList
from briefs.render.discord import (
    DiscordMessage,
    actors_to_discord,
    brief_to_discord,
    digest_to_discord,
    matrix_to_discord,
    notice_to_discord,
)
from briefs.render.quotes import quotes_to_text
from briefs.render.quotes_chat import quotes_to_discord, quotes_to_slack
from briefs.render.slack import (
    SlackMessage,
    actors_to_slack,
    brief_to_slack,
    digest_to_slack,
    matrix_to_slack,
    notice_to_slack,
)
from briefs.render.text import actors_to_text, brief_to_text, digest_to_text, matrix_to_text
from briefs.service import BriefingService
from briefs.subscriptions import (
    DEFAULT_TZ,
    Destination,
    Subscription,
    SubscriptionDraft,
    SubscriptionStore,
    fire_time_on,
    is_known_zone,
)
from briefs.subscriptions.text import runs_text, subscription_line, subscriptions_text

logger = logging.getLogger(__name__)

CHAT_ACTORS_MAX = 40  # a chat answer lists the most-cited actors; the CLI lists them all
DIGEST_STATUS_RUNS = 10  # `digest status` shows this many latest runs
DIGESTS_PER_DESTINATION_MAX = 25  # enough for any real use; stops a loop filling the table

Clock = Callable[[], dt.datetime]


class ActorList(Frozen):
    """The known actors, most cited first."""

    actors: tuple[ActorSummary, ...]
    total: int


class Notice(Frozen):
    """A short message: the help text, or what went wrong in one sentence."""

    text: str
    error: bool = False


class DigestPreview(Frozen):
    """What a digest would say now: shown only to the person who asked (ephemeral)."""

    digest: Digest
    subscription_id: int | None = None  # None: a default digest, no subscription yet

    @property
    def heading(self) -> str:
        which = f"digest #{self.subscription_id}" if self.subscription_id else "a default digest"
        return f"Preview of {which}, only for you:"


Reply = Brief | StanceMatrix | QuoteList | ActorList | Notice | DigestPreview


def is_private(reply: Reply) -> bool:
    """Whether only the asker should see a reply (ephemeral): notices and previews."""
    return isinstance(reply, Notice | DigestPreview)


NO_SOURCES_DESK = "Sources are not managed here; use `briefbot sources`, Slack or Discord."


class SourcesDesk(Protocol):
    """What answers the sources commands (`adapters.sources.SourceDesk`)."""

    async def answer(self, command: SourcesCommand, requester: Requester | None) -> Notice: ...


async def answer_async(
    service: BriefingService,
    command: Command,
    requester: Requester | None = None,
    *,
    sources: SourcesDesk | None = None,
    clock: Clock | None = None,
) -> Reply:
    """`answer` for an event loop: sources commands go to the desk (they fetch from the
    web on this loop), everything else to `answer` in a worker thread."""
    if isinstance(command, SourcesCommand) and sources is not None:
        try:
            return await sources.answer(command, requester)
        except BriefsError as exc:  # the database failed under the desk
            logger.warning("command %s failed: %s", command.kind, exc)
            return Notice(text=f"Sorry, I could not answer that: {exc}", error=True)
    return await asyncio.to_thread(answer, service, command, requester, clock=clock)


def answer(
    service: BriefingService,
    command: Command,
    requester: Requester | None = None,
    *,
    clock: Clock | None = None,
) -> Reply:
    """Run a command. Engine errors become a Notice here, for every adapter.

    `clock` (the service's by default) dates new subscriptions and previews. Sources
    commands other than `sources help` need a desk (`answer_async`).
    """
    if isinstance(command, SourcesHelpCommand):
        return Notice(text=SOURCES_HELP_TEXT)
    if isinstance(command, SourcesCommand):
        return Notice(text=NO_SOURCES_DESK, error=True)
    try:
        if isinstance(command, DigestCommand):
            now = (clock or service.clock)()
            return _digest(service, command, requester, now)
        return _run(service, command)
    except (UnknownActorError, UnknownTopicError, UnknownSpeakerError, _DigestRefusal) as exc:
        return Notice(text=str(exc), error=True)
    except BriefsError as exc:
        logger.warning("command %s failed: %s", command.kind, exc)
        return Notice(text=f"Sorry, I could not answer that: {exc}", error=True)


def _run(service: BriefingService, command: QueryCommand) -> Reply:
    if isinstance(command, InvalidCommand):
        return Notice(text=command.reason, error=True)
    if isinstance(command, PositionCommand):
        return service.brief(command.request)
    if isinstance(command, WhoCommand):
        return service.matrix(command.topic)
    if isinstance(command, QuotesCommand):
        return service.quotes(command.request)
    if isinstance(command, ActorsCommand):
        summaries = [s for s in service.actors() if s.actor.kind != "person"]
        return ActorList(actors=tuple(summaries[:CHAT_ACTORS_MAX]), total=len(summaries))
    return help_notice(command)


def help_notice(command: HelpCommand) -> Notice:
    """The help text, led by the reason the input was not understood."""
    text = f"{command.reason}\n\n{HELP_TEXT}" if command.reason else HELP_TEXT
    return Notice(text=text)


# --- digests ------------------------------------------------------------------------------

NO_REQUESTER = "Digest commands are not available here yet; try them in Slack, Discord or the CLI."
CHANNEL_REFUSAL = (
    "Only people who can manage this channel can change its digests. "
    "For a digest of your own, send me `digest subscribe ...` in a direct message."
)


def destination_of(requester: Requester) -> Destination:
    """Where a digest asked for by `requester` is posted: the channel or DM it came from."""
    return Destination(
        platform=requester.platform, channel_id=requester.channel_id, is_dm=requester.is_dm
    )


def _digest(
    service: BriefingService, command: DigestCommand, requester: Requester | None, now: dt.datetime
) -> Reply:
    if isinstance(command, DigestHelpCommand):
        return Notice(text=DIGEST_HELP_TEXT)
    if requester is None:
        return Notice(text=NO_REQUESTER, error=True)
    store = SubscriptionStore.for_store(service.store)
    if isinstance(command, DigestSubscribeCommand):
        return _subscribe(service, store, command, requester, now)
    if isinstance(command, DigestUnsubscribeCommand):
        return _unsubscribe(store, command.subscription_id, requester)
    if isinstance(command, DigestPreviewCommand):
        return _preview(service, store, command.subscription_id, requester, now)
    visible = _visible(store, requester)
    everywhere = _sees_everything(requester)
    if isinstance(command, DigestListCommand):
        return Notice(text=subscriptions_text(visible, with_destination=everywhere))
    assert isinstance(command, DigestStatusCommand)
    if not visible:
        return Notice(text=subscriptions_text(visible))
    runs = store.recent_runs([s.id for s in visible], limit=DIGEST_STATUS_RUNS)
    return Notice(text=runs_text(runs, {s.id: s for s in visible}))


def _sees_everything(requester: Requester) -> bool:
    """The console is the operator's: it sees and manages every destination's digests."""
    return requester.platform == "console"


def _may_manage(requester: Requester, is_dm: bool) -> bool:
    """A DM digest is its owner's; a channel's needs the right to manage the channel."""
    return is_dm or requester.can_manage_channel or _sees_everything(requester)


def _visible(store: SubscriptionStore, requester: Requester) -> list[Subscription]:
    if _sees_everything(requester):
        return store.list()
    return store.list(destination_of(requester))


def _find(store: SubscriptionStore, subscription_id: int, requester: Requester) -> Subscription:
    """A subscription the requester can see; raises _DigestRefusal (a one-line Notice)."""
    found = store.get(subscription_id)
    here = destination_of(requester)
    if found is None or not (
        _sees_everything(requester)
        or (found.platform, found.channel_id) == (here.platform, here.channel_id)
    ):
        # Other places' digests are not this asker's business: "not here", not "forbidden".
        raise _DigestRefusal(
            f"There is no digest #{subscription_id} here; `digest list` shows the digests here."
        )
    return found


class _DigestRefusal(BriefsError):
    """A digest request refused with one line for the asker."""


def _subscribe(
    service: BriefingService,
    store: SubscriptionStore,
    command: DigestSubscribeCommand,
    requester: Requester,
    now: dt.datetime,
) -> Notice:
    if not _may_manage(requester, requester.is_dm):
        return Notice(text=CHANNEL_REFUSAL, error=True)
    draft = SubscriptionDraft(
        platform=requester.platform,
        channel_id=requester.channel_id,
        is_dm=requester.is_dm,
        created_by=requester.user_id,
        actors=_actor_names(service, command.actors),
        topic=_topic(service, command.topic),
        at=command.at,
        tz=command.tz or _requester_zone(requester),
        days=command.days,
        quiet=command.quiet,
    )
    existing = store.list(draft.destination)
    duplicate = next((s for s in existing if s.same_digest_as(draft)), None)
    if duplicate is not None:
        return Notice(text=f"That digest exists already: {subscription_line(duplicate)}")
    if len(existing) >= DIGESTS_PER_DESTINATION_MAX:
        return Notice(
            text=f"This place has {len(existing)} digests, the most it can have; "
            "`digest unsubscribe <number>` one first.",
            error=True,
        )
    added = store.add(draft, now=now)
    return Notice(
        text=f"Subscribed: {subscription_line(added)}. "
        f"`digest preview {added.id}` shows what it would say now."
    )


def _actor_names(service: BriefingService, names: tuple[str, ...]) -> tuple[str, ...]:
    """The catalog's names for what the user typed; UnknownActorError carries suggestions."""
    resolved: list[str] = []
    for name in names:
        try:
            resolved.append(service.resolve_actor(name).name)
        except UnknownActorError as exc:
            if " " in name.strip():  # perhaps several actors, typed without commas
                raise _DigestRefusal(
                    f"{exc} Separate several actors with commas: "
                    "`digest subscribe poland, united kingdom`."
                ) from exc
            raise
    return tuple(dict.fromkeys(resolved))


def _topic(service: BriefingService, topic: str | None) -> str | None:
    """The topic as typed, once the catalog knows it (as `who` checks it)."""
    if topic is not None and not service.topics.matching(topic):
        raise UnknownTopicError(topic, tuple(t.id for t in service.topics.topics))
    return topic


def _requester_zone(requester: Requester) -> str:
    """The zone the platform reports for the user when it is a real one, else UTC."""
    zone = requester.timezone
    return zone if zone is not None and is_known_zone(zone) else DEFAULT_TZ


def _unsubscribe(store: SubscriptionStore, subscription_id: int, requester: Requester) -> Notice:
    found = _find(store, subscription_id, requester)
    if not _may_manage(requester, found.is_dm):
        return Notice(text=CHANNEL_REFUSAL, error=True)
    store.remove(found.id)
    return Notice(text=f"Stopped: {subscription_line(found)}.")


def _preview(
    service: BriefingService,
    store: SubscriptionStore,
    subscription_id: int | None,
    requester: Requester,
    now: dt.datetime,
) -> Reply:
    """The digest from where the subscription's last one ended (or a day ago) up to now."""
    if subscription_id is not None:
        subscription: Subscription | None = _find(store, subscription_id, requester)
    else:
        subscription = next(iter(store.list(destination_of(requester))), None)
    since = None
    if subscription is not None:
        covered = store.last_covered(subscription.id, dt.date.max)
        start = fire_time_on(subscription, covered.period) if covered else None
        since = start if start is not None and start < now else None
    request = DigestRequest(
        actors=subscription.actors if subscription else (),
        topic=subscription.topic if subscription else None,
        since=since,
        until=now,
    )
    return DigestPreview(
        digest=service.digest(request),
        subscription_id=subscription.id if subscription else None,
    )


def to_slack(reply: Reply) -> list[SlackMessage]:
    """Slack messages (Block Kit plus fallback text) for a reply."""
    if isinstance(reply, Brief):
        return brief_to_slack(reply)
    if isinstance(reply, StanceMatrix):
        return matrix_to_slack(reply)
    if isinstance(reply, QuoteList):
        return quotes_to_slack(reply)
    if isinstance(reply, ActorList):
        return actors_to_slack(reply.actors)
    if isinstance(reply, DigestPreview):
        return digest_to_slack(reply.digest, note=reply.heading)
    return [notice_to_slack(reply.text)]


def to_discord(reply: Reply) -> list[DiscordMessage]:
    """Discord messages (embeds, no mentions) for a reply."""
    if isinstance(reply, Brief):
        return brief_to_discord(reply)
    if isinstance(reply, StanceMatrix):
        return matrix_to_discord(reply)
    if isinstance(reply, QuoteList):
        return quotes_to_discord(reply)
    if isinstance(reply, ActorList):
        return actors_to_discord(reply.actors)
    if isinstance(reply, DigestPreview):
        return digest_to_discord(reply.digest, note=reply.heading)
    return [notice_to_discord(reply.text)]


def to_text(reply: Reply) -> str:
    """Plain text for a reply (console, logs)."""
    if isinstance(reply, Brief):
        return brief_to_text(reply)
    if isinstance(reply, StanceMatrix):
        return matrix_to_text(reply)
    if isinstance(reply, QuoteList):
        return quotes_to_text(reply)
    if isinstance(reply, ActorList):
        return actors_to_text(reply.actors)
    if isinstance(reply, DigestPreview):
        return preview_text(reply)
    return reply.text


def preview_text(preview: DigestPreview) -> str:
    return f"{preview.heading}\n{digest_to_text(preview.digest)}"
