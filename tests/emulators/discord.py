"""A fake Discord on loopback, for end-to-end tests that run the real discord.py.

One aiohttp app on 127.0.0.1 (an ephemeral port) serves both halves of Discord:

- REST under `/api/v10`: login (`GET /users/@me`, `GET /oauth2/applications/@me`),
  `GET /gateway[/bot]`, command sync (`PUT /applications/{app}/commands`, and the guild
  variant), interaction callbacks (`POST /interactions/{id}/{token}/callback`), followups
  and `@original` (`/webhooks/{app}/{token}[/messages/{id}]`), `POST /channels/{id}/messages`
  (and `/typing`) and `POST /users/@me/channels` (open a DM). Every call is a `RestCall`.
  A message sent with `nonce` and `enforce_nonce: true` whose nonce the same author already
  used in that channel is not created again: the first one is returned, as Discord does.
- A gateway websocket at `/gateway` (and `/resume`, the `resume_gateway_url` READY names):
  HELLO, IDENTIFY → READY, HEARTBEAT → ACK, RESUME → RESUMED, and the dispatches a test
  pushes: `slash_command`, `autocomplete` (INTERACTION_CREATE), `direct_message`
  (MESSAGE_CREATE).

Faults: `fail_next(method, prefix, status=429|500, times=n)` answers the next n matching
calls the way Discord does (a 429 carries `Via`, `Retry-After`, `X-RateLimit-*` and the JSON
body discord.py reads); `force_reconnect()` drops the gateway (op 7 RECONNECT, or a close)
and waits for the client's RESUME.

Point the client at it with `api_url` / `gateway_url`. Two details discord.py insists on (both
measured): JSON responses carry exactly `Content-Type: application/json`, and an interaction
callback answers with the callback-response JSON (discord.py always sends `with_response=1`).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
RESUME_PATH = "/resume"
DEFAULT_TOKEN = "fake-bot-token"
WAIT_TIMEOUT = 10.0  # seconds any `wait_for_*` helper waits before failing the test

# Paths authenticated by the token in the URL, not by `Authorization: Bot ...` (as on Discord).
_TOKEN_IN_URL = ("/interactions/", "/webhooks/")

Json = dict[str, Any]
OptionValue = str | int | float | bool

# Discord's own limits, as it enforces them: a message over one gets 400 Invalid Form Body.
# Spelled out here rather than imported from briefs/, so the fake does not trust the renderer.
CONTENT_MAX = 2000
EMBEDS_MAX = 10
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_NAME_MAX = 256
EMBEDS_TOTAL_MAX = 6000  # title + description + field names and values + footer + author
# A plain member's permissions in the guild channel (no Manage Channels: bit 0x10 is off).
MEMBER_PERMISSIONS = 2248473465835073


@dataclass(frozen=True)
class RestCall:
    """One REST request as the fake saw it, and the status it answered."""

    method: str
    path: str  # below /api/v10, e.g. "/webhooks/1/abc"
    query: Mapping[str, str]
    body: Any  # parsed JSON, or None
    headers: Mapping[str, str]
    status: int


@dataclass(frozen=True)
class Pushed:
    """An interaction the fake pushed over the gateway, with the routes the bot answers on."""

    payload: Json

    @property
    def id(self) -> str:
        return str(self.payload["id"])

    @property
    def token(self) -> str:
        return str(self.payload["token"])

    @property
    def callback_path(self) -> str:
        return f"/interactions/{self.id}/{self.token}/callback"

    @property
    def followup_path(self) -> str:
        return f"/webhooks/{self.payload['application_id']}/{self.token}"


@dataclass
class _Failure:
    method: str
    prefix: str
    status: int
    times: int
    retry_after: float
    is_global: bool
    via: bool


@dataclass
class _Gateway:
    """The gateway's session state: one session, resumable across connections."""

    session_id: str | None = None
    sequence: int = 0
    live: web.WebSocketResponse | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    frames: list[Json] = field(default_factory=list)  # everything the client sent
    dispatched: list[tuple[str, Json]] = field(default_factory=list)  # (event, data) sent to it
    paths: list[str] = field(default_factory=list)  # path + query of every connection
    identifies: int = 0
    resumes: int = 0
    sockets: set[web.WebSocketResponse] = field(default_factory=set)


