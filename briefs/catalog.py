"""Who can take a position: every country, the organisations and people we track.

The catalog is data (`briefs/data/actors.json`) on top of pycountry's country
list, so users can extend it without code: a user file has the same format, and
an entry with a known id adds aliases and overrides fields. Countries are keyed
by ISO 3166 alpha-2 code; organisations and people by slug id.

Two ways in:

* `lookup` reads article text. It is case-sensitive on proper-noun forms ("US"
  but not "us", "Turkey" but not "turkey"), diacritic-insensitive ("Erdogan" ==
  "Erdoğan") and forgives a leading "the" and a trailing possessive.
* `resolve_query` reads what a user typed; it ignores case and suggests names
  when nothing matches.

A form claimed by two actors at the same strength (two people called "Rasmussen",
"Congo" for both Congos) names neither; a stronger kind wins over a weaker one,
so "Brussels" is the EU's metonym before it is Belgium's capital.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pycountry
from pydantic import Field, ValidationError
from rapidfuzz import fuzz, process

from briefs.errors import DocumentError, UnknownActorError
from briefs.models import Actor, ActorKind, Frozen

AliasKind = Literal["name", "alias", "demonym", "demonym_plural", "capital", "metonym", "surname"]

# Lower wins when two actors claim one form.
_PRIORITY: dict[AliasKind, int] = {
    "name": 0,
    "alias": 1,
    "metonym": 2,
    "capital": 3,
    "demonym_plural": 4,
    "demonym": 5,
    "surname": 6,
}
# Query-only keys: an actor's own id beats everything, ISO codes lose to everything.
_ID_PRIORITY = -1
_CODE_PRIORITY = 7

_BUNDLED_ORIGIN = "bundled actors"
_MAX_SUGGESTIONS = 3
_SUGGESTION_CUTOFF = 80.0


class AliasHit(Frozen):
    """What a piece of text names: an actor, and how it was named."""

    actor_id: str
    kind: AliasKind


# --- folding -------------------------------------------------------------------

# Letters NFKD does not decompose to ASCII, and typographic punctuation that
# articles use interchangeably with the ASCII forms ("Britain’s", "Kosiniak‑Kamysz").
_FOLD_TABLE = str.maketrans(
    {
        "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
        "ß": "ss", "ẞ": "SS", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i",
        "þ": "th", "Þ": "Th", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ĸ": "k",
        "‘": "'", "’": "'", "ʼ": "'", "ʻ": "'", "`": "'", "´": "'",
        "“": '"', "”": '"', "„": '"',
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
    }
)  # fmt: skip


def fold(text: str) -> str:
    """ASCII-fold letters and punctuation, keeping case: "Erdoğan" → "Erdogan".

    The result may be longer than `text` ("ß" → "ss"), so never use it for offsets.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_TABLE))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(name: str) -> str:
    """A stable id: "Władysław Kosiniak-Kamysz" → "wladyslaw-kosiniak-kamysz"."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name).lower()).strip("-")


# --- the data file -------------------------------------------------------------


class _CountrySpec(Frozen):
    name: str | None = None
    aliases: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    demonym_plurals: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()


class _OrganisationSpec(Frozen):
    id: str
    name: str | None = None  # required for a new id, optional when extending one
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()


class _PersonSpec(Frozen):
    name: str | None = None
    id: str | None = None  # defaults to the slug of `name`
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None
    title: str | None = None
    surnames: tuple[str, ...] | None = None  # None: derive from name and aliases


class _ActorsFile(Frozen):
    comment: str | None = Field(default=None, alias="_comment")
    countries: dict[str, _CountrySpec] = Field(default_factory=dict)
    organisations: tuple[_OrganisationSpec, ...] = ()
    people: tuple[_PersonSpec, ...] = ()


def _parse_file(raw: str, origin: str) -> _ActorsFile:
    try:
        return _ActorsFile.model_validate(json.loads(raw))
    except json.JSONDecodeError as exc:
        reason = f"invalid JSON at line {exc.lineno}, column {exc.colno}"
    except ValidationError as exc:
        reason = _first_validation_problem(exc)
    raise DocumentError(f"{origin}: not a valid actors file ({reason}).")


def _first_validation_problem(exc: ValidationError) -> str:
    # Pydantic's own message spans many lines; one located problem is enough to fix.
    errors = exc.errors()
    where = ".".join(str(part) for part in errors[0]["loc"]) or "top level"
    more = f", and {len(errors) - 1} more" if len(errors) > 1 else ""
    return f"{where}: {errors[0]['msg'].lower()}{more}"


def _read_user_file(path: Path) -> _ActorsFile:
    try:
        raw = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DocumentError(f"{path}: the actors file cannot be read ({exc}).") from exc
    return _parse_file(raw, str(path))


# --- building actors from the data -----------------------------------------------


@dataclass
class _Draft:
    """An actor while files are still being merged into it."""

    id: str
    name: str
    kind: ActorKind
    aliases: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    demonym_plurals: list[str] = field(default_factory=list)
    capitals: list[str] = field(default_factory=list)
    metonyms: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    affiliation: str | None = None
    title: str | None = None
    surnames: list[str] | None = None
    origin: str = _BUNDLED_ORIGIN  # the file that set the affiliation, for errors


def _extend(target: list[str], values: Iterable[str]) -> None:
    for value in (" ".join(v.split()) for v in values):
        if value and value not in target:
            target.append(value)


def _rename(draft: _Draft, name: str | None) -> None:
    # The former name keeps naming the actor: a user's "Britain" still leaves "United Kingdom".
    if name and name != draft.name:
        _extend(draft.aliases, [draft.name])
        draft.name = name


@dataclass(frozen=True)
class _Entry:
    """A finished actor with every form that names it."""

    actor: Actor
    forms: tuple[tuple[str, AliasKind], ...]
    codes: tuple[str, ...] = ()


class _Builder:
    """Merges pycountry, the bundled file and user files into entries."""

    def __init__(self) -> None:
        self.drafts: dict[str, _Draft] = {}
        self.country_ids: dict[str, str] = {}  # ISO alpha-2 → actor id

    def add_pycountry(self, bundled: Mapping[str, _CountrySpec]) -> None:
        for country in pycountry.countries:
            spec = bundled.get(country.alpha_2)
            common = getattr(country, "common_name", None)
            name = (spec.name if spec else None) or common or country.name
            draft = _Draft(id=slugify(name), name=name, kind="country")
            draft.codes = [country.alpha_2, country.alpha_3]
            _extend(draft.aliases, _pycountry_aliases(country, name))
            self.drafts[draft.id] = draft
            self.country_ids[country.alpha_2] = draft.id

    def apply(self, data: _ActorsFile, origin: str) -> None:
        for key, country in data.countries.items():
            self._apply_country(key, country, origin)
        for organisation in data.organisations:
            self._apply_organisation(organisation, origin)
        for person in data.people:
            self._apply_person(person, origin)

    def entries(self) -> list[_Entry]:
        self._check_affiliations()
        return [_entry_from_draft(d) for d in self.drafts.values()]

    def _draft(self, actor_id: str, kind: ActorKind, name: str | None, origin: str) -> _Draft:
        """The draft to merge into: the known one, or a new one (which needs a name)."""
        known = self.drafts.get(actor_id)
        if known is not None:
            if known.kind != kind:
                raise DocumentError(
                    f"{origin}: {actor_id!r} is already a known {known.kind} "
                    f"and cannot also be a {kind}."
                )
            return known
        if not name or not name.strip():
            raise DocumentError(f"{origin}: the new {kind} {actor_id!r} needs a name.")
        draft = _Draft(id=actor_id, name=name, kind=kind)
        self.drafts[actor_id] = draft
        return draft

    def _apply_country(self, key: str, spec: _CountrySpec, origin: str) -> None:
        known_id = self.country_ids.get(key.upper())
        if known_id is None and key in self.drafts:
            known_id = key  # users may key a country by its actor id as well
        if known_id is None and not spec.name:
            raise DocumentError(f"{origin}: the new country {key!r} needs a name.")
        actor_id = known_id or slugify(spec.name or key)
        draft = self._draft(actor_id, "country", spec.name, origin)
        if known_id is None and len(key) == 2:
            draft.codes.append(key.upper())
            self.country_ids[key.upper()] = actor_id
        _rename(draft, spec.name)
        _extend(draft.aliases, spec.aliases)
        _extend(draft.demonyms, spec.demonyms)
        _extend(draft.demonym_plurals, spec.demonym_plurals)
        _extend(draft.capitals, spec.capitals)
        _extend(draft.metonyms, spec.metonyms)

    def _apply_organisation(self, spec: _OrganisationSpec, origin: str) -> None:
        draft = self._draft(slugify(spec.id), "organisation", spec.name, origin)
        _rename(draft, spec.name)
        _extend(draft.aliases, spec.aliases)
        _extend(draft.metonyms, spec.metonyms)

    def _apply_person(self, spec: _PersonSpec, origin: str) -> None:
        person_id = slugify(spec.id or spec.name or "")
        if not person_id:
            raise DocumentError(f"{origin}: every person needs a name or an id.")
        draft = self._draft(person_id, "person", spec.name, origin)
        _rename(draft, spec.name)
        _extend(draft.aliases, spec.aliases)
        draft.title = spec.title or draft.title
        if spec.affiliation:
            draft.affiliation, draft.origin = slugify(spec.affiliation), origin
        if spec.surnames is not None:
            draft.surnames = list(spec.surnames)

    def _check_affiliations(self) -> None:
        for draft in self.drafts.values():
            if draft.affiliation and draft.affiliation not in self.drafts:
                raise DocumentError(
                    f"{draft.origin}: {draft.name!r} is affiliated with "
                    f"{draft.affiliation!r}, which is not a known actor id."
                )


def _pycountry_aliases(country: Any, display_name: str) -> list[str]:
    """pycountry's own names, unless they are inverted ("Korea, Republic of")."""
    names = (getattr(country, attr, None) for attr in ("name", "common_name", "official_name"))
    return [
        _drop_article(n) for n in names if n and n != display_name and not re.search(r"[,(]", n)
    ]


