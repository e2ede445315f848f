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
import hashlib
import os
import re
import shutil
import socket
import sqlite3
import time
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

from stancetracker.core.files import outputs
from stancetracker.core.files.outputs import BACKUP_DIR, backup_dir
from stancetracker.core.db.connection import (
    describe_sqlite_error,
    check_file,
    connect,
    integrity_faults,
    probe_read_only,
    schema_state,
)
from stancetracker.core.model.errors import DatabaseError
from stancetracker.core.db.foreign import QUERY_BYTES_PER_SECOND, bounded, open_foreign
from stancetracker.core.db.schema_audit import audit, harmful, refusal
from stancetracker.core.db.schema import SCHEMA_VERSION

KEEP_LAST = 10
KEEP_DAYS = 7
OPEN_INTERVAL = _dt.timedelta(minutes=10)
# Seconds (plus the file's size at QUERY_BYTES_PER_SECOND) that reading a backup's history may take.
_READ_SECONDS = 5.0
REASONS = ("open", "migration", "import", "merge", "before-restore", "manual", "damaged")
_STAMP = "%Y%m%dT%H%M%S.%fZ"
_NAME = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}T\d{6}\.\d{6}Z)\.(?P<reason>[a-z][a-z0-9-]*)\.db$")
# A leftover whose writer cannot be told (no process id, another system) is stale after this long;
# so is any leftover, in case its process id has been given to another process since.
STALE_AFTER = _dt.timedelta(hours=1)
CLOCK_SLACK = _dt.timedelta(minutes=5)  # a stamp later than now by more than this was made by a wrong clock
_WRITER = r"\d+(?:-[0-9a-f]{8})?"
_RESTORING = re.compile(rf"^(?:(?P<who>{_WRITER})\.)?restoring(?:\.(?:(?P<who2>{_WRITER})\.)?partial)?$")
_HOST = hashlib.blake2s(socket.gethostname().encode(), digest_size=4).hexdigest()


@dataclass(frozen=True)
class BackupInfo:
    """One backup file: where, when (UTC), why and how big."""

    path: Path
    when: _dt.datetime
    reason: str
    size: int

    @property
    def future(self) -> bool:
        """Stamped after now: taken while the clock was wrong, so its time says nothing."""
        return self.when > _dt.datetime.now(_dt.timezone.utc) + CLOCK_SLACK

    def describe(self) -> str:
        local = self.when.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        mark = "  (stamped in the future: the clock was wrong)" if self.future else ""
        return f"{local}  {self.reason:<10} {self.size / 1e6:8.2f} MB  {self.path.name}{mark}"


def _key(db_path: Path) -> str:
    """What a database's backups are named after: its stem for a .db file, else its whole name.

    Two databases in one folder share backups/: by stem alone team.db and
    team.sqlite would see, restore and rotate away each other's backups.
    """
    return db_path.stem if db_path.suffix == ".db" else db_path.name


def list_backups(db_path: Path | str) -> list[BackupInfo]:
    """The backups of a database, newest first."""
    db_path = Path(db_path)
    folder = backup_dir(db_path)
    out = []
    if not folder.is_dir():
        return out
    for f in folder.iterdir():
        m = _NAME.match(f.name)
        if not m or m["stem"] != _key(db_path) or not f.is_file():
            continue
        when = _dt.datetime.strptime(m["stamp"], _STAMP).replace(tzinfo=_dt.timezone.utc)
        with contextlib.suppress(OSError):
            out.append(BackupInfo(f, when, m["reason"], f.stat().st_size))
    # A stamp in the future would stay "newest" for ever (issue 12): such backups come last.
    out.sort(key=lambda b: (not b.future, b.when), reverse=True)
    return out


def state_key(conn: sqlite3.Connection) -> tuple:
    """What changes whenever the data does: last operation, last record, page count."""
    q = lambda sql: conn.execute(sql).fetchone()[0]
    try:
        return (q("SELECT max(id) FROM operations"), q("SELECT max(id) FROM records"),
                q("PRAGMA page_count"))
    except sqlite3.Error:
        return (None, None, None)


