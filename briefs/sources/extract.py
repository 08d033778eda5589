"""An article page's main text and metadata, with trafilatura; then a `Document`.

For a web document the extracted text *is* the stored verbatim text: quotes are
substrings of it and offsets index it, exactly as for files. It goes through
`parse_document`, the same path files take (size cap, empty and binary checks,
checksum, the stated-date fallback), so the two kinds of document behave alike.

What is refused, with a reason (a `SkippedFile(url, reason)`, as for files: `NotAnArticle`
or `WrongLanguage`):
- markup that is not HTML at all, or HTML without an article (a section front, a login
  page): trafilatura finds fewer than `min_words` words of main text;
- pages not in an accepted language (English only by default, because the engine's
  model and rules are English). The language is the page's own declaration (`<html
  lang>`, `Content-Language`, `og:locale`) checked against the text: the share of very
  common English function words. Many sites declare `lang="en"` on every page whatever
  its language, and a few declare nothing, so the text has the last word on English.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import urljoin

import trafilatura
from trafilatura.utils import load_html

from briefs.documents import DEFAULT_MAX_BYTES, find_stated_date, parse_document
from briefs.errors import SkippedFile
from briefs.models import Document, Frozen
from briefs.sources.dedupe import canonical_url, same_site, url_key, words_of

ENGLISH = frozenset({"en"})
DEFAULT_MIN_WORDS = 40  # below this a "main text" is a caption, a teaser or a menu
UNKNOWN_LANGUAGE = "und"  # BCP 47's "undetermined"

# Frequent English function words of three letters or more: short ones ("a", "i", "to",
# "on", "no", "do") are also Polish, Italian or Spanish words.
_ENGLISH_WORDS = frozenset(
    {
        "the", "and", "that", "with", "for", "was", "were", "has", "have", "had", "this", "from",
        "which", "said", "will", "would", "not", "are", "been", "their", "they", "his", "her",
        "its", "but", "who", "about", "after", "more", "also", "than", "into", "could", "should",
        "there", "when", "what", "other", "over", "such", "only", "these", "those", "our", "you",
        "she", "him", "them", "while", "where", "because",
    }
)  # fmt: skip
# English news prose has 25-40% of its words in that list; other languages under 3%.
_MIN_ENGLISH_SHARE = 0.12
_LANGUAGE_SAMPLE_WORDS = 2_000
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")


class NotAnArticle(SkippedFile):
    """The page holds no article: too little main text, or not HTML at all."""


class WrongLanguage(SkippedFile):
    """The article is not in an accepted language (its feed summary will not be either)."""


class Article(Frozen):
    """The main text of an article page and what the page says about it."""

    url: str  # canonical URL: the page's own canonical link if on the same site, else ours
    title: str | None = None
    text: str
    site_name: str | None = None  # the outlet, as the page names itself
    author: str | None = None
    published: dt.date | None = None  # from the page's metadata
    language: str  # ISO 639-1 code ("en"), or "und" when only "not English" is known


def extract_article(
    page_html: str,
    url: str,
    *,
    today: dt.date,
    languages: Collection[str] | None = ENGLISH,
    min_words: int = DEFAULT_MIN_WORDS,
    content_language: str | None = None,
) -> Article:
    """The article in `page_html`, fetched from `url`; raises `SkippedFile` with a reason.

    `today` bounds the page dates believed (a date after it is a parsing error).
    `languages` are the accepted ISO 639-1 codes; None accepts every language.
    `content_language` is the HTTP Content-Language header, if any.
    """
    tree = _tree(page_html, url)
    declared = declared_language(tree, content_language)
    extracted = _trafilatura(tree, url, today)
    text = (extracted.text or "").strip() if extracted is not None else ""
    word_count = len(text.split())
    if word_count < min_words:
        found = f"{word_count} {'word' if word_count == 1 else 'words'}" if word_count else "none"
        raise NotAnArticle(url, f"no article text found on the page ({found})")
    language = text_language(text, declared)
    if languages is not None and language not in languages:
        raise WrongLanguage(url, _language_reason(language, declared, languages))
    page_url = _clean(getattr(extracted, "url", None))
    return Article(
        url=canonical_url(page_url if page_url and same_site(page_url, url) else url),
        title=_clean(getattr(extracted, "title", None)),
        text=text,
        site_name=_clean(getattr(extracted, "sitename", None)),
        author=_clean(getattr(extracted, "author", None)),
        published=_iso_date(getattr(extracted, "date", None), today),
        language=language,
    )


def declared_language(tree: Any, content_language: str | None = None) -> str | None:
    """The primary language a page declares: `<html lang>`, Content-Language, `og:locale`."""
    candidates: list[str | None] = [
        tree.get("lang") if tree is not None else None,
        tree.get("{http://www.w3.org/XML/1998/namespace}lang") if tree is not None else None,
        content_language,
    ]
    if tree is not None:
        for meta in tree.iterfind(".//meta"):
            equiv = (meta.get("http-equiv") or "").lower()
            prop = (meta.get("property") or meta.get("name") or "").lower()
            if equiv == "content-language" or prop == "og:locale":
                candidates.append(meta.get("content"))
    for value in candidates:
        code = _primary_subtag(value)
        if code:
            return code
    return None


def english_share(text: str) -> float:
    """The share of the text's words that are common English function words (0 to 1)."""
    words = words_of(text)[:_LANGUAGE_SAMPLE_WORDS]
    if not words:
        return 0.0
    return sum(1 for word in words if word in _ENGLISH_WORDS) / len(words)


