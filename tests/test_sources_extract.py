"""Article extraction, language checks, web documents and the feed-summary fallback."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from emulators.web import (
    POLISH_PARAGRAPHS,
    STORIES,
    article_page,
    no_article_page,
)

from briefs.analyzer import Analyzer
from briefs.errors import SkippedFile
from briefs.sources.dedupe import url_key
from briefs.sources.extract import (
    NotAnArticle,
    WrongLanguage,
    article_document,
    english_share,
    extract_article,
    text_language,
    web_document,
)
from briefs.sources.feeds import FeedEntry
from briefs.sources.items import (
    SUMMARY_MARK,
    item_from_article,
    item_from_summary,
    source_name,
)

TODAY = dt.date(2026, 2, 1)
STORY = STORIES[0]
URL = f"https://{STORY.host}/news/{STORY.slug}"


def story_page(**changes: object) -> str:
    options: dict[str, object] = {
        "title": STORY.title,
        "paragraphs": STORY.paragraphs,
        "site": STORY.outlet,
        "published": STORY.published,
    }
    options.update(changes)
    return article_page(**options)  # type: ignore[arg-type]


# --- the article ---------------------------------------------------------------------------------


def test_a_real_looking_page_gives_its_article_without_the_furniture() -> None:
    article = extract_article(story_page(), URL + "?utm_source=rss#top", today=TODAY)
    assert article.text == STORY.text  # every paragraph, in order, nothing else
    for furniture in ("cookies", "Most read", "Sign up", "All rights reserved", "Share on"):
        assert furniture not in article.text
    assert article.title == STORY.title
    assert article.site_name == STORY.outlet
    assert article.published == STORY.published
    assert article.language == "en"
    assert article.url == URL  # tracking and fragment gone


def test_the_document_holds_the_extracted_text_verbatim() -> None:
    article = extract_article(story_page(), URL, today=TODAY)
    document = article_document(article)
    assert document.text == article.text and document.body_start == 0
    assert document.name == document.url == URL
    assert document.id == url_key(URL)[:16]
    assert (document.title, document.source, document.published) == (
        STORY.title,
        STORY.outlet,
        STORY.published,
    )
    assert not document.date_from_text


def test_the_analyzer_cites_verbatim_quotes_from_a_web_document(analyzer: Analyzer) -> None:
    """End to end: a page's text becomes a Document whose sentences the engine analyses."""
    page = story_page()
    document = article_document(extract_article(page, URL, today=TODAY))
    analysis = analyzer.analyze(document)
    poland = [c for c in analysis.claims if c.actor_id == "poland" and c.stance == "opposes"]
    assert poland, [c.actor_id for c in analysis.claims]
    claim = poland[0]
    quote = document.text[claim.start : claim.end]
    assert claim.proposition == "send troops to Ukraine"
    assert quote.startswith("Poland will not send its troops to Ukraine")
    assert quote in STORY.paragraphs[0]  # verbatim from the article as published
    assert html.escape(quote, quote=False) in page  # and from the page's markup
    assert all(document.text[s.start : s.end] == s.text for s in analysis.sentences)


def test_a_page_with_no_article_is_skipped_with_a_reason() -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract_article(no_article_page(), "https://kyivwire.example/login", today=TODAY)
    assert caught.value.reason.startswith("no article text found on the page (")
    assert caught.value.path == "https://kyivwire.example/login"


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("", "the page is empty"),
        ("   \n ", "the page is empty"),
        ("\x00\x01\x02\x03", "the page is not readable HTML"),
        ("<p>hi</p>", "the page is not readable HTML"),
        ("<html><body><script>var x = 1;</script></body></html>", None),
        ("<html><body>" + "<div>" * 5000 + "deep" + "</div>" * 5000 + "</body></html>", None),
        ('<html><body><p title="' + "x" * 200_000 + '">short</p></body></html>', None),
    ],
)
def test_hostile_or_empty_markup_is_skipped_not_crashed(markup: str, reason: str | None) -> None:
    with pytest.raises(NotAnArticle) as caught:
        extract_article(markup, "https://e.example/a", today=TODAY)
    if reason is not None:
        assert caught.value.reason == reason
    else:
        assert caught.value.reason.startswith(("no article text", "the page is not readable"))


# --- languages ---------------------------------------------------------------------------------


def test_a_non_english_page_is_skipped_with_its_language() -> None:
    page = article_page(title="Polska nie wyśle wojsk", paragraphs=POLISH_PARAGRAPHS, lang="pl")
    with pytest.raises(WrongLanguage) as caught:
        extract_article(page, "https://e.example/pl", today=TODAY)
    assert caught.value.reason == "the page is in 'pl', not in an accepted language (en)"


def test_a_non_english_page_that_claims_english_is_still_skipped() -> None:
    page = article_page(title="Polska nie wyśle wojsk", paragraphs=POLISH_PARAGRAPHS, lang="en")
    with pytest.raises(WrongLanguage) as caught:
        extract_article(page, "https://e.example/pl", today=TODAY)
    assert caught.value.reason == (
        "the text is not in an accepted language (en), although the page declares 'en'"
    )


def test_other_languages_can_be_enabled() -> None:
    page = article_page(title="Polska nie wyśle wojsk", paragraphs=POLISH_PARAGRAPHS, lang="pl-PL")
    assert extract_article(page, "https://e.example/pl", today=TODAY, languages=None).language == (
        "pl"
    )
    both = extract_article(page, "https://e.example/pl", today=TODAY, languages={"en", "pl"})
    assert both.language == "pl"


def test_english_without_any_declaration_is_english() -> None:
    article = extract_article(story_page(lang=None), URL, today=TODAY)
    assert article.language == "en"


