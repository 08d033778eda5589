"""The bench's figures: each measured over several runs, each printed as the median.

One run of a figure is noisy on a shared machine; the bench repeats what it times
(--runs, 3 by default) and prints the median of the runs, and for a ratio (ingest
against raw spaCy, PostgreSQL against SQLite) the median of the ratios run by run,
so that the machine's drift between two runs cancels out of each pair.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

WARMUP = 3


def percentile(samples: Sequence[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


# --- ingest -----------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestRun:
    label: str
    documents: int
    words: int
    runs: tuple[float, ...]  # seconds, one per run

    @property
    def seconds(self) -> float:
        return median(self.runs)

    def rate(self, run: int) -> float:
        return self.words / self.runs[run]

    def row(self) -> str:
        return (
            f"  {self.label:<24}{self.documents:>6} docs {self.words:>8} words "
            f"{self.seconds:>8.2f} s {self.words / self.seconds:>9,.0f} words/s "
            f"{self.documents / self.seconds:>7.1f} docs/s"
        )


def ingest_ratio(bulk: IngestRun, raw: IngestRun) -> float:
    """Median over runs of bulk words/s over raw words/s (run k against run k)."""
    pairs = zip(bulk.runs, raw.runs, strict=True)
    return median([(bulk.words / b) / (raw.words / r) for b, r in pairs])


def print_ingest(
    model_seconds: float, runs: Sequence[IngestRun], rss_mb: float, repeats: int
) -> None:
    print(f"\nIngest (fresh SQLite store, real service; median of {repeats} runs)")
    print(f"  {'model load (one-off)':<24}{model_seconds:>37.2f} s")
    for run in runs:
        print(run.row())
    raws = {r.label.rsplit(" n=", 1)[1]: r for r in runs if r.label.startswith("raw spaCy")}
    for bulk in (r for r in runs if r.label.startswith("ingest x")):
        raw = raws.get(bulk.label.rsplit(" w=", 1)[1])
        if raw is not None:
            ratio = ingest_ratio(bulk, raw)
            print(f"  {bulk.label} / {raw.label}: {ratio:.2f} (words/s, same texts)")
    print(f"  peak RSS after ingest: {rss_mb:,.0f} MB")


# --- queries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Latency:
    size: int
    kind: str
    runs: tuple[tuple[float, ...], ...]  # per run: the first (cold) call, then the timed ones
    items: float  # mean evidence items per answer
    read: float = 0.0  # mean cited claims the store returns per query (untimed, for scale)

    def stat(self, of: str) -> float:
        """Median over runs of one statistic of a run's timed calls, in ms."""
        figures = []
        for first, *samples in self.runs:
            ms = [s * 1000 for s in samples]
            figures.append(
                {
                    "first": first * 1000,
                    "p50": median(ms),
                    "p99": percentile(ms, 0.99),
                    "mean": statistics.mean(ms),
                    "max": max(ms),
                }[of]
            )
        return median(figures)

    def row(self) -> str:
        stats = "".join(f"{self.stat(name):>9.1f}" for name in ("first", "p50", "p99", "mean"))
        return (
            f"  {self.size:>7,} {self.kind:<9}{stats}{self.stat('max'):>9.1f}"
            f"{self.items:>10.1f}{self.read:>10,.0f}"
        )


LATENCY_HEADER = (
    f"  {'docs':>7} {'kind':<9}{'first':>9}{'p50':>9}{'p99':>9}{'mean':>9}{'max':>9}"
    f"{'evidence':>10}{'read':>10}"
)


@dataclass(frozen=True)
class Build:
    size: int
    clones: int
    seconds: float  # once: a store is grown one time per size
    mb_per_1000: float | None = None  # SQLite file size per 1,000 documents
    cli_seconds: float | None = None  # median wall of fresh `briefbot position poland` runs

    def row(self) -> str:
        rate = (
            f"{self.clones / self.seconds:,.0f} clones/s" if self.clones and self.seconds else "-"
        )
        size = f"{self.mb_per_1000:6.2f} MB/1,000 docs" if self.mb_per_1000 else ""
        cli = f"CLI position {self.cli_seconds:5.2f} s" if self.cli_seconds else ""
        built = f"{self.size:>7,} docs  +{self.clones:>6,} clones  {self.seconds:>7.1f} s"
        return f"  {built}  {rate:>16}  {size}  {cli}"


def print_queries(
    title: str, builds: Sequence[Build], latencies: Sequence[Latency], queries: int, repeats: int
) -> None:
    print(f"\nStore builds, {title} (clone_documents; built once per size)")
    for build in builds:
        print(build.row())
    print(
        f"\nQuery latency in ms, {title}, median of {repeats} runs (each: {WARMUP} warm-ups, "
        f"then {queries} timed calls); first = cold first call (position: incl. actor "
        "resolver);\n   evidence = evidence items per answer; read = cited claims the "
        "store returns per query"
    )
    print(LATENCY_HEADER)
    for latency in latencies:
        print(latency.row())


def print_engine_ratios(postgres: Sequence[Latency], sqlite: Sequence[Latency]) -> None:
    """PostgreSQL's p99 over SQLite's, per size and kind both measured."""
    sqlite_p99 = {(s.size, s.kind): s.stat("p99") for s in sqlite}
    rows = [
        f"  {p.size:>7,} {p.kind:<9}{p.stat('p99') / sqlite_p99[(p.size, p.kind)]:>9.2f}"
        for p in postgres
        if (p.size, p.kind) in sqlite_p99
    ]
    if rows:
        print("\nPostgreSQL p99 / SQLite p99 (medians of the runs)")
        print(*rows, sep="\n")
