"""Stance words as the parse uses them: verb chains, composition, negation, evaluations.

`OpenReading` is what every reader returns; the confidences say how sure a kind
of reading is. The word lists are in `briefs.nlp.stance_words`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Token

from briefs.models import Stance
from briefs.nlp import stance_words as words
from briefs.nlp.phrases import OBJECTS, PhraseSpan, to_infinitive

# How sure a reading is, by the kind of evidence that carries it.
EXPLICIT = 0.9  # a stance word with its object: "rejected the deal"
EVALUATIVE = 0.75  # an evaluation of a thing: "the deal remained unacceptable"
DEMAND = 0.65  # what someone must or should do: "Madrid would have to reach the goal"
COMMITMENT = 0.6  # the holder's own modal commitment: "will not meet the target"
# Claims under this are kept as context, never shown as a stance.
SHOWN = 0.55

_NEGATED: dict[Stance, Stance] = {
    "supports": "opposes",
    "opposes": "conditional",
    "conditional": "opposes",
}


@dataclass(frozen=True)
class OpenReading:
    """A position in general language: its stance, how sure, and its proposition."""

    stance: Stance
    confidence: float
    phrase: PhraseSpan
    # what someone ought to do ("Madrid must pay"): the voice's position, never the subject's
    ought: bool = False


def chain_verbs(head: Token) -> list[Token]:
    """The head and the verbs it takes as complements: "wants to approve", "refused to back"."""
    chain = [head]
    token = head
    while True:
        nxt = next((c for c in token.children if continues(token, c)), None)
        if nxt is None:
            return chain
        chain.append(nxt)
        token = nxt


def continues(verb: Token, child: Token) -> bool:
    """Whether `child` completes `verb`: an infinitive, or one the parse hung elsewhere
    ("declined on Friday to discuss", "has for years been pressing")."""
    if child.pos_ != "VERB":
        return False
    if child.dep_ == "xcomp":
        return True
    if child.dep_ != "advcl":
        return False
    if to_infinitive(child):
        return verb_stance(verb) is not None
    auxiliary = verb.lemma_ in ("have", "be") and not any(c.dep_ in OBJECTS for c in verb.children)
    return auxiliary and any(c.lower_ in ("been", "being") for c in child.children)


def verb_stance(verb: Token) -> Stance | None:
    lemma = verb.lemma_.lower()
    if verb.lower_ in words.STANCE_ADJECTIVES and verb.tag_ == "VBN":
        return words.STANCE_ADJECTIVES[verb.lower_]  # "was prepared to send", parsed as a verb
    if suffered(verb):
        return None  # "risked being pushed out": done to the subject, not the subject's stance
    particles = {
        c.lower_
        for c in verb.children
        if c.dep_ in ("prt", "prep") or (c.dep_ == "advmod" and c.lower_ in words.PARTICLES)
    }
    # "came out against": the preposition of stance decides over the particle
    for particle in sorted(particles, key=lambda p: p not in words.STANCE_PREPOSITIONS):
        stance = words.PHRASAL_STANCES.get((lemma, particle))
        if stance is not None:
            return stance
    return words.STANCE_VERBS.get(lemma)


def complement_stance(verb: Token) -> Stance | None:
    """A verb under another stance: "willing to talk about the date" is open, not support."""
    if verb.lemma_.lower() in words.TALKING:
        return "conditional"
    return verb_stance(verb)


def suffered(verb: Token) -> bool:
    """A passive with no agent, other than a stance participle ("is opposed to")."""
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    agent = any(c.dep_ == "agent" for c in verb.children)
    return passive and not agent and verb.lower_ not in words.STANCE_ADJECTIVES


def phrasal_preposition(verb: Token) -> Token | None:
    """The preposition of "asked the council for money": its object is what is asked for."""
    lemma = verb.lemma_.lower()
    for child in verb.children:
        # "Against that background, he warned …": a preposition before the verb sets a scene
        if (
            child.dep_ == "prep"
            and child.i > verb.i
            and (lemma, child.lower_) in words.PHRASAL_STANCES
        ):
            return child
    return None


def compose(outer: Stance, inner: Stance) -> Stance:
    """ "refused to back" opposes; "agreed to reject" opposes; "wants to consider" is open."""
    if outer in ("undecided", "conditional"):
        return outer
    if inner in ("undecided", "conditional"):
        return inner
    return "supports" if outer == inner else "opposes"


def negate(stance: Stance, negated: bool) -> Stance:
    """ "did not back" opposes; "did not rule out" is open; "not yet decided" stays undecided."""
    if not negated:
        return stance
    return _NEGATED.get(stance, stance)


def evaluation(word: Token) -> Stance | None:
    lemma = word.lemma_.lower()
    if word.pos_ == "ADJ" and any(c.lower_ in words.EXCESS for c in word.children):
        return "opposes"  # "too restrictive", "overly ambitious"
    if lemma in words.NEGATIVE_EVALUATIONS:
        return "opposes"
    if lemma in words.POSITIVE_EVALUATIONS:
        return "supports"
    for child in word.children:
        if child.dep_ == "acl" and child.lemma_.lower() in words.HARMING:
            return "opposes"  # "an intervention threatening its security"
        if child.dep_ in ("amod", "compound"):
            if child.lemma_.lower() in words.NEGATIVE_EVALUATIONS:
                return "opposes"
            if child.lemma_.lower() in words.POSITIVE_EVALUATIONS and word.pos_ == "NOUN":
                return "supports"  # "a landmark deal", "a historic step"
    return None


def predicates(head: Token) -> Iterable[Token]:
    """Words that predicate of the subject: "is ready", "are against", "remains open"."""
    for child in head.children:
        if child.dep_ in ("acomp", "prep", "attr", "oprd") or (
            (child.dep_ == "advmod" and child.i > head.i)
            or (child.dep_ == "ccomp" and child.pos_ == "ADJ")  # "declared themselves ready"
        ):
            yield child
            if child.dep_ == "advmod":
                yield from (c for c in child.children if c.dep_ == "prep")


def copular(head: Token) -> bool:
    return head.lemma_ in words.COPULAS or head.pos_ == "AUX"
