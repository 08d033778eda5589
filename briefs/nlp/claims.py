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
from briefs.nlp.stance import StanceReading, read_stance
from briefs.topics import Topic, TopicCatalog

_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_MODIFIERS = ("amod", "compound", "poss", "nmod")
_CLAUSE_LINKS = ("ccomp", "xcomp")
_VERB_CHAIN = ("xcomp", "acomp", "aux", "auxpass", "prt")
_CONDITION_WORDS = frozenset({"if", "unless", "provided", "providing", "once", "condition"})
_QUESTION_VERBS = frozenset({"ask", "wonder", "question", "debate"})
_DEONTIC = frozenset({"must", "should", "essential", "indispensable", "mandatory"})
_REFERRING = frozenset({"they", "it", "we"})
# Subordinate clauses describe their clause ("when it comes to logistics"); they stay in it.
_SUBORDINATE = frozenset({"advcl", "relcl", "acl", "pcomp"})
# Nouns for a set of countries: "26 of Kyiv's partners", "those countries", "the group".
_GROUP_NOUNS = frozenset(
    {
        "country",
        "partner",
        "member",
        "nation",
        "state",
        "ally",
        "government",
        "group",
        "grouping",
        "coalition",
        "alliance",
        "bloc",
    }
)
_GROUP_DETERMINERS = frozenset({"those", "these", "this", "that", "the"})


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
    speaker: Speaker | None = None  # the last person heard
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


@dataclass(frozen=True)
class _Clause:
    """A content clause's holders and text, ready to be read for a stance."""

    head: Token
    actors: list[str]
    person: Person | None
    from_speaker: bool
    region: list[Token]
    frame_text: str


