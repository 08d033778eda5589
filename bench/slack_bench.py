"""Benchmark the Slack surface: 100 concurrent slash commands against a 10,000-document store.

Not a test: run it by hand from the project root.

    .venv/bin/python bench/slack_bench.py [--db PATH] [--documents 10000] [--commands 100]
                                          [--corpus PATH]

What happens (everything on 127.0.0.1, nothing leaves the machine):

1. The store: `--db PATH` is reused when it already holds `--documents` documents;
   otherwise the corpus is ingested and its documents cloned (`Store.clone_document`,
   as bench/bench.py does) until it does. Without --db the store lives in a temporary
   folder that is deleted at the end.
2. The fake Slack (tests/emulators/slack.py) and the real Bolt app in HTTP mode
   (`build_slack_app` + `SlackRunner`, port 0) start in this process, on one event loop.
3. `--commands` signed `/position` commands (cycling over several actors, one with a
   topic and one unknown) are POSTed to the app at once. Each one's ack time is the
   HTTP round trip of its POST (`time.perf_counter`); Slack's limit is 3 s.
4. Delivery: the time from the first POST until every reply's messages have reached
   the fake's response_url, and how many did. The expected number of messages per
   reply is computed afterwards through the same `answer` + `to_slack`.
5. Steps 2-4 run --runs times (3 by default); the medians are printed against the
   budget: ack p99 < 1 s, every message within 3 s, peak RSS <= 500 MB. The sender and
   the fake share the app's process and event loop, so the figures are pessimistic.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr

# bench/ is on sys.path when this file runs, so bench.py's helpers import as `bench`;
# the emulator lives with the tests.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from emulators.slack import BOT_TOKEN, SIGNING_SECRET, FakeSlack, Sent, SlackSender

from adapters.commands import parse_command
from adapters.replies import answer, to_slack
from adapters.slack import SlackRunner, build_slack_app
from bench import DEFAULT_CORPUS, grow, load_average, peak_rss_mb, percentile, source_ids
from bot.settings import SlackSettings, load_settings
from bot.wiring import build_service
from briefs.service import BriefingService

ACK_LIMIT = 3.0
# issue 12's budget for 100 commands on a 10,000-document store
ACK_BUDGET = 1.0
REPLY_BUDGET = 3.0
RSS_BUDGET_MB = 500
COMMAND_TEXTS = (
    "poland",
    "united kingdom",
    "france",
    "russia",
    "canada",
    "poland on troops",
    "germany",
    "narnia",  # unknown: a one-line notice
)
DELIVERY_TIMEOUT = 600.0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="SQLite store to reuse (built if too small)")
    parser.add_argument("--documents", type=int, default=10_000, help="store size to query")
    parser.add_argument("--commands", type=int, default=100, help="concurrent slash commands")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="articles folder")
    parser.add_argument("--runs", type=int, default=3, help="bursts; medians are printed")
    return parser.parse_args(argv)


# --- the store --------------------------------------------------------------------------


def prepare_store(db: Path, corpus: Path, documents: int) -> BriefingService:
    """A service over `db` holding at least `documents` documents (built if needed)."""
    service = build_service(load_settings(env_file=None), db)
    have = service.store.document_count()
    if have >= documents:
        print(f"  reusing {db.name}: {have:,} documents", flush=True)
        return service
    if have == 0:
        start = time.perf_counter()
        print(f"  ingested {service.ingest([corpus]).summary}", end="", flush=True)
        print(f" in {time.perf_counter() - start:.1f} s", flush=True)
    seconds = grow(service, source_ids(corpus), documents)
    print(f"  grew to {service.store.document_count():,} documents in {seconds:.1f} s", flush=True)
    return service


# --- the run ----------------------------------------------------------------------------


async def fire(sender: SlackSender, commands: int) -> tuple[list[Sent], list[str], float]:
    """All commands at once; their answers, texts, and the perf_counter when they left."""
    texts = [COMMAND_TEXTS[i % len(COMMAND_TEXTS)] for i in range(commands)]
    start = time.perf_counter()
    sent = await asyncio.gather(*(sender.slash("/position", text) for text in texts))
    return list(sent), texts, start


def expected_messages(service: BriefingService, texts: Sequence[str]) -> dict[str, int]:
    """How many messages each distinct command's reply has."""
    return {
        text: len(to_slack(answer(service, parse_command(text, command="/position"))))
        for text in set(texts)
    }


@dataclass(frozen=True)
class Burst:
    ack_p99: float  # seconds
    first_all: float  # every reply's first message, after the first POST
    every: float  # every message of every reply, after the first POST
    complete: bool  # every command acked 200 and every message delivered


