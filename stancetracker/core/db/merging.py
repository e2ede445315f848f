"""The rows a merge reads and writes: records by UUID, their file's records, and reference rows it adds.

Additions run inside the merge's operation; their history rows go through
the store (core/db/audit.py holds the rules).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from stancetracker.core.db import audit
from stancetracker.core.db.store import Store
from stancetracker.core.db.query import RECORD_FROM
from stancetracker.core.model.entities import MAX_EVIDENCE, MAX_LOCATOR, MAX_NAME, Actor, Dimension, Source
from stancetracker.core.model.fields import SHOWN_STATE
from stancetracker.core.model.text import name_key

# Their records that a join to actors and dimensions would leave out without a word.
_DANGLING = ("SELECT r.uuid, r.actor_id, a.id IS NULL, r.dimension_id, d.id IS NULL FROM records r"
             " LEFT JOIN actors a ON a.id = r.actor_id LEFT JOIN dimensions d ON d.id = r.dimension_id"
             " WHERE a.id IS NULL OR d.id IS NULL")


# A record's shown state (core/model/fields.SHOWN_STATE), in that order: what merge compares.
RECORD_SELECT = f"SELECT {', '.join(sql for _, sql in SHOWN_STATE)} FROM {RECORD_FROM}"
# Their records: a text past its limit is measured in SQLite and never loaded (issue 12).
TEXT_LIMITS = {"locator": MAX_LOCATOR, "evidence": MAX_EVIDENCE, "coder": MAX_NAME}


def record_rows(conn: sqlite3.Connection, select: str, where: str = "1", params: Iterable = ()) -> Iterator[tuple]:
    """The rows of a record SELECT (over ``r``, see RECORD_SELECT), all or ``where`` selects."""
    return conn.execute(f"{select} WHERE {where}", list(params))


def rows_by_uuid(conn: sqlite3.Connection, select: str, uuids: list[str]) -> Iterator[tuple]:
    """The rows of a record SELECT for the given UUIDs, read in chunks SQLite accepts."""
    for i in range(0, len(uuids), 900):
        part = uuids[i:i + 900]
        yield from record_rows(conn, select, f"r.uuid IN ({','.join('?' * len(part))})", part)


def limited_select(select: str, limits: dict[str, int]) -> str:
    """``select`` with each limited text column read only when within its limit, then every one's length,
    then whether the record names a source that is not there (issue 12: a hostile text is never loaded)."""
    return select.replace(", ".join(f"r.{c}" for c in limits), ", ".join(
        f"CASE WHEN length(r.{c}) <= {n} THEN r.{c} END" for c, n in limits.items())).replace(
        " FROM ", ", " + ", ".join(f"length(r.{c})" for c in limits)
        + ", r.source_id IS NOT NULL AND s.id IS NULL FROM ", 1)


def dangling_records(conn: sqlite3.Connection) -> list[tuple]:
    """(uuid, actor id, actor missing, dimension id, dimension missing) of records whose actor or dimension is gone."""
    return conn.execute(_DANGLING).fetchall()


def max_record_id(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]


def last_state(conn: sqlite3.Connection, ignore_op: int | None) -> tuple:
    """(last operation id other than ``ignore_op``, last record id): what a plan was made against."""
    q = lambda sql, *p: conn.execute(sql, p).fetchone()[0]
    return (q("SELECT max(id) FROM operations WHERE id != ?", ignore_op or -1), q("SELECT max(id) FROM records"))


def record_version(conn: sqlite3.Connection, uuid: str) -> tuple[int, int] | None:
    """(row id, version) of a record, or None."""
    return conn.execute("SELECT id, version FROM records WHERE uuid = ?", [uuid]).fetchone()


def add_merged_records(store: Store, rows: list[tuple]) -> None:
    """Add records as their file holds them (see audit.insert_records); history comes after, set-based."""
    audit.insert_records(store.conn, rows)


def add_dimension(store: Store, dim: Dimension, action: str = "merge") -> int:
    """Add a dimension after the last one, with its history row; returns its id."""
    conn = store.conn
    position = conn.execute("SELECT coalesce(max(position), 0) + 1 FROM dimensions").fetchone()[0]
    cur = conn.execute(
        "INSERT INTO dimensions (slug, label, question, neg_label, pos_label, neg_pole, pos_pole, codebook,"
        " position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [dim.slug, dim.label, dim.question, dim.neg_label, dim.pos_label, dim.neg_pole, dim.pos_pole,
         dim.codebook, position])
    store.log("dimension", cur.lastrowid, action, None, audit.public_state(dim))
    return cur.lastrowid


def copy_dimension(store: Store, dim: Dimension) -> None:
    """Put a dimension into a private scratch copy (no history: the copy is thrown away)."""
    store.conn.execute(
        "INSERT INTO dimensions (slug, label, question, neg_label, pos_label, neg_pole, pos_pole,"
        " codebook, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [dim.slug, dim.label, dim.question, dim.neg_label, dim.pos_label, dim.neg_pole, dim.pos_pole,
         dim.codebook, dim.position])


def add_actor(store: Store, actor: Actor, action: str = "merge") -> None:
    """Add an actor with its (distinct, non-empty) aliases and its history row; sets ``actor.id``."""
    conn = store.conn
    cur = conn.execute("INSERT INTO actors (slug, name, kind, colour, description) VALUES (?, ?, ?, ?, ?)",
                       [actor.slug, actor.name, actor.kind, actor.colour, actor.description])
    actor.id = cur.lastrowid
    conn.executemany("INSERT INTO actor_aliases (actor_id, alias) VALUES (?, ?)",
                     [(actor.id, a) for a in dict.fromkeys(actor.aliases) if name_key(a)])
    store.log("actor", actor.id, action, None, audit.public_state(actor))


def add_source(store: Store, src: Source, action: str = "merge") -> None:
    """Add a source with its text and its history row (the text left out of it)."""
    cur = store.conn.execute(
        "INSERT INTO sources (slug, title, publisher, author, url, published, published_precision, kind,"
        " language, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [src.slug, src.title, src.publisher, src.author, src.url, src.published.iso if src.published else None,
         src.published.precision if src.published else None, src.kind, src.language, src.text or ""])
    store.log("source", cur.lastrowid, action, None, audit.public_state(src, skip=("text",)))


__all__ = ["add_actor", "add_dimension", "add_merged_records", "add_source", "copy_dimension",
           "dangling_records", "last_state", "limited_select", "max_record_id", "record_rows",
           "record_version", "rows_by_uuid"]


THEIR_RECORD_SELECT = limited_select(RECORD_SELECT, TEXT_LIMITS)
