"""One command grammar for every surface: slash commands, direct messages, the console.

    position <actor> [on <topic>]      an actor's cited brief
    who <topic>                        the stance matrix on a topic
    quotes [<speaker>] [about <text>]  who said what, verbatim, newest first
    actors                             the known actors
    help                               what the bot understands
    digest subscribe [actors...] [on <topic>] [at HH:MM] [tz <Area/City>]
                     [weekdays|daily] [quiet|always]
    digest list | unsubscribe <id> | preview [<id>] | status
    sources add <url> [every <interval>]   a feed or an article page to read, e.g. every 2h
    sources list | remove <id> | fetch [<id>]

Several digest actors are separated by commas, or quoted:
`digest subscribe poland, united kingdom on troops at 08:00 tz Europe/Warsaw weekdays`.
A digest option the grammar cannot read (a bad time, an unknown zone), a source URL
that is no web address or an interval it cannot read (`every 3x`, or under 5m) is an
`InvalidCommand`: one line saying what was expected, not the whole help text. Links
arrive as Slack writes them (`<https://example.com/feed|example.com/feed>`, `&amp;`)
and are read back to the URL typed.

Direct messages also take plain questions ("what is Poland's position on troops?",
"where does France stand?", "who opposes sending troops?", "what did Tusk say about
troops?"). Anything else gets the
help text with a reason, never silence.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Literal, NamedTuple
from urllib.parse import urlsplit

from pydantic import ValidationError
from rapidfuzz import fuzz, process, utils

from briefs.models import BriefRequest, Frozen
from briefs.quotes import QuotesRequest
from briefs.sources.models import BadInterval, interval_text, parse_interval
from briefs.subscriptions import DEFAULT_AT, Days, Platform, known_zones

COMMAND_NAMES = ("position", "who", "quotes", "actors", "help", "digest", "sources")


class PositionCommand(Frozen):
    """Show an actor's brief."""

    kind: Literal["position"] = "position"
    request: BriefRequest


class WhoCommand(Frozen):
    """Show who supports, opposes or conditions a topic."""

    kind: Literal["who"] = "who"
    topic: str


class QuotesCommand(Frozen):
    """Show what a speaker (or everyone) said, optionally about something."""

    kind: Literal["quotes"] = "quotes"
    request: QuotesRequest


class ActorsCommand(Frozen):
    """List the known actors."""

    kind: Literal["actors"] = "actors"


class HelpCommand(Frozen):
    """Show the help text, with the reason when the input was not understood."""

    kind: Literal["help"] = "help"
    reason: str | None = None


class InvalidCommand(Frozen):
    """Input in a known form with a bad part: answered with one line saying what was expected."""

    kind: Literal["invalid"] = "invalid"
    reason: str


class DigestSubscribeCommand(Frozen):
    """Subscribe the place the command came from (a channel or a DM) to a digest."""

    kind: Literal["digest-subscribe"] = "digest-subscribe"
    actors: tuple[str, ...] = ()  # none: every country and organisation
    topic: str | None = None
    at: dt.time = DEFAULT_AT
    tz: str | None = None  # None: the requester's zone when the platform knows it, else UTC
    days: Days = "daily"
    quiet: bool = True


class DigestListCommand(Frozen):
    """List the digests of the place the command came from."""

    kind: Literal["digest-list"] = "digest-list"


class DigestUnsubscribeCommand(Frozen):
    """Stop a digest, by the number `digest list` shows."""

    kind: Literal["digest-unsubscribe"] = "digest-unsubscribe"
    subscription_id: int


class DigestPreviewCommand(Frozen):
    """What the next digest would say, shown only to the person asking."""

    kind: Literal["digest-preview"] = "digest-preview"
    subscription_id: int | None = None


class DigestStatusCommand(Frozen):
    """The latest digest runs and how they went."""

    kind: Literal["digest-status"] = "digest-status"


class DigestHelpCommand(Frozen):
    """The digest commands, briefly."""

    kind: Literal["digest-help"] = "digest-help"


DigestCommand = (
    DigestSubscribeCommand
    | DigestListCommand
    | DigestUnsubscribeCommand
    | DigestPreviewCommand
    | DigestStatusCommand
    | DigestHelpCommand
)


class SourcesAddCommand(Frozen):
    """Add a feed or an article page to poll."""

    kind: Literal["sources-add"] = "sources-add"
    url: str
    interval_s: int | None = None  # None: the default interval (SOURCES_DEFAULT_INTERVAL)


