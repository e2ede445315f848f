"""Rotating, verified backups of a database file, made with SQLite's online backup API.

Where: a ``backups/`` folder beside the database, one file per backup named
``<stem>.<UTC stamp>.<reason>.db`` (e.g. ``team.20261105T143012.123456Z.import.db``).
Each copy passes ``PRAGMA integrity_check`` before it is renamed into place.

When (the hooks): on opening an existing writable database (``Store.open``,
unless ``backup=False``), before every migration, import and merge, and
before a restore replaces the file. A backup on open is skipped when the
newest backup is less than ``OPEN_INTERVAL`` old or when the database has not
changed since it was taken; a backup before an import or merge is skipped
only when the newest backup already holds exactly the current state.
"Unchanged" means the same last operation id, last record id and page count.

How many are kept: the ``KEEP_LAST`` newest, plus the newest of each of the
last ``KEEP_DAYS`` days (UTC) that has one, plus the newest backup taken
before a migration. Older ones are deleted after each new backup.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .database import _describe_sqlite_error, check_file, connect, schema_state
from .errors import DatabaseError
from .schema import SCHEMA_VERSION

BACKUP_DIR = "backups"
KEEP_LAST = 10
KEEP_DAYS = 7
OPEN_INTERVAL = _dt.timedelta(minutes=10)
REASONS = ("open", "migration", "import", "merge", "before-restore", "manual", "damaged")
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}T\d{6}\.\d{6}Z)\.(?P<reason>[a-z][a-z0-9-]*)\.db$")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: where, when (UTC), why and how big."""

    path: Path
    when: _dt.datetime
    reason: str
    size: int

    def describe(self) -> str:
        local = self.when.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        return f"{local}  {self.reason:<10} {self.size / 1e6:8.2f} MB  {self.path.name}"


def backup_dir(db_path: Path | str) -> Path:
    """The folder holding a database's backups."""
    return Path(db_path).resolve().parent / BACKUP_DIR


def list_backups(db_path: Path | str) -> list[BackupInfo]:
    """The backups of a database, newest first."""
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    out = []
    if not folder.is_dir():
        return out
    for f in folder.iterdir():
        m = _NAME.match(f.name)
        if not m or m["stem"] != db_path.stem or not f.is_file():
            continue
        when = _dt.datetime.strptime(m["stamp"], _STAMP).replace(tzinfo=_dt.timezone.utc)
        with contextlib.suppress(OSError):
            out.append(BackupInfo(f, when, m["reason"], f.stat().st_size))
    out.sort(key=lambda b: b.when, reverse=True)
    return out


def _state_key(conn: sqlite3.Connection) -> tuple:
    """What changes whenever the data does: last operation, last record, page count."""
    q = lambda sql: conn.execute(sql).fetchone()[0]
    try:
        return (q("SELECT max(id) FROM operations"), q("SELECT max(id) FROM records"),
                q("PRAGMA page_count"))
    except sqlite3.Error:
        return (None, None, None)


def _backup_state(path: Path) -> tuple | None:
    try:
        conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None
    try:
        return _state_key(conn)
    finally:
        conn.close()


def _connection(source) -> tuple[sqlite3.Connection, Path | None, bool]:
    """(connection, its file, whether we opened it) for a Store, a connection or a path."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        check_file(path)
        try:
            return connect(path, readonly=True), path, True
        except sqlite3.Error as err:
            raise DatabaseError(_describe_sqlite_error(path, err)) from None
    if isinstance(source, sqlite3.Connection):
        return source, None, False
    return source.conn, getattr(source, "path", None), False


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def copy_verified(conn: sqlite3.Connection, target: Path, source_name: Path | str | None = None) -> Path:
    """Copy a database with the online backup API into ``target``; verify, then rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    tmp.unlink(missing_ok=True)
    name = source_name or target
    try:
        dest = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.backup(dest)
            # A rollback-journal copy is one self-contained file, whatever the source's mode.
            dest.execute("PRAGMA journal_mode = DELETE")
            result = [" ".join(r[0].split()) for r in dest.execute("PRAGMA integrity_check(5)")]
        finally:
            dest.close()
    except sqlite3.Error as err:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(_describe_sqlite_error(Path(name), err)) from None
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"{target}: cannot write the backup ({err.strerror})") from None
    if result != ["ok"]:
        tmp.unlink(missing_ok=True)
        raise DatabaseError(f"{name}: the database is damaged (its backup copy failed the integrity check: "
                            f"{'; '.join(result)[:200]}); run 'stancetracker check' and restore it from a "
                            "backup ('stancetracker restore') — it has not been changed")
    os.replace(tmp, target)
    _fsync_dir(target.parent)
    return target


