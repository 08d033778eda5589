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
from dataclasses import dataclass

from spacy.tokens import Token

from briefs.models import Stance
from briefs.nlp import stance_words as words

# How sure a reading is, by the kind of evidence that carries it.
EXPLICIT = 0.9  # a stance word with its object: "rejected the deal"
EVALUATIVE = 0.75  # an evaluation of a thing: "the deal remained unacceptable"
DEMAND = 0.65  # what someone must or should do: "Madrid would have to reach the goal"
COMMITMENT = 0.6  # the holder's own modal commitment: "will not meet the target"
# Claims under this are kept as context, never shown as a stance.
SHOWN = 0.55

_OBJECTS = ("dobj", "obj", "attr", "oprd")
_PHRASE_MAX_TOKENS = 9
_DROP_LEADING = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
)
_CUT_DEPS = frozenset({"relcl", "acl", "advcl", "appos", "punct", "cc", "conj", "parataxis"})
_VERB_ONLY_DEPS = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "neg", "advmod"})
_LOOSE_ENDS = frozenset({"ADP", "CCONJ", "DET", "PART", "PUNCT"})  # never end a phrase
_CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "VERB"})


_NEGATED: dict[Stance, Stance] = {
    "supports": "opposes",
    "opposes": "conditional",
    "conditional": "opposes",
}


@dataclass(frozen=True)
class PhraseSpan:
    """The proposition as read: normalised words, verbatim tokens, key lemmas."""

    text: str
    start: int  # character offsets in the parsed Doc (claims move them to the document)
    end: int
    keys: tuple[str, ...]
    head: str
    anaphoric: bool  # "the deal", "it": a thing named before
    verbal: bool = False  # an action, "send troops", rather than a thing


@dataclass(frozen=True)
class OpenReading:
    """A position in general language: its stance, how sure, and its proposition."""

    stance: Stance
    confidence: float
    phrase: PhraseSpan
    # what someone ought to do ("Madrid must pay"): the voice's position, never the subject's
    ought: bool = False


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
        _undecided_reading,
        _verb_reading,
        _adjective_reading,
        _evaluative_reading,
        _labelling_reading,
        _consequence_reading,
        _nominal_reading,
        _demand_reading,
        _commitment_reading,
    )
    for reader in (*readers, _expectation_reading, _no_intention_reading):
        found = reader(head, negated, inside, excluded)
        if found is not None:
            return _hedged(found, head, negated, inside)
    return None


def _hedged(reading: OpenReading, head: Token, negated: bool, inside: set[int]) -> OpenReading:
    """ "not yet prepared to back it", "cannot support it in its present form": a refusal
    for now, or of this version only, leaves the door open."""
    if reading.stance != "opposes":
        return reading
    chain = _chain_verbs(head) + [c for c in head.children if c.dep_ == "acomp"]
    not_yet = negated and any(c.lower_ == "yet" for v in chain for c in v.children)
    this_version = any(_names_a_version(t) for t in head.doc if t.i in inside)
    if not_yet or this_version:
        return OpenReading("conditional", reading.confidence, reading.phrase)
    return reading


# --- predicates ---------------------------------------------------------------------


def _verb_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "Poland rejected the deal", "urged the council to drop the plan", "agreed to sign"."""
    polarity: Stance | None = None
    predicate = None
    if negated and _denied_duty(head):  # "is not obliged to meet it": opposes meeting it
        polarity, predicate = "supports", head
    for verb in _chain_verbs(head)[1 if predicate else 0 :]:
        if polarity is not None and verb.lemma_.lower() in words.SILENCES:
            # "declined to discuss the figure": no position taken on the matter at hand
            return OpenReading("undecided", EXPLICIT, _matter_at_hand(head))
        stance = _verb_stance(verb) if polarity is None else _complement_stance(verb)
        if stance is None:
            continue
        polarity = stance if polarity is None else _compose(polarity, stance)
        predicate = verb
    if polarity is None or predicate is None:
        return _vote_reading(head, negated)
    if polarity == "undecided" and predicate.lemma_.lower() in words.DECLINING:
        return None  # "declined to name the countries" withholds a detail, not a position
    phrasal = phrasal_preposition(predicate)
    if phrasal is not None and phrasal.lower_ in words.ADDRESSEES:
        phrasal = None  # "called on the council to act": the council is asked, not the matter
    target = (
        (_prepositional(phrasal, inside, excluded) if phrasal is not None else None)
        or _complement(predicate, inside, excluded)
        or _passive_subject(predicate, inside, excluded)
    )
    if target is None:
        return _vote_reading(head, negated)
    return OpenReading(_negate(polarity, negated), EXPLICIT, target)


def read_participle(verb: Token, negated: bool, excluded: frozenset[int]) -> OpenReading | None:
    """ "a new goal proposed by Rutte": the agent's stance on the noun the participle describes."""
    stance = _verb_stance(verb)
    if stance is None:
        return None
    target = _antecedent_phrase(verb, excluded)
    return None if target is None else OpenReading(_negate(stance, negated), EXPLICIT, target)


