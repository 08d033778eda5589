"""Read a clause's stance, conditions, modality and negation.

The order of the checks is the definition: an explicit refusal to decide is
`undecided`; a negated refusal ("declining to rule it out") is `conditional`;
a refusal, or a negated commitment, is `opposes`; openness without commitment
is `conditional`; a commitment is `supports`, whatever terms are attached to it.
Condition phrases are cut out before the cues are read, so "provided the
government does not object" neither negates nor weakens the clause.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefs.models import Stance
from briefs.nlp import lexicon


@dataclass(frozen=True)
class StanceReading:
    """What a clause says about its holder's position."""

    stance: Stance | None  # None: a descriptive fact, kept as context
    conditions: tuple[str, ...]
    modality: str | None
    negated: bool


def read_stance(
    text: str, *, negations: int | None = None, verbatim: str | None = None
) -> StanceReading:
    """Classify one clause's text (its own words, frame cues appended).

    `verbatim` is the same text unmasked, where condition phrases are copied from.

    `negations` is the count the parse found on the clause's own verb chain; without a
    parse, negation words in the text (outside condition phrases) are counted instead.
    """
    source = verbatim if verbatim is not None else text
    conditions = tuple(_clean(m.group(0)) for m in lexicon.CONDITION_PHRASES.finditer(source))
    core = lexicon.CONDITION_PHRASES.sub(" ", text)
    if negations is None:
        negations = len(lexicon.NEGATION.findall(core))
    negated = negations % 2 == 1
    return StanceReading(_stance(core, negated), conditions, _modality(core), negated)


def _stance(core: str, negated: bool) -> Stance | None:
    if lexicon.WITHHELD_DETAILS.search(core):
        return None
    if lexicon.UNDECIDED.search(core):
        return "undecided"
    if lexicon.NEGATED_RELUCTANCE.search(core):
        return "supports"
    if lexicon.OPEN_NEGATED_REFUSAL.search(core):
        return "conditional"
    if lexicon.OPPOSES.search(core):
        return "supports" if negated and _negates_refusal(core) else "opposes"
    commits = lexicon.SUPPORTS.search(core) is not None
    if negated and (commits or lexicon.CONDITIONAL.search(core)):
        return "opposes"
    if lexicon.CONDITIONAL.search(core):
        return "conditional"
    return "supports" if commits else None


def _negates_refusal(core: str) -> bool:
    """ "did not reject" reverses a refusal; "will not accept" is itself one."""
    lowered = core.lower()
    return any(f"not {verb}" in lowered for verb in ("reject", "oppose", "refuse", "dismiss"))


def _modality(core: str) -> str | None:
    for word in core.lower().replace("’", "'").split():
        word = word.strip(',;:.!?"')
        if word in lexicon.MODALS:
            return word
        if word in lexicon.CONTRACTED_MODALS:
            return lexicon.CONTRACTED_MODALS[word]
    return None


def _clean(phrase: str) -> str:
    return " ".join(phrase.split()).strip(" ,;:—–-")
