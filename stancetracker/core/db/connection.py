"""Opening a database file safely: checks, pragmas, migrations, backups."""

from __future__ import annotations

import contextlib
import datetime as _dt
import errno
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Iterator
from pathlib import Path


from stancetracker.core.model.errors import DatabaseError
from stancetracker.core.db.schema import (
    APPLICATION_ID,
    MIGRATION_SET,
    SCHEMA_VERSION,
    helper_database,
    migration_steps,
    migrations,
)
from stancetracker.core.db.schema_audit import audit, guard, harmful, refusal, unsafe_schema

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# New databases use 8 KiB pages (SQLite's default is 4 KiB): fewer, fuller pages
# for a table of a million records, which made a large import ~10% faster.
PAGE_SIZE = 8192


# The connection type, for the type hints of modules outside core/db (which do not import sqlite3).
Connection = sqlite3.Connection


# The error SQLite itself raises, for callers above core/db that must catch it without importing sqlite3.
SqliteError = sqlite3.Error


@contextlib.contextmanager
def plain_errors(path: Path | str | None) -> Iterator[None]:
    """Turn an SQLite error raised in the block into a DatabaseError with describe_sqlite_error's message."""
    try:
        yield
    except sqlite3.Error as err:
        raise DatabaseError(describe_sqlite_error(path, err)) from None


def busy_timeout_ms() -> int:
    """How long to wait for a lock: $STANCETRACKER_BUSY_TIMEOUT_MS, else BUSY_TIMEOUT_MS (issue 6)."""
    try:
        return max(0, int(os.environ.get("STANCETRACKER_BUSY_TIMEOUT_MS", "")))
    except ValueError:
        return BUSY_TIMEOUT_MS


def describe_sqlite_error(path: Path | str | None, err: sqlite3.Error) -> str:
    """A plain message naming the file for an SQLite error: what went wrong and what to do."""
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return (f"{path}: the database is locked by another program (another stancetracker "
                "window or a sync client?); close it and try again")
    if "readonly" in text or "read-only" in text:
        return f"{path}: the database or its folder is read-only; open it read-only or copy it somewhere writable"
    if "unsafe use of" in text:  # an object another program made calls a function SQLite does not trust
        return (f"{path}: holds a database object stancetracker did not make ({err}); it was left untouched — "
                f"'stancetracker --db \"{path}\" check' lists it and 'check --remove-foreign' removes it")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        if sound_without_wal(path):
            return wal_misfit(path)
        return (f"{path}: the file is damaged ({err}); restore it from a backup "
                "(stancetracker restore) — it has not been changed")
    if "not authorized" in text:  # the authorizer of schema_audit.guard stopped a foreign trigger
        return (f"{path}: a trigger or view in the file that stancetracker did not make tried to change data and "
                f"was stopped; nothing was saved — 'stancetracker --db \"{path}\" check' lists it")
    if "unable to open" in text:
        return f"{path}: cannot open the file (does its folder exist, and may you write to it?)"
    if "disk" in text and ("full" in text or "i/o" in text):
        return f"{path}: the disk is full or failing ({err}); free space and try again — nothing was saved"
    return f"{path}: {err}"


def sound_without_wal(path: Path | str) -> bool:
    """True if ``path`` has a -wal and reads as a sound database without it (immutable ignores the -wal)."""
    try:
        if os.path.getsize(f"{path}-wal") == 0:
            return False
        conn = connect(path, readonly=True, immutable=True)
        try:
            ours, version = schema_state(conn)
            return ours and version > 0 and [r[0] for r in conn.execute("PRAGMA quick_check(1)")] == ["ok"]
        finally:
            conn.close()
    except (OSError, sqlite3.Error):
        return False


def wal_misfit(path: Path | str) -> str:
    """The refusal for a sound file of ours that its -wal turns into something else (see sound_without_wal)."""
    # Its frames pass their checksums but make nonsense of the file: another database's
    # log put beside it. A restore would throw away a file that is fine (issue 12).
    return (f"{path}: the file is sound, but the write-ahead log beside it ({path}-wal) does not fit it "
            "(another database's, or damaged); move that file aside to open it as of its last checkpoint "
            "(changes only in that log are not in it) — nothing was changed")


def connect(path: Path | str, *, readonly: bool = False, immutable: bool = False) -> sqlite3.Connection:
    """A connection with our pragmas; transactions are managed explicitly.

    ``immutable`` (read-only folders, issue 6) opens without locks or a -shm file.
    A writable connection trusts the file's triggers only if its schema is ours.
    """
    p = str(path)
    timeout = busy_timeout_ms()
    if p == ":memory:":
        conn = sqlite3.connect(p, isolation_level=None, check_same_thread=False)
    else:
        query = "?mode=ro&immutable=1" if immutable else ("?mode=ro" if readonly else "")
        uri = Path(p).resolve().as_uri() + query
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout / 1000,
                               check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {timeout}")
    conn.execute("PRAGMA foreign_keys = ON")
    harden(conn)
    if not readonly and not immutable and not harmful(audit(conn)):
        trust_own_triggers(conn)
    return conn


