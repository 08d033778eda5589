"""The proposition a position is about, read off the parse: a short phrase and its span.

The object or complement of a stance predicate becomes a phrase of at most nine
words, the leading determiner dropped and a leading verb in its base form ("send
troops to Ukraine"), with its verbatim character span and key lemmas kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

from briefs.nlp import stance_words as words

OBJECTS = ("dobj", "obj", "attr", "oprd")
CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "NUM", "VERB"})
_PHRASE_MAX_TOKENS = 9
_KEY_MAX_TOKENS = 14
_DROP_LEADING = frozenset(
    {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our"}
)
_CUT_DEPS = frozenset({"relcl", "acl", "advcl", "appos", "punct", "cc", "conj", "parataxis"})
_VERB_ONLY_DEPS = frozenset({"nsubj", "nsubjpass", "aux", "auxpass", "neg", "advmod"})
_LOOSE_ENDS = frozenset({"ADP", "CCONJ", "DET", "PART", "PUNCT"})  # never end a phrase


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


def complement(predicate: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan | None:
    """What the predicate is about: its object, its infinitive, or its preposition's object."""
    xcomp = next((c for c in predicate.children if c.dep_ in ("xcomp", "ccomp")), None)
    if xcomp is not None and xcomp.pos_ in ("VERB", "AUX"):
        return verb_phrase(xcomp, inside, excluded)
    wanted = _copula_subject(predicate) if _asks_for_what(predicate) else None
    if wanted is not None:  # "the referral is what Germany had asked for"
        return phrase([wanted], inside | {t.i for t in wanted.subtree}, excluded)
    for child in predicate.children:
        if child.dep_ in OBJECTS and child.lower_ in ("that", "which") and relative(predicate):
            return antecedent_phrase(relative(predicate) or predicate, excluded)
        if child.dep_ in OBJECTS and child.i not in excluded:
            found = phrase([child], inside, excluded)
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
    infinitive = next((c for c in predicate.children if to_infinitive(c)), None)
    if infinitive is not None and addressed and predicate.pos_ == "VERB":
        return verb_phrase(infinitive, inside, excluded)
    for prep in preps:
        found = prepositional(prep, inside, excluded)
        if found is not None:
            return found
    return None


def _asks_for_what(predicate: Token) -> bool:
    """A free relative, "what X wanted", standing for the subject of the copula above it."""
    gaps = [c for c in predicate.children if c.dep_ in OBJECTS and c.lower_ == "what"]
    gaps += [
        p
        for prep in predicate.children
        if prep.dep_ == "prep"
        for p in prep.children
        if p.dep_ == "pobj" and p.lower_ == "what"
    ]
    return (
        bool(gaps)
        and predicate.dep_ in ("ccomp", "attr")
        and _copula_subject(predicate) is not None
    )


def _copula_subject(predicate: Token) -> Token | None:
    copula = predicate.head
    if copula.lemma_ != "be":
        return None
    return next((c for c in copula.children if c.dep_ == "nsubj" and c.pos_ != "PRON"), None)


def relative(verb: Token) -> Token | None:
    """The relative clause a verb heads or completes: "the rise that Trump had demanded"."""
    for token in (verb, verb.head):
        if token.dep_ == "relcl":
            return token
    return None


def prepositional(prep: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan | None:
    for child in prep.children:
        if child.dep_ == "pobj" and child.i not in excluded:
            return phrase([child], inside, excluded)
        if child.dep_ == "pcomp" and child.pos_ == "VERB":
            return verb_phrase(child, inside, excluded)
        if child.dep_ == "prep":  # "in favour of X"
            return complement(child, inside, excluded)
    return None


def to_infinitive(token: Token) -> bool:
    return token.dep_ == "advcl" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in token.children
    )


def infinitive(verb: Token) -> bool:
    return verb.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def someone(token: Token, excluded: frozenset[int]) -> bool:
    """An object that is a person or a body: "meet the company", "see the minister"."""
    if token.i in excluded or token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return True
    return token.lemma_.lower() in words.PARTIES_MET


