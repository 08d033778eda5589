"""The `briefbot` command line: ingest, position, who, issues, quotes, actors, chat, digest,
sources, run, eval.

Every engine error is turned into one line on stderr and a non-zero exit here,
and nowhere else.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import getpass
import logging
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import (
    Settings,
    SourcesSettings,
    load_digest_settings,
    load_discord_settings,
    load_settings,
    load_slack_settings,
    load_sources_settings,
)
from bot.wiring import build_service
from briefs.errors import BriefsError, SkippedFile, UnknownActorError
from briefs.evaluation import ISSUE_TOPICS, EvalReport, load_gold, score
from briefs.models import Brief, BriefRequest
from briefs.quotes import DEFAULT_QUOTES, QuotesRequest
from briefs.render.issues import issues_to_json, issues_to_markdown, issues_to_text
from briefs.render.json import actors_to_json, brief_to_json, matrix_to_json
from briefs.render.markdown import brief_to_markdown, matrix_to_markdown
from briefs.render.quotes import quotes_to_json, quotes_to_markdown, quotes_to_text
from briefs.render.text import actors_to_text, brief_to_text, matrix_to_text
from briefs.service import BriefingService

if TYPE_CHECKING:
    from adapters.commands import Requester, SourcesCommand
    from adapters.replies import Reply

FORMATS = ("text", "markdown", "json")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `briefbot` console script."""
    parser = _parser()
    args = parser.parse_args(argv)
    settings = load_settings()
    try:
        code: int = args.handler(args, settings)
    except BriefsError as exc:
        print(f"briefbot: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (`briefbot position poland | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="briefbot", description="Who stands where: cited position briefs from news articles."
    )
    parser.add_argument(
        "--db", type=Path, help="SQLite file to use (default: BRIEFBOT_DB or the user data dir)"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="read article files or folders into the store")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument(
        "--workers",
        type=_workers,
        help="processes analysing the documents (default BRIEFBOT_INGEST_WORKERS or one per core)",
    )
    ingest.set_defaults(handler=_ingest)

    position = commands.add_parser("position", help="an actor's cited position brief")
    position.add_argument("actor")
    position.add_argument("--topic")
    position.add_argument("--since", type=_date)
    position.add_argument("--limit", type=int, default=8, help="points to show (default 8)")
    position.add_argument(
        "--quotes", type=int, default=20, help="newest quotes per point (default 20)"
    )
    position.add_argument("--format", choices=FORMATS, default="text")
    position.set_defaults(handler=_position)

    who = commands.add_parser("who", help="who supports, opposes or conditions a topic")
    who.add_argument("topic")
    who.add_argument("--since", type=_date)
    who.add_argument("--format", choices=FORMATS, default="text")
    who.set_defaults(handler=_who)

    issues = commands.add_parser("issues", help="the corpus's issues, most active first")
    issues.add_argument("--since", type=_date)
    issues.add_argument("--limit", type=int, default=20, help="issues to show (0: all)")
    issues.add_argument("--format", choices=FORMATS, default="text")
    issues.set_defaults(handler=_issues)

    quotes = commands.add_parser(
        "quotes", help="who said what: every statement of one speaker (or of everyone)"
    )
    quotes.add_argument("speaker", nargs="?", help="a person or body quoted (default: everyone)")
    quotes.add_argument("--about", help="only statements about this (issue or free text)")
    quotes.add_argument("--since", type=_date)
    quotes.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_QUOTES,
        help=f"statements to show (default {DEFAULT_QUOTES}; 0: all)",
    )
    quotes.add_argument("--format", choices=FORMATS, default="text")
    quotes.set_defaults(handler=_quotes)

    actors = commands.add_parser("actors", help="known actors with claim and document counts")
    actors.add_argument("--format", choices=("text", "json"), default="text")
    actors.set_defaults(handler=_actors)

    chat = commands.add_parser("chat", help="ask as in chat, in the terminal")
    chat.add_argument(
        "--format",
        choices=("text", "slack", "discord"),
        default="text",
        help="slack/discord print the exact payloads the chat adapters would send",
    )
    chat.add_argument("message", nargs="*", help="answer this one message and exit")
    chat.set_defaults(handler=_chat)

    digest = commands.add_parser(
        "digest",
        help="digest subscriptions: subscribe, list, unsubscribe, preview, status",
        description="The chat grammar, for the console destination (and every digest): "
        "digest subscribe [actors, ...] [on TOPIC] [at HH:MM] [tz Area/City] "
        "[weekdays|daily] [quiet|always]; digest list; digest unsubscribe ID; "
        "digest preview [ID]; digest status.",
    )
    digest.add_argument("words", nargs=argparse.REMAINDER, help="e.g. subscribe poland at 08:00")
    digest.set_defaults(handler=_digest)

    sources = commands.add_parser(
        "sources",
        help="live sources: add, list, remove, fetch",
        description="The chat grammar, as the operator: sources add URL [every INTERVAL] "
        "(15m, 2h, 1d; at least 5m); sources list; sources remove ID; sources fetch [ID].",
    )
    sources.add_argument("words", nargs=argparse.REMAINDER, help="e.g. add URL every 2h")
    sources.set_defaults(handler=_sources)

    run = commands.add_parser(
        "run", help="start the Slack and Discord bots whose tokens are set, and source polling"
    )
    run.set_defaults(handler=_run)

    sync = commands.add_parser("discord-sync", help="publish the slash commands to Discord")
    sync.add_argument(
        "--guild", type=int, help="one server's id (instant); default DISCORD_GUILD_ID"
    )
    sync.set_defaults(handler=_discord_sync)

    evaluate = commands.add_parser("eval", help="score the engine against a gold file")
    evaluate.add_argument("--gold", type=Path, required=True)
    evaluate.add_argument("articles", type=Path)
    evaluate.add_argument("--min-recall", type=float, default=0.0)
    evaluate.add_argument("--min-stance-accuracy", type=float, default=0.0)
    evaluate.add_argument("--min-exactness", type=float, default=0.0)
    evaluate.add_argument("--min-evidence-precision", type=float, default=0.0)
    evaluate.add_argument("--min-point-precision", type=float, default=0.0)
    evaluate.set_defaults(handler=_eval)
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-01-31") from None