class SentenceReader:
    """Turns sentences into claims, using the document's people and the catalogs."""

    def __init__(self, catalog: Catalog, topics: TopicCatalog, people: PeopleRegistry) -> None:
        self.catalog = catalog
        self.topics = topics
        self.people = people

    def read(self, ctx: SentenceContext, tweet_speaker: Speaker | None) -> list[Claim]:
        """All claims of one sentence, at most one per (actor, proposition)."""
        span = ctx.unit.span
        heads = _clause_heads(span)
        frames = [h for h in heads if h.lemma_ in lexicon.REPORTING_VERBS]
        own = self._speaker(ctx, frames)
        inherited = tweet_speaker or self._quoted(ctx)
        ctx.speaker = own or inherited
        ctx.attributed = own is None and inherited is not None
        if ctx.speaker is not None and ctx.speaker.person is not None:
            ctx.state.speaker = ctx.state.document.speaker = ctx.speaker
        contents = [h for h in heads if h not in frames and _asserts(h)]
        # A reporting clause that frames nothing states its subject's own position; of
        # nested ones ("Macron said 26 members had declared …") the innermost counts.
        contents += [
            f
            for f in frames
            if not any(c in f.subtree for c in contents)
            and not any(g is not f and g in f.subtree for g in frames)
        ]
        if not heads:
            contents = [span.root]
        for head in sorted(contents, key=lambda t: t.i):
            self._read_clause(head, heads, frames, ctx)
        for noun, agent in _nominal_stances(span):
            self._read_nominal(noun, agent, ctx)
        self._remember_organisation(ctx)
        return _one_per_proposition(ctx.claims)

    # --- speakers ------------------------------------------------------------

    def _speaker(self, ctx: SentenceContext, frames: list[Token]) -> Speaker | None:
        # "…, which Carney announced would continue": a relative clause's speaker is not the
        # sentence's
        found = [
            self._speaker_of(_subject(f), ctx) for f in frames if f.dep_ not in ("relcl", "acl")
        ]
        found += [self._speaker_of(t, ctx) for t in _according_to(ctx.unit.span)]
        people = [s for s in found if s is not None and s.person is not None]
        others = [s for s in found if s is not None]
        return next(iter(people or others), None)

    def _speaker_of(self, token: Token | None, ctx: SentenceContext) -> Speaker | None:
        if token is None:
            return None
        person = ctx.person_at.get(token.i) or next(
            (ctx.person_at[t.i] for t in _phrase(token) if t.i in ctx.person_at), None
        )
        if person is None and token.lower_ in lexicon.SUBJECT_PRONOUNS_PERSON:
            person = _last_speaker(ctx) or self.people.last()
        if person is None and _title_words(token):
            person = self._titled_person(token, ctx)
        if person is not None:
            return _speaker_for(person)
        actors, _ = self._actors_of(token, ctx)
        if actors:
            return Speaker(None, tuple(actors), _phrase_text(token))
        return None

    def _titled_person(self, token: Token, ctx: SentenceContext) -> Person | None:
        """The person "the minister" or "the Polish official" stands for."""
        collective = next(
            (
                ctx.index[t.i].actor_id
                for t in token.subtree
                if t.i in ctx.index and ctx.index[t.i].kind in ACTOR_KINDS
            ),
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
        return ctx.state.speaker if text[:1] in '“"' else None

    # --- holders -------------------------------------------------------------

    def _actors_of(
        self, token: Token | None, ctx: SentenceContext
    ) -> tuple[list[str], Person | None]:
        """Collective actors (and a person) a subject phrase names."""
        if token is None:
            return [], None
        pronoun = self._pronoun(token, ctx)
        if pronoun is not None:
            return pronoun, None
        if token.pos_ in ("VERB", "AUX"):
            # a clausal subject: "Whether Polish troops will be deployed is …"
            return (
                self._actors_of(_subject(token), ctx)
                if _subject(token) is not token
                else ([], None)
            )
        actors: list[str] = []
        person = None
        for word in _expand(token):
            mention = ctx.index.get(word.i)
            if mention is not None and mention.kind in ACTOR_KINDS and mention.actor_id:
                actors.append(mention.actor_id)
            elif word.i in ctx.person_at:
                person = person or ctx.person_at[word.i]
                actors.extend(filter(None, [ctx.person_at[word.i].affiliation]))
            elif word.pos_ != "PRON":
                actors.extend(_modifier_actors(word, ctx) or self._group(word, ctx))
        return list(dict.fromkeys(actors)), person

    def _pronoun(self, word: Token, ctx: SentenceContext) -> list[str] | None:
        """What a pronoun subject stands for; None when the word is no such pronoun."""
        lower = word.lower_
        speaker = ctx.speaker
        if lower in lexicon.SUBJECT_PRONOUNS_SPEAKER | lexicon.SUBJECT_PRONOUNS_PERSON:
            if speaker is not None:
                return list(speaker.actors)
            if lower in lexicon.SUBJECT_PRONOUNS_PERSON and ctx.state.holders:
                return list(ctx.state.holders)  # "the Australian prime minister … and that he …"
            last = _last_speaker(ctx) or self.people.last()
            return [last.affiliation] if last is not None and last.affiliation else []
        if lower in lexicon.SUBJECT_PRONOUNS_THING | lexicon.SUBJECT_PRONOUNS_PLURAL:
            return list(ctx.state.holders)
        if any(c.dep_ == "poss" and c.lower_ in ("our", "my") for c in word.children):
            return list(speaker.actors) if speaker is not None else []
        return None

    def _group(self, word: Token, ctx: SentenceContext) -> list[str]:
        """ "26 coalition members", "those countries", "the group": the organisation last named."""
        noun = word
        if word.like_num:
            of = [
                p for c in word.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"
            ]
            noun = of[0] if of else word
        if noun.lemma_.lower() not in _GROUP_NOUNS:
            return []
        counted = any(c.dep_ == "nummod" or c.like_num for c in noun.children) or word.like_num
        pointed = any(c.dep_ == "det" and c.lower_ in _GROUP_DETERMINERS for c in noun.children)
        collective = noun.lemma_.lower() in ("group", "grouping", "coalition", "alliance", "bloc")
        if not (counted or (pointed and (collective or noun.tag_ == "NNS"))):
            return []
        organisation = self._organisation_for(noun, ctx)
        if organisation is None:
            return []
        ctx.state.document.organisations.append(organisation)  # "the coalition" names it again
        return [organisation]

    def _organisation_for(self, noun: Token, ctx: SentenceContext) -> str | None:
        """The organisation a group noun points back to: one named like it, else the latest."""
        named = ctx.state.document.organisations
        words = {noun.lemma_.lower()} | {
            c.lemma_.lower() for c in noun.children if c.dep_ == "compound"
        }
        for actor_id in reversed(named):
            actor = self.catalog.get(actor_id)
            if actor is not None and words & set(actor.name.lower().split()):
                return actor_id
        return named[-1] if named else None

    def _remember_organisation(self, ctx: SentenceContext) -> None:
        for mention in {m.start: m for m in ctx.index.values()}.values():
            inside = ctx.unit.first_token <= mention.start < ctx.unit.last_token
            actor = self.catalog.get(mention.actor_id) if mention.actor_id else None
            if inside and actor is not None and actor.kind == "organisation":
                ctx.state.document.organisations.append(actor.id)

    # --- clauses -------------------------------------------------------------

    def _read_clause(
        self, head: Token, heads: list[Token], frames: list[Token], ctx: SentenceContext
    ) -> None:
        clause = self._clause(head, heads, frames, ctx)
        if clause.actors:
            ctx.state.holders = tuple(clause.actors)
        cue_text = _masked_text(clause.region, ctx.index) + " ; " + clause.frame_text
        verbatim = _text(clause.region) + " ; " + clause.frame_text
        topic = self._topic(_text(clause.region), clause.frame_text, ctx)
        negations = _negations(head, _topic_token(topic, clause.region))
        reading = read_stance(cue_text, negations=negations, verbatim=verbatim)
        if topic is None and reading.stance is not None:
            # a stance with no topic of its own is the sentence's: "the decision was Poland's own"
            topic = self.topics.find(ctx.unit.sentence.text)
        if topic is not None:
            ctx.state.document.topic = topic
        if not clause.actors or topic is None or self._at_home(topic, clause, ctx):
            return
        speaker = ctx.speaker
        speaking = clause.person or (speaker.person if speaker else None)
        holders = list(clause.actors)
        if speaking is not None and (clause.from_speaker or speaking.affiliation in clause.actors):
            holders.append(speaking.id)
        display = speaking.display if speaking else (speaker.display if speaker else None)
        for actor_id in dict.fromkeys(holders):
            ctx.claims.append(_claim(actor_id, topic, reading, speaking, display, ctx))

    def _read_nominal(self, noun: Token, agent: Token, ctx: SentenceContext) -> None:
        """ "the commitment by France and the UK to put boots on the ground"."""
        actors, person = self._actors_of(agent, ctx)
        region = [t for t in noun.subtree if t.i not in {a.i for a in agent.subtree}]
        topic = self.topics.find(_text(region))
        if not actors or topic is None:
            return
        reading = read_stance(_masked_text(region, ctx.index), negations=0)
        display = person.display if person else (ctx.speaker.display if ctx.speaker else None)
        for actor_id in dict.fromkeys([*actors, *([person.id] if person else [])]):
            ctx.claims.append(_claim(actor_id, topic, reading, person, display, ctx))

    def _at_home(self, topic: Topic, clause: _Clause, ctx: SentenceContext) -> bool:
        """ "Polish soldiers will be deployed on Polish territory" is not sending them abroad."""
        if topic.place is None:
            return False
        chain = {t.i for t in _verb_chain(clause.head)}
        places = {
            ctx.index[t.i].actor_id for t in clause.region if _is_location(t, chain, ctx.index)
        }
        return bool(places & set(clause.actors)) and topic.place not in places

    def _clause(
        self, head: Token, heads: list[Token], frames: list[Token], ctx: SentenceContext
    ) -> _Clause:
        region = _region(head, heads)
        frame = next((f for f in frames if head in f.subtree and f is not head), None)
        actors, person = self._holders(head, ctx, frame)
        speaker = ctx.speaker
        framed = (
            frame is not None
            or head in frames
            or ctx.attributed
            or bool(_according_to(ctx.unit.span))
        )
        from_speaker = not actors and speaker is not None and framed and _impersonal(head)
        if speaker is not None and (from_speaker or self._speaker_demands(actors, region, speaker)):
            actors, person = list(speaker.actors), speaker.person
        return _Clause(head, actors, person, from_speaker, region, _frame_extra(frame, heads))

    @staticmethod
    def _speaker_demands(actors: list[str], region: list[Token], speaker: Speaker) -> bool:
        """ "X said the UK and France must be present" is X's position, not theirs."""
        return (
            bool(speaker.actors) and _is_deontic(region) and not set(actors) & set(speaker.actors)
        )

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
            return ctx.state.document.topic
        return topic


# --- parse helpers ------------------------------------------------------------


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


def _last_speaker(ctx: SentenceContext) -> Person | None:
    heard = ctx.state.document.speaker
    return heard.person if heard is not None else None


def _nominal_stances(span: Iterable[Token]) -> Iterator[tuple[Token, Token]]:
    """Stance nouns with their agent: "the commitment by France", "Moscow's opposition"."""
    for noun in span:
        if noun.lemma_.lower() not in lexicon.STANCE_NOUNS:
            continue
        for child in noun.children:
            if child.dep_ == "poss" and child.pos_ != "PRON":
                yield noun, child
            elif child.dep_ == "prep" and child.lower_ == "by":
                yield from ((noun, p) for p in child.children if p.dep_ == "pobj")


def _speaker_for(person: Person) -> Speaker:
    return Speaker(person, (person.affiliation,) if person.affiliation else (), person.display)


def _clause_heads(span: Iterable[Token]) -> list[Token]:
    """Verbs with a subject of their own, and reporting verbs sharing one ("and have said")."""
    heads = []
    for token in span:
        if token.pos_ not in ("VERB", "AUX"):
            continue
        own = any(c.dep_ in (*_SUBJECTS, "expl") for c in token.children)
        reporting = token.lemma_ in lexicon.REPORTING_VERBS
        # "would keep its troops out but could make its bases available": two clauses, one subject
        shared = token.dep_ == "conj" and token.head in heads
        if own or shared or (reporting and _subject(token) is not None):
            heads.append(token)
    return heads


def _subject(head: Token) -> Token | None:
    if head.lemma_ in lexicon.REPORTING_VERBS:
        # inverted "…, said Tusk, …": the name after the verb speaks, however it is parsed
        after = [c for c in head.rights if c.pos_ == "PROPN" and c.i - head.i <= 3]
        if after:
            return after[0]
    for child in head.children:
        if child.dep_ in _SUBJECTS:
            return child
    if any(c.dep_ == "expl" for c in head.children):
        return next((c for c in head.children if c.dep_ == "attr"), None)
    if head.dep_ == "conj" and head.head is not head:
        return _subject(head.head)
    return None


def _asserts(head: Token) -> bool:
    """Whether a clause asserts something: not a condition, question, infinitive or relative."""
    if _is_condition(head):
        return False
    if head.dep_ in _SUBORDINATE and not _states_a_fact(head):
        return False
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children):
        return False
    marks = {c.lower_ for c in head.children if c.dep_ == "mark"}
    asked = head.head.lemma_ in _QUESTION_VERBS
    return "whether" not in marks and not (asked and "if" in marks)


