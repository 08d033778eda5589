"""The Slack surface on slack-bolt (async): slash commands, direct messages, mentions.

Listeners are thin: parse with the one grammar (`parse_command`), answer and render
in a worker thread (the service is synchronous and reads SQLite, and a long brief
takes a while to lay out), ENGINE_THREADS at a time, then post. A slash command is
acked before any of that, so Slack's 3-second limit never waits on the engine.

Private replies (notices, digest previews: `is_private`) go only to the asker: an
ephemeral response to a slash command, chat.postEphemeral for a mention, and the DM
itself for a direct message. Digest commands and the sources commands that change
what briefbot reads also learn who is asking (`requesters`): users.info for admin
rights and time zone, and the allow-list. Sources commands are answered by the
`sources` desk on the event loop (they fetch from the web); `/sources list` and the
rest of the grammar need nothing more.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import Any, Protocol

from pydantic import SecretStr
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.web.async_client import AsyncWebClient

from adapters.commands import Command, Requester, SourcesCommand, parse_command
from adapters.replies import Notice, SourcesDesk, answer_async, is_private, to_slack
from adapters.slack.inflight import InFlight
from adapters.slack.posting import SlackPoster, retry_handlers
from adapters.slack.requesters import DigestAdmins, SlackRequesters, is_dm_channel
from briefs.render.slack import SlackMessage
from briefs.service import BriefingService

logger = logging.getLogger(__name__)

COMMANDS = ("/position", "/who", "/quotes", "/actors", "/digest", "/sources")
CATCH_ALL = "/briefbot"  # `/briefbot position poland`: the whole text is a command
# Commands whose answer is built at once, each in a worker thread. Building holds the GIL
# most of the time, and so would take it from the event loop, which acks the commands
# still arriving: with a thread per command, 100 at once were acked with p99 1.2 s,
# with two 0.2 s, their replies as soon. Two, not one, so that a slow answer (a long
# digest preview) leaves another lane for the quick ones; the rest wait on the loop.
ENGINE_THREADS = 2
FAILURE_TEXT = "Sorry, something went wrong on my side. Please try again in a moment."


class SlackConfig(Protocol):
    """What the Slack surface needs to know (bot.settings.SlackSettings has it all)."""

    @property
    def bot_token(self) -> SecretStr | None: ...
    @property
    def signing_secret(self) -> SecretStr | None: ...
    @property
    def app_token(self) -> SecretStr | None: ...
    @property
    def api_url(self) -> str: ...
    @property
    def http_host(self) -> str: ...
    @property
    def http_port(self) -> int: ...
    @property
    def http_path(self) -> str: ...


class _DropEnvTokenNotice(logging.Filter):
    """Drops Bolt's start-up warning that SLACK_BOT_TOKEN from the environment goes unused.

    Bolt reads that variable whenever it is given a client, and warns that it will not
    use it; not using it is the point (settings are the only source of credentials), so
    the warning would only alarm whoever reads the logs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_ENV_TOKEN_NOTICE = _DropEnvTokenNotice()  # one instance: addFilter ignores repeats


def web_client(settings: SlackConfig) -> AsyncWebClient:
    """A Web API client with the bot token, the configured base URL and our retry handlers."""
    if settings.bot_token is None:
        raise ValueError("Slack needs a bot token")
    return AsyncWebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_url,
        retry_handlers=retry_handlers(),
    )


def build_slack_app(
    service: BriefingService,
    settings: SlackConfig,
    admins: DigestAdmins | None = None,
    sources: SourcesDesk | None = None,
) -> AsyncApp:
    """The Bolt app with every listener registered; credentials come only from `settings`.

    `admins` is the allow-list of people who may manage any channel's digests (and the
    sources); `sources` answers the sources commands (without it they say so).
    """
    if settings.app_token is None and settings.signing_secret is None:
        raise ValueError("Slack over HTTP needs a signing secret to verify requests")
    client = web_client(settings)
    secret = settings.signing_secret
    logging.getLogger("slack_bolt.AsyncApp").addFilter(_ENV_TOKEN_NOTICE)
    app = AsyncApp(
        name="briefbot",
        # Bolt's own client has no token: `authorize` hands each request the bot token.
        # It carries the base URL and the retry handlers, which Bolt copies into every
        # request's client.
        client=AsyncWebClient(base_url=settings.api_url, retry_handlers=retry_handlers()),
        authorize=authorize_once(client),
        # "" rather than None: None makes Bolt read SLACK_SIGNING_SECRET itself. Without a
        # secret only Socket Mode runs, where Bolt skips verification anyway.
        signing_secret=secret.get_secret_value() if secret else "",
        request_verification_enabled=secret is not None,
    )
    people = SlackRequesters(client, admins)
    register(app, service, SlackPoster(client), in_flight(app), people, sources)
    return app


_IN_FLIGHT: weakref.WeakKeyDictionary[AsyncApp, InFlight] = weakref.WeakKeyDictionary()


