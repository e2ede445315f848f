"""Commands that only read open the database read-only: nothing written, nothing left beside the file."""

from __future__ import annotations

import os
import sqlite3

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.db.store import Store

READING = [["records"], ["records", "-q", "Tehran"], ["stats"], ["shifts"], ["actors"], ["dimensions"], ["events"],
           ["sources"], ["documents"], ["operations"], ["history", "UUID"], ["restore-version", "UUID"]]


def state(path) -> dict:
    """The folder's files with their bytes and modification times."""
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(path.parent.iterdir()) if p.is_file()}


@pytest.fixture
def db(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "s.db"
    assert CliRunner().invoke(cli, ["--db", str(path), "init"]).exit_code == 0
    return path


def run(db, *args):
    if "UUID" in args:
        with Store.open(db, readonly=True) as store:
            uuid = store.records(limit=1)[0].uuid
        args = tuple(uuid if a == "UUID" else a for a in args)
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert res.exit_code == 0, (args, res.output)
    return res


@pytest.mark.parametrize("args", READING, ids=" ".join)
def test_a_read_only_file_is_read_and_left_exactly_as_it_was(db, args):
    db.chmod(0o444)
    try:
        before = state(db)
        run(db, *args)
        assert state(db) == before  # no -wal, -shm or backup beside it; bytes and times unchanged
    finally:
        db.chmod(0o644)


def test_export_and_merge_dry_run_leave_the_database_as_it_was(db, tmp_path):
    before = state(db)
    run(db, "export", "-o", str(tmp_path / "out.csv"))
    run(db, "merge", str(tmp_path / "out.csv"), "--dry-run")
    assert state(db) == before


def test_reading_keeps_a_rollback_journal_database_as_it_is(db):
    """A read-write opening turned such a file into WAL mode; reading now changes nothing in it."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = state(db)
    for args in READING:
        run(db, *args)
    assert state(db) == before
    assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_reading_command_cannot_write(db, monkeypatch):
    """The connection a reading command gets refuses a write, whatever code tries one."""
    records = Store.records

    def writing(self, *a, **k):
        self.conn.execute("UPDATE records SET evidence = 'changed'")
        return records(self, *a, **k)

    monkeypatch.setattr(Store, "records", writing)
    before = state(db)
    res = CliRunner().invoke(cli, ["--db", str(db), "records"])
    assert res.exit_code == 1 and "read-only" in res.output and len(res.output.splitlines()) == 1
    assert state(db) == before


def test_a_file_nobody_may_write_is_read_without_side_files(db, monkeypatch):
    """Where the file is not writable (any user but root), it is read as immutable: no -wal or -shm is made."""
    from stancetracker.core.db import connection
    real = os.access
    monkeypatch.setattr(connection.os, "access",
                        lambda p, mode, **k: False if mode == os.W_OK and str(p) == str(db) else real(p, mode, **k))
    before = state(db)
    run(db, "records")
    run(db, "stats")
    assert state(db) == before


def test_an_older_database_is_still_upgraded_by_a_reading_command(tmp_path):
    from test_schema_migrations import old_database
    path = tmp_path / "old.db"
    old_database(path, "0004_bulk_import")
    res = run(path, "records")
    assert "(1 of 1 records)" in res.output
    with Store.open(path, readonly=True) as store:  # upgraded: a read-only opening needs nothing more
        assert store.count() == 1


def test_a_reading_command_never_creates_a_database(tmp_path):
    res = CliRunner().invoke(cli, ["--db", str(tmp_path / "none.db"), "records"])
    assert res.exit_code == 1 and "no such database" in res.output
    assert not (tmp_path / "none.db").exists()
