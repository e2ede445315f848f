"""A migration and its version stamp are one transaction: a kill between them leaves the old state or the new."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

import pytest

from stancetracker.core.db import connection as database
from stancetracker.core.db.connection import needs_upgrade
from stancetracker.core.db.schema import APPLICATION_ID, SCHEMA_VERSION
from stancetracker.core.project import open_project

from conftest import REPO
from test_schema_migrations import old_database


def _state(path) -> tuple:
    conn = sqlite3.connect(path)
    try:
        names = [n for (n,) in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        return (conn.execute("PRAGMA user_version").fetchone()[0], names,
                conn.execute("SELECT id, uuid, score, evidence FROM records ORDER BY id").fetchall())
    finally:
        conn.close()


def _assert_upgraded_once(path, records) -> None:
    """Opened again, the file is upgraded, each migration recorded once, every record as it was."""
    store = open_project(path, seed=False, user="tester")
    assert store.conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    store.close()
    version, names, rows = _state(path)
    assert version == SCHEMA_VERSION
    assert len(names) == len(set(names)) == SCHEMA_VERSION
    assert rows == records
    assert not needs_upgrade(path)


def test_a_failure_between_a_migration_and_its_stamp_keeps_the_old_state(tmp_path, monkeypatch):
    """Raise after 0004 has run but before its stamp: nothing of 0004 stays; the next open upgrades once."""
    path = tmp_path / "old.db"
    old_database(path, "0004_bulk_import")
    before = _state(path)

    def fails(conn, version):
        raise RuntimeError("killed")
    monkeypatch.setattr(database, "_stamp", fails)
    with pytest.raises(RuntimeError):
        open_project(path, seed=False, user="tester")
    assert _state(path) == before  # neither the migration nor its record stands without the stamp
    assert needs_upgrade(path)
    monkeypatch.undo()
    _assert_upgraded_once(path, before[2])


def test_sigkill_between_a_migration_and_its_stamp(tmp_path):
    """A process killed right after the migration ran, as it stamps the version: reopened, upgraded once."""
    path = tmp_path / "old.db"
    old_database(path, "0004_bulk_import")
    before = _state(path)
    code = textwrap.dedent(f"""
        import os, signal
        from stancetracker.core.db import connection as database
        from stancetracker.core.db.store import Store
        from stancetracker.core.project import open_project
        def killed(conn, version):
            os.kill(os.getpid(), signal.SIGKILL)
        database._stamp = killed
        open_project({str(path)!r}, seed=False, user="tester")
    """)
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, timeout=60)
    assert proc.returncode == -9, proc.stderr
    assert _state(path) == before
    _assert_upgraded_once(path, before[2])


def test_a_file_whose_stamp_an_older_version_lost_is_put_right_on_opening(tmp_path):
    """All migrations recorded, user_version behind (an older version's kill): stamped, not 'will be upgraded'."""
    path = tmp_path / "stuck.db"
    open_project(path, seed=False, user="tester").close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.close()
    assert not needs_upgrade(path)  # nothing left to migrate: opening is quick
    open_project(path, seed=False, user="tester").close()
    assert _state(path)[0] == SCHEMA_VERSION


def test_a_new_file_killed_before_its_first_migration_opens_as_new(tmp_path):
    """Only an empty _sqlite_migrations table (an older version killed before its first migration): made afresh."""
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT,"
                 " applied_at TEXT)")
    conn.close()
    store = open_project(path, seed=False, user="tester")
    assert store.stats()["records"] == 0
    store.close()
    assert _state(path)[0] == SCHEMA_VERSION


def test_disk_full_during_a_migration_leaves_the_old_state(tmp_path, monkeypatch):
    """The disk fills as 0004 makes its new table: refused as disk full, nothing of 0004 kept; then it upgrades once."""
    import functools
    from stancetracker.core.model.errors import DatabaseError
    from test_faults_disk_full import _REAL_CONNECT, _FillsUp, _nth
    path = tmp_path / "old.db"
    old_database(path, "0004_bulk_import")
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")
    conn.close()
    before = _state(path)
    monkeypatch.setattr(sqlite3, "connect", functools.partial(_REAL_CONNECT, factory=_FillsUp))
    monkeypatch.setattr(_FillsUp, "trip", staticmethod(_nth(1, lambda sql, many: "CREATE TABLE records_new" in sql)))
    with pytest.raises(DatabaseError) as err:
        open_project(path, seed=False, user="tester")
    assert str(err.value).startswith(f"{path}: the disk is full") and "nothing was saved" in str(err.value)
    assert _state(path) == before
    monkeypatch.undo()
    _assert_upgraded_once(path, before[2])
