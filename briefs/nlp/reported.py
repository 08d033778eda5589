"""What one sentence reports: its quotations and reported clauses, each with its cue.

Pure functions over one sentence group's parse (a group is one sentence, or several
when a quotation runs across them). A cue is a reporting verb outside quotation
marks ("said", "told", "urged", "noting"), "according to", or a speech noun with a
possessor ("the minister's statement that …"). A cue's content is its clausal
complement: the *that* clause, the bare reported clause, the *to* infinitive of
"urged residents to …", the *whether* clause of "asked whether"; for "according to"
it is the clause the phrase attaches to. When that complement lies inside a
quotation the cue introduces a direct quote instead. Quotations that no cue's
content swallows are direct quotes; short ones that are not sentences (scare
quotes, titles, nicknames) count only as the object of a labelling verb
(`blamed "two moments of sleep"`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from briefs.models import QuoteKind
from briefs.nlp import cues
from briefs.nlp.cues import word_set
from briefs.nlp.quotemarks import Quoted

_SMALL_WORDS = word_set(
    """
    a an and at by de for from in is la le of on or the to with
    """
)
_INFINITIVE_CUES = word_set(
    """
    advise agree appeal ask beg call demand encourage implore instruct order plead pledge
    press promise recommend remind request tell threaten urge vow warn
    """
)
_PARTICIPLE_LINKS = ("advcl", "conj", "xcomp", "ccomp", "dep")
_TRIM = ".,;:!?—–-"
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
SPEECH_MIN_WORDS = 6  # a quotation this long is speech even without a verb


@dataclass(frozen=True)
class Group:
    """A sentence, or sentences joined by a quotation: token and character ranges in `doc`."""

    doc: Doc
    first: int
    last: int  # exclusive
    start: int
    end: int
    unit: int  # index of the first sentence unit


@dataclass(frozen=True)
class Found:
    """One statement read off a group; `subject` is the speaker's head word, if any."""

    start: int
    end: int
    kind: QuoteKind
    cue: str | None
    subject: Token | None
    noun: bool = False  # a possessor of a speech noun ("Aldana's suggestion")


def read_group(group: Group, quoted: list[Quoted]) -> list[Found]:
    """Every statement of a group: reported clauses first, then the quotations left over."""
    doc = group.doc
    here = [q for q in quoted if q.start < group.end and q.end > group.start]
    speech = [q for q in here if is_speech(q, doc.text, group)]
    outside = [t for t in doc[group.first : group.last] if not _inside(t, here)]
    found: list[Found] = []
    direct_cues: list[tuple[Token, int, int]] = []  # a cue, and the content it frames
    for cue in (t for t in outside if _is_cue(t)):
        region = _content(cue)
        subject = subject_of(cue)
        if subject is not None and _inside(subject, here):
            subject = _adjacent_name(cue, here)
        if subject is None:
            continue
        if region is None:
            direct_cues.append((cue, -1, -1))
            continue
        start, end = _char_span(region)
        if (start, end) == (-1, -1) or _words_outside(start, end, speech, doc) < 2:
            direct_cues.append((cue, start, end))
            continue
        start, end = _balanced(start, end, here, doc.text)
        kind: QuoteKind = "mixed" if any(start <= q.start < end for q in here) else "indirect"
        found.append(Found(start, end, kind, _cue_text(cue), subject))
    found += _noun_cues(outside, here)
    found = _outermost(found)
    for quote in speech:
        if any(f.start <= quote.start < f.end for f in found):
            continue  # a partial quote inside a reported clause
        framing = _nearest(quote, direct_cues)
        subject = subject_of(framing) if framing is not None else None
        if framing is not None and (subject is None or _inside(subject, here)):
            subject = _adjacent_name(framing, here)
        end = min(quote.end, len(doc.text.rstrip()))
        found.append(
            Found(quote.start, end, "direct", _cue_text(framing) if framing else None, subject)
        )
    found += _labelled(here, speech, found, doc)
    return sorted(found, key=lambda f: f.start)


# --- quotations ---------------------------------------------------------------------


def is_speech(quote: Quoted, text: str, group: Group) -> bool:
    """Whether a quotation holds someone's words rather than a term, title or nickname."""
    inner = quote.inner(text).strip()
    words = _WORD.findall(inner)
    if not words:
        return False
    before = text[group.start : quote.start].rstrip()
    after_colon = before.endswith(":")
    if _is_title(words) and not after_colon:
        return False
    if after_colon or not before or not quote.closed:
        return True
    tokens = [t for t in group.doc[group.first : group.last] if quote.start < t.idx < quote.end]
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in tokens)
    return (has_verb and len(words) >= 3) or len(words) >= SPEECH_MIN_WORDS