def _drop_article(form: str) -> str:
    # pycountry writes "the State of Eritrea"; lookups forgive the article anyway.
    return form[4:] if form.startswith("the ") and form[4:5].isupper() else form


def _entry_from_draft(draft: _Draft) -> _Entry:
    actor = Actor(
        id=draft.id,
        name=draft.name,
        kind=draft.kind,
        aliases=tuple(a for a in draft.aliases if a != draft.name),
        affiliation=draft.affiliation,
        title=draft.title,
    )
    forms: list[tuple[str, AliasKind]] = _name_forms(actor)
    forms += [(d, "demonym") for d in draft.demonyms]
    forms += [(p, "demonym_plural") for p in draft.demonym_plurals]
    forms += [(c, "capital") for c in draft.capitals]
    forms += [(m, "metonym") for m in draft.metonyms]
    if draft.kind == "person":
        surnames = _surnames(actor) if draft.surnames is None else draft.surnames
        forms += [(s, "surname") for s in surnames]
    return _Entry(actor, tuple(forms), tuple(draft.codes))


def _name_forms(actor: Actor) -> list[tuple[str, AliasKind]]:
    forms: list[tuple[str, AliasKind]] = [(actor.name, "name")]
    return forms + [(a, "alias") for a in actor.aliases]


# Lowercase particles belong to the surname: "von der Leyen", "bin Salman", "De Wever".
_PARTICLES = frozenset(
    {"al", "bin", "da", "das", "de", "del", "della", "den", "der", "di", "dos", "du", "el"}
    | {"ibn", "la", "le", "ten", "ter", "van", "von", "zu"}
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def _surname(full_name: str) -> str | None:
    """The family name of a multi-word name, particles included; None for one word."""
    words = full_name.split()
    while len(words) > 1 and words[-1].lower() in _SUFFIXES:
        words.pop()
    if len(words) < 2:
        return None
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[start:])


