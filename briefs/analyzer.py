"""The NLP step: a Document in, an Analysis (sentences, mentions, claims) out.

Boilerplate is found first and skipped; the remaining paragraphs are parsed in
batches with spaCy (paragraphs before sentences, because spaCy does not treat
newlines as boundaries), then read sentence by sentence in text order, so that
"he said" resolves to the last person named before it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from briefs.boilerplate import content_spans, find_boilerplate
from briefs.catalog import Catalog
from briefs.errors import ModelLoadError
from briefs.models import (
    Actor,
    ActorKind,
    Analysis,
    Attribution,
    Boilerplate,
    Claim,
    Document,
    Mention,
    Sentence,
    SpeakerRef,
)
from briefs.nlp.attribution import Paragraph, attribute
from briefs.nlp.claims import (
    DocumentState,
    ParagraphState,
    SentenceContext,
    SentenceReader,
    Speaker,
    headline_phrase,
)
from briefs.nlp.mentions import MentionFinder, TokenMention
from briefs.nlp.organisations import DocumentActors
from briefs.nlp.people import PeopleRegistry, Person
from briefs.nlp.segment import SentenceUnit, split_paragraph
from briefs.nlp.speakers import ParagraphNames
from briefs.pieces import bounded_spans
from briefs.topics import TopicCatalog

PLACE_MENTIONS = 2  # a place named this often is what a document is about, title or not
TWEET_MAX_CHARS = (
    300  # a tweet is at most 280 characters; lines above a signature within this are the tweet
)


def load_model(name: str) -> Language:
    """Load the spaCy pipeline by package name, with a clear error if it is missing."""
    try:
        return spacy.load(name)
    except OSError as exc:
        raise ModelLoadError(name) from exc


@dataclass
class _Reading:
    """Accumulates one document's analysis."""

    sentences: list[Sentence]
    mentions: list[Mention]
    claims: list[Claim]


