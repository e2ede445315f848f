"""The store: a stancetracker database file, its transactions and its records.

Each public write runs in one transaction and is recorded as an
*operation* with one history row per changed entity (before and after as
JSON, written by core/db/audit.py), so nothing a coder did is lost and any
change can be traced. The other tables are parts of :class:`Store` kept in
their own modules (dimensions, actors, sources, events); core/project.py
opens a project (backup on opening, seeds for a new file) over it.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stancetracker.core.db import audit, backups
from stancetracker.core.db.actors import ActorMatcher, ActorTable
from stancetracker.core.db.dimensions import DimensionTable
from stancetracker.core.db.events import EventTable
from stancetracker.core.db.sources import SourceTable
from stancetracker.core.db.connection import describe_sqlite_error, open_connection
from stancetracker.core.files import identity
from stancetracker.core.model.dates import utc_now
from stancetracker.core.model.errors import (
    ConflictError,
    DatabaseError,
    NotFound,
    StanceError,
    ValidationError,
)
from stancetracker.core.model.entities import Record, check_text
from stancetracker.core.db.query import (
    RECORD_FROM,
    ROW_COLUMNS,
    RecordFilter,
    RecordRow,
    order_clause,
    row_from_tuple,
    where_clause,
)
from stancetracker.core.model.stored_values import date_problem, stored_text, visible


def default_user() -> str:
    """The coder name used when none is given: $STANCETRACKER_CODER, the saved name, or the login name."""
    return identity.coder()


@dataclass
class HistoryEntry:
    """One recorded change of one entity."""

    id: int
    op_id: int
    at: str
    user: str
    op_kind: str
    summary: str
    action: str
    before: dict | None
    after: dict | None


# (operation id, summary) of every operation this process has committed: an interruption
# after a COMMIT must be reported as a saved change, not as "nothing was changed".
COMMITTED: list[tuple[int, str]] = []


class Store(DimensionTable, ActorTable, SourceTable, EventTable):
    """A stancetracker database. Open with :meth:`open`; close when done."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, *, readonly: bool = False,
                 user: str | None = None, created: bool = False):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.user = user or default_user()
        self.created = created
        self.foreign_file: object | None = None  # a ForeignFile this store reads through, kept open with it
        self._op_id: int | None = None
        self._counts: tuple | None = None
        self._fault: BaseException | None = None  # what ended the operation's transaction, if SQLite did
        # Issue 6: imports and merges back the file up first (backup_before); False turns that off.
        self.auto_backup = True

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: Path | str, *, readonly: bool = False, create: bool = True,
             user: str | None = None) -> "Store":
        """Open a database (creating an empty one if it does not exist), migrating it after a backup copy.

        This is the bare file; core/project.py's ``open_project`` also backs an
        existing file up on opening and seeds a new one.
        """
        conn, created, ro = open_connection(path, readonly=readonly, create=create,
                                            backup=backups.migration_backup)
        return cls(conn, None if str(path) == ":memory:" else Path(path), readonly=ro,
                   user=user, created=created)

    def backup_before(self, reason: str) -> backups.BackupInfo | None:
        """Back the file up before an import or merge (issue 6), unless it is read-only, in memory,
        inside an operation, has ``auto_backup`` off, or its newest backup holds this state."""
        if self.path is None or self.readonly or self._op_id is not None or not self.auto_backup:
            return None
        return backups.backup_if_changed(self.path, reason)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ----------------------------------------------------------- transactions
    @contextlib.contextmanager
    def operation(self, kind: str, summary: str = "", details: dict | None = None, *,
                  check_references: bool = True) -> Iterator[int]:
        """One atomic change: a transaction plus its operation row; nests as a savepoint.

        ``check_references=False`` leaves SQLite's foreign-key checks off for
        the transaction, for a caller whose every reference comes from rows it
        read inside it (a big import: ~0.5 s per million records). SQLite
        switches the checks only between transactions, so it applies to an
        outermost operation alone.
        """
        if self.readonly:
            raise DatabaseError(f"{self.path}: the database is open read-only; nothing was changed")
        if self._op_id is not None:
            yield from self._nested()
            return
        if not check_references:
            self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as err:
            self.conn.execute("PRAGMA foreign_keys = ON")
            raise DatabaseError(describe_sqlite_error(self.path, err)) from None
        committing = False
        try:
            self._op_id = audit.start_operation(self.conn, self.user, kind, summary, details, utc_now())
            yield self._op_id
            self.check_transaction()
            committing = True
            self.conn.execute("COMMIT")
            COMMITTED.append((self._op_id, summary or kind))
        except sqlite3.Error as err:
            self._rollback()
            if isinstance(err, sqlite3.IntegrityError) and self._fault is None:
                raise
            raise DatabaseError(_unsaved(self.path, self._fault or err)) from None
        except BaseException:
            if committing and not self.conn.in_transaction and (self._op_id, summary or kind) not in COMMITTED:
                # Ctrl-C just after COMMIT returned: the change is saved, and must be reported so.
                COMMITTED.append((self._op_id, summary or kind))
            self._rollback()
            if self._fault is not None:  # whatever the caller made of it, the cause is SQLite's
                raise DatabaseError(_unsaved(self.path, self._fault)) from None
            raise
        finally:
            self._op_id = None
            self._fault = None
            if not check_references:
                self.conn.execute("PRAGMA foreign_keys = ON")

    def _nested(self) -> Iterator[int]:
        """An operation inside another: a savepoint, unless SQLite has already ended the transaction."""
        self.check_transaction()
        self.conn.execute("SAVEPOINT nested_op")
        try:
            yield self._op_id  # type: ignore[misc]
        except BaseException as err:
            if isinstance(err, sqlite3.Error) and not self.conn.in_transaction:
                self.fault(err)
            if self.conn.in_transaction:  # else there is no savepoint left to roll back to (issue 12)
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK TO nested_op")
                    self.conn.execute("RELEASE nested_op")
            raise
        self.check_transaction()
        self.conn.execute("RELEASE nested_op")

    def fault(self, err: BaseException) -> None:
        """Note that SQLite ended the operation's transaction because of ``err`` (the first one counts)."""
        if self._op_id is not None and self._fault is None:
            self._fault = err

    def check_transaction(self) -> None:
        """Raise if SQLite has rolled back the operation's transaction (disk full, I/O error ...).

        SQLite does so on its own for some errors; a statement run after that
        would be committed on its own, outside the operation (issue 12).
        """
        if self._op_id is None or self.conn.in_transaction:
            return
        err = self._fault or sqlite3.OperationalError("SQLite ended the change before it was complete")
        self._fault = err
        raise DatabaseError(_unsaved(self.path, err)) from None

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    @property
    def op_id(self) -> int | None:
        """The id of the operation under way, or None outside one."""
        return self._op_id

    def log(self, entity: str, entity_id: int, action: str, before: audit.State, after: audit.State) -> None:
        """Record one change of one entity in the history of the operation under way."""
        audit.log_change(self.conn, self._op_id, entity, entity_id, action, before, after)

    def record_json(self, rid: int) -> str:
        """A record's state as its history keeps it (JSON text)."""
        return audit.record_state(self.conn, rid)

    # ---------------------------------------------------------------- records
    def slug_ids(self) -> dict[str, dict[str, int]]:
        """Slug -> row id for actors, dimensions and sources."""
        # Keyed by the slug as actors() and the rest show it (stored_text), so a
        # slug another program stored as a BLOB is still found by what is shown.
        return {t: {stored_text(slug): i for slug, i in self.conn.execute(f"SELECT slug, id FROM {t}")}
                for t in ("actors", "dimensions", "sources")}

    def _resolve(self, rec: Record) -> tuple[int, int, int | None]:
        ids = self.slug_ids()
        try:
            actor_id = ids["actors"][rec.actor]
        except KeyError:
            raise ValidationError("actor", f"no actor {rec.actor!r}") from None
        try:
            dim_id = ids["dimensions"][rec.dimension]
        except KeyError:
            raise ValidationError("dimension", f"no dimension {rec.dimension!r}") from None
        src_id = None
        if rec.source:
            src_id = ids["sources"].get(rec.source)
            if src_id is None:
                raise ValidationError("source", f"no source {rec.source!r}")
        return actor_id, dim_id, src_id

    def add_record(self, rec: Record) -> RecordRow:
        """Validate and save a new record; returns it as stored."""
        if not rec.coder:
            rec.coder = self.user
        rec.validate()
        actor_id, dim_id, src_id = self._resolve(rec)
        now = utc_now()
        with self.operation("create", f"record {rec.uuid}"):
            try:
                rid = audit.insert_record(self.conn, [
                    rec.uuid, actor_id, dim_id, rec.date.iso, rec.date.precision, rec.score, rec.confidence,
                    src_id, rec.locator, rec.evidence, rec.coder, rec.created_at or now, rec.updated_at or now])
            except sqlite3.IntegrityError:
                raise ValidationError("uuid", f"a record {rec.uuid} already exists") from None
            self.log("record", rid, "create", None, self.record_json(rid))
        return self.record(rec.uuid)

    def record(self, uuid: str) -> RecordRow:
        row = self.conn.execute(f"SELECT {ROW_COLUMNS} FROM {RECORD_FROM} WHERE r.uuid = ?", [uuid]).fetchone()
        if row is None:
            raise NotFound(f"no record {uuid}")
        return row_from_tuple(row)

    def update_record(self, uuid: str, expected_version: int, **changes) -> RecordRow:
        """Apply changes to a record read at ``expected_version``.

        Raises ConflictError if it has changed since (someone else saved it).
        """
        bad = set(changes) - set(_RECORD_FIELDS[:-1])
        if bad:
            raise ValidationError(sorted(bad)[0], "cannot be changed")
        with self.operation("edit", f"record {uuid}"):
            current = self.record(uuid)
            if current.version != expected_version:
                raise ConflictError(uuid, expected_version, current.version)
            fields = {f: getattr(current, f) for f in _RECORD_FIELDS}
            fields.update(changes)
            new = Record(**fields).validate()
            actor_id, dim_id, src_id = self._resolve(new)
            before = self.record_json(current.id)
            changed = audit.write_record(
                self.conn, current.id, [actor_id, dim_id, new.date.iso, new.date.precision, new.score,
                                        new.confidence, src_id, new.locator, new.evidence, new.coder],
                utc_now(), expected_version=expected_version)
            if changed != 1:  # pragma: no cover - guarded by the IMMEDIATE transaction
                raise ConflictError(uuid, expected_version, None)
            self.log("record", current.id, "edit", before, self.record_json(current.id))
        return self.record(uuid)

    def _set_deleted(self, uuid: str, deleted: bool, expected_version: int | None) -> RecordRow:
        action = "delete" if deleted else "restore"
        with self.operation(action, f"record {uuid}"):
            current = self.record(uuid)
            if expected_version is not None and current.version != expected_version:
                raise ConflictError(uuid, expected_version, current.version)
            if current.deleted == deleted:
                raise StanceError(f"record {uuid} is {'already in the trash' if deleted else 'not in the trash'}")
            before = self.record_json(current.id)
            audit.set_deleted(self.conn, current.id, deleted, utc_now())
            self.log("record", current.id, action, before, self.record_json(current.id))
        return self.record(uuid)

    def delete_record(self, uuid: str, expected_version: int | None = None) -> RecordRow:
        """Move a record to the trash (soft delete)."""
        return self._set_deleted(uuid, True, expected_version)

    def restore_record(self, uuid: str, expected_version: int | None = None) -> RecordRow:
        """Bring a record back from the trash."""
        return self._set_deleted(uuid, False, expected_version)

    def records(self, flt: RecordFilter | None = None, *, sort: str = "date", descending: bool = False,
                limit: int | None = None, offset: int = 0) -> list[RecordRow]:
        """Records matching a filter, as rows with names; pages with limit/offset."""
        where, params = self.filter_sql(flt or RecordFilter())
        sql = f"SELECT {ROW_COLUMNS} FROM {RECORD_FROM} WHERE {where} ORDER BY {order_clause(sort, descending)}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [row_from_tuple(t) for t in self.conn.execute(sql, params)]

    def record_ids(self, flt: RecordFilter | None = None, *, sort: str = "date",
                   descending: bool = False):
        """Row ids of the matching records in display order, as an int64 array.

        Lets a view page through a million records by id without OFFSET scans.
        """
        import numpy as np  # kept out of start-up: the CLI opens stores without NumPy (issue 13)
        where, params = self.filter_sql(flt or RecordFilter())
        joins = RECORD_FROM if sort in ("actor", "dimension", "source") else "records r"
        # One comma-joined string parsed by NumPy: a million ids without a million Python tuples.
        text = self.conn.execute(
            f"SELECT group_concat(id) FROM (SELECT r.id AS id FROM {joins} WHERE {where} "
            f"ORDER BY {order_clause(sort, descending)})", params).fetchone()[0]
        if not text:
            return np.array([], dtype=np.int64)
        return np.array(text.split(","), dtype=np.int64)

    def rows_by_id(self, ids) -> list[RecordRow]:
        """Records for the given row ids, in the order given."""
        ids = [int(i) for i in ids]
        if not ids:
            return []
        found: dict[int, RecordRow] = {}
        for i in range(0, len(ids), 900):
            part = ids[i:i + 900]
            for t in self.conn.execute(
                    f"SELECT {ROW_COLUMNS} FROM {RECORD_FROM} WHERE r.id IN ({','.join('?' * len(part))})", part):
                row = row_from_tuple(t)
                found[row.id] = row
        return [found[i] for i in ids if i in found]

    def coders(self) -> list[str]:
        """Everyone who has coded a record here."""
        # A skip-scan over the coder index: one index probe per coder, not a table scan.
        return [r[0] for r in self.conn.execute(
            "WITH RECURSIVE c(x) AS (SELECT min(coder) FROM records UNION ALL "
            "SELECT (SELECT min(coder) FROM records WHERE coder > c.x) FROM c WHERE c.x IS NOT NULL) "
            "SELECT x FROM c WHERE x IS NOT NULL")]

    def record_counts(self) -> tuple[int, int]:
        """(live records, records in the trash), in one pass; remembered until the data changes."""
        key = (self.conn.total_changes, self.data_version())
        if self._counts is not None and self._counts[0] == key:
            return self._counts[1]
        self._counts = (key, self._count_live_and_trash())
        return self._counts[1]

    def _count_live_and_trash(self) -> tuple[int, int]:
        live = trash = 0
        for deleted, n in self.conn.execute("SELECT deleted, count(*) FROM records GROUP BY deleted"):
            if deleted == 0:
                live += n
            else:  # as in the filters: any other stored flag is the trash
                trash += n
        return live, trash

    def data_version(self) -> int:
        """Changes when another connection commits; cheap enough to poll."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def count(self, flt: RecordFilter | None = None) -> int:
        where, params = self.filter_sql(flt or RecordFilter())
        return self.conn.execute(f"SELECT count(*) FROM records r WHERE {where}", params).fetchone()[0]

    def filter_sql(self, flt: RecordFilter) -> tuple[str, list]:
        """The WHERE clause (over ``records r``) and its parameters for a filter; unknown slugs are NotFound."""
        ids = self.slug_ids()
        for kind, slugs in (("actors", flt.actors), ("dimensions", flt.dimensions)):
            missing = [s for s in slugs if s not in ids[kind]]
            if missing:
                raise NotFound(f"no {kind[:-1]} {missing[0]!r}")
        return where_clause(flt, ids)

    # ---------------------------------------------------------------- history
    def history(self, uuid: str) -> list[HistoryEntry]:
        """Every recorded change of a record, oldest first."""
        rec = self.record(uuid)
        rows = self.conn.execute(
            "SELECT h.id, h.op_id, o.at, o.user, o.kind, o.summary, h.action, h.before, h.after "
            "FROM history h JOIN operations o ON o.id = h.op_id "
            "WHERE h.entity = 'record' AND h.entity_id = ? ORDER BY h.id", [rec.id]).fetchall()
        entries = [HistoryEntry(i, op, stored_text(at), stored_text(user), stored_text(kind), stored_text(summ),
                                stored_text(action), _json_state(b), _json_state(a))
                   for i, op, at, user, kind, summ, action, b, a in rows]
        # Imports store no "after": it is the next change's "before", or the record now.
        for k, e in enumerate(entries):
            if e.after is None and e.action == "import":
                nxt = entries[k + 1].before if k + 1 < len(entries) else None
                e.after = nxt if nxt is not None else _json_state(self.record_json(rec.id))
        return entries

    def date_range(self) -> tuple[str | None, str | None]:
        """First and last real date (ISO) among the live records; a stored date that is none is passed over."""
        ends = []
        for order, agg in (("ASC", "min"), ("DESC", "max")):
            value = self.conn.execute(f"SELECT {agg}(date) FROM records WHERE deleted = 0").fetchone()[0]
            if value is not None and date_problem(value, "day"):
                # Rare (a file written by another program): walk the (deleted, date) index from that end.
                value = next((v for (v,) in self.conn.execute(
                    f"SELECT DISTINCT date FROM records WHERE deleted = 0 ORDER BY date {order}")
                    if not date_problem(v, "day")), None)
            ends.append(value)
        return ends[0], ends[1]

    def invalid_date_count(self) -> int:
        """How many live records have a stored date that is no date (a scan of the date index)."""
        return sum(n for value, n in self.conn.execute(
            "SELECT date, count(*) FROM records WHERE deleted = 0 GROUP BY date") if date_problem(value, "day"))

    def stats(self) -> dict:
        q = lambda sql: self.conn.execute(sql).fetchone()[0]
        live, in_trash = self.record_counts()
        first, last = self.date_range()
        return {
            "records": live,
            "in_trash": in_trash,
            "actors": q("SELECT count(*) FROM actors"),
            "dimensions": q("SELECT count(*) FROM dimensions"),
            "sources": q("SELECT count(*) FROM sources"),
            "events": q("SELECT count(*) FROM events"),
            "coders": len(self.coders()),
            "first_date": first,
            "last_date": last,
            "changes": q("SELECT count(*) FROM operations"),
        }


def _unsaved(path: Path | None, err: BaseException) -> str:
    """The message for an operation that failed on ``err``: what happened, and that nothing was saved."""
    text = describe_sqlite_error(path, err) if isinstance(err, sqlite3.Error) else f"{path}: {err}"
    return text if "nothing was saved" in text else f"{text} — nothing was saved"


_RECORD_FIELDS = ("actor", "dimension", "date", "score", "confidence", "source", "locator",
                  "evidence", "coder", "uuid")

def _json_state(text: object) -> dict | None:
    """A history row's before/after; a value that is not a JSON object is kept as text, not fatal."""
    if text is None or text == "":
        return None
    try:
        state = json.loads(text)
    except (TypeError, ValueError, RecursionError):
        return {"unreadable": visible(text, 200)}
    return state if isinstance(state, dict) else {"unreadable": visible(text, 200)}




__all__ = ["ActorMatcher", "HistoryEntry", "Store", "check_text", "default_user"]