def read_won(verb: Token, negated: bool, excluded: frozenset[int]) -> OpenReading | None:
    """ "the target won the support of S&D": the givers' stance on the verb's subject."""
    noun = next(
        (c for c in verb.children if c.dep_ == "dobj" and c.lemma_.lower() in words.STANCE_NOUNS),
        None,
    )
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if noun is None or subject is None:
        return None
    target = _phrase([subject], {t.i for t in subject.subtree}, excluded)
    stance = words.STANCE_NOUNS[noun.lemma_.lower()]
    return None if target is None else OpenReading(_negate(stance, negated), EXPLICIT, target)


def _passive_subject(
    predicate: Token, inside: set[int], excluded: frozenset[int]
) -> PhraseSpan | None:
    """ "the charge was rejected by the chamber": the subject is what the agent rejected."""
    if not any(c.dep_ == "agent" for c in predicate.children):
        return None
    subject = next((c for c in predicate.children if c.dep_ == "nsubjpass"), None)
    if subject is None:
        subject = next((c for c in predicate.children if c.dep_ == "nsubj"), None)
    return None if subject is None else _phrase([subject], inside, excluded)


def _antecedent_phrase(clause: Token, excluded: frozenset[int]) -> PhraseSpan | None:
    """The noun a relative clause or participle hangs off, without the clause itself."""
    noun = clause.head
    if noun.lemma_.lower() in words.LIGHT and noun.dep_ == "appos":
        noun = noun.head  # "a new goal of 5 percent, a figure Trump wanted": the goal
    inside = {t.i for t in noun.subtree} - {t.i for t in clause.subtree}
    return _phrase([noun], inside, excluded)


def _denied_duty(head: Token) -> bool:
    passive = any(c.dep_ == "auxpass" for c in head.children)
    return passive and head.lower_ in words.DENIED_DUTIES


def _vote_reading(head: Token, negated: bool) -> OpenReading | None:
    """ "voted no", "would vote against", "abstained": a vote on the matter at hand."""
    lemma = head.lemma_.lower()
    said = {c.lower_ for c in head.children if c.dep_ in ("dobj", "advmod", "intj", "prep")}
    stance: Stance | None = None
    if lemma == "abstain":
        stance = "undecided"
    elif lemma == "vote" and said & {"no", "against"}:
        stance = "opposes"
    elif lemma == "vote" and said & {"yes", "for"}:
        stance = "supports"
    if stance is None:
        return _vote_to(head, negated)
    return OpenReading(_negate(stance, negated), EXPLICIT, _matter_at_hand(head))


def _vote_to(head: Token, negated: bool) -> OpenReading | None:
    """ "voted 31 to 19 to introduce a congestion charge": for what the vote does."""
    if head.lemma_.lower() != "vote":
        return None
    action = next(
        (c for c in head.children if c.dep_ in ("xcomp", "advcl") and _infinitive(c)), None
    )
    if action is None:
        return None
    inside = {t.i for t in action.subtree}
    target = _verb_phrase(action, inside, frozenset())
    return None if target is None else OpenReading(_negate("supports", negated), EXPLICIT, target)