def _surnames(actor: Actor) -> list[str]:
    found: list[str] = []
    _extend(found, (s for s in map(_surname, (actor.name, *actor.aliases)) if s))
    return found


# --- indexes ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    priority: int
    kind: AliasKind | None  # None for query-only keys (ids, ISO codes)


def _text_key(text: str) -> str:
    return " ".join(fold(text).split())


def _text_variants(form: str) -> set[str]:
    """The spellings under which a form appears in prose."""
    form = " ".join(form.split())
    variants = {form}
    if form[:1].islower():  # "the bloc" opens a sentence as "The bloc"
        variants.add(form[0].upper() + form[1:])
    if form.startswith("The "):  # "in the Hague" is common too
        variants.add("the " + form[4:])
    variants |= {fold(v) for v in variants}
    # Phrase matching compares tokens verbatim, and articles mostly use curly apostrophes.
    return variants | {v.replace("'", "’") for v in variants}


def _query_keys(form: str) -> set[str]:
    """Keys to try, longest first. "Centre Party (Sweden)" finds "Centre Party" when the
    text never said whose it is (longer keys win, so the qualified name comes first)."""
    slug = slugify(form)
    keys = {slug, slug.removeprefix("the-")}
    bare = re.sub(r"\s*\([^()]*\)\s*$", "", form)
    if bare != form:
        keys |= _query_keys(bare)
    return keys - {""}


