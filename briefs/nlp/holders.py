"""Who holds a clause's position and who voiced it: speakers, subjects, pronouns, groups.

A subject names its holders ("Warsaw", "Romanian soldiers", "the UK and France"),
a pronoun points back to the speaker or the last actor, "26 coalition members" to
the organisation last named, and a reporting frame ("Tusk said", "according to
the minister") gives the sentence's speaker.
"""

from __future__ import annotations

from spacy.tokens import Token

from briefs.catalog import Catalog, slugify
from briefs.models import Actor
from briefs.nlp import clauses, lexicon
from briefs.nlp.context import SentenceContext, Speaker
from briefs.nlp.organisations import reports_the_news
from briefs.nlp.people import ACTOR_KINDS, PeopleRegistry, Person

_MODIFIERS = ("amod", "compound", "poss", "nmod")
_REFERRING = frozenset({"they", "it", "we"})
_GROUP_DETERMINERS = frozenset({"those", "these", "this", "that", "the"})


class Holders:
    """Speaker and holder resolution, shared by the sentence reader."""

    def __init__(self, catalog: Catalog, people: PeopleRegistry) -> None:
        self.catalog = catalog
        self.people = people

    def _speaker(self, ctx: SentenceContext, frames: list[Token]) -> Speaker | None:
        # "…, which Carney announced would continue": a relative clause's speaker is not the
        # sentence's
        found = [
            self._speaker_of(clauses.subject_of(f), ctx)
            for f in frames
            if f.dep_ not in ("relcl", "acl")
        ]
        found += [self._speaker_of(t, ctx) for t in clauses.according_to(ctx.unit.span)]
        people = [s for s in found if s is not None and s.person is not None]
        others = [s for s in found if s is not None]
        return next(iter(people or others), None)

    def _speaker_of(self, token: Token | None, ctx: SentenceContext) -> Speaker | None:
        if token is None or reports_the_news(token):
            return None
        person = ctx.person_at.get(token.i) or next(
            (ctx.person_at[t.i] for t in clauses.subject_phrase(token) if t.i in ctx.person_at),
            None,
        )
        if person is None and token.lower_ in lexicon.SUBJECT_PRONOUNS_PERSON:
            person = last_subject(ctx, token.i) or referent(ctx) or self.people.last()
        if person is None and clauses.title_words(token) and not _indefinite(token):
            person = self._titled_person(token, ctx)  # "a spokesperson" is no one named before
        if person is not None:
            return _speaker_for(person)
        actors, _ = self._actors_of(token, ctx)
        if actors or clauses.title_words(token):
            # "the Austrian government", or an unnamed "its foreign minister": shown as written
            return Speaker(None, tuple(actors), clauses.subject_phrase_text(token))
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
        if collective is None and _possessive_pronoun(token):
            # "its foreign minister": the country the sentence is about, not the last minister
            named = {m.actor_id for m in ctx.index.values() if m.kind in ACTOR_KINDS}
            last = self.people.last()
            return last if last is not None and last.affiliation in named else None
        for word in clauses.title_words(token):
            person = self.people.last(word)
            if person is not None and collective in (None, person.affiliation):
                return person
        last = self.people.last()
        return last if last is not None and collective in (None, last.affiliation) else None

    def _quoted(self, ctx: SentenceContext) -> Speaker | None:
        """A sentence that is all quotation continues the paragraph's speaker."""
        text = ctx.unit.sentence.text.lstrip()
        return ctx.state.speaker if text[:1] in '“"' else None

    def _actors_of(
        self, token: Token | None, ctx: SentenceContext
    ) -> tuple[list[str], Person | None]:
        """Collective actors (and a person) a subject phrase names."""
        if token is None:
            return [], None
        antecedent = clauses.antecedent(token)
        if antecedent is not None:  # "Trump, …, who has demanded": Trump
            return self._actors_of(antecedent, ctx)
        pronoun = self._pronoun(token, ctx)
        if pronoun is not None:
            return pronoun, self._person_meant(token, ctx)
        if token.pos_ in ("VERB", "AUX"):
            # a clausal subject: "Whether Polish troops will be deployed is …"
            return (
                self._actors_of(clauses.subject_of(token), ctx)
                if clauses.subject_of(token) is not token
                else ([], None)
            )
        actors: list[str] = []
        person = None
        for word in clauses.coordinated(token):
            mention = ctx.index.get(word.i)
            if mention is not None and mention.kind in ACTOR_KINDS and mention.actor_id:
                actors.append(mention.actor_id)
            elif word.i in ctx.person_at:
                person = person or ctx.person_at[word.i]
                actors.extend(filter(None, [ctx.person_at[word.i].affiliation]))
            elif word.pos_ != "PRON" and not (word.dep_ == "appos" and (actors or person)):
                # "the National Rally, France's far-right party": the apposition describes
                found = self._legislature(word, ctx) or _modifier_actors(word, ctx)
                actors.extend(found or self._group(word, ctx))
        return list(dict.fromkeys(actors)), person

    def _legislature(self, word: Token, ctx: SentenceContext) -> list[str]:
        """ "the Austrian parliament": a body of its own, "Parliament (Austria)", whose votes
        are not the government's."""
        if word.lemma_.lower() not in lexicon.LEGISLATURES:
            return []
        for country_id in _modifier_actors(word, ctx):
            country = self.catalog.get(country_id)
            if country is None or country.kind != "country":
                continue
            name = f"{word.lemma_.capitalize()} ({country.name})"
            actor = Actor(id=slugify(name), name=name, kind="organisation")
            self.people.groups.setdefault(actor.id, actor)
            return [actor.id]
        return []

    def _pronoun(self, word: Token, ctx: SentenceContext) -> list[str] | None:
        """What a pronoun subject stands for; None when the word is no such pronoun."""
        lower = word.lower_
        speaker = ctx.speaker
        if lower in lexicon.SUBJECT_PRONOUNS_SPEAKER | lexicon.SUBJECT_PRONOUNS_PERSON:
            if speaker is not None:
                return list(speaker.actors)
            if lower in lexicon.SUBJECT_PRONOUNS_PERSON and ctx.state.holders:
                return list(ctx.state.holders)  # "the Australian prime minister … and that he …"
            last = last_subject(ctx, word.i) or referent(ctx) or self.people.last()
            return [last.affiliation] if last is not None and last.affiliation else []
        if lower in lexicon.SUBJECT_PRONOUNS_THING | lexicon.SUBJECT_PRONOUNS_PLURAL:
            if lower in lexicon.SUBJECT_PRONOUNS_PLURAL and _things_before(word, ctx):
                return []  # "warned against quotas, arguing that they would …": the quotas
            return list(ctx.state.holders)
        if any(c.dep_ == "poss" and c.lower_ in ("our", "my") for c in word.children):
            return list(speaker.actors) if speaker is not None else []
        return None

    def _person_meant(self, word: Token, ctx: SentenceContext) -> Person | None:
        """The person "he", "she" or "I" is: the speaker, else the last one acting."""
        if word.lower_ not in lexicon.SUBJECT_PRONOUNS_PERSON:
            return None
        if ctx.speaker is not None:
            return ctx.speaker.person
        return last_subject(ctx, word.i) or referent(ctx) or self.people.last()

    def _group(self, word: Token, ctx: SentenceContext) -> list[str]:
        """ "26 coalition members", "those countries", "the group": the organisation last named."""
        noun = word
        if word.like_num:
            of = [
                p for c in word.children if c.lower_ == "of" for p in c.children if p.dep_ == "pobj"
            ]
            noun = of[0] if of else word
        if noun.lemma_.lower() not in clauses.GROUP_NOUNS:
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

    def _holders(
        self, head: Token, ctx: SentenceContext, frame: Token | None
    ) -> tuple[list[str], Person | None]:
        subject = clauses.subject_of(head)
        if (
            subject is not None
            and subject.dep_ == "csubj"
            and subject.lemma_ in ("vote", "abstain")
        ):
            # "Voting no were the ECR and the Patriots": the voters stand after the verb
            subject = next((c for c in head.children if c.dep_ == "attr"), subject)
        if frame is not None and subject is not None and subject.lower_ in _REFERRING:
            # "the UK and France confirmed that they would deploy": they = the frame's subject
            framed, _ = self._actors_of(clauses.subject_of(frame), ctx)
            if framed:
                return framed, None
        actors, person = self._actors_of(subject, ctx)
        agent = clauses.agent_of(head)
        if not actors and agent is not None and clauses.asserted_passive(head):
            actors, person = self._actors_of(agent, ctx)  # "the charge was rejected by X"
        if not actors:
            for child in head.children:
                if child.dep_ in ("attr", "dobj") and _modifier_actors(child, ctx):
                    actors = _modifier_actors(child, ctx)
        return actors, person


