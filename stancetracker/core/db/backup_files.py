"""Backup files of a database: their names, listing, the state each holds, and verified copying.

core/db/backups.py makes, rotates and restores backups with these. Copies are
written under a temporary name that says who writes it (process id and a
short hash of the host name), so leftovers of a killed copy can be told and
removed (see clean_partials).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import os
import re
import socket
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stancetracker.core.db.connection import check_file, connect, describe_sqlite_error, integrity_faults
from stancetracker.core.db.foreign import QUERY_BYTES_PER_SECOND
from stancetracker.core.db.schema_audit import audit, harmful
from stancetracker.core.files import outputs
from stancetracker.core.files.outputs import backup_dir
from stancetracker.core.model.progress import Progress, tick
from stancetracker.core.model.errors import DatabaseError

# Seconds (plus the file's size at QUERY_BYTES_PER_SECOND) that reading a backup's history may take.
_READ_SECONDS = 5.0
STAMP = "%Y%m%dT%H%M%S.%fZ"
BACKUP_NAME = re.compile(r"^(?P<stem>.+)\.(?P<stamp>\d{8}T\d{6}\.\d{6}Z)\.(?P<reason>[a-z][a-z0-9-]*)\.db$")
# A leftover whose writer cannot be told (no process id, another system) is stale after this long;
# so is any leftover, in case its process id has been given to another process since.
STALE_AFTER = _dt.timedelta(hours=1)
CLOCK_SLACK = _dt.timedelta(minutes=5)  # a stamp later than now by more than this was made by a wrong clock
_WRITER = r"\d+(?:-[0-9a-f]{8})?"
_RESTORING = re.compile(rf"^(?:(?P<who>{_WRITER})\.)?restoring(?:\.(?:(?P<who2>{_WRITER})\.)?partial)?$")
HOST = hashlib.blake2s(socket.gethostname().encode(), digest_size=4).hexdigest()


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


def backup_key(db_path: Path) -> str:
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
        m = BACKUP_NAME.match(f.name)
        if not m or m["stem"] != backup_key(db_path) or not f.is_file():
            continue
        when = _dt.datetime.strptime(m["stamp"], STAMP).replace(tzinfo=_dt.timezone.utc)
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


def backup_state(path: Path) -> tuple | None:
    try:
        check_file(path)
        conn = quiet_reader(path)
    except (DatabaseError, sqlite3.Error):
        return None
    try:
        return state_key(conn)
    finally:
        conn.close()


@contextlib.contextmanager
def reading(db_path: Path) -> Iterator[sqlite3.Connection]:
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


def temporary_path(target: Path, kind: str) -> Path:
    """Where ``target`` is written before it is renamed into place; the process id tells a leftover."""
    return target.with_name(f"{target.name}.{os.getpid()}-{HOST}.{kind}")


def _writer_alive(who: str | None) -> bool | None:
    """Whether the writer ``<pid>[-<host>]`` runs; None when that cannot be told here."""
    if who is None or os.name != "posix":  # os.kill on Windows would end the process
        return None
    pid_text, _, host = who.partition("-")
    if host and host != HOST:
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
            if re.fullmatch(_WRITER, last) and BACKUP_NAME.match(head):
                core, pid = head, last
            m = BACKUP_NAME.match(core)
            if m and m["stem"] == backup_key(db_path):
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


# Pages copied per step of a copy that reports progress (8 MB with our 8 KiB pages).
COPY_STEP_PAGES = 1024


def copy_verified(conn: sqlite3.Connection, target: Path, source_name: Path | str | None = None,
                  progress: Progress | None = None) -> Path:
    """Copy a database with the online backup API into ``target``; verify, then rename into place.

    ``progress(pages copied, pages in all)`` (core/model/progress.py) is told as
    the copy goes; ``False`` stops it, leaving nothing, with progress.Cancelled.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(target, "partial")
    tmp.unlink(missing_ok=True)
    name = source_name or target
    try:
        dest = sqlite3.connect(str(tmp), isolation_level=None)
        try:
            if progress is None:
                conn.backup(dest)
            else:  # in steps, so a big file tells how far it is and can be stopped
                conn.backup(dest, pages=COPY_STEP_PAGES, progress=lambda _status, left, total: tick(
                    progress, total - left, total, f"{name}: copy cancelled; nothing was written"))
            # A rollback-journal copy is one self-contained file, whatever the source's mode.
            dest.execute("PRAGMA journal_mode = DELETE")
            # A copy is faithful: values past a constraint are the file's, not damage (check lists them).
            result = integrity_faults(dest, 5)[0] or ["ok"]
        finally:
            dest.close()
    except sqlite3.Error as err:
        discard_copy(tmp)
        raise DatabaseError(describe_sqlite_error(Path(name), err)) from None
    except OSError as err:
        discard_copy(tmp)
        raise DatabaseError(f"{target}: cannot write the backup ({err.strerror})") from None
    except BaseException:  # cancelled, or Ctrl-C: no half copy is left behind
        discard_copy(tmp)
        raise
    if result != ["ok"]:
        discard_copy(tmp)
        raise DatabaseError(f"{name}: the database is damaged (its backup copy failed the integrity check: "
                            f"{'; '.join(result)[:200]}); run 'stancetracker check' and restore it from a "
                            "backup ('stancetracker restore') — it has not been changed")
    os.replace(tmp, target)
    outputs.fsync_dir(target.parent)
    return target


def discard_copy(tmp: Path) -> None:
    """Remove a failed copy and the journal SQLite made beside it (a full disk leaves one)."""
    for suffix in ("", "-journal", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            Path(f"{tmp}{suffix}").unlink()


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
        conn = quiet_reader(path)
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


def quiet_reader(path: Path) -> sqlite3.Connection:
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


def holds_operation(path: Path, op: tuple) -> bool:
    """True if the database holds exactly this operation row: a backup ending there is on its line."""
    try:
        conn = quiet_reader(path)
        try:
            row = conn.execute("SELECT id, at, user, kind, summary FROM operations WHERE id = ?", [op[0]]).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None and tuple(row) == op


__all__ = ["BACKUP_NAME", "BackupInfo", "CLOCK_SLACK", "HOST", "History", "STALE_AFTER", "STAMP", "backup_key", "backup_state", "clean_partials", "copy_verified", "discard_copy", "history_of", "holds_operation", "list_backups", "quiet_reader", "reading", "state_key", "temporary_path"]
