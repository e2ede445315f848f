"""Databases made elsewhere are data, not code: foreign triggers and views never run, and such files are refused for writing."""

import hashlib
import sqlite3
import time

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.db import backups
from stancetracker.core.db import foreign
from stancetracker.core.db import integrity
from stancetracker.core.db.connection import connect
from stancetracker.core.model.errors import DatabaseError
from stancetracker.core.db.schema_audit import ForeignSchema, audit, harmful
from stancetracker.core.project import open_project

from conftest import make_store, seeded_records, write

HOSTILE_TRIGGERS = {
    "deletes every other record":
        "CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM records WHERE id != new.id; END",
    "negates every score":
        "CREATE TRIGGER flip AFTER INSERT ON records BEGIN UPDATE records SET score = -score; END",
    "rewrites every evidence note":
        "CREATE TRIGGER note AFTER INSERT ON records BEGIN UPDATE records SET evidence = 'pwned'; END",
    "erases history as it is written":
        "CREATE TRIGGER forget AFTER INSERT ON history BEGIN DELETE FROM history; END",
}


def folder_state(folder) -> dict:
    """Every file in a folder (recursively) with the hash of its bytes."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(db, *args):
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def one_line(res) -> str:
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in res.output, res.output
    return lines[0]


@pytest.fixture
def seeded(tmp_path):
    """A database with two records, closed, in its own folder."""
    folder = tmp_path / "db"
    folder.mkdir()
    store = make_store(folder / "team.db")
    from stancetracker.core.model.dates import parse_date
    from stancetracker.core.model.entities import Record
    for score in (1, -1):
        store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=score,
                                source="paper-a", evidence="met militia leaders in Qom"))
    store.close()
    return folder / "team.db"


def tamper(path, *sql: str) -> None:
    """Change a file the way another program would (plain sqlite3, no stancetracker rules)."""
    conn = sqlite3.connect(path, isolation_level=None)
    for s in sql:
        conn.execute(s)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def csv_file(tmp_path):
    return write(tmp_path / "in.csv", "actor,dimension_slug,date,score,evidence\nMoqtada al-Sadr,iran,Jan 2021,2,"
                                      "led the march\n")


@pytest.mark.parametrize("what", sorted(HOSTILE_TRIGGERS))
def test_a_file_with_a_foreign_trigger_is_refused_for_import_and_left_byte_identical(seeded, tmp_path, what):
    """check names the trigger; import refuses in one line naming it and the command that removes it; nothing changes."""
    tamper(seeded, HOSTILE_TRIGGERS[what])
    name = HOSTILE_TRIGGERS[what].split()[2]
    before = folder_state(seeded.parent)
    res = run(seeded, "check")
    assert res.exit_code == 1 and f"trigger {name} on" in res.output and "--remove-foreign" in res.output
    res = run(seeded, "import", str(csv_file(tmp_path)))
    line = one_line(res)
    assert res.exit_code == 1 and f"trigger {name}" in line and "check --remove-foreign" in line
    assert "nothing was changed" in line
    assert folder_state(seeded.parent) == before


def test_reading_commands_work_on_such_a_file_warn_and_change_nothing(seeded):
    """stats and records still answer, read-only, with a warning; no trigger fires and no file changes."""
    tamper(seeded, HOSTILE_TRIGGERS["deletes every other record"])
    before = folder_state(seeded.parent)
    res = run(seeded, "stats")
    assert res.exit_code == 0 and "records: 2" in res.output and "Warning:" in res.output
    assert "trigger wipe" in res.output
    assert run(seeded, "records").exit_code == 0
    assert folder_state(seeded.parent) == before


def test_remove_foreign_backs_up_then_drops_and_the_file_is_usable_again(seeded, tmp_path):
    """check --remove-foreign lists what it removes, keeps a verified backup holding it, and imports work after."""
    tamper(seeded, *HOSTILE_TRIGGERS.values(), "CREATE VIEW extra AS SELECT * FROM records")
    res = run(seeded, "check", "--remove-foreign")
    assert res.exit_code == 0, res.output
    for name in ("wipe", "flip", "note", "forget", "extra"):
        assert f"removed: " in res.output and f" {name} " in res.output
    (backup,) = backups.list_backups(seeded)
    conn = sqlite3.connect(backup.path)
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")} >= {"wipe", "flip"}
    conn.close()
    assert run(seeded, "import", str(csv_file(tmp_path))).exit_code == 0
    with open_project(seeded, readonly=True) as store:
        rows = store.records()
        assert len(rows) == 3 and sorted(r.score for r in rows) == [-1, 1, 2]
        assert all(r.evidence != "pwned" for r in rows)
        assert store.conn.execute("SELECT count(*) FROM history").fetchone()[0] >= 3


def test_a_view_in_place_of_records_is_refused_and_cannot_be_removed_by_dropping(seeded):
    """records as a view: check says so without reading it; writing and --remove-foreign refuse; the file is unchanged."""
    tamper(seeded, "ALTER TABLE records RENAME TO old_records",
           "CREATE VIEW records AS SELECT * FROM old_records")
    before = folder_state(seeded.parent)
    res = run(seeded, "check")
    assert res.exit_code == 1 and "view records (in place of our table)" in res.output
    with pytest.raises(ForeignSchema):
        open_project(seeded)
    res = run(seeded, "check", "--remove-foreign")
    assert res.exit_code == 1 and "cannot simply be removed" in one_line(res)
    assert folder_state(seeded.parent) == before


def test_a_changed_definition_of_our_table_is_refused(seeded):
    """records rebuilt without its CHECK constraints is "changed" and refused for writing."""
    conn = sqlite3.connect(seeded)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'records'").fetchone()
    conn.close()
    loose = sql.replace("CHECK (score BETWEEN -2 AND 2)", "")
    assert loose != sql
    tamper(seeded, "PRAGMA writable_schema = ON",
           f"UPDATE sqlite_master SET sql = '{loose.replace(chr(39), chr(39) * 2)}' WHERE name = 'records'")
    objs = harmful(audit(connect(seeded, readonly=True)))
    assert [(o.type, o.name, o.why) for o in objs] == [("table", "records", "changed")]
    with pytest.raises(ForeignSchema, match="table records"):
        open_project(seeded)


def test_a_trigger_added_while_the_file_is_open_cannot_write(seeded):
    """The authorizer stops a trigger another program adds after the audit: the write fails, nothing changes."""
    from stancetracker.core.model.dates import parse_date
    from stancetracker.core.model.entities import Record
    store = open_project(seeded, backup=False)
    try:
        other = sqlite3.connect(seeded, isolation_level=None)
        other.execute(HOSTILE_TRIGGERS["deletes every other record"])
        other.close()
        with pytest.raises(DatabaseError, match="did not make tried to change data and was stopped; nothing was saved"):
            store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2021"), score=0,
                                    source="paper-a"))
        assert store.count() == 2
    finally:
        store.close()


def test_our_own_search_triggers_still_work(store):
    """FTS5 triggers sqlite-utils made keep the search index in step on a hardened connection."""
    from stancetracker.core.model.dates import parse_date
    from stancetracker.core.model.entities import Record
    from stancetracker.core.db.query import RecordFilter
    store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2021"), score=0, source="paper-a",
                            evidence="an unusual word: zanzibar"))
    assert store.count(RecordFilter(query="zanzibar")) == 1
    assert store.conn.execute("PRAGMA trusted_schema").fetchone()[0] == 1  # after the audit passed


def test_hardened_connections_start_untrusted(seeded):
    """A read-only connection never trusts the schema; defensive mode is on where Python can set it."""
    conn = connect(seeded, readonly=True)
    assert conn.execute("PRAGMA trusted_schema").fetchone()[0] == 0
    if hasattr(conn, "getconfig") and hasattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE"):
        assert conn.getconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE)
    conn.close()


@pytest.mark.parametrize("kind", ["trigger", "records view"])
def test_restore_refuses_a_backup_with_foreign_objects(seeded, tmp_path, kind):
    """A "backup" with a trigger, or whose records is a view, is refused; the database and its folder are unchanged."""
    bad = tmp_path / "download.db"
    bad.write_bytes(seeded.read_bytes())
    if kind == "trigger":
        tamper(bad, HOSTILE_TRIGGERS["negates every score"])
    else:
        tamper(bad, "ALTER TABLE records RENAME TO r2", "CREATE VIEW records AS SELECT * FROM r2")
    before = folder_state(seeded.parent)
    bad_before = bad.read_bytes()
    res = run(seeded, "restore", str(bad), "--yes")
    line = one_line(res)
    assert res.exit_code == 1 and "did not make" in line and "not restored" in line
    assert folder_state(seeded.parent) == before and bad.read_bytes() == bad_before


def test_a_recursive_view_stops_within_the_bound(seeded, monkeypatch):
    """A query on a view that never ends is interrupted by the progress handler with one line."""
    tamper(seeded, "CREATE VIEW forever AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                   "SELECT count(*) FROM n")
    conn = connect(seeded, readonly=True)
    start = time.monotonic()
    with pytest.raises(DatabaseError, match="took longer than 0 s and was stopped"):
        with foreign.bounded(conn, seeded, seconds=0.2):
            conn.execute("SELECT * FROM forever").fetchall()
    assert time.monotonic() - start < 5
    conn.close()
    # check itself reports the view and never reads it, well within its bound.
    monkeypatch.setattr(foreign, "QUERY_SECONDS", 2.0)
    start = time.monotonic()
    report = integrity.check(seeded)
    assert any("view forever" in p for p in report.problems) and time.monotonic() - start < 30


def test_read_only_commands_never_create_a_database(tmp_path):
    """stats on a zero-byte file or a missing one refuses in one line; the empty file stays empty; init still works."""
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    res = run(empty, "stats")
    assert res.exit_code == 1 and "empty file (0 bytes)" in one_line(res) and "init" in res.output
    assert empty.read_bytes() == b"" and sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
    res = run(tmp_path / "missing.db", "records")
    assert res.exit_code == 1 and "no such database" in one_line(res)
    assert not (tmp_path / "missing.db").exists()
    assert run(empty, "init").exit_code == 0 and empty.stat().st_size > 0


def test_reading_a_file_whose_records_is_a_recursive_view_refuses_at_once(seeded):
    """stats on a file whose records is a view that never ends: one line, at once; the file is unchanged."""
    tamper(seeded, "ALTER TABLE records RENAME TO r2",
           "CREATE VIEW records AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
           "SELECT r2.* FROM r2, n")
    before = folder_state(seeded.parent)
    start = time.monotonic()
    for cmd in ("stats", "records"):
        res = run(seeded, cmd)
        assert res.exit_code == 1 and "view records (in place of our table)" in one_line(res)
    assert folder_state(seeded.parent) == before
    res = run(seeded, "check")
    assert res.exit_code == 1 and "view records (in place of our table)" in res.output
    assert time.monotonic() - start < 20
    assert folder_state(seeded.parent)["team.db"] == before["team.db"]


def test_an_emptied_migration_record_does_not_make_our_triggers_foreign(seeded):
    """Another program empties _sqlite_migrations: our FTS triggers are still ours (the version stamp counts)."""
    tamper(seeded, "DELETE FROM _sqlite_migrations")
    conn = connect(seeded, readonly=True)
    assert harmful(audit(conn)) == []
    conn.close()


def test_the_bound_counts_sqlite_time_not_python_time(seeded, monkeypatch):
    """Long Python work between queries (a big merge checking rows) does not use up the bound; SQLite's own does."""
    clock = [0.0]

    def monotonic():
        clock[0] += 0.001  # each look at the clock: a millisecond of SQLite's work
        return clock[0]
    monkeypatch.setattr(foreign.time, "monotonic", monotonic)
    conn = connect(seeded, readonly=True)
    with foreign.bounded(conn, seeded, seconds=0.5):
        for _ in range(5):
            conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 20000) "
                         "SELECT count(*) FROM n").fetchone()
            clock[0] += 100  # Python busy for "100 s"
    with pytest.raises(DatabaseError, match="was stopped"):
        with foreign.bounded(conn, seeded, seconds=0.5):
            conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
                         ).fetchone()
    conn.close()


