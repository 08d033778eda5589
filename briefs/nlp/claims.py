"""From one parsed sentence to claims: who holds which stance on what, said by whom.

A sentence is read clause by clause. Reporting clauses ("Tusk said", "according
to the minister", "he emphasised") give the speaker; every other clause with a
subject is a content clause. Its holder is the country or organisation in its
subject ("Warsaw", "Romanian soldiers", "the UK and France"), or, when the subject
names none ("we", "the decision"), whoever the speaker speaks for. A statement by
a person counts for the person too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Token

from briefs.catalog import Catalog
from briefs.models import Claim
from briefs.nlp import lexicon
from briefs.nlp.mentions import TokenMention
from briefs.nlp.people import ACTOR_KINDS, PeopleRegistry, Person
from briefs.nlp.segment import SentenceUnit
from briefs.nlp.stance import read_stance
from briefs.topics import Topic, TopicCatalog

_SUBJECTS = ("nsubj", "nsubjpass")
_MODIFIERS = ("amod", "compound", "poss", "nmod")
_CLAUSE_LINKS = ("ccomp", "xcomp")
_CONDITION_WORDS = frozenset({"if", "unless", "provided", "providing", "once", "condition"})
_DEONTIC = frozenset({"must", "should", "essential", "indispensable", "mandatory"})
_DEMONSTRATIVES = frozenset({"this", "that"})
# Subordinate clauses describe their clause ("when it comes to logistics"); they stay in it.
_REFERRING = frozenset({"they", "it", "we"})
_SUBORDINATE = frozenset({"advcl", "relcl", "acl", "pcomp"})


@dataclass(frozen=True)
class Speaker:
    """Who voiced a sentence, and the collectives they speak for."""

    person: Person | None
    actors: tuple[str, ...]
    display: str | None


@dataclass
class ParagraphState:
    """What earlier sentences of the paragraph established, for pronouns and anaphora."""

    speaker: Speaker | None = None
    topic: Topic | None = None
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
    claims: list[Claim] = field(default_factory=list)


class SentenceReader:
    """Turns sentences into claims, using the document's people and the catalogs."""

    def __init__(self, catalog: Catalog, topics: TopicCatalog, people: PeopleRegistry) -> None:
        self.catalog = catalog
        self.topics = topics
        self.people = people

    def read(self, ctx: SentenceContext, tweet_speaker: Speaker | None) -> list[Claim]:
        """All claims of one sentence, at most one per (actor, proposition)."""
        span = ctx.unit.span
        heads = [t for t in span if _has_subject(t)] or [span.root]
        frames = [h for h in heads if h.lemma_ in lexicon.REPORTING_VERBS]
        ctx.speaker = self._speaker(ctx, frames) or tweet_speaker or self._quoted(ctx)
        if ctx.speaker is not None and ctx.speaker.person is not None:
            ctx.state.speaker = ctx.speaker
        contents = [h for h in heads if h not in frames and not _is_condition(h)]
        if not contents and frames:
            contents = [f for f in frames if self._actors_of(_subject(f), ctx)[0] and f != span.root]
        for head in contents or ([span.root] if not frames else []):
            self._read_clause(head, heads, frames, ctx)
        return _one_per_proposition(ctx.claims)

    # --- speakers ------------------------------------------------------------

    def _speaker(self, ctx: SentenceContext, frames: list[Token]) -> Speaker | None:
        found = [self._speaker_of(_subject(f), ctx) for f in frames]
        found += [self._speaker_of(t, ctx) for t in _according_to(ctx.unit.span)]
        people = [s for s in found if s is not None and s.person is not None]
        others = [s for s in found if s is not None]
        return (people or others or [None])[0]

    def _speaker_of(self, token: Token | None, ctx: SentenceContext) -> Speaker | None:
        if token is None:
            return None
        person = next((ctx.person_at[t.i] for t in _phrase(token) if t.i in ctx.person_at), None)
        if person is None and token.lower_ in lexicon.SUBJECT_PRONOUNS_PERSON:
            person = self.people.last()
        if person is None and _title_words(token):
            person = self._titled_person(token, ctx)
        if person is not None:
            return _speaker_for(person)
        actors, _ = self._actors_of(token, ctx)
        if actors:
            return Speaker(None, tuple(actors), _phrase_text(token))
        return None

    def _titled_person(self, token: Token, ctx: SentenceContext) -> Person | None:
        collective = next(
            (ctx.index[t.i].actor_id for t in token.subtree
             if t.i in ctx.index and ctx.index[t.i].kind in ACTOR_KINDS),
            None,
        )
        for word in _title_words(token):
            person = self.people.last(word)
            if person is not None and collective in (None, person.affiliation):
                return person
        last = self.people.last()
        return last if last is not None and collective in (None, last.affiliation) else None

    def _quoted(self, ctx: SentenceContext) -> Speaker | None:
        """A sentence that is all quotation continues the paragraph's speaker."""
        text = ctx.unit.sentence.text.lstrip()
        return ctx.state.speaker if text[:1] in "“\"" else None

    # --- holders -------------------------------------------------------------

    def _actors_of(self, token: Token | None, ctx: SentenceContext) -> tuple[list[str], Person | None]:
        """Collective actors (and a person) a subject phrase names."""
        if token is None:
            return [], None
        actors: list[str] = []
        person = None
        for word in _expand(token):
            mention = ctx.index.get(word.i)
            if mention is not None and mention.kind in ACTOR_KINDS and mention.actor_id:
                actors.append(mention.actor_id)
            elif word.i in ctx.person_at:
                person = person or ctx.person_at[word.i]
                actors.extend(filter(None, [ctx.person_at[word.i].affiliation]))
            else:
                actors.extend(self._pronoun(word, ctx) or _modifier_actors(word, ctx))
        return list(dict.fromkeys(actors)), person

    def _pronoun(self, word: Token, ctx: SentenceContext) -> list[str]:
        lower = word.lower_
        speaker = ctx.speaker
        if lower in lexicon.SUBJECT_PRONOUNS_SPEAKER and speaker is not None:
            return list(speaker.actors)
        if lower in lexicon.SUBJECT_PRONOUNS_PERSON and speaker is not None:
            return list(speaker.actors)
        if lower in lexicon.SUBJECT_PRONOUNS_THING | lexicon.SUBJECT_PRONOUNS_PLURAL | _DEMONSTRATIVES:
            return list(ctx.state.holders)
        return []

    # --- clauses -------------------------------------------------------------

    def _read_clause(
        self, head: Token, heads: list[Token], frames: list[Token], ctx: SentenceContext
    ) -> None:
        region = _region(head, heads)
        frame = next((f for f in frames if head in f.subtree and f is not head), None)
        frame_text = _frame_extra(frame, heads)
        cue_text = _text(region) + " ; " + frame_text
        actors, person = self._holders(head, ctx, frame)
        speaker = ctx.speaker
        from_speaker = not actors and speaker is not None and (frame is not None or bool(_according_to(ctx.unit.span)))
        if from_speaker and speaker is not None:
            actors, person = list(speaker.actors), speaker.person
        elif speaker is not None and speaker.actors and _is_deontic(region) and not set(actors) & set(speaker.actors):
            actors, person = list(speaker.actors), speaker.person
        topic = self._topic(_text(region), frame_text, ctx)
        if not actors or topic is None:
            return
        reading = read_stance(cue_text, extra_negations=_governing_negations(head))
        speaking = person or (speaker.person if speaker else None)
        holders = list(actors)
        if speaking is not None and (from_speaker or speaking.affiliation in actors):
            holders.append(speaking.id)
        for actor_id in dict.fromkeys(holders):
            ctx.claims.append(
                Claim(
                    actor_id=actor_id,
                    kind="stance" if reading.stance else "context",
                    stance=reading.stance,
                    proposition=topic.proposition,
                    conditions=reading.conditions,
                    modality=reading.modality,
                    negated=reading.negated,
                    speaker_id=speaking.id if speaking else None,
                    speaker=speaking.display if speaking else (speaker.display if speaker else None),
                    sentence_index=ctx.unit.sentence.index,
                    start=ctx.unit.sentence.start,
                    end=ctx.unit.sentence.end,
                    date=ctx.date,
                )
            )
        ctx.state.topic = topic
        ctx.state.holders = tuple(actors)

    def _holders(
        self, head: Token, ctx: SentenceContext, frame: Token | None
    ) -> tuple[list[str], Person | None]:
        subject = _subject(head)
        if frame is not None and subject is not None and subject.lower_ in _REFERRING:
            # "the UK and France confirmed that they would deploy": they = the frame's subject
            framed, _ = self._actors_of(_subject(frame), ctx)
            if framed:
                return framed, None
        actors, person = self._actors_of(subject, ctx)
        if not actors:
            for child in head.children:
                if child.dep_ in ("attr", "dobj") and _modifier_actors(child, ctx):
                    actors = _modifier_actors(child, ctx)
        return actors, person

    def _topic(self, region_text: str, frame_text: str, ctx: SentenceContext) -> Topic | None:
        """The clause's own topic, else its frame's, else the one an anaphor points back to."""
        topic = self.topics.find(region_text) or self.topics.find(frame_text)
        if topic is None and lexicon.ANAPHORIC_OBJECTS.search(region_text):
            return ctx.state.topic
        return topic


