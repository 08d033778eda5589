"""Who said what in one document: every quotation and reported clause, with its speaker.

`attribute` reads the paragraphs the analyzer already parsed (no second spaCy pass),
in text order. Each sentence group gives its statements (`briefs.nlp.reported`);
each speaker mention is resolved within the document (`briefs.nlp.speakers`). A
quotation with no cue of its own is a floating quote: its speaker is the one heard
before it in the paragraph, the one a carried-over quotation started with, the one
heard after it in the paragraph, else the person the text is about. An embedded
tweet is its author's; "Name: …" and "… — Name" quotes are the named person's.

Claims and the `quotes` command both read these attributions.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from briefs.models import ActorKind, Attribution
from briefs.nlp.quotemarks import Quoted, find_quoted, is_open_start
from briefs.nlp.reported import Found, Group, read_group
from briefs.nlp.segment import SentenceUnit
from briefs.nlp.speakers import (
    TITLE_ABBREVIATIONS,
    Entity,
    ParagraphNames,
    Speakers,
    name_in_apposition,
)

TWEET_CUE = "wrote on X"
_SIGNATURE = re.compile(r"^\s*[—–-]\s*(?=\w)")


@dataclass(frozen=True)
class Paragraph:
    """One parsed paragraph as the analyzer has it."""

    doc: Doc
    offset: int  # document offset of the doc's first character
    units: Sequence[SentenceUnit]
    names: ParagraphNames
    tweet_author: str | None = None  # the paragraph is (part of) a tweet by this person


@dataclass
class _Heard:
    """A statement with its speaker resolved, before it becomes an Attribution."""

    found: Found
    group: Group
    paragraph: Paragraph
    speaker: Entity | None
    mention: tuple[int, int] | None  # doc character offsets


def attribute(
    paragraphs: Sequence[Paragraph],
    *,
    kind_of: Callable[[str], ActorKind | None],
    name_of: Callable[[str], str | None],
) -> tuple[Attribution, ...]:
    """Every statement of a document, in text order, with offsets into the document text.

    `kind_of` and `name_of` look actor ids up (the catalog and the actors the analyzer
    found in the text).
    """
    speakers = Speakers(kind_of, name_of)
    heard: list[_Heard] = []
    carried: Entity | None = None  # speaker of a quotation still open at a paragraph's end
    for paragraph in paragraphs:
        quoted = find_quoted(paragraph.doc.text)
        if paragraph.tweet_author is not None:
            heard.append(_tweet(paragraph, speakers))
            continue
        mine = _read_paragraph(paragraph, quoted, speakers)
        continued = carried if is_open_start(paragraph.doc.text) else None
        _fill_floating(mine, continued, speakers)
        heard += mine
        carried = _carried(mine, quoted, paragraph)
    return tuple(_attribution(h, speakers) for h in heard)


def _read_paragraph(paragraph: Paragraph, quoted: list[Quoted], speakers: Speakers) -> list[_Heard]:
    mine: list[_Heard] = []
    for group in groups(paragraph.doc, paragraph.units, quoted):
        tokens = [t for t in paragraph.doc[group.first : group.last] if not _quoted(t, quoted)]
        speakers.read_names(tokens, paragraph.names)
        found = read_group(group, quoted)
        resolved = []
        for item in found:
            subject = item.subject or _signed(item, group, paragraph)
            entity = speakers.resolve(subject, paragraph.names) if subject is not None else None
            span = _mention_span(subject) if subject is not None and entity is not None else None
            resolved.append(_Heard(item, group, paragraph, entity, span))
            if entity is not None and item.kind != "direct":
                pronoun = _reported_subject(paragraph.doc, item)
                if pronoun is not None:
                    speakers.learn_gender(entity, pronoun)
        speakers.mark_subjects(tokens, paragraph.names)
        for heard in resolved:
            if heard.speaker is not None:
                speakers.heard(heard.speaker)
        mine += resolved
    return mine


def _reported_subject(doc: Doc, item: Found) -> Token | None:
    """The subject opening a reported clause: "he" in "Muldoon said he had been ready"."""
    for token in doc:
        if token.idx >= item.start + 40 or token.idx >= item.end:
            break
        if token.idx >= item.start and token.dep_ in ("nsubj", "nsubjpass"):
            return token
    return None


def _quoted(token: Token, quoted: list[Quoted]) -> bool:
    return any(q.start <= token.idx < q.end for q in quoted)


def groups(doc: Doc, units: Sequence[SentenceUnit], quoted: list[Quoted]) -> list[Group]:
    """The paragraph's sentences, joined where a quotation runs from one into the next."""
    found: list[Group] = []
    for number, unit in enumerate(units):
        span = unit.span
        start, end = span.start_char, span.end_char
        if found and any(q.start < found[-1].end < q.end and q.start < end for q in quoted):
            last = found.pop()
            found.append(Group(doc, last.first, unit.last_token, last.start, end, last.unit))
        else:
            found.append(Group(doc, unit.first_token, unit.last_token, start, end, number))
    return found