class SourcesListCommand(Frozen):
    """The sources, with their health, last error and next poll."""

    kind: Literal["sources-list"] = "sources-list"


class SourcesRemoveCommand(Frozen):
    """Stop polling a source (what it brought stays), by the number `sources list` shows."""

    kind: Literal["sources-remove"] = "sources-remove"
    source_id: int


class SourcesFetchCommand(Frozen):
    """Poll one source now, or every source."""

    kind: Literal["sources-fetch"] = "sources-fetch"
    source_id: int | None = None


class SourcesHelpCommand(Frozen):
    """The sources commands, briefly."""

    kind: Literal["sources-help"] = "sources-help"


# Changing what briefbot reads needs chat-admin rights; listing does not.
SourcesAdminCommand = SourcesAddCommand | SourcesRemoveCommand | SourcesFetchCommand
SourcesCommand = SourcesAdminCommand | SourcesListCommand | SourcesHelpCommand
# What answers a question about positions, what manages digests, what manages sources.
QueryCommand = (
    PositionCommand | WhoCommand | QuotesCommand | ActorsCommand | HelpCommand | InvalidCommand
)
Command = QueryCommand | DigestCommand | SourcesCommand


def needs_requester(command: Command) -> bool:
    """Commands that act for someone, somewhere: digest commands other than `digest help`,
    and the sources commands that change what briefbot reads."""
    if isinstance(command, SourcesAdminCommand):
        return True
    return isinstance(command, DigestCommand) and not isinstance(command, DigestHelpCommand)


class Requester(Frozen):
    """Who sent a command, and from where; the adapter fills it in from the platform event.

    `can_manage_channel` is the adapter's verdict (Discord: Manage Channels; Slack: a
    workspace admin or owner, or a user on DIGEST_SLACK_ADMINS); subscribing
    or unsubscribing a channel needs it, a DM digest does not. For the sources
    commands that change what briefbot reads (add, remove, fetch) it is the chat-admin
    verdict without the DM shortcut: sources are the whole bot's, not a DM's, so the
    adapters fill it from the platform's rights alone. `timezone` is the user's IANA
    zone when the platform knows it (Slack's users.info `tz`).
    """

    platform: Platform
    user_id: str
    channel_id: str
    is_dm: bool = False
    can_manage_channel: bool = False
    timezone: str | None = None


HELP_TEXT = """\
I answer with cited briefs: every point quotes the articles verbatim.
• position <actor> [on <topic>]: what an actor's position is, e.g. position poland on troops
• who <topic>: who supports, opposes or conditions it, e.g. who troops
• quotes [<speaker>] [about <text>]: who said what, word for word, e.g. quotes tusk about troops
• actors: the actors I know, with how often they are cited
• help: this text
• digest subscribe|list|unsubscribe|preview|status: a daily digest of what changed, \
e.g. digest subscribe poland on troops at 08:00 tz Europe/Warsaw (`digest help` for more)
• sources list|add|remove|fetch: the feeds and pages I read, e.g. sources add \
https://example.com/feed.xml every 2h (`sources help` for more)
In a direct message you can also just ask, e.g. "what is Poland's position on troops?",
"where does France stand?" or "what did Tusk say about troops?\""""

DIGEST_SUBSCRIBE_USAGE = (
    "digest subscribe [actors, ...] [on <topic>] [at HH:MM] [tz <Area/City>] "
    "[weekdays|daily] [quiet|always]"
)
DIGEST_HELP_TEXT = f"""\
Digests post what changed in the actors' positions, once a day at your time.
• {DIGEST_SUBSCRIBE_USAGE}
  e.g. digest subscribe poland, "united kingdom" on troops at 08:00 tz Europe/Warsaw weekdays
  Defaults: every country and organisation, any topic, 08:00, your time zone or UTC, daily, \
quiet (nothing on days without news; `always` posts a one-line "no change" note).
  In a channel you need to be able to manage it; in a DM the digest is yours.
• digest list: the digests here, with their numbers
• digest unsubscribe <number>: stop one
• digest preview [<number>]: what the next digest would say, shown only to you
• digest status: the latest digests and how they went"""

