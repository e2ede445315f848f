"""Comparing a file's schema with the one our migrations make (issue 12: files made elsewhere are data).

A trigger, view or virtual table can run code when we read or write; a
changed table or index can change what our writes do. :func:`audit` lists
every such object a file holds that stancetracker did not make, and
:func:`guard` installs an authorizer so that, even if one slips in later,
no trigger or view but ours can act on a connection.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass


from stancetracker.core.model.errors import DatabaseError
from stancetracker.core.db.schema import MIGRATION_SET, helper_database, migration_steps, migrations

# Actions that change data; the only ones a trigger is held back from (reads
# come from WITH clauses too, which the authorizer cannot tell from views).
_WRITES = {sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE, sqlite3.SQLITE_CREATE_TABLE,
           sqlite3.SQLITE_DROP_TABLE, sqlite3.SQLITE_PRAGMA, sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_ALTER_TABLE}


@dataclass(frozen=True)
class ForeignObject:
    """One schema object that is not as our migrations make it."""

    type: str
    name: str
    table: str
    why: str  # "extra", "changed", "in place of", "missing"
    sql: str = ""

    @property
    def removable(self) -> bool:
        """True when dropping it (and, for a trigger or index of ours, making ours again) repairs the file."""
        if self.why == "extra":
            return True
        if self.why in ("changed", "missing"):
            return self.type in ("trigger", "index")
        # A view, trigger or index holds no data, so one standing where our
        # trigger or index belongs can go and ours be made in its place.
        return self.why in ("in place of trigger", "in place of index") and self.type in ("view", "trigger", "index")

    def describe(self) -> str:
        on = f" on {self.table}" if self.table and self.table != self.name else ""
        if self.why == "extra":
            return f"{self.type} {self.name}{on} (not made by stancetracker)"
        if self.why == "changed":
            return f"{self.type} {self.name}{on} (its definition was changed)"
        if self.why == "missing":
            return f"{self.type} {self.name}{on} (missing)"
        return f"{self.type} {self.name} (in place of our {self.why.removeprefix('in place of ')})"


class ForeignSchema(DatabaseError):
    """A file holds triggers, views or changed definitions we did not make; it is not written to."""

    def __init__(self, message: str, objects: list[ForeignObject]):
        super().__init__(message)
        self.objects = objects


def normalise(sql: str | None) -> str:
    """A definition with spacing and identifier quoting evened out (SQLite rewrites both on rename)."""
    if not sql:
        return ""
    text = re.sub(r'"([A-Za-z_][A-Za-z0-9_]*)"|\[([A-Za-z_][A-Za-z0-9_]*)\]|`([A-Za-z_][A-Za-z0-9_]*)`',
                  lambda m: m[1] or m[2] or m[3], sql)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*([(),])\s*", r"\1", text)


@functools.cache
def _built(applied: int) -> tuple[tuple[str, str, str, str | None], ...]:
    """(type, name, table, sql) of every object after the first ``applied`` migrations, made in memory once."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db = helper_database(conn)
        names_ = [m.name for m in migration_steps()]
        migrations.apply(db, stop_before=names_[applied] if applied < len(names_) else None)
        return tuple(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))
    finally:
        conn.close()


@functools.cache
def our_tables() -> dict[str, tuple[str, ...]]:
    """Every table the migrations make, with its visible columns in order; an FTS index's shadow tables left out."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrations.apply(helper_database(conn))
        rows = list(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"))
        virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
        tables = {}
        for name, _sql in rows:
            if name.startswith("sqlite_") or any(name.startswith(f"{v}_") for v in virtual):
                continue
            tables[name] = tuple(r[1] for r in conn.execute(f'PRAGMA table_xinfo("{name}")') if not r[6])
        return tables
    finally:
        conn.close()


@functools.cache
def expected_schema(applied: int) -> dict[str, tuple[str, str, str]]:
    """name -> (type, table, normalised sql) of what our first ``applied`` migrations make."""
    return {name: (typ, table, normalise(sql)) for typ, name, table, sql in _built(applied)
            if not name.startswith("sqlite_")}


def applied_migrations(conn: sqlite3.Connection, master: dict) -> int:
    """How many of our migrations the file's schema should show: its record of them, or its version stamp."""
    # The larger of the record and the version stamp: a kill between a migration
    # and its stamp leaves the record ahead, and a record emptied by another
    # program must not make our own FTS triggers look foreign.
    stamp = max(0, min(conn.execute("PRAGMA user_version").fetchone()[0], len(migration_steps())))
    if master.get("_sqlite_migrations", ("",))[0] != "table":
        return stamp
    try:
        done = {r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                                           [MIGRATION_SET])}
    except sqlite3.Error:
        return stamp
    n = 0
    for m in migration_steps():
        if m.name not in done:
            break
        n += 1
    return max(n, stamp)


