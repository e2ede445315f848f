"""The audit rules, in one place: operation rows, history rows, version bumps and soft deletes.

Every change to a stancetracker database is one *operation* (a row in
``operations``) with one history row per changed entity, holding its state
before and after as JSON. A record is never deleted, only moved to the trash,
and every change of one bumps its version. Only this module writes those
rows and columns; the row-at-a-time forms serve the store, the set-based
forms merges, reverts and imports.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from stancetracker.core.db.query import RECORD_FROM, RECORD_JSON
from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.fields import COLUMNS, CONTENT_FIELDS, FIELDS

# What a state saved in the history may be: a dict, or JSON text already made by SQLite.
State = dict | str | None


def public_state(obj: object, skip: tuple[str, ...] = ()) -> dict:
    """An entity as a JSON-friendly dict for history (its row id left out)."""
    out = {}
    for k, v in vars(obj).items():
        if k == "id" or k in skip:
            continue
        out[k] = v.short() if isinstance(v, PartialDate) else v
    return out


def _dump(value: State) -> str | None:
    return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# ------------------------------------------------------------- operations
def start_operation(conn: sqlite3.Connection, user: str, kind: str, summary: str, details: dict | None,
                    at: str) -> int:
    """Write an operation's row (inside its transaction); returns its id."""
    cur = conn.execute("INSERT INTO operations (at, user, kind, summary, details) VALUES (?, ?, ?, ?, ?)",
                       [at, user, kind, summary, json.dumps(details) if details else None])
    return cur.lastrowid


def set_summary(conn: sqlite3.Connection, op_id: int, summary: str) -> None:
    """Replace an operation's summary once its counts are known."""
    conn.execute("UPDATE operations SET summary = ? WHERE id = ?", [summary, op_id])


# ---------------------------------------------------------------- history
def log_change(conn: sqlite3.Connection, op_id: int | None, entity: str, entity_id: int, action: str,
               before: State, after: State) -> None:
    """One history row: ``entity`` ``entity_id`` changed by ``action`` from ``before`` to ``after``."""
    conn.execute(
        "INSERT INTO history (op_id, entity, entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?)",
        [op_id, entity, entity_id, action, _dump(before), _dump(after)])


def record_state(conn: sqlite3.Connection, record_id: int) -> str:
    """A record's state as history keeps it: JSON text made by SQLite from the stored row."""
    return conn.execute(f"SELECT {RECORD_JSON} FROM {RECORD_FROM} WHERE r.id = ?", [record_id]).fetchone()[0]


def log_records_after(conn: sqlite3.Connection, op_id: int, action: str, after_id: int) -> None:
    """A history row for every record with an id above ``after_id`` (just added), with its state as "after"."""
    conn.execute("INSERT INTO history (op_id, entity, entity_id, action, before, after)"
                 f" SELECT ?, 'record', r.id, ?, NULL, {RECORD_JSON} FROM {RECORD_FROM} WHERE r.id > ?",
                 [op_id, action, after_id])


def log_imported_records(conn: sqlite3.Connection, op_id: int, first_id: int, last_id: int | None = None) -> None:
    """One lean history row (no states) per imported record with an id from ``first_id`` on (to ``last_id``).

    The imported state is the row itself until its next change, whose
    history keeps it as "before"; Store.history fills it in.
    """
    if last_id is None:
        conn.execute("INSERT INTO history (op_id, entity, entity_id, action, before, after)"
                     " SELECT ?, 'record', id, 'import', NULL, NULL FROM records WHERE id >= ?", [op_id, first_id])
    else:
        conn.execute("INSERT INTO history (op_id, entity, entity_id, action, before, after)"
                     " SELECT ?, 'record', id, 'import', NULL, NULL FROM records WHERE id BETWEEN ? AND ?",
                     [op_id, first_id, last_id])