def _undecided_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "had not decided", "has not yet taken a position", "too early to take a view"."""
    lemma = head.lemma_.lower()
    if negated and lemma in words.DECIDING:
        return OpenReading("undecided", EXPLICIT, _matter_at_hand(head))
    for noun in head.children:
        if noun.dep_ != "dobj" or noun.lemma_.lower() not in words.DECISIONS:
            continue
        none = negated or any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children)
        if none and lemma in words.DECISION_VERBS:
            return OpenReading("undecided", EXPLICIT, _matter_at_hand(head))
    for early in head.children:  # "it is too early to take a view", "too soon to say"
        if early.lower_ in ("early", "soon") and any(a.lower_ == "too" for a in early.children):
            return OpenReading("undecided", EXPLICIT, _matter_at_hand(head))
    return None


def _matter_at_hand(head: Token) -> PhraseSpan:
    """No proposition of its own: the claim is about what the document is about."""
    return PhraseSpan("", head.idx, head.idx + len(head.text), (), "", anaphoric=True)


def _adjective_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "is ready to back it", "are against the agreement", "remains open to talks"."""
    for child in _predicates(head):
        lemma = child.lower_
        stance = words.STANCE_ADJECTIVES.get(lemma)
        if child.dep_ == "prep" and lemma in words.STANCE_PREPOSITIONS and _copular(head):
            stance = words.STANCE_PREPOSITIONS[lemma]  # "are against it", not "drawn up against"
        if lemma in words.DENIED_DUTIES and negated:
            stance = "supports"  # "is not obliged to meet it": negated below, opposes
        if stance is None and lemma in words.FEELINGS:
            return OpenReading(
                _negate(words.FEELINGS[lemma], negated), EVALUATIVE, _matter_at_hand(head)
            )
        if stance is None:
            continue
        target = _complement(child, inside, excluded)
        if target is None:
            if lemma in words.FEELINGS:  # "were delighted": with the matter at hand
                return OpenReading(_negate(stance, negated), EVALUATIVE, _matter_at_hand(head))
            continue
        inner = next((c for c in child.children if c.dep_ == "xcomp"), None)
        inner_stance = _complement_stance(inner) if inner is not None else None
        if inner is not None and inner_stance is not None:  # "ready to reject it" opposes it
            stance = _compose(stance, inner_stance)
            target = _complement(inner, inside, excluded) or target
        return OpenReading(_negate(stance, negated), EXPLICIT, target)
    return None


def _evaluative_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "the deal remained unacceptable": the speaker's judgement of the subject."""
    if head.lemma_ not in words.COPULAS:
        return None
    subject = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.i in excluded or (subject.pos_ == "PRON" and not _is_it(subject)):
        return None
    for child in head.children:
        if child.dep_ not in ("acomp", "attr"):
            continue
        stance = _evaluation(child)
        if stance is None:
            continue
        target = _phrase([subject], inside, excluded)
        if target is not None:
            return OpenReading(_negate(stance, negated), EVALUATIVE, target)
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
        stance = _evaluation(label)
        if stance is None:
            continue
        target = _phrase([thing], inside, excluded | {t.i for t in label.subtree})
        if target is not None:
            return OpenReading(_negate(stance, negated), EVALUATIVE, target)
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
    target = _phrase([subject], inside, excluded)
    if target is None:
        return None
    return OpenReading(_negate(stance, negated), EVALUATIVE, target)


def _nominal_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "voiced their firm rejection of the deal", "expressed support for the plan"."""
    if head.lemma_.lower() not in words.LIGHT_VERBS:
        return None
    for child in head.children:
        stance = words.STANCE_NOUNS.get(child.lemma_.lower()) if child.dep_ == "dobj" else None
        if stance is None:
            continue
        # "put their signatures to a declaration": the preposition may hang on the verb
        beside = [c for c in head.children if c.dep_ == "prep" and c.i > child.i]
        for prep in (*child.children, *beside):
            if prep.dep_ == "acl" and _infinitive(prep):  # "declared their readiness to send"
                target = _verb_phrase(prep, inside, excluded)
                if target is not None:
                    return OpenReading(_negate(stance, negated), EXPLICIT, target)
            if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "to"):
                pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                target = _phrase([pobj], inside, excluded) if pobj is not None else None
                if target is not None:
                    return OpenReading(_negate(stance, negated), EXPLICIT, target)
    return None


def _infinitive(verb: Token) -> bool:
    return verb.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _expectation_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "Trump expected every country to pay its share": what the holder expects of others."""
    if head.lemma_ != "expect" or _suffered(head) or negated:
        return None
    action = next((c for c in head.children if c.dep_ in ("xcomp", "ccomp")), None)
    others = any(c.dep_ == "dobj" for c in head.children) or (
        action is not None and any(c.dep_ in ("nsubj", "nsubjpass") for c in action.children)
    )
    if not others:
        return None  # "expects to attend": a plan of the holder's own
    if action is None or _complement_stance(action) == "opposes":
        return None
    done = next((c for c in action.children if c.dep_ == "nsubjpass"), None)
    # "expects the agreement to be wrapped up": the agreement
    target = _phrase([done], inside, excluded) if done is not None else None
    target = target or _verb_phrase(action, inside, excluded)
    return None if target is None else OpenReading("supports", EVALUATIVE, target)


