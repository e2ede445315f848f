"""Checking a database file, and warning about folders where SQLite's locking cannot be trusted."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from stancetracker.core.db.backups import make_backup
from stancetracker.core.db.connection import (
    describe_sqlite_error,
    sound_without_wal,
    wal_misfit,
    check_file,
    connect,
    harden,
    integrity_faults,
    schema_state,
)
from stancetracker.core.model.errors import DatabaseError
from stancetracker.core.db.foreign import bounded
from stancetracker.core.db.schema import SCHEMA_VERSION
from stancetracker.core.db.schema_audit import (
    ForeignObject,
    master_rows,
    applied_migrations,
    audit,
    harmful,
    names,
    removal_sql,
    trusting,
    unsafe_schema,
)
from stancetracker.core.db.stored_checks import check_values

# The full-text index check needs a writable copy; above this size it is skipped
# (the cheap row-for-row comparison of the index still runs).
FTS_COPY_LIMIT = 256 * 1024 * 1024
_TABLES = ("actors", "actor_aliases", "memberships", "dimensions", "sources", "events", "records",
           "operations", "history")


@dataclass
class CheckReport:
    """The outcome of :func:`check`: plain-words lines, each marked ok, note, warning or problem."""

    path: Path
    items: list[tuple[str, str]] = field(default_factory=list)
    value_problems: list[str] = field(default_factory=list)  # rows breaking a rule: mended row by row, not restored
    schema_problems: list[str] = field(default_factory=list)  # objects check --remove-foreign mends in place
    reindexed: set[str] = field(default_factory=set)  # tables whose search index --remove-foreign rebuilds

    def add(self, level: str, text: str) -> None:
        self.items.append((level, text))

    def add_value_problem(self, text: str) -> None:
        self.add("problem", text)
        self.value_problems.append(text)

    def add_schema_problem(self, text: str) -> None:
        self.add("problem", text)
        self.schema_problems.append(text)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong with the file (warnings and notes allowed)."""
        return not self.problems

    @property
    def problems(self) -> list[str]:
        return [t for lvl, t in self.items if lvl == "problem"]

    @property
    def warnings(self) -> list[str]:
        return [t for lvl, t in self.items if lvl == "warning"]

    def lines(self) -> list[str]:
        return [f"{lvl + ':':<9}{t}" for lvl, t in self.items]

    def summary(self) -> str:
        if self.ok:
            return f"{self.path}: no problems found" + (f" ({len(self.warnings)} warning"
                                                        f"{'s' if len(self.warnings) != 1 else ''})"
                                                        if self.warnings else "")
        n = len(self.problems)
        if n == len(self.value_problems):
            # The file is sound; a backup would throw away every change since, not mend these rows.
            return (f"{self.path}: {n} problem{'s' if n != 1 else ''} found: stored values that break a rule. "
                    "The window marks those records; correct or delete them there, or undo the change that "
                    "brought them in (stancetracker operations / stancetracker revert)")
        if all(t.startswith(_SOUND_BUT_WAL) for t in self.problems):
            return f"{self.path}: {n} problem found: the write-ahead log beside it, not the file; see above"
        if self.schema_problems and n == len(self.value_problems) + len(self.schema_problems):
            # Dropping what is not ours and making ours again mends it; a backup would lose later work.
            return (f"{self.path}: {n} problem{'s' if n != 1 else ''} found; mend the schema with "
                    f"'stancetracker --db \"{self.path}\" check --remove-foreign' (it backs the file up first)"
                    + (", then correct the records it lists in the window" if self.value_problems else ""))
        return (f"{self.path}: {n} problem{'s' if n != 1 else ''} found; restore a backup "
                "(stancetracker backups / stancetracker restore) or ask for help before editing it")


# How describe_sqlite_error begins when only the -wal beside a sound file is wrong: no backup mends that.
_SOUND_BUT_WAL = "the file is sound, but the write-ahead log"