def _is_title(words: list[str]) -> bool:
    """ "The Salt Orchard", "Catch Up, Keep Up": every word that matters capitalised."""
    content = [w for w in words if w.lower() not in _SMALL_WORDS]
    return (
        bool(content)
        and len(words) <= 8
        and all(w[0].isupper() for w in content)
        and (len(content) > 1 or words[0][0].isupper())
    )


def _inside(token: Token, quoted: list[Quoted]) -> bool:
    return any(q.start <= token.idx < q.end for q in quoted)


def _words_outside(start: int, end: int, speech: list[Quoted], doc: Doc) -> int:
    """Words of a reported clause outside its quotations ("that" aside): 0 for `said: “…”`."""
    words = 0
    for token in doc:
        if start <= token.idx < end and token.is_alpha and token.lower_ != "that":
            words += not any(q.start <= token.idx < q.end for q in speech)
    return words


def _balanced(start: int, end: int, quoted: list[Quoted], text: str) -> tuple[int, int]:
    """A reported clause that cuts a quotation takes all of it (`as “easy marks.”`)."""
    for quote in quoted:
        if start < quote.start < end < quote.end:
            end = quote.end
        elif quote.start < start < quote.end < end:
            start = quote.start
    return start, end


def _nearest(quote: Quoted, candidates: list[tuple[Token, int, int]]) -> Token | None:
    """The cue framing a quotation: the one whose clause holds it, else the closest."""
    if not candidates:
        return None
    holding = [cue for cue, start, end in candidates if start <= quote.start < end]
    if holding:
        return holding[0]

    def distance(cue: Token) -> int:
        if cue.idx >= quote.end:
            return cue.idx - quote.end
        return quote.start - cue.idx + 1  # a cue after the quotation wins a tie

    return min((cue for cue, _, _ in candidates), key=distance)


def _labelled(
    quoted: list[Quoted], speech: list[Quoted], found: list[Found], doc: Doc
) -> list[Found]:
    """`blamed ‘two moments of sleep’`, `called it "a cash grab"`: the quoted words only."""
    labelled = []
    for quote in quoted:
        if quote in speech or any(f.start <= quote.start < f.end for f in found):
            continue
        inner = [t for t in doc if quote.start < t.idx < quote.end]
        if not inner or _is_title(_WORD.findall(quote.inner(doc.text))):
            continue
        verb = _governing_verb(inner)
        if verb is not None and verb.lemma_ in cues.LABELLING_VERBS and subject_of(verb):
            found_at = Found(quote.start, quote.end, "direct", verb.text, subject_of(verb))
            labelled.append(found_at)
    return labelled


def _governing_verb(inner: list[Token]) -> Token | None:
    """The verb the quoted words hang from, at most two steps up (object, its preposition)."""
    roots = [t for t in inner if t.head not in inner or t.head.i == t.i]
    if not roots:
        return None
    token = roots[0].head
    for _ in range(3):
        if token.pos_ in ("VERB", "AUX"):
            return token
        token = token.head
    return None


# --- cues ----------------------------------------------------------------------------


def _is_cue(token: Token) -> bool:
    if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
        return True
    if token.pos_ not in ("VERB", "AUX") or token.lemma_ not in cues.SPEECH_VERBS:
        return False
    if any(c.dep_ == "neg" for c in token.children):
        return False  # "would not say", "did not respond"
    if token.dep_ == "xcomp" and token.head.lemma_ in ("decline", "refuse", "fail", "want"):
        return False
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return token.head.lemma_ in ("go", "continue")  # "went on to say"
    return token.dep_ not in ("amod", "compound")


def subject_of(cue: Token | None) -> Token | None:
    """The speaker's head word: the subject, inverted or not, inherited by "…, noting"."""
    if cue is None:
        return None
    if cue.lower_ == "according":
        objects = [p for to in cue.children if to.lower_ == "to" for p in to.children]
        return next((p for p in objects if p.dep_ == "pobj"), None)
    for child in cue.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.lower_ not in cues.NOT_SPEAKERS:
            return child
    if cue.dep_ in _PARTICIPLE_LINKS and cue.head.i != cue.i:
        head = cue.head
        if cue.dep_ == "conj" and head.dep_ == "ccomp" and not _is_cue(head) and _is_cue(head.head):
            head = head.head  # "said that the fire was visible and urged …", misparsed
        if cue.dep_ == "conj" or cue.tag_ == "VBG" or head.lemma_ in ("go", "continue"):
            return subject_of(head)
    return None


