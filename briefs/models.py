"""The engine's vocabulary: frozen pydantic models that cross every boundary.

Documents go in, `Analysis` comes out of the NLP step, the store keeps it, and
`Brief` / `StanceMatrix` come out of the brief builder, `Digest` out of the digest
builder. Adapters only ever see these types. Offsets (`start`, `end`) always index
`Document.text`, which is the verbatim decoded file, so `document.text[start:end]`
is the cited quote.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

Stance = Literal["supports", "opposes", "conditional", "undecided"]
ActorKind = Literal["country", "organisation", "company", "party", "person", "group"]
BoilerplateKind = Literal[
    "donation_appeal",
    "tweet_signature",
    "tweet_link",
    "image_credit",
    "author_bio",
    "newsletter",
]
ClaimKind = Literal["stance", "context"]

STANCES: tuple[Stance, ...] = ("supports", "opposes", "conditional", "undecided")


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A timezone-aware moment in UTC; a naive one is refused, as its zone is unknown."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; pass an aware datetime")
    return moment.astimezone(dt.UTC)


class Frozen(BaseModel):
    """Base for every engine model: immutable and strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- documents -----------------------------------------------------------------


class Document(Frozen):
    """One ingested article, holding its verbatim text."""

    id: str  # stable: derived from `name`, so a changed file keeps its id
    name: str  # file name for files, URL otherwise; shown as evidence.document
    title: str
    source: str | None = None  # outlet
    url: str | None = None
    published: dt.date | None = None
    date_from_text: bool = False  # True when `published` was read from the body
    text: str  # verbatim decoded file content; every offset indexes this
    body_start: int = 0  # offset of the first body character (after any header)
    checksum: str  # sha256 of the raw bytes; unchanged checksum means nothing to do
    # When the store took this version (UTC). None for documents stored before stamps
    # existed: they count as ingested before any digest window.
    ingested_at: dt.datetime | None = None

    @field_validator("ingested_at")
    @classmethod
    def _ingested_in_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else as_utc(value)


class Boilerplate(Frozen):
    """A span of site furniture that analysis skips (the text itself is kept)."""

    start: int
    end: int
    kind: BoilerplateKind
    speaker: str | None = None  # for a tweet signature: who posted the tweet above it


class Sentence(Frozen):
    """A sentence of the body, located in `Document.text`."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str


# --- actors --------------------------------------------------------------------


class Actor(Frozen):
    """A country, organisation or person whose positions we track."""

    id: str  # slug: "poland", "united-kingdom", "nato", "donald-tusk"
    name: str  # display name: "Poland", "Donald Tusk"
    kind: ActorKind
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None  # a person's country/organisation actor id
    title: str | None = None  # a person's office as last described: "Prime Minister"


class Mention(Frozen):
    """A place in a sentence that refers to an actor."""

    actor_id: str
    sentence_index: int
    start: int
    end: int
    text: str


class Claim(Frozen):
    """One sentence stating (or describing) an actor's position on a proposition."""

    actor_id: str
    kind: ClaimKind = "stance"
    stance: Stance | None = None  # None only for context claims
    proposition: str  # short normalised phrase: "send troops to Ukraine"
    conditions: tuple[str, ...] = ()  # verbatim condition phrases from the sentence
    modality: str | None = None  # "will", "would", "could", ...
    negated: bool = False
    speaker_id: str | None = None
    speaker: str | None = None  # display form: "Prime Minister Donald Tusk"
    sentence_index: int
    start: int  # quote span in Document.text
    end: int
    date: dt.date | None = None
    # Open-world reading (no catalog topic): the proposition as read from the text, its
    # verbatim span in Document.text, its key lemmas, and how sure the reading is. The
    # issue grouping turns `proposition` into the issue's label; `phrase` stays.
    phrase: str | None = None
    phrase_start: int | None = None
    phrase_end: int | None = None
    key_words: tuple[str, ...] = ()
    phrase_head: str | None = None  # the proposition's head word: "agreement"
    anaphoric: bool = False  # "the deal", "it": a thing named before
    verbal: bool = False  # the proposition is an action ("send troops"), not a thing
    confidence: float = 1.0


