"""Self-evaluation against a gold file: recall, stance accuracy, exactness, precision, misses.

A gold entry is found when one of its evidence sentences is cited in that actor's
brief (the cited span covers at least `COVERAGE` of the gold sentence). Its stance
is read from the point that cites it, preferring a point on the entry's issue.
Exactness checks every quote of every brief against the original files.
Precision looks the other way, from the briefs to the gold: a quote is gold when it
covers (as above) an evidence sentence of any gold entry of the brief's own actor;
evidence precision is the share of quotes that are gold, point precision the share
of points citing at least one gold quote. Both count every point of every brief of
a gold actor, so a point the gold does not know of lowers them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter

from briefs.models import Brief, Evidence, Frozen, Point, Stance

COVERAGE = 0.8

# Gold issues and stances, in the engine's vocabulary.
ISSUE_TOPICS = {
    "troops_to_ukraine": "troops",
    "security_guarantees": "security-guarantees",
    "logistics_role": "logistics",
    "ceasefire_monitoring": "ceasefire-monitoring",
    "paris_declaration": "paris-declaration",
    "black_sea_security": "black-sea",
    "eastern_flank": "eastern-flank",
    "coalition_participation": "coalition",
}
GOLD_STANCES: dict[str, Stance] = {
    "will_send": "supports",
    "will_not_send": "opposes",
    "supports": "supports",
    "opposes": "opposes",
    "conditional": "conditional",
    "undecided": "undecided",
}


class GoldEvidence(BaseModel):
    model_config = ConfigDict(extra="ignore")
    file: str
    quote: str


class GoldEntry(BaseModel):
    """One position the gold file says the articles state."""

    model_config = ConfigDict(extra="ignore")
    actor: str
    issue: str
    stance: str
    evidence: list[GoldEvidence]


class Miss(Frozen):
    actor: str
    issue: str
    stance: str
    reason: str
    quote: str


class EvalReport(Frozen):
    """The five figures and the misses."""

    entries: int
    found: int
    stance_correct: int
    quotes: int  # every quote of every point of the gold actors' briefs
    verbatim: int
    gold_quotes: int  # those quotes that are gold evidence for their brief's actor
    points: int  # every point of the gold actors' briefs
    gold_points: int  # those points citing at least one gold quote
    misses: tuple[Miss, ...] = ()
    wrong_stances: tuple[Miss, ...] = ()

    @property
    def recall(self) -> float:
        return self.found / self.entries if self.entries else 0.0

    @property
    def stance_accuracy(self) -> float:
        return self.stance_correct / self.found if self.found else 0.0

    @property
    def exactness(self) -> float:
        return self.verbatim / self.quotes if self.quotes else 1.0

    @property
    def evidence_precision(self) -> float:
        """Share of cited quotes that are gold evidence for the brief's actor."""
        return self.gold_quotes / self.quotes if self.quotes else 0.0

    @property
    def point_precision(self) -> float:
        """Share of points citing at least one gold quote for the brief's actor."""
        return self.gold_points / self.points if self.points else 0.0


def load_gold(path: Path) -> list[GoldEntry]:
    """Parse a gold file (a JSON list of entries)."""
    return TypeAdapter(list[GoldEntry]).validate_json(path.read_bytes())


def score(
    gold: Sequence[GoldEntry],
    briefs: Mapping[str, Brief | None],
    files: Mapping[str, str],
    issue_propositions: Mapping[str, str],
) -> EvalReport:
    """Score briefs (keyed by gold actor name; None = unknown actor) against gold."""
    found = correct = 0
    misses: list[Miss] = []
    wrong: list[Miss] = []
    for entry in gold:
        brief = briefs.get(entry.actor)
        points = _citing_points(entry, brief, files) if brief is not None else []
        if not points:
            reason = "unknown actor" if brief is None else "evidence not cited"
            misses.append(_miss(entry, reason))
            continue
        found += 1
        predicted = _predicted_stance(points, issue_propositions.get(entry.issue))
        if predicted == GOLD_STANCES.get(entry.stance):
            correct += 1
        else:
            wrong.append(_miss(entry, f"stance {predicted}"))
    quotes, verbatim = _exactness([b for b in briefs.values() if b is not None], files)
    cited_points, gold_points, gold_quotes = _precision(gold, briefs, files)
    return EvalReport(
        entries=len(gold),
        found=found,
        stance_correct=correct,
        quotes=quotes,
        verbatim=verbatim,
        gold_quotes=gold_quotes,
        points=cited_points,
        gold_points=gold_points,
        misses=tuple(misses),
        wrong_stances=tuple(wrong),
    )


def _citing_points(entry: GoldEntry, brief: Brief, files: Mapping[str, str]) -> list[Point]:
    """Points citing the entry's evidence, in the order of the evidence."""
    found: list[Point] = []
    for file, span in _gold_spans(entry, files):
        found += [p for p in brief.points if any(_covers(e, file, span) for e in p.evidence)]
    return found


def _gold_spans(entry: GoldEntry, files: Mapping[str, str]) -> list[tuple[str, tuple[int, int]]]:
    """The entry's evidence sentences located in their files (those not found are left out)."""
    spans: list[tuple[str, tuple[int, int]]] = []
    for evidence in entry.evidence:
        start = files.get(evidence.file, "").find(evidence.quote)
        if start >= 0:
            spans.append((evidence.file, (start, start + len(evidence.quote))))
    return spans


def _precision(
    gold: Sequence[GoldEntry], briefs: Mapping[str, Brief | None], files: Mapping[str, str]
) -> tuple[int, int, int]:
    """(points, points citing gold, gold quotes) over the briefs, each against its own actor."""
    spans: dict[str, list[tuple[str, tuple[int, int]]]] = {}
    for entry in gold:
        spans.setdefault(entry.actor, []).extend(_gold_spans(entry, files))
    points = gold_points = gold_quotes = 0
    for actor, brief in briefs.items():
        if brief is None:
            continue
        actor_spans = spans.get(actor, [])
        for point in brief.points:
            hits = sum(
                any(_covers(e, file, span) for file, span in actor_spans) for e in point.evidence
            )
            points += 1
            gold_points += hits > 0
            gold_quotes += hits
    return points, gold_points, gold_quotes


def _covers(evidence: Evidence, file: str, span: tuple[int, int]) -> bool:
    if evidence.document != file:
        return False
    overlap = min(evidence.end, span[1]) - max(evidence.start, span[0])
    return overlap >= COVERAGE * (span[1] - span[0])


def _predicted_stance(points: Sequence[Point], proposition: str | None) -> Stance:
    on_issue = [p for p in points if p.proposition == proposition]
    return (on_issue or list(points))[0].stance


def _exactness(briefs: Sequence[Brief], files: Mapping[str, str]) -> tuple[int, int]:
    quotes = verbatim = 0
    for brief in briefs:
        for point in brief.points:
            for evidence in point.evidence:
                quotes += 1
                text = files.get(evidence.document, "")
                verbatim += text[evidence.start : evidence.end] == evidence.quote
    return quotes, verbatim


def _miss(entry: GoldEntry, reason: str) -> Miss:
    quote = entry.evidence[0].quote if entry.evidence else ""
    return Miss(
        actor=entry.actor, issue=entry.issue, stance=entry.stance, reason=reason, quote=quote
    )
