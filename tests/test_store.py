"""The store keeps records safe: validation, versions, trash and history."""

import sqlite3

import pytest

from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.errors import ConflictError, DatabaseError, NotFound, ValidationError
from stancetracker.core.model.entities import Actor, Record
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.schema import SCHEMA_VERSION
from stancetracker.core.project import open_project

from conftest import fingerprint, make_store


def rec(**kw) -> Record:
    base = dict(actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=2,
                confidence="high", source="paper-a", locator="¶3", evidence="met militia leaders in Qom")
    base.update(kw)
    return Record(**base)


def test_add_and_read_back(store):
    """A saved record reads back with its names, label and version 1."""
    r = store.add_record(rec())
    assert (r.actor_name, r.dimension_label, r.score_label, r.version) == (
        "Muqtada al-Sadr", "Iran", "strongly pro-Iran", 1)
    assert r.coder == "tester" and r.source_title == "A test article"


@pytest.mark.parametrize("field,value,fragment", [
    ("score", 3, "outside the range"),
    ("score", float("nan"), "number"),
    ("confidence", "certain", "low, medium or high"),
    ("actor", "nobody", "no actor"),
    ("dimension", "eu", "no dimension"),
    ("source", "missing", "no source"),
    ("evidence", "bad\x00text", "NUL"),
    ("evidence", "x" * 20_001, "limit"),
])
def test_invalid_records_are_refused(store, field, value, fragment):
    """Invalid values raise ValidationError naming the field; nothing is written."""
    before = fingerprint(store)
    with pytest.raises(ValidationError, match=fragment) as err:
        store.add_record(rec(**{field: value}))
    assert err.value.field == field
    assert fingerprint(store) == before


def test_fractional_scores_are_kept(store):
    """Rescaled imports keep fractions; the label is the nearest level's."""
    r = store.add_record(rec(score=-1.4))
    assert r.score == -1.4 and r.score_label == "anti-Iran"


def test_update_bumps_version_and_records_history(store):
    """An edit increments the version and history keeps before and after."""
    r = store.add_record(rec())
    r2 = store.update_record(r.uuid, 1, score=-1, evidence="changed his mind")
    assert r2.version == 2 and r2.score == -1
    h = store.history(r.uuid)
    assert [e.action for e in h] == ["create", "edit"]
    assert h[1].before["score"] == 2 and h[1].after["score"] == -1
    assert h[1].user == "tester"


def test_stale_save_is_a_conflict(store):
    """Saving over a record changed since it was read is refused, not applied."""
    r = store.add_record(rec())
    store.update_record(r.uuid, 1, score=1)
    with pytest.raises(ConflictError, match="changed by someone else"):
        store.update_record(r.uuid, 1, score=-2)
    assert store.record(r.uuid).score == 1


def test_conflict_across_two_connections(tmp_path):
    """Two connections on one file: the second stale save is refused."""
    a = make_store(tmp_path / "shared.db")
    b = open_project(tmp_path / "shared.db", user="other")
    r = a.add_record(rec())
    seen_by_b = b.record(r.uuid)
    a.update_record(r.uuid, seen_by_b.version, score=0)
    with pytest.raises(ConflictError):
        b.update_record(r.uuid, seen_by_b.version, score=-2)
    assert b.record(r.uuid).score == 0
    a.close(), b.close()


def test_trash_and_restore(store):
    """Delete moves a record to the trash; restore brings it back; both are history."""
    r = store.add_record(rec())
    store.delete_record(r.uuid)
    assert store.count() == 0 and store.count(RecordFilter(deleted=True)) == 1
    store.restore_record(r.uuid)
    assert store.count() == 1
    assert [e.action for e in store.history(r.uuid)] == ["create", "delete", "restore"]


def test_filters(store):
    """Filters by actor, dimension, dates, coder, confidence and full text combine."""
    store.add_record(rec())
    store.add_record(rec(actor="maliki", dimension="us", date=parse_date("2022"), confidence="low",
                         evidence="backed the expulsion of American troops"))
    store.add_record(rec(date=parse_date("2019-10"), coder="someone", evidence="الصدر يدعم الاحتجاجات"))
    assert store.count(RecordFilter(actors=["sadr"])) == 2
    assert store.count(RecordFilter(dimensions=["us"])) == 1
    assert store.count(RecordFilter(since=parse_date("2020"), until=parse_date("2020-12"))) == 1
    assert store.count(RecordFilter(coders=["someone"])) == 1
    assert store.count(RecordFilter(min_confidence="medium")) == 2
    assert store.count(RecordFilter(query="american")) == 1
    assert store.count(RecordFilter(query="amer")) == 1  # prefix match while typing
    assert store.count(RecordFilter(query="الصدر")) == 1
    assert store.count(RecordFilter(query='"unbalanced quote (')) == 0  # no FTS syntax error