def log_records_before(conn: sqlite3.Connection, op_id: int, action: str, where: str, params: Iterable) -> None:
    """A history row holding the current state as "before" for every record ``where`` selects (over ``r``).

    The "after" states are filled in by :func:`fill_after_states` once the change is made.
    """
    conn.execute("INSERT INTO history (op_id, entity, entity_id, action, before, after)"
                 f" SELECT ?, 'record', r.id, ?, {RECORD_JSON}, NULL FROM {RECORD_FROM} WHERE {where}",
                 [op_id, action, *params])


def fill_after_states(conn: sqlite3.Connection, op_id: int) -> None:
    """Set the "after" of every record history row of an operation to the record's state now."""
    conn.execute(f"UPDATE history SET after = (SELECT {RECORD_JSON} FROM {RECORD_FROM} WHERE r.id = history.entity_id)"
                 " WHERE op_id = ? AND entity = 'record'", [op_id])


# ---------------------------------------------------------------- records
# The columns a record's content is written to, in the order write_record takes them.
# (core/model/fields.py: the coded content but the trash flag, which only delete and restore change.)
RECORD_COLUMNS = tuple(FIELDS[name].column for name in CONTENT_FIELDS if name != "deleted")
# Every column of a record, in the order of an insert's values: uuid, RECORD_COLUMNS, timestamps, version, trash.
_INSERT_COLUMNS = ", ".join(COLUMNS)
assert COLUMNS == ("uuid", *RECORD_COLUMNS, "created_at", "updated_at", "version", "deleted")


def insert_record(conn: sqlite3.Connection, values: tuple | list) -> int:
    """Add a record at version 1, live; ``values`` are uuid, RECORD_COLUMNS, created_at, updated_at."""
    return conn.execute(
        f"INSERT INTO records ({_INSERT_COLUMNS}) VALUES ({', '.join('?' * (len(COLUMNS) - 2))}, 1, 0)",
        list(values)).lastrowid


def insert_records(conn: sqlite3.Connection, rows: Iterable[tuple]) -> None:
    """Add records as they were elsewhere (a merge): uuid, RECORD_COLUMNS, created_at, updated_at, version, deleted."""
    conn.executemany(
        f"INSERT INTO records ({_INSERT_COLUMNS}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)


def write_record(conn: sqlite3.Connection, record_id: int, values: tuple | list, now: str, *,
                 deleted: bool | None = None, expected_version: int | None = None) -> int:
    """Write a record's content (RECORD_COLUMNS order), bumping its version; returns how many rows changed.

    ``deleted`` also sets the trash flag; ``expected_version`` changes the
    record only if it still has that version.
    """
    sets = ", ".join(f"{c}=?" for c in RECORD_COLUMNS)
    params = list(values)
    if deleted is not None:
        sets += ", deleted=?"
        params.append(int(bool(deleted)))
    sql = f"UPDATE records SET {sets}, updated_at=?, version=version+1 WHERE id=?"
    params += [now, record_id]
    if expected_version is not None:
        sql += " AND version=?"
        params.append(expected_version)
    return conn.execute(sql, params).rowcount


def set_deleted(conn: sqlite3.Connection, record_id: int, deleted: bool, now: str) -> None:
    """Move a record to the trash or back (a soft delete), bumping its version."""
    conn.execute("UPDATE records SET deleted=?, updated_at=?, version=version+1 WHERE id=?",
                 [int(deleted), now, record_id])


def trash_records(conn: sqlite3.Connection, where: str, params: Iterable, now: str) -> int:
    """Move every live record ``where`` selects (over ``records``) to the trash; returns how many."""
    return conn.execute(f"UPDATE records SET deleted = 1, version = version + 1, updated_at = ? "
                        f"WHERE deleted = 0 AND {where}", [now, *params]).rowcount


__all__ = ["RECORD_COLUMNS", "State", "fill_after_states", "insert_record", "insert_records", "log_change",
           "log_imported_records", "log_records_after", "log_records_before", "public_state", "record_state",
           "set_deleted", "set_summary", "start_operation", "trash_records", "write_record"]