class Analyzer:
    """Turns documents into analyses; build once, reuse for every document."""

    def __init__(
        self, nlp: Language, catalog: Catalog, topics: TopicCatalog, *, batch_size: int = 32
    ) -> None:
        self.nlp = nlp
        self.catalog = catalog
        self.topics = topics
        self.batch_size = batch_size
        self.finder = MentionFinder(nlp, catalog)
        self._place_names = _place_patterns(catalog, topics)

    def analyze(self, document: Document) -> Analysis:
        """Analyse one document."""
        return next(self.analyze_many([document]))

    def analyze_many(self, documents: Iterable[Document], *, chunk: int = 16) -> Iterator[Analysis]:
        """Analyse documents in order, parsing paragraphs of several documents per batch."""
        pending: list[Document] = []
        for document in documents:
            pending.append(document)
            if len(pending) >= chunk:
                yield from self._analyze_chunk(pending)
                pending = []
        if pending:
            yield from self._analyze_chunk(pending)

    def _analyze_chunk(self, documents: Sequence[Document]) -> Iterator[Analysis]:
        prepared = []
        texts: list[str] = []
        for document in documents:
            boilerplate = find_boilerplate(document)
            # A paragraph too long for one parse is read in bounded pieces (briefs/pieces.py).
            spans = bounded_spans(document.text, content_spans(document, boilerplate))
            prepared.append((document, boilerplate, spans))
            texts.extend(document.text[s:e] for s, e in spans)
        parsed = iter(self.nlp.pipe(texts, batch_size=self.batch_size))
        for document, boilerplate, spans in prepared:
            docs = [next(parsed) for _ in spans]
            yield self._read(document, boilerplate, spans, docs)

    def _read(
        self,
        document: Document,
        boilerplate: tuple[Boilerplate, ...],
        spans: list[tuple[int, int]],
        docs: list[Doc],
    ) -> Analysis:
        found = DocumentActors(self.catalog)
        people = PeopleRegistry(self.catalog, bodies=found.actors, named=found.recent)
        about = {place: self._about(place, document) for place in self._place_names}
        reader = SentenceReader(
            self.catalog, self.topics, people, about=lambda place: about.get(place, True)
        )
        tweets = _tweet_speakers(spans, boilerplate, people)
        reading = _Reading([], [], [])
        document_state = DocumentState(title=headline_phrase(document.title, document.text))
        paragraphs: list[Paragraph] = []
        for paragraph, ((start, _), doc) in enumerate(zip(spans, docs, strict=True)):
            units = split_paragraph(
                doc, offset=start, paragraph=paragraph, first_index=len(reading.sentences)
            )
            index = self._mention_index(doc, found)
            state = ParagraphState(document_state)
            person_at: dict[int, Person] = {}
            for unit in units:
                self._resolve_people(unit, index, person_at, people, reading)
                ctx = SentenceContext(unit, index, person_at, state, document.published)
                reading.claims.extend(reader.read(ctx, tweets.get(paragraph)))
                reading.sentences.append(unit.sentence)
            paragraphs.append(
                _paragraph(doc, start, units, index, person_at, tweets.get(paragraph))
            )
        quotes = self._quotes(paragraphs, people, found)
        return Analysis(
            document=document,
            boilerplate=boilerplate,
            sentences=tuple(reading.sentences),
            actors=tuple(self._actors(people, found, reading)),
            mentions=tuple(reading.mentions),
            claims=tuple(voiced_by_quotes(reading.claims, quotes)),
            quotes=quotes,
        )

    def _about(self, place: str, document: Document) -> bool:
        """Whether a document is about a place: named in its title, or more than once."""
        pattern = self._place_names[place]
        if pattern.search(document.title):
            return True
        return len(pattern.findall(document.text, document.body_start)) >= PLACE_MENTIONS

    def _quotes(
        self, paragraphs: list[Paragraph], people: PeopleRegistry, found: DocumentActors
    ) -> tuple[Attribution, ...]:
        """Who said what, read off the same parses (the claims' reading stays as it is)."""

        def actor(actor_id: str) -> Actor | None:
            return self.catalog.get(actor_id) or found.actors.get(actor_id)

        def kind_of(actor_id: str) -> ActorKind | None:
            known = actor(actor_id)
            return known.kind if known is not None else None

        def name_of(actor_id: str) -> str | None:
            person = people.people.get(actor_id)
            known = actor(actor_id)
            return person.name if person else (known.name if known else None)

        return attribute(paragraphs, kind_of=kind_of, name_of=name_of)

    def _mention_index(self, doc: Doc, found: DocumentActors) -> dict[int, TokenMention]:
        index: dict[int, TokenMention] = {}
        for mention in self.finder.find(doc):
            mention = self._as_person_if_person(mention)
            for token in range(mention.start, mention.end):
                index[token] = mention
        for item in found.find(doc, index):
            text = doc[item.start : item.end].text
            mention = TokenMention(item.start, item.end, "name", item.actor.id, text)
            index.update({token: mention for token in range(item.start, item.end)})
        return index

    def _as_person_if_person(self, mention: TokenMention) -> TokenMention:
        """Catalog names of people are people, not collectives."""
        actor = self.catalog.get(mention.actor_id) if mention.actor_id else None
        if actor is not None and actor.kind == "person" and mention.kind != "surname":
            return TokenMention(mention.start, mention.end, "person", actor.id, mention.text)
        return mention

    def _resolve_people(
        self,
        unit: SentenceUnit,
        index: dict[int, TokenMention],
        person_at: dict[int, Person],
        people: PeopleRegistry,
        reading: _Reading,
    ) -> None:
        seen: set[int] = set()
        for token in range(unit.first_token, unit.last_token):
            mention = index.get(token)
            if mention is None or mention.start in seen:
                continue
            seen.add(mention.start)
            actor_id = mention.actor_id
            if mention.kind in ("person", "surname"):
                person = people.resolve(mention)
                people.learn(person, unit.doc, mention, index)
                person_at.update({i: person for i in range(mention.start, mention.end)})
                actor_id = person.id
            if actor_id is None:
                continue
            first, last = unit.doc[mention.start], unit.doc[mention.end - 1]
            reading.mentions.append(
                Mention(
                    actor_id=actor_id,
                    sentence_index=unit.sentence.index,
                    start=unit.offset + first.idx,
                    end=unit.offset + last.idx + len(last.text),
                    text=mention.text,
                )
            )

    def _actors(
        self, people: PeopleRegistry, named: DocumentActors, reading: _Reading
    ) -> list[Actor]:
        found = {p.id: p for p in people.actors()}
        for actor_id in {m.actor_id for m in reading.mentions} | {
            c.actor_id for c in reading.claims
        }:
            known = self.catalog.get(actor_id) or named.actors.get(actor_id)
            if actor_id not in found and known is not None:
                found[actor_id] = known
        return list(found.values())


