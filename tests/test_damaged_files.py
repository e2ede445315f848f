"""Damaged and foreign files through the CLI: one clear line, a non-zero exit where it cannot go on,
no traceback, and the file's bytes unchanged. A read-only file or folder opens read-only."""

import ctypes
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from stancetracker.core.db.schema import SCHEMA_VERSION

from conftest import REPO, make_store, write

CSV = "actor_slug,dimension_slug,date,score,evidence\nsadr,iran,2020-01,2,met armed-group leaders\n"


def _drop_root_file_powers():  # pragma: no cover - runs in the child
    """As root, give up the capabilities that ignore file permissions, so read-only means read-only."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl")


def _can_drop_root() -> bool:
    if os.name != "posix":
        return False
    if os.geteuid() != 0:
        return True
    try:
        return subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_drop_root_file_powers).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def cli(db: Path, *args: str, env: dict | None = None, unprivileged: bool = False) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "stancetracker", "--db", str(db), *args], capture_output=True,
                          text=True, cwd=REPO, env=full_env, timeout=60,
                          preexec_fn=_drop_root_file_powers if unprivileged and os.geteuid() == 0 else None)


def snapshot(db: Path) -> bytes:
    """The database file's bytes (SQLite may leave empty -wal/-shm side files after a read-only open)."""
    return db.read_bytes()


def refused(db: Path, *args: str, fragment: str, compare: bool = True, **kw) -> str:
    """The command fails with one line naming the file and containing ``fragment``; nothing is written.

    ``compare=False`` while a lock is held: reading the file from this process
    would drop the holder's POSIX locks, so the caller compares afterwards.
    """
    before = snapshot(db) if compare else None
    out = cli(db, *args, **kw)
    assert out.returncode != 0, out.stdout
    assert "Traceback" not in out.stderr
    line = out.stderr.strip()
    assert line.count("\n") == 0 and line.startswith(f"Error: {db}"), out.stderr
    assert fragment in line, line
    if compare:
        assert snapshot(db) == before
    return line


def sound_db(path: Path, records: int = 0) -> Path:
    s = make_store(path)
    if records:
        f = write(path.with_suffix(".csv"), "actor_slug,dimension_slug,date,score,evidence\n" + "".join(
            f"sadr,us,{1990 + i % 30},1,{'evidence ' * 40}{i}\n" for i in range(records)))
        from stancetracker.core.exchange.record_import import import_records
        import_records(s, f)
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    for p in (path.parent / "backups").glob("*"):
        p.unlink()
    return path


def test_not_an_sqlite_file(tmp_path):
    """A text file given as the database is refused, by stats and by check."""
    db = write(tmp_path / "notes.db", "these are my notes\n" * 50)
    refused(db, "stats", fragment="is not a stancetracker database (not an SQLite file)")
    out = cli(db, "check")
    assert out.returncode == 1 and "not an SQLite file" in out.stdout and "Traceback" not in out.stderr


@pytest.mark.slow
def test_truncated_database(tmp_path):
    """A file cut short is refused as truncated, with advice to restore."""
    db = sound_db(tmp_path / "cut.db", records=200)
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    refused(db, "stats", fragment="the file is truncated")
    refused(db, "import", str(write(tmp_path / "a.csv", CSV)), fragment="truncated")


@pytest.mark.slow
def test_corrupted_database(tmp_path):
    """Pages overwritten with garbage: check reports damage, a write is refused, stats fails in one line or works."""
    db = sound_db(tmp_path / "bad.db", records=2000)
    data = bytearray(db.read_bytes())
    pages = len(data) // 4096
    for p in range(pages // 4, 3 * pages // 4, 2):
        data[p * 4096: (p + 1) * 4096] = os.urandom(4096)
    db.write_bytes(bytes(data))
    before = snapshot(db)
    out = cli(db, "check")
    assert out.returncode == 1 and "the file is damaged" in out.stdout and "Traceback" not in out.stderr
    assert snapshot(db) == before
    refused(db, "import", str(write(tmp_path / "a.csv", CSV)), fragment="damaged")
    out = cli(db, "stats")
    assert "Traceback" not in out.stderr and out.stderr.strip().count("\n") == 0
    assert snapshot(db) == before


@pytest.mark.slow
@pytest.mark.skipif(not _can_drop_root(), reason="cannot make a read-only file binding for this user")
def test_read_only_file_opens_read_only(tmp_path):
    """A read-only database: stats works, an import is refused with a message, the file is unchanged."""
    db = sound_db(tmp_path / "ro.db")
    db.chmod(0o444)
    before = snapshot(db)
    out = cli(db, "stats", unprivileged=True)
    assert out.returncode == 0 and "records: 0" in out.stdout, out.stderr
    refused(db, "import", str(write(tmp_path / "a.csv", CSV)), fragment="open read-only; nothing was changed",
            unprivileged=True)
    assert snapshot(db) == before


@pytest.mark.slow
@pytest.mark.skipif(not _can_drop_root(), reason="cannot make a read-only folder binding for this user")
def test_read_only_folder_opens_read_only(tmp_path):
    """A database in a read-only folder: stats works (no -shm needed), an import is refused, nothing is written."""
    folder = tmp_path / "ro-folder"
    folder.mkdir()
    db = sound_db(folder / "team.db")
    shutil.rmtree(folder / "backups", ignore_errors=True)
    folder.chmod(0o555)
    try:
        before = snapshot(db)
        out = cli(db, "stats", unprivileged=True)
        assert out.returncode == 0 and "records: 0" in out.stdout, out.stderr
        refused(db, "import", str(write(tmp_path / "a.csv", CSV)), fragment="read-only", unprivileged=True)
        assert sorted(p.name for p in folder.iterdir()) == ["team.db"] and snapshot(db) == before
    finally:
        folder.chmod(0o755)


@pytest.mark.slow
def test_database_from_a_newer_version(tmp_path):
    """A newer schema version is refused with advice to update; nothing is upgraded or written."""
    db = sound_db(tmp_path / "new.db")
    c = sqlite3.connect(db)
    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    c.close()
    refused(db, "stats", fragment="made by a newer version of stancetracker")
    refused(db, "import", str(write(tmp_path / "a.csv", CSV)), fragment="newer version")


@pytest.mark.slow
def test_locked_database(tmp_path):
    """While another program holds a write lock, a write fails fast in one line; WAL readers still read."""
    db = sound_db(tmp_path / "locked.db")
    before = snapshot(db)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        env = {"STANCETRACKER_BUSY_TIMEOUT_MS": "200"}
        out = cli(db, "stats", env=env)
        assert out.returncode == 0, out.stderr
        refused(db, "import", str(write(tmp_path / "a.csv", CSV)), fragment="locked by another program", env=env,
                compare=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert snapshot(db) == before


@pytest.mark.slow
def test_locked_rollback_journal_database(tmp_path):
    """A database in rollback-journal mode locked exclusively cannot even be read: one clear line."""
    db = sound_db(tmp_path / "j.db")
    before = snapshot(db)
    holder = sqlite3.connect(db, isolation_level=None)
    assert holder.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    holder.execute("BEGIN EXCLUSIVE")
    try:
        refused(db, "stats", fragment="locked by another program", env={"STANCETRACKER_BUSY_TIMEOUT_MS": "200"},
                compare=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert snapshot(db)[100:] == before[100:]  # the header changed only by the test's own switch of journal mode
