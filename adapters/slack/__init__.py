"""Slack: slash commands, direct messages and mentions, on slack-bolt (async).

`build_slack_app(service, settings, admins)` registers the listeners on an AsyncApp,
and `SlackRunner(app, settings)` runs it (`await start()`, `await stop()`): Socket
Mode when an app token is set, else an HTTP endpoint. `runner.digest_sender()` is
what posts digests (`SlackDigestSender`).
"""

from adapters.slack.app import SlackConfig, build_slack_app
from adapters.slack.digests import SlackDigestSender
from adapters.slack.posting import SlackPoster, retry_handlers
from adapters.slack.requesters import DigestAdmins
from adapters.slack.runner import SlackRunner

__all__ = [
    "DigestAdmins",
    "SlackConfig",
    "SlackDigestSender",
    "SlackPoster",
    "SlackRunner",
    "build_slack_app",
    "retry_handlers",
]