def _winner(claims: Mapping[str, _Claim]) -> str | None:
    """The single actor with the strongest claim, or None when that is shared."""
    best = min(c.priority for c in claims.values())
    winners = [actor_id for actor_id, c in claims.items() if c.priority == best]
    return winners[0] if len(winners) == 1 else None


def _add_claim(index: dict[str, dict[str, _Claim]], key: str, actor_id: str, claim: _Claim) -> None:
    claims = index.setdefault(key, {})
    if actor_id not in claims or claim.priority < claims[actor_id].priority:
        claims[actor_id] = claim


class Catalog:
    """Every known actor, indexed by each form that names it. Build with `load`."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        self._entries = {entry.actor.id: entry for entry in entries}
        self._actors = tuple(entry.actor for entry in self._entries.values())

    # Each index is built on first use: a question needs the query index only, analysis
    # the text index only, and a catalog extended `with_actors` builds neither twice.

    @cached_property
    def _text_index(self) -> tuple[dict[str, AliasHit], dict[str, set[str]]]:
        return self._build_text_index()

    @property
    def _by_text(self) -> dict[str, AliasHit]:
        return self._text_index[0]

    @property
    def _spellings(self) -> dict[str, set[str]]:
        return self._text_index[1]

    @cached_property
    def _query_index(self) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
        return self._build_query_index()

    @property
    def _by_query(self) -> dict[str, str]:
        return self._query_index[0]

    @property
    def _query_candidates(self) -> dict[str, tuple[str, ...]]:
        return self._query_index[1]

    @cached_property
    def _fuzzy_keys(self) -> dict[str, str]:
        # Short keys (ISO codes, "uk") match any typo by a letter or two; leave them out.
        return {key.replace("-", " "): key for key in self._query_candidates if len(key) > 3}

    @classmethod
    def load(cls, extra_files: Iterable[Path] = ()) -> Catalog:
        """pycountry's countries, the bundled actors, then each user file in turn."""
        raw = resources.files("briefs").joinpath("data/actors.json").read_text("utf-8")
        bundled = _parse_file(raw, _BUNDLED_ORIGIN)
        builder = _Builder()
        builder.add_pycountry(bundled.countries)
        builder.apply(bundled, _BUNDLED_ORIGIN)
        for path in extra_files:
            builder.apply(_read_user_file(path), str(path))
        return cls(builder.entries())

    @property
    def actors(self) -> tuple[Actor, ...]:
        """Every actor: countries, organisations, people, then any added ones."""
        return self._actors

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id, if known."""
        entry = self._entries.get(actor_id)
        return entry.actor if entry else None

    def lookup(self, text: str) -> AliasHit | None:
        """The actor a span of article text names ("Poland's", "the Kremlin"), if any."""
        key = _text_key(text)
        for candidate in _lookup_candidates(key):
            hit = self._by_text.get(candidate)
            if hit is not None:
                return hit
        return None

    def surface_forms(self) -> Iterator[tuple[str, AliasHit]]:
        """Every spelling `lookup` accepts as a whole (originals and ASCII-folded)."""
        for key, hit in self._by_text.items():
            for spelling in sorted(self._spellings[key]):
                yield spelling, hit

    def resolve_query(self, query: str) -> Actor:
        """The actor a user means by id, name, alias, demonym, capital or surname.

        Raises UnknownActorError with up to three "did you mean" names otherwise.
        """
        keys = _query_keys(query)
        for key in sorted(keys, key=len, reverse=True):
            actor_id = self._by_query.get(key)
            if actor_id is not None:
                return self._entries[actor_id].actor
        raise UnknownActorError(query, self._suggest(slugify(query)))

    def with_actors(self, extra: Iterable[Actor]) -> Catalog:
        """A new catalog that also knows these actors (people found in documents).

        An extra actor with a known id replaces it; the old actor's forms (its
        former name and aliases, demonyms, capitals, ...) keep naming it.
        """
        entries = dict(self._entries)
        for actor in extra:
            entries[actor.id] = _entry_from_actor(actor, entries.get(actor.id))
        return Catalog(entries.values())

    def _build_text_index(self) -> tuple[dict[str, AliasHit], dict[str, set[str]]]:
        claims: dict[str, dict[str, _Claim]] = {}
        spellings: dict[tuple[str, str], set[str]] = {}
        for entry in self._entries.values():
            actor_id = entry.actor.id
            for form, kind in entry.forms:
                for variant in _text_variants(form):
                    key = _text_key(variant)
                    _add_claim(claims, key, actor_id, _Claim(_PRIORITY[kind], kind))
                    spellings.setdefault((key, actor_id), set()).add(variant)
        by_text: dict[str, AliasHit] = {}
        for key, key_claims in claims.items():
            winner = _winner(key_claims)
            hit_kind = key_claims[winner].kind if winner else None
            if winner and hit_kind:
                by_text[key] = AliasHit(actor_id=winner, kind=hit_kind)
        return by_text, {k: spellings[(k, hit.actor_id)] for k, hit in by_text.items()}

    def _build_query_index(self) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
        claims: dict[str, dict[str, _Claim]] = {}
        for entry in self._entries.values():
            actor_id = entry.actor.id
            _add_claim(claims, actor_id, actor_id, _Claim(_ID_PRIORITY, None))
            for form, kind in entry.forms:
                for key in _query_keys(form):
                    _add_claim(claims, key, actor_id, _Claim(_PRIORITY[kind], kind))
            for code in entry.codes:
                _add_claim(claims, code.lower(), actor_id, _Claim(_CODE_PRIORITY, None))
        by_query = {key: w for key, c in claims.items() if (w := _winner(c)) is not None}
        candidates = {key: tuple(c) for key, c in claims.items()}
        return by_query, candidates

    def _suggest(self, key: str) -> tuple[str, ...]:
        """Display names close to what the user typed, best first."""
        if not key:
            return ()
        ids: list[str] = list(self._query_candidates.get(key, ()))  # an ambiguous name
        # Words, not slugs: WRatio compares word sets, so "merz friedrich" finds Merz.
        matches = process.extract(
            key.replace("-", " "),
            list(self._fuzzy_keys),
            scorer=fuzz.WRatio,
            limit=20,
            score_cutoff=_SUGGESTION_CUTOFF,
        )
        for choice, _score, _index in matches:
            ids += self._query_candidates[self._fuzzy_keys[choice]]
        names = dict.fromkeys(self._entries[i].actor.name for i in ids)
        return tuple(names)[:_MAX_SUGGESTIONS]


def _lookup_candidates(key: str) -> Iterator[str]:
    """The key as written, then without a possessive, then without a leading article."""
    yield key
    bare = key
    if key.endswith("'s"):
        bare = key[:-2]
    elif key.endswith("s'"):
        bare = key[:-1]
    if bare != key:
        yield bare
    for article in ("the ", "The "):
        if bare.startswith(article):
            yield bare[len(article) :]


def _entry_from_actor(actor: Actor, previous: _Entry | None) -> _Entry:
    forms: list[tuple[str, AliasKind]] = _name_forms(actor)
    if actor.kind == "person":
        forms += [(s, "surname") for s in _surnames(actor)]
    if previous is None:
        return _Entry(actor, tuple(forms))
    for form, kind in previous.forms:
        forms.append((form, "alias" if kind == "name" else kind))
    return _Entry(actor, tuple(forms), previous.codes)
