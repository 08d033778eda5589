"""From one parsed sentence to claims: who holds which stance on what, said by whom.

A sentence is read clause by clause. Reporting clauses ("Tusk said", "according
to the minister", "he emphasised") give the speaker; every other finite clause
with a subject is a content clause. Its holder is the country or organisation in
its subject ("Warsaw", "Romanian soldiers", "the UK and France"), or, when the
subject names none ("we", "the decision"), whoever the speaker speaks for. A
reporting clause with no content clause of its own ("Macron suggested stationing a
force") states the speaker's own position. A statement by a person counts for the
person too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from spacy.tokens import Token

from briefs.catalog import Catalog
from briefs.models import Claim
from briefs.nlp import clauses, lexicon
from briefs.nlp.context import DocumentState, ParagraphState, SentenceContext, Speaker
from briefs.nlp.holders import Holders, last_subject, referent
from briefs.nlp.people import PeopleRegistry, Person
from briefs.nlp.phrases import PhraseSpan
from briefs.nlp.positions import (
    COMMITMENT,
    EVALUATIVE,
    SHOWN,
    OpenReading,
    phrasal_preposition,
    read_position,
)
from briefs.nlp.positions import read_participle as read_position_of_participle
from briefs.nlp.positions import read_won as read_won_stance
from briefs.nlp.segment import SentenceUnit
from briefs.nlp.stance import StanceReading, read_stance
from briefs.nlp.stance_words import DEMANDING
from briefs.topics import Topic, TopicCatalog

__all__ = [
    "DocumentState",
    "ParagraphState",
    "SentenceContext",
    "SentenceReader",
    "Speaker",
    "headline_phrase",
]


@dataclass(frozen=True)
class _Clause:
    """A content clause's holders and text, ready to be read for a stance."""

    head: Token
    actors: list[str]
    person: Person | None
    from_speaker: bool
    region: list[Token]
    frame_text: str
    speaker: Speaker | None  # the sentence's speaker, when it voiced this clause


