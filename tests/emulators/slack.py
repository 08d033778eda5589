"""A fake Slack on loopback, for end-to-end tests of the real slack-bolt app.

`FakeSlack` is an aiohttp server on 127.0.0.1 (an ephemeral port) playing Slack's
side of everything the bot calls:

    POST|GET /api/<method>  the Web API: auth.test, chat.postMessage (kept per channel,
                            metadata included), chat.postEphemeral, users.info,
                            conversations.open (a user's DM), conversations.history,
                            apps.connections.open (which returns this server's ws:// URL)
    POST /commands/<team>/<id>  a slash command's response_url (shaped as Slack's)
    GET  /link              the Socket Mode websocket: hello, envelopes, the client's acks

Every request is recorded (method, path, headers, parsed body and the status
answered), and faults can be injected per target:
`fail_next("chat.postMessage", status=429, retry_after=1, times=2)`, or `RESPONSE`
for every response_url; `refuse("conversations.history", "missing_scope")` makes a
method answer Slack's `{"ok": false}` with that error every time. `users` holds the
workspace's people (`add_user`): users.info reads admin, owner and time zone there.

The other direction, Slack calling the bot, is `SlackSender`: it builds slash
command forms and Events API callbacks, signs them the way Slack does
(`X-Slack-Request-Timestamp`, `X-Slack-Signature`) and POSTs them to the bot.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

T = TypeVar("T")

BOT_TOKEN = "xoxb-fake-bot-token"
APP_TOKEN = "xapp-fake-app-token"
SIGNING_SECRET = "fake-signing-secret"
TEAM_ID = "T0FAKE"
APP_ID = "A0FAKE"
BOT_USER_ID = "U0BOT"
BOT_ID = "B0BOT"
USER_ID = "U0USER"
ADMIN_ID = "U0ADMIN"  # a workspace admin (users.info: is_admin)
USER_TZ = "Europe/Warsaw"  # the zone users.info reports for USER_ID
CHANNEL_ID = "C0CHANNEL"
DM_CHANNEL_ID = "D0DIRECT"
RESPONSE = "response"  # the target name of every response_url, for fail_next and calls()
LINK = "link"  # the target name of the Socket Mode websocket


@dataclass(frozen=True)
class Recorded:
    """One request the fake received, and the status it answered."""

    method: str
    path: str
    target: str  # the Web API method ("chat.postMessage"), RESPONSE or LINK
    headers: Mapping[str, str]
    body: Mapping[str, Any]
    status: int
    at: float  # time.perf_counter() when it arrived

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def response_id(self) -> str | None:
        """The <id> of /commands/<team>/<id>."""
        return self.path.rsplit("/", 1)[-1] if self.target == RESPONSE else None


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    left: int
    after: int = 0  # calls let through before the first failure


@dataclass
class FakeSlack:
    """Slack's Web API, response URLs and Socket Mode on one loopback port."""

    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    host: str = "127.0.0.1"
    requests: list[Recorded] = field(default_factory=list)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Messages chat.postMessage delivered, per channel, oldest first (what history reads).
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _refusals: dict[str, str] = field(default_factory=dict)
    _faults: dict[str, list[_Fault]] = field(default_factory=dict)
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    _port: int = 0
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    # --- lifecycle ------------------------------------------------------------------

    def __post_init__(self) -> None:
        self.add_user(USER_ID, tz=USER_TZ)
        self.add_user(ADMIN_ID, is_admin=True, tz="America/New_York")

    async def start(self) -> FakeSlack:
        app = web.Application()
        app.add_routes(
            [
                web.post("/api/{method}", self._api),
                web.get("/api/{method}", self._api),
                web.post("/commands/{team}/{id}", self._response),
                web.get("/link", self._link),
            ]
        )
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self._port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self._port}"

    @property
    def api_url(self) -> str:
        """What the bot's AsyncWebClient takes as base_url."""
        return f"{self.base_url}/api/"

    def new_response_url(self) -> tuple[str, str]:
        """A fresh response_url and its id."""
        response_id = f"r{next(self._ids)}"
        return f"{self.base_url}/commands/{TEAM_ID}/{response_id}", response_id

    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ids):06d}"

    # --- faults and queries -----------------------------------------------------------

    def fail_next(
        self,
        target: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: int | None = 1,
        after: int = 0,
    ) -> None:
        """The next `times` calls to `target` answer `status` (429s carry Retry-After),
        once `after` calls have gone through normally."""
        self._faults.setdefault(target, []).append(_Fault(status, retry_after, times, after))

    def refuse(self, method: str, error: str) -> None:
        """`method` answers `{"ok": false, "error": error}` from now on (e.g. missing_scope)."""
        self._refusals[method] = error

    def add_user(
        self,
        user_id: str,
        *,
        is_admin: bool = False,
        is_owner: bool = False,
        tz: str | None = None,
    ) -> None:
        """Someone users.info knows, as Slack describes them."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": user_id.lower(),
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_bot": False,
            **({"tz": tz} if tz is not None else {}),
        }

    @staticmethod
    def dm_channel_of(user_id: str) -> str:
        """The bot's DM with a user, as conversations.open returns it."""
        return DM_CHANNEL_ID if user_id == USER_ID else f"D{user_id.removeprefix('U')}"

    def calls(self, target: str) -> list[Recorded]:
        """Every request to `target`, failed attempts included."""
        return [r for r in self.requests if r.target == target]

    def delivered(self, target: str) -> list[Recorded]:
        """Requests to `target` that were answered 200."""
        return [r for r in self.calls(target) if r.ok]

    def responses(self, response_id: str | None = None) -> list[Recorded]:
        """Messages delivered to response URLs (one of them, or all)."""
        return [
            r
            for r in self.delivered(RESPONSE)
            if response_id is None or r.response_id == response_id
        ]

    def posts(self, channel: str | None = None) -> list[Recorded]:
        """chat.postMessage calls that were delivered (to one channel, or all)."""
        return [
            r
            for r in self.delivered("chat.postMessage")
            if channel is None or r.body.get("channel") == channel
        ]

    async def wait_for(self, predicate: Callable[[], T], timeout: float = 10.0) -> T:
        """Poll `predicate` until it is truthy; the bot keeps working after its ack."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() > deadline:
                seen = [(r.target, r.status) for r in self.requests]
                raise AssertionError(f"timed out after {timeout} s; the fake saw {seen}")
            await asyncio.sleep(0.02)

    # --- Socket Mode ------------------------------------------------------------------

    async def push_envelope(self, kind: str, payload: Mapping[str, Any]) -> str:
        """Send an envelope ("slash_commands", "events_api") on the open socket; its id."""
        await self.wait_for(lambda: self._sockets)
        envelope_id = f"env-{next(self._ids)}"
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": dict(payload),
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": 0,
            "retry_reason": "",
        }
        await self._sockets[-1].send_json(envelope)
        return envelope_id

    def ack_for(self, envelope_id: str) -> dict[str, Any] | None:
        return next((a for a in self.socket_acks if a.get("envelope_id") == envelope_id), None)

    # --- handlers ---------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await _parsed_body(request)
        fault = self._take_fault(method)
        if fault is not None:
            return self._record(request, method, body, _fault_response(fault, json_body=True))
        token = _token(request, body)
        return self._record(request, method, body, self._answer(method, token, body))

    async def _response(self, request: web.Request) -> web.Response:
        body = await _parsed_body(request)
        fault = self._take_fault(RESPONSE)
        if fault is not None:
            return self._record(request, RESPONSE, body, _fault_response(fault, json_body=False))
        return self._record(request, RESPONSE, body, web.Response(text="ok"))

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._record(request, LINK, {}, web.Response(status=101))
        self._sockets.append(socket)
        await socket.send_json(
            {
                "type": "hello",
                "num_connections": len(self._sockets),
                "debug_info": {"host": "fake-slack"},
                "connection_info": {"app_id": APP_ID},
            }
        )
        try:
            async for message in socket:
                if message.type == aiohttp.WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
        finally:
            self._sockets.remove(socket)
        return socket

    def _answer(self, method: str, token: str | None, body: Mapping[str, Any]) -> web.Response:
        if method == "apps.connections.open":
            if token != self.app_token:
                return _json({"ok": False, "error": "invalid_auth"})
            return _json({"ok": True, "url": f"ws://{self.host}:{self._port}/link?ticket=t"})
        if token != self.bot_token:
            return _json({"ok": False, "error": "invalid_auth"})
        if method == "auth.test":
            return _json(
                {
                    "ok": True,
                    "url": "https://fake.slack.test/",
                    "team": "Fake",
                    "user": "briefbot",
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                }
            )
        if method in self._refusals:
            return _json({"ok": False, "error": self._refusals[method]})
        if method in ("chat.postMessage", "chat.postEphemeral"):
            if not body.get("channel"):
                return _json({"ok": False, "error": "channel_not_found"})
            ts = self.next_ts()
            if method == "chat.postEphemeral":
                return _json({"ok": True, "message_ts": ts})
            message = {"type": "message", "text": body.get("text", ""), "ts": ts, "bot_id": BOT_ID}
            if isinstance(body.get("metadata"), dict):
                message["metadata"] = body["metadata"]
            self.history.setdefault(str(body["channel"]), []).append(message)
            return _json({"ok": True, "channel": body["channel"], "ts": ts, "message": message})
        if method == "users.info":
            user = self.users.get(str(body.get("user")))
            if user is None:
                return _json({"ok": False, "error": "user_not_found"})
            return _json({"ok": True, "user": user})
        if method == "conversations.open":
            users = str(body.get("users") or "").split(",")
            if len(users) != 1 or users[0] not in self.users:
                return _json({"ok": False, "error": "user_not_found"})
            return _json({"ok": True, "channel": {"id": self.dm_channel_of(users[0])}})
        if method == "conversations.history":
            return _json(self._history(body))
        return _json({"ok": False, "error": "unknown_method"})

    def _history(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Newest first, at most `limit`; metadata only with include_all_metadata, as Slack."""
        channel = str(body.get("channel") or "")
        if channel not in self.history and not channel.startswith(("C", "D", "G")):
            return {"ok": False, "error": "channel_not_found"}
        limit = int(body.get("limit") or 100)
        with_metadata = str(body.get("include_all_metadata")).lower() in ("1", "true")
        messages = list(reversed(self.history.get(channel, [])))[:limit]
        if not with_metadata:
            messages = [{k: v for k, v in m.items() if k != "metadata"} for m in messages]
        return {"ok": True, "messages": messages, "has_more": False}

    def _take_fault(self, target: str) -> _Fault | None:
        queue = self._faults.get(target)
        if not queue:
            return None
        fault = queue[0]
        if fault.after > 0:
            fault.after -= 1
            return None
        fault.left -= 1
        if fault.left <= 0:
            queue.pop(0)
        return fault

    def _record(
        self, request: web.Request, target: str, body: Mapping[str, Any], response: web.Response
    ) -> web.Response:
        self.requests.append(
            Recorded(
                method=request.method,
                path=request.path,
                target=target,
                headers=dict(request.headers),
                body=body,
                status=response.status,
                at=time.perf_counter(),
            )
        )
        return response