def copy_to(source, target: Path | str) -> Path:
    """A verified copy of a database (a Store, connection or path) at a place the user chose."""
    conn, db_path, opened = _connection(source)
    try:
        return copy_verified(conn, Path(target), db_path)
    finally:
        if opened:
            conn.close()


def make_backup(source, path: Path | str | None = None, reason: str = "manual") -> BackupInfo:
    """Make a verified backup of a database (a Store, a connection or a file path), then rotate.

    ``path`` is the database file (needed when ``source`` is a bare
    connection). Raises DatabaseError if the copy fails its check.
    """
    conn, own_path, opened = _connection(source)
    try:
        db_path = Path(path) if path is not None else own_path
        if db_path is None:
            raise DatabaseError("an in-memory database has no backups")
        now = _dt.datetime.now(_dt.timezone.utc)
        folder = backup_dir(db_path)
        target = folder / f"{db_path.stem}.{now.strftime(_STAMP)}.{reason}.db"
        while target.exists():  # two backups in one microsecond
            now += _dt.timedelta(microseconds=1)
            target = folder / f"{db_path.stem}.{now.strftime(_STAMP)}.{reason}.db"
        copy_verified(conn, target, db_path)
    finally:
        if opened:
            conn.close()
    rotate(db_path)
    return BackupInfo(target, now, reason, target.stat().st_size)


def rotate(db_path: Path | str, now: _dt.datetime | None = None) -> list[Path]:
    """Delete the backups the keeping rule (module docstring) no longer needs; returns them."""
    backups = list_backups(db_path)
    now = now or _dt.datetime.now(_dt.timezone.utc)
    keep = {b.path for b in backups[:KEEP_LAST]}
    days: set[_dt.date] = set()
    for b in backups:  # newest first, so the first seen of each day is its newest
        day = b.when.date()
        if (now.date() - day).days < KEEP_DAYS and day not in days:
            days.add(day)
            keep.add(b.path)
    migration = next((b for b in backups if b.reason == "migration"), None)
    if migration:
        keep.add(migration.path)
    removed = []
    for b in backups:
        if b.path not in keep:
            with contextlib.suppress(OSError):
                b.path.unlink()
                removed.append(b.path)
    return removed


def _writable_store(store) -> bool:
    return (store.path is not None and not store.readonly and getattr(store, "_op_id", None) is None
            and getattr(store, "auto_backup", True))


def backup_if_changed(store, reason: str) -> BackupInfo | None:
    """Back up before an import or merge, unless the newest backup already holds this state."""
    if not _writable_store(store):
        return None
    newest = next(iter(list_backups(store.path)), None)
    if newest and _backup_state(newest.path) == _state_key(store.conn):
        return None
    return make_backup(store, store.path, reason)


def backup_on_open(store, *, force: bool = False) -> BackupInfo | None:
    """The backup made when a database is opened, throttled (see the module docstring).

    ``store`` may also be the database's path: then the backup reads through
    its own connection, so a GUI can run it in a worker thread after
    ``Store.open(path, backup=False)``.
    """
    if isinstance(store, (str, Path)):
        db_path = Path(store)
        if not os.access(db_path, os.W_OK) or not os.access(db_path.parent, os.W_OK):
            return None
        conn, _, _ = _connection(db_path)
        try:
            return _backup_on_open(conn, db_path, force)
        finally:
            conn.close()
    if not _writable_store(store):
        return None
    return _backup_on_open(store.conn, store.path, force)


def _backup_on_open(conn: sqlite3.Connection, db_path: Path, force: bool) -> BackupInfo | None:
    newest = next(iter(list_backups(db_path)), None)
    if newest and not force:
        if _dt.datetime.now(_dt.timezone.utc) - newest.when < OPEN_INTERVAL:
            return None
        if _backup_state(newest.path) == _state_key(conn):
            return None
    return make_backup(conn, db_path, "open")