def master_rows(conn: sqlite3.Connection) -> dict[str, tuple[str, str, str | None]]:
    """Every object of the main schema: name -> (type, table, sql)."""
    return {name: (typ, table, sql) for typ, name, table, sql in
            conn.execute("SELECT type, name, tbl_name, sql FROM main.sqlite_master")}


def unsafe_schema(err: BaseException) -> bool:
    """True for SQLite's refusal to read a schema whose index, CHECK or column calls a function it does not trust."""
    return "unsafe use of" in str(err)


@contextlib.contextmanager
def trusting(conn: sqlite3.Connection) -> Iterator[None]:
    """Let SQLite parse a schema that calls untrusted functions, to read or drop its definitions."""
    # With trusted_schema off SQLite cannot even read sqlite_master of such a
    # file, and would call a sound file with one colleague's index "malformed".
    # The authorizer of guard() still holds back every write but our own.
    was = conn.execute("PRAGMA trusted_schema").fetchone()[0]
    conn.execute("PRAGMA trusted_schema = ON")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA trusted_schema = {int(bool(was))}")


def audit(conn: sqlite3.Connection) -> list[ForeignObject]:
    """Every object of the file's schema that our migrations would not have made, or made otherwise.

    An empty file, or one that is not ours at all, gives []: other checks
    say what is wrong with those.
    """
    try:
        return _audit(conn)
    except sqlite3.DatabaseError as err:
        if not unsafe_schema(err):
            raise
    with trusting(conn):
        return _audit(conn)


def _audit(conn: sqlite3.Connection) -> list[ForeignObject]:
    master = master_rows(conn)
    if not master:
        return []
    expected = expected_schema(applied_migrations(conn, master))
    # SQLite's names ignore case: RECORDS_AI stands where our records_ai belongs.
    folded = {name.lower(): name for name in expected}
    ours = {table.lower() for typ, table, _sql in expected.values() if typ == "table"}
    found: list[ForeignObject] = []
    seen: set[str] = set()
    for name, (typ, table, sql) in sorted(master.items()):
        if name.lower().startswith("sqlite_"):
            continue  # SQLite's own: automatic indexes, sqlite_stat1, sqlite_sequence
        own = folded.get(name.lower())
        want = expected.get(own) if own else None
        if want is None:
            if typ in ("trigger", "view") or (typ == "table" and _virtual(sql)) or \
                    (typ == "index" and table.lower() in ours and (_unique(sql) or _computed(sql))):
                found.append(ForeignObject(typ, name, table, "extra", sql or ""))
            continue  # plain tables and indexes of plain columns hold data, not code
        seen.add(own)
        if typ != want[0]:
            found.append(ForeignObject(typ, name, table, f"in place of {want[0]}", sql or ""))
        elif own == "_sqlite_migrations" or (typ == "index" and want[1] == "_sqlite_migrations"):
            continue  # its layout belongs to sqlite-utils and changed between its versions
        elif name != own or normalise(sql) != want[2] or table != want[1]:
            found.append(ForeignObject(typ, name, table, "changed", sql or ""))
    for name, (typ, table, _sql) in expected.items():
        if name not in seen and table != "_sqlite_migrations":
            found.append(ForeignObject(typ, name, table, "missing"))
    return found