# --- parse helpers ------------------------------------------------------------


def _speaker_for(person: Person) -> Speaker:
    return Speaker(person, (person.affiliation,) if person.affiliation else (), person.display)


def _has_subject(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and any(
        c.dep_ in (*_SUBJECTS, "expl") for c in token.children
    )


def _subject(head: Token) -> Token | None:
    for child in head.children:
        if child.dep_ in _SUBJECTS:
            return child
    if any(c.dep_ == "expl" for c in head.children):
        return next((c for c in head.children if c.dep_ == "attr"), None)
    return None


def _is_condition(head: Token) -> bool:
    """A clause under "if", "provided", "on condition that" states terms, not a position."""
    token = head
    for _ in range(3):
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION_WORDS for c in token.children):
            return True
        if token.head is token:
            return False
        token = token.head
        if token.lower_ in _CONDITION_WORDS:
            return True
    return False


def _expand(token: Token) -> Iterator[Token]:
    """A subject and what is coordinated or set beside it: "Poland, Germany and Italy"."""
    yield token
    for child in token.children:
        if child.dep_ in ("conj", "appos"):
            yield from _expand(child)
        elif child.dep_ == "prep" and child.lower_ in ("among", "including"):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    yield from _expand(pobj)


def _modifier_actors(word: Token, ctx: SentenceContext) -> list[str]:
    """The country in "Romanian soldiers" or "Turkey's Ministry"."""
    found = []
    for child in word.children:
        mention = ctx.index.get(child.i)
        if child.dep_ in _MODIFIERS and mention is not None and mention.kind in ACTOR_KINDS:
            found.append(mention.actor_id)
    return [a for a in found if a]


