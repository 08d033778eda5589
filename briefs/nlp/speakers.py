"""Who a speaker mention is, within one document: names, pronouns, titles, descriptions.

No coreference model ships offline, so this follows what news writing does. A
name is the fullest form the article gives ("Okafor" is "Adaeze Okafor"). A pronoun
is the most salient earlier referent of its gender and number: the latest subject
or speaker, as centering has it, since reporters switch speakers by naming them.
A title or description ("the mayor", "the 34-year-old", "the Ward 4 councillor")
is the person whose introduction used those words (their title, apposition or
relative clause), and an organisation noun ("the unit", "the company") is the
organisation named with it, else the latest one. A document ("the memo") speaks for
whoever the article says wrote or issued it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Token

from briefs.catalog import slugify
from briefs.models import ActorKind, SpeakerRef
from briefs.nlp import cues
from briefs.nlp.cues import word_set
from briefs.nlp.mentions import TokenMention
from briefs.nlp.people import ACTOR_KINDS, Person

# Abbreviated titles as news writes them before a name ("Coun. Rita Vasconcelos").
TITLE_ABBREVIATIONS = dict(
    pair.split(":")
    for pair in [
        "coun:councillor",
        "cllr:councillor",
        "councilor:councillor",
        "gov:governor",
        "sen:senator",
        "rep:representative",
        "supt:superintendent",
        "sgt:sergeant",
        "const:constable",
        "insp:inspector",
        "det:detective",
        "dr:doctor",
        "prof:professor",
        "lt:lieutenant",
        "capt:captain",
        "cmdr:commander",
        "gen:general",
        "col:colonel",
        "pres:president",
        "justice:judge",
        "ceo:executive",
        "spokeswoman:spokesperson",
        "spokesman:spokesperson",
    ]
)
TITLE_WORDS = word_set(
    """
    minister president prime mayor chief premier councillor deputy governor judge director
    secretary chancellor king queen prince general sir dame officer commissioner spokesperson
    superintendent captain coach professor detective constable sergeant inspector senator
    representative leader chair chairman chairwoman chairperson ambassador envoy head mr
    councillor alderman trustee manager spokeswoman spokesman owner grocer founder
    mrs ms miss dr rev father bishop pope justice attorney sheriff warden dean principal
    """
)
ORGANISATION_NOUNS = word_set(
    """
    administration agency airline army association authority bank board brand business
    cabinet campaign center centre chain charity city clinic club coalition college
    commission committee company corporation council county court department detachment
    developer directorate district employer executive federation firm force foundation
    government group hospital inquest institute jury landlord league legislature library
    manufacturer ministry municipality museum navy network newspaper office operator
    organisation organization outlet owner panel parliament party plant police province
    region regulator retailer school secretariat senate service shelter society state
    team town tribunal union unit university utility watchdog
    """
)
_TICKS = 10_000  # recency: sentence clock, then token position within it
_ORG_ENTS = word_set(
    """
    FAC GPE NORP ORG
    """
)
_DROP_WORDS = word_set(
    """
    a an her his its our that the their this
    """
)
_STOP = word_set(
    """
    's a an and as at by for from has in is of on that the to was which who with ’s
    """
)


@dataclass
class Entity:
    """Someone (or some body) the document names."""

    id: str
    name: str
    kind: ActorKind
    profile: set[str] = field(default_factory=set)  # words that introduced them
    gender: str | None = None
    affiliation: str | None = None
    seen: int = -1  # clock of the latest mention
    salient: int = -1  # clock of the latest mention as a subject or speaker
    named: bool = True  # False for a speaker known only by a description ("a retired machinist")


@dataclass(frozen=True)
class ParagraphNames:
    """The analyzer's names in one paragraph, by token: people resolved, actors found."""

    index: dict[int, TokenMention]
    people: dict[int, Person]


