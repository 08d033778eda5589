"""Actors the catalog does not know: organisations, companies, parties and named groups.

spaCy's ORG entities become actors once cleaned (no leading article, no possessive,
no outlet reporting the news). Their kind is read from their own words ("Party",
"Inc", "Union") and from the noun beside them ("the NEOS party"). "Name (ACR)"
makes the acronym an alias within the document, and "the Nordic countries" or
"Baltic states" are `group` actors. A party whose country the phrase names is
"Name (Country)", as users and analysts write it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from briefs.catalog import Catalog, slugify
from briefs.models import Actor, ActorKind
from briefs.nlp import lexicon
from briefs.nlp.mentions import POSSESSIVE_ENDINGS, TokenMention

_PARTY_WORDS = frozenset(
    {
        "party",
        "democrats",
        "socialists",
        "greens",
        "conservatives",
        "labour",
        "liberals",
        "republicans",
        "alliance",
        "front",
        "rally",
        "movement",
        "coalition",
        "league",
    }
)
_COMPANY_WORDS = frozenset(
    {
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "corp",
        "corp.",
        "corporation",
        "plc",
        "ag",
        "sa",
        "gmbh",
        "llc",
        "co",
        "co.",
        "holdings",
        "airlines",
        "airways",
        "motors",
        "bank",
        "technologies",
        "pharmaceuticals",
        "group",
        "company",
        "limited",
    }
)
_COMPANY_NOUNS = frozenset(
    {"company", "firm", "carmaker", "retailer", "airline", "bank", "insurer", "maker", "giant"}
)
_GROUP_HEADS = frozenset({"country", "state", "nation", "government", "member"})
# Outlets are the messengers, not the holders: "Reuters reported", "according to TASS".
_MESSENGER_VERBS = frozenset({"report", "cite", "quote", "publish", "obtain", "see", "reveal"})
_MESSENGER_NOUNS = frozenset({"agency", "newspaper", "broadcaster", "outlet", "daily", "channel"})
_ACRONYM = re.compile(r"^[A-Z][A-Za-z&\-]{1,9}$")


@dataclass(frozen=True)
class FoundActor:
    """An actor named in a paragraph, as token positions."""

    start: int
    end: int  # exclusive
    actor: Actor


@dataclass
class DocumentActors:
    """One document's actors found in the text, and the aliases it introduced."""

    catalog: Catalog
    actors: dict[str, Actor] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # acronym or short form → actor id
    recent: list[str] = field(default_factory=list)  # actor ids in the order last named

    def find(self, doc: Doc, taken: Mapping[int, TokenMention]) -> list[FoundActor]:
        """Organisations and groups of a paragraph outside the `taken` tokens (catalog
        mentions), except a body whose name holds a place: "Reform UK"."""
        found = self._spelled_out(doc) + self._place_named(doc, taken)
        found += [f for f in (self._organisation(e) for e in doc.ents) if f is not None]
        found += self._groups(doc)
        found += self._acronyms(doc)
        kept: list[FoundActor] = []
        used = set(taken)
        for item in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
            span = set(range(item.start, item.end))
            if span & used and not _holds_a_place(doc, item, taken, used - set(taken)):
                continue
            used |= span
            kept.append(item)
            self.actors.setdefault(item.actor.id, item.actor)
            self.recent.append(item.actor.id)
        for item in self._descriptions(doc, used):
            kept.append(item)
            used |= set(range(item.start, item.end))
        return kept

    def _descriptions(self, doc: Doc, used: set[int]) -> list[FoundActor]:
        """ "the union", "the trust's chief executive": a body named before, by its kind."""
        found = []
        for token in doc:
            if token.i in used or token.tag_ != "NN" or token.ent_type_:
                continue
            noun = token.lemma_.lower()
            det = next((c for c in token.children if c.dep_ == "det"), None)
            if noun not in _DESCRIPTIONS or det is None or det.lower_ != "the":
                continue
            if any(c.dep_ in ("compound", "amod") for c in token.children):
                continue  # "the city council", "the new union": another body, or unclear
            actor = self._last_named_as(noun)
            if actor is not None:
                found.append(FoundActor(det.i, token.i + 1, actor))
        return found

    def _last_named_as(self, noun: str) -> Actor | None:
        names = _NAMED_AS.get(noun, frozenset({noun}))
        for actor_id in reversed(self.recent):
            actor = self.actors[actor_id]
            words = {w.lower() for w in actor.name.split()}
            if words & names or _DESCRIPTIONS[noun] == actor.kind:
                return actor
        return None

    def _organisation(self, ent: Span) -> FoundActor | None:
        if ent.label_ not in ("ORG", "NORP") or _is_messenger(ent):
            return None
        start, end = ent.start, ent.end
        doc = ent.doc
        while start < end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        while end > start and doc[end - 1].text in POSSESSIVE_ENDINGS:
            end -= 1
        if start >= end or _in_a_title(doc, end):
            return None
        span = doc[start:end]
        text = span.text
        if ent.label_ == "NORP" and not _names_a_party(span):
            return None  # "Dutch", "Socialists" as an adjective or a people: not a body
        if not text[:1].isupper() or self.catalog.lookup(text) is not None:
            return None
        if all(t.lemma_.lower() in lexicon.SPEAKER_NOUNS for t in span):
            return None  # "MEP", "Commissioner": an office, not a body
        if text in self.aliases and self.aliases[text] in self.actors:
            return FoundActor(start, end, self.actors[self.aliases[text]])  # "S&D" after its name
        actor = self._named_before(span) or self._actor(span)
        self.actors.setdefault(actor.id, actor)  # known to the names after it
        self._learn_acronym(span, actor.id)
        return FoundActor(start, end, actor)

    def _actor(self, span: Span) -> Actor:
        name = " ".join(span.text.split())
        kind = infer_kind(span)
        aliases: tuple[str, ...] = ()
        if kind == "party" or span.root.lemma_.lower() in _LEGISLATIVE:
            country = self._country_of(span)  # "the Dutch House of Representatives"
            if country is not None:
                first = self.catalog.lookup(span[0].text) if len(span) > 2 else None
                if first is not None and self._is_country(first.actor_id, country):
                    name = " ".join(span[1:].text.split())  # the country is said once
                aliases = (name,)
                name = f"{name} ({country})"
        actor_id = slugify(name)
        known = self.actors.get(actor_id)
        return known or Actor(id=actor_id, name=name, kind=kind, aliases=aliases)

    def _is_country(self, actor_id: str, name: str) -> bool:
        actor = self.catalog.get(actor_id)
        return actor is not None and actor.name == name

    def _named_before(self, span: Span) -> Actor | None:
        """ "the Patriots" after "Patriots for Europe": the shorter form of a name met before."""
        words = [t.text for t in span]
        for actor in self.actors.values():
            names = [actor.name, *actor.aliases]
            if any(n.split()[: len(words)] == words and len(n.split()) > len(words) for n in names):
                return actor
        return None

    def _country_of(self, span: Span) -> str | None:
        """The country in "the Dutch Party for the Animals" or "Austria's NEOS"."""
        root = span.root
        for token in (*root.children, *span.doc[max(span.start - 2, 0) : span.start]):
            hit = self.catalog.lookup(token.text)
            if hit is None:
                continue
            actor = self.catalog.get(hit.actor_id)
            if actor is not None and actor.kind == "country":
                return actor.name
        return None

    def _learn_acronym(self, span: Span, actor_id: str) -> None:
        """ "Climate Action Network (CAN)": the acronym names the same body in this document."""
        doc = span.doc
        if span.end + 2 < len(doc) and doc[span.end].text == "(" and doc[span.end + 2].text == ")":
            acronym = doc[span.end + 1].text
            if _ACRONYM.match(acronym) and acronym not in self.aliases:  # one it spells came first
                self.aliases[acronym] = actor_id
                self._with_alias(self.actors[actor_id], acronym)

    def _with_alias(self, actor: Actor, alias: str) -> Actor:
        """The actor, known by one more name: a query for "ECR" finds its full name."""
        known = self.actors.get(actor.id, actor)
        if alias not in known.aliases:
            known = known.model_copy(update={"aliases": (*known.aliases, alias)})
        self.actors[actor.id] = known
        return known

    def _spelled_out(self, doc: Doc) -> list[FoundActor]:
        """ "Socialists and Democrats (S&D)": the words the acronym spells are one name,
        however the parser split them."""
        found = []
        for token in doc[2:-1]:
            if token.nbor(-1).text != "(" or token.nbor(1).text != ")":
                continue
            if not _ACRONYM.match(token.text):
                continue
            start = _spelled_start(doc, token.i - 1, token.text)
            if start is None or self.catalog.lookup(doc[start : token.i - 1].text) is not None:
                continue
            span = doc[start : token.i - 1]
            actor = self._with_alias(self._named_before(span) or self._actor(span), token.text)
            self.aliases[token.text] = actor.id
            found.append(FoundActor(start, token.i - 1, actor))
        return found

    def _place_named(self, doc: Doc, taken: Mapping[int, TokenMention]) -> list[FoundActor]:
        """ "Reform UK", "Hockey Canada": a name word before a place makes a body, which
        the parser may not see as one (it tags the place alone)."""
        found = []
        for mention in {id(m): m for m in taken.values()}.values():
            start = mention.start
            while start > 0 and _names_with_a_place(doc[start - 1], doc[mention.end - 1], taken):
                start -= 1
            if start == mention.start or mention.kind in ("person", "surname"):
                continue
            span = doc[start : mention.end]
            if self.catalog.lookup(span.text) is not None:
                continue
            actor = self._named_before(span) or self._actor(span)
            self.actors.setdefault(actor.id, actor)
            found.append(FoundActor(start, mention.end, actor))
        return found

    def _acronyms(self, doc: Doc) -> list[FoundActor]:
        found = []
        for token in doc:
            actor_id = self.aliases.get(token.text)
            if actor_id is not None and actor_id in self.actors:
                found.append(FoundActor(token.i, token.i + 1, self.actors[actor_id]))
        return found

    def _groups(self, doc: Doc) -> list[FoundActor]:
        """ "the Nordic countries", "Baltic states": a named set of countries."""
        found = []
        for token in doc:
            if token.tag_ != "NNS" or token.lemma_.lower() not in _GROUP_HEADS:
                continue
            modifiers = [
                c for c in token.children if c.dep_ in ("amod", "compound") and c.i < token.i
            ]
            if len(modifiers) != 1 or not modifiers[0].text[:1].isupper():
                continue
            modifier = modifiers[0]
            if modifier.i != token.i - 1 or self.catalog.lookup(modifier.text) is not None:
                continue
            name = f"{modifier.text} {token.text.lower()}"
            actor = Actor(id=slugify(name), name=name, kind="group")
            found.append(FoundActor(modifier.i, token.i + 1, actor))
        return found


