"""Sentences from paragraphs, repaired where spaCy splits inside a quotation.

spaCy treats newlines as ordinary whitespace and splits multi-sentence quotes, so
we run it per paragraph and then merge: a sentence that leaves a quotation open
absorbs the next one ("“We will not send … many months,” he said."), and a bare
dateline ("BUCHAREST, September 4.") joins the sentence it introduces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from briefs.models import Sentence

_DATELINE = re.compile(r"^[A-Z][A-Z .'’-]+,\s+\w+\.?\s+\d{1,2}\.?$")


@dataclass(frozen=True)
class SentenceUnit:
    """A sentence with its parse: `tokens` index `doc`, offsets index the document."""

    sentence: Sentence
    doc: Doc
    first_token: int
    last_token: int  # exclusive
    offset: int  # document offset of doc's first character

    @property
    def span(self) -> Span:
        return self.doc[self.first_token : self.last_token]


def split_paragraph(
    doc: Doc, *, offset: int, paragraph: int, first_index: int
) -> list[SentenceUnit]:
    """Sentences of one paragraph's parse, with quotation and dateline repairs."""
    groups: list[list[Span]] = []
    for sent in doc.sents:
        if groups and _continues(groups[-1], sent):
            groups[-1].append(sent)
        else:
            groups.append([sent])
    units: list[SentenceUnit] = []
    for group in groups:
        first, last = group[0], group[-1]
        raw = doc.text[first.start_char : last.end_char]
        text = raw.strip()
        if not text:
            continue
        start = offset + first.start_char + (len(raw) - len(raw.lstrip()))
        sentence = Sentence(
            index=first_index + len(units),
            paragraph=paragraph,
            start=start,
            end=start + len(text),
            text=text,
        )
        units.append(SentenceUnit(sentence, doc, first.start, last.end, offset))
    return units


def _continues(previous: list[Span], sent: Span) -> bool:
    text = "".join(s.text_with_ws for s in previous)
    if _quote_left_open(text):
        return True
    if len(previous) == 1 and _DATELINE.match(previous[0].text.strip()):
        return True
    # A fragment with no letters ("—", "2.") belongs to what came before.
    return not any(ch.isalpha() for ch in sent.text)


def _quote_left_open(text: str) -> bool:
    curly = sum(text.count(c) for c in "“") - sum(text.count(c) for c in "”")
    if curly > 0:
        return True
    return text.count('"') % 2 == 1