def test_a_changed_index_of_ours_is_put_back_as_we_make_it(seeded):
    """records_coder made UNIQUE elsewhere blocks writes; --remove-foreign recreates ours and writing works again."""
    tamper(seeded, "DROP INDEX records_coder", "CREATE UNIQUE INDEX records_coder ON records(coder, uuid)")
    with pytest.raises(ForeignSchema, match=r"index records_coder on records \(its definition was changed\)"):
        open_project(seeded)
    res = run(seeded, "check", "--remove-foreign")
    assert res.exit_code == 0 and "removed: index records_coder" in res.output
    conn = sqlite3.connect(seeded)
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'records_coder'").fetchone()
    conn.close()
    assert sql == "CREATE INDEX records_coder ON records(coder)"
    open_project(seeded, backup=False).close()


def test_import_into_a_missing_database_still_creates_it(tmp_path):
    """A writing command keeps making a new seeded database when --db names none yet (unchanged behaviour)."""
    res = run(tmp_path / "new.db", "import", str(csv_file(tmp_path)))
    assert res.exit_code == 0 and "1 record added" in res.output
    with open_project(tmp_path / "new.db", readonly=True) as store:
        assert store.count() == seeded_records() + 1 and len(store.actors()) > 1  # the seeded and the imported one


def test_restore_puts_back_what_was_verified_even_with_a_hot_journal(seeded, tmp_path):
    """A backup left mid-transaction is verified and restored as it was before that transaction; it stays as it is."""
    import shutil
    source = tmp_path / "src.db"
    shutil.copyfile(seeded, source)
    tamper(source, "PRAGMA journal_mode = DELETE")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    conn = sqlite3.connect(source, isolation_level=None)
    conn.execute("PRAGMA cache_size = 1")
    conn.execute("BEGIN")
    conn.execute("UPDATE records SET evidence = printf('%.*c', 5000, 'h')")
    conn.execute("INSERT INTO sources (slug, title, text) VALUES ('half', 'Half', printf('%.*c', 200000, 'z'))")
    shutil.copyfile(source, crashed / "old.db")
    shutil.copyfile(f"{source}-journal", crashed / "old.db-journal")
    conn.execute("ROLLBACK")
    conn.close()
    assert (crashed / "old.db").read_bytes() != source.read_bytes()  # the half-done change reached the file
    before = folder_state(crashed)
    res = run(seeded, "restore", str(crashed / "old.db"), "--yes")
    assert res.exit_code == 0, res.output
    with open_project(seeded, readonly=True) as store:
        assert {r.evidence for r in store.records()} == {"met militia leaders in Qom"}
        assert "half" not in {s.slug for s in store.sources()}
    assert folder_state(crashed) == before