def _place_patterns(catalog: Catalog, topics: TopicCatalog) -> dict[str, re.Pattern[str]]:
    """For each place a topic is set in, one regex over every form naming it."""
    places = {t.world for t in topics.topics if t.world}
    forms: dict[str, list[str]] = {}
    for spelling, hit in catalog.surface_forms():
        if hit.actor_id in places and len(spelling) > 2:
            forms.setdefault(hit.actor_id, []).append(re.escape(spelling))
    return {
        place: re.compile(r"\b(?:" + "|".join(sorted(names, key=len, reverse=True)) + r")\b")
        for place, names in forms.items()
    }


def _paragraph(
    doc: Doc,
    start: int,
    units: list[SentenceUnit],
    index: dict[int, TokenMention],
    person_at: dict[int, Person],
    tweet: Speaker | None,
) -> Paragraph:
    author = tweet.person.name if tweet is not None and tweet.person is not None else None
    return Paragraph(doc, start, units, ParagraphNames(index, person_at), author)


def voiced_by_quotes(claims: Sequence[Claim], quotes: Sequence[Attribution]) -> list[Claim]:
    """Claims the reader found no speaker for take the speaker the attribution layer heard
    in their sentence ("… many months," he said. — a floating or carried quote)."""
    heard: dict[int, SpeakerRef] = {}
    for quote in quotes:
        if quote.speaker is not None and quote.speaker.kind == "person":
            heard.setdefault(quote.sentence_index, quote.speaker)
    voiced = []
    for claim in claims:
        speaker = heard.get(claim.sentence_index) if claim.speaker is None else None
        if speaker is not None and speaker.id != claim.actor_id:
            claim = claim.model_copy(update={"speaker": speaker.name, "speaker_id": speaker.id})
        voiced.append(claim)
    return voiced


def _tweet_speakers(
    spans: list[tuple[int, int]], boilerplate: Sequence[Boilerplate], people: PeopleRegistry
) -> dict[int, Speaker]:
    """Paragraph index → the author of the embedded tweet it belongs to."""
    speakers: dict[int, Speaker] = {}
    for signature in boilerplate:
        if signature.kind != "tweet_signature" or not signature.speaker:
            continue
        speaker = _tweet_author(signature.speaker, people)
        budget = TWEET_MAX_CHARS
        above = [i for i, (_, end) in enumerate(spans) if end <= signature.start]
        for paragraph in reversed(above):
            start, end = spans[paragraph]
            budget -= end - start
            if budget < 0:
                break
            speakers[paragraph] = speaker
    return speakers


def _tweet_author(name: str, people: PeopleRegistry) -> Speaker:
    hit = people.catalog.lookup(name)
    actor_id = hit.actor_id if hit is not None else None
    person = people.resolve(TokenMention(0, 0, "person", actor_id, name), recent=False)
    return Speaker(person, (person.affiliation,) if person.affiliation else (), person.display)