def _is_location(token: Token, chain: set[int], index: dict[int, TokenMention]) -> bool:
    """A country named as where the clause's verb happens: "deployed on Polish territory"."""
    if token.i not in index or index[token.i].kind not in ACTOR_KINDS:
        return False
    if token.dep_ == "amod" and token.head.lemma_.lower() in ("territory", "soil", "ground"):
        token = token.head
    elif token.dep_ != "pobj":
        return False
    prep = token.head
    return prep.lower_ in ("in", "on", "to", "into", "within") and prep.head.i in chain


def _states_a_fact(head: Token) -> bool:
    """ "the fact that Poland will not send troops", "sources that Ankara would take part":
    a noun's that-clause with its own subject reports something, unlike a relative clause
    (whose "that" is itself the subject or object)."""
    marked = any(c.dep_ == "mark" and c.lower_ == "that" for c in head.children)
    return head.dep_ == "acl" and marked


def _impersonal(head: Token) -> bool:
    """A subject naming no third party ("the decision", "guarantees", none) means the speaker."""
    subject = _subject(head)
    if subject is None:
        return True
    if subject.dep_ == "csubj":
        return False  # "sending soldiers would force Canada to …" is an analysis, not a position
    noun = subject.lemma_.lower()
    return noun not in _GROUP_NOUNS and subject.ent_type_ not in ("PERSON", "NORP", "GPE", "ORG")


