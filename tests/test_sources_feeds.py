"""Feed parsing: entries, fatal vs recoverable bozo cases, pages that are not feeds."""

from __future__ import annotations

import datetime as dt

import pytest
from emulators.web import (
    FeedItem,
    article_page,
    atom_feed,
    bad_case_bodies,
    big_feed_items,
    rss_feed,
)

from briefs.sources.dedupe import url_key
from briefs.sources.extract import discover_feeds
from briefs.sources.feeds import html_to_text, parse_feed, sniff_kind

BASE = "https://kyivwire.example/feeds/world.xml"
NEW_YORK = dt.timezone(dt.timedelta(hours=-5))


def bad(path: str) -> str:
    return bad_case_bodies()[path][0].decode("utf-8")


def test_an_rss_feed_gives_its_entries() -> None:
    items = [
        FeedItem(
            title="Poland rules out troops",
            link="/news/poland-troops?utm_source=rss",
            guid="kw-1001",
            summary="<p>Poland will <b>not</b> send troops &amp; says so.</p><p>More.</p>",
            published=dt.datetime(2026, 1, 6, 23, 30, tzinfo=NEW_YORK),
        ),
        FeedItem(title="Second", link="https://kyivwire.example/news/second"),
    ]
    feed = parse_feed(rss_feed(items), base_url=BASE)
    assert feed.ok and feed.kind == "feed" and feed.warnings == ()
    assert (feed.title, feed.site_url, feed.language) == (
        "Kyiv Wire: World",
        "https://kyivwire.example/world",
        "en",
    )
    first, second = feed.entries
    assert first.guid == "kw-1001"
    assert first.link == "https://kyivwire.example/news/poland-troops?utm_source=rss"
    assert first.title == "Poland rules out troops"
    assert first.summary == "Poland will not send troops & says so.\nMore."
    # the day as the feed wrote it (New York), and the UTC moment
    assert first.published == dt.date(2026, 1, 6)
    assert first.published_at == dt.datetime(2026, 1, 7, 4, 30, tzinfo=dt.UTC)
    assert second.published is None and second.summary is None


def test_an_atom_feed_gives_its_entries() -> None:
    items = [
        FeedItem(
            title="Paris declaration",
            link="https://northernledger.example/paris",
            guid="tag:northernledger.example,2026:1",
            summary="Britain and France <i>pledge</i> troops.",
            published=dt.datetime(2026, 1, 6, 10, 0, tzinfo=dt.UTC),
        )
    ]
    feed = parse_feed(atom_feed(items), base_url="https://northernledger.example/atom")
    assert feed.ok and feed.title == "Northern Ledger"
    (entry,) = feed.entries
    assert entry.guid == "tag:northernledger.example,2026:1"
    assert entry.link == "https://northernledger.example/paris"
    assert entry.summary == "Britain and France pledge troops."
    assert entry.published == dt.date(2026, 1, 6)


def test_malformed_xml_with_nothing_recoverable_is_a_fatal_error() -> None:
    feed = parse_feed(bad("/feeds/broken.xml"), base_url=BASE)
    assert not feed.ok and feed.kind == "feed" and feed.entries == ()
    assert feed.error is not None
    assert feed.error.startswith("the feed is not well-formed XML (")
    assert feed.error.endswith("at line 4, column 0)")


def test_an_unescaped_ampersand_is_recoverable_with_a_warning() -> None:
    feed = parse_feed(bad("/feeds/sloppy.xml"), base_url=BASE)
    assert feed.ok
    assert [e.title for e in feed.entries] == ["Guns & butter"]
    assert feed.entries[0].link == "https://kyivwire.example/pages/article.html"
    (warning,) = feed.warnings
    assert warning.startswith("the feed is not well-formed XML (")
    assert warning.endswith("; read what was recoverable")


def test_a_truncated_feed_keeps_its_complete_entries() -> None:
    feed = parse_feed(bad("/feeds/truncated.xml"), base_url=BASE)
    assert feed.ok and [e.guid for e in feed.entries] == ["a1"]
    assert any("well-formed" in w for w in feed.warnings)
    assert "1 entry without a usable link skipped" in feed.warnings


def test_an_html_page_is_a_page_not_a_feed() -> None:
    feed = parse_feed(bad("/feeds/html-instead.xml"), base_url=BASE)
    assert feed.kind == "page" and feed.error == "this is a web page, not a feed"


@pytest.mark.parametrize(
    "text",
    [
        '{"version": "https://jsonfeed.org/version/1.1", "items": []}',
        "<?xml version='1.0'?><urlset><url><loc>https://e.example/a</loc></url></urlset>",
        "just some words",
        "\x00\x01\x02 binary junk",
    ],
)
def test_other_documents_are_not_feeds(text: str) -> None:
    feed = parse_feed(text, base_url=BASE)
    assert not feed.ok and feed.kind == "unknown"
    assert feed.error == "this is not an RSS or Atom feed"


def test_an_empty_body_is_an_empty_feed_error() -> None:
    assert parse_feed("  \n", base_url=BASE).error == "the feed is empty"


