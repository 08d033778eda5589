"""IssueStore: the corpus's stories and issues, beside the claims in the Store's database.

Claims carry their issue's label as their proposition; these tables keep what the
grouping needs to file the next document (each issue's head, key words and phrases,
each story's words) and what `issues` lists. Rows are rewritten whole: an issue's
counters are small, and only issues a batch touched are written.
"""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, delete, insert, select

from briefs.issues import Issue, IssueBook, Story
from briefs.store.tables import TablesBeside

metadata = MetaData()

issues = Table(
    "issues",
    metadata,
    Column("label", String, primary_key=True),
    Column("story", Integer, nullable=False),
    Column("head", String, nullable=False),
    Column("keys", Text, nullable=False),  # JSON object: word → count
    Column("phrases", Text, nullable=False),  # JSON object: phrase → count
    Column("claims", Integer, nullable=False),
)

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("terms", Text, nullable=False),
    Column("documents", Integer, nullable=False),
)


class IssueStore(TablesBeside):
    """Loads the issue book and writes back what a batch of documents changed."""

    metadata = metadata
    tables_name = "issue tables"

    def load(self) -> IssueBook:
        with self._reading("read the issues") as conn:
            story_rows = conn.execute(select(stories).order_by(stories.c.id)).all()
            issue_rows = conn.execute(select(issues)).all()
        book = IssueBook(
            stories=[Story(r.id, Counter(json.loads(r.terms)), r.documents) for r in story_rows]
        )
        for row in issue_rows:
            book.issues[row.label] = Issue(
                label=row.label,
                story=row.story,
                head=row.head,
                keys=Counter(json.loads(row.keys)),
                phrases=Counter(json.loads(row.phrases)),
                claims=row.claims,
            )
        return book

    def save(self, book: IssueBook) -> None:
        """Write the issues and stories changed since the last save."""
        labels = sorted(book.changed)
        ids = sorted(book.changed_stories)
        if not labels and not ids:
            return
        with self._writing("save the issues") as conn:
            if labels:
                conn.execute(delete(issues).where(issues.c.label.in_(labels)))
                conn.execute(insert(issues), [_issue_row(book.issues[label]) for label in labels])
            if ids:
                conn.execute(delete(stories).where(stories.c.id.in_(ids)))
                by_id = {s.id: s for s in book.stories}
                conn.execute(insert(stories), [_story_row(by_id[i]) for i in ids])
        book.changed.clear()
        book.changed_stories.clear()


def _issue_row(issue: Issue) -> dict[str, object]:
    return {
        "label": issue.label,
        "story": issue.story,
        "head": issue.head,
        "keys": json.dumps(dict(issue.keys)),
        "phrases": json.dumps(dict(issue.phrases)),
        "claims": issue.claims,
    }


def _story_row(story: Story) -> dict[str, object]:
    return {"id": story.id, "terms": json.dumps(dict(story.terms)), "documents": story.documents}