_SPELLED_JOINERS = frozenset({"and", "&", "of", "for", "the", "-"})


def _spelled_start(doc: Doc, paren: int, acronym: str) -> int | None:
    """Where the words before "(" start whose capitals spell the acronym ("S&D", "ECR")."""
    letters = [c.upper() for c in acronym if c.isalpha()]
    if len(letters) < 2 or not acronym[:1].isupper():
        return None
    i = paren - 1
    while i >= 0 and letters:
        word = doc[i]
        if word.lower_ in _SPELLED_JOINERS and i < paren - 1:
            i -= 1
            continue
        if not word.text[:1].isupper() or word.text[0] != letters[-1]:
            return None
        letters.pop()
        i -= 1
    return i + 1 if not letters and doc[i + 1].lower_ not in _SPELLED_JOINERS else None


def infer_kind(span: Span) -> ActorKind:
    """What kind of body a name is, from its own words and the noun it stands beside."""
    words = {t.lower_ for t in span}
    head = span.root.head if span.root.dep_ == "compound" else None
    nouns = {head.lemma_.lower()} if head is not None else set()
    nouns |= {c.lemma_.lower() for c in span.root.children if c.dep_ == "appos"}
    if words & _PARTY_WORDS or "party" in nouns or span.label_ == "NORP":
        return "party"
    if words & _COMPANY_WORDS or nouns & _COMPANY_NOUNS:
        return "company"
    return "organisation"


