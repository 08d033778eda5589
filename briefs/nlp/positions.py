"""Open-world positions: a stance predicate and what it is about, read off the parse.

For a clause that no catalog topic names, the position is carried by general
language: a stance verb ("rejected the plan", "called for a ban"), a stance
adjective ("is ready to sign", "remained unacceptable"), a preposition of
stance ("voted against the budget", "in favour of the merger"), or the holder's
own negated commitment ("will not meet the target"). The proposition is the
object or complement of that predicate, trimmed to a short phrase, with its
verbatim span kept. Nothing here names a subject of the news: the word lists in
`briefs.nlp.stance_words` are ordinary English.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from briefs.models import Stance
from briefs.nlp import stance_words as words
from briefs.nlp.obligations import (
    commitment_reading,
    demand_reading,
    expectation_reading,
    no_intention_reading,
)
from briefs.nlp.phrases import (
    PhraseSpan,
    antecedent_phrase,
    complement,
    infinitive,
    is_it,
    matter_at_hand,
    names_a_version,
    passive_subject,
    phrase,
    prepositional,
    verb_phrase,
)
from briefs.nlp.predicates import (
    COMMITMENT,
    DEMAND,
    EVALUATIVE,
    EXPLICIT,
    SHOWN,
    OpenReading,
    chain_verbs,
    complement_stance,
    compose,
    copular,
    evaluation,
    negate,
    phrasal_preposition,
    predicates,
    verb_stance,
)

__all__ = [
    "COMMITMENT",
    "DEMAND",
    "EVALUATIVE",
    "SHOWN",
    "OpenReading",
    "PhraseSpan",
    "phrasal_preposition",
    "read_participle",
    "read_position",
    "read_won",
]


def read_position(
    head: Token, region: Iterable[Token], negations: int, *, excluded: frozenset[int]
) -> OpenReading | None:
    """The position a clause headed by `head` takes, if it takes one.

    `negations` is the parse's count on the clause's verb chain; `excluded` are token
    indexes of the holder and speaker, which never belong to the proposition.
    """
    inside = {t.i for t in region}
    negated = negations % 2 == 1
    readers = (
        _existential_reading,
        _tasks_reading,
        _undecided_reading,
        _verb_reading,
        _adjective_reading,
        _evaluative_reading,
        _labelling_reading,
        _consequence_reading,
        _nominal_reading,
        _gain_reading,
        _priority_reading,
        demand_reading,
        commitment_reading,
    )
    for reader in (*readers, expectation_reading, no_intention_reading):
        found = reader(head, negated, inside, excluded)
        if found is not None:
            return _hedged(found, head, negated, inside)
    return None


def _hedged(reading: OpenReading, head: Token, negated: bool, inside: set[int]) -> OpenReading:
    """ "not yet prepared to back it", "cannot support it in its present form": a refusal
    for now, or of this version only, leaves the door open."""
    if reading.stance != "opposes":
        return reading
    chain = chain_verbs(head) + [c for c in head.children if c.dep_ == "acomp"]
    not_yet = negated and any(c.lower_ == "yet" for v in chain for c in v.children)
    this_version = any(names_a_version(t) for t in head.doc if t.i in inside)
    if not_yet or this_version:
        return OpenReading("conditional", reading.confidence, reading.phrase)
    return reading


def _verb_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "Poland rejected the deal", "urged the council to drop the plan", "agreed to sign"."""
    polarity: Stance | None = None
    predicate = None
    if negated and _denied_duty(head):  # "is not obliged to meet it": opposes meeting it
        polarity, predicate = "supports", head
    for verb in chain_verbs(head)[1 if predicate else 0 :]:
        if polarity is not None and verb.lemma_.lower() in words.SILENCES:
            # "declined to discuss the figure": no position taken on the matter at hand
            return OpenReading("undecided", EXPLICIT, matter_at_hand(head))
        stance = verb_stance(verb) if polarity is None else complement_stance(verb)
        if stance is None:
            continue
        polarity = stance if polarity is None else compose(polarity, stance)
        predicate = verb
    if polarity is None or predicate is None:
        return _vote_reading(head, negated)
    if polarity == "undecided" and predicate.lemma_.lower() in words.DECLINING:
        return None  # "declined to name the countries" withholds a detail, not a position
    phrasal = phrasal_preposition(predicate)
    if phrasal is not None and phrasal.lower_ in words.ADDRESSEES:
        phrasal = None  # "called on the council to act": the council is asked, not the matter
    target = (
        (prepositional(phrasal, inside, excluded) if phrasal is not None else None)
        or complement(predicate, inside, excluded)
        or passive_subject(predicate, inside, excluded)
    )
    if target is None:
        return _vote_reading(head, negated)
    if negated and polarity == "opposes" and predicate.lemma_.lower() in words.OBSTRUCTING:
        return OpenReading("supports", EXPLICIT, target)  # "will not block it": lets it pass
    return OpenReading(negate(polarity, negated), EXPLICIT, target)


