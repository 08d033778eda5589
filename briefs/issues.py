"""Issues found in the corpus: propositions about one thing, grouped, with a label.

A document first joins a story (articles whose words overlap, by cosine over their
content words), so "the agreement" of a trade story and of a pay dispute stay apart.
Within its story, each open proposition joins the issue that shares its head noun
(deal, pact and accord are one) or two of its key words, or starts a new issue,
labelled with its most typical phrase. A proposition that only points back ("the
deal", "it", "voted no") joins the document's main issue. Catalog topics keep their
own propositions. Grouping is incremental: the book remembers every issue and story,
so new documents join existing ones.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from briefs.models import Analysis, Claim

STORY_MIN_SIMILARITY = 0.2  # cosine between a document's words and a story's
STORY_TERMS = 300  # words kept per story
DOCUMENT_TERMS = 60  # words of a document compared
ISSUE_SHARED_KEYS = 2  # key words two propositions share to be one issue without a head
LABEL_MAX_WORDS = 8

# Head nouns that name the same kind of thing in ordinary English.
_SAME_HEADS = {
    "deal": "agreement",
    "pact": "agreement",
    "accord": "agreement",
    "treaty": "agreement",
    "goal": "target",
    "objective": "target",
    "aim": "target",
    "cut": "reduction",
    "scheme": "plan",
    "proposal": "plan",
    "bill": "law",
    "legislation": "law",
    "levy": "tax",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}|\d{2,}")
_STOP = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "also",
        "among",
        "another",
        "around",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "could",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "either",
        "even",
        "every",
        "from",
        "further",
        "have",
        "having",
        "here",
        "however",
        "into",
        "itself",
        "just",
        "more",
        "most",
        "much",
        "must",
        "near",
        "never",
        "other",
        "ought",
        "over",
        "same",
        "says",
        "said",
        "several",
        "should",
        "since",
        "some",
        "such",
        "than",
        "that",
        "their",
        "theirs",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "though",
        "through",
        "under",
        "until",
        "upon",
        "very",
        "were",
        "what",
        "when",
        "where",
        "whether",
        "which",
        "while",
        "will",
        "with",
        "within",
        "without",
        "would",
        "your",
        "year",
        "years",
        "percent",
        "week",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "told",
        "according",
        "statement",
    ]
)


@dataclass
class Issue:
    """Propositions about one thing: their label, head, key words and phrases."""

    label: str
    story: int
    head: str
    keys: Counter[str] = field(default_factory=Counter)
    phrases: Counter[str] = field(default_factory=Counter)
    claims: int = 0


@dataclass
class Story:
    """Documents about one news story: their most frequent words."""

    id: int
    terms: Counter[str] = field(default_factory=Counter)
    documents: int = 0


@dataclass
class IssueBook:
    """Every story and issue found so far; `assign` files a new document's claims."""

    stories: list[Story] = field(default_factory=list)
    issues: dict[str, Issue] = field(default_factory=dict)  # by label
    changed: set[str] = field(default_factory=set)  # labels to write back
    changed_stories: set[int] = field(default_factory=set)

    def assign(self, analysis: Analysis) -> Analysis:
        """The analysis with each open claim's proposition set to its issue's label."""
        open_claims = [c for c in analysis.claims if c.phrase is not None]
        if not open_claims:
            return analysis
        story = self._story_for(analysis)
        known = set(self.issues)
        labels: dict[int, str] = {}
        for index, claim in enumerate(analysis.claims):
            if claim.phrase is not None and not claim.anaphoric and claim.key_words:
                labels[index] = self._issue_for(claim, story).label
        labels = self._relabel_new(labels, analysis.claims, known)
        main = _most_common(labels.values())
        relabelled = []
        for index, claim in enumerate(analysis.claims):
            label = labels.get(index)
            if claim.phrase is not None and label is None:
                # "the deal": the story's issue with that head; "voted no": what this
                # document, else its story, is mostly about
                label = self._headed(claim, story) or main
                if label is None and claim.phrase_head and claim.key_words:
                    label = self._issue_for(claim, story).label  # "the charge": its own
                label = label or self._busiest(story) or self._issue_for(claim, story).label
            if label is not None:
                self.issues[label].claims += 1
                self.changed.add(label)
                claim = claim.model_copy(update={"proposition": label})
            relabelled.append(claim)
        return analysis.model_copy(update={"claims": tuple(relabelled)})

    # --- stories ---------------------------------------------------------------------

    def _story_for(self, analysis: Analysis) -> Story:
        terms = document_terms(analysis)
        best, similarity = None, 0.0
        for story in self.stories:
            score = _cosine(terms, story.terms)
            if score > similarity:
                best, similarity = story, score
        if best is None or similarity < STORY_MIN_SIMILARITY:
            best = Story(id=len(self.stories) + 1)
            self.stories.append(best)
        best.terms.update(terms)
        best.terms = Counter(dict(best.terms.most_common(STORY_TERMS)))
        best.documents += 1
        self.changed_stories.add(best.id)
        return best

    # --- issues ----------------------------------------------------------------------

    def _issue_for(self, claim: Claim, story: Story) -> Issue:
        head = same_head(claim.phrase_head or (claim.key_words[-1] if claim.key_words else ""))
        keys = {same_head(k) for k in claim.key_words}
        best, best_score = None, 0
        for issue in self.issues.values():
            if issue.story != story.id:
                continue
            common = keys & set(issue.keys)
            shared = len(common)
            same = issue.head == head
            # a shared name ("Mercosur") is as telling as two shared words
            named = any(_named_in(k, claim.phrase or "") for k in common)
            score = shared + (2 if same else 0) + (1 if named else 0)
            if (same or named or shared >= ISSUE_SHARED_KEYS) and score > best_score:
                best, best_score = issue, score
        if best is None:
            label = self._free_label(_label(claim.phrase or claim.proposition))
            best = Issue(label=label, story=story.id, head=head)
            self.issues[label] = best
        best.keys.update(keys)
        best.phrases[_label(claim.phrase or claim.proposition)] += 1
        return best

    def _headed(self, claim: Claim, story: Story) -> str | None:
        if not claim.phrase_head:
            return None
        head = same_head(claim.phrase_head)
        issues = [i for i in self.issues.values() if i.story == story.id and i.head == head]
        return max(issues, key=lambda i: i.claims).label if issues else None

    def _busiest(self, story: Story) -> str | None:
        issues = [i for i in self.issues.values() if i.story == story.id]
        return max(issues, key=lambda i: i.claims).label if issues else None

    def _relabel_new(
        self, labels: dict[int, str], claims: Sequence[Claim], known: set[str]
    ) -> dict[int, str]:
        """Name each issue this document started by its most typical phrase: the most
        frequent, a thing before an action ("the 5% target" before "reach the target")."""
        renamed: dict[str, str] = {}
        for label in set(labels.values()) - known:
            members = [claims[i] for i, lab in labels.items() if lab == label]
            counts = Counter(_label(c.phrase or c.proposition) for c in members)
            verbal = {_label(c.phrase or c.proposition): c.verbal for c in members}
            best = max(counts, key=lambda p: (not verbal[p], counts[p], -len(p.split())))
            if best != label:
                issue = self.issues.pop(label)
                issue.label = self._free_label(best)
                self.issues[issue.label] = issue
                renamed[label] = issue.label
        return {i: renamed.get(lab, lab) for i, lab in labels.items()}

    def _free_label(self, label: str) -> str:
        candidate, number = label, 2
        while candidate in self.issues:
            candidate, number = f"{label} ({number})", number + 1
        return candidate

    # --- questions -------------------------------------------------------------------

    def matching(self, text: str) -> list[Issue]:
        """The issues a user's free text names: by label and key words.

        Those sharing the most of the text's words, all of them when several tie, and the
        issues of their story sharing two words: a story's issues often split one subject
        ("the 2040 target", "the climate goal"), and a user asking about it wants them all.
        """
        wanted = {same_head(w) for w in query_words(text)}
        if not wanted:
            return []
        scored: list[tuple[int, Issue]] = []
        for issue in self.issues.values():
            words = set(issue.keys) | {same_head(w) for w in query_words(issue.label)}
            shared = wanted & words
            if shared and (len(shared) >= min(2, len(wanted)) or issue.head in wanted):
                scored.append((len(shared), issue))
        best = max((count for count, _ in scored), default=0)
        stories = {issue.story for count, issue in scored if count == best}
        found = [
            issue
            for count, issue in scored
            if count == best or (count >= 2 and issue.story in stories)
        ]
        return sorted(found, key=lambda i: (i.head not in wanted, -i.claims))

    def most_active(self, limit: int = 5) -> list[Issue]:
        return sorted(self.issues.values(), key=lambda i: -i.claims)[:limit]


