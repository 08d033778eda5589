"""Live sources, end to end: probe a URL, poll a feed or a page, read entries into items.

This is the stateless API that `adapters.web.poller.SourcePoller` (the scheduler's polls
and `sources fetch`) and `adapters.sources.SourceDesk` (`sources add`) build on. The
caller keeps, per source: its URL, the `Validators` of the last poll (for a conditional
GET), `retry_after_s`/`error` for backoff and display, and the `url_key`s (and
`content_key`s) of the items already stored. A poll:

    poll = await poll_feed(fetcher, source.url, validators=source.validators, seen=keys)
    if poll.not_modified or poll.error: ...         # nothing new, or say why
    items = await read_entries(fetcher, poll.new_entries, today=..., feed_title=...)
    report = ingest_items(service, items, now=...)  # analyse and store new documents

and for a source that is one article page, `poll_page` (conditional too).

Nothing here raises for bad input: failures come back as `error` fields and
`SkippedItem`s with one-line reasons (`transient` when reading again may help).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Literal

from pydantic import Field

from adapters.web.fetcher import Fetcher, FetchResult, Validators
from briefs.errors import SkippedFile
from briefs.models import Frozen
from briefs.sources.dedupe import url_key
from briefs.sources.extract import (
    DEFAULT_MIN_WORDS,
    ENGLISH,
    Article,
    WrongLanguage,
    discover_feeds,
    extract_article,
)
from briefs.sources.feeds import (
    DEFAULT_MAX_ENTRIES,
    FeedEntry,
    ParsedFeed,
    parse_feed,
    sniff_kind,
)
from briefs.sources.items import SkippedItem, WebItem, item_from_article, item_from_summary


class ReadOptions(Frozen):
    """How entries and pages are read; the composition root fills it from settings."""

    languages: frozenset[str] | None = ENGLISH  # None accepts every language
    min_words: int = Field(default=DEFAULT_MIN_WORDS, ge=1)
    max_entries: int = Field(default=DEFAULT_MAX_ENTRIES, ge=1)
    summary_fallback: bool = True  # use the feed summary when the page is unusable
    source: str | None = None  # the outlet name the user gave the source, if any


class FeedPoll(Frozen):
    """One poll of a feed: the fetch, the parsed feed, and the entries not seen before."""

    url: str
    fetch: FetchResult
    feed: ParsedFeed | None = None
    new_entries: tuple[FeedEntry, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.fetch.not_modified

    @property
    def error(self) -> str | None:
        """Why the poll gave nothing, in one sentence (None when it worked)."""
        if self.fetch.error is not None:
            return self.fetch.error
        return self.feed.error if self.feed is not None else None

    @property
    def validators(self) -> Validators:
        """What to send on the next poll (the old ones are kept by a 304)."""
        return self.fetch.validators

    @property
    def retry_after_s(self) -> float | None:
        return self.fetch.retry_after_s


class PagePoll(Frozen):
    """One poll of an article page: the fetch, and the item read from it (None: a 304)."""

    url: str
    fetch: FetchResult
    item: WebItem | SkippedItem | None = None

    @property
    def not_modified(self) -> bool:
        return self.fetch.not_modified

    @property
    def error(self) -> str | None:
        """Why the page gave nothing, in one sentence (None when it worked)."""
        if self.fetch.error is not None:
            return self.fetch.error
        return self.item.reason if isinstance(self.item, SkippedItem) else None

    @property
    def validators(self) -> Validators:
        return self.fetch.validators


class SourceProbe(Frozen):
    """What a URL offered to `sources add` is: a feed, an article page, or neither."""

    url: str  # as given
    final_url: str  # after redirects: the URL to store
    kind: Literal["feed", "page", "error"]
    title: str | None = None
    entries: int = 0  # for a feed
    feeds: tuple[str, ...] = ()  # for a page: the feeds it advertises
    warnings: tuple[str, ...] = ()
    error: str | None = None


async def probe(
    fetcher: Fetcher, url: str, *, max_entries: int = DEFAULT_MAX_ENTRIES
) -> SourceProbe:
    """Fetch `url` once and say what it is; a page lists the feeds it links to."""
    result = await fetcher.fetch(url)
    if not result.ok or result.body_text is None:
        return SourceProbe(url=url, final_url=result.final_url, kind="error", error=result.error)
    text = result.body_text
    if sniff_kind(text, result.content_type) == "page":
        return SourceProbe(
            url=url,
            final_url=result.final_url,
            kind="page",
            feeds=discover_feeds(text, result.final_url),
        )
    feed = parse_feed(
        text, base_url=result.final_url, content_type=result.content_type, max_entries=max_entries
    )
    if feed.error is not None:
        return SourceProbe(url=url, final_url=result.final_url, kind="error", error=feed.error)
    return SourceProbe(
        url=url,
        final_url=result.final_url,
        kind="feed",
        title=feed.title,
        entries=len(feed.entries),
        warnings=feed.warnings,
    )


async def poll_feed(
    fetcher: Fetcher,
    url: str,
    *,
    validators: Validators | None = None,
    seen: Collection[str] = frozenset(),
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> FeedPoll:
    """Fetch and parse a feed; `new_entries` are those whose url_key is not in `seen`.

    Entries repeated within the feed are listed once (the first, i.e. newest, wins).
    """
    result = await fetcher.fetch(url, validators)
    if not result.ok or result.body_text is None:
        return FeedPoll(url=url, fetch=result)
    feed = parse_feed(
        result.body_text,
        base_url=result.final_url,
        content_type=result.content_type,
        max_entries=max_entries,
    )
    return FeedPoll(url=url, fetch=result, feed=feed, new_entries=_unseen(feed.entries, seen))


async def read_entries(
    fetcher: Fetcher,
    entries: Sequence[FeedEntry],
    *,
    today: dt.date,
    options: ReadOptions | None = None,
    feed_title: str | None = None,
) -> list[WebItem | SkippedItem]:
    """Read every entry's page (concurrently, within the fetcher's cap), in entry order."""
    return list(
        await asyncio.gather(
            *(
                read_entry(fetcher, e, today=today, options=options, feed_title=feed_title)
                for e in entries
            )
        )
    )


async def read_entry(
    fetcher: Fetcher,
    entry: FeedEntry,
    *,
    today: dt.date,
    options: ReadOptions | None = None,
    feed_title: str | None = None,
) -> WebItem | SkippedItem:
    """The entry's article, or its summary when the page is unusable, or why neither."""
    options = options or ReadOptions()
    result = await fetcher.fetch(entry.link)
    article = await _article(result, today=today, options=options)
    if isinstance(article, Article):
        found = article
        return _item(
            lambda: item_from_article(
                found, entry=entry, source=options.source, feed_title=feed_title
            ),
            entry.link,
        )
    # A page that did not load may load next time; a page read and refused will not.
    transient = result.error is not None and not result.permanent
    if isinstance(article, WrongLanguage) or not options.summary_fallback:
        return SkippedItem(url=entry.link, reason=article.reason, transient=transient)
    reason = article.reason
    return _item(
        lambda: item_from_summary(
            entry,
            reason=reason,
            source=options.source,
            feed_title=feed_title,
            languages=options.languages,
        ),
        entry.link,
        transient=transient,
    )


