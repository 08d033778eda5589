"""Benchmark briefbot: ingest throughput, query latency and peak memory.

Speed is measured here, never in the timed test suite. Run from the project root:

    .venv/bin/python bench/bench.py [--sizes 100,1000,10000] [--queries 50] [--repeat 10]
                                    [--runs 3]
                                    [--corpus PATH] [--postgres URL [--postgres-sizes N,...]]

Every figure is measured --runs times (3 by default) and printed as the median of the
runs; a ratio is the median of its run-by-run ratios (bench/figures.py). What is
measured, and how (all timings with `time.perf_counter`, all stores are
fresh SQLite files in a temporary folder that is deleted at the end):

1. Ingest, through the real service (`build_service(load_settings(env_file=None), db)`).
   - "model load": the one-off cost of building the analyzer (spaCy model and
     mention matchers), timed as the first access to `service.analyzer`.
   - "ingest (model loaded)": `service.ingest([corpus])` on the dev corpus.
   - "ingest xN w=W": the corpus copied N times (--repeat) under new names, each
     copy with an appended line "Copy k." so that nothing is "unchanged",
     ingested in one call into another fresh store with the already-loaded analyzer,
     by W workers: 1, and the default (BRIEFBOT_INGEST_WORKERS or one per core).
   Words are counted on the article bodies, exactly as `IngestReport.words` does.
   - "raw spaCy xN n=P": `nlp.pipe(n_process=P)` alone over exactly the paragraphs
     ingest parses of the copies; each ingest run is divided by the raw run with as
     many processes (words/s), in the same run on the same texts.
2. Query latency of `service.brief(BriefRequest(actor=...))` ("position"),
   `service.matrix(topic)` ("who") and `service.quotes(QuotesRequest(speaker=...))`
   ("quotes", over the most quoted speakers) on stores of --sizes documents. The store is
   built by ingesting the corpus once, then `Store.clone_documents` copies the
   analysed documents under new ids and names, GROW_BATCH per call, until each size
   is reached, and `Store.optimize` refreshes the statistics; larger sizes grow the
   same file (build times, MB per 1,000 documents after a WAL checkpoint, and the
   median wall of CLI_RUNS fresh `briefbot position poland` processes are reported).
   --postgres URL times the same queries on a scratch schema of that database.
   Per size: a fresh service
   (so its first position call builds the cached actor resolver), then per kind
   3 warm-up calls (the first one also reported on its own as "first") and
   --queries timed calls cycling over fixed actors / topics. p99 is the
   nearest-rank percentile, so with 50 queries it is the slowest call. Two
   untimed columns give scale: "evidence" (evidence items per answer) and
   "read" (cited claims the store hands back per query).
3. Peak resident memory: `resource.getrusage(RUSAGE_SELF).ru_maxrss` (KB on
   Linux) after the ingest step, after each store size and at the end. It is a
   high-water mark. The 1-minute load average is printed at start and end:
   other work on the machine inflates the timings.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

from figures import (
    WARMUP,
    Build,
    IngestRun,
    Latency,
    percentile,
    print_engine_ratios,
    print_ingest,
    print_queries,
)
from stores import cli_wall, grow, postgres_service, source_ids, sqlite_mb

from bot.settings import Settings, load_settings
from bot.wiring import build_service, open_store
from briefs.boilerplate import content_spans, find_boilerplate
from briefs.files import iter_input_files, read_document
from briefs.models import Brief, BriefRequest, StanceMatrix
from briefs.pieces import bounded_spans
from briefs.quotes import QuoteList, QuotesRequest
from briefs.service import MATRIX_CLAIMS_PER_ACTOR, BriefingService, IngestReport

# slack_bench.py and sources_bench.py read these from here
__all__ = ["grow", "percentile", "source_ids"]

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "articles"
ACTORS = ("Poland", "United Kingdom", "France", "Russia", "Canada")
TOPICS = ("troops", "security guarantees", "logistics")


# --- options --------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="articles folder")
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default=(100, 1000, 10000),
        help="store sizes in documents, comma-separated (default 100,1000,10000)",
    )
    parser.add_argument(
        "--queries", type=_positive, default=50, help="timed queries per kind and size"
    )
    parser.add_argument("--repeat", type=int, default=10, help="corpus copies for bulk ingest")
    parser.add_argument(
        "--runs", type=_positive, default=3, help="runs of every figure; the median is printed"
    )
    parser.add_argument(
        "--postgres", help="also time queries on this PostgreSQL URL (a scratch schema)"
    )
    parser.add_argument(
        "--postgres-sizes", type=_sizes, help="store sizes on PostgreSQL (default: --sizes)"
    )
    return parser.parse_args(argv)


def _positive(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return number


def _sizes(value: str) -> tuple[int, ...]:
    sizes = tuple(sorted(int(part) for part in value.split(",") if part.strip()))
    if not sizes or sizes[0] <= 0:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


# --- measuring helpers ------------------------------------------------------------------


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    """The call's result and its wall time in seconds."""
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    """The 1-minute load average and CPU count: other work on the machine skews timings."""
    return f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"