def _fill_floating(mine: list[_Heard], continued: Entity | None, speakers: Speakers) -> None:
    """Quotations without a cue take the speaker heard before, carried, or after them."""
    for number, item in enumerate(mine):
        if item.speaker is not None:
            continue
        before = [h.speaker for h in mine[:number] if h.speaker is not None]
        after = [h.speaker for h in mine[number + 1 :] if h.speaker is not None]
        item.speaker = (
            (before[-1] if before else None)
            or continued
            or (after[0] if after else None)
            or speakers.latest_person()
        )


def _carried(mine: list[_Heard], quoted: list[Quoted], paragraph: Paragraph) -> Entity | None:
    """The speaker of a quotation left open at the paragraph's end, who goes on speaking."""
    if not quoted or quoted[-1].closed or not mine:
        return None
    return mine[-1].speaker


def _signed(item: Found, group: Group, paragraph: Paragraph) -> Token | None:
    """ "“…” — Jane Doe" and "Okafor: “…”": a name beside a quotation, with no verb."""
    doc = paragraph.doc
    if item.kind != "direct":
        return None
    after = doc.text[item.end :]  # the signature may be a "sentence" of its own
    signature = _SIGNATURE.match(after)
    if signature is not None:
        token = _token_at(doc, item.end + signature.end())
        if token is not None and (token.pos_ == "PROPN" or token.ent_type_ == "PERSON"):
            return _name_head(token)
    before = doc.text[group.start : item.start].rstrip()
    if before.endswith(":"):
        tokens = [t for t in doc[group.first : group.last] if t.idx < item.start - 1]
        return _colon_speaker(tokens)
    return None


def _colon_speaker(tokens: list[Token]) -> Token | None:
    """The speaker before a colon: a bare name, a subject, or a subject's possessor."""
    if not tokens:
        return None
    names = [t for t in tokens if t.pos_ == "PROPN" or t.ent_type_ == "PERSON"]
    if len(tokens) <= 4 and names:
        return _name_head(names[-1])
    for token in tokens:
        if token.dep_ in ("nsubj", "nsubjpass"):
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if owner is not None and owner.lower_ not in ("its", "their", "his", "her"):
                return owner
            if token.pos_ == "PROPN" or token.ent_type_ == "PERSON":
                return token
    return None


def _name_head(token: Token) -> Token:
    """The last word of the name a token starts or belongs to."""
    while token.dep_ == "compound" and token.head.i > token.i:
        token = token.head
    return token


def _token_at(doc: Doc, char: int) -> Token | None:
    return next((t for t in doc if t.idx >= char), None)


def _tweet(paragraph: Paragraph, speakers: Speakers) -> _Heard:
    doc = paragraph.doc
    text = doc.text
    start = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    group = Group(doc, 0, len(doc), start, end, 0)
    author = speakers.named(paragraph.tweet_author or "")
    found = Found(start, end, "direct", TWEET_CUE, None)
    return _Heard(found, group, paragraph, author, None)


def _mention_span(subject: Token) -> tuple[int, int]:
    """The speaker's words: the subject with its determiner and titles, not its clauses."""
    named = name_in_apposition(subject)
    if named is not None and subject.lower_ in TITLE_ABBREVIATIONS:
        return subject.idx, named.idx + len(named.text)  # "Coun. Yolanda Pruitt"
    subject = named or subject
    left = [t for t in subject.lefts if t.dep_ not in ("punct", "cc", "prep", "relcl")]
    start = min([t.left_edge.idx for t in left] + [subject.idx])
    end = subject.idx + len(subject.text)
    for token in subject.rights:  # "Kosiniak-Kamysz" split by the tokenizer, "of three"
        if token.dep_ in ("compound", "flat") or (token.dep_ == "prep" and token.lower_ == "of"):
            end = max(end, token.right_edge.idx + len(token.right_edge.text))
        else:
            break
    if subject.dep_ == "poss" and subject.text in ("'s", "’s"):
        end = subject.idx
    return start, end


def _attribution(item: _Heard, speakers: Speakers) -> Attribution:
    offset = item.paragraph.offset
    text = item.paragraph.doc.text
    found = item.found
    mention = item.mention
    unit = item.paragraph.units[item.group.unit] if item.paragraph.units else None
    return Attribution(
        start=offset + found.start,
        end=offset + found.end,
        text=text[found.start : found.end],
        sentence_index=unit.sentence.index if unit is not None else 0,
        sentence_start=offset + min(item.group.start, found.start),
        sentence_end=offset + max(item.group.end, found.end),
        kind=found.kind,
        cue=found.cue,
        speaker=speakers.reference(item.speaker) if item.speaker is not None else None,
        mention=text[mention[0] : mention[1]] if mention is not None else None,
        mention_start=offset + mention[0] if mention is not None else None,
        mention_end=offset + mention[1] if mention is not None else None,
    )
