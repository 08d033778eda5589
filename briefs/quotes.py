"""Who said what, as users ask for it: the `quotes` request and its answer.

The answer is the JSON contract of `briefbot quotes --format json`:
`{"speaker": {id, name, kind, affiliation} | null, "quotes": [{document, title, source,
url, published, quote, start, end, sentence, kind, cue, speaker, mention}]}`, newest
first. `quote` is the content verbatim and `start`/`end` locate it in the stored text.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import Field

from briefs.models import Frozen, QuoteKind, SpeakerRef

DEFAULT_QUOTES = 20  # shown when no --limit is given; 0 asks for all of them
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


class QuotesRequest(Frozen):
    """What a user asked: one speaker's statements (or everyone's), optionally on a subject."""

    speaker: str | None = None
    about: str | None = None
    since: dt.date | None = None
    limit: int = Field(default=DEFAULT_QUOTES, ge=0)  # 0: all


class QuoteMention(Frozen):
    """The speaker's words in the text: "she", "the mayor", "Okafor"."""

    text: str
    start: int
    end: int


class QuoteItem(Frozen):
    """One statement with its citation: the contract's quote item."""

    document: str
    title: str
    source: str | None
    url: str | None
    published: dt.date | None
    quote: str
    start: int
    end: int
    sentence: str
    kind: QuoteKind
    cue: str | None
    speaker: SpeakerRef | None
    mention: QuoteMention | None


class QuoteList(Frozen):
    """The answer: whose statements (None for everyone's) and the statements, newest first."""

    speaker: SpeakerRef | None
    quotes: tuple[QuoteItem, ...]
    about: str | None = None


def fold(text: str) -> str:
    """A name or text as compared: case and apostrophes folded, words single-spaced."""
    return " ".join(_WORD.findall(text.casefold().replace("’", "'")))


def about_words(text: str) -> tuple[str, ...]:
    """The words a statement must contain to be "about" a text, as stems: troops → troop."""
    return tuple(_stem(w) for w in fold(text).split() if len(w) > 2 and w not in _FUNCTION_WORDS)


def is_about(words: tuple[str, ...], text: str) -> bool:
    """Whether every stem occurs at the start of a word of `text`."""
    folded = " " + fold(text)
    return all(f" {w}" in folded for w in words)


def _stem(word: str) -> str:
    for ending in ("ies", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


_FUNCTION_TEXT = (
    "about and for from into that the their there this was were what which who whom with"
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
