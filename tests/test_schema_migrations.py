"""Upgrading a database made by an older version keeps every record, id and search entry."""

import sqlite3

import pytest
import sqlite_utils

from stancetracker.core.db import schema
from stancetracker.core.db.connection import connect, needs_upgrade
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.project import open_project


def old_database(path, stop_before: str) -> None:
    """A database as the version before ``stop_before`` made it, with two records and their history."""
    conn = connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    db = sqlite_utils.Database(conn, execute_plugins=False)
    schema.migrations.apply(db, stop_before=stop_before)
    version = sum(1 for m in schema.migrations._migrations if m.name < stop_before)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.executescript("""
        INSERT INTO actors (id, slug, name) VALUES (1, 'sadr', 'Muqtada al-Sadr');
        INSERT INTO dimensions (id, slug, label) VALUES (1, 'us', 'US');
        INSERT INTO sources (id, slug, title) VALUES (1, 'paper', 'A paper');
        INSERT INTO operations (id, at, user, kind) VALUES (1, '2024-01-01T00:00:00Z', 'alice', 'add');
        INSERT INTO records (id, uuid, actor_id, dimension_id, date, date_precision, score, confidence, source_id,
                             locator, evidence, coder, created_at, updated_at, version, deleted)
        VALUES (7, '6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a11', 1, 1, '2020-01-01', 'year', -2, 'high', 1, 'p. 3',
                'demanded the withdrawal of foreign forces', 'alice', '2024-01-01T00:00:00Z',
                '2024-01-02T00:00:00Z', 2, 0),
               (9, '6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a12', 1, 1, '2021-05-01', 'month', 0.5, 'low', NULL, '',
                'praised the embassy', 'bashir', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', 1, 1);
        INSERT INTO history (op_id, entity, entity_id, action, before, after) VALUES (1, 'record', 7, 'add', NULL, '{}');
    """)
    conn.close()


def test_0004_rebuilds_records_with_a_named_uuid_index(tmp_path):
    path = tmp_path / "old.db"
    old_database(path, "0004_bulk_import")
    before = sqlite3.connect(path).execute("SELECT * FROM records ORDER BY id").fetchall()
    store = open_project(path, seed=False, user="tester")
    conn = store.conn
    assert conn.execute("SELECT * FROM records ORDER BY id").fetchall() == before
    names = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'records'")}
    assert {"records_uuid", "records_series", "records_date", "records_coder", "records_passage",
            "records_ai", "records_ad", "records_au"} <= names
    assert not any(n.startswith("sqlite_autoindex_records") for n in names)
    # Search still finds the old evidence, and edits keep the index in step.
    search = lambda q: [r for (r,) in conn.execute("SELECT rowid FROM records_fts WHERE records_fts MATCH ?", [q])]
    assert search("withdrawal") == [7]
    store.update_record("6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a11", 2, evidence="welcomed the withdrawal talks")
    assert search("welcomed") == [7] and search("demanded") == []
    # UUIDs stay unique, constraints stay in force, history is kept.
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO records (uuid, actor_id, dimension_id, date, date_precision, score, confidence,"
                     " coder, created_at, updated_at) SELECT uuid, 1, 1, '2020', 'year', 0, 'low', 'x', 'a', 'a'"
                     " FROM records WHERE id = 7")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE records SET score = 3 WHERE id = 7")
    assert conn.execute("SELECT count(*) FROM history WHERE entity_id = 7").fetchone()[0] >= 2
    assert [r.uuid[-3:] for r in store.records(RecordFilter(deleted=None))] == ["a11", "a12"]
    store.close()
    assert list((tmp_path / "backups").glob("old.*.migration.db")), "a backup is taken before the upgrade"


def test_needs_upgrade_tells_an_old_database_from_a_current_one(tmp_path):
    old = tmp_path / "old.db"
    old_database(old, "0004_bulk_import")
    assert needs_upgrade(old)
    open_project(old, seed=False, user="tester").close()
    assert not needs_upgrade(old)
    assert not needs_upgrade(tmp_path / "missing.db")
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 10)
    assert not needs_upgrade(tmp_path / "junk.db")


def test_the_window_says_it_is_upgrading_an_old_database(qtbot, tmp_path, monkeypatch):
    """Upgrading a large database takes a while; the user is told what is happening, then it opens."""
    from PySide6.QtWidgets import QProgressDialog

    from stancetracker.gui import main_window

    old = tmp_path / "old.db"
    old_database(old, "0004_bulk_import")
    shown = []
    monkeypatch.setattr(QProgressDialog, "show", lambda self: shown.append(self.labelText()))
    store = main_window.open_store(old, user="tester")
    assert store is not None and store.record("6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a11").score == -2
    store.close()
    assert len(shown) == 1 and shown[0].startswith("Upgrading old.db")
    shown.clear()
    main_window.open_store(old, user="tester").close()
    assert shown == []  # nothing to say the second time
