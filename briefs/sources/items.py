"""Web items: a feed entry or page turned into a `Document`, and their ingest.

An item's text comes from the article page when it can be had. When it cannot (the
page fails to fetch, or holds no article text, e.g. behind a paywall) the feed's
summary stands in, and says so three ways, since every citation must be honest about
what it quotes:
- `WebItem.origin == "feed_summary"` and `WebItem.note` (why the page was not used);
- the document's title ends with " (feed summary)", which every brief, digest and JSON
  `title` field already shows next to the quote;
- the document keeps the page's URL as its name, so when the page becomes readable
  its text replaces the summary (same document id), and the title mark goes away.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Literal
from urllib.parse import urlsplit

from briefs.documents import DEFAULT_MAX_BYTES
from briefs.errors import SkippedFile
from briefs.models import Document, Frozen
from briefs.service import BriefingService, IngestReport
from briefs.sources.dedupe import ItemIdentity, canonical_url, item_identity
from briefs.sources.extract import (
    ENGLISH,
    UNKNOWN_LANGUAGE,
    Article,
    article_document,
    text_language,
    web_document,
)
from briefs.sources.feeds import FeedEntry

TextOrigin = Literal["page", "feed_summary"]
SUMMARY_MARK = " (feed summary)"


class WebItem(Frozen):
    """A document read from the web, with where its text came from and its identity."""

    document: Document
    origin: TextOrigin
    identity: ItemIdentity
    language: str = "en"
    entry: FeedEntry | None = None  # the feed entry it came from, if any
    note: str | None = None  # for a feed summary: why the page was not used

    @property
    def from_summary(self) -> bool:
        return self.origin == "feed_summary"


class SkippedItem(Frozen):
    """An entry or page that gave no document, with a one-line reason.

    `transient`: the reason may pass (the page did not load, and no summary could stand
    in), so a poller reads it again later; otherwise (not English, no article) never.
    """

    url: str
    reason: str
    transient: bool = False


def source_name(
    *,
    page_site: str | None = None,
    explicit: str | None = None,
    feed_title: str | None = None,
    url: str,
) -> str:
    """The outlet to credit: the page's own site name, else the name the user gave the
    source, else the feed's title, else the host.

    The page comes first because aggregator feeds carry other outlets' articles.
    """
    for name in (page_site, explicit, feed_title):
        if name and name.strip():
            return name.strip()
    return (urlsplit(url).hostname or url).removeprefix("www.")


def item_from_article(
    article: Article,
    *,
    entry: FeedEntry | None = None,
    source: str | None = None,
    feed_title: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> WebItem:
    """The item of an extracted article page; the feed entry's date wins over the page's."""
    outlet = source_name(
        page_site=article.site_name, explicit=source, feed_title=feed_title, url=article.url
    )
    published = entry.published if entry is not None else None
    document = article_document(article, source=outlet, published=published, max_bytes=max_bytes)
    if article.title is None and entry is not None and entry.title:
        document = document.model_copy(update={"title": entry.title})
    return WebItem(
        document=document,
        origin="page",
        identity=item_identity(document.url or document.name, document.text),
        language=article.language,
        entry=entry,
    )


def item_from_summary(
    entry: FeedEntry,
    *,
    reason: str,
    source: str | None = None,
    feed_title: str | None = None,
    languages: Collection[str] | None = ENGLISH,
) -> WebItem:
    """The item made of the entry's summary when its page is unusable for `reason`.

    Raises `SkippedFile` when the entry has no summary, or one not in `languages`.
    """
    url = canonical_url(entry.link)
    if not entry.summary:
        raise SkippedFile(url, f"{reason}, and the feed gives no summary")
    language = text_language(entry.summary, None)
    if languages is not None and language not in languages:
        shown = "not English" if language == UNKNOWN_LANGUAGE else language
        raise SkippedFile(url, f"{reason}, and the feed's summary is {shown}")
    title = (entry.title or url) + SUMMARY_MARK
    document = web_document(
        url,
        entry.summary,
        title=title,
        source=source_name(explicit=source, feed_title=feed_title, url=url),
        published=entry.published,
    )
    return WebItem(
        document=document,
        origin="feed_summary",
        identity=item_identity(url, entry.summary),
        language=language,
        entry=entry,
        note=f"feed summary used: {reason}",
    )


def ingest_items(
    service: BriefingService,
    items: Iterable[WebItem | SkippedItem],
    *,
    now: dt.datetime | None = None,
) -> IngestReport:
    """Analyse and save new or changed items, as `BriefingService.ingest` does for files.

    An item whose document (same id, same checksum) is already stored is "unchanged";
    skipped items are reported with their reasons. New and changed documents are stamped
    as ingested at `now` (the service's clock when not given).
    """
    documents: list[Document] = []
    skipped: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, SkippedItem):
            skipped.append((item.url, item.reason))
        else:
            documents.append(item.document)
    report = service.ingest_documents(documents, now=now)
    return report.model_copy(update={"skipped": tuple(skipped)})
