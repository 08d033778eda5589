"""The people of one document: who they are, what office they hold, whom they speak for.

Affiliation is read from the text first: a demonym or country before the name
("Polish Defense Minister Władysław Kosiniak-Kamysz"), an apposition ("Donald Tusk,
Poland's prime minister"), or a relative clause ("Tusk, who represented Poland").
The catalog's entry is the fallback. A bare surname ("Tusk") is merged with the
full name used elsewhere in the document, then with the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from briefs.catalog import Catalog, slugify
from briefs.models import Actor
from briefs.nlp.mentions import TokenMention

# Mention kinds that name a country or organisation.
ACTOR_KINDS = frozenset({"name", "alias", "demonym", "demonym_plural", "capital", "metonym"})
_REPRESENTING_VERBS = frozenset({"represent", "lead", "head", "command", "govern", "chair"})
_ELECTED = frozenset(
    {"mep", "mp", "lawmaker", "legislator", "senator", "congressman", "congresswoman", "deputy"}
)
_TITLE_STOP = frozenset({"the", "a", "an", "'s", "’s", ",", "of", "and"})
# Adjectives that are part of an office ("prime minister"), unlike "notorious spokeswoman".
_TITLE_ADJECTIVES = frozenset(
    {
        "prime",
        "deputy",
        "foreign",
        "defence",
        "defense",
        "chief",
        "vice",
        "top",
        "senior",
        "former",
        "acting",
        "interior",
        "finance",
        "first",
    }
)
_HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "mr.", "mrs.", "ms.", "dr."})


@dataclass
class Person:
    """A person as known so far in this document."""

    id: str
    name: str
    title: str | None = None
    affiliation: str | None = None
    aliases: set[str] = field(default_factory=set)

    @property
    def display(self) -> str:
        return f"{self.title} {self.name}" if self.title else self.name


class PeopleRegistry:
    """Resolves person mentions within one document and remembers who spoke last."""

    def __init__(
        self,
        catalog: Catalog,
        bodies: Mapping[str, Actor] | None = None,
        named: Sequence[str] = (),
    ) -> None:
        self.catalog = catalog
        # bodies the text names that the catalog does not know: a person can speak for them
        self.bodies: Mapping[str, Actor] = bodies if bodies is not None else {}
        self.named = named  # those bodies' ids in the order the text last named them
        self.people: dict[str, Person] = {}
        self._by_surname: dict[str, str] = {}
        self._recent: list[str] = []  # person ids in order of mention
        self.groups: dict[str, Actor] = {}  # collectives found in the text (an opposition)

    def resolve(self, mention: TokenMention, *, recent: bool = True) -> Person:
        """The person a mention refers to, registering it on first sight.

        `recent=False` registers without making them the last person named (tweet
        authors are known before the text that mentions them is read).
        """
        person_id = self._identify(mention)
        person = self.people.get(person_id)
        if person is None:
            person = self._new_person(person_id, mention.text)
            self.people[person_id] = person
        person.aliases.add(mention.text)
        surname = mention.text.split()[-1]
        self._by_surname.setdefault(surname, person_id)
        if recent:
            self._recent.append(person_id)
        return person

    def learn(
        self, person: Person, doc: Doc, mention: TokenMention, index: dict[int, TokenMention]
    ) -> None:
        """Fill in the person's title and affiliation from the words around the name."""
        head = doc[mention.end - 1]
        title, affiliation = _premodifiers(doc, mention, index)
        for other_title, other_affiliation in _appositions(head, index):
            title = title or other_title
            affiliation = affiliation or other_affiliation
        affiliation = affiliation or _represented(head, index)
        if title and title.lower() not in _HONORIFICS:
            person.title = _title_case(title)
        if affiliation and self._is_collective(affiliation):
            person.affiliation = affiliation
        if person.affiliation is None and self.named and _serves_a_body(head, title):
            # "Its chair, Peter Lunn", "Chief executive Simon Ashworth": the body just named
            person.affiliation = self.named[-1]
        if person.title and "opposition" in person.title.lower():
            person.affiliation = self._opposition_of(person.affiliation)

    def _opposition_of(self, affiliation: str | None) -> str | None:
        """An opposition leader speaks for the opposition, not for the government."""
        if affiliation is None or affiliation.startswith("opposition-"):
            return affiliation
        country = self.catalog.get(affiliation)
        if country is None or country.kind != "country":
            return affiliation
        actor_id = f"opposition-{country.id}"
        self.groups[actor_id] = Actor(
            id=actor_id, name=f"Opposition ({country.name})", kind="organisation"
        )
        return actor_id

    def last(self, title_word: str | None = None) -> Person | None:
        """The most recently mentioned person, optionally one whose title has a word."""
        for person_id in reversed(self._recent):
            person = self.people[person_id]
            if title_word is None or (person.title and title_word in person.title.lower()):
                return person
        return None

    def actors(self) -> list[Actor]:
        """Every person seen (and any group they speak for), as actors for the store."""
        return [*self.groups.values()] + [
            Actor(
                id=p.id,
                name=p.name,
                kind="person",
                aliases=tuple(sorted(p.aliases - {p.name})),
                affiliation=p.affiliation,
                title=p.title,
            )
            for p in self.people.values()
        ]

    def _identify(self, mention: TokenMention) -> str:
        if mention.actor_id is not None and mention.kind != "surname":
            return mention.actor_id
        words = mention.text.split()
        if len(words) == 1 and words[0] in self._by_surname:
            return self._by_surname[words[0]]
        if mention.actor_id is not None:
            return mention.actor_id
        hit = self.catalog.lookup(mention.text)
        if hit is not None and self._is_person(hit.actor_id):
            return hit.actor_id
        return slugify(mention.text)

    def _new_person(self, person_id: str, text: str) -> Person:
        known = self.catalog.get(person_id)
        if known is not None and known.kind == "person":
            return Person(person_id, known.name, known.title, known.affiliation)
        return Person(person_id, text)

    def _is_person(self, actor_id: str) -> bool:
        actor = self.catalog.get(actor_id)
        return actor is not None and actor.kind == "person"

    def _is_collective(self, actor_id: str) -> bool:
        if actor_id in self.groups or actor_id in self.bodies:
            return True
        actor = self.catalog.get(actor_id)
        return actor is not None and actor.kind in ("country", "organisation")


