"""The record importer's reads and writes: every statement it runs on the records table.

Rows come here already validated (core/exchange/record_rows.py) as tuples
of the records table's columns in field order (core/model/fields.py),
``deleted`` left out: an import only adds live records.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence

from stancetracker.core.db import audit
from stancetracker.core.model.fields import COLUMNS, FIELDS, IMPORTED_CONTENT

# OR IGNORE: a row whose UUID came earlier in the file is skipped rather than
# failing its chunk; the importer finds the skipped rows afterwards.
_INSERT = (f"INSERT OR IGNORE INTO records ({', '.join(COLUMNS)})"
           f" VALUES ({', '.join('0' if c == 'deleted' else '?' for c in COLUMNS)})")
_CONTENT = ", ".join(FIELDS[name].column for name in IMPORTED_CONTENT)
PART = 30000  # values bound in one IN (...): under SQLite's limit of 32,766


def newest_id(conn: sqlite3.Connection) -> int:
    """The highest record id (0 for an empty table): the ids an import hands out come after it."""
    return conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]


def stored_content(conn: sqlite3.Connection, uuids: Sequence[str]) -> dict[str, tuple]:
    """uuid -> the content (IMPORTED_CONTENT, as stored) of each of ``uuids`` already in the table."""
    found = {}
    for i in range(0, len(uuids), PART):
        part = uuids[i:i + PART]
        for row in conn.execute(f"SELECT uuid, {_CONTENT} FROM records WHERE uuid IN ({','.join('?' * len(part))})",
                                part):
            found[row[0]] = tuple(row[1:])
    return found


def content_of(conn: sqlite3.Connection, uuid: str) -> tuple | None:
    """The stored content of the record ``uuid``, or None."""
    row = conn.execute(f"SELECT {_CONTENT} FROM records WHERE uuid = ?", [uuid]).fetchone()
    return None if row is None else tuple(row)


def insert(conn: sqlite3.Connection, rows: list[tuple]) -> int:
    """Insert validated rows (a repeated UUID is skipped); how many went in."""
    with _checked_by_build_row(conn):
        return conn.executemany(_INSERT, rows).rowcount


def newest_uuids(conn: sqlite3.Connection, n: int) -> list[str]:
    """The UUIDs of the ``n`` newest records, oldest first."""
    rows = conn.execute("SELECT uuid FROM records ORDER BY id DESC LIMIT ?", [n]).fetchall()
    return [uuid for (uuid,) in reversed(rows)]


def repeated_uuids(conn: sqlite3.Connection) -> list[tuple]:
    """(id, uuid, *content) of every record whose UUID another one has too, by UUID then id."""
    return conn.execute(
        f"SELECT id, uuid, {_CONTENT} FROM records"
        " WHERE uuid IN (SELECT uuid FROM records GROUP BY uuid HAVING count(*) > 1) ORDER BY uuid, id").fetchall()


def take_out(conn: sqlite3.Connection, ids: Sequence[int], op_id: int) -> None:
    """Remove records this import inserted twice, and their history rows of operation ``op_id``."""
    for i in range(0, len(ids), PART):
        part = list(ids[i:i + PART])
        marks = ",".join("?" * len(part))
        conn.execute(f"DELETE FROM records WHERE id IN ({marks})", part)
        conn.execute(f"DELETE FROM history WHERE op_id = ? AND entity = 'record' AND entity_id IN ({marks})",
                     [op_id, *part])


def log_imported(conn: sqlite3.Connection, op_id: int, after_id: int) -> None:
    """One lean history row per record past ``after_id`` (the audit rule, see audit.log_imported_records)."""
    audit.log_imported_records(conn, op_id, after_id + 1)


def set_summary(conn: sqlite3.Connection, op_id: int, summary: str) -> None:
    """Say what the import did in its operation's summary."""
    audit.set_summary(conn, op_id, summary)


@contextlib.contextmanager
def _checked_by_build_row(conn: sqlite3.Connection) -> Iterator[None]:
    """Skip the records table's CHECK constraints while inserting rows the importer validated.

    SQLite builds a little temporary table for each ``IN (...)`` check of
    every row inserted, which made the checks a third of the insert's time;
    the importer has already enforced each of them (a precision from
    parse_date, a score within -2..2, a known confidence; ``deleted`` is a
    literal 0). NOT NULL, UNIQUE and foreign keys are still enforced.
    """
    conn.execute("PRAGMA ignore_check_constraints = ON")
    try:
        yield
    finally:
        conn.execute("PRAGMA ignore_check_constraints = OFF")


__all__ = ["content_of", "insert", "log_imported", "newest_id", "newest_uuids", "repeated_uuids", "set_summary",
           "stored_content", "take_out"]