def check(path: Path | str) -> CheckReport:
    """Run every check on a database file without changing it."""
    path = Path(path)
    report = CheckReport(path)
    if not path.exists():
        report.add("problem", "there is no such file")
        return report
    try:
        check_file(path)
    except DatabaseError as err:
        report.add("problem", str(err).removeprefix(f"{path}: "))
        return report
    risky = risky_location(path)
    if risky:
        report.add("warning", risky)
    try:
        try:
            conn = connect(path, readonly=True)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as err:
                if not unsafe_schema(err):  # a function in the schema is read through _readable() below
                    raise
        except sqlite3.OperationalError:
            # A WAL file in a read-only folder cannot get its -shm; with no -wal pending it reads as immutable.
            if os.access(path.parent, os.W_OK) or Path(f"{path}-wal").exists():
                raise
            conn = connect(path, readonly=True, immutable=True)
        try:
            with bounded(conn, path), _readable(conn):  # issue 12: a view that never ends stops with a line
                _run_checks(conn, path, report)
        finally:
            conn.close()
    except sqlite3.Error as err:
        report.add("problem", describe_sqlite_error(path, err).removeprefix(f"{path}: "))
    except DatabaseError as err:
        report.add("problem", str(err).removeprefix(f"{path}: "))
    return report


def _readable(conn: sqlite3.Connection):
    """Trust the schema for reading only if SQLite cannot otherwise parse it (an object calls a function)."""
    # Checking only reads; the authorizer still stops any write of a trigger.
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as err:
        if unsafe_schema(err):
            return trusting(conn)
        raise
    return contextlib.nullcontext()


def _run_checks(conn: sqlite3.Connection, path: Path, report: CheckReport) -> None:
    ours, version = schema_state(conn)
    if (not ours or version == 0 or version > SCHEMA_VERSION) and sound_without_wal(path):
        report.add("problem", wal_misfit(path).removeprefix(f"{path}: "))  # the -wal is wrong, not the file
        return
    if not ours:
        report.add("problem", "it is an SQLite database, but not a stancetracker one")
        return
    if version > SCHEMA_VERSION:
        report.add("problem", f"it was made by a newer version of stancetracker (schema {version}; this "
                              f"version knows {SCHEMA_VERSION}); update stancetracker to use it")
    elif version < SCHEMA_VERSION:
        report.add("note", f"its schema is version {version}; it will be upgraded (after a backup) "
                           f"to version {SCHEMA_VERSION} when opened for writing")
    else:
        report.add("ok", f"schema version {version} (current)")

    bad, values = integrity_faults(conn)
    if not bad:
        report.add("ok", "SQLite integrity check passed: the file's structure is sound")
    else:
        if sound_without_wal(path):
            report.add("problem", wal_misfit(path).removeprefix(f"{path}: "))
            return
        report.add("problem", f"the file is damaged; SQLite's integrity check found {len(bad)}"
                              f"{'+' if len(bad) + len(values) >= 20 else ''} fault(s), first: {bad[0][:160]}")
        return  # the checks below would only repeat the damage
    if values:
        report.add("problem", f"values written past the tables' constraints by another program: "
                              f"{'; '.join(sorted(set(values))[:5])[:300]}")
    if not _check_schema(conn, path, report):
        return
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = [t for t in _TABLES if t not in tables]
    if missing and version >= 1:
        report.add("problem", f"tables are missing: {', '.join(missing)}")
        return
    if not tables:
        report.add("note", "the database is empty")
        return

    fk = conn.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        where = sorted({f"{r[0]} → {r[2]}" for r in fk})
        report.add("problem", f"{len(fk):,} row(s) refer to rows that do not exist ({', '.join(where[:5])})")
    else:
        report.add("ok", "every reference between tables points at a row that exists")

    q = lambda sql: conn.execute(sql).fetchone()[0]
    # Each record's own values are checked by check_values below; the references are SQL's to count.
    nulls = q("SELECT count(*) FROM records WHERE actor_id IS NULL OR dimension_id IS NULL")
    if nulls:
        report.add("problem", f"{nulls:,} record(s) name no actor or no dimension")
    dup = q("SELECT count(*) FROM (SELECT uuid FROM records GROUP BY lower(uuid) HAVING count(*) > 1)")
    if dup:
        report.add("problem", f"{dup:,} UUID(s) are used by more than one record")
    # A record removed by stancetracker (the revert of a merge) ends with a row whose "after" is empty.
    orphans = q("SELECT count(*) FROM history h WHERE h.entity = 'record'"
                " AND NOT EXISTS (SELECT 1 FROM records r WHERE r.id = h.entity_id)"
                " AND NOT EXISTS (SELECT 1 FROM history g WHERE g.entity = 'record' AND g.entity_id = h.entity_id"
                " AND g.before IS NOT NULL AND g.after IS NULL AND g.id = (SELECT max(id) FROM history"
                " WHERE entity = 'record' AND entity_id = h.entity_id))")
    unlogged = q("SELECT count(*) FROM records r WHERE NOT EXISTS"
                 " (SELECT 1 FROM history h WHERE h.entity = 'record' AND h.entity_id = r.id)")
    if orphans:
        report.add("warning", f"{orphans:,} history entries belong to records that no longer exist "
                              "(rows deleted outside stancetracker)")
    if unlogged:
        report.add("note", f"{unlogged:,} record(s) have no history (added outside stancetracker)")
    if not orphans and not unlogged:
        report.add("ok", "every record has its history, and all history belongs to a record")
    unsourced = q("SELECT count(*) FROM records WHERE deleted = 0 AND source_id IS NULL")
    if unsourced:
        report.add("note", f"{unsourced:,} live record(s) have no source")
    else:
        report.add("ok", "every live record names its source")
    if "passages" in tables:
        _check_passages(conn, report)
    check_values(conn, report)
    _check_fts(conn, path, report)