def _is_condition(head: Token) -> bool:
    """A clause under "if", "provided", "on condition that" states terms, not a position."""
    before = head.left_edge.i - 1
    if before >= 0 and head.doc[before].lower_ in _CONDITION_WORDS:
        return True
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
    return [
        t
        for t in token.subtree
        if t.dep_ not in ("relcl", "acl") and t.head.dep_ not in ("relcl", "acl")
    ]


def _phrase_text(token: Token) -> str:
    return "".join(t.text_with_ws for t in _phrase(token)).strip(" ,")


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
        h
        for h in heads
        if h is not head
        and h in head.subtree
        and not _is_condition(h)
        and h.dep_ not in _SUBORDINATE
    ]
    excluded = {t.i for h in nested for t in h.subtree}
    for cue in head.subtree:
        if cue.lower_ == "according":
            excluded |= {t.i for t in cue.subtree}
    subject = _subject(head)
    if head.lemma_ in lexicon.REPORTING_VERBS and subject is not None:
        excluded |= {t.i for t in subject.subtree}
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


def _masked_text(tokens: list[Token], index: dict[int, TokenMention]) -> str:
    """The clause's words with actor names blanked, so "the Willing" reads as no willingness."""
    return "".join(
        ("X" + t.whitespace_) if t.i in index else t.text_with_ws
        for t in sorted(tokens, key=lambda t: t.i)
    )


