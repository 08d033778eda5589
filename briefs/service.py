"""BriefingService: the one object every surface (CLI, chat, digests) talks to.

It joins the store, the catalogs and the analyzer. The analyzer (and its spaCy
model) is built only when a document actually needs analysing, so answering a
question never pays for loading the NLP pipeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from briefs.brief import build_brief
from briefs.catalog import Catalog
from briefs.digest import build_digest
from briefs.documents import DEFAULT_MAX_BYTES
from briefs.errors import SkippedFile, UnknownSpeakerError, UnknownTopicError
from briefs.files import iter_input_files, read_document
from briefs.isolation import failure_reason
from briefs.issues import IssueBook
from briefs.matrix import build_matrix
from briefs.models import (
    Actor,
    ActorRef,
    ActorSummary,
    Analysis,
    Brief,
    BriefRequest,
    Digest,
    DigestRequest,
    Document,
    Frozen,
    IssueSummary,
    SpeakerRef,
    StanceMatrix,
    as_utc,
)
from briefs.parallel import analyse_with_workers
from briefs.quotes import QuoteList, QuotesRequest, about_words, is_about
from briefs.store import Store
from briefs.store.issues import IssueStore
from briefs.store.quotes import QuoteStore
from briefs.topics import TopicCatalog

if TYPE_CHECKING:  # the analyzer imports spaCy: only ingest pays for it
    from briefs.analyzer import Analyzer

SUGGESTED_ISSUES = 5  # "did you mean" issues for a text that names none
SUGGESTED_SPEAKERS = 3  # "did you mean" speakers for a name nobody quoted has
SPEAKER_MATCH_MIN = 60  # rapidfuzz WRatio below this is no suggestion
KEY_PHRASES = 4  # phrases shown beside an issue's label
SAVE_BATCH = 32  # analyses written per transaction during ingest
# An ingest of this many documents refreshes the planner's statistics afterwards.
BULK_LOAD_DOCUMENTS = 200
# A matrix row shows an actor's latest stance; its newest claims are all it needs.
MATRIX_CLAIMS_PER_ACTOR = 12
# The stance before a digest's window is the latest of these newest earlier claims.
DIGEST_CLAIMS_BEFORE_PER_PAIR = 3


class IngestReport(Frozen):
    """What one ingest run did."""

    ingested: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (path, reason)
    failed: tuple[tuple[str, str], ...] = ()  # (document id, reason): analysis failed
    words: int = 0

    @property
    def summary(self) -> str:
        return (
            f"{len(self.ingested)} ingested, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped"
        )

    @property
    def read_nothing(self) -> bool:
        """True when not a single file could be read (the command then fails)."""
        return not self.ingested and not self.unchanged


class BriefingService:
    """Use cases over the store: ingest, brief, stance matrix, digest, actor list.

    `clock` tells the time ingest stamps documents with when no `now` is given; the
    engine reads no clock of its own, so the composition root passes one. `workers`
    processes share the analysis of a big ingest.
    """

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        topics: TopicCatalog,
        analyzer_factory: Callable[[], Analyzer],
        *,
        clock: Callable[[], dt.datetime],
        workers: int = 1,
    ) -> None:
        self.store = store
        self.workers = workers  # processes analysing a big ingest (briefs/parallel.py)
        self.catalog = catalog
        self.topics = topics
        self.clock = clock
        self._analyzer_factory = analyzer_factory
        self._analyzer: Analyzer | None = None
        self._known: Catalog | None = None
        self._issue_book: IssueBook | None = None

    @property
    def analyzer(self) -> Analyzer:
        if self._analyzer is None:
            self._analyzer = self._analyzer_factory()
        return self._analyzer

    # --- ingest --------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[Path],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        on_skip: Callable[[SkippedFile], None] | None = None,
        now: dt.datetime | None = None,
    ) -> IngestReport:
        """Read files and folders; analyse new or changed documents; skip bad files.

        New and changed documents are stamped as ingested at `now` (the clock's time
        when not given, timezone-aware); unchanged ones keep their stamp.
        """
        skipped: list[SkippedFile] = []
        read: dict[str, tuple[str, Document]] = {}  # id → (the path as given, document)
        for item in iter_input_files(paths):
            document = self._read(item, max_bytes)
            if isinstance(document, Document):
                read[document.id] = (str(item), document)
                continue
            skipped.append(document)
            if on_skip is not None:
                on_skip(document)
        report = self.ingest_documents([d for _, d in read.values()], now=now)
        for doc_id, reason in report.failed:  # read, but the analyzer failed on it
            skipped.append(SkippedFile(read[doc_id][0], reason))
            if on_skip is not None:
                on_skip(skipped[-1])
        return report.model_copy(update={"skipped": tuple((s.path, s.reason) for s in skipped)})

    def ingest_documents(
        self, documents: Iterable[Document], *, now: dt.datetime | None = None
    ) -> IngestReport:
        """Analyse and save documents read elsewhere (files, web pages): new or changed
        ones only.

        A document whose id is stored with the same checksum is "unchanged", and so is a
        second document with the id of one earlier in `documents`. New and changed ones
        are stamped as ingested at `now` (the clock's time when not given), so the next
        digest whose window covers `now` sees them. A document the analyzer fails on is
        left out with its reason (`failed`, `skipped`); the others are saved.
        """
        ingested_at = as_utc(now if now is not None else self.clock())
        fresh: dict[str, Document] = {}
        unchanged: list[str] = []
        for document in documents:
            if document.id in fresh or self.store.checksum_of(document.id) == document.checksum:
                unchanged.append(document.name)
            else:
                fresh[document.id] = document.model_copy(update={"ingested_at": ingested_at})
        new = list(fresh.values())
        failed: dict[str, str] = {}
        ingested = self.save(self._analysed(new, failed)) if new else []
        if ingested:
            self._known = None  # new actors may have been learnt: rebuild the resolver
        if len(ingested) >= BULK_LOAD_DOCUMENTS:
            self.store.optimize()
        saved = [d for d in new if d.id not in failed]
        return IngestReport(
            ingested=tuple(ingested),
            unchanged=tuple(unchanged),
            skipped=tuple((fresh[i].name, reason) for i, reason in failed.items()),
            failed=tuple(failed.items()),
            words=sum(len(d.text[d.body_start :].split()) for d in saved),
        )

    def save(self, analyses: Iterable[Analysis]) -> list[str]:
        """Write analyses in batches; returns the names of the documents saved."""
        names: list[str] = []
        for batch in _batches(analyses, SAVE_BATCH):
            self.store.save_analyses(batch)
            self.quote_store.save(batch)
            self.issue_store.save(self.issue_book)
            names.extend(a.document.name for a in batch)
        return names

    def _analysed(
        self, documents: Sequence[Document], failed: dict[str, str]
    ) -> Iterator[Analysis]:
        """Each document's analysis filed under the corpus's issues; failures go to `failed`."""
        return analyse_with_workers(
            self.analyzer, documents, failed, file=self.issue_book.assign, workers=self.workers
        )

    @property
    def issue_store(self) -> IssueStore:
        return IssueStore.for_store(self.store)

    @property
    def quote_store(self) -> QuoteStore:
        return QuoteStore.for_store(self.store)

    @property
    def issue_book(self) -> IssueBook:
        if self._issue_book is None:
            self._issue_book = self.issue_store.load()
        return self._issue_book

    @staticmethod
    def _read(item: Path | SkippedFile, max_bytes: int) -> Document | SkippedFile:
        if isinstance(item, SkippedFile):
            return item
        try:
            return read_document(item, max_bytes=max_bytes)
        except SkippedFile as skipped:
            return skipped
        except Exception as exc:  # a parser bug on one odd file must not end the batch
            return SkippedFile(str(item), failure_reason(exc, doing="read"))

    # --- questions -----------------------------------------------------------

    def resolve_actor(self, query: str) -> Actor:
        """The actor a user means; raises UnknownActorError with suggestions."""
        if self._known is None:
            self._known = self.catalog.with_actors(self.store.list_actors())
        return self._known.resolve_query(query)

    def brief(self, request: BriefRequest) -> Brief:
        """The cited brief for one actor."""
        actor = self.resolve_actor(request.actor)
        # only the newest quotes of each point are read; the store counts the rest
        claims = self.store.cited_claims(
            actor.id, since=request.since, per_group=request.quotes_per_point
        )
        groups = self.store.claim_groups(actor.id, since=request.since)
        ref = ActorRef(id=actor.id, name=actor.name, kind=actor.kind)
        return build_brief(ref, claims, request, topics=self.topics, groups=groups)

    def matrix(self, topic: str, *, since: dt.date | None = None) -> StanceMatrix:
        """Who supports, opposes or conditions a topic."""
        propositions = self._propositions(topic)
        rows = self.store.cited_claims_for_propositions(
            propositions, since=since, per_actor=MATRIX_CLAIMS_PER_ACTOR, collectives_only=True
        )
        return build_matrix(topic, rows, topics=self.topics, issues=frozenset(propositions))

    def digest(self, request: DigestRequest) -> Digest:
        """What changed in the request's ingestion window for its actors and topic.

        Raises UnknownActorError for an actor name nobody knows and UnknownTopicError
        for a topic that names no known proposition.
        """
        actors = list({a.id: a for a in map(self.resolve_actor, request.actors)}.values())
        refs = [ActorRef(id=a.id, name=a.name, kind=a.kind) for a in actors]
        propositions = self._propositions(request.topic) if request.topic else None
        reads = self.store.digest_claims(
            [ref.id for ref in refs],
            propositions=propositions,
            since=request.start,
            until=request.until,
            before_per_pair=DIGEST_CLAIMS_BEFORE_PER_PAIR,
        )
        return build_digest(
            request, reads.before, reads.after, reads.new_documents, topics=self.topics, actors=refs
        )

    def _propositions(self, topic: str) -> set[str]:
        """The propositions a user's text names: catalog topics and the corpus's issues.

        Raises UnknownTopicError with the corpus's most active issues as suggestions.
        """
        propositions = {t.proposition for t in self.topics.matching(topic)}
        propositions |= {issue.label for issue in self.issue_book.matching(topic)}
        if not propositions:
            suggestions = [i.label for i in self.issue_book.most_active(SUGGESTED_ISSUES)]
            raise UnknownTopicError(topic, tuple(suggestions or (t.id for t in self.topics.topics)))
        return propositions

    def issues(self, *, since: dt.date | None = None, limit: int = 20) -> list[IssueSummary]:
        """The corpus's issues with actor and claim counts, most active first."""
        book = self.issue_book
        summaries = [
            s.model_copy(update={"key_phrases": _key_phrases(book, s.label)})
            for s in self.store.proposition_summaries(since=since)
        ]
        summaries.sort(key=lambda s: (-s.actors, -s.claims, s.label))
        return summaries if limit == 0 else summaries[:limit]

    def quotes(self, request: QuotesRequest) -> QuoteList:
        """What one speaker (or everyone) said, newest first, optionally about a subject.

        Raises UnknownSpeakerError, with the closest names quoted, for a speaker nobody
        quoted matches.
        """
        speaker = self.resolve_speaker(request.speaker) if request.speaker else None
        words = about_words(request.about) if request.about else ()
        limit = request.limit or None  # 0: all
        found = self.quote_store.find(
            speaker.id if speaker else None, since=request.since, limit=limit, about=words
        )
        if words:
            found = [q for q in found if is_about(words, q.sentence)][:limit]
        return QuoteList(speaker=speaker, quotes=tuple(found), about=request.about)

    def resolve_speaker(self, query: str) -> SpeakerRef:
        """The quoted person or body a user means; raises UnknownSpeakerError."""
        found = self.quote_store.speaker(query)
        if found is not None:
            return found
        names = self.quote_store.all_speaker_names()
        close = process.extract(query, names, scorer=fuzz.WRatio, limit=SUGGESTED_SPEAKERS)
        suggestions = tuple(name for name, score, _ in close if score >= SPEAKER_MATCH_MIN)
        raise UnknownSpeakerError(query, suggestions)

    def suggest_speakers(self, prefix: str, *, limit: int = 25) -> list[SpeakerRef]:
        """Quoted speakers whose name starts with `prefix` (a word of it): autocomplete."""
        return self.quote_store.speakers(prefix, limit=limit)

    def actors(self) -> list[ActorSummary]:
        """Known actors with their claim and document counts."""
        return self.store.actor_summaries()

    def suggest_actors(self, prefix: str, *, limit: int = 25) -> list[ActorRef]:
        """Actors with positions whose name starts with (or contains) `prefix`: autocomplete."""
        wanted = prefix.casefold().strip()
        names = [s.actor for s in self.actors()]
        starts = [a for a in names if a.name.casefold().startswith(wanted)]
        contains = [a for a in names if wanted in a.name.casefold() and a not in starts]
        return (starts + contains)[:limit]


def _key_phrases(book: IssueBook, label: str) -> tuple[str, ...]:
    issue = book.issues.get(label)
    if issue is None:
        return ()
    return tuple(p for p, _ in issue.phrases.most_common(KEY_PHRASES) if p != label)


def _batches(items: Iterable[Analysis], size: int) -> Iterator[list[Analysis]]:
    batch: list[Analysis] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