def _no_intention_reading(
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
            target = _verb_phrase(action, inside, excluded) if action is not None else None
            if target is not None:
                return OpenReading("opposes", EXPLICIT, target)
    return None


def _demand_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "the leaders should have the last word", "Madrid would have to reach the goal"."""
    action = _demanded_action(head)
    if action is None or action.lemma_ == "be":
        return None
    stance: Stance = "opposes" if negated else "supports"
    if _withdraws(action):  # "Australia should stay out": against taking part
        return OpenReading(
            _negate("opposes", negated), DEMAND, _left(action, inside, excluded), ought=True
        )
    own = _verb_stance(action)
    if own is not None:  # "Brussels should scrap the plan": against the plan
        found = _complement(action, inside, excluded)
        if found is not None:
            return OpenReading(_negate(own, negated), DEMAND, found, ought=True)
    target = _verb_phrase(action, inside, excluded)
    if target is None:
        return None
    return OpenReading(stance, DEMAND, target, ought=True)


def _withdraws(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    particles = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod", "prep")}
    return lemma in words.WITHDRAWING or any((lemma, p) in words.WITHDRAWALS for p in particles)


def _left(verb: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan:
    """What one withdraws from: "pull out of the deal", "call off the strike"; else the matter
    at hand."""
    for obj in verb.children:
        if obj.dep_ == "dobj" and obj.i not in excluded:
            found = _phrase([obj], inside, excluded)
            if found is not None:
                return found
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
            found = _prepositional(prep, inside, excluded)
            if found is not None:
                return found
    for particle in verb.children:  # "stay out of the deal": the preposition hangs off "out"
        for prep in particle.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
                found = _prepositional(prep, inside, excluded)
                if found is not None:
                    return found
    return _matter_at_hand(verb)


def _demanded_action(head: Token) -> Token | None:
    if head.pos_ == "VERB" and any(
        c.dep_ == "aux" and c.lower_ in words.DEONTIC_MODALS for c in head.children
    ):
        return head
    if head.lemma_ in ("have", "need"):  # "has to reach", "needs to cut"
        return next(
            (
                c
                for c in head.children
                if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
            ),
            None,
        )
    return None


def _commitment_reading(
    head: Token, negated: bool, inside: set[int], excluded: frozenset[int]
) -> OpenReading | None:
    """ "Spain will not meet the target", "Lithuania will spend 5 percent on defence"."""
    if head.pos_ != "VERB" or head.lemma_ in words.NOT_COMMITMENTS:
        return None
    modals = {c.lower_ for c in head.children if c.dep_ == "aux"}
    possible = bool(modals & words.POSSIBILITY_MODALS) and not negated
    if not (modals & words.COMMITTING_MODALS or possible):
        return None
    if _withdraws(head):  # "Britain will pull out of the pact": against it
        return OpenReading(_negate("opposes", negated), COMMITMENT, _left(head, inside, excluded))
    if not negated and head.lemma_ not in words.COMMITMENT_ACTIONS:
        return None
    # "could contribute troops": open to it; "will send troops": committed to it
    stance: Stance = "conditional" if possible else "opposes" if negated else "supports"
    if _suffered(head):  # "Romanian soldiers will not be sent": the holder's own soldiers
        target = _passive_action(head, inside, excluded)
        return None if target is None else OpenReading(stance, COMMITMENT, target)
    objects = [c for c in head.children if c.dep_ in (*_OBJECTS, "xcomp")]
    objects += [c for c in head.children if c.dep_ == "prep" and c.lower_ == "as"]  # "act as"
    if not objects or any(_someone(c, excluded) for c in objects):
        return None  # "will meet on Tuesday", "would meet the company": a schedule, no pledge
    target = _verb_phrase(head, inside, excluded)
    if target is None:
        return None
    return OpenReading(stance, COMMITMENT, target)


def _passive_action(verb: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan | None:
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
    keys += tuple(t.lemma_.lower() for t in place if t.pos_ in _CONTENT_POS and not t.is_stop)
    head = subject.lemma_.lower()
    return PhraseSpan(text, start, end, tuple(dict.fromkeys(keys)), head, False, verbal=True)


# --- stance words -----------------------------------------------------------------


def _chain_verbs(head: Token) -> list[Token]:
    """The head and the verbs it takes as complements: "wants to approve", "refused to back"."""
    chain = [head]
    token = head
    while True:
        nxt = next((c for c in token.children if _continues(token, c)), None)
        if nxt is None:
            return chain
        chain.append(nxt)
        token = nxt


def _continues(verb: Token, child: Token) -> bool:
    """Whether `child` completes `verb`: an infinitive, or one the parse hung elsewhere
    ("declined on Friday to discuss", "has for years been pressing")."""
    if child.pos_ != "VERB":
        return False
    if child.dep_ == "xcomp":
        return True
    if child.dep_ != "advcl":
        return False
    if _to_infinitive(child):
        return _verb_stance(verb) is not None
    auxiliary = verb.lemma_ in ("have", "be") and not any(c.dep_ in _OBJECTS for c in verb.children)
    return auxiliary and any(c.lower_ in ("been", "being") for c in child.children)


def _verb_stance(verb: Token) -> Stance | None:
    lemma = verb.lemma_.lower()
    if verb.lower_ in words.STANCE_ADJECTIVES and verb.tag_ == "VBN":
        return words.STANCE_ADJECTIVES[verb.lower_]  # "was prepared to send", parsed as a verb
    if _suffered(verb):
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


def _complement_stance(verb: Token) -> Stance | None:
    """A verb under another stance: "willing to talk about the date" is open, not support."""
    if verb.lemma_.lower() in words.TALKING:
        return "conditional"
    return _verb_stance(verb)


def _suffered(verb: Token) -> bool:
    """A passive with no agent, other than a stance participle ("is opposed to")."""
    passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
    agent = any(c.dep_ == "agent" for c in verb.children)
    return passive and not agent and verb.lower_ not in words.STANCE_ADJECTIVES


def phrasal_preposition(verb: Token) -> Token | None:
    """The preposition of "asked the council for money": its object is what is asked for."""
    lemma = verb.lemma_.lower()
    for child in verb.children:
        if child.dep_ == "prep" and (lemma, child.lower_) in words.PHRASAL_STANCES:
            return child
    return None


def _compose(outer: Stance, inner: Stance) -> Stance:
    """ "refused to back" opposes; "agreed to reject" opposes; "wants to consider" is open."""
    if outer in ("undecided", "conditional"):
        return outer
    if inner in ("undecided", "conditional"):
        return inner
    return "supports" if outer == inner else "opposes"


def _negate(stance: Stance, negated: bool) -> Stance:
    """ "did not back" opposes; "did not rule out" is open; "not yet decided" stays undecided."""
    if not negated:
        return stance
    return _NEGATED.get(stance, stance)


def _evaluation(word: Token) -> Stance | None:
    lemma = word.lemma_.lower()
    if word.pos_ == "ADJ" and any(c.lower_ in words.EXCESS for c in word.children):
        return "opposes"  # "too restrictive", "overly ambitious"
    if lemma in words.NEGATIVE_EVALUATIONS:
        return "opposes"
    if lemma in words.POSITIVE_EVALUATIONS:
        return "supports"
    for child in word.children:
        if child.dep_ in ("amod", "compound"):
            if child.lemma_.lower() in words.NEGATIVE_EVALUATIONS:
                return "opposes"
            if child.lemma_.lower() in words.POSITIVE_EVALUATIONS and word.pos_ == "NOUN":
                return "supports"  # "a landmark deal", "a historic step"
    return None


def _predicates(head: Token) -> Iterable[Token]:
    """Words that predicate of the subject: "is ready", "are against", "remains open"."""
    for child in head.children:
        if child.dep_ in ("acomp", "prep", "attr", "oprd") or (
            (child.dep_ == "advmod" and child.i > head.i)
            or (child.dep_ == "ccomp" and child.pos_ == "ADJ")  # "declared themselves ready"
        ):
            yield child
            if child.dep_ == "advmod":
                yield from (c for c in child.children if c.dep_ == "prep")


def _copular(head: Token) -> bool:
    return head.lemma_ in words.COPULAS or head.pos_ == "AUX"


def _is_it(token: Token) -> bool:
    return token.lower_ in ("it", "this", "that")


# --- the proposition ----------------------------------------------------------------


def _complement(predicate: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan | None:
    """What the predicate is about: its object, its infinitive, or its preposition's object."""
    xcomp = next((c for c in predicate.children if c.dep_ in ("xcomp", "ccomp")), None)
    if xcomp is not None and xcomp.pos_ in ("VERB", "AUX"):
        return _verb_phrase(xcomp, inside, excluded)
    for child in predicate.children:
        if child.dep_ in _OBJECTS and child.lower_ in ("that", "which") and _relative(predicate):
            return _antecedent_phrase(_relative(predicate) or predicate, excluded)
        if child.dep_ in _OBJECTS and child.i not in excluded:
            found = _phrase([child], inside, excluded)
            if found is not None:
                return found
    preps = [c for c in predicate.children if c.dep_ in ("prep", "agent")]
    if predicate.dep_ == "prep":
        preps.insert(0, predicate)
    # "called on the EU to sign it", parsed as a purpose clause: what the addressee is asked
    addressed = any(
        p.i in excluded or prep.lower_ in words.ADDRESSEES
        for prep in preps
        for p in prep.children
        if p.dep_ == "pobj"
    )
    infinitive = next((c for c in predicate.children if _to_infinitive(c)), None)
    if infinitive is not None and addressed and predicate.pos_ == "VERB":
        return _verb_phrase(infinitive, inside, excluded)
    for prep in preps:
        found = _prepositional(prep, inside, excluded)
        if found is not None:
            return found
    return None


def _relative(verb: Token) -> Token | None:
    """The relative clause a verb heads or completes: "the rise that Trump had demanded"."""
    for token in (verb, verb.head):
        if token.dep_ == "relcl":
            return token
    return None


def _prepositional(prep: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan | None:
    for child in prep.children:
        if child.dep_ == "pobj" and child.i not in excluded:
            return _phrase([child], inside, excluded)
        if child.dep_ == "pcomp" and child.pos_ == "VERB":
            return _verb_phrase(child, inside, excluded)
        if child.dep_ == "prep":  # "in favour of X"
            return _complement(child, inside, excluded)
    return None


def _to_infinitive(token: Token) -> bool:
    return token.dep_ == "advcl" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in token.children
    )


def _someone(token: Token, excluded: frozenset[int]) -> bool:
    """An object that is a person or a body: "meet the company", "see the minister"."""
    if token.i in excluded or token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    return token.lemma_.lower() in words.PARTIES_MET


def _verb_phrase(verb: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan | None:
    """ "send troops to Ukraine": the verb, its object and its first complement."""
    if verb.lemma_ == "be":  # "that the goal should be 5 percent": what it should be
        attribute = next((c for c in verb.children if c.dep_ in ("attr", "acomp")), None)
        return _phrase([attribute], inside, excluded) if attribute is not None else None
    parts = [verb]
    for child in verb.children:
        if child.dep_ in (*_OBJECTS, "prt", "dative", "acomp") or (
            child.dep_ == "prep" and child.i > verb.i
        ):
            parts.append(child)
    if len(parts) == 1:
        return None
    return _phrase(parts, inside, excluded, verb=verb)


def _phrase(
    roots: list[Token], inside: set[int], excluded: frozenset[int], *, verb: Token | None = None
) -> PhraseSpan | None:
    if verb is None and len(roots) == 1:
        roots = [_past_event_noun(roots[0])]
    tokens = sorted(
        {t for root in roots for t in _trimmed_subtree(root, root is verb)}, key=lambda t: t.i
    )
    tokens = [t for t in tokens if t.i in inside and t.i not in excluded]
    tokens = _contiguous(tokens, roots[0])
    while (
        tokens
        and tokens[0] is not roots[0]
        and (tokens[0].lower_ in _DROP_LEADING or tokens[0].is_punct or tokens[0].dep_ == "case")
    ):
        tokens = tokens[1:]
    tokens = _first_words(tokens, _PHRASE_MAX_TOKENS)
    while tokens and (tokens[-1].is_punct or tokens[-1].pos_ in _LOOSE_ENDS):
        tokens = tokens[:-1]
    if not tokens:
        return None
    keys = tuple(
        dict.fromkeys(
            t.lemma_.lower()
            for t in tokens
            if t.pos_ in _CONTENT_POS and not t.is_stop and t.lemma_.lower() not in words.LIGHT
        )
    )
    root = roots[0]
    if root.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL") or _time_span(root):
        return None  # "in January", "by Friday", "for a long time": when, not what
    if not keys and not (root.pos_ == "NOUN" or _is_it(root)):
        return None  # "what they want": no thing named
    text = _normalised(tokens, verb)
    doc_start = tokens[0].idx
    doc_end = tokens[-1].idx + len(tokens[-1].text)
    anaphoric = (
        (len(keys) <= 1 and root.pos_ in ("NOUN", "PRON") and _pointed(root))
        or _is_it(root)
        or (len(tokens) == 1 and tokens[0].pos_ == "VERB")  # "readiness to help": with what?
    )
    named = next((c for c in root.children if c.dep_ in _OBJECTS), root) if verb else root
    verbal = tokens[0].pos_ in ("VERB", "AUX")
    return PhraseSpan(text, doc_start, doc_end, keys, named.lemma_.lower(), anaphoric, verbal)


def _time_span(root: Token) -> bool:
    """ "a long time", "years", but not "the target year"."""
    return root.lemma_ in words.SPANS and not any(c.dep_ == "compound" for c in root.children)


def _past_event_noun(root: Token) -> Token:
    """ "the completion of the agreement" is about the agreement."""
    if root.lemma_.lower() not in words.EVENT_NOUNS:
        return root
    for prep in root.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((c for c in prep.children if c.dep_ == "pobj"), root)
    return root


def _trimmed_subtree(root: Token, is_verb: bool) -> list[Token]:
    """A root's subtree without clauses, appositions and lists hanging off it."""
    kept = [root]
    for child in root.children:
        if child.dep_ in _CUT_DEPS or (is_verb and child.dep_ in _VERB_ONLY_DEPS):
            continue
        if _names_a_version(child):  # "the deal in its present form": the deal
            continue
        if is_verb and child.dep_ == "prep" and child.i < root.i:
            continue
        kept += _trimmed_subtree(child, False)
    return kept


def _names_a_version(prep: Token) -> bool:
    """ "in its present form", "in the current state"."""
    return prep.lower_ == "in" and any(
        c.dep_ == "pobj"
        and c.lower_ in words.VERSION_NOUNS
        and any(m.lower_ in words.VERSION_NOW for m in c.children)
        for c in prep.children
    )


def _first_words(tokens: list[Token], limit: int) -> list[Token]:
    """At most `limit` words; punctuation inside ("long-disputed") does not count."""
    kept, count = [], 0
    for token in tokens:
        count += not token.is_punct
        if count > limit:
            break
        kept.append(token)
    return kept


def _contiguous(tokens: list[Token], root: Token) -> list[Token]:
    """The unbroken run of tokens around the root: a phrase, never a patchwork."""
    if not tokens:
        return tokens
    indexes = [t.i for t in tokens]
    at = indexes.index(root.i) if root.i in indexes else 0
    start = end = at
    while start > 0 and indexes[start - 1] == indexes[start] - 1:
        start -= 1
    while end + 1 < len(indexes) and indexes[end + 1] == indexes[end] + 1:
        end += 1
    return tokens[start : end + 1]


def _pointed(root: Token) -> bool:
    return any(c.dep_ in ("det", "poss") for c in root.children) and not any(
        c.dep_ in ("compound", "amod", "nummod") or c.pos_ == "PROPN" for c in root.children
    )


def _normalised(tokens: list[Token], verb: Token | None) -> str:
    """The phrase as shown: a leading verb in its base form ("sending troops" → "send troops")."""
    parts = []
    for token in tokens:
        word = token.text
        if token is verb and token.tag_ in ("VBG", "VBD", "VBN", "VBZ"):
            word = token.lemma_
        parts.append(word + token.whitespace_)
    return "".join(parts).strip()