def _adjacent_name(cue: Token, quoted: list[Quoted]) -> Token | None:
    """When the parse puts the subject inside the quotation: the name beside the cue.

    `”, Huka, 57, said` has it before the cue; `” said Bogdan Petrescu` after it.
    """
    doc = cue.doc
    before = _first_nominal(reversed(doc[max(cue.i - 8, 0) : cue.i]), quoted)
    after = _first_nominal(doc[cue.i + 1 : cue.i + 6], quoted, stop_at_preposition=True)
    return before or after


def _first_nominal(
    tokens: Iterable[Token], quoted: list[Quoted], *, stop_at_preposition: bool = False
) -> Token | None:
    for token in tokens:
        if _inside(token, quoted) or (stop_at_preposition and token.pos_ == "ADP"):
            return None
        if token.is_punct or token.like_num or token.pos_ in ("DET", "ADV"):
            continue
        if token.pos_ in ("PROPN", "PRON", "NOUN"):
            return token if token.dep_ != "compound" else token.head
        return None
    return None


def _content(cue: Token) -> list[Token] | None:
    """The words a cue reports, or None when it frames a quotation (or nothing)."""
    if cue.lower_ == "according":
        return _according_region(cue)
    complements = [c for c in cue.children if c.dep_ == "ccomp"]
    if not complements:  # "said in a statement that …", the clause hung on the noun
        complements = [
            clause
            for prep in cue.children
            if prep.dep_ == "prep"
            for noun in prep.children
            if noun.dep_ == "pobj" and noun.lemma_.lower() in cues.SPEECH_NOUNS
            for clause in noun.children
            if clause.dep_ in ("acl", "ccomp", "relcl")
            and any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children)
        ]
    if not complements and cue.lemma_ in _INFINITIVE_CUES:
        complements = [c for c in cue.children if c.dep_ == "xcomp"]
    if not complements and cue.dep_ == "parataxis" and cue.head.pos_ in ("VERB", "AUX"):
        # "The increase is large, the company said." when parsed the other way round
        skip = {t.i for t in cue.subtree}
        return [t for t in cue.head.subtree if t.i not in skip]
    if not complements:
        return None
    # "said the fire was visible and urged people …": the second cue reports for itself
    skip = {
        t.i
        for c in complements
        for conj in c.children
        if conj.dep_ == "conj" and _is_cue(conj)
        for t in [*conj.subtree, *(x for x in c.children if x.dep_ == "cc" and x.i < conj.i)]
    }
    return [t for c in complements for t in c.subtree if t.i not in skip]


def _according_region(cue: Token) -> list[Token]:
    clause = cue.head
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
        clause = clause.head
    skip = {t.i for t in cue.subtree}
    return [t for t in clause.subtree if t.i not in skip]


def _char_span(tokens: list[Token]) -> tuple[int, int]:
    words = sorted(tokens, key=lambda t: t.i)
    while (
        words and (words[0].is_punct or words[0].lower_ in ("and", "but")) and not _opens(words[0])
    ):
        words = words[1:]
    while words and words[-1].text in _TRIM:
        words = words[:-1]
    if not words:
        return -1, -1
    return words[0].idx, words[-1].idx + len(words[-1].text)


def _opens(token: Token) -> bool:
    return token.text in ("“", '"', "‘")


def _cue_text(cue: Token) -> str:
    return "according to" if cue.lower_ == "according" else cue.text


def _noun_cues(outside: list[Token], quoted: list[Quoted]) -> list[Found]:
    """ "Aldana’s suggestion that teachers return …", "the minister's statement that …"."""
    found = []
    for noun in outside:
        if noun.pos_ != "NOUN" or noun.lemma_.lower() not in cues.SPEECH_NOUNS:
            continue
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        clause = next(
            (
                c
                for c in noun.children
                if c.dep_ in ("acl", "ccomp", "relcl")
                and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
            ),
            None,
        )
        if owner is None or clause is None:
            continue
        start, end = _char_span(list(clause.subtree))
        if end > start:
            start, end = _balanced(start, end, quoted, noun.doc.text)
            kind: QuoteKind = "mixed" if any(start <= q.start < end for q in quoted) else "indirect"
            found.append(Found(start, end, kind, None, owner, noun=True))
    return found


def _outermost(found: list[Found]) -> list[Found]:
    """Drop statements nested in another's content ("X said Y had warned that …")."""
    return [
        f
        for f in found
        if not any(
            g is not f
            and g.start <= f.start
            and f.end <= g.end
            and g.end - g.start > f.end - f.start
            for g in found
        )
    ]