class SentenceReader(Holders):
    """Turns sentences into claims, using the document's people and the catalogs."""

    def __init__(
        self,
        catalog: Catalog,
        topics: TopicCatalog,
        people: PeopleRegistry,
        *,
        about: Callable[[str], bool] = lambda place: True,
    ) -> None:
        super().__init__(catalog, people)
        self.all_topics = self.topics = topics
        self.about = about  # whether the document is about a place

    def read(self, ctx: SentenceContext, tweet_speaker: Speaker | None) -> list[Claim]:
        """All claims of one sentence, at most one per (actor, proposition)."""
        span = ctx.unit.span
        # a topic set in a place reads a sentence that names the place, or any sentence
        # of a document about it: troops in a story on army budgets are not for Ukraine
        here = {ctx.index[t.i].actor_id for t in span if t.i in ctx.index}
        self.topics = self.all_topics.in_world_of(lambda place: place in here or self.about(place))
        heads = clauses.clause_heads(span)
        frames = [h for h in heads if h.lemma_ in lexicon.REPORTING_VERBS]
        own = self._speaker(ctx, frames)
        inherited = tweet_speaker or self._quoted(ctx)
        ctx.speaker = own or inherited
        ctx.attributed = own is None and inherited is not None
        if ctx.speaker is not None and ctx.speaker.person is not None:
            ctx.state.speaker = ctx.state.document.speaker = ctx.speaker
        contents = [h for h in heads if h not in frames and clauses.asserts(h)]
        # A reporting clause that frames nothing states its subject's own position; of
        # nested ones ("Macron said 26 members had declared …") the innermost counts.
        said = [c for c in contents if c.dep_ != "advcl"]  # "after a truce is reached": aside
        contents += [
            f
            for f in frames
            if not any(_frames(f, c) for c in said)
            and not any(g.i != f.i and _frames(f, g) for g in frames)
        ]
        # "warned against quotas, arguing that …": a frame with a stance of its own
        contents += [f for f in frames if f not in contents and phrasal_preposition(f)]
        if not heads:
            contents = [span.root]
        for head in sorted(contents, key=lambda t: t.i):
            self._read_clause(head, heads, frames, ctx)
        for noun, agent in clauses.nominal_stances(span):
            self._read_nominal(noun, agent, ctx)
        for verb, agent in clauses.reduced_passives(span):
            self._read_participle(verb, agent, ctx)
        for verb, giver in clauses.won_stances(span):
            self._read_won(verb, giver, ctx)
        self._remember_organisation(ctx)
        ctx.state.document.referent = last_subject(ctx, len(ctx.unit.doc)) or referent(ctx)
        return _one_per_proposition(ctx.claims)

    def _read_clause(
        self, head: Token, heads: list[Token], frames: list[Token], ctx: SentenceContext
    ) -> None:
        clause = self._clause(head, heads, frames, ctx)
        if clause.actors:
            ctx.state.holders = tuple(clause.actors)
        cue_text = clauses.masked_tokens_text(clause.region, ctx.index) + " ; " + clause.frame_text
        verbatim = clauses.tokens_text(clause.region) + " ; " + clause.frame_text
        topic = self._topic(clauses.tokens_text(clause.region), clause.frame_text, ctx)
        negations = clauses.negation_count(head, clauses.topic_token(topic, clause.region))
        reading = read_stance(cue_text, negations=negations, verbatim=verbatim)
        voiced = clause.actors or clause.person is not None  # a person may hold their own view
        accusing = head.lemma_ in lexicon.ACCUSING  # "Moscow accuses Poland of wanting …"
        if (topic is None or accusing) and voiced and self._read_open(clause, frames, ctx):
            return
        if accusing:
            return  # what the accused is said to want is neither side's position on it
        if topic is None and reading.stance is not None:
            # a stance with no topic of its own is the sentence's: "the decision was Poland's own"
            topic = self.topics.find(ctx.unit.sentence.text)
        if topic is not None:
            ctx.state.document.topic = topic
            ctx.state.document.topic_sentence = ctx.unit.sentence.index
        if not clause.actors or topic is None or self._at_home(topic, clause, ctx):
            return
        speaking, display = _voice(clause)
        for actor_id in _holders_with_speaker(clause):
            ctx.claims.append(_claim(actor_id, topic, reading, speaking, display, ctx))

    def _read_open(self, clause: _Clause, frames: list[Token], ctx: SentenceContext) -> bool:
        """A position on anything the clause names, in general language; False if none."""
        head = clause.head
        # "demanded that allies spend more": the demanded clause is what the position is about
        demanded = [
            t
            for verb in clauses.verb_chain(head)
            for c in verb.children
            if c.dep_ == "ccomp" and head not in frames and _demands(verb, c)
            for t in c.subtree
        ]
        region = set(clause.region) | set(demanded)
        excluded = {t.i for f in frames if f is not head for t in f.subtree if t not in region}
        subject = clauses.subject_of(head)
        agent = clauses.agent_of(head)
        if agent is not None:  # "rejected by the chamber": the subject is the proposition
            excluded |= {t.i for t in agent.subtree}
        elif subject is not None and not clause.from_speaker and not _existential(head):
            excluded |= {t.i for t in subject.subtree}
        excluded |= _actors_named_as_matter(ctx, set(_holders_with_speaker(clause)))
        reading = read_position(
            head, region, clauses.negation_count(head), excluded=frozenset(excluded)
        )
        if reading is None or (clause.from_speaker and reading.confidence == COMMITMENT):
            return False  # "the quotas would reduce trade" commits no one to anything
        if reading.ought and not _demanded_by_holder(clause):
            return False  # "Rutte insisted Madrid must pay": Rutte's demand, not Madrid's
        if not reading.phrase.text:  # "voted no": on the matter the document is about
            named = ctx.state.document.phrase or ctx.state.document.title
            if named is None:
                return False
            # shown with the document's last proposition, filed under its main issue
            reading = replace(reading, phrase=replace(named, anaphoric=True))
        else:
            reading = _in_document(reading, ctx)
            if reading.phrase.keys:
                ctx.state.document.phrase = reading.phrase
                ctx.state.document.phrase_sentence = ctx.unit.sentence.index
        stance = read_stance(
            clauses.masked_tokens_text(clause.region, ctx.index) + " ; " + clause.frame_text,
            negations=0,
            verbatim=clauses.tokens_text(clause.region),
        )
        document = ctx.state.document
        # "the deal" is the catalog's topic only when that was the last thing named
        recent = document.topic if document.topic_sentence >= document.phrase_sentence else None
        topic = self.topics.find(ctx.unit.sentence.text) or recent
        if reading.phrase.anaphoric and topic is not None:
            # "supports the mission" in a story the catalog knows: the catalog's topic
            known = StanceReading(reading.stance, stance.conditions, None, False)
            speaking, display = _voice(clause)
            for actor_id in _holders_with_speaker(clause):
                ctx.claims.append(_claim(actor_id, topic, known, speaking, display, ctx))
            return True
        if reading.stance == "supports" and _on_terms(stance.conditions, clause, reading):
            # "would accept the charge only if vans were exempt": support on terms
            reading = replace(reading, stance="conditional")
        for actor_id in _holders_with_speaker(clause):
            ctx.claims.append(_open_claim(actor_id, reading, stance.conditions, clause, ctx))
        return True

    def _read_nominal(self, noun: Token, agent: Token, ctx: SentenceContext) -> None:
        """ "the commitment by France and the UK to put boots on the ground"."""
        actors, person = self._actors_of(agent, ctx)
        region = [t for t in noun.subtree if t.i not in {a.i for a in agent.subtree}]
        topic = self.topics.find(clauses.tokens_text(region))
        if not actors or topic is None:
            return
        reading = read_stance(clauses.masked_tokens_text(region, ctx.index), negations=0)
        display = person.display if person else (ctx.speaker.display if ctx.speaker else None)
        for actor_id in dict.fromkeys([*actors, *([person.id] if person else [])]):
            ctx.claims.append(_claim(actor_id, topic, reading, person, display, ctx))

    def _read_participle(self, verb: Token, agent: Token, ctx: SentenceContext) -> None:
        """ "a new goal proposed by Rutte": the agent's position on what it describes."""
        excluded = frozenset({t.i for t in agent.subtree} | set(ctx.index))
        negated = clauses.negation_count(verb) % 2 == 1
        self._read_given(verb, agent, read_position_of_participle(verb, negated, excluded), ctx)

    def _read_won(self, verb: Token, giver: Token, ctx: SentenceContext) -> None:
        """ "the target won the support of the Socialists": the givers' position on it."""
        excluded = frozenset({t.i for t in giver.subtree} | set(ctx.index))
        negated = clauses.negation_count(verb) % 2 == 1
        self._read_given(verb, giver, read_won_stance(verb, negated, excluded), ctx)

    def _read_given(
        self, verb: Token, agent: Token, reading: OpenReading | None, ctx: SentenceContext
    ) -> None:
        """Claims for the agent of a stance the sentence gives a thing."""
        actors, person = self._actors_of(agent, ctx)
        if not actors or reading is None or not reading.phrase.text:
            return
        reading = _in_document(reading, ctx)
        clause = _Clause(verb, actors, person, False, list(verb.subtree), "", ctx.speaker)
        for actor_id in dict.fromkeys([*actors, *([person.id] if person else [])]):
            ctx.claims.append(_open_claim(actor_id, reading, (), clause, ctx))

    def _at_home(self, topic: Topic, clause: _Clause, ctx: SentenceContext) -> bool:
        """ "Polish soldiers will be deployed on Polish territory" is not sending them abroad."""
        if topic.place is None:
            return False
        chain = {t.i for t in clauses.verb_chain(clause.head)}
        places = {
            ctx.index[t.i].actor_id
            for t in clause.region
            if clauses.is_location(t, chain, ctx.index)
        }
        return bool(places & set(clause.actors)) and topic.place not in places

    def _clause(
        self, head: Token, heads: list[Token], frames: list[Token], ctx: SentenceContext
    ) -> _Clause:
        region = clauses.clause_region(head, heads)
        frame = next((f for f in frames if head in f.subtree and f is not head), None)
        actors, person = self._holders(head, ctx, frame)
        speaker = ctx.speaker
        if speaker is not None and not _voiced_by_speaker(head, frame, frames, ctx):
            # a frame in another clause speaks for this one only about its own side:
            # "he was firm that no Polish troops …, and said …" yes; "Croatia …, while
            # Slovenia said …" no
            speaker = speaker if set(actors) & set(speaker.actors) else None
        framed = (
            frame is not None
            or head in frames
            or ctx.attributed
            or bool(clauses.according_to(ctx.unit.span))
        )
        from_speaker = not actors and speaker is not None and framed and clauses.impersonal(head)
        if speaker is not None and (from_speaker or self._speaker_demands(actors, region, speaker)):
            actors, person = list(speaker.actors), speaker.person
        return _Clause(
            head, actors, person, from_speaker, region, clauses.frame_extra(frame, heads), speaker
        )

    @staticmethod
    def _speaker_demands(actors: list[str], region: list[Token], speaker: Speaker) -> bool:
        """ "X said the UK and France must be present" is X's position, not theirs."""
        return (
            bool(speaker.actors)
            and clauses.is_deontic(region)
            and not set(actors) & set(speaker.actors)
        )

    def _topic(self, region_text: str, frame_text: str, ctx: SentenceContext) -> Topic | None:
        """The clause's own topic, else its frame's, else the one an anaphor points back to."""
        topic = self.topics.find(region_text) or self.topics.find(frame_text)
        if topic is None and lexicon.ANAPHORIC_OBJECTS.search(region_text):
            return ctx.state.document.topic
        return topic