def harden(conn: sqlite3.Connection) -> None:
    """Treat the file's schema as data (issue 12): trusted_schema off, defensive mode, our authorizer."""
    conn.execute("PRAGMA trusted_schema = OFF")
    # Defensive mode refuses writable_schema and direct writes to shadow tables;
    # the sqlite3 module can set it from Python 3.12 on, 3.11 has no way to.
    defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if defensive is not None and hasattr(conn, "setconfig"):
        conn.setconfig(defensive, True)
    guard(conn)


def trust_own_triggers(conn: sqlite3.Connection) -> None:
    """Allow the FTS5 triggers sqlite-utils made, on a connection whose schema passed the audit."""
    # With trusted_schema off SQLite refuses them ("unsafe use of virtual table"):
    # FTS5 does not declare itself innocuous. The authorizer still holds back
    # every trigger that is not ours.
    conn.execute("PRAGMA trusted_schema = ON")


def check_file(path: Path) -> None:
    """Refuse files that are plainly not SQLite databases, before SQLite touches them."""
    _require_regular(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except PermissionError:
        raise DatabaseError(f"{path}: you may not read this file") from None
    except OSError as err:
        raise DatabaseError(f"{path}: cannot read the file ({err.strerror})") from None
    if head and not head.startswith(SQLITE_HEADER):
        raise DatabaseError(f"{path}: is not a stancetracker database (not an SQLite file); it was left untouched")
    if head and len(head) < 100:
        raise DatabaseError(f"{path}: the file is truncated (only {len(head)} bytes); restore it from a backup")
    # Issue 6: the header's page count (when valid) says how long the file must be.
    if head:
        page_size = int.from_bytes(head[16:18], "big")
        page_size = 65536 if page_size == 1 else page_size
        pages = int.from_bytes(head[28:32], "big")
        size = path.stat().st_size
        if pages and head[24:28] == head[92:96] and size < page_size * pages and not _whole_with_wal(path):
            raise DatabaseError(f"{path}: the file is truncated ({size:,} bytes of the {page_size * pages:,} it "
                                "should have); restore it from a backup (stancetracker restore) — it has not been changed")


def _require_regular(path: Path) -> None:
    """Refuse a folder, pipe, device or socket before it is opened: opening a FIFO waits for ever."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return  # the opening that follows says so, or creates it
    except OSError as err:
        raise DatabaseError(f"{path}: cannot read the file ({err.strerror})") from None
    if stat.S_ISDIR(mode):
        raise DatabaseError(f"{path}: is a folder, not a database file")
    if not stat.S_ISREG(mode):
        kind = ("a pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "a special file")
        raise DatabaseError(f"{path}: is {kind}, not a database file; it was left untouched")


def _link_loop(path: Path) -> bool:
    """True if ``path`` is a symbolic link whose chain never reaches a name (ELOOP)."""
    try:
        os.stat(path)
    except OSError as err:
        return err.errno == errno.ELOOP
    return False


def _whole_with_wal(path: Path) -> bool:
    """True if the file, shorter than its header says, is whole once its -wal is read (issue 12).

    A kill while committed pages are copied from the -wal into the file
    leaves a header that already counts them; the -wal still holds them all,
    and SQLite reads them from there. Read-only, so the -wal is not folded in.
    """
    wal = Path(f"{path}-wal")
    try:
        if wal.stat().st_size < 32:
            return False
    except OSError:
        return False
    try:
        conn = connect(path, readonly=True)
        try:
            return [r[0] for r in conn.execute("PRAGMA quick_check(1)")] == ["ok"]
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _probe_connection(path: Path) -> sqlite3.Connection:
    """A connection that changes nothing and leaves nothing beside the file once closed."""
    # A read-only connection cannot remove the -wal and -shm it makes for a WAL
    # file, so a file refused by the probe ("newer version", "not ours") would
    # be left with two new neighbours. With no -wal or -journal beside it there
    # is nothing a writable connection could fold in or roll back, and its close
    # removes them; query_only keeps it from writing.
    if not any(os.path.exists(f"{path}{side}") for side in ("-wal", "-journal")):
        if not os.access(path, os.W_OK):
            # Nor can it remove them when the file is read-only; a file nobody may
            # write cannot change while it is read: immutable needs no -shm.
            return connect(path, readonly=True, immutable=True)
        try:
            conn = connect(path)
            conn.execute("PRAGMA query_only = ON")
            return conn
        except sqlite3.Error:
            pass  # a read-only file or folder: read it read-only
    return connect(path, readonly=True)


def probe_read_only(path: Path) -> None:
    """Read an existing file's schema through a read-only connection; refuse it if that fails (issue 12).

    Done before any connection that may write is opened: such a connection
    folds the -wal into the file when it closes, so a file found damaged
    through a stale -wal would be changed by being refused. Errors that only
    say it cannot be opened read-only this way (a read-only folder) are left
    to the opening that follows.
    """
    try:
        conn = _probe_connection(path)
    except sqlite3.Error:
        return
    try:
        ours, version = schema_state(conn)
        if ours and version == 0 and sound_without_wal(path):
            # Read through its -wal, a file of ours looks new and empty: opening it to write would
            # fold that log in and "initialise" the file over its records.
            raise DatabaseError(wal_misfit(path))
    except sqlite3.DatabaseError as err:
        text = str(err).lower()
        if unsafe_schema(err):  # sound, but an object of another program calls a function: foreign, not damage
            try:
                objects = harmful(audit(conn))
            except sqlite3.Error:
                objects = []
            conn.close()
            if objects:
                raise refusal(path, objects, "stancetracker will not read or write it (nothing was changed)") from None
            raise DatabaseError(describe_sqlite_error(path, err)) from None
        if not isinstance(err, sqlite3.OperationalError) or any(w in text for w in ("malformed", "locked", "busy")):
            raise DatabaseError(describe_sqlite_error(path, err)) from None
        return
    finally:
        conn.close()
    _refuse(path, ours, version)


# A value another program wrote past a CHECK or NOT NULL constraint is a value
# problem (check lists it with its row, the window marks it); only the rest of
# what integrity_check reports is damage to the file.
_CONSTRAINT = re.compile(r"^(CHECK constraint failed in \S+|NULL value in \S+)$")


def integrity_faults(conn: sqlite3.Connection, limit: int = 20) -> tuple[list[str], list[str]]:
    """(damage, values past constraints) from ``PRAGMA integrity_check``; both empty for a sound file."""
    found = [" ".join(r[0].split()) for r in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    values = [f for f in found if _CONSTRAINT.match(f)]
    return [f for f in found if f != "ok" and f not in values], values


def schema_state(conn: sqlite3.Connection) -> tuple[bool, int]:
    """(is ours, user_version); an empty database counts as ours at version 0."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if not tables or (tables == {"_sqlite_migrations"} and not conn.execute(
            "SELECT count(*) FROM _sqlite_migrations").fetchone()[0]):
        return True, 0  # empty, or left so by a kill before the first migration of an older version
    if app_id == APPLICATION_ID:
        return True, version
    if "_sqlite_migrations" in tables:
        row = conn.execute("SELECT count(*) FROM _sqlite_migrations WHERE migration_set = ?",
                           [MIGRATION_SET]).fetchone()
        if row[0]:
            return True, version
    return False, version