async def _parsed_body(request: web.Request) -> dict[str, Any]:
    """JSON or form body, plus query parameters (slack_sdk sends some as params)."""
    body: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body.update(await request.json())
    elif request.can_read_body:
        body.update((key, str(value)) for key, value in (await request.post()).items())
    return body


def _token(request: web.Request, body: Mapping[str, Any]) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ")
    token = body.get("token")
    return str(token) if token else None


def _json(payload: Mapping[str, Any], status: int = 200) -> web.Response:
    return web.json_response(payload, status=status)


def _fault_response(fault: _Fault, *, json_body: bool) -> web.Response:
    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
    error = "ratelimited" if fault.status == 429 else "internal_error"
    if json_body:
        return web.json_response(
            {"ok": False, "error": error}, status=fault.status, headers=headers
        )
    return web.Response(text=error, status=fault.status, headers=headers)


# --- Slack calling the bot ------------------------------------------------------------


def slash_command_form(
    command: str,
    text: str,
    *,
    response_url: str,
    channel_id: str = CHANNEL_ID,
    user_id: str = USER_ID,
) -> dict[str, str]:
    """The form fields Slack POSTs for a slash command (and wraps in a Socket Mode envelope)."""
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "fake",
        "channel_id": channel_id,
        "channel_name": "directmessage" if channel_id.startswith("D") else "general",
        "user_id": user_id,
        "user_name": "someone",
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"trigger-{user_id}",
    }


