"""Ingest on every core: documents analysed in forked worker processes, filed in order.

The parent builds the analyzer (and its spaCy model) once; each worker is forked from
it and so shares the loaded model instead of loading its own. Chunks of documents go
out in order, at most two per worker in flight (memory stays bounded per worker
whatever the corpus size), and come back in order, so filing them under the corpus's
issues, which depends on what came before, sees exactly what one process would: the
stored analyses are the same as with one worker.

Forking a process that runs other threads can copy a lock some thread holds, so a
parent with other threads (the bot's runtime, whose polls ingest a few pages) analyses
in-process instead; so does a batch too small to pay for the workers.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Final

from briefs.isolation import (
    ANALYSIS_CHUNK,
    DocumentAnalyzer,
    analyse_chunk,
    analyse_isolated,
    failure_reason,
)
from briefs.models import Analysis, Document

IN_FLIGHT_PER_WORKER: Final = 2

# The parent's analyzer, inherited by every forked worker (set only while a pool runs).
_inherited: DocumentAnalyzer | None = None


def analyse_with_workers(
    analyzer: DocumentAnalyzer,
    documents: Sequence[Document],
    failed: dict[str, str],
    *,
    file: Callable[[Analysis], Analysis],
    workers: int,
) -> Iterator[Analysis]:
    """`analyse_isolated`'s analyses and failures, with the analysis spread over `workers`."""
    if not _can_fork(workers, len(documents)):
        yield from analyse_isolated(analyzer, documents, failed, file=file)
        return
    global _inherited
    _inherited = analyzer
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for analyses, failures in _in_order(pool, documents, workers):
                failed.update(failures)
                for analysis in analyses:
                    try:
                        filed = file(analysis)
                    except Exception as exc:
                        failed[analysis.document.id] = failure_reason(exc)
                        continue
                    yield filed
    finally:
        _inherited = None


def _can_fork(workers: int, documents: int) -> bool:
    return (
        workers > 1
        and documents > ANALYSIS_CHUNK  # one chunk: nothing to share out
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def _in_order(
    pool: ProcessPoolExecutor, documents: Sequence[Document], workers: int
) -> Iterator[tuple[list[Analysis], dict[str, str]]]:
    """Each chunk's (analyses, failures), in document order, a bounded window ahead."""
    chunks = (
        documents[start : start + ANALYSIS_CHUNK]
        for start in range(0, len(documents), ANALYSIS_CHUNK)
    )
    pending: deque[Future[tuple[list[Analysis], dict[str, str]]]] = deque()
    for chunk in chunks:
        pending.append(pool.submit(_analyse_in_worker, list(chunk)))
        if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _analyse_in_worker(chunk: list[Document]) -> tuple[list[Analysis], dict[str, str]]:
    """Runs in a worker: the chunk's analyses and the failures, as isolation tells them."""
    if _inherited is None:  # only a forked worker runs this
        raise RuntimeError("no analyzer was inherited from the parent process")
    failures: dict[str, str] = {}
    return analyse_chunk(_inherited, chunk, failures), failures
