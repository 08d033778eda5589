"""Site furniture: spans of a scraped page that are not the article's statements.

Donation appeals, newsletter prompts, embedded-tweet signatures and links, image
credits and author bios are located, never removed: `Document.text` stays
verbatim so offsets keep indexing the file. The NLP reads `content_spans` instead.

Every rule is deliberately narrow (a phrase that only site furniture uses, or a
whole-line shape), because a real news sentence flagged here would be lost.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from briefs.models import Boilerplate, BoilerplateKind, Document

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# Phrases that only a publisher's appeal uses; safe anywhere in a line.
_DONATION_PHRASES = re.compile(
    r"\bmak(?:e|ing) a donation\b"
    r"|\bfunded (?:through|by) (?:donations|contributions) from (?:our )?readers\b"
    r"|\bwe (?:cannot|can't|can’t|could not) do (?:what|this|it) (?:we do )?without your support\b"
    r"|\bbecome a (?:patron|paying supporter)\b"
    r"|\b(?:patreon|buymeacoffee|ko-fi)\.com\b"
    r"|\bkeep our (?:news|journalism|reporting|site|website) free\b",
    re.IGNORECASE,
)
# A bare call to action; news prose could contain the words, so only a short line counts.
_DONATION_CALL = re.compile(
    r"^\W*(?:please\s+)?(?:support|fund|back|donate to)\s+"
    r"(?:us|our (?:work|journalism|reporting|newsroom|mission)|independent journalism)\b"
    r"|^\W*donate(?: now| today| here)?\W*$",
    re.IGNORECASE,
)
_NEWSLETTER_PHRASES = re.compile(
    r"\bsign up (?:to|for) (?:our|the) (?:\w+ ){0,3}newsletters?\b"
    r"|\bsubscribe to our\b",
    re.IGNORECASE,
)
_NEWSLETTER_CALL = re.compile(r"^\W*(?:sign up|subscribe)\b", re.IGNORECASE)
_IMAGE_CREDIT = re.compile(
    r"^\W*(?:(?:main|featured|top|header|lead|cover)\s+)?"
    r"(?:image|photo|picture|photograph|illustration)s?"
    r"(?:\s*(?::|credits?\b|courtesy\b|by\b)|\s+source\s*:)",
    re.IGNORECASE,
)
# Twitter's embed signature: "— Donald Tusk (@donaldtusk) January 6, 2026".
_TWEET_SIGNATURE = re.compile(
    r"^\s*[—–-]\s*(?P<name>[^()\n]{1,100}?)\s*\(@(?P<handle>\w{1,30})\)\s*"
    r"(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?\s+\d{4})\s*$"
)
_TWEET_LINK = re.compile(r"\b(?:pic\.twitter\.com|pic\.x\.com)/\w+|\bhttps?://t\.co/\w+")
# "<Name> is (a|the) <role phrase> ...": two to four capitalised words open the line.
_BIO_OPENING = re.compile(
    r"^\s*(?P<name>[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})\s+is\s+"
    r"(?:(?:a|an|the|our)\s+)?(?P<rest>.*)"
)
_NOT_A_NAME = frozenset({"The", "This", "That", "Its", "Their", "Our", "His", "Her"})
# The role phrase ends at its first function word: "a senior correspondent | for ...".
_ROLE_PHRASE_END = frozenset(
    {"of", "at", "for", "in", "on", "with", "from", "who", "which", "that", "and", "based", "to"}
)
_JOURNALIST_ROLES = frozenset(
    {
        "journalist", "editor", "editor-in-chief", "correspondent", "reporter", "writer",
        "columnist", "freelancer", "photojournalist",
    }
)  # fmt: skip
_EXPERT_ROLES = frozenset({"analyst", "fellow", "researcher", "commentator", "scholar"})
_BIO_FOLLOW_UP = re.compile(r"\.\s+(?:He|She|They)\s+(?:has|have|is|are|was|were|writes|covers)\b")
_QUOTE_MARKS = re.compile(r"[\"“”]")

_EMOJI = frozenset({"So", "Sk", "Cf"})  # symbol and format categories: flags, emoji joiners

_SHORT_LINE = 120  # a stand-alone call to action is short; prose paragraphs are not
_CREDIT_LINE = 300
_BIO_PARAGRAPHS = 3


class Line(NamedTuple):
    """One line of a text: `text[start:end]` without its line break; `next` follows the break."""

    start: int
    end: int
    next: int


def iter_lines(text: str, start: int = 0) -> Iterator[Line]:
    """The lines of `text` from `start`, split at \\r\\n, \\n or \\r."""
    position = start
    for match in _LINE_BREAK.finditer(text, start):
        yield Line(position, match.start(), match.end())
        position = match.end()
    if position < len(text):
        yield Line(position, len(text), len(text))


def line_kind(line: str) -> BoilerplateKind | None:
    """The kind of a whole line of site furniture, or None for article text.

    Author bios are not recognised here: they only count at the end of an article.
    """
    stripped = line.strip()
    if not stripped:
        return None
    short = len(stripped) <= _SHORT_LINE
    if _DONATION_PHRASES.search(stripped) or (short and _DONATION_CALL.search(stripped)):
        return "donation_appeal"
    if _NEWSLETTER_PHRASES.search(stripped) or (short and _NEWSLETTER_CALL.search(stripped)):
        return "newsletter"
    if _TWEET_SIGNATURE.match(stripped):
        return "tweet_signature"
    if len(stripped) <= _CREDIT_LINE and _is_image_credit(stripped):
        return "image_credit"
    return None


def is_furniture_line(line: str) -> bool:
    """Whether a whole line is site furniture (used to keep it out of titles)."""
    return line_kind(line) is not None


def find_boilerplate(document: Document) -> tuple[Boilerplate, ...]:
    """Every furniture span of the body, sorted by offset."""
    text = document.text
    lines = [line for line in iter_lines(text, document.body_start) if _has_text(text, line)]
    bio_candidates = {line.start for line in lines[-_BIO_PARAGRAPHS:]}
    found: list[Boilerplate] = []
    for line in lines:
        start, end = _trimmed(text, line.start, line.end)
        found.extend(_line_boilerplate(text[start:end], start, end, start in bio_candidates))
    return tuple(sorted(found, key=lambda item: (item.start, item.end)))


def content_spans(document: Document, boilerplate: Sequence[Boilerplate]) -> list[tuple[int, int]]:
    """The body's paragraphs (non-empty lines) minus furniture, as trimmed (start, end) spans."""
    text = document.text
    cuts = sorted((item.start, item.end) for item in boilerplate)
    spans: list[tuple[int, int]] = []
    for line in iter_lines(text, document.body_start):
        for start, end in _subtract(line.start, line.end, cuts):
            start, end = _trimmed(text, start, end)
            if start < end:
                spans.append((start, end))
    return spans


