"""Backups: verified copies made with the online backup API, rotated, restorable."""

import datetime as dt
import sqlite3

import pytest

from stancetracker.core.db import backups
from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.model.errors import DatabaseError, ImportFailed
from stancetracker.core.project import open_project

from conftest import fingerprint, make_store, write

CSV = "actor_slug,dimension_slug,date,score,evidence\nsadr,iran,2020-01,2,met armed-group leaders\n"


def test_backup_is_a_verified_copy_named_by_stem_stamp_reason(store):
    """make_backup writes backups/<stem>.<UTC stamp>.<reason>.db holding the same data."""
    b = backups.make_backup(store.path, reason="manual")
    assert b.path.parent == store.path.parent / "backups"
    assert b.path.name.startswith("test.") and b.path.name.endswith(".manual.db")
    assert fingerprint(b.path) == fingerprint(store)
    assert [x.path for x in backups.list_backups(store.path)] == [b.path]
    assert not list(b.path.parent.glob("*.partial"))


def test_import_takes_a_backup_first_unless_state_is_already_backed_up(store, tmp_path):
    """Every import is preceded by a backup of the state it changes; an unchanged state is not copied twice."""
    before = fingerprint(store)
    import_records(store, write(tmp_path / "a.csv", CSV))
    found = backups.list_backups(store.path)
    assert [b.reason for b in found] == ["import"]
    assert fingerprint(found[0].path) == before
    bad = write(tmp_path / "bad.csv", CSV.replace("2020-01", "never"))
    after_first = fingerprint(store)
    for _ in range(2):  # the first refused import backs up the new state; the second finds it backed up
        with pytest.raises(ImportFailed):
            import_records(store, bad)
    found = backups.list_backups(store.path)
    assert len(found) == 2 and fingerprint(found[0].path) == after_first


def test_open_backup_is_throttled(tmp_path, monkeypatch):
    """Opening backs up an existing file once; again only after 10 minutes and a change."""
    make_store(tmp_path / "o.db").close()
    open_project(tmp_path / "o.db").close()
    open_project(tmp_path / "o.db").close()
    assert [b.reason for b in backups.list_backups(tmp_path / "o.db")] == ["open"]
    monkeypatch.setattr(backups, "OPEN_INTERVAL", dt.timedelta(0))
    open_project(tmp_path / "o.db").close()  # unchanged since the newest backup: skipped
    assert len(backups.list_backups(tmp_path / "o.db")) == 1
    s = open_project(tmp_path / "o.db", backup=False)
    import_records(s, write(tmp_path / "a.csv", CSV))  # the open backup already holds the state it changes
    s.close()
    open_project(tmp_path / "o.db").close()  # changed since: backed up
    assert [b.reason for b in backups.list_backups(tmp_path / "o.db")] == ["open", "open"]


def test_read_only_and_backup_false_opens_make_no_backup(tmp_path):
    """Read-only opens (records, stats, export) and backup=False make no backup."""
    make_store(tmp_path / "r.db").close()
    open_project(tmp_path / "r.db", readonly=True).close()
    open_project(tmp_path / "r.db", backup=False).close()
    assert backups.list_backups(tmp_path / "r.db") == []


def test_rotation_keeps_last_ten_plus_one_per_day_and_the_migration_backup(tmp_path):
    """Rotation keeps the 10 newest, the newest of each of the last 7 days and the newest migration backup."""
    folder = tmp_path / "backups"
    folder.mkdir()
    now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.timezone.utc)
    made = []
    for days_ago, hour, reason in ([(0, h, "open") for h in range(12)] + [(1, 9, "import"), (1, 8, "open"),
                                                                         (3, 5, "open"), (9, 1, "open"),
                                                                         (20, 1, "migration")]):
        when = now - dt.timedelta(days=days_ago) + dt.timedelta(hours=hour - 12)
        f = folder / f"x.{when.strftime(backups.STAMP)}.{reason}.db"
        f.write_bytes(b"")
        made.append((when, f))
    removed = backups.rotate(tmp_path / "x.db", now=now)
    kept = {b.path for b in backups.list_backups(tmp_path / "x.db")}
    newest10 = {f for _, f in sorted(made, reverse=True)[:10]}
    assert newest10 <= kept
    names = {f.name for f in kept}
    assert any(".import.db" in n for n in names)            # newest of yesterday
    assert not any(n.startswith("x.20261119T080000") for n in names)  # older one of yesterday
    assert any(n.startswith("x.20261117T") for n in names)   # 3 days ago
    assert not any(n.startswith("x.20261111T") for n in names)  # 9 days ago: beyond 7 days
    assert any(".migration.db" in n for n in names)
    assert len(removed) == len(made) - len(kept)