def _indefinite(token: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in token.children)


def _possessive_pronoun(token: Token) -> bool:
    return any(c.dep_ == "poss" and c.lower_ in ("its", "their") for c in token.children)


def _things_before(pronoun: Token, ctx: SentenceContext) -> bool:
    """Whether the nearest plural before "they" in its sentence is a thing, not an actor."""
    for token in reversed(ctx.unit.span[: max(0, pronoun.i - ctx.unit.span.start)]):
        if token.i in ctx.index or token.i in ctx.person_at:
            return False
        if token.tag_ in ("NNS", "NNPS") and token.dep_ in ("dobj", "pobj", "conj", "nsubj"):
            return token.lemma_.lower() not in clauses.GROUP_NOUNS
    return False


def last_subject(ctx: SentenceContext, before: int) -> Person | None:
    """The last named person acting as a subject before a word of the sentence."""
    for token in reversed(ctx.unit.span[: max(0, before - ctx.unit.span.start)]):
        if token.dep_ in ("nsubj", "nsubjpass") and token.i in ctx.person_at:
            return ctx.person_at[token.i]
    return None


def referent(ctx: SentenceContext) -> Person | None:
    return ctx.state.document.referent or _last_speaker(ctx)


def _last_speaker(ctx: SentenceContext) -> Person | None:
    heard = ctx.state.document.speaker
    return heard.person if heard is not None else None


def _speaker_for(person: Person) -> Speaker:
    return Speaker(person, (person.affiliation,) if person.affiliation else (), person.display)


def _modifier_actors(word: Token, ctx: SentenceContext) -> list[str]:
    """The country in "Romanian soldiers" or "Turkey's Ministry", never in "French farmers":
    a people's farmers, firms or voters speak for themselves, not for their state."""
    if word.lemma_.lower() in lexicon.OWN_PEOPLE_NOT_STATE:
        return []
    found = []
    for child in word.children:
        mention = ctx.index.get(child.i)
        if child.dep_ in _MODIFIERS and mention is not None and mention.kind in ACTOR_KINDS:
            found.append(mention.actor_id)
    return [a for a in found if a]
