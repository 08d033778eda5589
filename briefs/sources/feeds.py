"""Feed text to entries, with feedparser: RSS 0.9x/1.0/2.0 and Atom.

feedparser flags anything irregular with `bozo`; which cases stop us, and why:

- Recoverable, silently: `CharacterEncodingOverride`, `CharacterEncodingUnknown` and
  `NonXMLContentType`. The strict XML parser still read the whole document; only the
  labels around it disagreed (we hand feedparser text we already decoded, so a
  mismatch with the XML prolog is expected and harmless).
- Recoverable, with a warning: not well-formed XML (`SAXParseException`, an undeclared
  namespace) from which feedparser's lenient parser still recovered entries with links.
  Unescaped `&` and truncated documents are common in real feeds, and every entry is
  checked again when its page is fetched; the worst case is a cut-off last entry, whose
  page supplies the text anyway.
- Fatal: not well-formed XML from which no entry could be recovered. The user gets the
  parser's complaint and where it was ("line 3, column 41"), so they can tell the feed's
  owner.

Something that is not a feed at all (an HTML article, a JSON document, plain text) is
reported as such (`kind="page"` for HTML), never as a broken feed: the caller may want to
extract it as an article, or discover the feeds it links to.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import io
import re
import time
import xml.sax
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

import feedparser  # type: ignore[import-untyped]

from briefs.models import Frozen

SourceKind = Literal["feed", "page", "unknown"]

DEFAULT_MAX_ENTRIES = 1_000
_SNIFF_CHARS = 2_048
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF|RDF)\b", re.IGNORECASE)
_HTML_ROOT = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_FEED_TYPES = ("rss", "atom", "rdf")
_HTML_TYPES = ("text/html", "application/xhtml")
_PROLOG_AND_COMMENTS = re.compile(r"^\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*", re.DOTALL)

_RECOVERABLE = (
    feedparser.CharacterEncodingOverride,
    feedparser.CharacterEncodingUnknown,
    feedparser.NonXMLContentType,
)

_BLOCK_END = re.compile(
    r"<\s*(?:br\s*/?|/p|/div|/li|/h[1-6]|/blockquote|/tr|p|div|li)\b[^>]*>", re.IGNORECASE
)
_TAG = re.compile(r"<[^>]*>")


class FeedEntry(Frozen):
    """One item of a feed, as the feed states it."""

    guid: str | None = None
    link: str  # absolute http(s) URL of the article
    title: str | None = None
    summary: str | None = None  # plain text (markup removed), verbatim otherwise
    published: dt.date | None = None  # the date as the feed wrote it, in its own time zone
    published_at: dt.datetime | None = None  # the same moment in UTC, when a time was given


class ParsedFeed(Frozen):
    """What a feed said: its entries, or why it could not be read."""

    kind: SourceKind
    title: str | None = None
    site_url: str | None = None
    language: str | None = None
    entries: tuple[FeedEntry, ...] = ()
    warnings: tuple[str, ...] = ()  # recovered problems, one sentence each
    error: str | None = None  # one sentence; set when nothing could be used

    @property
    def ok(self) -> bool:
        return self.error is None


def sniff_kind(text: str, content_type: str | None = None) -> SourceKind:
    """Feed, HTML page or neither, from the start of the text (and the Content-Type)."""
    start = _PROLOG_AND_COMMENTS.sub("", text[:_SNIFF_CHARS], count=1).lstrip()
    if _FEED_ROOT.match(start):
        return "feed"
    if _HTML_ROOT.match(start):
        return "page"
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if any(kind in media for kind in _FEED_TYPES):
        return "feed"
    if media.startswith(_HTML_TYPES) or _HTML_ROOT.search(text[:_SNIFF_CHARS]):
        return "page"
    return "unknown"


def parse_feed(
    text: str,
    *,
    base_url: str,
    content_type: str | None = None,
    max_entries: int = DEFAULT_MAX_ENTRIES,
) -> ParsedFeed:
    """Parse feed text; never raises. `base_url` (where it was fetched) resolves relative links."""
    try:
        return _parse(text, base_url, content_type, max_entries)
    except Exception as exc:  # feedparser on hostile input: one source's problem, not a crash
        reason = f"the feed could not be read ({type(exc).__name__})"
        return ParsedFeed(kind="unknown", error=reason)


def _parse(text: str, base_url: str, content_type: str | None, max_entries: int) -> ParsedFeed:
    kind = sniff_kind(text, content_type)
    if kind == "page":
        return ParsedFeed(kind="page", error="this is a web page, not a feed")
    if not text.strip():
        return ParsedFeed(kind="unknown", error="the feed is empty")
    parsed = _feedparser(text, base_url)
    version = str(parsed.get("version") or "")
    problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not version and not parsed.entries:
        if problem is not None and kind == "feed":
            return ParsedFeed(kind="feed", error=_malformed(problem))
        return ParsedFeed(kind="unknown", error="this is not an RSS or Atom feed")
    warnings: list[str] = []
    entries: list[FeedEntry] = []
    dropped = 0
    for raw in parsed.entries:
        entry = _entry(raw, base_url)
        if entry is None:
            dropped += 1
        else:
            entries.append(entry)
    if problem is not None and not isinstance(problem, _RECOVERABLE):
        if not entries:
            return ParsedFeed(kind="feed", error=_malformed(problem))
        warnings.append(f"{_malformed(problem)}; read what was recoverable")
    if dropped:
        noun = "entry" if dropped == 1 else "entries"
        warnings.append(f"{dropped} {noun} without a usable link skipped")
    if len(entries) > max_entries:
        warnings.append(f"the feed lists {len(entries):,} entries; read the first {max_entries:,}")
        entries = entries[:max_entries]
    feed = parsed.get("feed", {})
    return ParsedFeed(
        kind="feed",
        title=_clean(feed.get("title")),
        site_url=_http_url(feed.get("link"), base_url),
        language=_clean(feed.get("language")),
        entries=tuple(entries),
        warnings=tuple(warnings),
    )


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed summary): one line per block, spaces collapsed."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", fragment)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _feedparser(text: str, base_url: str) -> Any:
    # A stream, never a str: feedparser treats a str as a URL or a file name when it
    # can, and would read the network or the disk. The text is already decoded, so
    # the HTTP charset we pass is the truth.
    stream = io.BytesIO(text.encode("utf-8"))
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": base_url}
    return feedparser.parse(stream, response_headers=headers, sanitize_html=True)


def _entry(raw: Any, base_url: str) -> FeedEntry | None:
    guid = _clean(raw.get("id"))
    link = _http_url(raw.get("link"), base_url)
    if link is None and guid is not None and raw.get("guidislink", True):
        link = _http_url(guid, base_url)  # an RSS guid is a permalink unless it says not
    if link is None:
        return None
    published, published_at = _entry_date(raw)
    summary = raw.get("summary")
    return FeedEntry(
        guid=guid,
        link=link,
        title=_clean(html_to_text(raw.get("title") or "")),
        summary=(html_to_text(summary) or None) if isinstance(summary, str) else None,
        published=published,
        published_at=published_at,
    )


def _entry_date(raw: Any) -> tuple[dt.date | None, dt.datetime | None]:
    """The entry's date as written (its own zone's calendar day) and the UTC moment.

    feedparser only gives the UTC time; a story published at 23:30 in New York would
    then be dated the next day, so the written value is read first.
    """
    for key in ("published", "updated", "created"):
        value = raw.get(key)
        if isinstance(value, str) and value.strip():
            moment = _written_moment(value.strip())
            if moment is not None:
                return moment.date(), moment.astimezone(dt.UTC) if moment.tzinfo else None
        parsed = raw.get(f"{key}_parsed")
        if isinstance(parsed, time.struct_time):
            moment = dt.datetime(*parsed[:6], tzinfo=dt.UTC)
            return moment.date(), moment
    return None, None


def _written_moment(value: str) -> dt.datetime | None:
    try:
        return email.utils.parsedate_to_datetime(value)  # RSS: RFC 822
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return dt.datetime.fromisoformat(value)  # Atom: RFC 3339
    except ValueError:
        return None


def _http_url(value: object, base_url: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    url = urljoin(base_url, value.strip())
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None  # javascript:, mailto:, data: and friends are not articles
    return url


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _where(problem: object) -> str:
    message = str(getattr(problem, "getMessage", lambda: problem)())
    if isinstance(problem, xml.sax.SAXParseException):
        return f"{message} at line {problem.getLineNumber()}, column {problem.getColumnNumber()}"
    return message or type(problem).__name__


def _malformed(problem: object) -> str:
    return f"the feed is not well-formed XML ({_where(problem)})"
