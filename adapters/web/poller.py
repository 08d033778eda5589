"""Polling a live source: fetch politely, read only what is new, ingest it, cluster it.

One poll of a source, whoever asks for it (the scheduler's job, `sources fetch`):

1. Claim the source in the database, so no other poll (another task, another process)
   reads it at the same time; a scheduled poll also checks it is still due.
2. Fetch it with a conditional GET (the ETag / Last-Modified of the last good poll). A
   304 means nothing new, at the cost of one small request.
3. A feed's entries are new when no stored item has their URL key; only those pages
   are fetched and read (or their feed summary, marked as such, when a page is
   unusable). A feed that lists the same 500 entries on every poll costs one request
   and a parse after the first. A page source is read whole, and is new when its text
   changed.
4. Items whose text is already stored under another URL of the same source or site
   (a feed that changed an entry's link) are recorded as duplicates, never ingested.
5. The rest go through the engine (`BriefingService.ingest_documents`), stamped as
   ingested now, so the next digest whose window covers this poll reports them. One
   document whose analysis fails is skipped with its reason; the others are kept.
6. Each new document gets a story: `StoryClusterer`, rebuilt from the fingerprints the
   store keeps, puts rewrites of one story by several outlets in one cluster.
7. The result is recorded: a poll that worked schedules the next one interval later
   and clears the error; a failure keeps the error, counts it, marks the source
   unhealthy after `unhealthy_after` in a row, and schedules a retry with exponential
   backoff, never sooner than the site's Retry-After; a permanent failure (410, a
   redirect loop) disables the source, with the reason.

Nothing here raises for bad input or a broken site: the report says what happened,
and what was ingested before is never touched. The clock is a parameter.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal
from weakref import WeakKeyDictionary

from pydantic import Field

from adapters.web.fetcher import Fetcher, Validators
from adapters.web.sources import ReadOptions, poll_feed, poll_page, read_entries
from briefs.errors import StoreError
from briefs.models import Document, Frozen
from briefs.service import BriefingService, IngestReport
from briefs.sources.dedupe import StoryClusterer, site_of, story_fingerprint, url_key
from briefs.sources.items import SkippedItem, WebItem
from briefs.sources.models import (
    MIN_INTERVAL_S,
    Source,
    SourceItem,
    retry_delay,
)
from briefs.sources.store import SourceStore

logger = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
PollOutcome = Literal[
    "new",  # documents were ingested
    "nothing_new",  # the source answered, and everything in it was known
    "not_modified",  # a 304
    "failed",  # an error; retried later (with backoff)
    "disabled",  # a permanent error: no more polls until `sources fetch <id>` works
    "busy",  # another poll holds the source
    "not_due",  # a scheduled poll that someone else's poll made early
    "missing",  # no such source (removed meanwhile)
]
SKIPS_SHOWN = 2  # skip reasons a one-line result spells out


class PollPolicy(Frozen):
    """How polls behave; the composition root fills it from the SOURCES_* settings."""

    unhealthy_after: int = Field(default=3, ge=1)  # failures in a row
    max_backoff_s: int = Field(default=86_400, ge=MIN_INTERVAL_S)
    # How long a poll's claim on its source lasts: longer than any poll (each fetch is
    # bounded by the fetcher's deadline), short enough that a crashed poller's claim
    # does not hold the source for long.
    claim_s: float = Field(default=900.0, gt=0)
    read: ReadOptions = Field(default_factory=ReadOptions)


class PollReport(Frozen):
    """What one poll did, for the chat answer, the log and `sources list`."""

    source_id: int
    url: str = ""
    outcome: PollOutcome
    ingested: int = 0  # new or changed documents analysed and stored
    from_summary: int = 0  # of those, read from the feed's summary
    seen: int = 0  # entries skipped because a stored item has their URL
    unchanged: int = 0  # read again, same text as stored
    duplicates: int = 0  # same text as an item stored under another URL
    skipped: tuple[tuple[str, str], ...] = ()  # (url, reason)
    retrying: int = 0  # of the skipped, those read again next time
    new_stories: int = 0
    joined_stories: int = 0  # new documents telling a story another item told already
    warnings: tuple[str, ...] = ()
    error: str | None = None
    next_poll_at: dt.datetime | None = None

    @property
    def failed(self) -> bool:
        return self.outcome in ("failed", "disabled")

    def summary(self) -> str:
        """One line: `3 new (1 from a feed summary), 40 already seen, 2 skipped (...)`."""
        if self.outcome == "failed":
            return f"failed: {self.error}"
        if self.outcome == "disabled":
            return f"disabled: {self.error}"
        if self.outcome == "busy":
            return "already being polled"
        if self.outcome == "missing":
            return "no such source"
        if self.outcome == "not_due":
            return "not due yet"
        if self.outcome == "not_modified":
            return "not modified (HTTP 304)"
        return "; ".join(self._parts())

    def _parts(self) -> list[str]:
        counts: list[str] = []
        if self.ingested:
            summary = f" ({self.from_summary} from a feed summary)" if self.from_summary else ""
            counts.append(f"{self.ingested} new{summary}")
        if self.seen:
            counts.append(f"{self.seen} already seen")
        if self.unchanged:
            counts.append(f"{self.unchanged} unchanged")
        if self.duplicates:
            counts.append(f"{self.duplicates} already stored under another URL")
        if self.skipped:
            shown = "; ".join(
                f"{_short(url)}: {reason}" for url, reason in self.skipped[:SKIPS_SHOWN]
            )
            more = f"; +{len(self.skipped) - SKIPS_SHOWN} more" if len(self.skipped) > 2 else ""
            retry = f", {self.retrying} to retry" if self.retrying else ""
            counts.append(f"{len(self.skipped)} skipped{retry} ({shown}{more})")
        parts = [", ".join(counts) if counts else "nothing new"]
        if self.joined_stories:
            parts.append(f"{self.joined_stories} part of a story already reported")
        parts += [f"warning: {w}" for w in self.warnings]
        return parts


class _Taken(Frozen):
    """What the ingest step made of a poll's items."""

    report: PollReport
    rows: tuple[SourceItem, ...] = ()


