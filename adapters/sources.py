"""The `sources` commands: add, list, remove and fetch live sources, on every surface.

`SourceDesk.answer` is the sources counterpart of `replies.answer`, and async: adding
a source fetches it once (is it a feed, an article page, or neither?), and fetching
polls through the same `SourcePoller` the scheduler uses, on the event loop that owns
the fetcher. Every answer is one `Notice`; nothing here raises for bad input.

Who may do what: anyone may list; adding, removing and fetching change what the whole
bot reads, so they need chat-admin rights (`Requester.can_manage_channel`, which the
adapters fill without the DM shortcut for these commands). The console is the
operator's and may do everything.
"""

from __future__ import annotations

import asyncio
from typing import Final

from adapters.commands import (
    SOURCES_HELP_TEXT,
    Requester,
    SourcesAddCommand,
    SourcesCommand,
    SourcesFetchCommand,
    SourcesHelpCommand,
    SourcesListCommand,
    SourcesRemoveCommand,
    source_interval_text,
)
from adapters.replies import Clock, Notice
from adapters.web.poller import PollReport, SourcePoller
from adapters.web.sources import SourceProbe, probe, read_page
from briefs.sources.items import SkippedItem
from briefs.sources.models import DEFAULT_INTERVAL_S, Source, SourceDraft, SourceKind
from briefs.sources.store import DuplicateSource
from briefs.sources.text import moment_text, source_name, sources_text

SOURCES_MAX: Final = 500  # enough for any real use; stops a loop filling the table
NO_REQUESTER: Final = (
    "Changing sources is not available here; use Slack, Discord or `briefbot sources`."
)
SOURCES_REFUSAL: Final = (
    "Only chat admins can add, remove or fetch sources (Slack: a workspace admin or owner, "
    "or someone on DIGEST_SLACK_ADMINS; Discord: Manage Channels, in a server channel). "
    "Anyone can see them with `sources list`."
)