def event_callback(event: Mapping[str, Any]) -> dict[str, Any]:
    """An Events API body around one event."""
    return {
        "token": "deprecated-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": f"Ev{time.perf_counter_ns()}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }


def im_message(
    text: str,
    *,
    ts: str,
    channel: str = DM_CHANNEL_ID,
    user: str = USER_ID,
    bot_id: str | None = None,
    subtype: str | None = None,
) -> dict[str, Any]:
    """A message.im event: someone wrote to the bot in a direct message."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "event_ts": ts,
    }
    if bot_id is not None:
        event["bot_id"] = bot_id
    if subtype is not None:
        event["subtype"] = subtype
    return event


def app_mention(
    text: str, *, ts: str, channel: str = CHANNEL_ID, user: str = USER_ID
) -> dict[str, Any]:
    """An app_mention event: someone wrote `<@U0BOT> ...` in a channel."""
    return {
        "type": "app_mention",
        "channel": channel,
        "user": user,
        "text": f"<@{BOT_USER_ID}> {text}",
        "ts": ts,
        "event_ts": ts,
    }


def signature_headers(secret: str, body: str, timestamp: int) -> dict[str, str]:
    """The headers Slack signs a request with."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    assert signature is not None
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature}


@dataclass(frozen=True)
class Sent:
    """The bot's HTTP answer to one request, and how long it took to come back."""

    status: int
    body: str
    seconds: float
    response_id: str | None = None  # for slash commands: where the fake collects replies