def _service(args: argparse.Namespace, settings: Settings) -> BriefingService:
    return build_service(settings, args.db)


def _workers(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of workers from 1 to 64")
    return int(text)


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    if args.workers is not None:
        settings = settings.model_copy(update={"ingest_workers": args.workers})
    service = _service(args, settings)

    def report_skip(skipped: SkippedFile) -> None:
        print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)

    report = service.ingest(args.paths, max_bytes=settings.max_file_bytes, on_skip=report_skip)
    print(report.summary)
    return 1 if report.read_nothing else 0


def _position(args: argparse.Namespace, settings: Settings) -> int:
    request = BriefRequest(
        actor=args.actor,
        topic=args.topic,
        since=args.since,
        limit=args.limit,
        quotes_per_point=args.quotes,
    )
    brief = _service(args, settings).brief(request)
    render: dict[str, Callable[[Brief], str]] = {
        "text": brief_to_text,
        "markdown": brief_to_markdown,
        "json": brief_to_json,
    }
    print(render[args.format](brief))
    return 0


def _who(args: argparse.Namespace, settings: Settings) -> int:
    matrix = _service(args, settings).matrix(args.topic, since=args.since)
    render = {"text": matrix_to_text, "markdown": matrix_to_markdown, "json": matrix_to_json}
    print(render[args.format](matrix))
    return 0


def _issues(args: argparse.Namespace, settings: Settings) -> int:
    found = _service(args, settings).issues(since=args.since, limit=max(args.limit, 0))
    render = {"text": issues_to_text, "markdown": issues_to_markdown, "json": issues_to_json}
    print(render[args.format](found))
    return 0