async def read_page(
    fetcher: Fetcher,
    url: str,
    *,
    today: dt.date,
    options: ReadOptions | None = None,
) -> WebItem | SkippedItem:
    """One article page (a source that is a page, not a feed)."""
    poll = await poll_page(fetcher, url, today=today, options=options)
    assert poll.item is not None  # without validators there is no "not modified"
    return poll.item


async def poll_page(
    fetcher: Fetcher,
    url: str,
    *,
    today: dt.date,
    validators: Validators | None = None,
    options: ReadOptions | None = None,
) -> PagePoll:
    """Fetch an article page (conditionally when `validators` are given) and read it.

    `item` is None only when the page was not modified; otherwise it is the article, or
    why there is none (a failed fetch is a transient SkippedItem unless it is permanent).
    """
    options = options or ReadOptions()
    result = await fetcher.fetch(url, validators)
    if result.not_modified:
        return PagePoll(url=url, fetch=result)
    article = await _article(result, today=today, options=options)
    if isinstance(article, SkippedFile):
        transient = result.error is not None and not result.permanent
        skipped = SkippedItem(url=url, reason=article.reason, transient=transient)
        return PagePoll(url=url, fetch=result, item=skipped)
    found = article
    item = _item(lambda: item_from_article(found, source=options.source), url)
    return PagePoll(url=url, fetch=result, item=item)


async def _article(
    result: FetchResult, *, today: dt.date, options: ReadOptions
) -> Article | SkippedFile:
    """The extracted `Article`, or a `SkippedFile` saying why there is none."""
    if not result.ok or result.body_text is None:
        return SkippedFile(result.url, f"the page could not be fetched: {result.error}")
    if sniff_kind(result.body_text, result.content_type) == "feed":
        return SkippedFile(result.url, "the link leads to a feed, not an article")
    body = result.body_text
    language = result.headers.get("Content-Language")
    try:
        # trafilatura is CPU-bound (milliseconds to tens of them per page): off the loop,
        # so chat surfaces sharing it stay responsive during a poll.
        return await asyncio.to_thread(
            extract_article,
            body,
            result.final_url,
            today=today,
            languages=options.languages,
            min_words=options.min_words,
            content_language=language,
        )
    except SkippedFile as skipped:
        return skipped


def _item(
    build: Callable[[], WebItem], url: str, *, transient: bool = False
) -> WebItem | SkippedItem:
    try:
        return build()
    except SkippedFile as skipped:
        return SkippedItem(url=url, reason=skipped.reason, transient=transient)


def _unseen(entries: Iterable[FeedEntry], seen: Collection[str]) -> tuple[FeedEntry, ...]:
    fresh: list[FeedEntry] = []
    keys: set[str] = set()
    for entry in entries:
        key = url_key(entry.link)
        if key in seen or key in keys:
            continue
        keys.add(key)
        fresh.append(entry)
    return tuple(fresh)