def verb_phrase(verb: Token, inside: set[int], excluded: frozenset[int]) -> PhraseSpan | None:
    """ "send troops to Ukraine": the verb, its object and its first complement."""
    if verb.lemma_ == "be":  # "that the goal should be 5 percent": what it should be
        attribute = next((c for c in verb.children if c.dep_ in ("attr", "acomp")), None)
        return phrase([attribute], inside, excluded) if attribute is not None else None
    enabled = _enabled_action(verb)
    if enabled is not None:  # "summon the courage to sign it": signing it
        return verb_phrase(enabled, inside, excluded)
    parts = [verb]
    for child in verb.children:
        if child.dep_ in (*OBJECTS, "prt", "dative", "acomp") or (
            child.dep_ == "prep" and child.i > verb.i
        ):
            parts.append(child)
    if len(parts) == 1:
        return None
    return phrase(parts, inside, excluded, verb=verb)


def _enabled_action(verb: Token) -> Token | None:
    """The action in "find the courage to sign", "take the decision to leave"."""
    for noun in verb.children:
        if noun.dep_ == "dobj" and noun.lemma_.lower() in words.ENABLING_NOUNS:
            return next((c for c in noun.children if c.dep_ == "acl" and infinitive(c)), None)
    return None


def phrase(
    roots: list[Token], inside: set[int], excluded: frozenset[int], *, verb: Token | None = None
) -> PhraseSpan | None:
    if verb is None and len(roots) == 1:
        inner = past_event_noun(roots[0])
        if inner.i != roots[0].i and inner.pos_ == "VERB":  # "the prospect of ratifying it"
            return verb_phrase(inner, inside, excluded)
        roots = [inner]
    tokens = sorted(
        {t for root in roots for t in trimmed_subtree(root, root is verb)}, key=lambda t: t.i
    )
    tokens = [t for t in tokens if t.i in inside and t.i not in excluded]
    tokens = contiguous(tokens, roots[0])
    while (
        tokens
        and tokens[0] is not roots[0]
        and (tokens[0].lower_ in _DROP_LEADING or tokens[0].is_punct or tokens[0].dep_ == "case")
    ):
        tokens = tokens[1:]
    # the shown phrase is short; its key words come from a little further, so that
    # "a binding 90% cut in net greenhouse gas emissions by 2040" keeps "2040"
    whole = first_words(tokens, _KEY_MAX_TOKENS)
    tokens = first_words(tokens, _PHRASE_MAX_TOKENS)
    # "seal the accord that day": when is not what (a date inside stays: "by 2040")
    while len(tokens) > 1 and (
        tokens[-1].is_punct
        or tokens[-1].pos_ in _LOOSE_ENDS
        or (tokens[-1].ent_type_ in ("DATE", "TIME") and tokens[-1].dep_ == "npadvmod")
        or (tokens[-1].ent_type_ in ("DATE", "TIME") and tokens[-1].head.dep_ == "npadvmod")
    ):
        tokens = tokens[:-1]
    if not tokens:
        return None
    keys = tuple(
        dict.fromkeys(
            t.lemma_.lower()
            for t in whole
            if t.pos_ in CONTENT_POS and not t.is_stop and t.lemma_.lower() not in words.LIGHT
        )
    )
    root = roots[0]
    if len(keys) <= 1 and verb is None:
        keys += _defining_words(root, keys)
    if root.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL") or time_span(root):
        return None  # "in January", "by Friday", "for a long time": when, not what
    if not keys and not (root.pos_ == "NOUN" or is_it(root)):
        return None  # "what they want": no thing named
    text = normalised(tokens, verb)
    doc_start = tokens[0].idx
    doc_end = tokens[-1].idx + len(tokens[-1].text)
    anaphoric = (
        (len(keys) <= 1 and root.pos_ in ("NOUN", "PRON") and pointed(root))
        or is_it(root)
        or (len(tokens) == 1 and tokens[0].pos_ == "VERB")  # "readiness to help": with what?
        or all(k.replace(".", "").replace(",", "").isdigit() for k in keys)  # "put between 5"
    )
    named = next((c for c in root.children if c.dep_ in OBJECTS), root) if verb else root
    verbal = tokens[0].pos_ in ("VERB", "AUX")
    return PhraseSpan(text, doc_start, doc_end, keys, named.lemma_.lower(), anaphoric, verbal)


def _defining_words(root: Token, keys: tuple[str, ...]) -> tuple[str, ...]:
    """ "an amendment that would add a 2040 target": the clause says which amendment, so
    its nouns help find the issue (the shown phrase stays "amendment")."""
    found: list[str] = []
    for clause in (c for c in root.children if c.dep_ == "relcl"):
        found += [
            t.lemma_.lower()
            for t in clause.subtree
            if t.pos_ in ("NOUN", "NUM") and not t.is_stop and t.lemma_.lower() not in keys
        ]
    return tuple(dict.fromkeys(found))[:_KEY_MAX_TOKENS]