async def run(service: BriefingService, commands: int) -> Burst:
    async with FakeSlack() as fake:
        settings = SlackSettings(
            _env_file=None,
            bot_token=SecretStr(BOT_TOKEN),
            signing_secret=SecretStr(SIGNING_SECRET),
            app_token=None,
            api_url=fake.api_url,
            http_host="127.0.0.1",
            http_port=0,
        )
        runner = SlackRunner(build_slack_app(service, settings), settings)
        await runner.start()
        assert runner.url is not None
        try:
            async with SlackSender(runner.url, fake) as sender:
                sent, texts, start = await fire(sender, commands)
                ids = [s.response_id for s in sent]
                await fake.wait_for(
                    lambda: all(fake.responses(i) for i in ids), timeout=DELIVERY_TIMEOUT
                )
                first_all = max(fake.responses(i)[0].at for i in ids) - start
                wanted = await asyncio.to_thread(expected_messages, service, texts)
                await fake.wait_for(
                    lambda: all(
                        len(fake.responses(i)) >= wanted[t] for i, t in zip(ids, texts, strict=True)
                    ),
                    timeout=DELIVERY_TIMEOUT,
                )
                every = max(r.at for r in fake.responses()) - start
        finally:
            await runner.stop()
        report(sent, texts, wanted, fake, first_all, every)
        complete = all(s.status == 200 for s in sent) and len(fake.responses()) == sum(
            wanted[t] for t in texts
        )
        ack_p99 = percentile([s.seconds for s in sent], 0.99)
        return Burst(ack_p99, first_all, every, complete)


def report(
    sent: Sequence[Sent],
    texts: Sequence[str],
    wanted: dict[str, int],
    fake: FakeSlack,
    first_all: float,
    every: float,
) -> None:
    acks = [s.seconds for s in sent]
    statuses = Counter(s.status for s in sent)
    ms = [a * 1000 for a in acks]
    print(f"\n{len(sent)} concurrent /position commands ({', '.join(COMMAND_TEXTS)})")
    print(f"  HTTP statuses: {dict(statuses)}")
    print(
        f"  ack ms: p50 {statistics.median(ms):.1f}  p99 {percentile(ms, 0.99):.1f}  "
        f"max {max(ms):.1f}  (limit {ACK_LIMIT * 1000:.0f}) -> "
        + ("OK" if max(acks) < ACK_LIMIT else "TOO SLOW")
    )
    replies = sum(1 for s in sent if fake.responses(s.response_id))
    messages = len(fake.responses())
    expected = sum(wanted[t] for t in texts)
    print(f"  replies delivered: {replies}/{len(sent)}; messages {messages}/{expected}")
    print(f"  every reply's first message delivered {first_all:.2f} s after the first POST")
    print(f"  every message delivered {every:.2f} s after the first POST")
    failed = [r for r in fake.calls("response") if not r.ok]
    print(f"  failed response_url attempts: {len(failed)}")


def print_budget(bursts: Sequence[Burst], rss_mb: float) -> None:
    """The medians over the bursts against issue 12's budget (peak RSS: the high-water
    mark of this whole process, store building included)."""

    def median(values: Sequence[float]) -> float:
        return statistics.median(values)

    ack = median([b.ack_p99 for b in bursts])
    every = median([b.every for b in bursts])
    complete = all(b.complete for b in bursts)
    rows = [
        ("ack p99", f"{ack * 1000:.0f} ms", ack < ACK_BUDGET, f"< {ACK_BUDGET * 1000:.0f} ms"),
        (
            "every message delivered",
            f"{every:.2f} s",
            every <= REPLY_BUDGET,
            f"<= {REPLY_BUDGET} s",
        ),
        ("peak RSS", f"{rss_mb:,.0f} MB", rss_mb <= RSS_BUDGET_MB, f"<= {RSS_BUDGET_MB} MB"),
        (
            "all delivered",
            str(complete),
            complete,
            "",
        ),
    ]
    print(f"\nMedians of {len(bursts)} bursts against the budget")
    for name, value, ok, bound in rows:
        print(f"  {name:<24}{value:>10}  {bound:<10} {'OK' if ok else 'OVER'}")


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if not args.corpus.is_dir():
        sys.exit(f"slack_bench: no corpus folder at {args.corpus} (use --corpus)")
    print(
        f"briefbot Slack bench: {args.documents:,} documents, {args.commands} commands; "
        f"{load_average()}",
        flush=True,
    )
    work = None if args.db else Path(tempfile.mkdtemp(prefix="briefbot-slack-bench-"))
    try:
        db: Path = args.db or Path(str(work)) / "slack-bench.db"
        service = prepare_store(db, args.corpus, args.documents)
        bursts = [asyncio.run(run(service, args.commands)) for _ in range(args.runs)]
        service.store.close()
        print_budget(bursts, peak_rss_mb())
        print(f"\nPeak RSS {peak_rss_mb():,.0f} MB; {load_average()}")
    finally:
        if work is not None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
