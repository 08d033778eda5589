"""The store's writes below the Store: deletes, upserts, copies of a document's rows."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from sqlalchemy import (
    Connection,
    Executable,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy.sql.expression import TableClause

from briefs.models import Actor
from briefs.store import read_model
from briefs.store.analysis_rows import Rows
from briefs.store.schema import (
    actor_aliases,
    actors,
    claims,
    documents,
    mentions,
    sentence_text,
    sentences,
    sentences_fts,
)
from briefs.store.sql import chunks, in_doc_ids, is_sqlite, upsert


def insert_rows(conn: Connection, table_: TableClause, rows: Rows) -> None:
    if rows:  # an empty executemany would insert one row of defaults
        conn.execute(insert(table_), rows)


_SELECT_STORED_IDS = select(documents.c.id).where(in_doc_ids(documents.c.id))
# The contentless FTS5 index is filled and emptied with the sentences' words, sliced
# from their documents: a row is dropped by handing FTS5 the very words it indexed
# (its 'delete' command), so this runs before the documents' text is replaced.
_SENTENCES_OF_DOCUMENTS = sentences.join(documents, sentences.c.doc_id == documents.c.id)
_INDEX_FTS_ROWS = insert(sentences_fts).from_select(
    ["rowid", "text"],
    select(sentences.c.id, sentence_text())
    .select_from(_SENTENCES_OF_DOCUMENTS)
    .where(in_doc_ids(sentences.c.doc_id)),
)
_DELETE_FTS_ROWS = insert(sentences_fts).from_select(
    ["sentences_fts", "rowid", "text"],
    select(literal("delete"), sentences.c.id, sentence_text())
    .select_from(_SENTENCES_OF_DOCUMENTS)
    .where(in_doc_ids(sentences.c.doc_id)),
)
_DELETE_CHILD_ROWS = tuple(
    delete(child).where(in_doc_ids(child.c.doc_id)) for child in (claims, mentions, sentences)
)
_DELETE_DOCUMENTS = delete(documents).where(in_doc_ids(documents.c.id))


def stored_ids(conn: Connection, doc_ids: Sequence[str]) -> set[str]:
    """Which of these document ids are in the store."""
    stored: set[str] = set()
    for chunk in chunks(doc_ids):
        stored.update(conn.scalars(_SELECT_STORED_IDS, {"doc_ids": list(chunk)}))
    return stored


def index_sentences(conn: Connection, doc_ids: Sequence[str]) -> None:
    """Add the stored sentences of these documents to SQLite's full-text index."""
    if is_sqlite(conn):
        for chunk in chunks(doc_ids):
            conn.execute(_INDEX_FTS_ROWS, {"doc_ids": list(chunk)})


def delete_documents(conn: Connection, stored: Collection[str], *, keep_documents: bool) -> None:
    """Delete stored documents' sentences, mentions, claims and FTS rows (and themselves),
    and recount the read model's groups they touched."""
    if not stored:
        return
    # the FTS rows first, while their sentences and words are still there
    statements: list[Executable] = [_DELETE_FTS_ROWS] if is_sqlite(conn) else []
    statements.extend(_DELETE_CHILD_ROWS)
    if not keep_documents:
        statements.append(_DELETE_DOCUMENTS)
    touched = read_model.forget_documents(conn, sorted(stored))
    for chunk in chunks(sorted(stored)):
        for statement in statements:
            conn.execute(statement, {"doc_ids": list(chunk)})
    read_model.refresh_groups(conn, touched)


def upsert_documents(conn: Connection) -> Executable:
    replaced = [column.key for column in documents.c if column.key != "id"]
    return upsert(
        conn, documents, ["id"], lambda excluded: {key: excluded[key] for key in replaced}
    )


def merge_actors(actors_: Iterable[Actor]) -> list[Actor]:
    """One actor per id, merged the way the database merges into a stored row.

    PostgreSQL refuses an upsert that touches the same row twice in one statement;
    sorting by id makes concurrent writers lock actor rows in the same order.
    """
    merged: dict[str, Actor] = {}
    for actor in actors_:
        known = merged.get(actor.id)
        merged[actor.id] = actor if known is None else _merge_actor(known, actor)
    return [merged[actor_id] for actor_id in sorted(merged)]


def _merge_actor(known: Actor, new: Actor) -> Actor:
    return known.model_copy(
        update={
            "affiliation": new.affiliation if new.affiliation is not None else known.affiliation,
            "title": new.title if new.title is not None else known.title,
            "aliases": known.aliases + tuple(a for a in new.aliases if a not in known.aliases),
        }
    )


def upsert_actor_rows(conn: Connection, actors_: Sequence[Actor]) -> None:
    if not actors_:
        return
    keep_known_details = upsert(
        conn,
        actors,
        ["id"],
        lambda excluded: {
            "affiliation": func.coalesce(excluded.affiliation, actors.c.affiliation),
            "title": func.coalesce(excluded.title, actors.c.title),
        },
    )
    conn.execute(
        keep_known_details,
        [
            {
                "id": actor.id,
                "name": actor.name,
                "kind": actor.kind,
                "affiliation": actor.affiliation,
                "title": actor.title,
            }
            for actor in actors_
        ],
    )
    alias_rows = [
        {"actor_id": actor.id, "alias": alias}
        for actor in actors_
        for alias in dict.fromkeys(actor.aliases)
    ]
    if alias_rows:
        conn.execute(upsert(conn, actor_aliases, ["actor_id", "alias"], None), alias_rows)


def _copy_statement(table_: Table, key: str, replaced: Mapping[str, str]) -> Executable:
    """INSERT ... SELECT of the rows of document :old_id in `table_`.

    `replaced` maps a column to the bound parameter that replaces its value;
    the autoincrement key (claims.id) is left to the database.
    """
    copied = [column for column in table_.c if column is not table_.autoincrement_column]
    values = [
        bindparam(replaced[column.key], type_=column.type) if column.key in replaced else column
        for column in copied
    ]
    return insert(table_).from_select(
        [column.key for column in copied],
        select(*values).where(table_.c[key] == bindparam("old_id")),
    )


_COPY_ROWS = (
    _copy_statement(documents, "id", {"id": "new_id", "name": "new_name"}),
    *(
        _copy_statement(child, "doc_id", {"doc_id": "new_id"})
        for child in (sentences, mentions, claims)
    ),
)


def clone_documents(conn: Connection, copies: Sequence[tuple[str, str, str]]) -> None:
    """Copy each (document id, new id, new name): every row, counted into the read model.

    The new ids must be free (the caller deletes them first); one executemany per table.
    """
    params = [{"old_id": old, "new_id": new, "new_name": name} for old, new, name in copies]
    for statement in _COPY_ROWS:
        conn.execute(statement, params)
    new_ids = [new for _, new, _ in copies]
    index_sentences(conn, new_ids)
    read_model.add_documents(conn, new_ids)