def time_span(root: Token) -> bool:
    """ "a long time", "years", but not "the target year"."""
    return root.lemma_ in words.SPANS and not any(c.dep_ == "compound" for c in root.children)


def past_event_noun(root: Token) -> Token:
    """ "the completion of the agreement" is about the agreement, "the idea of raising
    the budget" about raising it."""
    if root.lemma_.lower() not in words.EVENT_NOUNS:
        return root
    for prep in root.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), root)
    return root


def trimmed_subtree(root: Token, is_verb: bool) -> list[Token]:
    """A root's subtree without clauses, appositions and lists hanging off it."""
    kept = [root]
    for child in root.children:
        if child.dep_ in _CUT_DEPS or (is_verb and child.dep_ in _VERB_ONLY_DEPS):
            continue
        if names_a_version(child) or _sets_terms(child):  # "in its present form", "on condition"
            continue
        if is_verb and child.dep_ == "prep" and child.i < root.i:
            continue
        kept += trimmed_subtree(child, False)
    return kept


def _sets_terms(prep: Token) -> bool:
    """ "on condition that …": terms of the position, not what it is about."""
    return prep.lower_ == "on" and any(c.lemma_.lower() == "condition" for c in prep.children)


def names_a_version(prep: Token) -> bool:
    """ "in its present form", "in the current state"."""
    return prep.lower_ == "in" and any(
        c.dep_ == "pobj"
        and c.lower_ in words.VERSION_NOUNS
        and any(m.lower_ in words.VERSION_NOW for m in c.children)
        for c in prep.children
    )


def first_words(tokens: list[Token], limit: int) -> list[Token]:
    """At most `limit` words; punctuation inside ("long-disputed") does not count."""
    kept, count = [], 0
    for token in tokens:
        count += not token.is_punct
        if count > limit:
            break
        kept.append(token)
    return kept


def contiguous(tokens: list[Token], root: Token) -> list[Token]:
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


def pointed(root: Token) -> bool:
    """ "the deal", "its plan": a thing named before ("an amendment" is a new one)."""
    pointing = any(
        (c.dep_ == "det" and c.lower_ not in ("a", "an")) or c.dep_ == "poss" for c in root.children
    )
    return pointing and not any(
        c.dep_ in ("compound", "amod", "nummod") or c.pos_ == "PROPN" for c in root.children
    )


def normalised(tokens: list[Token], verb: Token | None) -> str:
    """The phrase as shown: a leading verb in its base form ("sending troops" → "send troops")."""
    parts = []
    for token in tokens:
        word = token.text
        if token is verb and token.tag_ in ("VBG", "VBD", "VBN", "VBZ"):
            word = token.lemma_
        parts.append(word + token.whitespace_)
    return "".join(parts).strip()


def antecedent_phrase(clause: Token, excluded: frozenset[int]) -> PhraseSpan | None:
    """The noun a relative clause or participle hangs off, without the clause itself."""
    noun = clause.head
    if noun.lemma_.lower() in words.LIGHT and noun.dep_ == "appos":
        noun = noun.head  # "a new goal of 5 percent, a figure Trump wanted": the goal
    inside = {t.i for t in noun.subtree} - {t.i for t in clause.subtree}
    return phrase([noun], inside, excluded)


def matter_at_hand(head: Token) -> PhraseSpan:
    """No proposition of its own: the claim is about what the document is about."""
    return PhraseSpan("", head.idx, head.idx + len(head.text), (), "", anaphoric=True)


def passive_subject(
    predicate: Token, inside: set[int], excluded: frozenset[int]
) -> PhraseSpan | None:
    """ "the charge was rejected by the chamber": the subject is what the agent rejected."""
    if not any(c.dep_ == "agent" for c in predicate.children):
        return None
    subject = next((c for c in predicate.children if c.dep_ == "nsubjpass"), None)
    if subject is None:
        subject = next((c for c in predicate.children if c.dep_ == "nsubj"), None)
    return None if subject is None else phrase([subject], inside, excluded)


def is_it(token: Token) -> bool:
    return token.lower_ in ("it", "this", "that")