def _check_schema(conn: sqlite3.Connection, path: Path, report: CheckReport) -> bool:
    """Report objects our migrations did not make (issue 12); False if our tables cannot be read as ours."""
    objects = audit(conn)
    bad = harmful(objects)
    missing = [o for o in objects if o.why == "missing"]
    if bad:
        fixable = all(o.removable for o in bad)
        fix = (f"remove them with 'stancetracker --db \"{path}\" check --remove-foreign' (it backs the file up "
               "first)" if fixable else "restore a backup (stancetracker restore): they cannot simply be removed")
        add = report.add_schema_problem if fixable else (lambda text: report.add("problem", text))
        add(f"it holds database objects stancetracker did not make: {names(bad, 10)}; they "
            f"could change data behind your back, so stancetracker will not write to it — {fix}")
    if missing:
        mend = (f" — make them again with 'stancetracker --db \"{path}\" check --remove-foreign' (it backs the file "
                "up first)" if all(o.removable for o in missing + bad) else "")
        add = report.add_schema_problem if mend else (lambda text: report.add("problem", text))
        add(f"parts of its schema are missing: {names(missing, 10)}{mend}")
    if not objects:
        report.add("ok", "its schema is exactly the one stancetracker makes: no foreign triggers or views")
    elif all(o.removable for o in bad + missing):
        # Search triggers not ours (or gone) let the index drift; the removal rebuilds it.
        report.reindexed = {o.table for o in bad + missing if o.type == "trigger"} & {"records", "sources"}
    # A view (or other object) in place of one of our tables is not read: it is not data we know.
    return not any(o.why.startswith("in place of") for o in bad)


def _check_passages(conn: sqlite3.Connection, report: CheckReport) -> None:
    """Anchored passages must quote exactly the words at their offsets (issue 7)."""
    # substr() counts characters as Python does, so the comparison is exact.
    astray = conn.execute(
        "SELECT count(*) FROM passages p JOIN sources s ON s.id = p.source_id WHERE p.lost = '' "
        "AND substr(s.text, p.start + 1, p.\"end\" - p.start) IS NOT p.quote").fetchone()[0]
    lost = conn.execute("SELECT count(*) FROM passages WHERE lost <> ''").fetchone()[0]
    if astray:
        report.add("problem", f"{astray:,} coded passage(s) no longer quote the words at their offsets "
                              "(source text changed outside stancetracker)")
    elif lost:
        report.add("note", f"{lost:,} coded passage(s) were lost when their source's text changed "
                           "(stancetracker passages SOURCE --lost lists them)")
    else:
        report.add("ok", "every coded passage quotes the words at its offsets")


