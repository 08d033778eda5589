"""Find actors in a parsed paragraph: catalog names first, then people from NER.

Catalog forms (names, aliases, demonyms, capitals, metonyms, surnames) are matched
case-sensitively with a PhraseMatcher, so "US" matches and "us" does not. PERSON
entities that the catalog does not know become people; their clean-up follows the
measured spaCy errors (possessives inside the span, handles, URLs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from briefs.catalog import Catalog

_NOT_A_NAME = re.compile(r"[@#/\d]|https?:|\.com")
POSSESSIVE_ENDINGS = ("'s", "’s", "'", "’")  # tokens spaCy leaves inside a name


@dataclass(frozen=True)
class TokenMention:
    """An actor reference as token positions in one paragraph's Doc."""

    start: int
    end: int  # exclusive
    kind: str  # catalog alias kind, or "person" for a new NER person
    actor_id: str | None  # None for a person not (yet) resolved
    text: str


class MentionFinder:
    """Build once per catalog; call `find` on each paragraph's Doc."""

    def __init__(self, nlp: Language, catalog: Catalog) -> None:
        self.catalog = catalog
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self._kinds: dict[str, tuple[str, str]] = {}
        forms: dict[str, list[Doc]] = {}
        for form, hit in catalog.surface_forms():
            key = f"{hit.actor_id}|{hit.kind}"
            self._kinds[key] = (hit.actor_id, hit.kind)
            for variant in _typographic_variants(form):
                forms.setdefault(key, []).append(nlp.make_doc(variant))
        for key, docs in forms.items():
            self.matcher.add(key, docs)

    def find(self, doc: Doc) -> list[TokenMention]:
        """Non-overlapping mentions, longest first, in text order."""
        spans = [
            Span(doc, start, end, label=match_id) for match_id, start, end in self.matcher(doc)
        ]
        people = (_clean_person(ent) for ent in doc.ents if ent.label_ == "PERSON")
        spans += [span for span in people if span is not None]
        chosen = filter_spans([s for s in spans if len(s) > 0])
        return [self._to_mention(span) for span in sorted(chosen, key=lambda s: s.start)]

    def _to_mention(self, span: Span) -> TokenMention:
        key = span.label_
        if key in self._kinds:
            actor_id, kind = self._kinds[key]
            return TokenMention(span.start, span.end, kind, actor_id, span.text)
        return TokenMention(span.start, span.end, "person", None, span.text)


def _typographic_variants(form: str) -> set[str]:
    """A name as typeset: "Kosiniak-Kamysz" may use a non-breaking or Unicode hyphen."""
    variants = {form}
    if "-" in form:
        variants |= {form.replace("-", dash) for dash in ("\u2010", "\u2011")}
    return variants


_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)


def _clean_person(ent: Span) -> Span | None:
    """Strip possessives and reject handles/URLs that spaCy labels PERSON."""
    start, end = ent.start, ent.end
    while end > start and ent.doc[end - 1].text in POSSESSIVE_ENDINGS:
        end -= 1
    while start < end and ent.doc[start].lower_ in _WEEKDAYS:
        start += 1  # "On Monday Mark Rutte …": the day is no part of the name
    span = Span(ent.doc, start, end, label="PERSON")
    text = span.text
    if not text or _NOT_A_NAME.search(text) or not text[0].isupper():
        return None
    return span