class SourceDesk:
    """Answers the sources commands over one poller (its store, fetcher and clock)."""

    def __init__(
        self,
        poller: SourcePoller,
        *,
        default_interval_s: int = DEFAULT_INTERVAL_S,
        clock: Clock | None = None,
    ) -> None:
        self.poller = poller
        self.default_interval_s = default_interval_s
        self._clock = clock or poller.clock

    async def answer(self, command: SourcesCommand, requester: Requester | None) -> Notice:
        if isinstance(command, SourcesHelpCommand):
            return Notice(text=SOURCES_HELP_TEXT)
        if isinstance(command, SourcesListCommand):
            found = await asyncio.to_thread(self.poller.store.list)
            return Notice(text=sources_text(found, self._clock()))
        refusal = _refusal(requester)
        if refusal is not None:
            return refusal
        assert requester is not None  # _refusal answers for a missing requester
        if isinstance(command, SourcesAddCommand):
            return await self._add(command, requester)
        if isinstance(command, SourcesRemoveCommand):
            return await self._remove(command.source_id)
        return await self._fetch(command)

    # --- add ----------------------------------------------------------------------------

    async def _add(self, command: SourcesAddCommand, requester: Requester) -> Notice:
        store = self.poller.store
        existing = await asyncio.to_thread(store.find_url, command.url)
        if existing is not None:
            return _already(existing)
        count = len(await asyncio.to_thread(store.list))
        if count >= SOURCES_MAX:
            return Notice(
                text=f"There are {count} sources, the most I keep; "
                "`sources remove <number>` one first.",
                error=True,
            )
        found = await probe(self.poller.fetcher, command.url)
        if found.kind == "error":
            return Notice(text=f"Cannot add {command.url}: {found.error}.", error=True)
        existing = await asyncio.to_thread(store.find_url, found.final_url)
        if existing is not None:
            return _already(existing)
        kind: SourceKind = "feed"
        title = found.title
        if found.kind == "page":
            kind = "page"
            checked = await self._article_title(found)
            if isinstance(checked, Notice):
                return checked
            title = checked
        draft = SourceDraft(
            url=found.final_url,
            kind=kind,
            title=title,
            interval_s=command.interval_s or self.default_interval_s,
            created_by=requester.user_id,
        )
        try:
            source = await asyncio.to_thread(store.add, draft, now=self._clock())
        except DuplicateSource as duplicate:  # added meanwhile by someone else
            return _already(duplicate.existing)
        return Notice(text=_added_text(source, found))

    async def _article_title(self, found: SourceProbe) -> str | Notice:
        """The page's title when it holds an article; else a refusal naming its feeds."""
        today = self._clock().date()
        item = await read_page(
            self.poller.fetcher, found.final_url, today=today, options=self.poller.policy.read
        )
        if isinstance(item, SkippedItem):
            text = f"Cannot add {found.url}: {item.reason}."
            if found.feeds:
                text += f" It links to the feed {found.feeds[0]}: `sources add {found.feeds[0]}`."
            else:
                text += " Give a feed (RSS or Atom) or an article page."
            return Notice(text=text, error=True)
        return item.document.title

    # --- remove and fetch ---------------------------------------------------------------

    async def _remove(self, source_id: int) -> Notice:
        store = self.poller.store
        source = await asyncio.to_thread(store.get, source_id)
        if source is None or not await asyncio.to_thread(store.remove, source_id):
            return _unknown(source_id)
        kept = f"the {source.item_count} items it brought stay" if source.item_count else ""
        tail = f"; {kept} in briefs and digests" if kept else ""
        return Notice(text=f"Removed #{source.id} {source_name(source)}{tail}.")

    async def _fetch(self, command: SourcesFetchCommand) -> Notice:
        store = self.poller.store
        if command.source_id is not None:
            source = await asyncio.to_thread(store.get, command.source_id)
            if source is None:
                return _unknown(command.source_id)
            targets = [source]
        else:
            targets = [s for s in await asyncio.to_thread(store.list) if not s.disabled]
            if not targets:
                return Notice(text="No source to fetch. Add one with `sources add <url>`.")
        reports = await self.poller.poll_many([s.id for s in targets], force=True)
        lines = [_fetched_line(s, r) for s, r in zip(targets, reports, strict=True)]
        failed = all(r.failed for r in reports)
        return Notice(text="Fetched:\n" + "\n".join(lines), error=failed)


def _refusal(requester: Requester | None) -> Notice | None:
    if requester is None:
        return Notice(text=NO_REQUESTER, error=True)
    if requester.platform != "console" and not requester.can_manage_channel:
        return Notice(text=SOURCES_REFUSAL, error=True)
    return None


def _already(source: Source) -> Notice:
    return Notice(text=f"That source exists already: #{source.id} {source_name(source)}.")


def _unknown(source_id: int) -> Notice:
    return Notice(
        text=f"There is no source #{source_id}; `sources list` shows the sources.", error=True
    )


def _added_text(source: Source, found: SourceProbe) -> str:
    every = source_interval_text(source.interval_s)
    text = f"Added #{source.id}: {source_name(source)}, read {every}"
    if source.kind == "feed":
        noun = "entry" if found.entries == 1 else "entries"
        text += f" ({found.entries} {noun} in it now)"
    text += (
        f". It is due now: `briefbot run` reads it at its next sync, "
        f"and `sources fetch {source.id}` reads it at once."
    )
    if found.warnings:
        text += f" Warning: {'; '.join(found.warnings)}."
    if source.kind == "page" and found.feeds:
        text += (
            f" This page links to a feed, {found.feeds[0]}, which brings every new article: "
            f"`sources add {found.feeds[0]}`."
        )
    return text


def _fetched_line(source: Source, report: PollReport) -> str:
    line = f"#{source.id} {source_name(source)}: {report.summary()}"
    if report.outcome == "failed" and report.next_poll_at is not None:
        line += f"; next retry {moment_text(report.next_poll_at)}"
    return line