class Speakers:
    """The entities of one document, read in text order, and what mentions refer to."""

    def __init__(
        self,
        kind_of: Callable[[str], ActorKind | None],
        name_of: Callable[[str], str | None],
    ) -> None:
        self.kind_of = kind_of
        self.name_of = name_of
        self.entities: dict[str, Entity] = {}
        self.documents: dict[str, Entity] = {}  # document noun → its author
        self.clock = 0

    # --- reading names ------------------------------------------------------

    def read_names(self, tokens: Sequence[Token], names: ParagraphNames) -> None:
        """Register a sentence's names, the words that introduce them, and its documents.

        Salience waits for `mark_subjects`, so a pronoun in this sentence still refers
        back to the sentences before it.
        """
        self.clock += 2  # odd ticks are for speakers, more salient than the sentence's subjects
        for token in tokens:
            entity = self._named(token, names)
            if entity is None or token.i != _head_of_name(token, names).i:
                continue
            entity.seen = self._tick(token)
            if entity.kind == "person":
                entity.profile |= _profile(token, names)
                entity.gender = entity.gender or _honorific_gender(token)
        for token in tokens:
            if token.lemma_.lower() in cues.DOCUMENT_NOUNS and token.pos_ == "NOUN":
                author = self._author_of(token, names)
                if author is not None:
                    self.documents[token.lemma_.lower()] = author

    def mark_subjects(self, tokens: Sequence[Token], names: ParagraphNames) -> None:
        """The sentence's subjects become the likeliest referents of the next pronoun."""
        subjects = [t for t in tokens if t.dep_ in ("nsubj", "nsubjpass")]
        # "Dragomir bristles at …" parsed as a compound noun: the name is the subject
        subjects += [
            c for t in subjects for c in t.children if c.dep_ == "compound" and c.i in names.people
        ]
        for token in subjects:
            if token.lower_ in cues.FIRST_PERSON:
                continue
            entity = self.resolve(token, names, learn=False)
            if entity is not None and (entity.named or entity.kind != "person"):
                entity.salient = max(entity.salient, self._tick(token))
                entity.seen = max(entity.seen, self._tick(token))

    def _tick(self, token: Token) -> int:
        return self.clock * _TICKS + min(token.i, _TICKS - 1)

    def learn_gender(self, entity: Entity, pronoun: Token) -> None:
        """ "Muldoon said he had been ready": a speaker's own reported "he" tells their gender."""
        gender = cues.PERSONAL_PRONOUNS.get(pronoun.lower_)
        if gender is None or not entity.named or entity.gender is not None:
            return
        if entity.kind == "organisation" and len(entity.name.split()) <= 3:
            entity.kind = "person"  # "Oduya said she …": spaCy's ORG was a person
        if entity.kind == "person":
            entity.gender = gender

    def _named(self, token: Token, names: ParagraphNames) -> Entity | None:
        person = names.people.get(token.i)
        if person is not None:
            return self._person(person.id, person.name, person.affiliation, token)
        mention = names.index.get(token.i)
        head = _head_of_name(token, names)
        if _titled_like_person(head) and (mention is not None or token.ent_type_ == "ORG"):
            # "the city's emergency manager, Tyrone Bassey": spaCy's ORG is a person
            return self._person(slugify(_name_chain(head)), _name_chain(head), None, head)
        if mention is not None and mention.kind in ACTOR_KINDS and mention.actor_id:
            return self._actor(mention.actor_id, mention.text)
        if token.ent_type_ == "ORG":
            text = _strip_determiner(_entity_text(token))
            if not text:
                return None
            return self._person_named(text) or self._actor(slugify(text), text, "organisation")
        return None

    def _person_named(self, text: str) -> Entity | None:
        """A known person whose surname this is (spaCy calls some surnames ORG)."""
        last = text.split()[-1]
        found = [e for e in self.entities.values() if e.kind == "person" and e.named]
        return next((e for e in found if e.name.split()[-1] == last), None)

    def _person(self, person_id: str, name: str, affiliation: str | None, token: Token) -> Entity:
        """One entity per person: a surname met again is the same person, named fullest."""
        name = _without_titles(name)
        chain = _name_chain(token)
        if len(chain.split()) > len(name.split()) and chain.split()[-1] == name.split()[-1]:
            name = chain
        entity = self.entities.get(person_id) or self._person_named(name)
        if entity is None:
            entity = Entity(person_id, name, "person")
            self.entities[person_id] = entity
        if len(name.split()) > len(entity.name.split()):
            entity.name = name
        entity.kind = "person"
        entity.affiliation = entity.affiliation or affiliation
        return entity

    def _actor(self, actor_id: str, text: str, kind: ActorKind | None = None) -> Entity:
        entity = self.entities.get(actor_id)
        if entity is None:
            known = self.kind_of(actor_id) or kind or "organisation"
            entity = Entity(actor_id, self.name_of(actor_id) or text, known)
            entity.profile = {w.lower() for w in entity.name.split()}
            self.entities[actor_id] = entity
        return entity

    def _author_of(self, noun: Token, names: ParagraphNames) -> Entity | None:
        """Who issued "a statement", "the memo": its possessor, its "from/by", its subject."""
        for child in noun.children:
            if child.dep_ == "poss":
                return self.resolve(child, names, learn=False)
            if child.dep_ == "prep" and child.lower_ in ("from", "by"):
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return self.resolve(objects[0], names, learn=False)
        verb = noun.head.head if noun.dep_ == "pobj" else noun.head
        if verb.pos_ in ("VERB", "AUX") and noun.dep_ in ("dobj", "pobj", "nsubjpass"):
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "agent")), None)
            if subject is not None and subject.dep_ == "agent":
                subject = next((c for c in subject.children if c.dep_ == "pobj"), None)
            if subject is not None:
                return self.resolve(subject, names, learn=False)
        return None

    def heard(self, entity: Entity) -> None:
        """A speaker of the sentence just read: the likeliest referent of the next "she"."""
        entity.seen = max(entity.seen, (self.clock + 1) * _TICKS)
        entity.salient = (self.clock + 1) * _TICKS

    def latest_person(self) -> Entity | None:
        """Whom the text is about just now: the latest person in subject or speaker position."""
        return self._latest(lambda e: e.kind == "person" and e.salient >= 0)

    def named(self, name: str) -> Entity:
        """The entity a name given outside the parse stands for (a tweet's signature)."""
        return self._person_named(name) or self._actor(slugify(name), name, "person")

    def reference(self, entity: Entity) -> SpeakerRef:
        """An entity as the contract shows it: fullest name, affiliation by name."""
        entity = self._fullest(entity)
        affiliation = None
        if entity.affiliation:
            affiliation = self.name_of(entity.affiliation) or entity.affiliation
        return SpeakerRef(id=entity.id, name=entity.name, kind=entity.kind, affiliation=affiliation)

    # --- resolving a speaker ------------------------------------------------

    def resolve(self, head: Token, names: ParagraphNames, *, learn: bool = True) -> Entity | None:
        """The entity a speaker's head word refers to, or a new one for an unnamed speaker."""
        head = name_in_apposition(head) or head
        named = self._named(head, names)
        if named is not None:
            return self._fullest(named)
        lower = head.lower_
        if lower in cues.PERSONAL_PRONOUNS:
            return self._pronoun(cues.PERSONAL_PRONOUNS[lower], learn=learn)
        if lower in cues.PLURAL_PRONOUNS or lower in cues.THING_PRONOUNS:
            return self._latest(_is_body) or self._latest(lambda e: e.kind != "person")
        if lower in cues.FIRST_PERSON or lower in cues.NOT_SPEAKERS:
            return None
        if (head.pos_ == "PROPN" or head.ent_type_ == "PERSON") and not is_title_word(head):
            return self._fullest(self._unknown_name(head))
        return self._described(head, names)

    def _pronoun(self, gender: str, *, learn: bool) -> Entity | None:
        def fits(entity: Entity) -> bool:
            return entity.kind == "person" and entity.gender in (None, gender)

        found = self._latest(lambda e: fits(e) and e.named) or self._latest(fits)
        if found is not None and learn and found.gender is None:
            found.gender = gender
        return found

    def _latest(self, fits: Callable[[Entity], bool]) -> Entity | None:
        """The most salient entity that fits: latest subject or speaker, else latest named."""
        candidates = [e for e in self.entities.values() if fits(e) and e.seen >= 0]
        if not candidates:
            return None
        return max(candidates, key=lambda e: (e.salient, e.seen))

    def _unknown_name(self, head: Token) -> Entity:
        """A name spaCy did not tag: its surname may still match someone known."""
        text = _strip_determiner(_entity_text(head)) or head.text
        if head.ent_type_ in _ORG_ENTS:
            return self._person_named(text) or self._actor(slugify(text), text, "organisation")
        return self._person(slugify(text) or slugify(head.text), text, None, head)

    def _described(self, head: Token, names: ParagraphNames) -> Entity | None:
        noun = head.lemma_.lower()
        words = _description_words(head)
        if noun in cues.DOCUMENT_NOUNS and noun in self.documents:
            return self._fullest(self.documents[noun])
        if noun in ORGANISATION_NOUNS or head.ent_type_ in _ORG_ENTS:
            found = self._organisation(noun, words, definite=_definite(head))
            return found or self._label(head, "organisation")
        plural = head.tag_ in ("NNS", "NNPS")
        person = None if plural else self._by_profile(words, noun)
        if person is not None:
            person.profile |= words
            return self._fullest(person)
        if noun in cues.DOCUMENT_NOUNS:  # a report or sign whose author goes unsaid
            return self._latest(_is_body) or self._label(head, "group")
        if not plural and _definite(head):
            # "The 42-year-old said": a definite description the text never introduced
            # points back at the person it is about
            latest = self._latest(lambda e: e.kind == "person" and e.named and e.salient >= 0)
            if latest is not None:
                latest.profile |= words
                return self._fullest(latest)
        return self._label(head, "group" if plural else "person")

    def _organisation(self, noun: str, words: set[str], *, definite: bool) -> Entity | None:
        """ "the health authority": the body named with those words; "the company": the latest."""
        bodies = [e for e in self.entities.values() if _is_body(e) and e.seen >= 0]
        named = [e for e in bodies if noun in e.profile or words & e.profile - {noun}]
        if named:
            return max(named, key=lambda e: (len(words & e.profile), e.seen))
        if words - {noun, f"{noun}s"} or not definite:
            return None  # "maritime police", "Police": a body of its own, shown as written
        return max(bodies, key=lambda e: e.seen) if bodies else None

    def _by_profile(self, words: set[str], noun: str) -> Entity | None:
        scored = []
        for entity in self.entities.values():
            if entity.kind != "person" or entity.seen < 0:
                continue
            shared = words & entity.profile
            # an age or a ward number identifies someone as well as two words do
            score = len(shared) + (noun in entity.profile) + sum(w.isdigit() for w in shared)
            if score >= 2:
                scored.append((score, entity.salient, entity.seen, entity))
        return max(scored, key=lambda s: s[:3])[3] if scored else None

    def _label(self, head: Token, kind: ActorKind) -> Entity:
        """An unnamed speaker ("a retired machinist", "demonstrators"), shown as written."""
        left = [t for t in head.lefts if t.dep_ not in ("punct", "cc")]
        start = min([t.left_edge.idx for t in left] + [head.idx])
        text = _strip_determiner(head.doc.text[start : head.idx + len(head.text)]) or head.text
        entity = self._actor("said-by-" + slugify(text), text, kind)
        entity.named = False
        return entity

    def _fullest(self, entity: Entity) -> Entity:
        """A surname-only entity met before the full name resolves to the full name."""
        if entity.kind != "person" or len(entity.name.split()) > 1:
            return entity
        fuller = [
            e
            for e in self.entities.values()
            if e.kind == "person" and e.name.split()[-1] == entity.name and e is not entity
        ]
        return max(fuller, key=lambda e: len(e.name)) if fuller else entity