def _backup_state(path: Path) -> tuple | None:
    try:
        check_file(path)
        conn = _quiet_reader(path)
    except (DatabaseError, sqlite3.Error):
        return None
    try:
        return state_key(conn)
    finally:
        conn.close()


@contextlib.contextmanager
def _reading(db_path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to the database file, closed afterwards."""
    check_file(db_path)
    try:
        conn = connect(db_path, readonly=True)
    except sqlite3.Error as err:
        raise DatabaseError(describe_sqlite_error(db_path, err)) from None
    try:
        yield conn
    finally:
        conn.close()


def _temporary(target: Path, kind: str) -> Path:
    """Where ``target`` is written before it is renamed into place; the process id tells a leftover."""
    return target.with_name(f"{target.name}.{os.getpid()}-{_HOST}.{kind}")


def _writer_alive(who: str | None) -> bool | None:
    """Whether the writer ``<pid>[-<host>]`` runs; None when that cannot be told here."""
    if who is None or os.name != "posix":  # os.kill on Windows would end the process
        return None
    pid_text, _, host = who.partition("-")
    if host and host != _HOST:
        return None  # written from another computer
    pid = int(pid_text)
    if pid == os.getpid():
        return True  # another thread of this process may be writing it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, run by someone else
    return True


def _leftovers(db_path: Path) -> list[tuple[Path, str | None]]:
    """Temporary files of this database's backups and restores, each with its writer if named."""
    found: list[tuple[Path, str | None]] = []
    folder = backup_dir(db_path)
    with contextlib.suppress(OSError):
        for f in folder.iterdir() if folder.is_dir() else ():
            # A kill (or a full disk) while SQLite wrote the copy also leaves its journal.
            name = re.sub(r"\.partial(?:-journal|-wal|-shm)$", ".partial", f.name)
            if not name.endswith(".partial"):
                continue
            core, pid = name[:-len(".partial")], None
            head, _, last = core.rpartition(".")
            if re.fullmatch(_WRITER, last) and _NAME.match(head):
                core, pid = head, last
            m = _NAME.match(core)
            if m and m["stem"] == _key(db_path):
                found.append((f, pid))
    prefix = f".{db_path.name}."
    with contextlib.suppress(OSError):
        for f in db_path.resolve().parent.iterdir():
            m = _RESTORING.match(f.name[len(prefix):]) if f.name.startswith(prefix) else None
            if m:
                found.append((f, m["who"] or m["who2"]))
    return found


def clean_partials(db_path: Path | str, now: _dt.datetime | None = None) -> list[Path]:
    """Remove what killed backups and restores of a database left behind; returns what was removed.

    A leftover goes when the process named in it no longer runs, or when it
    is older than STALE_AFTER (its writer unknown, or its id reused since).
    """
    now = now or _dt.datetime.now(_dt.timezone.utc)
    removed = []
    for f, who in _leftovers(Path(db_path)):
        try:
            age = now - _dt.datetime.fromtimestamp(f.stat().st_mtime, _dt.timezone.utc)
            if _writer_alive(who) is False or age > STALE_AFTER:
                f.unlink()
                removed.append(f)
        except OSError:
            continue  # gone already, or a read-only folder
    return removed


def copy_verified(conn: sqlite3.Connection, target: Path, source_name: Path | str | None = None) -> Path:
    """Copy a database with the online backup API into ``target``; verify, then rename into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(target, "partial")
    tmp.unlink(missing_ok=True)
    name = source_name or target
    try:
        dest = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            conn.backup(dest)
            # A rollback-journal copy is one self-contained file, whatever the source's mode.
            dest.execute("PRAGMA journal_mode = DELETE")
            # A copy is faithful: values past a constraint are the file's, not damage (check lists them).
            result = integrity_faults(dest, 5)[0] or ["ok"]
        finally:
            dest.close()
    except sqlite3.Error as err:
        _discard(tmp)
        raise DatabaseError(describe_sqlite_error(Path(name), err)) from None
    except OSError as err:
        _discard(tmp)
        raise DatabaseError(f"{target}: cannot write the backup ({err.strerror})") from None
    if result != ["ok"]:
        _discard(tmp)
        raise DatabaseError(f"{name}: the database is damaged (its backup copy failed the integrity check: "
                            f"{'; '.join(result)[:200]}); run 'stancetracker check' and restore it from a "
                            "backup ('stancetracker restore') — it has not been changed")
    os.replace(tmp, target)
    outputs.fsync_dir(target.parent)
    return target


def _discard(tmp: Path) -> None:
    """Remove a failed copy and the journal SQLite made beside it (a full disk leaves one)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{tmp}{suffix}").unlink()


def copy_to(db_path: Path | str, target: Path | str, option: str = "") -> Path | str:
    """A verified copy of the database file ``db_path`` at a place the user chose.

    ``target`` follows the rule of core/outputs.py: never the database, its
    neighbours or its backups folder; a symbolic link is kept.
    """
    db_path = Path(db_path)
    with _reading(db_path) as conn:
        protect = outputs.database_files(db_path)
        with outputs.output_path(target, protect=protect, option=option) as tmp:
            copy_verified(conn, tmp, db_path)
    return target


def make_backup(db_path: Path | str | None, reason: str = "manual") -> BackupInfo:
    """Make a verified backup of the database file ``db_path``, then rotate.

    Raises DatabaseError if the copy fails its check; ``None`` (an
    in-memory database) has no backups.
    """
    if db_path is None:
        raise DatabaseError("an in-memory database has no backups")
    db_path = Path(db_path)
    with _reading(db_path) as conn:
        return _backup(conn, db_path, reason)


def migration_backup(db_path: Path) -> None:
    """The backup made before a migration (see connection.migrate, which is given this)."""
    make_backup(db_path, "migration")


def _backup(conn: sqlite3.Connection, db_path: Path, reason: str) -> BackupInfo:
    clean_partials(db_path)
    now = _dt.datetime.now(_dt.timezone.utc)
    folder = backup_dir(db_path)
    target = folder / f"{_key(db_path)}.{now.strftime(_STAMP)}.{reason}.db"
    while target.exists():  # two backups in one microsecond
        now += _dt.timedelta(microseconds=1)
        target = folder / f"{_key(db_path)}.{now.strftime(_STAMP)}.{reason}.db"
    copy_verified(conn, target, db_path)
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
    with _reading(db_path) as conn:
        newest = next(iter(list_backups(db_path)), None)
        if newest and _backup_state(newest.path) == state_key(conn):
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
    with _reading(db_path) as conn:
        clean_partials(db_path)
        newest = next(iter(list_backups(db_path)), None)
        if newest and not force:
            if _dt.timedelta(0) <= _dt.datetime.now(_dt.timezone.utc) - newest.when < OPEN_INTERVAL:
                return None
            if _backup_state(newest.path) == state_key(conn):
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


@dataclass(frozen=True)
class History:
    """Where a database file stands in its own history: its last operation, history row and record count."""

    last_op: tuple | None  # (id, at, user, kind, summary)
    last_history: int
    records: int

    @property
    def position(self) -> tuple[int, int]:
        return (self.last_op[0] if self.last_op else 0, self.last_history)

    def describe(self) -> str:
        if not self.last_op:
            return f"{self.records:,} records, no recorded change"
        return (f"{self.records:,} records, last change operation {self.last_op[0]} "
                f"({self.last_op[3]}, {str(self.last_op[1])[:19].replace('T', ' ')})")


def history_of(path: Path | str) -> History | None:
    """A file's History, read without changing it; None if it cannot be read."""
    path = Path(path)
    try:
        check_file(path)
        conn = _quiet_reader(path)
    except (DatabaseError, sqlite3.Error):
        return None
    try:
        q = lambda sql: conn.execute(sql).fetchone()
        last = q("SELECT id, at, user, kind, summary FROM operations ORDER BY id DESC LIMIT 1")
        return History(tuple(last) if last else None, q("SELECT coalesce(max(id), 0) FROM history")[0],
                       q("SELECT count(*) FROM records WHERE deleted = 0")[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _quiet_reader(path: Path) -> sqlite3.Connection:
    """A read-only connection that leaves no -wal or -shm beside a file that has none (a backup, a closed database).

    Any file in backups/ may have been put there by hand: one whose schema is
    not ours is refused, and every query on it is bounded, so ranking or
    listing backups never runs (or waits on) a view of someone else's (issue 12).
    """
    conn = connect(path, readonly=True, immutable=not Path(f"{path}-wal").exists())
    try:
        if harmful(audit(conn)):
            raise sqlite3.DatabaseError(f"{path}: its schema is not the one stancetracker makes")
    except BaseException:
        conn.close()
        raise
    size = sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if os.path.exists(p))
    deadline = time.monotonic() + _READ_SECONDS + size / QUERY_BYTES_PER_SECOND
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 20_000)
    return conn


def _has_operation(path: Path, op: tuple) -> bool:
    """True if the database holds exactly this operation row: a backup ending there is on its line."""
    try:
        conn = _quiet_reader(path)
        try:
            row = conn.execute("SELECT id, at, user, kind, summary FROM operations WHERE id = ?", [op[0]]).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None and tuple(row) == op


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
        on_line = bool(current and state.last_op and _has_operation(db_path, state.last_op))
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


def restore_backup(db_path: Path | str, backup_path: Path | str) -> RestoreResult:
    """Replace a database with one of its backups, atomically.

    The backup is verified first; the current file is backed up (or, if it
    is too damaged for that, copied byte for byte) before it is replaced.
    Close every Store on the file first: a file open elsewhere is refused.
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
    tmp = _temporary(real.with_name(f".{real.name}"), "restoring")
    # The same reading as verify_backup: a -wal or hot -journal beside it counts, in a private copy.
    with open_foreign(backup_path) as src:
        copy_verified(src.conn, tmp, backup_path)
    for suffix in ("-wal", "-shm", "-journal"):  # leftovers would be replayed into the restored file
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        Path(f"{real}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, real)
    outputs.fsync_dir(real.parent)
    return RestoreResult(db_path, backup_path, saved, verified)


def _raw_copy(db_path: Path) -> Path:
    now = _dt.datetime.now(_dt.timezone.utc)
    target = backup_dir(db_path) / f"{_key(db_path)}.{now.strftime(_STAMP)}.damaged.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    wal = Path(f"{db_path}-wal")
    tmp = _temporary(target, "partial")
    try:  # a copy cut short (a full disk) must not lie in backups/ under a backup's name
        if wal.exists():
            shutil.copy2(wal, Path(f"{tmp}-wal"))
        shutil.copy2(db_path, tmp)
        if wal.exists():
            os.replace(Path(f"{tmp}-wal"), Path(f"{target}-wal"))
        os.replace(tmp, target)
    except OSError as err:
        _discard(tmp)
        Path(f"{target}-wal").unlink(missing_ok=True)
        raise DatabaseError(f"{db_path}: a copy of it could not be saved before the restore ({err.strerror}); "
                            "nothing was restored") from None
    outputs.fsync_dir(target.parent)
    return target


__all__ = ["BACKUP_DIR", "BackupInfo", "History", "RestoreResult", "backup_dir", "backup_if_changed", "backup_on_open",
           "clean_partials", "history_of", "latest_backup", "list_backups", "make_backup", "migration_backup", "older_than_current",
           "restore_backup", "rotate", "state_key", "verify_backup"]
