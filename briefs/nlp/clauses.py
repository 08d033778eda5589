"""Reading a clause off spaCy's parse: heads, subjects, regions, conditions, negation.

Pure functions over tokens, used by `briefs.nlp.claims`. A clause is a verb with a
subject of its own (or sharing one by coordination); its region is its subtree minus
the clauses nested in it that stand alone, while subordinate ones ("when it comes to
logistics") stay part of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Token

from briefs.nlp import lexicon
from briefs.nlp.mentions import TokenMention
from briefs.nlp.people import ACTOR_KINDS
from briefs.nlp.stance_words import STANCE_NOUNS, WINNING_VERBS
from briefs.topics import Topic

# Nouns for a set of countries: "26 of Kyiv's partners", "those countries", "the group".
GROUP_NOUNS = frozenset(
    {
        "country",
        "partner",
        "member",
        "nation",
        "state",
        "ally",
        "government",
        "group",
        "grouping",
        "coalition",
        "alliance",
        "bloc",
    }
)


SUBJECTS = ("nsubj", "nsubjpass", "csubj")


CLAUSE_LINKS = ("ccomp", "xcomp")


VERB_CHAIN = ("xcomp", "acomp", "aux", "auxpass", "prt")


CONDITION_WORDS = frozenset({"if", "unless", "provided", "providing", "once", "condition"})


QUESTION_VERBS = frozenset({"ask", "wonder", "question", "debate"})


DEONTIC = frozenset({"must", "should", "essential", "indispensable", "mandatory"})


# Subordinate clauses describe their clause ("when it comes to logistics"); they stay in it.
SUBORDINATE = frozenset({"advcl", "relcl", "acl", "pcomp"})


def clause_heads(span: Iterable[Token]) -> list[Token]:
    """Verbs with a subject of their own, and reporting verbs sharing one ("and have said")."""
    heads = []
    for token in span:
        if token.pos_ not in ("VERB", "AUX") and not _verb_by_its_arguments(token):
            continue
        own = any(c.dep_ in (*SUBJECTS, "expl") for c in token.children)
        own = own or _interrupted_subject(token) is not None
        reporting = token.lemma_ in lexicon.REPORTING_VERBS
        # "would keep its troops out but could make its bases available": two clauses, one subject
        shared = token.dep_ == "conj" and token.head in heads
        if own and token.dep_ in ("aux", "auxpass") and token.head.pos_ == "VERB":
            token = token.head  # "the UK was prepared": the subject hung on the auxiliary
        if (own or shared or (reporting and subject_of(token) is not None)) and token not in heads:
            heads.append(token)
    return heads


def _verb_by_its_arguments(token: Token) -> bool:
    """ "We back this deal" tagged as an adverb: a word with a subject and an object is a verb."""
    deps = {c.dep_ for c in token.children}
    return "nsubj" in deps and "dobj" in deps


def subject_of(head: Token) -> Token | None:
    own = next((c for c in head.children if c.dep_ in SUBJECTS and c.i < head.i), None)
    if head.lemma_ in lexicon.REPORTING_VERBS and own is None:
        # inverted "…, said Tusk, …": the name after the verb speaks, however it is parsed;
        # not in "she accused the Commission", whose subject comes first
        after = [
            c for c in head.rights if c.pos_ == "PROPN" and c.i - head.i <= 3 and c.dep_ != "dobj"
        ]
        if after:
            return after[0]
    for child in head.children:
        if child.dep_ in SUBJECTS:
            return child
    for auxiliary in head.children:
        if auxiliary.dep_ in ("aux", "auxpass"):
            found = next((c for c in auxiliary.children if c.dep_ in SUBJECTS), None)
            if found is not None:
                return found
    if any(c.dep_ == "expl" for c in head.children):
        return next((c for c in head.children if c.dep_ == "attr"), None)
    if head.dep_ == "conj" and head.head is not head:
        return subject_of(head.head)
    return _interrupted_subject(head) or _speaker_before(head)


def _interrupted_subject(head: Token) -> Token | None:
    """ "Estonia, he pledged, will raise …": a subject cut off by a reporting aside."""
    aside = next((c for c in head.lefts if c.dep_ == "parataxis"), None)
    if aside is None:
        return None
    # the parse hangs the cut-off subject on the verb or on the aside before it
    before = [c for c in (*head.lefts, *aside.lefts) if c.i < aside.left_edge.i or c.i < aside.i]
    first = next((c for c in before if c.dep_ in ("npadvmod", "dep", "nmod")), None)
    if first is not None and first.pos_ in ("PROPN", "NOUN") and first.i == head.left_edge.i:
        return first
    return None


def _speaker_before(head: Token) -> Token | None:
    """ "…, Donald Tusk, the Polish prime minister, said": a speaker the parse set elsewhere."""
    if head.lemma_ not in lexicon.REPORTING_VERBS or head.i == 0:
        return None
    token = head.doc[head.i - 1]
    if not token.is_punct:
        return None
    token = head.doc[token.i - 1] if token.i > 0 else token
    if token.dep_ == "appos" and token.head.ent_type_ in ("PERSON", "ORG"):
        token = token.head
    if token.ent_type_ in ("PERSON", "ORG") and token.pos_ == "PROPN":
        return token
    return None


RELATIVE_PRONOUNS = frozenset({"who", "which", "that"})


def antecedent(pronoun: Token) -> Token | None:
    """What "who" stands for in "Trump, the American president, who has demanded …"."""
    if pronoun.lower_ not in RELATIVE_PRONOUNS or pronoun.head.dep_ != "relcl":
        return None
    noun = pronoun.head.head
    while noun.dep_ == "appos" and noun.head is not noun:
        noun = noun.head
    return noun


def asserted_passive(head: Token) -> bool:
    """ "was rejected by the council" states what the council did; "to get the deal approved
    by the council" is someone else's aim."""
    return head.dep_ == "conj" or any(c.dep_ == "auxpass" for c in head.children)