def test_restore_replaces_the_file_and_backs_up_the_current_state(tmp_path):
    """restore_backup puts a backup back, after saving the state it replaces; a later open sees it."""
    s = make_store(tmp_path / "d.db")
    b = backups.make_backup(s.path, reason="manual")
    original = fingerprint(s)
    import_records(s, write(tmp_path / "a.csv", CSV))
    changed = fingerprint(s)
    s.close()
    res = backups.restore_backup(tmp_path / "d.db", b.path)
    assert res.saved_current and fingerprint(res.saved_current) == changed
    s2 = open_project(tmp_path / "d.db", backup=False)
    assert s2.count() == 0 and fingerprint(s2) == original
    s2.close()


def test_restore_refuses_while_the_database_is_open_elsewhere(tmp_path):
    """A database another connection holds open is not replaced."""
    s = make_store(tmp_path / "busy.db")
    b = backups.make_backup(s.path)
    import_records(s, write(tmp_path / "a.csv", CSV))
    before = fingerprint(s)
    with pytest.raises(DatabaseError, match="open in another"):
        backups.restore_backup(tmp_path / "busy.db", b.path)
    assert fingerprint(s) == before
    s.close()


def test_restore_refuses_a_damaged_backup(tmp_path):
    """A backup that fails verification is refused and the database is untouched."""
    s = make_store(tmp_path / "d.db")
    b = backups.make_backup(s.path)
    s.close()
    data = bytearray(b.path.read_bytes())
    data[4096 * 3: 4096 * 6] = b"\xa5" * (4096 * 3)
    b.path.write_bytes(bytes(data))
    before = (tmp_path / "d.db").read_bytes()
    with pytest.raises(DatabaseError, match="damaged|malformed"):
        backups.restore_backup(tmp_path / "d.db", b.path)
    assert (tmp_path / "d.db").read_bytes() == before


def test_restore_over_a_damaged_file_keeps_a_raw_copy(tmp_path):
    """Restoring over a file too damaged to back up keeps a byte copy of it first."""
    s = make_store(tmp_path / "d.db")
    b = backups.make_backup(s.path)
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    (tmp_path / "d.db").write_bytes(b"garbage" * 1000)
    res = backups.restore_backup(tmp_path / "d.db", b.path)
    assert not res.saved_verified and res.saved_current.read_bytes() == b"garbage" * 1000
    assert sqlite3.connect(tmp_path / "d.db").execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_backup_of_a_damaged_database_is_refused(tmp_path):
    """A backup whose copy fails the integrity check is not kept, and says the database is damaged."""
    s = make_store(tmp_path / "c.db")
    import_records(s, write(tmp_path / "a.csv", CSV.strip() + "\n" + "".join(
        f"sadr,us,20{i % 20 + 10}-01,1,{'x' * 500} {i}\n" for i in range(400))))
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    data = bytearray((tmp_path / "c.db").read_bytes())
    mid = len(data) // 4096 // 2 * 4096
    data[mid: mid + 4096 * 8] = b"\x5a" * (4096 * 8)
    (tmp_path / "c.db").write_bytes(bytes(data))
    n = len(backups.list_backups(tmp_path / "c.db"))
    with pytest.raises(DatabaseError, match="damaged|malformed"):
        backups.make_backup(tmp_path / "c.db", reason="manual")
    assert len(backups.list_backups(tmp_path / "c.db")) == n
    assert not list((tmp_path / "backups").glob("*.partial"))


def test_open_backup_can_run_later_from_the_path(tmp_path):
    """A GUI opens with backup=False and runs the throttled open backup later through its own connection."""
    make_store(tmp_path / "g.db").close()
    s = open_project(tmp_path / "g.db", backup=False)
    b = backups.backup_on_open(tmp_path / "g.db")
    assert b is not None and b.reason == "open" and fingerprint(b.path) == fingerprint(s)
    assert backups.backup_on_open(tmp_path / "g.db") is None  # throttled
    s.close()