def test_a_valid_feed_without_items_is_fine() -> None:
    feed = parse_feed(rss_feed([]), base_url=BASE)
    assert feed.ok and feed.entries == ()


def test_entries_without_a_usable_link_are_skipped_with_a_warning() -> None:
    text = (
        "<rss version='2.0'><channel><title>x</title>"
        "<item><title>guid permalink</title><guid>https://e.example/g1</guid></item>"
        "<item><title>opaque guid</title><guid isPermaLink='false'>abc</guid></item>"
        "<item><title>script</title><link>javascript:alert(1)</link></item>"
        "</channel></rss>"
    )
    feed = parse_feed(text, base_url=BASE)
    assert [e.link for e in feed.entries] == ["https://e.example/g1"]
    assert feed.warnings == ("2 entries without a usable link skipped",)


def test_a_500_item_feed_is_read_whole_and_capped_on_request() -> None:
    text = rss_feed(big_feed_items(500))
    assert len(parse_feed(text, base_url=BASE).entries) == 500
    capped = parse_feed(text, base_url=BASE, max_entries=100)
    assert len(capped.entries) == 100 and capped.entries[0].guid == "item-0"
    assert capped.warnings == ("the feed lists 500 entries; read the first 100",)


def test_a_feed_that_changes_guid_date_and_title_keeps_each_items_url_key() -> None:
    before = rss_feed(
        [
            FeedItem(
                title="Poland rules out troops",
                link="https://kyivwire.example/news/poland-troops",
                guid="kw-1001",
                published=dt.datetime(2026, 1, 6, 9, 0, tzinfo=dt.UTC),
            )
        ]
    )
    after = rss_feed(
        [
            FeedItem(
                title="UPDATED: Poland will not send troops to Ukraine",
                link="http://www.KyivWire.example/news/poland-troops/?utm_medium=feed#comments",
                guid="urn:uuid:6f1c4d2e",
                published=dt.datetime(2026, 1, 7, 15, 0, tzinfo=dt.UTC),
            )
        ]
    )
    (old,) = parse_feed(before, base_url=BASE).entries
    (new,) = parse_feed(after, base_url=BASE).entries
    assert (old.guid, old.title, old.published) != (new.guid, new.title, new.published)
    assert url_key(old.link) == url_key(new.link)


def test_a_feed_in_a_latin_encoding_declared_in_its_prolog_parses() -> None:
    text = rss_feed([FeedItem(title="Café in Kraków", link="/a")], encoding="iso-8859-1")
    feed = parse_feed(text, base_url=BASE)  # already decoded text: the prolog is stale
    assert feed.ok and feed.warnings == () and feed.entries[0].title == "Café in Kraków"


LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
]>
<rss version="2.0"><channel><title>&f;</title>
<item><title>x</title><link>https://e.example/a</link></item></channel></rss>"""
EXTERNAL = """<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>&x;</title>
<item><title>x</title><link>https://e.example/a</link></item></channel></rss>"""


@pytest.mark.parametrize("text", [LAUGHS, EXTERNAL])
def test_entity_expansion_and_external_entities_are_not_followed(text: str) -> None:
    feed = parse_feed(text, base_url=BASE)
    assert [e.link for e in feed.entries] == ["https://e.example/a"]
    assert len(feed.title or "") < 100 and "root:" not in (feed.title or "")


def test_sniff_kind() -> None:
    assert sniff_kind(rss_feed([])) == "feed"
    assert sniff_kind(atom_feed([])) == "feed"
    assert sniff_kind("<!-- c --><rdf:RDF xmlns:rdf='x'></rdf:RDF>") == "feed"
    assert sniff_kind(article_page(title="t", paragraphs=["p"])) == "page"
    assert sniff_kind("<div>fragment</div>", "text/html; charset=utf-8") == "page"
    assert sniff_kind("whatever", "application/atom+xml") == "feed"
    assert sniff_kind("whatever", "text/plain") == "unknown"


def test_html_to_text() -> None:
    assert html_to_text("<p>One&nbsp;two</p><p>Three<br>four</p>") == "One two\nThree\nfour"
    assert html_to_text("  plain   text ") == "plain text"


def test_discover_feeds_lists_the_feeds_a_page_advertises() -> None:
    page = (
        "<html><head>"
        '<link rel="alternate" type="application/rss+xml" href="/feeds/world.xml">'
        '<link rel="alternate" type="application/atom+xml" href="https://cdn.example/a.atom">'
        '<link rel="alternate" type="application/rss+xml" href="/feeds/world.xml">'
        '<link rel="alternate" hreflang="pl" href="/pl/">'
        '<link rel="stylesheet" href="/site.css">'
        "</head><body><p>x</p></body></html>"
    )
    assert discover_feeds(page, "https://kyivwire.example/news/") == (
        "https://kyivwire.example/feeds/world.xml",
        "https://cdn.example/a.atom",
    )
    assert discover_feeds("", "https://kyivwire.example/") == ()