def _quotes(args: argparse.Namespace, settings: Settings) -> int:
    request = QuotesRequest(
        speaker=args.speaker, about=args.about, since=args.since, limit=max(args.limit, 0)
    )
    found = _service(args, settings).quotes(request)
    render = {"text": quotes_to_text, "markdown": quotes_to_markdown, "json": quotes_to_json}
    print(render[args.format](found))
    return 0


def _actors(args: argparse.Namespace, settings: Settings) -> int:
    summaries = _service(args, settings).actors()
    print((actors_to_json if args.format == "json" else actors_to_text)(summaries))
    return 0


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    # imported here: the chat surfaces' rendering is not needed by the other commands
    from adapters.console import interactive_lines, respond, run_repl

    service = _service(args, settings)
    sources = _console_sources(service, load_sources_settings())
    if args.message:
        print(respond(service, " ".join(args.message), args.format, sources=sources))
        return 0
    lines = interactive_lines(sys.stdin, sys.stdout)
    run_repl(service, lines, print, args.format, sources=sources)
    return 0


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.commands import SourcesCommand, parse_command
    from adapters.replies import Notice, answer, to_text

    command = parse_command(" ".join(["sources", *args.words]))
    service = _service(args, settings)
    if isinstance(command, SourcesCommand):
        reply = _console_sources(service, load_sources_settings())(command)
    else:  # InvalidCommand: its one line
        reply = answer(service, command)
    failed = isinstance(reply, Notice) and reply.error
    print(to_text(reply), file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _console_sources(
    service: BriefingService, sources: SourcesSettings
) -> Callable[[SourcesCommand], Reply]:
    """Sources commands as the operator, each on an event loop (and fetcher) of its own."""
    from adapters.web.fetcher import Fetcher
    from bot.lock import new_owner
    from bot.polling import build_desk, build_poller, fetch_config

    requester = _console_requester()

    def clock() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    async def handle(command: SourcesCommand) -> Reply:
        async with Fetcher(fetch_config(sources), clock=clock) as fetcher:
            poller = build_poller(service, sources, clock=clock, owner=new_owner(), fetcher=fetcher)
            return await build_desk(poller, sources).answer(command, requester)

    return lambda command: asyncio.run(handle(command))


def _console_requester() -> Requester:
    """The console is the operator's: it manages every digest and every source."""
    from adapters.commands import Requester

    return Requester(
        platform="console",
        user_id=_user(),
        channel_id="console",
        can_manage_channel=True,
        timezone=os.environ.get("TZ"),
    )


def _digest(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.commands import parse_command
    from adapters.replies import Notice, answer, to_text

    command = parse_command(" ".join(["digest", *map(_grammar_word, args.words)]))
    # The console is the operator's: it manages every digest, and its own are printed
    # by `briefbot run`.
    reply = answer(_service(args, settings), command, _console_requester())
    failed = isinstance(reply, Notice) and reply.error
    print(to_text(reply), file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def _grammar_word(word: str) -> str:
    """A shell argument as the chat grammar reads it: "united kingdom" stays one name.

    An argument holding a comma is left bare, so `"poland, france"` is still two actors.
    """
    if any(char.isspace() for char in word) and not any(c in word for c in ',"“”'):
        return f'"{word}"'
    return word


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers)
        return "console"


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.lock import new_owner
    from bot.polling import SourceScheduler, SourcesSurface, build_desk, build_poller
    from bot.runner import (
        build_digest_runner,
        build_surfaces,
        digest_senders,
        run_surfaces,
        utc_now,
    )

    _configure_logging(settings)
    service = _service(args, settings)
    digest = load_digest_settings()
    sources = load_sources_settings()
    poller = build_poller(service, sources, clock=utc_now, owner=new_owner())
    desk = build_desk(poller, sources)
    surfaces = build_surfaces(
        service, load_slack_settings(), load_discord_settings(), _say, digest, sources=desk
    )
    if not surfaces and not poller.store.list():
        _say(
            "Nothing to run: set Slack or Discord credentials (see .env.example), "
            "or add a source with `briefbot sources add URL`."
        )
        return 1
    senders = digest_senders(surfaces, _say)
    sync_every = dt.timedelta(seconds=digest.sync_seconds)

    def companions() -> tuple[SourceScheduler]:
        return (SourceScheduler(poller, clock=utc_now, sync_every=sync_every),)

    # First in, last stopped: the fetcher outlives every poll and chat command.
    surfaces.insert(0, ("Sources", SourcesSurface(poller, contact_set=bool(sources.contact_url))))
    # Last in, first stopped: no digest is mid-send when the chat surfaces go away.
    runner = build_digest_runner(service, digest, senders, _say, companions=companions)
    surfaces.append(("Digests", runner))
    return asyncio.run(run_surfaces(surfaces, _say))


def _discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.discord.runner import sync_commands

    discord_settings = load_discord_settings()
    off = discord_settings.off_reason()
    if off is not None:
        print(f"briefbot: cannot sync Discord commands: {off}", file=sys.stderr)
        return 1
    guild = args.guild or discord_settings.guild_id
    names = asyncio.run(sync_commands(discord_settings, _service(args, settings), guild))
    where = f"server {guild}" if guild else "every server (global commands can take a while)"
    _say(f"Synced {len(names)} commands to {where}: " + ", ".join(f"/{n}" for n in names))
    return 0


def _say(line: str) -> None:
    print(line, flush=True)


def _configure_logging(settings: Settings) -> None:
    from adapters.redaction import install

    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    install()  # no token or response_url reaches the log, at any level


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    gold = load_gold(args.gold)
    with tempfile.TemporaryDirectory(prefix="briefbot-eval-") as scratch:
        service = build_service(settings, Path(scratch) / "eval.db")
        service.ingest([args.articles], max_bytes=settings.max_file_bytes)
        report = _score(service, gold, args.articles)
        service.store.close()
    print(_report_text(report))
    floors = (
        (report.recall, args.min_recall, "recall"),
        (report.stance_accuracy, args.min_stance_accuracy, "stance accuracy"),
        (report.exactness, args.min_exactness, "exactness"),
        (report.evidence_precision, args.min_evidence_precision, "evidence precision"),
        (report.point_precision, args.min_point_precision, "point precision"),
    )
    failed = [f"{name} {value:.3f} < {floor}" for value, floor, name in floors if value < floor]
    for line in failed:
        print(f"briefbot: below the floor: {line}", file=sys.stderr)
    return 1 if failed else 0


def _score(service: BriefingService, gold: list, articles: Path) -> EvalReport:  # type: ignore[type-arg]
    briefs: dict[str, Brief | None] = {}
    for name in {entry.actor for entry in gold}:
        try:
            briefs[name] = service.brief(BriefRequest(actor=name))
        except UnknownActorError:
            briefs[name] = None
    files = {
        p.name: p.read_text("utf-8") for p in articles.rglob("*") if p.suffix in (".txt", ".md")
    }
    propositions = {
        issue: topic.proposition
        for issue, topic_id in ISSUE_TOPICS.items()
        for topic in service.topics.topics
        if topic.id == topic_id
    }
    return score(gold, briefs, files, propositions)


def _report_text(report: EvalReport) -> str:
    lines = [
        f"recall: {report.recall:.3f} ({report.found}/{report.entries})",
        f"stance accuracy: {report.stance_accuracy:.3f} ({report.stance_correct}/{report.found})",
        f"exactness: {report.exactness:.3f} ({report.verbatim}/{report.quotes})",
        f"evidence precision: {report.evidence_precision:.3f}"
        f" ({report.gold_quotes}/{report.quotes})",
        f"point precision: {report.point_precision:.3f} ({report.gold_points}/{report.points})",
        f"misses ({len(report.misses)}):",
    ]
    lines += [
        f"  - {m.actor} / {m.issue} / {m.stance}: {m.reason}: {m.quote}" for m in report.misses
    ]
    if report.wrong_stances:
        lines.append(f"wrong stances ({len(report.wrong_stances)}):")
        lines += [
            f"  - {m.actor} / {m.issue} / {m.stance}: {m.reason}: {m.quote}"
            for m in report.wrong_stances
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