QuoteKind = Literal["direct", "indirect", "mixed"]


class SpeakerRef(Frozen):
    """Who said something, resolved within the document: the JSON contract's speaker."""

    id: str
    name: str  # the fullest name the article gives ("Adaeze Okafor"), or a label
    kind: ActorKind
    affiliation: str | None = None  # the country or organisation the text ties them to


class Attribution(Frozen):
    """Words someone said, verbatim, with who said them and how it is reported.

    `start`/`end` locate the content (a quotation with its marks, or a reported clause)
    in `Document.text`; `sentence_start`/`sentence_end` the sentence(s) around it;
    `mention_*` the speaker's words in the text ("she", "the mayor"), None for a
    floating quote whose speaker is known from a neighbouring sentence.
    """

    start: int
    end: int
    text: str
    sentence_index: int
    sentence_start: int
    sentence_end: int
    kind: QuoteKind
    cue: str | None = None  # "said", "told", "according to", "wrote on X"
    speaker: SpeakerRef | None = None
    mention: str | None = None
    mention_start: int | None = None
    mention_end: int | None = None


class Analysis(Frozen):
    """Everything the NLP step learned from one document."""

    document: Document
    boilerplate: tuple[Boilerplate, ...] = ()
    sentences: tuple[Sentence, ...] = ()
    actors: tuple[Actor, ...] = ()  # actors seen in this document (people included)
    mentions: tuple[Mention, ...] = ()
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Attribution, ...] = ()  # every statement, direct or reported, in text order


# --- briefs --------------------------------------------------------------------


class ActorRef(Frozen):
    """The JSON contract's `actor` object."""

    id: str
    name: str
    kind: ActorKind


class Evidence(Frozen):
    """A verbatim citation: the contract's evidence item."""

    document: str
    title: str
    source: str | None
    url: str | None
    published: dt.date | None
    quote: str
    start: int
    end: int
    speaker: str | None


class CitedClaim(Frozen):
    """A claim joined with the evidence that backs it, as the store returns it."""

    claim: Claim
    evidence: Evidence


class Point(Frozen):
    """One merged position: the citations that state the same stance on a proposition.

    `evidence` holds the newest citations (as many as the request allows);
    `evidence_total` counts them all, so a renderer can say "+N more".
    """

    stance: Stance
    proposition: str
    statement: str  # our own words, never in quote marks
    conditions: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()
    first_seen: dt.date | None = None
    last_seen: dt.date | None = None
    evidence: tuple[Evidence, ...]
    evidence_total: int = Field(default=-1, validate_default=True)
    # Every outlet whose articles state the point, most articles first: one story
    # carried by several outlets is one point "reported by" all of them.
    outlets: tuple[str, ...] = ()

    @field_validator("evidence_total")
    @classmethod
    def _at_least_shown(cls, value: int, info: ValidationInfo) -> int:
        shown = len(info.data.get("evidence", ()))
        return max(value, shown)


class ClaimGroup(Frozen):
    """What the store counts of one actor's claims with one stance on one proposition."""

    proposition: str
    stance: Stance
    total: int  # citations
    documents: int  # distinct documents citing it
    first_seen: dt.date | None
    last_seen: dt.date | None
    outlets: tuple[str, ...] = ()  # the documents' outlets, most documents first


class StanceChange(Frozen):
    """An earlier and a later differing stance on one proposition."""

    proposition: str
    before: Stance
    after: Stance
    before_date: dt.date | None
    after_date: dt.date | None
    before_evidence: tuple[Evidence, ...]
    after_evidence: tuple[Evidence, ...]


class SourceRef(Frozen):
    """One document the brief cites."""

    document: str
    title: str
    source: str | None
    url: str | None
    published: dt.date | None