def _check_fts(conn: sqlite3.Connection, path: Path, report: CheckReport) -> None:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "records_fts" not in tables:
        report.add("problem", "the full-text index records_fts is missing")
        return
    q = lambda sql: conn.execute(sql).fetchone()[0]
    # The index keeps one docsize row per indexed record; a mismatch means it was bypassed.
    extra = q("SELECT count(*) FROM records_fts_docsize d WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.id = d.id)")
    lacking = q("SELECT count(*) FROM records r WHERE NOT EXISTS (SELECT 1 FROM records_fts_docsize d WHERE d.id = r.id)")
    if extra or lacking:
        _fts_problem(report, ["records"], f"the search index is out of step: {lacking:,} record(s) missing from it, "
                 f"{extra:,} stale entr{'y' if extra == 1 else 'ies'}")
        return
    size = path.stat().st_size + (Path(f"{path}-wal").stat().st_size if Path(f"{path}-wal").exists() else 0)
    if size > FTS_COPY_LIMIT:
        report.add("ok", "the search index has one entry per record (its full check is skipped for files "
                         f"over {FTS_COPY_LIMIT // 2**20} MB)")
        return
    # FTS5's own check is a write statement, so it runs on a private copy.
    with tempfile.TemporaryDirectory(prefix="stancetracker-check-") as tmp:
        copy = sqlite3.connect(str(Path(tmp) / "copy.db"), isolation_level=None)
        try:
            conn.backup(copy)
            harden(copy)  # the copy holds whatever the file holds, triggers included
            faults, where = [], []
            for table in ("records_fts", "sources_fts"):
                if table in tables:
                    try:
                        with bounded(copy, path), _readable(copy):
                            copy.execute(f"INSERT INTO {table}({table}, rank) VALUES('integrity-check', 1)")
                    except sqlite3.DatabaseError as err:
                        faults.append(f"{table}: {err}")
                        where.append(table.removesuffix("_fts"))
        finally:
            copy.close()
    if faults:
        _fts_problem(report, where, f"the search index does not match the data ({'; '.join(faults)})")
    else:
        report.add("ok", "the search indexes match the records and sources")


def _fts_problem(report: CheckReport, tables: list[str], text: str) -> None:
    """A search index out of step: mended by --remove-foreign when it rebuilds those tables' indexes."""
    if set(tables) <= report.reindexed:
        report.add_schema_problem(f"{text}; check --remove-foreign rebuilds it")
    else:
        report.add("problem", text)


# ---------------------------------------------------------- foreign objects
@dataclass
class Removal:
    """What ``check --remove-foreign`` did: the objects dropped, and the backup made first."""

    path: Path
    removed: list[ForeignObject]
    backup: Path | None

    def lines(self) -> list[str]:
        if not self.removed:
            return [f"{self.path}: holds no objects stancetracker did not make; nothing was changed"]
        return ([f"{'made again' if o.why == 'missing' else 'removed'}: {o.describe()}" for o in self.removed]
                + [f"{self.path}: {len(self.removed)} object(s) removed; the file as it was is saved as {self.backup}"])


def remove_foreign(path: Path | str) -> Removal:
    """Drop the triggers, views and other objects our migrations did not make, after a verified backup.

    Changed triggers and indexes of ours are put back as we make them; a
    file whose tables themselves are not ours is refused (restore a backup).
    """
    path = Path(path)
    check_file(path)
    if not path.exists() or path.stat().st_size == 0:
        raise DatabaseError(f"{path}: no such database")
    try:
        conn = connect(path)
    except sqlite3.Error as err:
        raise DatabaseError(describe_sqlite_error(path, err)) from None
    try:
        with bounded(conn, path), _readable(conn):
            ours, version = schema_state(conn)
            if not ours or version > SCHEMA_VERSION:
                raise DatabaseError(f"{path}: is not a stancetracker database this version knows; nothing was changed")
            objects = audit(conn)
            bad = harmful(objects)
            # Our own triggers and indexes that are gone are made again, or the
            # search index would fall silently out of step with every write.
            lost = [o for o in objects if o.why == "missing" and o.removable]
            if not bad and not lost:
                return Removal(path, [], None)
            stuck = [o for o in bad if not o.removable]
            if stuck:
                raise DatabaseError(f"{path}: {names(stuck)} cannot simply be removed (our own tables are not as we "
                                    "make them); restore a backup (stancetracker restore) — nothing was changed")
            backup = make_backup(path, "manual").path
            conn.execute("BEGIN IMMEDIATE")
            try:
                for sql in removal_sql(bad + lost, applied_migrations(conn, master_rows(conn))):
                    conn.execute(sql)
                left = [o for o in audit(conn) if o.why != "missing" or o.removable]
                if left:
                    raise DatabaseError(f"{path}: {names(left)} could not be removed; nothing was changed")
                # A trigger that was not ours (or not there) may have let the search index drift.
                for table in sorted({o.table for o in bad + lost if o.type == "trigger"} & {"records", "sources"}):
                    conn.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES('rebuild')")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    except sqlite3.Error as err:
        raise DatabaseError(describe_sqlite_error(path, err)) from None
    finally:
        conn.close()
    return Removal(path, bad + lost, backup)


