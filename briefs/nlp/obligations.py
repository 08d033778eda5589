"""Positions on what someone will, must or ought to do, and on leaving a thing.

"Spain will not meet the target" (a commitment), "Madrid would have to reach
the goal" (a demand, the voice's position), "expected every ally to pay"
(an expectation of others), "has no intention of joining", "will pull out of
the pact" (a withdrawal, against what is left).
"""

from __future__ import annotations

from spacy.tokens import Token

from briefs.models import Stance
from briefs.nlp import stance_words as words
from briefs.nlp.phrases import (
    CONTENT_POS,
    OBJECTS,
    PhraseSpan,
    complement,
    matter_at_hand,
    phrase,
    prepositional,
    someone,
    verb_phrase,
)
from briefs.nlp.predicates import (
    COMMITMENT,
    DEMAND,
    EVALUATIVE,
    EXPLICIT,
    OpenReading,
    complement_stance,
    negate,
    suffered,
    verb_stance,
)


def expectation_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "Trump expected every country to pay its share": what the holder expects of others."""
    if head.lemma_ != "expect" or suffered(head) or negated:
        return None
    action = next((c for c in head.children if c.dep_ in ("xcomp", "ccomp")), None)
    others = any(c.dep_ == "dobj" for c in head.children) or (
        action is not None and any(c.dep_ in ("nsubj", "nsubjpass") for c in action.children)
    )
    if not others:
        return None  # "expects to attend": a plan of the holder's own
    if action is None or complement_stance(action) == "opposes":
        return None
    done = next((c for c in action.children if c.dep_ == "nsubjpass"), None)
    # "expects the agreement to be wrapped up": the agreement
    target = phrase([done], inside, excluded) if done is not None else None
    target = target or verb_phrase(action, inside, excluded)
    return None if target is None else OpenReading("supports", EVALUATIVE, target)


def no_intention_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "had no need to reach the goal", "has no intention of joining": against doing it."""
    if head.lemma_ not in ("have", "see", "feel"):
        return None
    for noun in head.children:
        if noun.dep_ != "dobj" or noun.lemma_.lower() not in words.INTENTIONS:
            continue
        if not any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
            continue
        for part in noun.children:
            action = part if part.dep_ in ("acl", "relcl") else None
            if part.dep_ == "prep" and part.lower_ == "of":
                action = next((c for c in part.children if c.dep_ == "pcomp"), None)
            target = verb_phrase(action, inside, excluded) if action is not None else None
            if target is not None:
                return OpenReading("opposes", EXPLICIT, target)
    return None


def demand_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "the leaders should have the last word", "Madrid would have to reach the goal"."""
    action = demanded_action(head)
    if action is None or action.lemma_ == "be":
        return None
    stance: Stance = "opposes" if negated else "supports"
    if withdraws(action):  # "Australia should stay out": against taking part
        return OpenReading(
            negate("opposes", negated), DEMAND, left(action, inside, excluded), ought=True
        )
    own = verb_stance(action)
    if own is not None:  # "Brussels should scrap the plan": against the plan
        found = complement(action, inside, excluded)
        if found is not None:
            return OpenReading(negate(own, negated), DEMAND, found, ought=True)
    target = verb_phrase(action, inside, excluded)
    if target is None:
        return None
    return OpenReading(stance, DEMAND, target, ought=True)


def withdraws(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    particles = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod", "prep")}
    return lemma in words.WITHDRAWING or any((lemma, p) in words.WITHDRAWALS for p in particles)


def left(verb: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan:
    """What one withdraws from: "pull out of the deal", "call off the strike"; else the matter
    at hand."""
    for obj in verb.children:
        if obj.dep_ == "dobj" and obj.i not in excluded:
            found = phrase([obj], inside, excluded)
            if found is not None:
                return found
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
            found = prepositional(prep, inside, excluded)
            if found is not None:
                return found
    for particle in verb.children:  # "stay out of the deal": the preposition hangs off "out"
        for prep in particle.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
                found = prepositional(prep, inside, excluded)
                if found is not None:
                    return found
    return matter_at_hand(verb)


def demanded_action(head: Token) -> Token | None:
    if head.pos_ == "VERB" and any(
        c.dep_ == "aux" and c.lower_ in words.DEONTIC_MODALS for c in head.children
    ):
        return head
    if head.lemma_ in ("have", "need"):  # "has to reach", "needs to cut"
        modal = any(c.dep_ == "aux" for c in head.children)
        if head.tag_ == "VBD" and not modal:
            return None  # "they had to pay for lawyers": a past necessity, not a demand
        return next(
            (
                c
                for c in head.children
                if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
            ),
            None,
        )
    return None


def commitment_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "Spain will not meet the target", "Lithuania will spend 5 percent on defence"."""
    if head.pos_ != "VERB" or head.lemma_ in words.NOT_COMMITMENTS:
        return None
    modals = {c.lower_ for c in head.children if c.dep_ == "aux"}
    possible = bool(modals & words.POSSIBILITY_MODALS) and not negated
    if not (modals & words.COMMITTING_MODALS or possible):
        return None
    if withdraws(head):  # "Britain will pull out of the pact": against it
        return OpenReading(negate("opposes", negated), COMMITMENT, left(head, inside, excluded))
    if not negated and head.lemma_ not in words.COMMITMENT_ACTIONS:
        return None
    # "could contribute troops": open to it; "will send troops": committed to it
    stance: Stance = "conditional" if possible else "opposes" if negated else "supports"
    if suffered(head):  # "Romanian soldiers will not be sent": the holder's own soldiers
        target = passive_action(head, inside, excluded)
        return None if target is None else OpenReading(stance, COMMITMENT, target)
    objects = [c for c in head.children if c.dep_ in (*OBJECTS, "xcomp")]
    objects += [c for c in head.children if c.dep_ == "prep" and c.lower_ == "as"]  # "act as"
    if not objects or any(someone(c, excluded) for c in objects):
        return None  # "will meet on Tuesday", "would meet the company": a schedule, no pledge
    target = verb_phrase(head, inside, excluded)
    if target is None:
        return None
    return OpenReading(stance, COMMITMENT, target)


def passive_action(verb: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan | None:
    """ "American troops would not be deployed in Ukraine" → "deploy troops in Ukraine"."""
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    where = next((c for c in verb.children if c.dep_ == "prep" and c.i > verb.i), None)
    if subject is None or subject.pos_ != "NOUN" or where is None:
        return None
    place = [t for t in where.subtree if t.i in inside]
    if not place:
        return None
    start, end = verb.idx, place[-1].idx + len(place[-1].text)
    words_after = "".join(t.text_with_ws for t in place).strip()
    text = f"{verb.lemma_} {subject.text} {words_after}"
    keys = tuple(dict.fromkeys([verb.lemma_.lower(), subject.lemma_.lower()]))
    keys += tuple(t.lemma_.lower() for t in place if t.pos_ in CONTENT_POS and not t.is_stop)
    head = subject.lemma_.lower()
    return PhraseSpan(text, start, end, tuple(dict.fromkeys(keys)), head, False, verbal=True)