SOURCES_ADD_USAGE = "sources add <url> [every <interval>]"
SOURCES_HELP_TEXT = f"""\
Sources are the feeds (RSS or Atom) and article pages I read by myself, politely and on \
a schedule; what they bring reaches briefs and digests.
• {SOURCES_ADD_USAGE}: e.g. sources add https://example.com/feed.xml every 2h \
(intervals like 15m, 2h or 1d; at least 5m)
• sources list: every source, its health, its last error and its next poll
• sources remove <number>: stop reading one (what it brought stays)
• sources fetch [<number>]: read one source now, or all of them
Adding, removing and fetching need chat-admin rights; anyone may list."""

_ABOUT = re.compile(
    r"^(?P<speaker>.*?)\s*(?:(?<![^\s])(?:about|on|regarding)\s+(?P<about>.+))?$", re.I | re.S
)
_ON_TOPIC = re.compile(r"^(?P<actor>.+?)(?:\s+(?:on|about|regarding|over)\s+(?P<topic>.+))?$", re.I)
_QUESTIONS = (
    # what is Poland's position on troops / what's the UK's stance about guarantees
    re.compile(
        r"^what(?:'s|’s| is| are)\s+(?:the\s+)?(?P<actor>.+?)(?:'s|’s|')\s+"
        r"(?:position|stance|view|line|take)s?(?:\s+(?:on|about|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
    # where does France stand (on troops)
    re.compile(
        r"^where\s+(?:does|do|did)\s+(?:the\s+)?(?P<actor>.+?)\s+stand"
        r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
    # what did Tusk say about troops / what has the mayor said on the budget: quotes
    re.compile(
        r"^what\s+(?:did|has|have)\s+(?P<speaker>.+?)\s+(?:say|said)"
        r"(?:\s+(?:on|about|regarding)\s+(?P<about>.+))?$",
        re.I,
    ),
    # what does Poland think/say about troops
    re.compile(
        r"^what\s+(?:does|do|did)\s+(?:the\s+)?(?P<actor>.+?)\s+(?:think|say|said)"
        r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
    # position of Poland (on troops)
    re.compile(
        r"^(?:the\s+)?(?:position|stance)\s+of\s+(?:the\s+)?(?P<actor>.+?)"
        r"(?:\s+(?:on|about|regarding)\s+(?P<topic>.+))?$",
        re.I,
    ),
)
# Slack writes a link as <url> or <url|label>; its text keeps the URL.
_SLACK_LINK = re.compile(r"<(?P<url>https?://[^|>\s]+)(?:\|[^>]*)?>", re.I)
_WHO_QUESTION = re.compile(
    r"^who\s+(?:supports|opposes|backs|rejects|is\s+(?:for|against)|stands\s+where\s+on"
    r"|conditions|wants|is\s+open\s+to)\s+(?P<topic>.+)$",
    re.I,
)


def parse_command(text: str, *, command: str | None = None) -> Command:
    """Parse what a user typed.

    `command` is a slash command's name ("/position"), with `text` its arguments;
    without it, `text` is a whole message ("position poland on troops", or a question).
    """
    if command is not None:
        text = f"{command.lstrip('/')} {text}"
    words = _clean(text)
    if not words:
        return HelpCommand()
    who = _WHO_QUESTION.match(words)
    if who:
        return WhoCommand(topic=who.group("topic"))
    verb, _, rest = words.partition(" ")
    verb = verb.lower()
    if verb == "digest":
        return parse_digest(rest.strip())
    if verb in ("sources", "source"):
        return parse_sources(rest.strip())
    if verb in COMMAND_NAMES:
        return _keyword(verb, rest.strip())
    return _question(words)


def _keyword(verb: str, rest: str) -> Command:
    if verb == "help":
        return HelpCommand()
    if verb == "actors":
        return ActorsCommand()
    if verb == "quotes":
        about = _ABOUT.match(rest)
        assert about is not None  # the pattern matches any text, the empty one too
        return quotes_command(about.group("speaker"), about.group("about"))
    if not rest:
        example = "position poland" if verb == "position" else "who troops"
        return HelpCommand(reason=f"`{verb}` needs something to look up, e.g. `{example}`.")
    if verb == "who":
        return WhoCommand(topic=rest)
    match = _ON_TOPIC.match(rest)
    assert match is not None  # the pattern matches any non-empty text
    return _position(match.group("actor"), match.group("topic"))


def _question(text: str) -> Command:
    for pattern in _QUESTIONS:
        match = pattern.match(text)
        if match and "speaker" in pattern.groupindex:
            return quotes_command(match.group("speaker"), match.group("about"))
        if match:
            return _position(match.group("actor"), match.group("topic"))
    return HelpCommand(reason="I did not understand that.")


def quotes_command(speaker: str | None, about: str | None) -> QuotesCommand:
    """`quotes` for a speaker as typed ("the mayor", "Tusk's") and a subject, both optional."""
    name = (speaker or "").strip(" \"'“”?")
    name = re.sub(r"^(?:the\s+)?(.+?)(?:'s|’s)?$", r"\1", name, flags=re.I) if name else ""
    subject = (about or "").strip(" \"'“”?") or None
    return QuotesCommand(request=QuotesRequest(speaker=name or None, about=subject))


def _position(actor: str, topic: str | None) -> Command:
    actor = re.sub(r"^(?:of|for)\s+(?:the\s+)?", "", actor.strip(" \"'“”"), flags=re.I)
    try:
        request = BriefRequest(actor=actor, topic=topic.strip() if topic else None)
    except ValidationError:
        return HelpCommand(reason="That does not look like an actor's name.")
    return PositionCommand(request=request)


def _clean(text: str) -> str:
    """One line, no mention markup, no trailing question mark, links as typed."""
    text = re.sub(r"<@[A-Z0-9]+(?:\|[^>]*)?>", " ", text)  # Slack: <@U123>
    text = re.sub(r"<@!?\d+>", " ", text)  # Discord: <@123>, <@!123>
    text = _SLACK_LINK.sub(lambda m: m.group("url"), text)  # Slack: <https://x|x>
    return " ".join(text.split()).rstrip("?!. ").strip()


# --- digests ---------------------------------------------------------------------------

_DIGEST_VERBS = ("subscribe", "list", "unsubscribe", "preview", "status", "help")
_TIME = re.compile(r"^(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)$")
_SUBSCRIPTION_ID = re.compile(r"^#?(?P<id>\d{1,9})$")
# A quoted name ("…", “…”, '…', ‘…’), a comma, or a run of other characters. A quote
# inside a word ("Côte d'Ivoire") is part of the word: only a leading one opens a name.
_TOKEN = re.compile(
    r'"(?P<q1>[^"]*)"?|“(?P<q2>[^”]*)”?|\'(?P<q3>[^\']*)\'?|‘(?P<q4>[^’]*)’?'
    r'|(?P<comma>,)|(?P<word>[^\s,"“”]+)'
)
_TOPIC_WORDS = frozenset({"on", "about"})
_TIME_WORDS = frozenset({"at"})
_ZONE_WORDS = frozenset({"tz", "timezone"})
_DAYS_WORDS = {"daily": "daily", "everyday": "daily", "weekdays": "weekdays", "weekday": "weekdays"}
_QUIET_WORDS = {"quiet": True, "always": False}
# Words that end a topic: an option keyword. "on" may sit inside a topic ("troops on the ground").
_OPTION_WORDS = _TIME_WORDS | _ZONE_WORDS | set(_DAYS_WORDS) | set(_QUIET_WORDS)
_ALL_ACTORS = frozenset({"all", "everyone", "everybody", "all actors"})


class _Token(NamedTuple):
    text: str
    quoted: bool = False

    def keyword(self) -> str | None:
        """The lower-cased word when it could be a grammar keyword; quoted text never is."""
        return None if self.quoted else self.text.lower()


class _BadDigest(ValueError):
    """A part of a digest command the grammar cannot accept; str() is the user's line."""


def parse_digest(rest: str) -> Command:
    """`digest <verb> ...`, after the word `digest`."""
    verb, _, arguments = rest.partition(" ")
    verb = verb.lower()
    arguments = arguments.strip()
    try:
        if verb in ("", "help"):
            return DigestHelpCommand()
        if verb == "subscribe":
            return _subscribe(arguments)
        if verb in ("list", "status"):
            return DigestListCommand() if verb == "list" else DigestStatusCommand()
        if verb == "unsubscribe":
            return DigestUnsubscribeCommand(subscription_id=_subscription_id(arguments, verb))
        if verb == "preview":
            number = _subscription_id(arguments, verb) if arguments else None
            return DigestPreviewCommand(subscription_id=number)
    except _BadDigest as exc:
        return InvalidCommand(reason=str(exc))
    return InvalidCommand(
        reason=f"There is no `digest {verb}`; try one of: {', '.join(_DIGEST_VERBS)}."
    )


def _subscription_id(text: str, verb: str) -> int:
    match = _SUBSCRIPTION_ID.match(text.strip())
    if match is None:
        raise _BadDigest(
            f"`digest {verb}` takes a subscription number from `digest list`, "
            f"e.g. `digest {verb} 3`."
        )
    return int(match.group("id"))


def _subscribe(arguments: str) -> DigestSubscribeCommand:
    """Walk the tokens: keywords take their values; other words make up actor names,
    which a comma ends and a quote encloses. Options may come in any order."""
    tokens = _tokens(arguments)
    options: dict[str, object] = {}
    actors: list[list[str]] = [[]]
    index = 0
    while index < len(tokens):
        token = tokens[index]
        word = token.keyword()
        if word in _TOPIC_WORDS:
            topic, index = _topic(tokens, index + 1, word)
            _set_once(options, "topic", topic, word)
            continue
        if word in _TIME_WORDS or word in _ZONE_WORDS:
            value = tokens[index + 1].text if index + 1 < len(tokens) else ""
            if word in _TIME_WORDS:
                _set_once(options, "at", parse_time(value), "at")
            else:
                _set_once(options, "tz", parse_zone(value), "tz")
            index += 2
            continue
        if word in _DAYS_WORDS:
            _set_once(options, "days", _DAYS_WORDS[word], "weekdays|daily")
        elif word in _QUIET_WORDS:
            _set_once(options, "quiet", _QUIET_WORDS[word], "quiet|always")
        elif token.text == "," and not token.quoted:
            actors.append([])
        elif token.quoted:
            actors.append([token.text])  # a quoted name stands alone
            actors.append([])
        else:
            actors[-1].append(token.text)
        index += 1
    return DigestSubscribeCommand(actors=_actor_names(actors), **options)


def _topic(tokens: list[_Token], start: int, word: str) -> tuple[str, int]:
    """The words after `on` up to the next option keyword."""
    end = start
    while end < len(tokens) and tokens[end].keyword() not in _OPTION_WORDS:
        end += 1
    topic = " ".join(t.text for t in tokens[start:end] if t.text != ",").strip()
    if not topic:
        raise _BadDigest(
            f"`{word}` needs a topic after it, e.g. `digest subscribe poland on troops`."
        )
    return topic, end


def _set_once(options: dict[str, object], key: str, value: object, name: str) -> None:
    if key in options:
        raise _BadDigest(f"`{name}` is given twice; say it once. Usage: {DIGEST_SUBSCRIBE_USAGE}")
    options[key] = value


def _actor_names(groups: list[list[str]]) -> tuple[str, ...]:
    names = [" ".join(words).strip(" \"'“”‘’") for words in groups]
    names = [name for name in names if name]
    if len(names) == 1 and names[0].lower() in _ALL_ACTORS:
        return ()
    return tuple(dict.fromkeys(names))  # once each, in the order given


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        quoted = next(
            (match.group(g) for g in ("q1", "q2", "q3", "q4") if match.group(g) is not None), None
        )
        if quoted is not None:
            if quoted.strip():
                tokens.append(_Token(" ".join(quoted.split()), quoted=True))
        elif match.group("comma"):
            tokens.append(_Token(","))
        else:
            tokens.append(_Token(match.group("word")))
    return tokens


def parse_time(text: str) -> dt.time:
    """`08:00` or `8:00`, 24-hour; anything else raises ValueError with the expected format."""
    match = _TIME.match(text)
    if match is None:
        shown = f"`{text}` is not" if text else "`at` needs"
        raise _BadDigest(f"{shown} a time of day like `at 08:00` (24-hour HH:MM, 00:00 to 23:59).")
    return dt.time(int(match.group("hour")), int(match.group("minute")))


def parse_zone(text: str) -> str:
    """An IANA zone name (any letter case); an unknown one raises ValueError, "did you mean"."""
    zones = _zones_by_folded_name()
    if not text:
        raise _BadDigest("`tz` needs a time zone like `tz Europe/Warsaw` (an IANA Area/City name).")
    known = zones.get(text.casefold())
    if known is not None:
        return known
    hint = ", ".join(suggest_zones(text))
    did_you_mean = f" Did you mean {hint}?" if hint else ""
    raise _BadDigest(
        f"Unknown time zone `{text}`.{did_you_mean} Zones are IANA Area/City names, "
        "e.g. `tz Europe/Warsaw`."
    )


def suggest_zones(text: str, *, limit: int = 3) -> list[str]:
    """The zone names nearest `text`: the best match and any almost as good."""
    found = process.extract(
        text,
        sorted(_zones_by_folded_name().values()),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=75,
    )
    if not found:
        return []
    best = found[0][1]
    # WRatio scores many unrelated zones ~85 on a shared "Europe/"; only near-ties help.
    return [name for name, score, _ in found if score >= best - 5]


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.casefold(): zone for zone in known_zones()}


# --- sources --------------------------------------------------------------------------

_SOURCES_VERBS = ("add", "list", "remove", "fetch", "help")
_SOURCE_ID = re.compile(r"^#?(?P<id>\d{1,9})$")
_VERB_ALIASES = {"delete": "remove", "rm": "remove", "poll": "fetch", "refresh": "fetch"}
# Slack sends &, < and > as entities in message text.
_SLACK_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


class _BadSource(ValueError):
    """A part of a sources command the grammar cannot accept; str() is the user's line."""


def parse_sources(rest: str) -> Command:
    """`sources <verb> ...`, after the word `sources`."""
    verb, _, arguments = rest.partition(" ")
    verb = _VERB_ALIASES.get(verb.lower(), verb.lower())
    arguments = arguments.strip()
    try:
        if verb in ("", "help"):
            return SourcesHelpCommand()
        if verb == "add":
            return _source_add(arguments)
        if verb == "list":
            if arguments:
                raise _BadSource("`sources list` takes nothing after it.")
            return SourcesListCommand()
        if verb == "remove":
            return SourcesRemoveCommand(source_id=_source_id(arguments, verb))
        if verb == "fetch":
            return SourcesFetchCommand(source_id=_source_id(arguments, verb) if arguments else None)
    except (_BadSource, BadInterval) as exc:
        return InvalidCommand(reason=str(exc))
    return InvalidCommand(
        reason=f"There is no `sources {verb}`; try one of: {', '.join(_SOURCES_VERBS)}."
    )


def _source_id(text: str, verb: str) -> int:
    match = _SOURCE_ID.match(text.strip())
    if match is None:
        raise _BadSource(
            f"`sources {verb}` takes a source number from `sources list`, e.g. `sources {verb} 3`."
        )
    return int(match.group("id"))


def _source_add(arguments: str) -> SourcesAddCommand:
    words = arguments.split()
    if not words:
        raise _BadSource(
            f"`sources add` needs a URL: {SOURCES_ADD_USAGE}, "
            "e.g. `sources add https://example.com/feed.xml every 2h`."
        )
    url = parse_source_url(words[0])
    rest = words[1:]
    if not rest:
        return SourcesAddCommand(url=url)
    if rest[0].lower() != "every":
        raise _BadSource(
            f"After the URL only `every <interval>` may follow, e.g. "
            f"`sources add {url} every 2h`; the URL cannot hold spaces."
        )
    return SourcesAddCommand(url=url, interval_s=parse_interval(" ".join(rest[1:])))


def parse_source_url(text: str) -> str:
    """An http(s) URL as typed (Slack's link markup and entities undone), or _BadSource
    with a suggestion: `example.com/feed` gets "did you mean `https://example.com/feed`?"."""
    url = text.strip().strip("<>\"'“”‘’")
    for entity, char in _SLACK_ENTITIES:
        url = url.replace(entity, char)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise _BadSource(
            f"`{text}` is not a valid URL; give a feed or page address like "
            "`https://example.com/feed.xml`."
        ) from None
    if parts.scheme.lower() in ("http", "https") and host:
        return url
    if not parts.scheme or "." in parts.scheme or (parts.scheme and not parts.netloc):
        guess = urlsplit(f"https://{url.lstrip('/')}")
        if guess.hostname and "." in guess.hostname:
            raise _BadSource(f"`{text}` has no scheme; did you mean `https://{url.lstrip('/')}`?")
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        raise _BadSource(
            f"`{text}` is not a web address: sources are http or https feeds and pages, "
            "e.g. `https://example.com/feed.xml`."
        )
    raise _BadSource(
        f"`{text}` has no host name; give a feed or page address like "
        "`https://example.com/feed.xml`."
    )


def source_interval_text(interval_s: int) -> str:
    """An interval as `sources list` and the answers write it (`every 2h`)."""
    return f"every {interval_text(interval_s)}"