def harmful(objects: list[ForeignObject]) -> list[ForeignObject]:
    """The objects that make a file unsafe to write to (missing ones are reported, not refused)."""
    return [o for o in objects if o.why != "missing"]


def _virtual(sql: str | None) -> bool:
    return bool(sql) and normalise(sql).upper().startswith("CREATE VIRTUAL TABLE")


def _unique(sql: str | None) -> bool:
    return bool(sql) and normalise(sql).upper().startswith("CREATE UNIQUE INDEX")


_PLAIN_INDEX = re.compile(r"CREATE INDEX (?:IF NOT EXISTS )?\S+ ON \S+\(([^()]*)\)", re.IGNORECASE)
_PLAIN_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?: COLLATE (?:BINARY|NOCASE|RTRIM))?(?: ASC| DESC)?",
                           re.IGNORECASE)


def _computed(sql: str | None) -> bool:
    """True for an index with an expression, a WHERE or a collation of its own: it runs on every write."""
    # An index of plain columns only holds data; an expression such as
    # json_extract(evidence, ...) can make every import fail, or a function
    # the file expects but we lack make every write "unknown function".
    match = _PLAIN_INDEX.fullmatch(normalise(sql))
    return not match or not all(_PLAIN_COLUMN.fullmatch(c) for c in match[1].split(","))


def names(objects: list[ForeignObject], limit: int = 5) -> str:
    """'trigger wipe on records (…), view x (…)' for a message, cut after ``limit``."""
    shown = ", ".join(o.describe() for o in objects[:limit])
    more = len(objects) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def refusal(path, objects: list[ForeignObject], doing: str = "it was opened for reading only",
            on_copy: bool = False) -> ForeignSchema:
    """The one-line refusal for a file with objects we did not make (``on_copy``: clean a copy, not the file)."""
    bad = harmful(objects)
    fixable = all(o.removable for o in bad)
    where = "COPY" if on_copy else str(path)
    fix = (f"{'copy it and ' if on_copy else ''}remove them with 'stancetracker --db \"{where}\" check "
           "--remove-foreign' (it backs the file up first)" if fixable else
           # A merge or restore source is not the user's database: their own is fine as it is.
           f"choose another file; 'stancetracker --db \"{path}\" check' lists them" if on_copy else
           "restore a backup (stancetracker restore); 'stancetracker check' lists them")
    return ForeignSchema(f"{path}: holds database objects stancetracker did not make: {names(bad)}; they could "
                         f"change your data behind your back, so {doing} — {fix}", bad)


def guard(conn: sqlite3.Connection) -> None:
    """Let no trigger but ours write through this connection, and ours only into their search index."""
    # The authorizer sees, at prepare time, which trigger (or view, or WITH
    # clause: SQLite names those alike) each action comes from; a write by a
    # trigger we did not make fails the statement ("not authorized") before
    # anything runs, even one added while the file is open.
    allowed = {name: f"{table}_fts" for name, (typ, table, _sql) in expected_schema(len(migration_steps())).items()
               if typ == "trigger"}

    def authorize(action: int, arg1, _arg2, _db, source) -> int:
        if source is None or action not in _WRITES:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_INSERT and arg1 is not None and allowed.get(source) == arg1:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY

    conn.set_authorizer(authorize)


def removal_sql(objects: list[ForeignObject], applied: int) -> list[str]:
    """The statements that drop the removable objects (and put our own changed ones back)."""
    expected_sql = {name.lower(): sql for _typ, name, _table, sql in _built(applied)}
    out = []
    for o in objects:
        if not o.removable:
            continue
        if o.why != "missing":
            kind = "TABLE" if o.type == "table" else o.type.upper()
            out.append(f'DROP {kind} IF EXISTS "{o.name.replace(chr(34), chr(34) * 2)}"')
        if o.why != "extra":  # ours, changed, missing or stood in for: made again as our migrations make it
            out.append(expected_sql[o.name.lower()])
    return out


__all__ = ["ForeignObject", "ForeignSchema", "applied_migrations", "audit", "expected_schema", "guard", "harmful", "normalise",
           "master_rows", "refusal", "removal_sql", "trusting", "unsafe_schema"]