def agent_of(head: Token) -> Token | None:
    """The agent of a passive verb: "rejected by the Chamber of Commerce"."""
    for child in head.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def asserts(head: Token) -> bool:
    """Whether a clause asserts something: not a condition, question, infinitive or relative."""
    if is_condition(head):
        return False
    if head.dep_ == "conj" and head.head.dep_ in SUBORDINATE:
        # "firms that had found it hard and had not wanted to pay": the second verb of a
        # relative (or conditional) clause is as subordinate as the first
        return asserts(head.head)
    if head.dep_ in SUBORDINATE and not (
        states_a_fact(head) or _says_of_its_noun(head) or _contrasts(head)
    ):
        return False
    if any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children):
        return False
    marks = {c.lower_ for c in head.children if c.dep_ == "mark"}
    asked = head.head.lemma_ in QUESTION_VERBS
    return "whether" not in marks and not (asked and "if" in marks)


def _contrasts(head: Token) -> bool:
    """ "…, while Belgium abstained", "after the council agreed to extend it": a clause of
    fact beside another, asserted like it (unlike "if", "unless", "whether")."""
    return head.dep_ == "advcl" and any(
        c.dep_ == "mark" and c.lower_ in _FACT_MARKS for c in head.children
    )


_FACT_MARKS = frozenset({"while", "whereas", "whilst", "after", "when"})


def _says_of_its_noun(head: Token) -> bool:
    """ "Trump, who has demanded …": a relative clause that states what its noun did."""
    if head.dep_ != "relcl":
        return False
    subject = next((c for c in head.children if c.dep_ in SUBJECTS), None)
    if subject is not None and subject.lower_ == "who":
        return True
    noun = antecedent(subject) if subject is not None else None
    if noun is not None and noun.ent_type_ in ("ORG", "GPE", "NORP", "PERSON"):
        return True  # "the Nurses Union, which has demanded …"
    # "the rise that Trump had demanded": the noun is what the subject did something to
    gap = any(c.dep_ == "dobj" and c.lower_ in ("that", "which") for c in head.children)
    return gap and subject is not None and subject.pos_ in ("PROPN", "NOUN")


def is_location(token: Token, chain: set[int], index: dict[int, TokenMention]) -> bool:
    """A country named as where the clause's verb happens: "deployed on Polish territory"."""
    if token.i not in index or index[token.i].kind not in ACTOR_KINDS:
        return False
    if token.dep_ == "amod" and token.head.lemma_.lower() in ("territory", "soil", "ground"):
        token = token.head
    elif token.dep_ != "pobj":
        return False
    prep = token.head
    return prep.lower_ in ("in", "on", "to", "into", "within") and prep.head.i in chain


def states_a_fact(head: Token) -> bool:
    """ "the fact that Poland will not send troops", "sources that Ankara would take part":
    a noun's that-clause with its own subject reports something, unlike a relative clause
    (whose "that" is itself the subject or object)."""
    marked = any(c.dep_ == "mark" and c.lower_ == "that" for c in head.children)
    return head.dep_ == "acl" and marked