def in_flight(app: AsyncApp) -> InFlight:
    """The app's in-flight tracker (one per app), which the runner drains on stop."""
    return _IN_FLIGHT.setdefault(app, InFlight())


def authorize_once(client: AsyncWebClient) -> Callable[[], Awaitable[AuthorizeResult]]:
    """Bolt's `authorize`: one auth.test for the app's lifetime, however many requests wait.

    Bolt's built-in single-workspace authorization calls auth.test from every request
    until the first answer is cached, so a burst of commands right after start sent a
    burst of auth.test calls (measured: 50 for 50 concurrent commands, all acks delayed).
    A failed call is not cached: the next request tries again.
    """
    lock = asyncio.Lock()
    cached: list[AuthorizeResult] = []

    async def authorize() -> AuthorizeResult:
        async with lock:
            if not cached:
                response = await client.auth_test()
                cached.append(
                    AuthorizeResult.from_auth_test_response(
                        bot_token=client.token, auth_test_response=response
                    )
                )
        return cached[0]

    return authorize


def register(
    app: AsyncApp,
    service: BriefingService,
    poster: SlackPoster,
    work: InFlight,
    people: SlackRequesters,
    sources: SourcesDesk | None = None,
) -> None:
    """Attach the listeners. Closures, because Bolt injects arguments by parameter name."""
    engine = asyncio.Semaphore(ENGINE_THREADS)

    async def reply(
        command: Command, requester: Requester | None
    ) -> tuple[list[SlackMessage], bool]:
        # sources commands wait on the web, on the loop: they take no engine thread
        limit = nullcontext() if isinstance(command, SourcesCommand) else engine
        async with limit:
            return await reply_to(service, command, requester, sources)

    async def on_command(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack()  # the HTTP 200 (or the socket ack) leaves now, before any engine work
        async with work.track():
            name = command["command"]
            text = command.get("text") or ""
            parsed = parse_command(text) if name == CATCH_ALL else parse_command(text, command=name)
            channel = command["channel_id"]
            requester = await people.requester(
                parsed,
                user_id=command["user_id"],
                channel_id=channel,
                is_dm=is_dm_channel(channel, command.get("channel_name")),
            )
            messages, private = await reply(parsed, requester)
            # A notice (help, unknown actor) or a preview is only for the asker.
            await poster.respond(command["response_url"], messages, in_channel=not private)

    async def on_message(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("channel_type") != "im" or not from_person(event):
            return
        if not work.first_time(body.get("event_id")):
            return  # Slack re-delivered an event already answered
        async with work.track():
            parsed = parse_command(event.get("text") or "")
            requester = await people.requester(
                parsed, user_id=event["user"], channel_id=event["channel"], is_dm=True
            )
            messages, _ = await reply(parsed, requester)
            # In a DM only the asker reads the answer, private or not.
            await poster.post(event["channel"], messages, thread_ts=event.get("thread_ts"))

    async def on_mention(event: dict[str, Any], body: dict[str, Any]) -> None:
        if not from_person(event) or not work.first_time(body.get("event_id")):
            return
        async with work.track():
            parsed = parse_command(event.get("text") or "")
            requester = await people.requester(
                parsed, user_id=event["user"], channel_id=event["channel"], is_dm=False
            )
            messages, private = await reply(parsed, requester)
            thread = event.get("thread_ts") or event["ts"]
            only_for = event["user"] if private else None
            await poster.post(event["channel"], messages, thread_ts=thread, only_for=only_for)

    for name in (*COMMANDS, CATCH_ALL):
        app.command(name)(on_command)
    app.event("message")(on_message)
    app.event("app_mention")(on_mention)


# Message subtypes that are still a person writing something new; every other subtype
# (edits, deletions, joins, bot_message) is ignored, so the bot never answers itself.
PERSON_SUBTYPES = frozenset({"file_share", "thread_broadcast"})


def from_person(event: dict[str, Any]) -> bool:
    """A person's new message: not a bot (the bot itself included), not an edit or a join."""
    subtype = event.get("subtype")
    return "bot_id" not in event and (subtype is None or subtype in PERSON_SUBTYPES)


async def reply_to(
    service: BriefingService,
    command: Command,
    requester: Requester | None = None,
    sources: SourcesDesk | None = None,
) -> tuple[list[SlackMessage], bool]:
    """The rendered reply, and whether only the asker may see it.

    The engine and the layout run off the event loop; a sources command runs on it (its
    fetches are async) and only its rendering moves off.
    """
    try:
        reply = await answer_async(service, command, requester, sources=sources)
        return await asyncio.to_thread(to_slack, reply), is_private(reply)
    except Exception:
        # answer() turns every engine error into words; anything else is a bug, and the
        # user still hears back rather than waiting on silence.
        logger.exception("answering a %s command failed", command.kind)
        return to_slack(Notice(text=FAILURE_TEXT, error=True)), True