class SourcePoller:
    """Polls sources into the engine; `owner` names this process in the source claims."""

    def __init__(
        self,
        service: BriefingService,
        store: SourceStore,
        fetcher: Fetcher,
        *,
        clock: Clock,
        owner: str,
        policy: PollPolicy | None = None,
    ) -> None:
        self.service = service
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.owner = owner
        self.policy = policy or PollPolicy()
        # Ingest and clustering run in worker threads, one at a time: the analyzer's
        # model is not meant for concurrent use, and the clusterer is shared state. Polls
        # wait for their turn on the event loop (the gate), not in worker threads, which
        # chat answers need too; the thread lock covers callers on other loops.
        self._ingest_lock = threading.Lock()
        self._gates: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            WeakKeyDictionary()
        )
        self._clusterer: StoryClusterer | None = None
        self._cluster_mark = 0  # the last source_items row loaded into the clusterer

    # --- polls ------------------------------------------------------------------------

    async def poll(self, source_id: int, *, force: bool = False) -> PollReport:
        """Poll one source now. Without `force` only when it is due and enabled (the
        scheduler's polls); `force` (`sources fetch`) also retries a disabled source."""
        now = self.clock()
        source = await asyncio.to_thread(self.store.get, source_id)
        if source is None:
            return PollReport(source_id=source_id, outcome="missing")
        if not force and not source.due(now):
            outcome: PollOutcome = "disabled" if source.disabled else "not_due"
            return PollReport(
                source_id=source_id,
                url=source.url,
                outcome=outcome,
                error=source.last_error if source.disabled else None,
                next_poll_at=source.next_poll_at,
            )
        until = now + dt.timedelta(seconds=self.policy.claim_s)
        claimed = await asyncio.to_thread(
            self.store.claim, source_id, self.owner, now=now, until=until
        )
        if not claimed:
            return PollReport(source_id=source_id, url=source.url, outcome="busy")
        try:
            return await self._poll_claimed(source, now)
        except StoreError:
            raise  # the database itself failed: nothing can be recorded
        except Exception as exc:
            # Bad input must never end polling: this source's poll fails, with a reason.
            logger.exception("polling source #%s (%s) failed", source.id, source.url)
            reason = f"briefbot could not poll it ({type(exc).__name__}: {exc})"
            return await self._failed(source, now, reason)
        finally:
            # A no-op after a recorded result; frees the source after a cancelled poll.
            await asyncio.to_thread(self.store.release, source_id, self.owner)

    async def poll_many(
        self, source_ids: Iterable[int], *, force: bool = False
    ) -> list[PollReport]:
        """Poll several sources at once (the fetcher caps the requests), reports in order."""
        return list(await asyncio.gather(*(self.poll(i, force=force) for i in source_ids)))

    async def _poll_claimed(self, source: Source, now: dt.datetime) -> PollReport:
        validators = Validators(etag=source.etag, last_modified=source.last_modified)
        if source.kind == "page":
            return await self._poll_page(source, now, validators)
        return await self._poll_feed(source, now, validators)

    async def _poll_feed(
        self, source: Source, now: dt.datetime, validators: Validators
    ) -> PollReport:
        options = self.policy.read
        poll = await poll_feed(
            self.fetcher, source.url, validators=validators, max_entries=options.max_entries
        )
        if poll.fetch.error is not None:
            return await self._failed(
                source,
                now,
                poll.fetch.error,
                permanent=poll.fetch.permanent,
                retry_after_s=poll.retry_after_s,
            )
        if poll.not_modified:
            report = PollReport(source_id=source.id, url=source.url, outcome="not_modified")
            return await self._succeeded(source, now, report, poll.validators)
        feed = poll.feed
        if feed is None or feed.error is not None:
            return await self._failed(source, now, poll.error or "the feed could not be read")
        entries = {url_key(entry.link): entry for entry in poll.new_entries}
        known = await asyncio.to_thread(self.store.known_url_keys, entries.keys())
        fresh = [entry for key, entry in entries.items() if key not in known]
        items = await read_entries(
            self.fetcher, fresh, today=now.date(), options=options, feed_title=feed.title
        )
        taken = await self._take(source, items, now)
        report = taken.report.model_copy(
            update={"seen": len(entries) - len(fresh), "warnings": feed.warnings}
        )
        # Items to read again must not hide behind a 304 next time: no validators then.
        kept = poll.validators if not report.retrying else Validators()
        return await self._succeeded(source, now, report, kept, rows=taken.rows, title=feed.title)

    async def _poll_page(
        self, source: Source, now: dt.datetime, validators: Validators
    ) -> PollReport:
        page = await poll_page(
            self.fetcher,
            source.url,
            today=now.date(),
            validators=validators,
            options=self.policy.read,
        )
        if page.fetch.error is not None:
            return await self._failed(
                source,
                now,
                page.fetch.error,
                permanent=page.fetch.permanent,
                retry_after_s=page.fetch.retry_after_s,
            )
        if page.not_modified or page.item is None:
            report = PollReport(source_id=source.id, url=source.url, outcome="not_modified")
            return await self._succeeded(source, now, report, page.validators)
        if isinstance(page.item, SkippedItem):  # the page no longer reads as an article
            return await self._failed(source, now, page.item.reason)
        taken = await self._take(source, [page.item], now)
        return await self._succeeded(
            source,
            now,
            taken.report,
            page.validators,
            rows=taken.rows,
            title=page.item.document.title,
        )

    # --- results ----------------------------------------------------------------------

    async def _succeeded(
        self,
        source: Source,
        now: dt.datetime,
        report: PollReport,
        validators: Validators,
        *,
        rows: Sequence[SourceItem] = (),
        title: str | None = None,
    ) -> PollReport:
        next_at = now + dt.timedelta(seconds=source.interval_s)
        if report.outcome not in ("not_modified",):
            outcome: PollOutcome = "new" if report.ingested else "nothing_new"
            report = report.model_copy(update={"outcome": outcome})
        report = report.model_copy(update={"next_poll_at": next_at})

        def record() -> None:
            # Items first: a crash in between re-reads them next time (they are not
            # "seen"), and the checksum check finds their documents unchanged.
            self.store.record_items(rows)
            self.store.record_success(
                source.id,
                now=now,
                next_poll_at=next_at,
                etag=validators.etag,
                last_modified=validators.last_modified,
                result=report.summary(),
                title=title,
            )

        await asyncio.to_thread(record)
        return report

    async def _failed(
        self,
        source: Source,
        now: dt.datetime,
        error: str,
        *,
        permanent: bool = False,
        retry_after_s: float | None = None,
    ) -> PollReport:
        failures = source.consecutive_failures + 1
        delay = retry_delay(
            failures,
            source.interval_s,
            max_backoff_s=self.policy.max_backoff_s,
            retry_after_s=retry_after_s,
        )
        next_at = now + delay
        await asyncio.to_thread(
            lambda: self.store.record_failure(
                source.id,
                now=now,
                next_poll_at=next_at,
                error=error,
                failures=failures,
                healthy=failures < self.policy.unhealthy_after,
                disabled=permanent,
            )
        )
        logger.warning("source #%s (%s): %s", source.id, source.url, error)
        return PollReport(
            source_id=source.id,
            url=source.url,
            outcome="disabled" if permanent else "failed",
            error=error,
            next_poll_at=None if permanent else next_at,
        )

    # --- ingest and stories -------------------------------------------------------------

    async def _take(
        self, source: Source, items: Sequence[WebItem | SkippedItem], now: dt.datetime
    ) -> _Taken:
        loop = asyncio.get_running_loop()
        gate = self._gates.setdefault(loop, asyncio.Lock())
        async with gate:
            return await asyncio.to_thread(self._take_now, source, items, now)

    def _take_now(
        self, source: Source, items: Sequence[WebItem | SkippedItem], now: dt.datetime
    ) -> _Taken:
        """Sort the items out, ingest the new ones and give them stories (a worker thread)."""
        with self._ingest_lock:
            web = [item for item in items if isinstance(item, WebItem)]
            skipped = [item for item in items if isinstance(item, SkippedItem)]
            duplicates, fresh = self._duplicates(source, web)
            # Stamped as they are saved, not when the poll began: a digest that runs while
            # a long poll reads its pages must not end up on both sides of these documents.
            stamp = max(now, self.clock())
            ingest, failures = self._ingest([item.document for item in fresh], stamp)
            for failed in fresh:
                reason = failures[failed.document.id]
                if reason is not None:
                    skipped.append(SkippedItem(url=_link(failed), reason=reason))
            rows = [_skipped_row(source, s.url, s.reason, s.transient, now) for s in skipped]
            stored = [item for item in fresh if failures[item.document.id] is None]
            new_names = set(ingest.ingested)
            stories = self._stories(stored, new_names)
            for item in stored:
                rows += _item_rows(source, item, now, stories[item.document.id])
            for repeated, match in duplicates:
                rows += _duplicate_rows(source, repeated, match, now, stories)
            new = [item for item in stored if item.document.name in new_names]
            report = PollReport(
                source_id=source.id,
                url=source.url,
                outcome="new" if new else "nothing_new",
                ingested=len(new),
                from_summary=sum(item.from_summary for item in new),
                unchanged=len(stored) - len(new),
                duplicates=len(duplicates),
                skipped=tuple((item.url, item.reason) for item in skipped),
                retrying=sum(item.transient for item in skipped),
                new_stories=sum(stories[i.document.id][1] == i.document.id for i in new),
                joined_stories=sum(stories[i.document.id][1] != i.document.id for i in new),
            )
            return _Taken(report=report, rows=tuple(rows))

    def _duplicates(
        self, source: Source, items: Sequence[WebItem]
    ) -> tuple[list[tuple[WebItem, SourceItem | WebItem]], list[WebItem]]:
        """Items already stored under another URL of the same source or site (same text),
        or read earlier in this poll (same page or text), each with what it repeats; and
        the others, to ingest."""
        keys = {i.identity.content_key for i in items if i.identity.content_key}
        stored: dict[str, list[SourceItem]] = {}
        if keys:
            sites = {_site(item) for item in items}
            for row in self.store.content_matches(keys, source_id=source.id, sites=sites):
                stored.setdefault(row.content_key or "", []).append(row)
        duplicates: list[tuple[WebItem, SourceItem | WebItem]] = []
        fresh: list[WebItem] = []
        by_document: dict[str, WebItem] = {}
        by_text: dict[str, WebItem] = {}
        for item in items:
            key = item.identity.content_key
            match: SourceItem | WebItem | None = next(
                (
                    row
                    for row in stored.get(key or "", [])
                    if row.url_key != item.identity.url_key
                    and (row.source_id == source.id or row.site == _site(item))
                ),
                None,
            )
            match = match or by_document.get(item.document.id) or by_text.get(key or "")
            if match is not None:
                duplicates.append((item, match))
                continue
            fresh.append(item)
            by_document[item.document.id] = item
            if key:
                by_text[key] = item
        return duplicates, fresh

    def _ingest(
        self, documents: Sequence[Document], now: dt.datetime
    ) -> tuple[IngestReport, dict[str, str | None]]:
        """Ingest the documents; one whose analysis fails is skipped with its reason (the
        service isolates each document, and says which failed)."""
        failures: dict[str, str | None] = {d.id: None for d in documents}
        if not documents:
            return IngestReport(), failures
        report = self.service.ingest_documents(documents, now=now)
        names = {d.id: d.name for d in documents}
        for doc_id, reason in report.failed:
            logger.warning("ingesting %s failed: %s", names[doc_id], reason)
            failures[doc_id] = reason
        return report, failures

    def _stories(
        self, items: Sequence[WebItem], new_names: set[str]
    ) -> dict[str, tuple[bytes, str]]:
        """Each document's fingerprint and story (cluster id); new documents join one."""
        clusterer = self._loaded_clusterer()
        found: dict[str, tuple[bytes, str]] = {}
        for item in items:
            document = item.document
            known = clusterer.cluster_of(document.id)
            if document.name not in new_names and known is not None:
                fingerprint = clusterer.fingerprint_of(document.id)
                found[document.id] = (fingerprint.to_bytes(), known)
                continue
            fingerprint = story_fingerprint(document.text[document.body_start :])
            cluster = clusterer.add_fingerprint(document.id, fingerprint)
            found[document.id] = (fingerprint.to_bytes(), cluster)
        return found

    def _loaded_clusterer(self) -> StoryClusterer:
        """The clusterer, with every stored fingerprint (new rows since the last poll too:
        another process may have polled)."""
        rows = self.store.cluster_rows(after=self._cluster_mark)
        if self._clusterer is None:
            self._clusterer = StoryClusterer()
        self._clusterer.load((doc_id, data, cluster) for _, doc_id, data, cluster in rows)
        if rows:
            self._cluster_mark = rows[-1][0]
        return self._clusterer