def impersonal(head: Token) -> bool:
    """A subject naming no third party ("the decision", "guarantees", none) means the speaker."""
    subject = subject_of(head)
    if subject is None:
        return True
    if subject.dep_ == "csubj":
        return False  # "sending soldiers would force Canada to …" is an analysis, not a position
    noun = subject.lemma_.lower()
    if noun in lexicon.SPEAKER_NOUNS or noun in lexicon.OWN_PEOPLE_NOT_STATE or noun in _PEOPLE:
        return False  # "he said all four group leaders had promised …": theirs, not his
    return noun not in GROUP_NOUNS and subject.ent_type_ not in ("PERSON", "NORP", "GPE", "ORG")


# People the speaker is talking about, not speaking as.
_PEOPLE = frozenset(
    {
        *("leader", "official", "politician", "lawmaker", "legislator", "mep", "mp"),
        *("delegate", "diplomat", "negotiator", "critic", "supporter", "opponent"),
        *("campaigner", "activist", "colleague", "counterpart", "rival"),
    }
)


def is_condition(head: Token) -> bool:
    """A clause under "if", "provided", "on condition that" states terms, not a position."""
    before = head.left_edge.i - 1
    if before >= 0 and head.doc[before].lower_ in CONDITION_WORDS:
        return True
    token = head
    for _ in range(3):
        if any(c.dep_ == "mark" and c.lower_ in CONDITION_WORDS for c in token.children):
            return True
        if token.head is token:
            return False
        token = token.head
        if token.lower_ in CONDITION_WORDS:
            return True
    return False


def coordinated(token: Token) -> Iterator[Token]:
    """A subject and what is coordinated or set beside it: "Poland, Germany and Italy"."""
    yield token
    for child in token.children:
        if child.dep_ in ("conj", "appos"):
            yield from coordinated(child)
        elif child.dep_ == "prep" and _introduces_members(child):
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    yield from coordinated(_of_those(pobj))


def _introduces_members(prep: Token) -> bool:
    """ "among them", "including Poland", "such as Italy"."""
    such = any(c.lower_ == "such" for c in prep.children) or prep.nbor(-1).lower_ == "such"
    return prep.lower_ in ("among", "including") or (prep.lower_ == "as" and such)


def _of_those(token: Token) -> Token:
    """ "those of Italy and Poland": Italy and Poland."""
    if token.lower_ not in ("those", "that"):
        return token
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return pobj if pobj is not None else token


def subject_phrase(token: Token) -> list[Token]:
    """The subject phrase without relative clauses or trailing prepositions."""
    return [
        t
        for t in token.subtree
        if t.dep_ not in ("relcl", "acl") and t.head.dep_ not in ("relcl", "acl")
    ]


def subject_phrase_text(token: Token) -> str:
    return "".join(t.text_with_ws for t in subject_phrase(token)).strip(" ,")


def title_words(token: Token) -> list[str]:
    return [t.lower_ for t in subject_phrase(token) if t.lower_ in lexicon.SPEAKER_NOUNS]


def according_to(span: Iterable[Token]) -> list[Token]:
    found = []
    for token in span:
        if token.lower_ == "according":
            for prep in token.children:
                found += [c for c in prep.children if c.dep_ == "pobj"]
    return found


def clause_region(head: Token, heads: list[Token]) -> list[Token]:
    """The clause's own words: its subtree minus nested clauses that stand alone."""
    nested = [
        h
        for h in heads
        if h is not head and h in head.subtree and not is_condition(h) and h.dep_ not in SUBORDINATE
    ]
    excluded = {t.i for h in nested for t in h.subtree}
    for cue in head.subtree:
        if cue.lower_ == "according":
            excluded |= {t.i for t in cue.subtree}
    subject = subject_of(head)
    if head.lemma_ in lexicon.REPORTING_VERBS and subject is not None:
        excluded |= {t.i for t in subject.subtree}
    return [t for t in head.subtree if t.i not in excluded]


def frame_extra(frame: Token | None, heads: list[Token]) -> str:
    """Cues said about the content by its frame: "said, declining to rule it out"."""
    if frame is None:
        return ""
    subject = subject_of(frame)
    skip = {t.i for t in subject.subtree} if subject is not None else set()
    skip |= {t.i for h in heads if h is not frame and h in frame.subtree for t in h.subtree}
    skip.add(frame.i)
    return " ".join(t.text for t in frame.subtree if t.i not in skip and t.dep_ != "punct")


def masked_tokens_text(tokens: list[Token], index: dict[int, TokenMention]) -> str:
    """The clause's words with actor names blanked, so "the Willing" reads as no willingness."""
    return "".join(
        ("X" + t.whitespace_) if t.i in index else t.text_with_ws
        for t in sorted(tokens, key=lambda t: t.i)
    )