def test_a_content_language_header_counts_as_a_declaration() -> None:
    page = article_page(title="Polska", paragraphs=POLISH_PARAGRAPHS, lang=None)
    with pytest.raises(WrongLanguage, match="'pl'"):
        extract_article(page, "https://e.example/pl", today=TODAY, content_language="pl")


def test_english_share_separates_english_from_other_languages() -> None:
    assert all(english_share(story.text) > 0.2 for story in STORIES)
    assert english_share(" ".join(POLISH_PARAGRAPHS)) < 0.02
    german = "Die Regierung hat am Dienstag erklärt, dass keine Soldaten entsandt werden."
    assert text_language(german, "de") == "de"
    assert text_language(german, None) == "und"


# --- URLs, dates, titles ------------------------------------------------------------------------


def test_a_same_site_canonical_link_is_the_url() -> None:
    page = story_page(canonical=f"https://www.{STORY.host}/news/canonical-slug")
    article = extract_article(page, URL + "?page=1", today=TODAY)
    assert article.url == f"https://www.{STORY.host}/news/canonical-slug"


def test_a_canonical_link_to_another_site_is_not_believed() -> None:
    """Else any page could overwrite another outlet's stored article (same document id)."""
    page = story_page(canonical="https://continentalpost.example/news/their-story")
    assert extract_article(page, URL, today=TODAY).url == URL


def test_a_page_date_after_today_is_not_believed() -> None:
    page = story_page(published=dt.date(2026, 3, 1))
    assert extract_article(page, URL, today=TODAY).published is None


def test_the_feed_date_wins_over_the_page_date() -> None:
    article = extract_article(story_page(), URL, today=TODAY)
    assert article_document(article, published=dt.date(2026, 1, 5)).published == dt.date(2026, 1, 5)


def test_without_any_date_the_first_date_stated_in_the_text_is_used() -> None:
    paragraphs = (*STORY.paragraphs, "The talks resumed on January 9, 2026 in Brussels.")
    article = extract_article(story_page(paragraphs=paragraphs, published=None), URL, today=TODAY)
    document = article_document(article)
    assert document.published == dt.date(2026, 1, 9) and document.date_from_text


def test_a_headline_repeated_as_the_first_line_is_left_out_of_the_body() -> None:
    text = "Poland rules out troops\nPoland will not send troops to Ukraine."
    document = web_document(URL, text, title="Poland rules out troops", source=None, published=None)
    assert document.text == text
    assert document.text[document.body_start :] == "Poland will not send troops to Ukraine."


def test_a_first_line_that_is_not_the_headline_stays_in_the_body() -> None:
    text = "Poland will not send troops to Ukraine, the minister said on Tuesday\nMore text."
    document = web_document(URL, text, title="Another title", source=None, published=None)
    assert document.body_start == 0  # parse_document alone would have taken it as a headline


def test_the_document_id_is_the_same_for_every_spelling_of_the_url() -> None:
    ids = {
        web_document(u, "Same text.", title="t", source=None, published=None).id
        for u in (URL, URL + "/", URL + "?utm_source=x", URL.replace("https", "http"))
    }
    assert len(ids) == 1


# --- items and the feed-summary fallback --------------------------------------------------------

ENTRY = FeedEntry(
    guid="kw-1",
    link=URL + "?utm_source=rss",
    title=STORY.title,
    summary="Poland will not send its troops to Ukraine, the defence minister said on Tuesday…",
    published=dt.date(2026, 1, 5),
)


def test_an_item_from_a_page_takes_the_feed_date_and_the_page_outlet() -> None:
    article = extract_article(story_page(), URL, today=TODAY)
    item = item_from_article(article, entry=ENTRY, source="My name for it", feed_title="KW feed")
    assert item.origin == "page" and not item.from_summary and item.note is None
    assert item.document.published == dt.date(2026, 1, 5)
    assert item.document.source == STORY.outlet
    assert item.identity.url_key == url_key(URL)
    assert item.identity.content_key is not None


def test_the_feed_summary_stands_in_for_an_unusable_page_and_says_so() -> None:
    item = item_from_summary(
        ENTRY, reason="the page could not be fetched: not found (HTTP 404)", feed_title="Kyiv Wire"
    )
    document = item.document
    assert item.from_summary and item.origin == "feed_summary"
    assert item.note == "feed summary used: the page could not be fetched: not found (HTTP 404)"
    assert document.title == STORY.title + SUMMARY_MARK
    assert document.text == ENTRY.summary and document.body_start == 0
    assert document.name == URL  # the page's id: the page's text replaces it later
    assert document.id == url_key(URL)[:16]
    assert document.source == "Kyiv Wire" and document.published == dt.date(2026, 1, 5)


def test_no_summary_or_a_foreign_one_means_the_entry_is_skipped() -> None:
    without = ENTRY.model_copy(update={"summary": None})
    with pytest.raises(SkippedFile, match=r"^.*: gone for good \(HTTP 410\), and the feed gives"):
        item_from_summary(without, reason="gone for good (HTTP 410)")
    polish = ENTRY.model_copy(update={"summary": POLISH_PARAGRAPHS[0]})
    with pytest.raises(SkippedFile, match="summary is not English"):
        item_from_summary(polish, reason="no article text found on the page (3 words)")
    assert item_from_summary(polish, reason="r", languages=None).language == "und"


def test_source_name_precedence() -> None:
    url = "https://www.kyivwire.example/a"
    assert source_name(page_site="KW", explicit="Mine", feed_title="Feed", url=url) == "KW"
    assert source_name(explicit="Mine", feed_title="Feed", url=url) == "Mine"
    assert source_name(feed_title="Feed", url=url) == "Feed"
    assert source_name(page_site=" ", url=url) == "kyivwire.example"