# Nouns a body is referred back to by, with the kind they also fit: "the company" is the
# company named last even when its name does not say "company".
_DESCRIPTIONS: dict[str, str | None] = {
    "company": "company",
    "firm": "company",
    "group": None,
    "union": None,
    "federation": None,
    "association": None,
    "alliance": None,
    "forum": None,
    "trust": None,
    "council": None,
    "board": None,
    "commission": None,
    "club": None,
    "party": "party",
    "league": None,
    "network": None,
    "organisation": "organisation",
    "organization": "organisation",
    "campaign": None,
    "society": None,
    "authority": None,
    "agency": None,
    "chamber": None,
    "house": None,
    "parliament": None,
    "assembly": None,
}
# A chamber is named in many ways: "the chamber" after "the House of Representatives".
_LEGISLATIVE = frozenset({"house", "chamber", "parliament", "senate", "assembly", "congress"})
_NAMED_AS = {noun: _LEGISLATIVE for noun in ("chamber", "house", "parliament", "assembly")}


def _holds_a_place(
    doc: Doc, item: FoundActor, taken: Mapping[int, TokenMention], claimed: set[int]
) -> bool:
    """ "Reform UK", "Irish Farmers' Association": a named body with a place inside its name,
    not the place itself; a ministry or government still speaks for its country."""
    inside = range(item.start, item.end)
    places = {taken[i] for i in inside if i in taken}
    if any(i in claimed for i in inside) or not places:
        return False
    if any(m.start < item.start or m.end > item.end for m in places):
        return False
    if doc[item.end - 1].lemma_.lower() in lexicon.SPEAKER_NOUNS:
        return False
    own = [doc[i] for i in inside if i not in taken and doc[i].is_alpha]
    return any(t.text[:1].isupper() and not t.is_stop for t in own)


