"""Benchmark live sources: page extraction rate, and a 1,000-item feed backlog ingested whole.

Not a test: run it by hand from the project root.

    .venv/bin/python bench/sources_bench.py [--items 1000] [--pages 300] [--concurrency 8]
                                            [--corpus PATH]

Everything runs on 127.0.0.1: the fake web of the tests (tests/emulators/web.py) starts
in this process and serves generated article pages. Each page wraps one article of the
development corpus (--corpus, default ../shared/corpus/articles; the emulator's own
sample stories when it is missing) in realistic markup (navigation, cookie banner,
byline, sidebar, newsletter box, footer), with one line of its own ("This is update
number N ...") so that no two pages are the same text.

1. Extraction: `extract_article` on --pages pre-rendered pages in one thread (no
   network): pages/s and words/s of extracted text.
2. Fetch + extract: the same pages fetched from the fake web through the real `Fetcher`
   (--concurrency at once) and extracted (`read_page`, extraction off the event loop).
3. The backlog: one RSS feed of --items entries, polled once (`poll_feed`), every
   entry's page fetched and extracted (`read_entries`), then analysed by the real
   analyzer and saved to a fresh SQLite store (`ingest_items`, i.e. the analyzer's
   `analyze_many` and `BriefingService.save`). The spaCy model is loaded before the
   clock starts (its load time is printed on its own). Items/s and words/s are for
   the whole backlog; words are counted as `IngestReport.words` counts them.
4. The same feed added as a live source and polled through `SourcePoller`: every page is
   read again and every document found stored, so this is the poller's own cost (item
   and content keys, fingerprints and story clusters, the items table); then a
   conditional re-poll, which should be one request and nothing new.

Peak RSS (ru_maxrss) is printed at the end; the 1-minute load average at start and end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from emulators.web import STORIES, FakeWeb, FeedItem, Resource, article_page, rss_feed

from adapters.web.fetcher import FetchConfig, Fetcher
from adapters.web.poller import SourcePoller
from adapters.web.sources import ReadOptions, poll_feed, read_entries, read_page
from bench import DEFAULT_CORPUS, load_average, peak_rss_mb
from bot.settings import load_settings
from bot.wiring import build_service
from briefs.documents import parse_document
from briefs.errors import SkippedFile
from briefs.files import iter_input_files
from briefs.service import BriefingService
from briefs.sources.extract import extract_article
from briefs.sources.items import SkippedItem, WebItem, ingest_items
from briefs.sources.models import SourceDraft
from briefs.sources.store import SourceStore

TODAY = dt.date(2026, 2, 1)
PUBLISHED = dt.datetime(2026, 1, 6, 8, 0, tzinfo=dt.UTC)


class Article:
    """A title, outlet and paragraphs to render."""

    def __init__(self, title: str, site: str, paragraphs: Sequence[str]) -> None:
        self.title, self.site, self.paragraphs = title, site, tuple(paragraphs)


def load_articles(corpus: Path) -> list[Article]:
    """The corpus articles, or the emulator's stories when the corpus is missing."""
    found: list[Article] = []
    if corpus.is_dir():
        for path in iter_input_files([corpus]):
            if isinstance(path, SkippedFile):
                continue
            try:
                document = parse_document(path.name, path.read_bytes())
            except SkippedFile:
                continue
            body = document.text[document.body_start :]
            paragraphs = [line.strip() for line in body.splitlines() if line.strip()]
            found.append(Article(document.title, document.source or "Wire", paragraphs))
    if not found:
        found = [Article(s.title, s.outlet, s.paragraphs) for s in STORIES]
    return found


def page_html(articles: Sequence[Article], number: int) -> str:
    article = articles[number % len(articles)]
    paragraphs = (
        *article.paragraphs,
        f"This is update number {number} of the live coverage, published by {article.site}.",
    )
    return article_page(
        title=f"{article.title} (update {number})",
        paragraphs=paragraphs,
        site=article.site,
        published=PUBLISHED.date(),
    )


def serve_pages(web: FakeWeb, articles: Sequence[Article]) -> None:
    def make(name: str) -> Resource | None:
        stem = name.removesuffix(".html")
        if not stem.isdigit():
            return None
        return Resource(body=page_html(articles, int(stem)).encode("utf-8"))

    web.generate("/bench/", make)


def feed_of(count: int) -> str:
    return rss_feed(
        [
            FeedItem(
                title=f"Item {n}",
                link=f"/bench/{n}.html",
                guid=f"bench-{n}",
                summary=f"Summary of item {n}.",
                published=PUBLISHED + dt.timedelta(minutes=n),
            )
            for n in range(count)
        ]
    )


def bench_extract(articles: Sequence[Article], pages: int) -> None:
    rendered = [page_html(articles, n) for n in range(pages)]
    url = "https://bench.example/a"
    extract_article(rendered[0], url, today=TODAY)  # warm-up: imports, lazy tables
    start = time.perf_counter()
    words = sum(len(extract_article(p, url, today=TODAY).text.split()) for p in rendered)
    seconds = time.perf_counter() - start
    size = sum(len(p.encode()) for p in rendered) / pages / 1000
    print(f"1. extraction only: {pages} pages ({size:.1f} KB of HTML each) in {seconds:.2f} s")
    print(f"   {pages / seconds:,.1f} pages/s, {words / seconds:,.0f} extracted words/s")


