"""What an HTTP-mode request must be before Bolt sees it: Slack's, fresh, UTF-8, and new.

Bolt verifies signatures itself, but a malformed unsigned request (a timestamp of
`abc`, a body that is not UTF-8, a charset Python does not know) made it raise, and
the server answered 500 with a traceback each time; at INFO, Bolt logged the whole
body of every request it refused, `response_url` (a credential) included. The gate
checks first, on the raw bytes, and refuses with 401 or 400 and no log of the body.
Refusals are counted, and logged at most once a minute, so a flood of them cannot
flood the log.

Replays: Slack signs `v0:<timestamp>:<body>`, so a captured request can be sent again
unchanged for the five minutes its timestamp stays fresh. Events carry an `event_id`
(de-duplicated by the listener), slash commands do not; a signature seen before is
therefore acknowledged and not dispatched, so a replayed command is not answered twice.
"""

from __future__ import annotations

import hmac
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from slack_sdk.signature import SignatureVerifier

logger = logging.getLogger(__name__)

FRESH_SECONDS = 300  # slack_sdk's window: a timestamp within ±5 minutes of now
REMEMBERED_MAX = 50_000  # signatures kept; ten minutes of far more than Slack ever sends
REFUSAL_LOG_EVERY = 60.0  # seconds between two log lines about refused requests


@dataclass(frozen=True)
class Verified:
    """A genuine, first-seen request, with its body as text."""

    text: str


@dataclass(frozen=True)
class Refused:
    """A request that is not Slack's, or not readable: its status and why (for the log)."""

    status: int
    reason: str


@dataclass(frozen=True)
class Replayed:
    """A genuine request seen before: acknowledged, never answered again."""


Verdict = Verified | Refused | Replayed


class RequestGate:
    """Verifies requests on their raw bytes and remembers the signatures it let through."""

    def __init__(self, signing_secret: str, *, clock: Callable[[], float] = time.time) -> None:
        self._secret = SignatureVerifier(signing_secret)
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()  # signature → when it goes stale
        self.refusals = RefusalLog(clock=clock)

    def check(self, headers: Mapping[str, str], body: bytes) -> Verdict:
        verdict = self._verdict(headers, body)
        if isinstance(verdict, Refused):
            self.refusals.note(verdict.reason)
        return verdict

    def _verdict(self, headers: Mapping[str, str], body: bytes) -> Verdict:
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        if not (timestamp.isascii() and timestamp.isdigit()) or not signature:
            return Refused(401, "unsigned")
        now = self._clock()
        if abs(now - int(timestamp)) > FRESH_SECONDS:
            return Refused(401, "stale timestamp")
        try:
            text = body.decode("utf-8")  # Slack sends UTF-8, whatever a header claims
        except UnicodeDecodeError:
            return Refused(400, "body not UTF-8")
        expected = self._secret.generate_signature(timestamp=timestamp, body=text)
        if expected is None or not hmac.compare_digest(expected, signature):
            return Refused(401, "bad signature")
        return Replayed() if self._seen_before(signature, now) else Verified(text)

    def _seen_before(self, signature: str, now: float) -> bool:
        while self._seen and next(iter(self._seen.values())) < now:
            self._seen.popitem(last=False)  # stale: its request would be refused anyway
        if signature in self._seen:
            return True
        self._seen[signature] = now + 2 * FRESH_SECONDS  # the window spans ±5 minutes
        if len(self._seen) > REMEMBERED_MAX:
            self._seen.popitem(last=False)
        return False


class RefusalLog:
    """One warning for the first refusal, then at most one a minute with the count."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._next_line = 0.0
        self._unlogged = 0
        self.total = 0

    def note(self, reason: str) -> None:
        self.total += 1
        self._unlogged += 1
        now = self._clock()
        if now < self._next_line:
            return
        logger.warning(
            "Slack: refused %d request(s) not verifiable as Slack's (latest: %s)",
            self._unlogged,
            reason,
        )
        self._unlogged = 0
        self._next_line = now + REFUSAL_LOG_EVERY