# --------------------------------------------------------------- locations
_CLOUD = re.compile(
    r"^(dropbox( \(.*\))?|onedrive( - .*)?|icloud ?drive|icloud~.*|mobile documents|google ?drive|googledrive"
    r"|my drive|nextcloud|owncloud|pcloud( ?drive)?|box|box sync|sync|synologydrive|mega|megasync"
    r"|tresorit|yandex\.disk|seafile|cloudstorage)$", re.IGNORECASE)
_NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "davfs", "fuse.davfs2",
               "afs", "ncpfs", "fuse.rclone", "ceph", "glusterfs", "fuse.glusterfs", "lustre", "fuse.s3fs",
               "fuse.gcsfuse", "webdav", "afpfs"}


def risky_location(path: Path | str, mounts: Path | str | None = None) -> str | None:
    """A warning if the file sits in a cloud-synced folder or on a network share, else None.

    ``mounts`` overrides the Linux mount table (for tests).
    """
    p = Path(path)
    raw = str(path)
    if raw.startswith(("\\\\", "//")) and not raw.startswith(("\\\\?\\", "\\\\.\\")):
        return _network_message(p, "a network share")
    try:
        p = p.resolve()
    except OSError:
        pass
    for part in p.parent.parts:
        if _CLOUD.match(part):
            return (f"{p} is in a folder synced by a cloud client ({part}); two computers editing it, or the "
                    "client syncing it while it is open, can damage it — keep the database in a local folder "
                    "and share exported copies or merge (stancetracker merge) instead")
    fstype = _fs_type(p, mounts)
    if fstype and (fstype in _NETWORK_FS or fstype.startswith(("nfs", "smb", "cifs"))):
        return _network_message(p, f"a network file system ({fstype})")
    return None


def _network_message(p: Path, what: str) -> str:
    return (f"{p} is on {what}, where SQLite's file locking cannot be trusted; use it from one computer "
            "at a time, or keep it on a local disk")


def _fs_type(p: Path, mounts: Path | str | None) -> str | None:
    if os.name == "nt":
        return _windows_drive_type(p)
    table = Path(mounts) if mounts else Path("/proc/mounts")
    try:
        lines = table.read_text(errors="replace").splitlines()
    except OSError:
        lines = _mac_mounts() if sys.platform == "darwin" else []
    best, best_type = "", None
    target = str(p)
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        if (target == point or target.startswith(point.rstrip("/") + "/")) and len(point) >= len(best):
            best, best_type = point, parts[2].lower()
    return best_type


def _mac_mounts() -> list[str]:
    """``mount`` output ("//srv/share on /Volumes/share (smbfs, …)") as /proc/mounts-like lines."""
    import subprocess
    try:
        out = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=2).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    lines = []
    for line in out.splitlines():
        m = re.match(r"^(.*) on (.*) \(([^,)]+)", line)
        if m:
            lines.append(f"{m[1].replace(' ', '_')} {m[2].replace(' ', chr(92) + '040')} {m[3]}")
    return lines


def _windows_drive_type(p: Path) -> str | None:  # pragma: no cover - Windows only
    try:
        import ctypes
        drive = p.drive + "\\"
        if ctypes.windll.kernel32.GetDriveTypeW(drive) == 4:  # DRIVE_REMOTE
            return "smbfs"
    except Exception:
        return None
    return None


__all__ = ["CheckReport", "Removal", "check", "remove_foreign", "risky_location"]