def _line_boilerplate(line: str, start: int, end: int, may_be_bio: bool) -> list[Boilerplate]:
    """The furniture found in one trimmed, non-empty line at `start`..`end`."""
    kind = line_kind(line)
    if kind == "tweet_signature":
        return [Boilerplate(start=start, end=end, kind=kind, speaker=_tweet_speaker(line))]
    if kind is not None:
        return [Boilerplate(start=start, end=end, kind=kind)]
    if may_be_bio and _is_author_bio(line):
        return [Boilerplate(start=start, end=end, kind="author_bio")]
    return [
        Boilerplate(start=start + match.start(), end=start + match.end(), kind="tweet_link")
        for match in _TWEET_LINK.finditer(line)
    ]


def _is_image_credit(line: str) -> bool:
    # "(Photo by Jane Doe / Getty Images)" is one parenthesis around the whole line.
    inner = line[1:-1] if line.startswith("(") and line.endswith(")") else line
    return _IMAGE_CREDIT.match(inner) is not None


def _is_author_bio(line: str) -> bool:
    """A "<Name> is (a|the) ... <journalistic role>" line; expert roles need a bio follow-up."""
    match = _BIO_OPENING.match(line)
    if match is None or _QUOTE_MARKS.search(line) or match.group("name").split()[0] in _NOT_A_NAME:
        return False
    roles = _role_phrase(match.group("rest"))
    if roles & _JOURNALIST_ROLES:
        return True
    # "X is a senior fellow at ..." could close a news story; a bio goes on about the person.
    return bool(roles & _EXPERT_ROLES) and _BIO_FOLLOW_UP.search(line) is not None


def _role_phrase(rest: str) -> set[str]:
    """The lower-cased words after "is (a)" up to the first function word (six at most)."""
    words: set[str] = set()
    for raw_word in rest.split()[:6]:
        word = raw_word.strip(".,;:()").lower()
        if word in _ROLE_PHRASE_END:
            break
        words.add(word)
    return words


def _tweet_speaker(line: str) -> str | None:
    """The display name of a tweet signature, without emoji such as flags."""
    match = _TWEET_SIGNATURE.match(line)
    if match is None:
        return None
    kept = "".join(ch for ch in match.group("name") if unicodedata.category(ch) not in _EMOJI)
    name = " ".join(kept.split())
    return name or None


def _has_text(text: str, line: Line) -> bool:
    return not text[line.start : line.end].isspace() and line.start < line.end


def _subtract(start: int, end: int, cuts: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of start..end not covered by any of the sorted `cuts`."""
    pieces: list[tuple[int, int]] = []
    position = start
    for cut_start, cut_end in cuts:
        if cut_end <= position or cut_start >= end:
            continue
        if cut_start > position:
            pieces.append((position, cut_start))
        position = max(position, cut_end)
    if position < end:
        pieces.append((position, end))
    return pieces


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """start..end without the whitespace at either edge."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