def read_participle(verb: Token, negated: bool, excluded: frozenset[int]) -> OpenReading | None:
    """ "a new goal proposed by Rutte": the agent's stance on the noun the participle describes."""
    stance = verb_stance(verb)
    if stance is None:
        return None
    target = antecedent_phrase(verb, excluded)
    return None if target is None else OpenReading(negate(stance, negated), EXPLICIT, target)


def read_won(verb: Token, negated: bool, excluded: frozenset[int]) -> OpenReading | None:
    """ "the target won the support of S&D": the givers' stance on the verb's subject."""
    noun = next(
        (c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in words.STANCE_NOUNS),
        None,
    )
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if noun is None or subject is None:
        return None
    target = phrase([subject], {t.i for t in subject.subtree}, excluded)
    stance = words.STANCE_NOUNS[noun.lemma_.lower()]
    return None if target is None else OpenReading(negate(stance, negated), EXPLICIT, target)


def _denied_duty(head: Token) -> bool:
    passive = any(c.dep_ == "auxpass" for c in head.children)
    return passive and head.lower_ in words.DENIED_DUTIES


def _vote_reading(head: Token, negated: bool) -> OpenReading | None:
    """ "voted no", "would vote against", "abstained": a vote on the matter at hand."""
    ballot = _inverted_ballot(head)
    if ballot is not None:  # "Voting no were the ECR and the Patriots"
        head = ballot
    lemma = head.lemma_.lower()
    said = {c.lower_ for c in head.children if c.dep_ in ("dobj", "advmod", "intj", "prep")}
    said |= {p.lower_ for c in head.children if c.dep_ == "prep" for p in c.children}
    if "favour" in said or "favor" in said:
        said.add("for")  # "voted in favour"
    stance: Stance | None = None
    if lemma == "abstain":
        stance = "undecided"
    elif lemma == "vote" and said & {"no", "against"}:
        stance = "opposes"
    elif lemma == "vote" and said & {"yes", "for"}:
        stance = "supports"
    if stance is None:
        return _vote_to(head, negated)
    return OpenReading(negate(stance, negated), EXPLICIT, matter_at_hand(head))


def _inverted_ballot(head: Token) -> Token | None:
    """The "voting no" that is the subject of "were the ECR and the Patriots"."""
    if head.lemma_ != "be":
        return None
    return next(
        (c for c in head.children if c.dep_ == "csubj" and c.lemma_.lower() in ("vote", "abstain")),
        None,
    )


def _vote_to(head: Token, negated: bool) -> OpenReading | None:
    """ "voted 31 to 19 to introduce a congestion charge": for what the vote does."""
    if head.lemma_.lower() != "vote":
        return None
    action = next(
        (c for c in head.children if c.dep_ in ("xcomp", "advcl") and infinitive(c)), None
    ) or _tally_infinitive(head)
    if action is None:
        return None
    inside = {t.i for t in action.subtree}
    target = verb_phrase(action, inside, frozenset())
    return None if target is None else OpenReading(negate("supports", negated), EXPLICIT, target)


def _tally_infinitive(vote: Token) -> Token | None:
    """ "voted by 334 to 324, with 11 abstentions, to seek …": the parser hangs the
    infinitive on the tally; no verb stands between it and the vote."""
    for token in vote.subtree:
        if token.i <= vote.i or not infinitive(token):
            continue
        above = token.head
        while above.i != vote.i and above.pos_ not in ("VERB", "AUX"):
            above = above.head
        if above.i == vote.i:
            return token
    return None


def _gain_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "Poland won a review clause", "Prague secured wording on revision": wanted terms."""
    verb = next((v for v in chain_verbs(head) if v.lemma_.lower() in words.GAINING_VERBS), None)
    if verb is None or negated:  # "managed to insert two clauses" too
        return None
    # "secured wording" may be parsed as a verb form: what counts is the word
    objects = (c for c in verb.children if c.dep_ in ("dobj", "xcomp") and c.i not in excluded)
    thing = next(objects, None)
    if thing is None or thing.lemma_.lower() not in words.GAINS:
        return None
    target = phrase([thing], inside, excluded)
    return None if target is None else OpenReading("supports", EVALUATIVE, target)


def _priority_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "Denmark had made the target one of its flagship goals": backing the target."""
    if head.lemma_.lower() != "make":
        return None
    thing = next((c for c in head.children if c.dep_ == "dobj" and c.i not in excluded), None)
    if thing is None:
        return None
    made = next(
        (
            c
            for c in (*head.children, *thing.children)
            if c.dep_ in ("oprd", "ccomp", "appos") or (c.dep_ == "nummod" and c.lower_ == "one")
        ),
        None,
    )  # "made it a priority", "made the target one of its goals" (the parser varies)
    if made is None:
        return None
    named = [made, *(c for p in made.children if p.dep_ == "prep" for c in p.children)]
    if not any(t.lemma_.lower() in words.PRIORITIES for t in named):
        return None
    target = phrase([thing], inside, excluded | {t.i for t in made.subtree})
    return None if target is None else OpenReading(negate("supports", negated), EXPLICIT, target)


