"""Rotating, verified backups of a database file, made with SQLite's online backup API.

Where: a ``backups/`` folder beside the database, one file per backup named
``<stem>.<UTC stamp>.<reason>.db`` (e.g. ``team.20261105T143012.123456Z.import.db``; a file not
ending in .db is named whole: ``team.sqlite.<stamp>.<reason>.db``).
Each copy passes ``PRAGMA integrity_check`` before it is renamed into place.

When (the hooks): on opening an existing writable database
(``project.open_project``, unless ``backup=False``), before every migration, import and merge, and
before a restore replaces the file. A backup on open is skipped when the
newest backup is less than ``OPEN_INTERVAL`` old or when the database has not
changed since it was taken; a backup before an import or merge is skipped
only when the newest backup already holds exactly the current state.
"Unchanged" means the same last operation id, last record id and page count.

How many are kept: the ``KEEP_LAST`` newest, plus the newest of each of the
last ``KEEP_DAYS`` days (UTC) that has one, plus the newest backup taken
before a migration. Older ones are deleted after each new backup.

Copies are written under a temporary name that says who writes it: the
process id and a short hash of the host name (``<name>.<pid>-<host>.partial``,
``.<db name>.<pid>-<host>.restoring``). The leftovers of a killed backup or
restore are removed at the next backup, restore or open of that database
once that process no longer runs on this host (issue 12); a leftover of
another host (a shared folder) only when it is old.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from stancetracker.core.db.backup_files import (
    HOST,
    STALE_AFTER,
    STAMP,
    BackupInfo,
    History,
    backup_key,
    backup_state,
    clean_partials,
    copy_verified,
    discard_copy,
    history_of,
    holds_operation,
    list_backups,
    reading,
    state_key,
    temporary_path,
)
from stancetracker.core.db.connection import (
    check_file,
    describe_sqlite_error,
    integrity_faults,
    probe_read_only,
    schema_state,
)
from stancetracker.core.db.foreign import bounded, open_foreign
from stancetracker.core.db.schema import SCHEMA_VERSION
from stancetracker.core.db.schema_audit import audit, harmful, refusal
from stancetracker.core.files import outputs
from stancetracker.core.files.outputs import BACKUP_DIR, backup_dir
from stancetracker.core.model.progress import Progress
from stancetracker.core.model.errors import DatabaseError

KEEP_LAST = 10
KEEP_DAYS = 7
OPEN_INTERVAL = _dt.timedelta(minutes=10)
REASONS = ("open", "migration", "import", "merge", "before-restore", "manual", "damaged")


def copy_to(db_path: Path | str, target: Path | str, option: str = "",
            progress: Progress | None = None) -> Path | str:
    """A verified copy of the database file ``db_path`` at a place the user chose.

    ``target`` follows the rule of core/outputs.py: never the database, its
    neighbours or its backups folder; a symbolic link is kept.
    """
    db_path = Path(db_path)
    with reading(db_path) as conn:
        protect = outputs.database_files(db_path)
        with outputs.output_path(target, protect=protect, option=option) as tmp:
            copy_verified(conn, tmp, db_path, progress)
    return target


def make_backup(db_path: Path | str | None, reason: str = "manual",
                progress: Progress | None = None) -> BackupInfo:
    """Make a verified backup of the database file ``db_path``, then rotate.

    Raises DatabaseError if the copy fails its check; ``None`` (an
    in-memory database) has no backups.
    """
    if db_path is None:
        raise DatabaseError("an in-memory database has no backups")
    db_path = Path(db_path)
    with reading(db_path) as conn:
        return _backup(conn, db_path, reason, progress)


def migration_backup(db_path: Path) -> None:
    """The backup made before a migration (see connection.migrate, which is given this)."""
    make_backup(db_path, "migration")


def _backup(conn: sqlite3.Connection, db_path: Path, reason: str,
            progress: Progress | None = None) -> BackupInfo:
    clean_partials(db_path)
    now = _dt.datetime.now(_dt.timezone.utc)
    folder = backup_dir(db_path)
    target = folder / f"{backup_key(db_path)}.{now.strftime(STAMP)}.{reason}.db"
    while target.exists():  # two backups in one microsecond
        now += _dt.timedelta(microseconds=1)
        target = folder / f"{backup_key(db_path)}.{now.strftime(STAMP)}.{reason}.db"
    copy_verified(conn, target, db_path, progress)
    rotate(db_path)
    return BackupInfo(target, now, reason, target.stat().st_size)


def rotate(db_path: Path | str, now: _dt.datetime | None = None) -> list[Path]:
    """Delete the backups the keeping rule (module docstring) no longer needs; returns them."""
    backups = list_backups(db_path)
    now = now or _dt.datetime.now(_dt.timezone.utc)
    keep = {b.path for b in backups[:KEEP_LAST]}
    # A clock set wrong makes stamps lie (issue 12): one backup of each of the KEEP_LAST newest states
    # by the file's own history stays too.
    states: dict[tuple, Path] = {}
    for b in reversed(backups):  # oldest first, so the newest backup of a state is the one kept
        state = history_of(b.path)
        if state is not None:
            states[state.position] = b.path
    keep.update(states[p] for p in sorted(states, reverse=True)[:KEEP_LAST])
    days: set[_dt.date] = set()
    for b in backups:  # newest first, so the first seen of each day is its newest
        day = b.when.date()
        if 0 <= (now.date() - day).days < KEEP_DAYS and day not in days:
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


def backup_if_changed(db_path: Path | str, reason: str) -> BackupInfo | None:
    """Back up before an import or merge, unless the newest backup already holds this state.

    Store.backup_before decides whether a store's file is backed up at all.
    """
    db_path = Path(db_path)
    with reading(db_path) as conn:
        newest = next(iter(list_backups(db_path)), None)
        if newest and backup_state(newest.path) == state_key(conn):
            return None
        return _backup(conn, db_path, reason)


def backup_on_open(db_path: Path | str, *, force: bool = False) -> BackupInfo | None:
    """The backup made when a database is opened, throttled (see the module docstring).

    It reads through its own connection, so a GUI can run it in a worker
    thread after ``open_project(path, backup=False)``; a file or folder that
    is read-only is not backed up.
    """
    db_path = Path(db_path)
    if not os.access(db_path, os.W_OK) or not os.access(db_path.parent, os.W_OK):
        return None
    clean_partials(db_path)
    newest = next(iter(list_backups(db_path)), None)
    if newest and not force and _dt.timedelta(0) <= _dt.datetime.now(_dt.timezone.utc) - newest.when < OPEN_INTERVAL:
        return None  # throttled: decided without opening the file
    with reading(db_path) as conn:
        if newest and not force and backup_state(newest.path) == state_key(conn):
            return None
        return _backup(conn, db_path, "open")


def verify_backup(backup_path: Path | str) -> None:
    """Refuse a file that is not a sound stancetracker database this version can open."""
    backup_path = Path(backup_path)
    if not backup_path.exists():
        raise DatabaseError(f"{backup_path}: no such backup")
    check_file(backup_path)  # a folder, a FIFO or a device is named as what it is
    try:
        # Issue 12: a "backup" may come from anywhere; read it as data, never as code.
        with open_foreign(backup_path) as other, bounded(other.conn, backup_path):
            conn = other.conn
            ours, version = schema_state(conn)
            result = integrity_faults(conn, 5)[0] or ["ok"]
            foreign = harmful(audit(conn)) if ours else []
    except sqlite3.Error as err:
        raise DatabaseError(describe_sqlite_error(backup_path, err)) from None
    if not ours:
        raise DatabaseError(f"{backup_path}: is not a stancetracker database; nothing was restored")
    if version > SCHEMA_VERSION:
        raise DatabaseError(f"{backup_path}: was made by a newer version of stancetracker; nothing was restored")
    if result != ["ok"]:
        raise DatabaseError(f"{backup_path}: the backup is damaged ({'; '.join(result)[:200]}); "
                            "choose another; nothing was restored")
    if foreign:
        raise refusal(backup_path, foreign, "it is not restored (nothing was changed)", on_copy=True)



def latest_backup(db_path: Path | str) -> tuple[BackupInfo, History | None] | None:
    """The backup holding the newest state of the database by its own history, not by the clock (issue 12).

    Ranked by whether the database holds the backup's last operation (the
    backup is an earlier state of this file, not of one replaced by a
    restore), then by its last operation and history ids, then by its stamp.
    """
    db_path = Path(db_path)
    current = history_of(db_path) if db_path.exists() else None
    ranked = []
    for order, b in enumerate(reversed(list_backups(db_path))):
        state = history_of(b.path)
        if state is None:
            continue  # unreadable: restoring it would be refused
        on_line = bool(current and state.last_op and holds_operation(db_path, state.last_op))
        ranked.append(((on_line, state.position, order), b, state))
    if not ranked:
        return None
    _, b, state = max(ranked, key=lambda r: r[0])
    return b, state


def older_than_current(db_path: Path | str, backup: Path | str) -> str | None:
    """What a restore of ``backup`` would take back, in words, if it holds less than the database; else None."""
    current, state = history_of(db_path), history_of(backup)
    if current is None or state is None:
        return None
    if state.position >= current.position and state.records >= current.records:
        return None
    return f"the backup holds {state.describe()}; the database holds {current.describe()}"


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


def _reads_sound(db_path: Path) -> bool:
    try:
        check_file(db_path)
        probe_read_only(db_path)
    except DatabaseError:
        return False
    return True


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


def restore_backup(db_path: Path | str, backup_path: Path | str,
                   progress: Progress | None = None) -> RestoreResult:
    """Replace a database with one of its backups, atomically.

    The backup is verified first; the current file is backed up (or, if it
    is too damaged for that, copied byte for byte) before it is replaced.
    Close every Store on the file first: a file open elsewhere is refused.
    ``progress`` is told of the copy of the backup into place (the one long
    step); cancelled there, the database is as it was.
    """
    db_path, backup_path = Path(db_path), Path(backup_path)
    hit = outputs.guarded_by(backup_path, outputs.database_files(db_path, backups=False))
    if hit is not None:
        what = f"another name for {hit[0].what} ({hit[0].path})" if hit[1] else hit[0].what
        raise DatabaseError(f"{backup_path}: is {what}, not a backup of it; nothing was restored")
    verify_backup(backup_path)
    saved, verified = None, True
    if db_path.exists() and db_path.stat().st_size > 0:
        if not os.access(db_path.parent, os.W_OK) or not os.access(db_path, os.W_OK):
            raise DatabaseError(f"{db_path}: the file or its folder is read-only; nothing was restored")
        # Read-only first: claiming the file folds its -wal in, so a file that a stale -wal makes
        # damaged is saved byte for byte, with that -wal, before anything writes to it (issue 12).
        sound = _reads_sound(db_path) and _claim(db_path)
        if sound:
            try:
                saved = make_backup(db_path, "before-restore").path
            except DatabaseError as err:
                # A sound file whose state cannot be saved (a full disk) is not damaged: it stays.
                raise DatabaseError(f"{db_path}: its current state could not be saved before the restore "
                                    f"({str(err).removeprefix(f'{db_path}: ')}); nothing was restored") from None
        else:
            verified = False
            saved = _raw_copy(db_path)
    clean_partials(db_path)
    real = outputs.replace_target(db_path)  # a database reached through a symbolic link keeps the link
    tmp = temporary_path(real.with_name(f".{real.name}"), "restoring")
    # The same reading as verify_backup: a -wal or hot -journal beside it counts, in a private copy.
    with open_foreign(backup_path) as src:
        copy_verified(src.conn, tmp, backup_path, progress)
    for suffix in ("-wal", "-shm", "-journal"):  # leftovers would be replayed into the restored file
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        Path(f"{real}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, real)
    outputs.fsync_dir(real.parent)
    return RestoreResult(db_path, backup_path, saved, verified)


def _raw_copy(db_path: Path) -> Path:
    now = _dt.datetime.now(_dt.timezone.utc)
    target = backup_dir(db_path) / f"{backup_key(db_path)}.{now.strftime(STAMP)}.damaged.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    wal = Path(f"{db_path}-wal")
    tmp = temporary_path(target, "partial")
    try:  # a copy cut short (a full disk) must not lie in backups/ under a backup's name
        if wal.exists():
            shutil.copy2(wal, Path(f"{tmp}-wal"))
        shutil.copy2(db_path, tmp)
        if wal.exists():
            os.replace(Path(f"{tmp}-wal"), Path(f"{target}-wal"))
        os.replace(tmp, target)
    except OSError as err:
        discard_copy(tmp)
        Path(f"{target}-wal").unlink(missing_ok=True)
        raise DatabaseError(f"{db_path}: a copy of it could not be saved before the restore ({err.strerror}); "
                            "nothing was restored") from None
    outputs.fsync_dir(target.parent)
    return target


__all__ = ["BACKUP_DIR", "HOST", "STALE_AFTER", "STAMP", "BackupInfo", "History", "RestoreResult", "backup_dir",
           "backup_if_changed", "backup_on_open", "clean_partials", "history_of", "latest_backup", "list_backups",
           "make_backup", "migration_backup", "older_than_current", "restore_backup", "rotate", "state_key",
           "verify_backup"]