def _text(tokens: list[Token]) -> str:
    return "".join(t.text_with_ws for t in sorted(tokens, key=lambda t: t.i))


def _is_deontic(region: list[Token]) -> bool:
    words = {t.lower_ for t in region}
    text = _text(region)
    return bool(words & _DEONTIC) or "had to" in text or "has to" in text


def _verb_chain(head: Token) -> list[Token]:
    """The clause head with its auxiliaries and complements: "is not prepared to deploy"."""
    chain = [head]
    for child in head.children:
        if child.dep_ in _VERB_CHAIN:
            chain += _verb_chain(child)
    return chain


def _topic_token(topic: Topic | None, region: list[Token]) -> Token | None:
    """The first word of the clause that names its topic ("troops" in "will not send troops")."""
    if topic is None:
        return None
    return next((t for t in region if topic.pattern.match(t.text)), None)


def _negations(head: Token, anchor: Token | None = None) -> int:
    """Negations on the way from the topic word up to the clause head, on the head's verb
    chain, and on the clauses it completes ("does not mean it is not …")."""
    scope = {t.i: t for t in _verb_chain(head)}
    token = anchor
    while token is not None and token.i != head.i and token.head is not token:
        if not _is_condition(token):
            scope[token.i] = token
        token = token.head
    negative = {
        child.i
        for token in scope.values()
        for child in token.children
        if child.dep_ == "neg"
        or child.lower_ == "never"
        or (child.dep_ in (*_SUBJECTS, "dobj", "attr") and _is_negative_noun(child))
    }
    if anchor is not None and _is_negative_noun(anchor):
        negative.add(anchor.i)  # "financial support but no troops": the topic word refused
    count = len(negative)
    while head.dep_ in _CLAUSE_LINKS and head.head is not head:
        head = head.head
        count += sum(1 for c in head.children if c.dep_ == "neg")
    return count


def _is_negative_noun(noun: Token) -> bool:
    """ "no Polish troops", "none of its partners"."""
    if noun.lower_ in ("none", "nobody", "nothing", "neither"):
        return True
    return any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in noun.children)


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