def _existential_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "there will be no Polish troops on the ground": the holder's own people, ruled out."""
    if head.lemma_ != "be" or not any(c.dep_ == "expl" for c in head.children):
        return None
    if not any(c.dep_ == "aux" and c.lower_ in words.COMMITTING_MODALS for c in head.children):
        return None
    thing = next((c for c in head.children if c.dep_ == "attr"), None)
    if thing is None:
        return None
    refused = negated or any(c.dep_ == "det" and c.lower_ == "no" for c in thing.children)
    target = phrase([thing], inside | {t.i for t in thing.subtree}, excluded)
    if target is None:
        return None
    return OpenReading("opposes" if refused else "supports", COMMITMENT, target)


def _tasks_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "the country's key tasks include protecting the flank": what it takes on as its own."""
    if head.lemma_ not in ("include", "be", "remain") or negated:
        return None
    subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lemma_.lower() not in words.TASKS:
        return None
    if not any(c.dep_ == "poss" for c in subject.children):
        return None  # "the tasks include …" says whose tasks nowhere
    for child in head.children:
        if child.dep_ in ("dobj", "attr", "xcomp", "ccomp"):
            found = (
                verb_phrase(child, inside, excluded)
                if child.pos_ == "VERB"
                else phrase([child], inside, excluded)
            )
            if found is not None:  # what a body's task is counts only in its own voice
                return OpenReading("supports", EVALUATIVE, found, ought=True)
    return None


def _undecided_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "had not decided", "has not yet taken a position", "too early to take a view"."""
    lemma = head.lemma_.lower()
    if negated and lemma in words.DECIDING:
        return OpenReading("undecided", EXPLICIT, matter_at_hand(head))
    for noun in head.children:
        if noun.dep_ != "dobj" or noun.lemma_.lower() not in words.DECISIONS:
            continue
        none = negated or any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)
        if none and lemma in words.DECISION_VERBS:
            return OpenReading("undecided", EXPLICIT, matter_at_hand(head))
    for early in head.children:  # "it is too early to take a view", "too soon to say"
        if early.lower_ in ("early", "soon") and any(a.lower_ == "too" for a in early.children):
            return OpenReading("undecided", EXPLICIT, matter_at_hand(head))
    return None


def _adjective_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "is ready to back it", "are against the agreement", "remains open to talks"."""
    for child in predicates(head):
        lemma = child.lower_
        stance = words.STANCE_ADJECTIVES.get(lemma)
        if child.dep_ == "prep" and lemma in words.STANCE_PREPOSITIONS and copular(head):
            stance = words.STANCE_PREPOSITIONS[lemma]  # "are against it", not "drawn up against"
        if lemma in words.DENIED_DUTIES and negated:
            stance = "supports"  # "is not obliged to meet it": negated below, opposes
        if stance is None and lemma in words.FEELINGS:
            return OpenReading(
                negate(words.FEELINGS[lemma], negated), EVALUATIVE, matter_at_hand(head)
            )
        if stance is None:
            continue
        target = complement(child, inside, excluded)
        inner = next((c for c in child.children if c.dep_ == "xcomp"), None)
        inner_stance = complement_stance(inner) if inner is not None else None
        if inner is not None and inner_stance is not None:  # "ready to reject it" opposes it
            stance = compose(stance, inner_stance)
            target = complement(inner, inside, excluded) or target
        if target is None:
            if lemma in words.FEELINGS:  # "were delighted": with the matter at hand
                return OpenReading(negate(stance, negated), EVALUATIVE, matter_at_hand(head))
            continue
        return OpenReading(negate(stance, negated), EXPLICIT, target)
    return None


def _evaluative_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "the deal remained unacceptable": the speaker's judgement of the subject."""
    if head.lemma_ not in words.COPULAS:
        return None
    subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.i in excluded or (subject.pos_ == "PRON" and not is_it(subject)):
        return None
    for child in head.children:
        if child.dep_ not in ("acomp", "attr"):
            continue
        stance = evaluation(child)
        if stance is None:
            continue
        target = phrase([subject], inside, excluded)
        if target is not None:
            return OpenReading(negate(stance, negated), EVALUATIVE, target)
    return None