def _phrase(token: Token) -> list[Token]:
    """The subject phrase without relative clauses or trailing prepositions."""
    return [t for t in token.subtree if t.dep_ not in ("relcl", "acl") and t.head.dep_ not in ("relcl", "acl")]


def _phrase_text(token: Token) -> str:
    return "".join(t.text_with_ws for t in _phrase(token)).strip()


def _title_words(token: Token) -> list[str]:
    return [t.lower_ for t in _phrase(token) if t.lower_ in lexicon.SPEAKER_NOUNS]


def _according_to(span: Iterable[Token]) -> list[Token]:
    found = []
    for token in span:
        if token.lower_ == "according":
            for prep in token.children:
                found += [c for c in prep.children if c.dep_ == "pobj"]
    return found


def _region(head: Token, heads: list[Token]) -> list[Token]:
    """The clause's own words: its subtree minus nested clauses that stand alone."""
    nested = [
        h for h in heads
        if h is not head and h in head.subtree and not _is_condition(h) and h.dep_ not in _SUBORDINATE
    ]
    excluded = {t.i for h in nested for t in h.subtree}
    for cue in head.subtree:
        if cue.lower_ == "according":
            excluded |= {t.i for t in cue.subtree}
    return [t for t in head.subtree if t.i not in excluded]


def _frame_extra(frame: Token | None, heads: list[Token]) -> str:
    """Cues said about the content by its frame: "said, declining to rule it out"."""
    if frame is None:
        return ""
    subject = _subject(frame)
    skip = {t.i for t in subject.subtree} if subject is not None else set()
    skip |= {t.i for h in heads if h is not frame and h in frame.subtree for t in h.subtree}
    skip.add(frame.i)
    return " ".join(t.text for t in frame.subtree if t.i not in skip and t.dep_ != "punct")


def _text(tokens: list[Token]) -> str:
    return "".join(t.text_with_ws for t in sorted(tokens, key=lambda t: t.i))


def _is_deontic(region: list[Token]) -> bool:
    words = {t.lower_ for t in region}
    return bool(words & _DEONTIC) or "had to" in _text(region) or "has to" in _text(region)


def _governing_negations(head: Token) -> int:
    """Negations on the clauses this one completes: "does not mean it is not …"."""
    count = 0
    token = head
    while token.dep_ in _CLAUSE_LINKS and token.head is not token:
        token = token.head
        count += sum(1 for c in token.children if c.dep_ == "neg")
    return count


def _one_per_proposition(claims: list[Claim]) -> list[Claim]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for claim in sorted(claims, key=lambda c: c.kind != "stance"):
        key = (claim.actor_id, claim.proposition)
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return kept