def same_head(word: str) -> str:
    """One name for heads that mean the same: deal, pact and accord are an agreement."""
    lowered = word.lower()
    return _SAME_HEADS.get(lowered, lowered)


def query_words(text: str) -> list[str]:
    """A user's words as issue keys: lower-cased, plurals singular, stop words out."""
    words = []
    text = re.sub(r"(\d)\s*%", r"\1 percent", text)  # "5%" is read as "5 percent"
    for word in re.findall(r"[A-Za-z0-9%][A-Za-z0-9%'-]*", text.lower()):
        if word in _QUERY_STOP or word in ("the", "a", "an", "of", "on", "to", "for", "and", "in"):
            continue
        words.append(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return words


# Words too common to tell stories apart, yet telling in a question: "the 5% target".
_QUERY_STOP = _STOP - {"percent", "year", "years", "week"}


def document_terms(analysis: Analysis) -> Counter[str]:
    """A document's most frequent content words, title counted twice."""
    counts: Counter[str] = Counter()
    text = " ".join([analysis.document.title] * 2 + [s.text for s in analysis.sentences])
    for word in _WORD.findall(text):
        lowered = word.lower()
        if lowered not in _STOP:
            counts[lowered] += 1
    return Counter(dict(counts.most_common(DOCUMENT_TERMS)))


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _named_in(key: str, phrase: str) -> bool:
    """Whether a key word stands in the phrase as a name: "Mercosur", not "trade"."""
    return any(w.lower() == key and w[:1].isupper() for w in re.findall(r"[\w-]+", phrase))


def _label(phrase: str) -> str:
    words = phrase.split()[:LABEL_MAX_WORDS]
    while len(words) > 1 and words[-1].lower() in _LOOSE_LAST_WORDS:
        words = words[:-1]  # "raise outlays to 5 percent of" ends on a word that leads on
    label = " ".join(words)
    return label[:1].lower() + label[1:] if label[:2].istitle() and not _is_name(words) else label


_LOOSE_LAST_WORDS = frozenset(
    {"of", "to", "the", "a", "an", "for", "in", "on", "and", "or", "its", "their", "by", "with"}
)


def _is_name(words: list[str]) -> bool:
    return len(words) > 1 and words[1][:1].isupper()


def _most_common(labels: Iterable[str]) -> str | None:
    counts = Counter(labels)
    return counts.most_common(1)[0][0] if counts else None
