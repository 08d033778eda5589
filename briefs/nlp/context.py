"""What the claim reader knows while it reads: the speaker, earlier sentences, lookups."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from briefs.models import Claim
from briefs.nlp.mentions import TokenMention
from briefs.nlp.people import Person
from briefs.nlp.phrases import PhraseSpan
from briefs.nlp.segment import SentenceUnit
from briefs.topics import Topic


@dataclass(frozen=True)
class Speaker:
    """Who voiced a sentence, and the collectives they speak for."""

    person: Person | None
    actors: tuple[str, ...]
    display: str | None


@dataclass
class DocumentState:
    """What earlier sentences of the document established."""

    topic: Topic | None = None
    topic_sentence: int = -1  # where it was last named
    # the last open proposition that named its subject, its offsets in the document text
    phrase: PhraseSpan | None = None
    # the headline, for "voted no" before any proposition was named
    title: PhraseSpan | None = None
    phrase_sentence: int = -1
    speaker: Speaker | None = None  # the last person heard
    # the person "he" or "she" most likely means: the last one heard or acting as a subject
    referent: Person | None = None
    organisations: list[str] = field(default_factory=list)  # named so far, latest last


@dataclass
class ParagraphState:
    """What earlier sentences of the paragraph established, for pronouns and anaphora."""

    document: DocumentState
    speaker: Speaker | None = None
    holders: tuple[str, ...] = ()


@dataclass
class SentenceContext:
    """One sentence's lookups: mentions and resolved people by token index."""

    unit: SentenceUnit
    index: dict[int, TokenMention]
    person_at: dict[int, Person]
    state: ParagraphState
    date: dt.date | None
    speaker: Speaker | None = None
    attributed: bool = False  # the whole sentence is the speaker's (a tweet, a quotation)
    claims: list[Claim] = field(default_factory=list)