class SlackSender:
    """Slack's side of HTTP mode: signed slash commands and events POSTed to the bot."""

    def __init__(self, bot_url: str, fake: FakeSlack, signing_secret: str = SIGNING_SECRET):
        self.bot_url = bot_url
        self.fake = fake
        self.signing_secret = signing_secret
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SlackSender:
        # trust_env=False: a proxy from the environment must never see loopback traffic
        # limit=0: the bench fires 100 commands at once, past aiohttp's default pool of 100
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0), trust_env=False
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()

    async def slash(
        self,
        command: str,
        text: str,
        *,
        channel_id: str = CHANNEL_ID,
        user_id: str = USER_ID,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> Sent:
        """A slash command whose response_url points at the fake."""
        url, response_id = self.fake.new_response_url()
        form = slash_command_form(
            command, text, response_url=url, channel_id=channel_id, user_id=user_id
        )
        body = urlencode(form)
        sent = await self.post(body, "application/x-www-form-urlencoded", timestamp, secret)
        return Sent(sent.status, sent.body, sent.seconds, response_id)

    async def event(
        self, event: Mapping[str, Any], *, timestamp: int | None = None, secret: str | None = None
    ) -> Sent:
        """An Events API callback around `event`."""
        return await self.post(
            json.dumps(event_callback(event)), "application/json", timestamp, secret
        )

    async def get(self, url: str) -> tuple[int, str]:
        """A plain GET (health checks), unsigned."""
        assert self._session is not None, "use `async with SlackSender(...)`"
        async with self._session.get(url) as response:
            return response.status, await response.text()

    async def post(
        self,
        body: str,
        content_type: str,
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> Sent:
        """POST a body signed with `secret` (default: the right one) at `timestamp` (now)."""
        assert self._session is not None, "use `async with SlackSender(...)`"
        stamp = int(time.time()) if timestamp is None else timestamp
        headers = signature_headers(secret or self.signing_secret, body, stamp)
        headers["Content-Type"] = content_type
        start = time.perf_counter()
        async with self._session.post(self.bot_url, data=body.encode(), headers=headers) as resp:
            text = await resp.text()
        return Sent(resp.status, text, time.perf_counter() - start)