# --- words around a name ----------------------------------------------------------


def _head_of_name(token: Token, names: ParagraphNames) -> Token:
    mention = names.index.get(token.i)
    return token.doc[mention.end - 1] if mention is not None else token


def _is_subject_appos(token: Token) -> bool:
    return token.dep_ == "appos" and token.head.dep_ in ("nsubj", "nsubjpass")


def _profile(head: Token, names: ParagraphNames) -> set[str]:
    """Words that introduce a person: titles before the name, appositions, relative clauses."""
    tokens = [t for t in head.lefts if t.dep_ in ("compound", "amod", "nmod", "poss", "npadvmod")]
    tokens = [t for left in tokens for t in left.subtree]
    mention = names.index.get(head.i)
    if mention is not None:  # "Polish Defense Minister Władysław Kosiniak-Kamysz": all before it
        tokens.extend(head.doc[min(head.left_edge.i, mention.start) : mention.start])
    for child in head.children:
        if child.dep_ in ("appos", "relcl", "acl"):
            tokens.extend(child.subtree)
    if head.dep_ == "appos":  # "the city's chief financial officer, Samuel Achterberg"
        tokens.extend(t for t in head.head.subtree if t.i < head.i and t.i not in names.people)
    return {w for t in tokens for w in _word_forms(t)}