def _labelling_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "called the plan a sham", "described the pact as a landmark deal"."""
    if head.lemma_.lower() not in words.LABELLING_VERBS:
        return None
    thing = next((c for c in head.children if c.dep_ == "dobj" and c.i not in excluded), None)
    if thing is None:
        return None
    for label in _labels(head, thing):
        stance = evaluation(label)
        if stance is None:
            continue
        target = phrase([thing], inside, excluded | {t.i for t in label.subtree})
        if target is not None:
            return OpenReading(negate(stance, negated), EVALUATIVE, target)
    return None


def _labels(head: Token, thing: Token) -> Iterable[Token]:
    """What a thing is called: "a sham" (oprd), "as a landmark", "unfunded" (left on it)."""
    for child in head.children:
        if child.dep_ in ("oprd", "xcomp", "ccomp", "acomp"):
            yield child
        if child.dep_ == "prep" and child.lower_ == "as":
            yield from (c for c in child.children if c.dep_ in ("pobj", "amod", "acomp"))
    for owner in (thing, *(c for c in thing.children if c.dep_ == "prep" and c.lower_ == "as")):
        yield from (c for c in owner.children if c.dep_ in ("amod", "pobj") and c.i > thing.i)
    # "called the proposal for more flexibility fundamentally good": English puts no
    # adjective after its noun, so one there is the label, whatever the parser hung it on
    yield from (
        t
        for t in thing.subtree
        if t.dep_ == "amod" and t.pos_ == "ADJ" and t.i > t.head.i and t.head.i != thing.i
    )


def _resolution(noun: Token, inside: set[int], excluded: frozenset[int]) -> OpenReading | None:
    """ "a resolution against the draft", "a motion in favour of the ban"."""
    for prep in noun.children:
        if prep.dep_ != "prep" or prep.lower_ not in words.STANCE_PREPOSITIONS:
            continue
        target = prepositional(prep, inside, excluded)
        if target is not None:
            return OpenReading(words.STANCE_PREPOSITIONS[prep.lower_], EXPLICIT, target)
    for clause in (c for c in noun.children if c.dep_ == "relcl"):
        stance = verb_stance(clause)  # "motions in which it rejects the agreement"
        target = complement(clause, inside, excluded) if stance is not None else None
        if stance is not None and target is not None:
            negated = any(c.dep_ == "neg" for c in clause.children)
            return OpenReading(negate(stance, negated), EXPLICIT, target)
    return None


def _consequence_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "(warned that) the deal would threaten farmers": judged by what it would do."""
    stance = words.CONSEQUENCES.get(head.lemma_.lower())
    if stance is None:
        return None
    subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.i in excluded or subject.pos_ in ("PRON", "PROPN"):
        return None
    if not any(c.dep_ == "aux" and c.lower_ in words.HYPOTHETICAL for c in head.children):
        return None  # "the deal would hurt farmers" judges; "the deal hurt farmers" reports
    target = phrase([subject], inside, excluded)
    if target is None:
        return None
    return OpenReading(negate(stance, negated), EVALUATIVE, target)


def _nominal_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "voiced their firm rejection of the deal", "expressed support for the plan"."""
    if head.lemma_.lower() not in words.LIGHT_VERBS:
        return None
    for child in head.children:
        if child.dep_ == "dobj" and child.lemma_.lower() == "vote":
            said = {c.lower_ for c in child.children if c.dep_ in ("det", "compound", "amod")}
            if said & {"no", "yes"}:  # "signalled a no vote": on the matter at hand
                voted: Stance = "opposes" if "no" in said else "supports"
                return OpenReading(voted, EXPLICIT, matter_at_hand(head))  # "no" is the vote
        if child.dep_ == "dobj" and child.lemma_.lower() in words.RESOLUTIONS:
            found = _resolution(child, inside, excluded)  # "passed a resolution against it"
            if found is not None:
                return OpenReading(negate(found.stance, negated), EXPLICIT, found.phrase)
        stance = words.STANCE_NOUNS.get(child.lemma_.lower()) if child.dep_ == "dobj" else None
        if stance is None:
            continue
        # "put their signatures to a declaration": the preposition may hang on the verb
        beside = [c for c in head.children if c.dep_ == "prep" and c.i > child.i]
        for prep in (*child.children, *beside):
            if prep.dep_ == "acl" and infinitive(prep):  # "declared their readiness to send"
                target = verb_phrase(prep, inside, excluded)
                if target is not None:
                    return OpenReading(negate(stance, negated), EXPLICIT, target)
            if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "to"):
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                target = phrase([pobj], inside, excluded) if pobj is not None else None
                if target is not None:
                    return OpenReading(negate(stance, negated), EXPLICIT, target)
    return None