def test_actor_lookup_ignores_case_diacritics_and_article(store):
    """Spellings the sources use all find the same actor."""
    for name in ["Moqtada al-Sadr", "muqtada sadr", "MUQTADA AL SADR", "Muqtadā al-Ṣadr", "sadr"]:
        assert store.actor(name).slug == "sadr"
    assert store.actor("khadimi").slug == "kadhimi"
    with pytest.raises(NotFound):
        store.actor("Ammar al-Hakim")


def test_duplicate_actor_names_are_refused(store):
    """Creating a second 'Moqtada' actor is refused: the name already names sadr."""
    with pytest.raises(ValidationError, match="already names the actor 'sadr'"):
        store.add_actor(Actor(slug="moqtada", name="Moqtada al-Sadr"))


def test_bidi_controls_in_names_are_refused(store):
    """Invisible direction overrides in a name are refused."""
    with pytest.raises(ValidationError, match="bidirectional"):
        store.add_actor(Actor(slug="x", name="abc\u202edef"))


def test_new_database_has_wal_and_schema_version(tmp_path):
    """A new file is in WAL mode, marked as ours and at the current schema version."""
    s = open_project(tmp_path / "n.db", seed=False)
    assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert s.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    s.close()


def test_series_query_uses_the_index(store):
    """The actor x dimension x date query is answered from the series index."""
    plan = store.conn.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM records WHERE actor_id = 1 AND dimension_id = 1 "
        "AND date BETWEEN '2019-01-01' AND '2020-01-01'").fetchall()
    assert "records_series" in " ".join(str(p) for p in plan)


def test_not_a_database_is_left_untouched(tmp_path):
    """A text file given as database is refused and not modified."""
    p = tmp_path / "notes.db"
    p.write_text("these are my notes\n" * 20)
    with pytest.raises(DatabaseError, match="not a stancetracker database"):
        open_project(p)
    assert p.read_text() == "these are my notes\n" * 20


def test_foreign_sqlite_database_is_refused(tmp_path):
    """Another program's SQLite file is refused and not modified."""
    p = tmp_path / "other.db"
    c = sqlite3.connect(p)
    c.execute("CREATE TABLE t (x)")
    c.commit(), c.close()
    before = p.read_bytes()
    with pytest.raises(DatabaseError, match="not a stancetracker one"):
        open_project(p)
    assert p.read_bytes() == before


def test_newer_schema_is_refused(tmp_path):
    """A database from a newer version is refused with advice to update."""
    s = make_store(tmp_path / "new.db")
    s.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    s.close()
    with pytest.raises(DatabaseError, match="newer version"):
        open_project(tmp_path / "new.db")


def test_truncated_file_is_refused(tmp_path):
    """A file cut short is refused with a message, not a traceback."""
    p = tmp_path / "cut.db"
    p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)
    with pytest.raises(DatabaseError, match="truncated"):
        open_project(p)


def test_read_only_file_opens_read_only(tmp_path):
    """A read-only file opens read-only, and writes are refused with a message."""
    s = make_store(tmp_path / "ro.db")
    s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    s.close()
    (tmp_path / "ro.db").chmod(0o444)
    try:
        ro = open_project(tmp_path / "ro.db", readonly=True)
        assert ro.readonly and ro.count() == 0
        with pytest.raises(DatabaseError, match="read-only"):
            ro.add_record(rec())
        ro.close()
    finally:
        (tmp_path / "ro.db").chmod(0o644)


def test_pending_migration_takes_a_backup_first(tmp_path, monkeypatch):
    """Before a migration runs on an existing database, a verified copy is made."""
    from stancetracker.core.db import schema
    s = make_store(tmp_path / "m.db")
    s.add_record(rec())
    s.close()

    @schema.migrations(name="9999_test_only")
    def _add_column(db):
        db.execute("ALTER TABLE actors ADD COLUMN test_only TEXT")

    try:
        monkeypatch.setattr("stancetracker.core.db.connection.SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
        s2 = open_project(tmp_path / "m.db")
        assert "test_only" in [r[1] for r in s2.conn.execute("PRAGMA table_info(actors)")]
        s2.close()
    finally:
        schema.migrations.remove("9999_test_only")
    backups = list((tmp_path / "backups").glob("m.*.migration.db"))  # issue 6: backups/ folder
    assert len(backups) == 1
    b = sqlite3.connect(backups[0])
    assert b.execute("SELECT count(*) FROM records").fetchone()[0] == 1
    assert "test_only" not in [r[1] for r in b.execute("PRAGMA table_info(actors)")]