def _refuse(path: Path | None, ours: bool, version: int) -> None:
    if (not ours or version > SCHEMA_VERSION) and path is not None and sound_without_wal(path):
        raise DatabaseError(wal_misfit(path))
    if not ours:
        raise DatabaseError(f"{path}: is an SQLite database, but not a stancetracker one; it was left untouched")
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{path}: was made by a newer version of stancetracker (schema {version}, this version "
            f"knows {SCHEMA_VERSION}); update stancetracker to open it — it was left untouched")


class NeedsUpgrade(DatabaseError):
    """A read-only opening found migrations to apply; a writable opening applies them."""


# Makes the backup copy of a database file before its migration (backups.migration_backup).
MigrationBackup = Callable[[Path], object]


def migrate(conn: sqlite3.Connection, path: Path | None, *, readonly: bool,
            backup: MigrationBackup | None = None) -> list[str]:
    """Apply pending migrations (after ``backup`` of a non-empty database file).

    ``backup`` is required for a file that holds data; the caller passes it
    so that this module does not depend on the backups module, which opens
    files through it.

    Each migration, its row in ``_sqlite_migrations`` and the version stamp
    (``user_version``, ``application_id``) are one transaction, so a kill
    between them leaves either the old state or the new one (issue 12).
    """
    ours, version = schema_state(conn)
    _refuse(path, ours, version)
    db = helper_database(conn)
    applied = {m.name for m in migrations.applied(db)}
    pending = [(n, m) for n, m in enumerate(migration_steps(), 1) if m.name not in applied]
    if not pending:
        if not readonly and _stamp_of(conn) != (APPLICATION_ID, SCHEMA_VERSION):
            _in_transaction(conn, lambda: _stamp(conn, SCHEMA_VERSION))  # a stamp lost by an older version
        return []
    if readonly:
        raise NeedsUpgrade(f"{path}: needs upgrading, which cannot be done while it is read-only")
    if version > 0 and path is not None:
        if backup is None:
            raise DatabaseError(f"{path}: needs upgrading, and no backup copy can be made first; nothing was changed")
        backup(path)  # issue 6: rotated, verified, in backups/ beside the file
    for number, migration in pending:
        def step(migration=migration, number=number) -> None:
            migrations.ensure_migrations_table(db)
            migration.fn(db)
            conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES (?, ?, ?)",
                         [MIGRATION_SET, migration.name, str(_dt.datetime.now(_dt.timezone.utc))])
            _stamp(conn, number)
        _in_transaction(conn, step)
    return [m.name for _, m in pending]