def verify_backup(backup_path: Path | str) -> None:
    """Refuse a file that is not a sound stancetracker database this version can open."""
    backup_path = Path(backup_path)
    if not backup_path.is_file():
        raise DatabaseError(f"{backup_path}: no such backup")
    check_file(backup_path)
    from .foreign import bounded, open_foreign
    from .schema_audit import audit, harmful, refusal
    try:
        # Issue 12: a "backup" may come from anywhere; read it as data, never as code.
        with open_foreign(backup_path) as other, bounded(other.conn, backup_path):
            conn = other.conn
            ours, version = schema_state(conn)
            result = [" ".join(r[0].split()) for r in conn.execute("PRAGMA integrity_check(5)")]
            foreign = harmful(audit(conn)) if ours else []
    except sqlite3.Error as err:
        raise DatabaseError(_describe_sqlite_error(backup_path, err)) from None
    if not ours:
        raise DatabaseError(f"{backup_path}: is not a stancetracker database; nothing was restored")
    if version > SCHEMA_VERSION:
        raise DatabaseError(f"{backup_path}: was made by a newer version of stancetracker; nothing was restored")
    if result != ["ok"]:
        raise DatabaseError(f"{backup_path}: the backup is damaged ({'; '.join(result)[:200]}); "
                            "choose another; nothing was restored")
    if foreign:
        raise refusal(backup_path, foreign, "it is not restored (nothing was changed)", on_copy=True)


@dataclass
class RestoreResult:
    """What a restore did: which backup went in, and where the replaced file was saved."""

    db_path: Path
    restored_from: Path
    saved_current: Path | None
    saved_verified: bool = True

    def summary(self) -> str:
        saved = ""
        if self.saved_current:
            saved = (f"; the state it replaced was saved as {self.saved_current}"
                     + ("" if self.saved_verified else " (a raw copy: that file was damaged)"))
        return f"Restored {self.db_path} from {self.restored_from.name}{saved}"


def _claim(db_path: Path) -> bool:
    """Check nobody else has the database open; returns False if the file is unusable as SQLite.

    Leaving WAL mode needs every other connection closed, so it doubles as
    the test; it also checkpoints and removes the -wal and -shm files.
    """
    try:
        conn = sqlite3.connect(str(db_path), isolation_level=None, timeout=0)
    except sqlite3.Error:
        return False
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if mode.lower() != "delete":
            raise DatabaseError(f"{db_path}: is open in another stancetracker window or program; "
                                "close it there and try again — nothing was restored")
        return True
    except sqlite3.OperationalError as err:
        text = str(err).lower()
        if "locked" in text or "busy" in text:
            raise DatabaseError(f"{db_path}: is open in another stancetracker window or program; "
                                "close it there and try again — nothing was restored") from None
        return False
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def restore_backup(db_path: Path | str, backup_path: Path | str) -> RestoreResult:
    """Replace a database with one of its backups, atomically.

    The backup is verified first; the current file is backed up (or, if it
    is too damaged for that, copied byte for byte) before it is replaced.
    Close every Store on the file first: a file open elsewhere is refused.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    verify_backup(backup_path)
    saved, verified = None, True
    if db_path.exists() and db_path.stat().st_size > 0:
        if not os.access(db_path.parent, os.W_OK) or not os.access(db_path, os.W_OK):
            raise DatabaseError(f"{db_path}: the file or its folder is read-only; nothing was restored")
        sound = _claim(db_path)
        try:
            if not sound:
                raise DatabaseError("unusable")
            saved = make_backup(db_path, db_path, "before-restore").path
        except DatabaseError:
            verified = False
            saved = _raw_copy(db_path)
    from .foreign import open_foreign
    tmp = db_path.with_name(f".{db_path.name}.restoring")
    # The same reading as verify_backup: a -wal or hot -journal beside it counts, in a private copy.
    with open_foreign(backup_path) as src:
        copy_verified(src.conn, tmp, backup_path)
    for suffix in ("-wal", "-shm", "-journal"):  # leftovers would be replayed into the restored file
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, db_path)
    _fsync_dir(db_path.parent)
    return RestoreResult(db_path, backup_path, saved, verified)


def _raw_copy(db_path: Path) -> Path:
    now = _dt.datetime.now(_dt.timezone.utc)
    target = backup_dir(db_path) / f"{db_path.stem}.{now.strftime(_STAMP)}.damaged.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(db_path, target)
    wal = Path(f"{db_path}-wal")
    if wal.exists():
        shutil.copy2(wal, Path(f"{target}-wal"))
    return target


__all__ = ["BackupInfo", "RestoreResult", "backup_dir", "backup_if_changed", "backup_on_open",
           "list_backups", "make_backup", "restore_backup", "rotate", "verify_backup"]
