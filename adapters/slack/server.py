"""The HTTP-mode web server, guarded against slow and numerous clients.

aiohttp on its own waits as long as a client likes for a request's headers and body
(older versions forever), and accepts connections until the process runs out of file
descriptors: 1,100 idle half-open requests made `/healthz` and signed commands time
out. `GuardedServer` is aiohttp's low-level server with two limits of its own:

- a **read deadline**: a connection has `read_timeout` seconds, from connecting (or
  from its previous answer), to deliver a whole request, headers and body; else it is
  closed (a body that is late gets a 408);
- a **connection cap**: past `max_connections`, the connection that has waited longest
  without delivering a request is closed to make room, so new requests (Slack's, a
  health check's) still get in while a flood of slow ones is shed. One that is being
  answered is never closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.web_protocol import RequestHandler

# The request's body, read within the deadline, is handed to the handler with it.
BodyHandler = Callable[[web.BaseRequest, bytes], Awaitable[web.StreamResponse]]


class GuardedServer(web.Server):
    """aiohttp's `web.Server` with a per-request read deadline and a connection cap."""

    def __init__(
        self, handler: BodyHandler, *, max_connections: int, read_timeout: float, **kwargs: Any
    ) -> None:
        if max_connections < 1 or read_timeout <= 0:
            raise ValueError("a guarded server needs a positive cap and deadline")
        # aiohttp's own idle timeout, between requests, matches ours.
        super().__init__(self._read_then_handle, keepalive_timeout=read_timeout, **kwargs)
        self._handle = handler
        self.max_connections = max_connections
        self.read_timeout = read_timeout
        self._open: set[RequestHandler] = set()
        # Connections still owing a request (headers or body), in the order they began
        # waiting; those owing headers have a deadline here (a body's is its wait_for).
        self._waiting: dict[RequestHandler, None] = {}
        self._reading: dict[RequestHandler, asyncio.TimerHandle] = {}
        self.shed = 0  # connections closed for being slow or to make room

    def connection_made(self, handler: RequestHandler, transport: asyncio.Transport) -> None:
        super().connection_made(handler, transport)
        self._open.add(handler)
        self._await_request(handler)
        if len(self._open) > self.max_connections:
            self._make_room(handler)

    def connection_lost(self, handler: RequestHandler, exc: BaseException | None = None) -> None:
        self._open.discard(handler)
        self._stop_waiting(handler)
        self._waiting.pop(handler, None)
        super().connection_lost(handler, exc)

    async def _read_then_handle(self, request: web.BaseRequest) -> web.StreamResponse:
        protocol = request.protocol
        self._stop_waiting(protocol)  # the headers are in; the body has what is left
        try:
            body = await asyncio.wait_for(request.read(), self.read_timeout)
        except TimeoutError:
            self.shed += 1
            return web.Response(status=408, text="request body too slow", headers=_CLOSE)
        except Exception:
            if protocol in self._open:
                raise
            return web.Response(status=408, headers=_CLOSE)  # dropped to make room: gone
        finally:
            self._waiting.pop(protocol, None)
        try:
            return await self._handle(request, body)
        finally:
            if protocol in self._open:
                self._await_request(protocol)  # a kept-alive connection owes the next one

    def _await_request(self, handler: RequestHandler) -> None:
        self._stop_waiting(handler)
        self._waiting.pop(handler, None)
        self._waiting[handler] = None  # to the back of the queue
        loop = asyncio.get_running_loop()
        self._reading[handler] = loop.call_later(self.read_timeout, self._drop, handler)

    def _stop_waiting(self, handler: RequestHandler) -> None:
        timer = self._reading.pop(handler, None)
        if timer is not None:
            timer.cancel()

    def _make_room(self, newcomer: RequestHandler) -> None:
        # Dicts keep insertion order: the first entry has waited longest.
        oldest = next((h for h in self._waiting if h is not newcomer), None)
        if oldest is not None:
            self._drop(oldest)
        else:  # every other connection is being answered: the newcomer waits its turn
            asyncio.get_running_loop().call_soon(self._drop, newcomer)

    def _drop(self, handler: RequestHandler) -> None:
        self._stop_waiting(handler)
        self._waiting.pop(handler, None)
        self._open.discard(handler)
        self.shed += 1
        handler.force_close()


_CLOSE = {"Connection": "close"}


async def serve(
    server: GuardedServer, host: str, port: int
) -> tuple[web.ServerRunner, tuple[str, int]]:
    """Listen on host:port; returns the runner (to stop it) and the address bound."""
    runner = web.ServerRunner(server, handle_signals=False, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_host, bound_port = runner.addresses[0][:2]
    return runner, (str(bound_host), int(bound_port))
