"""The source store, on a SQLite file and (when configured) PostgreSQL.

Set BRIEFBOT_TEST_POSTGRES_URL (e.g. postgresql+psycopg2://postgres@127.0.0.1:5432/test)
to run the `postgres` cases too; each test gets its own schema, dropped afterwards.
Also the pure parts the store relies on: intervals and the backoff schedule.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from test_subscriptions import BACKENDS, database_url

from briefs.sources.dedupe import StoryClusterer, story_fingerprint
from briefs.sources.models import (
    ITEM_RETRIES,
    BadInterval,
    Source,
    SourceDraft,
    SourceItem,
    interval_text,
    parse_interval,
    retry_delay,
)
from briefs.sources.store import DuplicateSource, SourceStore
from briefs.store import Store

T0 = dt.datetime(2026, 2, 1, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@contextmanager
def open_sources(url: str) -> Iterator[SourceStore]:
    """A SourceStore over its own Store (own engine): one per simulated process."""
    store = Store(url)
    store.create_schema()
    try:
        yield SourceStore.for_store(store)
    finally:
        store.close()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sources(db_url: str) -> Iterator[SourceStore]:
    with open_sources(db_url) as store:
        yield store


def draft(url: str = "https://kyivwire.example/rss", **changes: Any) -> SourceDraft:
    values: dict[str, Any] = {
        "url": url,
        "kind": "feed",
        "title": "Kyiv Wire",
        "interval_s": 3600,
        "created_by": "U1",
    }
    return SourceDraft(**(values | changes))


def item(key: str, source_id: int | None = 1, **changes: Any) -> SourceItem:
    values: dict[str, Any] = {
        "url_key": key,
        "url": f"https://kyivwire.example/{key}",
        "source_id": source_id,
        "status": "ingested",
        "content_key": f"c-{key}",
        "document_id": f"d-{key}",
        "site": "kyivwire.example",
        "seen_at": T0,
    }
    return SourceItem(**(values | changes))


# --- intervals and backoff ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("1H 30M", 5400), ("5m", 300)],
)
def test_intervals_are_read_as_typed(text: str, seconds: int) -> None:
    assert parse_interval(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3x", "`3x` is not an interval: use a number and a unit, like `every 15m`"),
        ("", "`every` needs an interval"),
        ("4m", "`4m` is too often: the shortest interval is 5m"),
        ("31d", "`31d` is too long: the longest interval is 30d"),
        ("h", "`h` is not an interval"),
    ],
)
def test_a_bad_interval_says_what_is_expected(text: str, message: str) -> None:
    with pytest.raises(BadInterval, match="^" + message.replace("(", r"\(")):
        parse_interval(text)


def test_intervals_are_written_back_as_the_grammar_reads_them() -> None:
    assert [interval_text(s) for s in (300, 3600, 5400, 86400, 90000)] == [
        "5m",
        "1h",
        "1h30m",
        "1d",
        "1d1h",
    ]


def test_the_backoff_doubles_from_one_interval_up_to_the_cap() -> None:
    """One interval after the first failure, then 2, 4, 8 ... intervals, capped."""
    delays = [retry_delay(n, 3600, max_backoff_s=86_400).total_seconds() for n in range(1, 8)]
    assert delays == [3600, 7200, 14400, 28800, 57600, 86400, 86400]
    # an interval longer than the cap is never shortened by it
    assert retry_delay(5, 2 * 86_400, max_backoff_s=86_400) == dt.timedelta(days=2)


def test_the_backoff_is_never_sooner_than_retry_after_within_a_week() -> None:
    assert retry_delay(1, 3600, max_backoff_s=86_400, retry_after_s=7200) == 2 * HOUR
    assert retry_delay(3, 3600, max_backoff_s=86_400, retry_after_s=60) == 4 * HOUR
    huge = retry_delay(1, 3600, max_backoff_s=86_400, retry_after_s=10**9)
    assert huge == dt.timedelta(days=7)


def test_a_source_refuses_an_interval_outside_the_limits() -> None:
    with pytest.raises(ValueError, match="an interval is"):
        draft(interval_s=60)


# --- sources ---------------------------------------------------------------------------------


def test_add_get_list_and_a_new_source_is_due_at_once(sources: SourceStore) -> None:
    added = sources.add(draft(), now=T0)
    assert added.id >= 1 and added.created_at == T0 and added.next_poll_at == T0
    assert added.healthy and not added.disabled and added.item_count == 0
    assert sources.get(added.id) == added
    assert sources.list() == [added]
    assert sources.find_url("https://kyivwire.example/rss") == added
    assert added.due(T0) and [s.id for s in sources.due(T0)] == [added.id]


def test_the_same_url_twice_is_refused_with_the_existing_source(sources: SourceStore) -> None:
    first = sources.add(draft(), now=T0)
    with pytest.raises(DuplicateSource) as refused:
        sources.add(draft(title="again"), now=T0 + HOUR)
    assert refused.value.existing == first
    assert len(sources.list()) == 1


def test_removing_a_source_keeps_its_items(sources: SourceStore) -> None:
    added = sources.add(draft(), now=T0)
    sources.record_items([item("a", added.id), item("b", added.id)])
    assert sources.remove(added.id)
    assert not sources.remove(added.id)
    assert sources.get(added.id) is None
    kept = sources.items()
    assert [i.url_key for i in kept] == ["a", "b"]
    assert all(i.source_id is None for i in kept)
    assert sources.known_url_keys(["a", "b", "c"]) == {"a", "b"}


def test_a_poll_claims_its_source_until_recorded_or_expired(sources: SourceStore) -> None:
    added = sources.add(draft(), now=T0)
    assert sources.claim(added.id, "host:1:a", now=T0, until=T0 + HOUR)
    assert not sources.claim(added.id, "host:2:b", now=T0, until=T0 + HOUR)
    assert not sources.claim(added.id, "host:1:a", now=T0, until=T0 + HOUR)  # same owner too
    assert sources.claim(added.id, "host:2:b", now=T0 + 2 * HOUR, until=T0 + 3 * HOUR)  # expired
    sources.release(added.id, "host:1:a")  # not ours any more: nothing happens
    assert not sources.claim(added.id, "host:1:a", now=T0 + 2 * HOUR, until=T0 + 3 * HOUR)
    sources.release(added.id, "host:2:b")
    assert sources.claim(added.id, "host:1:a", now=T0 + 2 * HOUR, until=T0 + 3 * HOUR)


def test_racing_claims_have_one_winner(db_url: str) -> None:
    with open_sources(db_url) as setup:
        source_id = setup.add(draft(), now=T0).id
    wins: list[bool] = []
    barrier = threading.Barrier(4)

    def race(owner: str) -> None:
        with open_sources(db_url) as mine:
            barrier.wait()
            wins.append(mine.claim(source_id, owner, now=T0, until=T0 + HOUR))

    threads = [threading.Thread(target=race, args=(f"h:{n}:x",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False, False, False, True]


def test_success_and_failure_are_recorded_without_touching_the_rest(
    sources: SourceStore,
) -> None:
    added = sources.add(draft(), now=T0)
    sources.record_items([item("a", added.id), item("b", added.id, status="skipped")])
    assert sources.claim(added.id, "h:1:a", now=T0, until=T0 + HOUR)
    sources.record_success(
        added.id,
        now=T0,
        next_poll_at=T0 + HOUR,
        etag='"abc"',
        last_modified="Tue, 06 Jan 2026 12:00:00 GMT",
        result="1 new",
        title="Kyiv Wire: World",
    )
    done = sources.get(added.id)
    assert done is not None
    assert (done.etag, done.last_modified) == ('"abc"', "Tue, 06 Jan 2026 12:00:00 GMT")
    assert (done.last_polled_at, done.next_poll_at, done.last_result) == (T0, T0 + HOUR, "1 new")
    assert done.title == "Kyiv Wire: World" and done.item_count == 1
    assert sources.claim(added.id, "h:2:b", now=T0, until=T0 + HOUR)  # the claim was released
    later = T0 + 2 * HOUR
    sources.record_failure(
        added.id,
        now=later,
        next_poll_at=later + HOUR,
        error="the site failed (HTTP 500 Internal Server Error)",
        failures=3,
        healthy=False,
    )
    failed = sources.get(added.id)
    assert failed is not None
    assert (failed.consecutive_failures, failed.healthy, failed.disabled) == (3, False, False)
    assert failed.last_error == "the site failed (HTTP 500 Internal Server Error)"
    assert failed.etag == '"abc"' and failed.item_count == 1 and failed.last_result == "1 new"
    assert not failed.due(later) and failed.due(later + HOUR)
    sources.record_failure(
        added.id, now=later, next_poll_at=later, error="gone", failures=4, healthy=False,
        disabled=True,
    )  # fmt: skip
    disabled = sources.get(added.id)
    assert disabled is not None and disabled.disabled and not disabled.due(later + HOUR)
    assert sources.due(later + HOUR) == []
    sources.record_success(
        added.id, now=later, next_poll_at=later + HOUR, etag=None, last_modified=None, result="ok"
    )
    back = sources.get(added.id)
    assert back is not None and back.healthy and not back.disabled and back.last_error is None
    assert back.consecutive_failures == 0 and back.title == "Kyiv Wire: World"


# --- items ---------------------------------------------------------------------------------


def test_items_being_retried_are_not_seen_until_their_last_attempt(sources: SourceStore) -> None:
    sources.record_items([item("a"), item("r", status="retry", document_id=None)])
    assert sources.known_url_keys(["a", "r"]) == {"a"}
    for _ in range(ITEM_RETRIES - 1):
        sources.record_items([item("r", status="retry", document_id=None)])
    (retried,) = [i for i in sources.items() if i.url_key == "r"]
    assert retried.attempts == ITEM_RETRIES
    assert sources.known_url_keys(["a", "r"]) == {"a", "r"}


def test_a_stored_documents_row_is_never_replaced_by_a_row_without_one(
    sources: SourceStore,
) -> None:
    sources.record_items([item("a")])
    sources.record_items([item("a", status="skipped", document_id=None, note="404")])
    (kept,) = sources.items()
    assert (kept.status, kept.document_id) == ("ingested", "d-a")
    sources.record_items([item("a", document_id="d-a2", content_key="c-new")])
    (changed,) = sources.items()
    assert (changed.document_id, changed.content_key) == ("d-a2", "c-new")
    # one batch naming a key twice keeps the stored document's row
    sources.record_items([item("b"), item("b", status="duplicate", document_id="d-x")])
    assert [(i.url_key, i.status) for i in sources.items()] == [
        ("a", "ingested"),
        ("b", "ingested"),
    ]


def test_content_matches_come_from_the_same_source_or_site_only(sources: SourceStore) -> None:
    sources.record_items(
        [
            item("a", 1, content_key="same"),
            item("b", 2, content_key="same", site="other.example"),
            item("c", 3, content_key="same", site="third.example"),
            item("d", 1, content_key="same", document_id=None, status="skipped"),
        ]
    )
    found = sources.content_matches(["same"], source_id=2, sites=["kyivwire.example"])
    assert sorted(i.url_key for i in found) == ["a", "b"]
    assert sources.content_matches([], source_id=1, sites=[]) == []


def test_story_fingerprints_restore_the_clusters_incrementally(sources: SourceStore) -> None:
    texts = {
        "a": "Poland will not send its troops to Ukraine after the war, the minister said today.",
        "b": "Italy offers demining help but will not send soldiers, the prime minister said.",
    }
    clusterer = StoryClusterer()
    rows = []
    for key, text in texts.items():
        fingerprint = story_fingerprint(text)
        cluster = clusterer.add_fingerprint(f"d-{key}", fingerprint)
        rows.append(item(key, fingerprint=fingerprint.to_bytes(), cluster_id=cluster))
    sources.record_items(rows)
    stored = sources.cluster_rows()
    restored = StoryClusterer.restore((doc, data, cluster) for _, doc, data, cluster in stored)
    assert restored.cluster_of("d-a") == "d-a" and restored.cluster_of("d-b") == "d-b"
    assert restored.fingerprint_of("d-a") == clusterer.fingerprint_of("d-a")
    assert sources.cluster_rows(after=stored[-1][0]) == []
    assert [i.url_key for i in sources.cluster_members("d-a")] == ["a"]


def test_the_store_is_shared_per_store_and_its_schema_is_repeatable(db_url: str) -> None:
    store = Store(db_url)
    store.create_schema()
    try:
        first = SourceStore.for_store(store)
        assert SourceStore.for_store(store) is first
        first.create_schema()
        assert isinstance(first.add(draft(), now=T0), Source)
    finally:
        store.close()