def _description_words(head: Token) -> set[str]:
    tokens = [t for t in head.subtree if t.dep_ not in ("relcl", "det", "punct")]
    return {w for t in tokens for w in _word_forms(t)} - _DROP_WORDS


def _word_forms(token: Token) -> set[str]:
    """A token's comparable forms: lower-case, lemma, abbreviation spelled out, hyphen parts."""
    lower = token.lower_.rstrip(".")
    if not lower or lower in _STOP or not any(c.isalnum() for c in lower):
        return set()
    forms = {lower, token.lemma_.lower()}
    forms |= {TITLE_ABBREVIATIONS[f] for f in list(forms) if f in TITLE_ABBREVIATIONS}
    forms |= {part for part in lower.split("-") if part}
    return forms


def _honorific_gender(head: Token) -> str | None:
    for token in head.lefts:
        word = token.lower_.rstrip(".")
        if word == "mr":
            return "m"
        if word in ("ms", "mrs", "miss"):
            return "f"
    return None


def name_in_apposition(head: Token) -> Token | None:
    """ "the city's chief financial officer, Samuel Achterberg": the name speaks.

    "Coun. Yolanda Pruitt", which the tokenizer cuts after "Coun", is the name after it.
    """
    if head.lower_ in TITLE_ABBREVIATIONS:
        after = head.doc[head.i + 1 : head.i + 5]
        names = [t for t in after if t.pos_ == "PROPN" and t.text != "."]
        if names and after[0].text == ".":
            last = names[0]
            while last.i + 1 < len(head.doc) and head.doc[last.i + 1].pos_ == "PROPN":
                last = head.doc[last.i + 1]
            return last
    if head.pos_ == "PROPN" or head.ent_type_ == "PERSON":
        return None
    for token in head.subtree:
        named = token.pos_ == "PROPN" or token.ent_type_ == "PERSON"
        if token.dep_ == "appos" and named and token.head.dep_ != "relcl":
            return token
    return None