def tokens_text(tokens: list[Token]) -> str:
    return "".join(t.text_with_ws for t in sorted(tokens, key=lambda t: t.i))


def is_deontic(region: list[Token]) -> bool:
    """ "must", "should", "has to", "would have to", "needs to": what someone ought to do."""
    words = {t.lower_ for t in region}
    obliged = any(
        t.lemma_ in ("have", "need")
        and any(c.dep_ == "xcomp" and _infinitive(c) for c in t.children)
        for t in region
    )
    return bool(words & DEONTIC) or obliged


def _infinitive(verb: Token) -> bool:
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def verb_chain(head: Token) -> list[Token]:
    """The clause head with its auxiliaries and complements: "is not prepared to deploy"."""
    chain = [head]
    for child in head.children:
        if child.dep_ in VERB_CHAIN:
            chain += verb_chain(child)
    return chain


def topic_token(topic: Topic | None, region: list[Token]) -> Token | None:
    """The first word of the clause that names its topic ("troops" in "will not send troops")."""
    if topic is None:
        return None
    return next((t for t in region if topic.pattern.match(t.text)), None)


def negation_count(head: Token, anchor: Token | None = None) -> int:
    """Negations on the way from the topic word up to the clause head, on the head's verb
    chain, and on the clauses it completes ("does not mean it is not …")."""
    scope = {t.i: t for t in verb_chain(head)}
    token = anchor
    while token is not None and token.i != head.i and token.head is not token:
        if not is_condition(token):
            scope[token.i] = token
        token = token.head
    negative = {
        child.i
        for token in scope.values()
        for child in token.children
        if child.dep_ == "neg"
        or child.lower_ == "never"
        or (child.dep_ in (*SUBJECTS, "dobj", "attr") and is_negative_noun(child))
    }
    if anchor is not None and is_negative_noun(anchor):
        negative.add(anchor.i)  # "financial support but no troops": the topic word refused
    count = len(negative)
    while head.dep_ in CLAUSE_LINKS and head.head is not head:
        head = head.head
        count += sum(1 for c in head.children if c.dep_ == "neg")
    return count


def is_negative_noun(noun: Token) -> bool:
    """ "no Polish troops", "none of its partners"."""
    if noun.lower_ in ("none", "nobody", "nothing", "neither"):
        return True
    return any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in noun.children)


def reduced_passives(span: Iterable[Token]) -> Iterator[tuple[Token, Token]]:
    """Participles with their agent: "a new goal proposed by Rutte", "pushed by Italy"."""
    for verb in span:
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and not _wanted_done(verb):
            agent = agent_of(verb)
            if agent is not None:
                yield verb, agent


def _wanted_done(participle: Token) -> bool:
    """ "to get the agreement approved by the Council": someone's aim, not the agent's act."""
    noun = participle.head
    return noun.dep_ == "dobj" and noun.head.lemma_ in ("get", "have", "want", "see", "need")


def won_stances(span: Iterable[Token]) -> Iterator[tuple[Token, Token]]:
    """ "won the support of the Socialists and the Greens": the verb and who gave it."""
    for verb in span:
        if verb.lemma_.lower() not in WINNING_VERBS:
            continue
        for noun in verb.children:
            if noun.dep_ != "dobj" or noun.lemma_.lower() not in STANCE_NOUNS:
                continue
            for prep in (*noun.children, *verb.children):
                if prep.dep_ == "prep" and prep.lower_ in ("of", "from"):
                    for giver in (p for p in prep.children if p.dep_ == "pobj"):
                        yield verb, giver
                        # "of the Riverton Cyclists, the Harbour Traders group and …"
                        yield from ((verb, c) for c in giver.children if c.dep_ == "appos")
            # "won the support of A, the B group and C": a verb has one object, so a second
            # one after "support" is the list of givers going on, cut off by the parser
            yield from ((verb, c) for c in verb.children if c.dep_ == "dobj" and c.i > noun.i + 2)


def nominal_stances(span: Iterable[Token]) -> Iterator[tuple[Token, Token]]:
    """Stance nouns with their agent: "the commitment by France", "Moscow's opposition"."""
    for noun in span:
        if noun.lemma_.lower() not in lexicon.STANCE_NOUNS:
            continue
        for child in noun.children:
            if child.dep_ == "poss" and child.pos_ != "PRON":
                yield noun, child
            elif child.dep_ == "prep" and child.lower_ == "by":
                yield from ((noun, p) for p in child.children if p.dep_ == "pobj")