def text_language(text: str, declared: str | None) -> str:
    """ "en" when the text reads as English; else the declared language, else "und"."""
    if english_share(text) >= _MIN_ENGLISH_SHARE:
        return "en"
    if declared and declared != "en":
        return declared
    return UNKNOWN_LANGUAGE


def discover_feeds(page_html: str, base_url: str) -> tuple[str, ...]:
    """The feed URLs an HTML page advertises (`<link rel="alternate" type="...rss+xml">`)."""
    tree = load_html(page_html)
    if tree is None:
        return ()
    found: list[str] = []
    for link in tree.iterfind(".//link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";", 1)[0].strip()
        href = link.get("href")
        if "alternate" in rel and kind in _FEED_TYPES and href:
            url = urljoin(base_url, href.strip())
            if url.startswith(("http://", "https://")) and url not in found:
                found.append(url)
    return tuple(found)


def article_document(
    article: Article,
    *,
    source: str | None = None,
    published: dt.date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """The `Document` of an extracted article: its text verbatim, named by its canonical URL.

    `published` (the feed's date, when the article came from a feed) wins over the page's
    metadata date, which wins over the first date stated in the text.
    """
    return web_document(
        article.url,
        article.text,
        title=article.title,
        source=source or article.site_name,
        published=published or article.published,
        max_bytes=max_bytes,
    )


def web_document(
    url: str,
    text: str,
    *,
    title: str | None,
    source: str | None,
    published: dt.date | None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Document:
    """A `Document` for text read from the web; raises `SkippedFile` when it cannot be one.

    The id comes from the URL's item key, so the same page under another spelling
    (tracking parameters, http/https) replaces its earlier version instead of adding one.
    """
    name = canonical_url(url)
    parsed = parse_document(
        name, text.encode("utf-8"), doc_id=url_key(name)[:16], max_bytes=max_bytes
    )
    # parse_document guesses a file's headline from its first line; here the title is
    # known, so the first line is left out of the body only when it repeats the title.
    body_start = _after_headline(parsed.text, title)
    date_from_text = False
    if published is None:
        published = find_stated_date(parsed.text[body_start:])
        date_from_text = published is not None
    return parsed.model_copy(
        update={
            "title": title or parsed.title or name,
            "source": source,
            "url": name,
            "published": published,
            "date_from_text": date_from_text,
            "body_start": body_start,
        }
    )


def _tree(page_html: str, url: str) -> Any:
    if not page_html.strip():
        raise NotAnArticle(url, "the page is empty")
    try:
        tree = load_html(page_html)
    except Exception as exc:  # lxml raises a zoo of types on hostile markup; none may escape
        raise NotAnArticle(url, f"the page is not readable HTML ({type(exc).__name__})") from exc
    if tree is None:
        raise NotAnArticle(url, "the page is not readable HTML")
    return tree


def _trafilatura(tree: Any, url: str, today: dt.date) -> Any:
    try:
        return trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,  # reader comments are not the outlet's reporting
            include_tables=False,
            include_images=False,
            include_links=False,
            # Dates from the page's metadata only: a date guessed from the body text is
            # left to find_stated_date, which the file path uses too. Never after today.
            date_extraction_params={
                "extensive_search": False,
                "original_date": True,
                "max_date": today.isoformat(),
            },
        )
    except Exception as exc:  # a bug deep in a third-party extractor must skip one page only
        raise NotAnArticle(url, f"the page could not be extracted ({type(exc).__name__})") from exc


def _after_headline(text: str, title: str | None) -> int:
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if title and first_end >= 0 and _same_words(first, title):
        return first_end + 1
    return 0


def _same_words(first: str, second: str) -> bool:
    return words_of(first) == words_of(second)


def _language_reason(language: str, declared: str | None, accepted: Collection[str]) -> str:
    wanted = ", ".join(sorted(accepted))
    if language == UNKNOWN_LANGUAGE:
        said = f", although the page declares {declared!r}" if declared else ""
        return f"the text is not in an accepted language ({wanted}){said}"
    return f"the page is in {language!r}, not in an accepted language ({wanted})"


def _primary_subtag(value: str | None) -> str | None:
    if not value:
        return None
    code = re.split(r"[-_,;\s]", value.strip().lower(), maxsplit=1)[0]
    return code if re.fullmatch(r"[a-z]{2,3}", code) else None


def _iso_date(value: object, today: dt.date) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        found = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    return found if found <= today else None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None