def _is_body(entity: Entity) -> bool:
    """An organisation or group, not a country: what "they" and "the memo" point back to."""
    return entity.named and entity.kind in ("organisation", "company", "party", "group")


def _definite(head: Token) -> bool:
    return any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)


def _entity_text(token: Token) -> str:
    """The name a token belongs to: its entity, else its chain of proper-noun compounds."""
    if token.ent_type_:
        doc = token.doc
        start = token.i
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        end = token.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return _without_possessive(doc[start:end].text)
    parts = [t for t in token.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"]
    return " ".join([*(t.text for t in parts), token.text])


def is_title_word(token: Token) -> bool:
    """ "Minister", "Coun.", "Mayor": an office written before a name, not part of it."""
    word = token.lower_.rstrip(".")
    return word in TITLE_WORDS or word in TITLE_ABBREVIATIONS


def _titled_like_person(token: Token) -> bool:
    """A name in apposition with a role word that no organisation has ("manager")."""
    if token.pos_ != "PROPN" or token.lower_ in ORGANISATION_NOUNS:
        return False
    roles = [c for c in token.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if token.dep_ == "appos" and token.head.pos_ == "NOUN":
        roles.append(token.head)
    return bool(roles) and all(r.lemma_.lower() not in ORGANISATION_NOUNS for r in roles)


def _name_chain(token: Token) -> str:
    """A name as written around its last word: "Anders Vik" when spaCy tagged only "Vik"."""
    parts = [
        t
        for t in token.lefts
        if t.dep_ == "compound" and t.pos_ == "PROPN" and not is_title_word(t)
    ]
    words = [t.text for t in parts if t.i >= token.i - len(parts)] + [token.text]
    return _without_possessive(" ".join(words))


def _without_titles(name: str) -> str:
    """ "Councillor Ruth Abara" as spaCy sometimes tags it: the name is "Ruth Abara"."""
    words = name.split()
    while (
        len(words) > 1 and words[0].lower().rstrip(".") in TITLE_WORDS | TITLE_ABBREVIATIONS.keys()
    ):
        words = words[1:]
    return " ".join(words)


def _without_possessive(text: str) -> str:
    for ending in ("'s", "’s", "'", "’"):
        if text.endswith(ending):
            return text[: -len(ending)].rstrip()
    return text


def _strip_determiner(text: str) -> str:
    words = text.split()
    while words and words[0].lower() in _DROP_WORDS:
        words = words[1:]
    return " ".join(words)