def shared_service(
    base: BriefingService, settings: Settings, db: Path, *, workers: int = 1
) -> BriefingService:
    """A service on another store that reuses `base`'s catalogs and loaded analyzer."""
    return BriefingService(
        open_store(settings, db),
        base.catalog,
        base.topics,
        lambda: base.analyzer,
        clock=base.clock,
        workers=workers,
    )


# --- 1. ingest --------------------------------------------------------------------------


def ingest_run(label: str, service: BriefingService, folder: Path) -> IngestRun:
    report, seconds = timed(lambda: service.ingest([folder]))
    _check_ingest(label, report)
    return IngestRun(label, len(report.ingested), report.words, (seconds,))


def merged(runs: Sequence[IngestRun]) -> IngestRun:
    """One figure of several runs of the same work."""
    return replace(runs[0], runs=tuple(s for run in runs for s in run.runs))


def _check_ingest(label: str, report: IngestReport) -> None:
    if report.unchanged or report.skipped or not report.ingested:
        sys.exit(f"bench: {label}: expected only fresh documents, got {report.summary}")


def make_copies(corpus: Path, target: Path, repeat: int) -> Path:
    """`repeat` renamed copies of every corpus file, each with an appended line."""
    target.mkdir(parents=True)
    sources = [p for p in iter_input_files([corpus]) if isinstance(p, Path)]
    for k in range(1, repeat + 1):
        for source in sources:
            text = source.read_text(encoding="utf-8")
            separator = "" if text.endswith("\n") else "\n"
            copy = target / f"copy{k:03d}_{source.name}"
            copy.write_text(f"{text}{separator}Copy {k}.\n", encoding="utf-8")
    return target


def raw_spacy_run(
    label: str, service: BriefingService, folder: Path, processes: int = 1
) -> IngestRun:
    """spaCy alone on exactly the paragraphs ingest parses: the bar ingest is held to."""
    files = [p for p in iter_input_files([folder]) if isinstance(p, Path)]
    documents = [read_document(p) for p in files]
    texts = [
        d.text[s:e]
        for d in documents
        for s, e in bounded_spans(d.text, content_spans(d, find_boilerplate(d)))
    ]
    nlp = service.analyzer.nlp
    batch = service.analyzer.batch_size
    _, seconds = timed(lambda: list(nlp.pipe(texts, batch_size=batch, n_process=processes)))
    words = sum(len(d.text[d.body_start :].split()) for d in documents)
    return IngestRun(label, len(documents), words, (seconds,))


def bench_ingest(
    settings: Settings, corpus: Path, work: Path, repeat: int, runs: int
) -> tuple[BriefingService, float, list[IngestRun]]:
    """Each ingest and raw spaCy figure `runs` times, in turns (ingest w=1, w=N, raw n=1,
    n=N, then again), each ingest into a fresh store."""
    service = build_service(settings, work / "ingest.db")
    _, model_seconds = timed(lambda: service.analyzer)
    found: dict[str, list[IngestRun]] = {}
    copies = make_copies(corpus, work / "copies", repeat) if repeat > 0 else None
    workers = sorted({1, settings.workers})
    for run in range(runs):
        first = service if run == 0 else shared_service(service, settings, work / f"i{run}.db")
        found.setdefault("loaded", []).append(ingest_run("ingest (model loaded)", first, corpus))
        if copies is None:
            continue
        for count in workers:
            bulk = shared_service(service, settings, work / f"bulk-{count}-{run}.db", workers=count)
            label = f"ingest x{repeat} w={count}"
            found.setdefault(label, []).append(ingest_run(label, bulk, copies))
            bulk.store.close()
        for count in workers:
            label = f"raw spaCy x{repeat} n={count}"
            found.setdefault(label, []).append(raw_spacy_run(label, service, copies, count))
    return service, model_seconds, [merged(figure) for figure in found.values()]


# --- 2. queries -------------------------------------------------------------------------


def evidence_count(answer: Brief | StanceMatrix | QuoteList) -> int:
    if isinstance(answer, QuoteList):
        return len(answer.quotes)
    if isinstance(answer, Brief):
        return sum(len(point.evidence) for point in answer.points)
    return sum(len(row.evidence) for row in answer.rows)


def measure(
    size: int,
    kind: str,
    queries: int,
    call: Callable[[int], Brief | StanceMatrix | QuoteList],
) -> Latency:
    """Warm-up calls (the first one timed on its own), then `queries` timed calls of `call(i)`."""
    _, first = timed(lambda: call(0))
    for i in range(1, WARMUP):
        call(i)
    samples: list[float] = []
    items = 0
    for i in range(queries):
        answer, seconds = timed(partial(call, i))
        samples.append(seconds)
        items += evidence_count(answer)
    return Latency(size, kind, ((first, *samples),), items / max(1, queries))


def query_latencies(base: BriefingService, size: int, queries: int, runs: int = 1) -> list[Latency]:
    """Every kind timed `runs` times, each run on a fresh service (a cold first call)."""
    found = [_query_run(base, size, queries) for _ in range(runs)]
    return [
        replace(kinds[0], runs=tuple(r for latency in kinds for r in latency.runs))
        for kinds in zip(*found, strict=True)
    ]