class FakeDiscord:
    """Discord's REST API and gateway on loopback, recording what the bot does."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        heartbeat_interval_ms: int = 41_250,
        echo_own_messages: bool = True,
    ) -> None:
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        # Discord sends a bot its own DM messages back as MESSAGE_CREATE; so does the fake.
        self.echo_own_messages = echo_own_messages
        self._ids = itertools.count(1_400_000_000_000_000_000)
        self.application_id = self.new_id()
        self.bot_user: Json = _user(self.application_id, "briefbot", bot=True)
        self.guild_id = self.new_id()
        self.guild_channel_id = self.new_id()
        self.user: Json = _user(self.new_id(), "tester")
        self.calls: list[RestCall] = []
        self.commands: dict[str | None, list[Json]] = {}  # guild id (None: global) -> commands
        self.messages: list[Json] = []  # every message the bot created, as Discord stores it
        self.gateway = _Gateway()
        self._dm_channels: dict[str, str] = {}  # channel id -> recipient user id
        self._interactions: dict[str, Json] = {}  # token -> interaction payload
        self._originals: dict[str, Json] = {}  # token -> the deferred/original response message
        self._failures: list[_Failure] = []
        self._changed = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- lifecycle -----------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(middlewares=[self._middleware])
        app.router.add_get(GATEWAY_PATH, self._gateway_socket)
        app.router.add_get(RESUME_PATH, self._gateway_socket)
        self._add_rest_routes(app)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port only through the server sockets
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for socket in list(self.gateway.sockets):
            await socket.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """What DiscordSettings.api_url (discord.http.Route.BASE) should be."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """What DiscordSettings.gateway_url (DiscordWebSocket.DEFAULT_GATEWAY) should be."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}{RESUME_PATH}"

    def new_id(self) -> str:
        """A fresh snowflake (as Discord sends them: a string)."""
        return str(next(self._ids))

    # --- what the bot did ----------------------------------------------------------

    def posts(self, channel_id: str) -> list[Json]:
        """Messages the bot created in a channel with its own client (not interaction replies)."""
        return [m for m in self.messages if m["channel_id"] == channel_id and "webhook_id" not in m]

    def calls_to(self, method: str, prefix: str, *, exact: bool = False) -> list[RestCall]:
        """Recorded calls of `method` whose path starts with (or, `exact`, is) `prefix`."""
        return [c for c in self.calls if c.method == method and _matches(c.path, prefix, exact)]

    async def wait_for_calls(
        self,
        method: str,
        prefix: str,
        count: int = 1,
        *,
        exact: bool = False,
        status: int | None = None,
        timeout: float = WAIT_TIMEOUT,
    ) -> list[RestCall]:
        """Wait until at least `count` matching calls (with that status, if given) were made."""

        def matching() -> list[RestCall]:
            calls = self.calls_to(method, prefix, exact=exact)
            return [c for c in calls if status is None or c.status == status]

        await self.wait_until(lambda: len(matching()) >= count, timeout=timeout)
        return matching()

    async def wait_until(
        self, condition: Callable[[], bool], *, timeout: float = WAIT_TIMEOUT
    ) -> None:
        """Wait until `condition()` holds; it is re-checked after every call or gateway frame."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(condition), timeout)

    async def wait_for_callback(self, pushed: Pushed) -> RestCall:
        """The (first successful) interaction callback for a pushed interaction."""
        calls = await self.wait_for_calls("POST", pushed.callback_path, exact=True, status=200)
        return calls[0]

    async def wait_for_followups(self, pushed: Pushed, count: int = 1) -> list[RestCall]:
        """The successful followup messages for a pushed interaction (at least `count`)."""
        path = pushed.followup_path
        return await self.wait_for_calls("POST", path, count, exact=True, status=200)

    # --- faults --------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        prefix: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: float = 0.5,
        is_global: bool = False,
        via: bool = True,
    ) -> None:
        """Answer the next `times` calls of `method` to paths starting `prefix` with `status`.

        A 429 looks like Discord's: `Via` (discord.py retries only when it is there, else it
        assumes a Cloudflare ban), `Retry-After`, `X-RateLimit-*`, and the JSON body
        `{"message", "retry_after", "global"}` whose `retry_after` discord.py actually sleeps.
        """
        self._failures.append(_Failure(method, prefix, status, times, retry_after, is_global, via))

    async def force_reconnect(self, *, how: str = "reconnect") -> Json:
        """Drop the gateway connection and wait for the client to RESUME; returns the RESUME data.

        `how="reconnect"` sends op 7 RECONNECT (Discord asking the client to move);
        `how="close"` closes the socket with 4000 (an unexpected drop).
        """
        socket = self.gateway.live
        assert socket is not None, "no live gateway connection"
        resumes = self.gateway.resumes
        self.gateway.live = None
        self.gateway.connected.clear()
        if how == "reconnect":
            await _send(socket, {"op": 7, "d": None})
        else:
            await socket.close(code=4000, message=b"fake: forced disconnect")
        await self.wait_until(lambda: self.gateway.resumes > resumes)
        resume = [f for f in self.gateway.frames if f.get("op") == 6]
        return dict(resume[-1]["d"])

    # --- what users do -------------------------------------------------------------

    async def slash_command(
        self,
        name: str,
        options: Mapping[str, OptionValue] | None = None,
        *,
        in_dm: bool = False,
        user: Json | None = None,
        permissions: int | None = None,
        corrupt: Callable[[Json], None] | None = None,
    ) -> Pushed:
        """A user runs `/name option:value ...` (in the test guild, or in a DM with the bot).

        `permissions` are the member's in the guild channel (a bit field, e.g.
        `discord.Permissions(manage_channels=True).value`); by default a plain member's.
        `corrupt` edits the payload before it is sent (a malformed event, as a faulty
        Discord or a proxy might send it).
        """
        data: Json = {
            "id": self._command_id(name),
            "name": name,
            "type": 1,
            "options": [_option(k, v) for k, v in (options or {}).items()],
        }
        return await self._interaction(
            2, data, in_dm=in_dm, user=user, permissions=permissions, corrupt=corrupt
        )

    async def autocomplete(
        self,
        name: str,
        focused: str,
        value: str,
        options: Mapping[str, OptionValue] | None = None,
        *,
        in_dm: bool = False,
    ) -> Pushed:
        """A user types `value` into option `focused` of `/name`: an autocomplete interaction."""
        given = [_option(k, v) for k, v in (options or {}).items()]
        data: Json = {
            "id": self._command_id(name),
            "name": name,
            "type": 1,
            "options": [*given, {**_option(focused, value), "focused": True}],
        }
        return await self._interaction(4, data, in_dm=in_dm, user=None, permissions=None)

    async def direct_message(self, content: str, *, author: Json | None = None) -> Json:
        """A DM to the bot: MESSAGE_CREATE with no guild_id; returns the message payload."""
        author = author or self.user
        channel_id = self.dm_channel_id(str(author["id"]))
        message = self._message(channel_id, content, author=author)
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    def dm_channel_id(self, user_id: str) -> str:
        """The DM channel between the bot and a user (created on first use, as Discord does)."""
        for channel_id, recipient in self._dm_channels.items():
            if recipient == user_id:
                return channel_id
        channel_id = self.new_id()
        self._dm_channels[channel_id] = user_id
        return channel_id

    def new_user(self, name: str, *, bot: bool = False) -> Json:
        return _user(self.new_id(), name, bot=bot)

    async def dispatch(self, event: str, data: Json, *, timeout: float = WAIT_TIMEOUT) -> None:
        """Send op 0 `event` to the bot, once a session is live (identified or resumed)."""
        await asyncio.wait_for(self.gateway.connected.wait(), timeout)
        socket = self.gateway.live
        assert socket is not None
        self.gateway.sequence += 1
        await _send(socket, {"op": 0, "t": event, "s": self.gateway.sequence, "d": data})
        async with self._changed:
            self.gateway.dispatched.append((event, data))
            self._changed.notify_all()

    # --- REST ----------------------------------------------------------------------

    def _add_rest_routes(self, app: web.Application) -> None:
        api = API_PREFIX
        routes = [
            web.get(api + "/gateway", self._get_gateway),
            web.get(api + "/gateway/bot", self._get_gateway_bot),
            web.get(api + "/users/@me", self._get_me),
            web.get(api + "/oauth2/applications/@me", self._get_application),
            web.put(api + "/applications/{app}/commands", self._put_commands),
            web.get(api + "/applications/{app}/commands", self._get_commands),
            web.put(api + "/applications/{app}/guilds/{guild}/commands", self._put_commands),
            web.get(api + "/applications/{app}/guilds/{guild}/commands", self._get_commands),
            web.post(api + "/interactions/{id}/{token}/callback", self._callback),
            web.post(api + "/webhooks/{app}/{token}", self._followup),
            web.get(api + "/webhooks/{app}/{token}/messages/{message}", self._get_webhook_message),
            web.patch(
                api + "/webhooks/{app}/{token}/messages/{message}", self._edit_webhook_message
            ),
            web.delete(api + "/webhooks/{app}/{token}/messages/{message}", self._delete_message),
            web.post(api + "/channels/{channel}/messages", self._post_channel_message),
            web.post(api + "/channels/{channel}/typing", self._typing),
            web.post(api + "/users/@me/channels", self._open_dm),
        ]
        app.add_routes(routes)

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Any]
    ) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX + "/"):
            response: web.StreamResponse = await handler(request)
            return response
        path = request.path.removeprefix(API_PREFIX)
        body = await _read_body(request)
        refused = self._fault(request.method, path) or self._unauthorized(request, path)
        response = refused or await _handle(handler, request)
        call = RestCall(
            request.method, path, dict(request.query), body, dict(request.headers), response.status
        )
        await self._record(call)
        return response

    def _fault(self, method: str, path: str) -> web.Response | None:
        for failure in self._failures:
            if failure.times > 0 and failure.method == method and path.startswith(failure.prefix):
                failure.times -= 1
                if failure.status == 429:
                    return _rate_limited(failure)
                message = {"message": f"{failure.status}: fake failure", "code": 0}
                return _json(message, status=failure.status)
        return None

    def _unauthorized(self, request: web.Request, path: str) -> web.Response | None:
        if path.startswith(_TOKEN_IN_URL):
            return None
        if request.headers.get("Authorization") == f"Bot {self.token}":
            return None
        return _json({"message": "401: Unauthorized", "code": 0}, status=401)

    async def _record(self, call: RestCall) -> None:
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    async def _get_gateway(self, request: web.Request) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return _json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _get_me(self, request: web.Request) -> web.Response:
        return _json(self.bot_user)

    async def _get_application(self, request: web.Request) -> web.Response:
        return _json(
            {
                "id": self.application_id,
                "name": "briefbot",
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.user,
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": self.bot_user,
            }
        )

    async def _put_commands(self, request: web.Request) -> web.Response:
        guild = request.match_info.get("guild")
        sent = await request.json()
        stored = [
            {
                "id": self._command_id(c["name"]),
                "application_id": self.application_id,
                "version": self.new_id(),
                "default_member_permissions": None,
                **({"guild_id": guild} if guild else {}),
                **c,
            }
            for c in sent
        ]
        self.commands[guild] = stored
        return _json(stored)

    async def _get_commands(self, request: web.Request) -> web.Response:
        return _json(self.commands.get(request.match_info.get("guild"), []))

    async def _callback(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        interaction = self._interactions.get(token)
        if interaction is None or interaction["id"] != request.match_info["id"]:
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        sent = await request.json()
        kind = sent["type"]
        reply: Json = {"interaction": {"id": interaction["id"], "type": interaction["type"]}}
        if kind in (4, 5):  # a message, or "thinking..." that becomes the original message
            data = sent.get("data") or {}
            if kind == 4 and (problems := message_problems(data)):
                return _invalid(problems)
            message = self._message(
                _channel_id(interaction),
                data.get("content", ""),
                author=self.bot_user,
                embeds=data.get("embeds", []),
                flags=(data.get("flags") or 0) | (128 if kind == 5 else 0),  # 128: LOADING
                webhook_id=self.application_id,
            )
            self._originals[token] = message
            reply["interaction"].update(
                response_message_id=message["id"],
                response_message_loading=kind == 5,
                response_message_ephemeral=bool(message["flags"] & 64),
            )
            reply["resource"] = {"type": kind, "message": message}
        if request.query.get("with_response") not in ("1", "true", "True"):
            return web.Response(status=204)
        return _json(reply)

    async def _followup(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        interaction = self._interactions.get(token)
        if interaction is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
        sent = await request.json()
        if problems := message_problems(sent):
            return _invalid(problems)
        message = self._message(
            _channel_id(interaction),
            sent.get("content") or "",
            author=self.bot_user,
            embeds=sent.get("embeds") or [],
            flags=sent.get("flags") or 0,
            webhook_id=self.application_id,
        )
        self.messages.append(message)
        if request.query.get("wait") not in ("1", "true", "True"):
            return web.Response(status=204)
        return _json(message)

    async def _get_webhook_message(self, request: web.Request) -> web.Response:
        message = self._webhook_message(request)
        if message is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        return _json(message)

    async def _edit_webhook_message(self, request: web.Request) -> web.Response:
        message = self._webhook_message(request)
        if message is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        sent = await request.json()
        if problems := message_problems({**message, **sent}):
            return _invalid(problems)
        message.update({k: v for k, v in sent.items() if k in ("content", "embeds")})
        message["flags"] = message.get("flags", 0) & ~128  # no longer "thinking"
        if message not in self.messages:
            self.messages.append(message)
        return _json(message)

    async def _delete_message(self, request: web.Request) -> web.Response:
        message = self._webhook_message(request)
        if message is not None and message in self.messages:
            self.messages.remove(message)
        return web.Response(status=204)

    def _webhook_message(self, request: web.Request) -> Json | None:
        token, wanted = request.match_info["token"], request.match_info["message"]
        if wanted == "@original":
            return self._originals.get(token)
        return next((m for m in self.messages if m["id"] == wanted), None)

    async def _post_channel_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        sent = await request.json()
        if problems := message_problems(sent):
            return _invalid(problems)
        nonce = sent.get("nonce")
        if nonce is not None and sent.get("enforce_nonce"):
            earlier = self._with_nonce(channel_id, str(nonce))
            if earlier is not None:
                return _json(earlier)  # Discord's answer to a repeated nonce: the first message
        message = self._message(
            channel_id,
            sent.get("content") or "",
            author=self.bot_user,
            embeds=sent.get("embeds") or [],
            flags=sent.get("flags") or 0,
        )
        if nonce is not None:
            message["nonce"] = str(nonce)
        self.messages.append(message)
        if self.echo_own_messages and channel_id in self._dm_channels:
            self._spawn(self.dispatch("MESSAGE_CREATE", message))
        return _json(message)

    def _with_nonce(self, channel_id: str, nonce: str) -> Json | None:
        return next(
            (
                m
                for m in self.messages
                if m["channel_id"] == channel_id
                and m.get("nonce") == nonce
                and m["author"]["id"] == self.bot_user["id"]
            ),
            None,
        )

    async def _typing(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def _open_dm(self, request: web.Request) -> web.Response:
        recipient = str((await request.json())["recipient_id"])
        user = self.user if recipient == self.user["id"] else _user(recipient, f"user{recipient}")
        channel_id = self.dm_channel_id(recipient)
        return _json({"id": channel_id, "type": 1, "recipients": [user], "last_message_id": None})

    # --- gateway -------------------------------------------------------------------

    async def _gateway_socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(autoping=True)
        await socket.prepare(request)
        self.gateway.sockets.add(socket)
        self.gateway.paths.append(str(request.rel_url))
        try:
            hello = {"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
            await _send(socket, hello)
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    continue
                await self._on_frame(socket, json.loads(frame.data))
        finally:
            self.gateway.sockets.discard(socket)
            if self.gateway.live is socket:
                self.gateway.live = None
                self.gateway.connected.clear()
        return socket

    async def _on_frame(self, socket: web.WebSocketResponse, frame: Json) -> None:
        op = frame.get("op")
        if op == 1:
            await _send(socket, {"op": 11})
        elif op == 2:
            await self._identify(socket, frame["d"])
        elif op == 6:
            await self._resume(socket, frame["d"])
        async with self._changed:
            self.gateway.frames.append(frame)
            self._changed.notify_all()

    async def _identify(self, socket: web.WebSocketResponse, data: Json) -> None:
        if data.get("token") != self.token:
            await socket.close(code=4004, message=b"Authentication failed.")
            return
        self.gateway.identifies += 1
        self.gateway.session_id = f"session-{self.new_id()}"
        self.gateway.sequence = 1
        ready = {
            "v": 10,
            "user": self.bot_user,
            "guilds": [],
            "session_id": self.gateway.session_id,
            "resume_gateway_url": self.resume_gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        await _send(socket, {"op": 0, "t": "READY", "s": 1, "d": ready})
        self._go_live(socket)

    async def _resume(self, socket: web.WebSocketResponse, data: Json) -> None:
        if data.get("token") != self.token or data.get("session_id") != self.gateway.session_id:
            await _send(socket, {"op": 9, "d": False})  # INVALID_SESSION, not resumable
            return
        self.gateway.resumes += 1
        self.gateway.sequence += 1
        await _send(socket, {"op": 0, "t": "RESUMED", "s": self.gateway.sequence, "d": {}})
        self._go_live(socket)

    def _go_live(self, socket: web.WebSocketResponse) -> None:
        self.gateway.live = socket
        self.gateway.connected.set()

    # --- payloads ------------------------------------------------------------------

    async def _interaction(
        self,
        kind: int,
        data: Json,
        *,
        in_dm: bool,
        user: Json | None,
        permissions: int | None,
        corrupt: Callable[[Json], None] | None = None,
    ) -> Pushed:
        user = user or self.user
        payload: Json = {
            "id": self.new_id(),
            "application_id": self.application_id,
            "type": kind,
            "data": data,
            "token": f"interaction-token-{self.new_id()}",
            "version": 1,
            "locale": "en-US",
            "app_permissions": "0",
            "entitlements": [],
            "attachment_size_limit": 10_485_760,
        }
        if in_dm:
            channel_id = self.dm_channel_id(str(user["id"]))
            channel = {"id": channel_id, "type": 1, "recipients": [user]}
            payload.update(user=user, channel_id=channel_id, channel=channel, context=1)
            payload["authorizing_integration_owners"] = {"1": user["id"]}
        else:
            channel = {
                "id": self.guild_channel_id,
                "type": 0,
                "guild_id": self.guild_id,
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
            }
            granted = str(MEMBER_PERMISSIONS if permissions is None else permissions)
            member = {"user": user, "roles": [], "flags": 0, "permissions": granted}
            payload.update(guild_id=self.guild_id, guild_locale="en-US", member=member)
            payload.update(channel_id=self.guild_channel_id, channel=channel, context=0)
            payload["authorizing_integration_owners"] = {"0": self.guild_id}
        if corrupt is not None:
            corrupt(payload)
        self._interactions[payload["token"]] = payload
        await self.dispatch("INTERACTION_CREATE", payload)
        return Pushed(payload)

    def _command_id(self, name: str) -> str:
        for commands in self.commands.values():
            for command in commands:
                if command["name"] == name:
                    return str(command["id"])
        return self.new_id()

    def _message(
        self,
        channel_id: str,
        content: str,
        *,
        author: Json,
        embeds: list[Json] | None = None,
        flags: int = 0,
        webhook_id: str | None = None,
    ) -> Json:
        message: Json = {
            "id": self.new_id(),
            "channel_id": channel_id,
            "author": author,
            "content": content,
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": embeds or [],
            "pinned": False,
            "type": 0,
            "flags": flags,
        }
        if webhook_id is not None:
            message["webhook_id"] = webhook_id
        return message

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def message_problems(message: Mapping[str, Any]) -> list[str]:
    """Why Discord would refuse this message body (content and embeds); [] when it is fine."""
    content = message.get("content") or ""
    embeds = message.get("embeds") or []
    problems = []
    if not content and not embeds:
        problems.append("empty message")
    if len(content) > CONTENT_MAX:
        problems.append(f"content: {len(content)} > {CONTENT_MAX}")
    if len(embeds) > EMBEDS_MAX:
        problems.append(f"embeds: {len(embeds)} > {EMBEDS_MAX}")
    for number, embed in enumerate(embeds):
        problems += [f"embeds[{number}].{p}" for p in _embed_problems(embed)]
    total = sum(_embed_chars(e) for e in embeds)
    if total > EMBEDS_TOTAL_MAX:
        problems.append(f"embeds total: {total} > {EMBEDS_TOTAL_MAX}")
    return problems


def _embed_problems(embed: Mapping[str, Any]) -> list[str]:
    sizes = [
        ("title", len(embed.get("title", "")), TITLE_MAX),
        ("description", len(embed.get("description", "")), DESCRIPTION_MAX),
        ("fields", len(embed.get("fields", [])), FIELDS_MAX),
        ("footer.text", len(embed.get("footer", {}).get("text", "")), FOOTER_MAX),
        ("author.name", len(embed.get("author", {}).get("name", "")), AUTHOR_NAME_MAX),
    ]
    for number, field_ in enumerate(embed.get("fields", [])):
        sizes.append((f"fields[{number}].name", len(field_["name"]), FIELD_NAME_MAX))
        sizes.append((f"fields[{number}].value", len(field_["value"]), FIELD_VALUE_MAX))
        if not field_["name"] or not field_["value"]:
            sizes.append((f"fields[{number}] empty name or value", 1, 0))
    return [f"{name}: {size} > {limit}" for name, size, limit in sizes if size > limit]


def _embed_chars(embed: Mapping[str, Any]) -> int:
    fields = sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + fields
        + len(embed.get("footer", {}).get("text", ""))
        + len(embed.get("author", {}).get("name", ""))
    )


def _invalid(problems: list[str]) -> web.Response:
    body = {"message": "Invalid Form Body", "code": 50035, "errors": {"_problems": problems}}
    return _json(body, status=400)


def _user(user_id: str, name: str, *, bot: bool = False) -> Json:
    return {
        "id": user_id,
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


def _option(name: str, value: OptionValue) -> Json:
    """An option as Discord sends it: string 3, integer 4, boolean 5, number 10."""
    if isinstance(value, bool):
        kind = 5
    elif isinstance(value, int):
        kind = 4
    elif isinstance(value, float):
        kind = 10
    else:
        kind = 3
    return {"name": name, "type": kind, "value": value}


def _channel_id(interaction: Json) -> str:
    return str(interaction["channel_id"])


def _matches(path: str, prefix: str, exact: bool) -> bool:
    return path == prefix if exact else path.startswith(prefix)


def _json(
    data: Any, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py's json_or_text parses nothing else
    # (aiohttp's json_response adds "; charset=utf-8").
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def _rate_limited(failure: _Failure) -> web.Response:
    retry_after = failure.retry_after
    headers = {
        "Retry-After": str(math.ceil(retry_after)),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": f"fake-{abs(hash(failure.prefix)):x}",
        "X-RateLimit-Scope": "global" if failure.is_global else "user",
    }
    if failure.is_global:
        headers["X-RateLimit-Global"] = "true"
    if failure.via:
        headers["Via"] = "1.1 google"
    body = {"message": "You are being rate limited.", "retry_after": retry_after}
    body["global"] = failure.is_global
    return _json(body, status=429, headers=headers)


async def _handle(
    handler: Callable[[web.Request], Any], request: web.Request
) -> web.StreamResponse:
    """The route's response; unknown routes answer as Discord does, in JSON."""
    try:
        response: web.StreamResponse = await handler(request)
    except web.HTTPNotFound:
        return _json({"message": "404: Not Found", "code": 0}, status=404)
    except web.HTTPMethodNotAllowed:
        return _json({"message": "405: Method Not Allowed", "code": 0}, status=405)
    return response


async def _read_body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    text = await request.text()
    try:
        return json.loads(text)
    except ValueError:
        return text


async def _send(socket: web.WebSocketResponse, payload: Json) -> None:
    # TEXT frames: discord.py parses them as plain JSON, so the fake never compresses.
    if not socket.closed:
        await socket.send_str(json.dumps(payload))