# --- rows -----------------------------------------------------------------------------------


def _link(item: WebItem) -> str:
    """The URL the feed gave for the item (the page's own canonical URL may differ)."""
    return item.entry.link if item.entry is not None else item.document.url or item.document.name


def _site(item: WebItem) -> str:
    return site_of(item.document.url or item.document.name)


def _keys(item: WebItem) -> list[str]:
    """The item's URL key, then the key of the feed's link when that is another URL."""
    keys = [item.identity.url_key]
    link_key = url_key(_link(item))
    if link_key not in keys:
        keys.append(link_key)
    return keys


def _item_rows(
    source: Source, item: WebItem, now: dt.datetime, story: tuple[bytes, str]
) -> list[SourceItem]:
    """The stored item, and an alias row for the feed's link when it is another URL."""
    document = item.document
    fingerprint, cluster = story
    main = SourceItem(
        url_key=item.identity.url_key,
        url=document.url or document.name,
        source_id=source.id,
        status="ingested",
        content_key=item.identity.content_key,
        document_id=document.id,
        origin=item.origin,
        site=_site(item),
        cluster_id=cluster,
        fingerprint=fingerprint,
        note=item.note,
        seen_at=now,
    )
    aliases = [
        main.model_copy(
            update={
                "url_key": key,
                "url": _link(item),
                "status": "duplicate",
                "fingerprint": None,
                "note": f"the same page as {main.url}",
            }
        )
        for key in _keys(item)[1:]
    ]
    return [main, *aliases]