class BriefRequest(Frozen):
    """What a user asked for, on any surface."""

    actor: str
    topic: str | None = None
    since: dt.date | None = None
    limit: int = Field(default=8, ge=1, le=50)
    quotes_per_point: int = Field(default=20, ge=1, le=1000)  # newest citations kept per point


class Brief(Frozen):
    """An actor's cited positions: the product."""

    actor: ActorRef
    as_of: dt.date | None
    summary: str
    points: tuple[Point, ...]
    changes: tuple[StanceChange, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    topic: str | None = None
    omitted_points: int = 0  # points beyond the request's limit


class MatrixRow(Frozen):
    """One actor's latest stance on a topic."""

    actor: ActorRef
    stance: Stance
    proposition: str
    conditions: tuple[str, ...] = ()
    last_seen: dt.date | None
    evidence: tuple[Evidence, ...]


class StanceMatrix(Frozen):
    """Who supports, opposes or conditions a topic."""

    topic: str
    as_of: dt.date | None
    rows: tuple[MatrixRow, ...]


class ActorSummary(Frozen):
    """An actor with how much the store knows about it."""

    actor: ActorRef
    claims: int
    documents: int


class IssueSummary(Frozen):
    """One issue of the corpus: who took a stance on it, how often, when last."""

    label: str
    actors: int
    claims: int
    last_seen: dt.date | None
    key_phrases: tuple[str, ...] = ()


# --- digests -------------------------------------------------------------------

# A first digest (no earlier one to start from) looks back this far from `until`.
FIRST_DIGEST_WINDOW = dt.timedelta(days=1)


class DigestRequest(Frozen):
    """What changed since the last digest, for some actors and optionally one topic.

    The window is (since, until] in ingestion time: a digest reports what the store
    took in during it, whatever the articles' own dates. A first digest has no
    earlier one; it passes since=None (or until - 1 day, the same thing) and covers
    the 24 hours before `until`. Both moments must be timezone-aware.
    """

    actors: tuple[str, ...] = ()  # names as users type them; none = every country and organisation
    topic: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime

    @field_validator("since", "until")
    @classmethod
    def _in_utc(cls, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else as_utc(value)

    @model_validator(mode="after")
    def _window_is_forward(self) -> DigestRequest:
        if self.since is not None and self.since >= self.until:
            raise ValueError("a digest's since must be before its until")
        return self

    @property
    def start(self) -> dt.datetime:
        """Where the window opens: `since`, or a day before `until` for a first digest."""
        return self.since if self.since is not None else self.until - FIRST_DIGEST_WINDOW


class DigestChange(Frozen):
    """An actor's stance that the window changed: the latest before it and the new one."""

    actor: ActorRef
    change: StanceChange


class DigestPoint(Frozen):
    """A position the window brought in on a proposition the actor had no stance on."""

    actor: ActorRef
    point: Point


class DigestReads(Frozen):
    """What the store reads for a digest, each claim with its actor.

    `before` holds the newest claims taken in before the window on the (actor,
    proposition) pairs that `after` (the claims taken in during it) touches;
    `new_documents` are the window's documents carrying any of those claims.
    """

    before: tuple[tuple[ActorRef, CitedClaim], ...] = ()
    after: tuple[tuple[ActorRef, CitedClaim], ...] = ()
    new_documents: tuple[SourceRef, ...] = ()


class Digest(Frozen):
    """What changed in a window: stance changes, then new positions, then new sources."""

    since: dt.datetime
    until: dt.datetime
    topic: str | None = None
    actors: tuple[ActorRef, ...] = ()  # the actors asked for; none = every collective actor
    changes: tuple[DigestChange, ...] = ()  # newest first
    new_positions: tuple[DigestPoint, ...] = ()  # most cited first
    new_sources: tuple[SourceRef, ...] = ()  # newest first

    @property
    def empty(self) -> bool:
        """Nothing new in the window: the caller sends a one-line note, or nothing."""
        return not (self.changes or self.new_positions or self.new_sources)