def headline_phrase(title: str, text: str) -> PhraseSpan | None:
    """The document's headline as its matter at hand, located in its text."""
    start = text.find(title) if title else -1
    keys = tuple(dict.fromkeys(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]{3,}", title)))
    if start < 0 or not keys:
        return None
    return PhraseSpan(title, start, start + len(title), keys, "", anaphoric=True)


def _in_document(reading: OpenReading, ctx: SentenceContext) -> OpenReading:
    """The reading with its phrase's offsets moved from the paragraph's parse to the document."""
    offset, phrase = ctx.unit.offset, reading.phrase
    moved = replace(phrase, start=offset + phrase.start, end=offset + phrase.end)
    return replace(reading, phrase=moved)


def _claim(
    actor_id: str,
    topic: Topic,
    reading: StanceReading,
    speaking: Person | None,
    display: str | None,
    ctx: SentenceContext,
) -> Claim:
    return Claim(
        actor_id=actor_id,
        kind="stance" if reading.stance else "context",
        stance=reading.stance,
        proposition=topic.proposition,
        conditions=reading.conditions,
        modality=reading.modality,
        negated=reading.negated,
        speaker_id=speaking.id if speaking else None,
        speaker=display,
        sentence_index=ctx.unit.sentence.index,
        start=ctx.unit.sentence.start,
        end=ctx.unit.sentence.end,
        date=ctx.date,
    )


def _voice(clause: _Clause) -> tuple[Person | None, str | None]:
    """Who voiced a clause, and how they are shown: the person, else the speaker as written."""
    speaker = clause.speaker
    speaking = clause.person or (speaker.person if speaker else None)
    display = speaking.display if speaking else (speaker.display if speaker else None)
    return speaking, display


def _holders_with_speaker(clause: _Clause) -> list[str]:
    """The clause's holders, and the person who voiced it when they speak for them."""
    speaking, _ = _voice(clause)
    holders = list(clause.actors)
    if speaking is not None and (
        clause.from_speaker or speaking.affiliation in clause.actors or not holders
    ):
        holders.append(speaking.id)  # and a person speaking for no body speaks for themself
    return list(dict.fromkeys(holders))


def _open_claim(
    actor_id: str,
    reading: OpenReading,
    conditions: tuple[str, ...],
    clause: _Clause,
    ctx: SentenceContext,
) -> Claim:
    speaking, display = _voice(clause)
    # "the board last blocked a merger in 2017": history, kept as context
    shown = reading.confidence >= SHOWN and not _years_before(clause, ctx)
    return Claim(
        actor_id=actor_id,
        kind="stance" if shown else "context",
        stance=reading.stance if shown else None,
        proposition=reading.phrase.text,
        conditions=conditions,
        negated=False,
        speaker_id=speaking.id if speaking else None,
        speaker=display,
        sentence_index=ctx.unit.sentence.index,
        start=ctx.unit.sentence.start,
        end=ctx.unit.sentence.end,
        date=ctx.date,
        phrase=reading.phrase.text,
        phrase_start=reading.phrase.start,
        phrase_end=reading.phrase.end,
        key_words=reading.phrase.keys,
        phrase_head=reading.phrase.head or None,
        anaphoric=reading.phrase.anaphoric,
        verbal=reading.phrase.verbal,
        confidence=reading.confidence,
    )


def _years_before(clause: _Clause, ctx: SentenceContext) -> bool:
    """Whether the clause dates itself to a year before the document's."""
    if ctx.date is None:
        return False
    chain = set(clauses.verb_chain(clause.head))
    return any(
        token.text.isdigit()
        and len(token.text) == 4
        and int(token.text) < ctx.date.year
        and token.head.lower_ in ("in", "during")  # "blocked a merger in 2017", not "1990 levels"
        and token.head.head in chain
        for token in clause.region
    )


def _frames(frame: Token, clause: Token) -> bool:
    """Whether a reporting verb frames a clause: "said [it would vote no]", but not
    "signalled a no vote, and [concerns were raised]", a clause joined beside it."""
    token = clause
    while token.head.i != token.i:
        if token.head.i == frame.i:  # nor "Pereira, [who steered the file], described …"
            return token.dep_ not in ("conj", "nsubj", "nsubjpass")
        token = token.head
    return False


def _actors_named_as_matter(ctx: SentenceContext, holders: set[str]) -> set[int]:
    """Actor names kept out of the proposition: the holders themselves, and names that
    would be the whole matter ("criticised Hungary"). Another actor's name inside a
    phrase stays: "send troops to Ukraine"."""
    named = set(ctx.index)
    kept: set[int] = set()
    for i in named:
        if ctx.index[i].actor_id in holders:
            continue
        top = ctx.unit.doc[i]
        while top.head.i in named and top.head.i != top.i:
            top = top.head
        if top.dep_ in ("pobj", "compound", "amod", "poss", "nmod") and top.head.i not in named:
            kept.add(i)
    return named - kept


def _existential(head: Token) -> bool:
    """ "there will be no Polish troops": the "subject" is the thing ruled out."""
    return any(c.dep_ == "expl" for c in head.children)


def _demands(verb: Token, content: Token) -> bool:
    """ "demanded that allies spend more", "agreed that the rules must change": a demand,
    unlike a fact conceded ("accepted that the measure could be defended")."""
    return verb.lemma_.lower() in DEMANDING or clauses.is_deontic(list(content.subtree))


_TERMS = ("only if", "only with", "provided", "providing", "on condition", "as long as")


def _on_terms(conditions: tuple[str, ...], clause: _Clause, reading: OpenReading) -> bool:
    """Support hung on terms: "only if …", terms on a hypothetical ("would accept it,
    provided …"), or a feeling under "if" ("would be glad if …"). A commitment under a
    plain "if" stays one ("would deploy forces if a ceasefire is reached")."""
    hypothetical = any(
        t.dep_ == "aux" and t.lower_ in ("would", "could", "might") for t in clause.region
    )
    feeling = reading.confidence == EVALUATIVE
    return any(
        c.lower().startswith("only")
        or (hypothetical and (_terms(c) or (feeling and c.lower().startswith("if"))))
        for c in conditions
    )


def _terms(condition: str) -> bool:
    """A condition the holder sets ("only if", "provided"), not any "if" in the clause."""
    lowered = condition.lower()
    return lowered.startswith(_TERMS) or lowered.startswith("unless")


def _demanded_by_holder(clause: _Clause) -> bool:
    """A demand counts for whoever voiced it, never for the one it is made of."""
    speaker = clause.speaker
    if speaker is None or not speaker.actors:
        return False
    return set(clause.actors) <= set(speaker.actors)


def _voiced_by_speaker(
    head: Token, frame: Token | None, frames: list[Token], ctx: SentenceContext
) -> bool:
    """Whether the sentence's speaker said this clause.

    A reporting frame above the clause, a parenthetical one inside it ("…, he said"),
    "according to", a tweet or quotation: yes. A frame in another clause ("Croatia has
    ruled it out, while Slovenia said …"): no.
    """
    if frame is not None or head in frames or ctx.attributed or not frames:
        return True
    if clauses.according_to(ctx.unit.span) or _inside_quotation(head, ctx.unit):
        return True
    return any(
        f in head.subtree and f.dep_ in ("parataxis", "ccomp") for f in frames if f is not head
    )


def _inside_quotation(token: Token, unit: SentenceUnit) -> bool:
    """Whether a word stands between quotation marks: a quote is its speaker's words."""
    before = unit.doc.text[unit.span.start_char : token.idx]
    opened = before.count("“") - before.count("”")
    return opened > 0 or before.count('"') % 2 == 1


# When two clauses of one sentence disagree, the more specific reading wins: a refusal to
# decide or a refusal over a bare "would"; "will not send …, but will help support …" opposes.
_STANCE_PRIORITY = {"undecided": 0, "opposes": 1, "conditional": 2, "supports": 3, None: 4}


def _one_per_proposition(claims: list[Claim]) -> list[Claim]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for claim in sorted(claims, key=lambda c: _STANCE_PRIORITY[c.stance]):
        key = (claim.actor_id, claim.proposition)
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return kept