def _duplicate_rows(
    source: Source,
    item: WebItem,
    match: SourceItem | WebItem,
    now: dt.datetime,
    stories: Mapping[str, tuple[bytes, str]],
) -> list[SourceItem]:
    """Rows saying the item's URLs lead to a document stored already (`match`'s)."""
    document_id: str | None
    if isinstance(match, WebItem):
        document_id, original = match.document.id, match.document.name
        cluster = stories[document_id][1] if document_id in stories else None
    else:
        document_id, cluster, original = match.document_id, match.cluster_id, match.url
    page = item.document.url or item.document.name
    return [
        SourceItem(
            url_key=key,
            url=page if key == item.identity.url_key else _link(item),
            source_id=source.id,
            status="duplicate",
            content_key=item.identity.content_key,
            document_id=document_id,
            origin=item.origin,
            site=_site(item),
            cluster_id=cluster,
            note=f"the same text as {original}",
            seen_at=now,
        )
        for key in _keys(item)
    ]


def _skipped_row(
    source: Source, url: str, reason: str, transient: bool, now: dt.datetime
) -> SourceItem:
    return SourceItem(
        url_key=url_key(url),
        url=url,
        source_id=source.id,
        status="retry" if transient else "skipped",
        site=site_of(url),
        note=reason,
        seen_at=now,
    )


def _short(url: str) -> str:
    """The last path segment of a URL, or the URL: enough to recognise an item."""
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return tail or url