async def bench_fetch_extract(web: FakeWeb, fetcher: Fetcher, pages: int) -> None:
    start = time.perf_counter()
    results = await asyncio.gather(
        *(read_page(fetcher, web.url(f"/bench/{n}.html"), today=TODAY) for n in range(pages))
    )
    seconds = time.perf_counter() - start
    ok = sum(isinstance(r, WebItem) for r in results)
    print(
        f"2. fetch + extract: {ok}/{pages} pages in {seconds:.2f} s, {pages / seconds:,.1f} pages/s"
    )


async def bench_backlog(web: FakeWeb, fetcher: Fetcher, items: int, work: Path) -> None:
    web.put("/bench/feed.xml", feed_of(items), content_type="application/rss+xml")
    settings = load_settings(env_file=None).model_copy(
        update={"database_url": None, "actors_file": None, "topics_file": None}
    )
    service = build_service(settings, work / "sources.db")
    loaded = time.perf_counter()
    _ = service.analyzer
    model_s = time.perf_counter() - loaded
    print(f"3. backlog of {items} feed items (model load, untimed: {model_s:.2f} s)")

    start = time.perf_counter()
    poll = await poll_feed(fetcher, web.url("/bench/feed.xml"), max_entries=items)
    polled = time.perf_counter()
    read = await read_entries(fetcher, poll.new_entries, today=TODAY, options=ReadOptions())
    fetched = time.perf_counter()
    report = ingest_items(service, read, now=dt.datetime.now(dt.UTC))
    done = time.perf_counter()

    pages = sum(isinstance(i, WebItem) and not i.from_summary for i in read)
    skipped = [i for i in read if isinstance(i, SkippedItem)]
    total = done - start
    print(f"   poll + parse feed   {polled - start:8.2f} s  ({len(poll.new_entries)} entries)")
    print(
        f"   fetch + extract     {fetched - polled:8.2f} s  ({pages} pages, {len(skipped)} skipped)"
    )
    print(f"   analyse + save      {done - fetched:8.2f} s  ({report.summary})")
    print(f"   total               {total:8.2f} s")
    print(
        f"   throughput: {len(report.ingested) / total:,.1f} items/s, "
        f"{report.words / total:,.0f} words/s ({report.words:,} words); "
        f"analyse + save alone {report.words / (done - fetched):,.0f} words/s"
    )
    print(f"   store: {service.store.document_count()} documents")
    await bench_poller(web, fetcher, service, items)
    service.store.close()


async def bench_poller(
    web: FakeWeb, fetcher: Fetcher, service: BriefingService, items: int
) -> None:
    """The same feed as a live source, through `SourcePoller`: its first poll reads every
    page again and finds every document stored (so it measures the poller's own work:
    claims, item keys, content keys, fingerprints, clusters, the items table), then a
    conditional re-poll."""
    store = SourceStore.for_store(service.store)
    now = dt.datetime.now(dt.UTC)
    draft = SourceDraft(
        url=web.url("/bench/feed.xml"), kind="feed", interval_s=3600, created_by="bench"
    )
    source = store.add(draft, now=now)
    poller = SourcePoller(service, store, fetcher, clock=lambda: now, owner="bench:1:a")
    start = time.perf_counter()
    first = await poller.poll(source.id)
    polled = time.perf_counter()
    again = await poller.poll(source.id, force=True)
    done = time.perf_counter()
    clusters = {i.cluster_id for i in store.items(source.id) if i.status == "ingested"}
    print(f"4. the feed as a source, through SourcePoller ({items} items)")
    print(f"   first poll          {polled - start:8.2f} s  ({first.summary()})")
    print(f"   stories             {len(clusters):8d}    (clusters over {items} documents)")
    print(f"   re-poll             {done - polled:8.2f} s  ({again.summary()})")


async def run(args: argparse.Namespace, work: Path) -> None:
    articles = load_articles(args.corpus)
    print(f"{load_average()}; {len(articles)} source articles to render pages from")
    bench_extract(articles, args.pages)
    config = FetchConfig(
        allow_private=True, max_concurrency=args.concurrency, per_host=args.concurrency
    )
    async with FakeWeb() as web, Fetcher(config) as fetcher:
        serve_pages(web, articles)
        await bench_fetch_extract(web, fetcher, args.pages)
        await bench_backlog(web, fetcher, args.items, work)
        print(f"   requests served by the fake web: {len(web.requests)}")
    print(f"peak RSS {peak_rss_mb():.0f} MB; {load_average()}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="feed backlog size")
    parser.add_argument("--pages", type=int, default=300, help="pages for the extraction rate")
    parser.add_argument("--concurrency", type=int, default=8, help="fetches at once")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="articles folder")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="briefbot-sources-bench-"))
    try:
        asyncio.run(run(args, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