def _names_with_a_place(word: Token, place: Token, taken: Mapping[int, TokenMention]) -> bool:
    """A capitalised name word hung on the place: "Reform" in "Reform UK"."""
    return (
        word.pos_ == "PROPN"
        and word.dep_ == "compound"
        and word.head.i == place.i
        and word.text[:1].isupper()
        and word.i not in taken
        and word.ent_type_ in ("", "ORG")
        and not word.is_stop
        and word.lemma_.lower() not in lexicon.SPEAKER_NOUNS
    )


def _in_a_title(doc: Doc, end: int) -> bool:
    """ "Defense Minister Jan Kowalski": a word of an office before a name, not a body;
    "a Centre Party MEP" and "the NEOS leader" name the body the office is in."""
    if end >= len(doc) or doc[end].lemma_.lower() not in lexicon.SPEAKER_NOUNS:
        return False
    named = end + 1 < len(doc) and doc[end + 1].ent_type_ == "PERSON"
    body = any(t.lower_ in _PARTY_WORDS or t.lower_ in _DESCRIPTIONS for t in doc[:end][-4:])
    return named and not body


def _names_a_party(span: Span) -> bool:
    """A NORP that names a party: "the Social Democrats", "the Greens" as a subject."""
    root = span.root
    return root.tag_ in ("NNPS", "NNS") and root.dep_ in (
        "nsubj",
        "nsubjpass",
        "pobj",
        "conj",
        "attr",
    )


def _is_messenger(ent: Span) -> bool:
    root = ent.root
    if root.dep_ in ("nsubj",) and root.head.lemma_ in _MESSENGER_VERBS:
        return True
    if root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.head.lower_ == "according":
        return _looks_like_outlet(root)
    return any(
        c.dep_ == "appos" and c.lemma_.lower() in _MESSENGER_NOUNS for c in root.children
    ) or any(t.lemma_.lower() in _MESSENGER_NOUNS for t in ent)


def reports_the_news(subject: Token) -> bool:
    """ "the Spanish news agency EFE reported": a messenger, whose words are not its own."""
    if subject.head.lemma_ in _MESSENGER_VERBS and subject.dep_ == "nsubj":
        return True
    return any(t.lemma_.lower() in _MESSENGER_NOUNS for t in subject.subtree)


def _looks_like_outlet(token: Token) -> bool:
    return token.text.isupper() or any(t.lemma_.lower() in _MESSENGER_NOUNS for t in token.subtree)