def _stamp_of(conn: sqlite3.Connection) -> tuple[int, int]:
    return (conn.execute("PRAGMA application_id").fetchone()[0], conn.execute("PRAGMA user_version").fetchone()[0])


def _stamp(conn: sqlite3.Connection, version: int) -> None:
    """Mark the file as ours at ``version`` (inside the caller's transaction: the header is part of it)."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {int(version)}")


def _in_transaction(conn: sqlite3.Connection, work) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        work()
        if not conn.in_transaction:  # SQLite rolled it back (disk full ...): nothing of it stands
            raise sqlite3.OperationalError("the upgrade was rolled back by SQLite before it was complete")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def needs_upgrade(path: Path | str) -> bool:
    """True if opening ``path`` will run migrations on a database that holds data (it may take a while)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return False
    try:
        conn = connect(path, readonly=True)
        try:
            ours, version = schema_state(conn)
            # A lost stamp alone (all migrations recorded) is put right at once on opening.
            pending = ours and bool(migrations.pending(helper_database(conn)))
        finally:
            conn.close()
    except sqlite3.Error:
        return False  # opening it will say what is wrong
    return pending and 0 < version < SCHEMA_VERSION


def open_connection(path: Path | str, *, readonly: bool = False, create: bool = True,
                    backup: MigrationBackup | None = None) -> tuple[sqlite3.Connection, bool, bool]:
    """Open (or create) a database, migrating it (after ``backup``); returns (connection, created, readonly).

    Raises DatabaseError with a plain message for every file that cannot be
    used; such files are never written to.
    """
    if str(path) == ":memory:":
        conn = connect(path)
        migrate(conn, None, readonly=False)
        return conn, True, False
    path = Path(path)
    exists = path.exists() and path.stat().st_size > 0 if path.exists() else False
    if path.exists():
        check_file(path)
        if not exists and not create:  # issue 12: reading never turns an empty file into a database
            raise DatabaseError(f"{path}: is an empty file (0 bytes), not a database yet; create one there with "
                                f"'stancetracker --db \"{path}\" init' — it was left untouched")
        if exists:
            probe_read_only(path)
    elif _link_loop(path):
        raise DatabaseError(f"{path}: is a symbolic link that loops back on itself; it was left untouched")
    elif not create:
        raise DatabaseError(f"{path}: no such database")
    elif not Path(os.path.realpath(path)).parent.exists():  # a link's target decides where SQLite writes
        raise DatabaseError(f"{path}: the folder {Path(os.path.realpath(path)).parent} does not exist")
    asked_readonly = readonly
    if exists and not readonly and not os.access(path, os.W_OK):
        readonly = True
    if exists and not readonly and not os.access(path.parent, os.W_OK):
        readonly = True  # SQLite needs to write its journal beside the file
    if not exists and not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"{path}: the folder is read-only, so no database can be created there")
    try:
        try:
            conn = _probe_connection(path) if readonly and exists else connect(path, readonly=readonly)
            ours, version = schema_state(conn)
        except sqlite3.OperationalError:
            # Issue 6: a WAL database in a read-only folder cannot get its -shm
            # file; with no -wal pending, reading it as immutable is safe.
            if not (exists and readonly and not os.access(path.parent, os.W_OK)
                    and not Path(f"{path}-wal").exists()):
                raise
            conn = connect(path, readonly=True, immutable=True)
            ours, version = schema_state(conn)
        if not ours or version > SCHEMA_VERSION:
            conn.close()
            _refuse(path, ours, version)
        foreign = harmful(audit(conn)) if exists else []
        if foreign and (asked_readonly or not readonly):  # a reading meant as such reads it with open_for_reading
            conn.close()
            raise refusal(path, foreign, "stancetracker will not write to it (nothing was changed)")
        if not exists and not readonly:
            conn.execute(f"PRAGMA page_size = {PAGE_SIZE}")  # only a new, empty file takes it
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":  # pragma: no cover - network file systems
                conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
        try:
            migrate(conn, path, readonly=readonly, backup=backup)
        except DatabaseError:
            conn.close()
            raise
    except sqlite3.Error as err:
        raise DatabaseError(describe_sqlite_error(path, err)) from None
    return conn, not exists, readonly