def _query_run(base: BriefingService, size: int, queries: int) -> list[Latency]:
    service = BriefingService(
        base.store, base.catalog, base.topics, lambda: base.analyzer, clock=base.clock
    )
    position = measure(
        size,
        "position",
        queries,
        lambda i: service.brief(BriefRequest(actor=ACTORS[i % len(ACTORS)])),
    )
    who = measure(
        size,
        "who",
        queries,
        lambda i: service.matrix(TOPICS[i % len(TOPICS)]),
    )
    speakers = [s.name for s in service.suggest_speakers("", limit=len(ACTORS))]
    quotes = measure(
        size,
        "quotes",
        queries,
        lambda i: service.quotes(QuotesRequest(speaker=speakers[i % len(speakers)])),
    )
    # Counted after timing, so the first position call still builds the actor resolver.
    return [
        replace(position, read=claims_read_by_position(service)),
        replace(who, read=claims_read_by_who(service)),
        replace(quotes, read=statements_read(service, speakers)),
    ]


def statements_read(service: BriefingService, speakers: Sequence[str]) -> float:
    """Mean number of statements each timed `quotes SPEAKER` speaker has in the store."""
    ids = [service.resolve_speaker(name).id for name in speakers]
    return statistics.mean(len(service.quote_store.find(i)) for i in ids)


def claims_read_by_position(service: BriefingService) -> float:
    """Mean number of cited claims `brief` fetches over the actor cycle."""
    ids = [service.resolve_actor(actor).id for actor in ACTORS]
    return statistics.mean(
        len(service.store.cited_claims(actor_id, per_group=20)) for actor_id in ids
    )


def claims_read_by_who(service: BriefingService) -> float:
    """Mean number of cited claims `matrix` fetches over the topic cycle."""
    counts = []
    for topic in TOPICS:
        propositions = {t.proposition for t in service.topics.matching(topic)}
        found = service.store.cited_claims_for_propositions(
            propositions, per_actor=MATRIX_CLAIMS_PER_ACTOR, collectives_only=True
        )
        counts.append(len(found))
    return statistics.mean(counts)


def bench_queries(
    base: BriefingService,
    service: BriefingService,
    corpus: Path,
    sizes: Sequence[int],
    queries: int,
    runs: int,
    db: Path | None = None,
) -> tuple[list[Build], list[Latency]]:
    """Grow `service`'s store to each size and time the queries; `db` (a SQLite file)
    also times fresh CLI processes and weighs the file."""
    _check_ingest("query store", service.ingest([corpus]))
    sources = source_ids(corpus)
    builds: list[Build] = []
    latencies: list[Latency] = []
    for wanted in sizes:
        before = service.store.document_count()
        seconds = grow(service, sources, wanted)
        size = service.store.document_count()  # the corpus alone may exceed a tiny size
        build = Build(size, size - before, seconds)
        if db is not None:
            build = replace(build, mb_per_1000=sqlite_mb(service, db) * 1000 / size)
        print(
            f"  built {size:,} documents (+{size - before:,} clones) in {seconds:.1f} s", flush=True
        )
        latencies.extend(query_latencies(service, size, queries, runs))
        if db is not None:
            build = replace(build, cli_seconds=cli_wall(db))
        builds.append(build)
        print(f"  queried {size:,} documents; peak RSS so far {peak_rss_mb():,.0f} MB", flush=True)
    service.store.close()
    return builds, latencies


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    corpus: Path = args.corpus
    if not corpus.is_dir():
        sys.exit(f"bench: no corpus folder at {corpus} (use --corpus)")
    settings = load_settings(env_file=None)
    print(
        f"briefbot bench: corpus {corpus.name}/ ({len(source_ids(corpus))} files), "
        f"sizes {','.join(map(str, args.sizes))}, {args.queries} queries, "
        f"repeat {args.repeat}, {args.runs} runs of each figure; {load_average()}"
    )
    work = Path(tempfile.mkdtemp(prefix="briefbot-bench-"))
    try:
        base, model_seconds, ingests = bench_ingest(settings, corpus, work, args.repeat, args.runs)
        print_ingest(model_seconds, ingests, peak_rss_mb(), args.runs)
        print("\nBuilding query stores", flush=True)
        db = work / "query.db"
        sqlite = shared_service(base, settings, db)
        builds, latencies = bench_queries(
            base, sqlite, corpus, args.sizes, args.queries, args.runs, db
        )
        print_queries("SQLite", builds, latencies, args.queries, args.runs)
        if args.postgres:
            postgres, drop = postgres_service(base, args.postgres)
            try:
                sizes = args.postgres_sizes or args.sizes
                pg_builds, pg_latencies = bench_queries(
                    base, postgres, corpus, sizes, args.queries, args.runs
                )
            finally:
                drop()
            print_queries("PostgreSQL", pg_builds, pg_latencies, args.queries, args.runs)
            print_engine_ratios(pg_latencies, latencies)
        print(f"\nPeak RSS at end: {peak_rss_mb():,.0f} MB; {load_average()}")
        base.store.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
