"""The bench's stores: grown by batch clones of the corpus, weighed, asked from a fresh CLI,
and the same on a scratch PostgreSQL schema."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from briefs.files import iter_input_files, read_document
from briefs.service import BriefingService
from briefs.store import Store
from briefs.store.quotes import QuoteStore

GROW_BATCH = 1000  # clones per call while growing a store
CLI_RUNS = 3  # fresh `briefbot position poland` processes timed per size


def source_ids(corpus: Path) -> list[tuple[str, str]]:
    """(id, name) of every corpus document, as ingest stores them."""
    found = [p for p in iter_input_files([corpus]) if isinstance(p, Path)]
    return [(doc.id, doc.name) for doc in map(read_document, found)]


def grow(service: BriefingService, sources: Sequence[tuple[str, str]], size: int) -> float:
    """Clone corpus documents until the store holds `size` documents; the seconds taken."""
    store = service.store
    quotes = QuoteStore.for_store(store)
    start = time.perf_counter()
    first = store.document_count()
    for batch_start in range(first, size, GROW_BATCH):
        numbers = range(batch_start, min(size, batch_start + GROW_BATCH))
        copies = [(sources[n % len(sources)], f"bench{n:07d}") for n in numbers]
        store.clone_documents([(d, new, f"{new}_{name}") for (d, name), new in copies])
        # statements live beside the claims
        quotes.clone_documents([(d, new) for (d, _), new in copies])
    quotes.recount()
    store.optimize()  # as ingest does after a bulk load
    return time.perf_counter() - start


def sqlite_mb(service: BriefingService, db: Path) -> float:
    """The database file's size in MB, its write-ahead log folded in first."""
    with service.store.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6


def cli_wall(db: Path) -> float:
    """Median wall seconds of CLI_RUNS fresh `briefbot position poland` processes."""
    command = [sys.executable, "-m", "bot.cli", "--db", str(db), "position", "poland"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFBOT_")}
    root = Path(__file__).resolve().parents[1]
    walls = []
    for _ in range(CLI_RUNS):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, cwd=root, env=env)
        walls.append(time.perf_counter() - start)
    return statistics.median(walls)


def postgres_service(base: BriefingService, url: str) -> tuple[BriefingService, Callable[[], None]]:
    """A service over a fresh schema of the PostgreSQL database at `url`, and its cleanup."""
    import sqlalchemy as sa

    schema = f"briefbot_bench_{os.getpid()}"
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    scoped = sa.make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
    store = Store(scoped.render_as_string(hide_password=False))
    store.create_schema()
    service = BriefingService(
        store, base.catalog, base.topics, lambda: base.analyzer, clock=base.clock
    )

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return service, drop


# --- report -----------------------------------------------------------------------------