# Offices held in a company, union or club rather than a state: without a body named
# beside them they are the office of the body the text named last.
_BODY_OFFICES = frozenset(
    {
        "executive",
        "chair",
        "chairman",
        "chairwoman",
        "chairperson",
        "director",
        "organiser",
        "organizer",
        "founder",
        "manager",
        "spokesperson",
        "spokesman",
        "spokeswoman",
    }
)


def _serves_a_body(head: Token, title: str | None) -> bool:
    words = {w.lower() for w in (title or "").split()}
    phrases = [c for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos":
        phrases.append(head.head)
    owned = any(
        c.dep_ == "poss" and c.lower_ in ("its", "their") for p in phrases for c in p.children
    )
    return owned or bool(words & _BODY_OFFICES)


def _premodifiers(
    doc: Doc, mention: TokenMention, index: dict[int, TokenMention]
) -> tuple[str | None, str | None]:
    """Title words and a country/organisation standing right before the name."""
    head = doc[mention.end - 1]
    start = min(head.left_edge.i, mention.start)
    words: list[str] = []
    affiliation = None
    if doc[start].lower_ in ("a", "an"):
        return None, None  # "a number Trump had demanded": a thing, not an office
    for token in doc[start : mention.start]:
        found = index.get(token.i)
        if found is not None and found.kind in ACTOR_KINDS:
            affiliation = found.actor_id
        elif token.lower_ not in _TITLE_STOP and token.pos_ in ("PROPN", "NOUN", "ADJ"):
            words.append(token.text)
    return (" ".join(words) or None), affiliation


def _appositions(
    head: Token, index: dict[int, TokenMention]
) -> list[tuple[str | None, str | None]]:
    """(title, affiliation) from "Name, the X of Y" and "Y's X, Name"."""
    phrases = [c for c in head.children if c.dep_ == "appos"]
    if head.dep_ == "appos":
        phrases.append(head.head)
    found: list[tuple[str | None, str | None]] = []
    for phrase in phrases:
        if phrase.pos_ == "PRON":
            continue  # "Merz himself"
        affiliation = _first_collective(phrase.subtree, index, elected=_elected(phrase))
        title_words = [
            c.text
            for c in phrase.children
            if c.i not in index
            and c.i < phrase.i
            and (c.dep_ == "compound" or c.lower_ in _TITLE_ADJECTIVES)
        ] + [phrase.text]
        found.append((" ".join(title_words), affiliation))
    return found


def _represented(head: Token, index: dict[int, TokenMention]) -> str | None:
    """The country in "Tusk, who represented Poland"."""
    for clause in head.children:
        if clause.dep_ == "relcl" and clause.lemma_ in _REPRESENTING_VERBS:
            return _first_collective(clause.subtree, index)
    return None


def _first_collective(
    tokens: object, index: dict[int, TokenMention], *, elected: bool = False
) -> str | None:
    for token in tokens:  # type: ignore[attr-defined]
        found = index.get(token.i)
        if found is None or found.kind not in ACTOR_KINDS:
            continue
        if elected and found.kind == "demonym":
            continue  # "the Portuguese MEP": her nationality, not her government
        return found.actor_id
    return None


def _elected(phrase: Token) -> bool:
    """A member of an assembly ("MEP", "senator") speaks for a party, not a country."""
    return phrase.lemma_.lower() in _ELECTED or phrase.lower_ in _ELECTED


def _title_case(title: str) -> str:
    return " ".join(w[:1].upper() + w[1:] if w.islower() else w for w in title.split())
