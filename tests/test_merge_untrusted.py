"""Merging a file made elsewhere: read-only, nothing left beside it, every row checked, nothing bad merged."""

import hashlib
import sqlite3
import uuid as _uuid

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.errors import StanceError
from stancetracker.core.exchange.merge import apply_merge, plan_merge
from stancetracker.core.model.entities import Record
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.revert import revert_operation

from conftest import fingerprint, make_store

GOOD = "aaaaaaaa-2222-4333-8444-bbbbbbbbbbbb"
BAD_RECORDS = {  # column -> value that breaks a rule (issue 12's list)
    "date": "garbage",
    "date ": "2021-02-30",
    "uuid": "not-a-uuid",
    "version": -3,
    "created_at": "yesterday",
    "updated_at": "2024-13-45T99:99",
    "evidence": "x" * 10_000_000,
    "evidence ": "line\x07bell",
    "coder": "al\u202eice",
    "score": 7,
    "confidence": "sure",
}


def folder_state(folder) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture
def ours(tmp_path):
    s = make_store(tmp_path / "ours.db")
    yield s
    s.close()


@pytest.fixture
def theirs(tmp_path, ours):
    """A colleague's file in its own folder: a copy of ours plus one valid new record."""
    folder = tmp_path / "colleague"
    folder.mkdir()
    path = folder / "theirs.db"
    copy = sqlite3.connect(path)
    ours.conn.backup(copy)
    copy.close()
    s = make_store(path)
    s.add_record(Record(uuid=GOOD, actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=1,
                        source="paper-a", evidence="valid"))
    s.close()
    return path


def raw(path, *sql, params=()):
    conn = sqlite3.connect(path, isolation_level=None)
    for s in sql:
        conn.execute(s, params)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def add_bad_record(path, column: str, value) -> str:
    """A record copied from the valid one with one column set to a value that breaks a rule."""
    column = column.strip()
    new_uuid = str(_uuid.uuid4())
    conn = sqlite3.connect(path, isolation_level=None)
    cols = ", ".join(r[1] for r in conn.execute("PRAGMA table_info(records)") if r[1] not in ("id", "uuid"))
    conn.execute(f"INSERT INTO records (uuid, {cols}) SELECT ?, {cols} FROM records WHERE uuid = ?", [new_uuid, GOOD])
    rid = conn.execute("SELECT max(id) FROM records").fetchone()[0]
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(f"UPDATE records SET {column} = ? WHERE id = ?", [value, rid])
    conn.close()
    return value if column == "uuid" else new_uuid


@pytest.mark.parametrize("column", sorted(BAD_RECORDS))
def test_a_record_that_breaks_a_rule_is_refused_and_listed(ours, theirs, column):
    """The bad record is listed (table, uuid, column); nothing is merged unless the valid ones are accepted."""
    key = add_bad_record(theirs, column, BAD_RECORDS[column])
    before = fingerprint(ours)
    plan = plan_merge(ours, theirs)
    (row,) = plan.refused
    assert row.table == "records" and row.key == key and row.problems[0][0] == column.strip()
    assert [d["uuid"] for d in plan.new] == [GOOD]
    with pytest.raises(StanceError, match="nothing was merged — merge the valid rows alone with --skip-invalid"):
        apply_merge(ours, plan)
    assert fingerprint(ours) == before
    result = apply_merge(ours, plan, skip_invalid=True)
    assert result.added == 1 and ours.record(GOOD).evidence == "valid"
    assert ours.count() == 1


def test_an_upper_case_twin_is_refused(ours, theirs):
    """The same UUID in capitals next to the lower-case one is refused, the valid one merges."""
    raw(theirs, "DROP INDEX records_uuid")  # as another tool might; the audit reports it missing
    add_bad_record(theirs, "uuid", GOOD.upper())
    plan = plan_merge(ours, theirs)
    assert [(r.key, r.problems[0][0]) for r in plan.refused] == [(GOOD.upper(), "uuid")]


def test_a_uuid_twice_in_their_file_is_refused_the_second_time(ours, theirs):
    """Two rows with one UUID (their unique index dropped): the second is refused, the merge cannot fail on it."""
    raw(theirs, "DROP INDEX records_uuid")
    conn = sqlite3.connect(theirs, isolation_level=None)
    cols = ", ".join(r[1] for r in conn.execute("PRAGMA table_info(records)") if r[1] != "id")
    conn.execute(f"INSERT INTO records ({cols}) SELECT {cols} FROM records WHERE uuid = ?", [GOOD])
    conn.close()
    plan = plan_merge(ours, theirs)
    assert [(r.key, r.problems[0]) for r in plan.refused] == [(GOOD, ("uuid", "appears more than once in the file"))]
    assert apply_merge(ours, plan, skip_invalid=True).added == 1


def test_bad_actors_and_sources_are_refused_with_their_records(ours, theirs):
    """Slug 'BAD SLUG/..', colour javascript:, kind wizard, unparseable published: each refused, records on them too."""
    raw(theirs, "INSERT INTO actors (slug, name, kind, colour) VALUES ('BAD SLUG/..', 'Bad', 'person', '')",
        "INSERT INTO actors (slug, name, kind, colour) VALUES ('jsc', 'Js', 'person', 'javascript:alert(1)')",
        "INSERT INTO actors (slug, name, kind, colour) VALUES ('wiz', 'Wiz', 'wizard', '')",
        "INSERT INTO sources (slug, title, published, published_precision) VALUES ('when', 'When', 'soon', 'day')")
    conn = sqlite3.connect(theirs, isolation_level=None)
    bad_actor = conn.execute("SELECT id FROM actors WHERE slug = 'wiz'").fetchone()[0]
    conn.close()
    uuid = add_bad_record(theirs, "actor_id", bad_actor)
    plan = plan_merge(ours, theirs)
    got = {(r.table, r.key): r.problems[0][0] for r in plan.refused}
    assert got == {("actors", "BAD SLUG/.."): "slug", ("actors", "jsc"): "colour", ("actors", "wiz"): "kind",
                   ("sources", "when"): "published", ("records", uuid): "actor"}
    before = fingerprint(ours)
    res = CliRunner().invoke(cli, ["--db", str(ours.path), "merge", str(theirs)])
    assert res.exit_code == 1 and "refused:" in res.output and "--skip-invalid" in res.output
    assert "Traceback" not in res.output and fingerprint(ours) == before
    res = CliRunner().invoke(cli, ["--db", str(ours.path), "merge", str(theirs), "--skip-invalid"])
    assert res.exit_code == 0, res.output
    assert not {"wiz", "jsc", "BAD SLUG/.."} & {a.slug for a in ours.actors()}
    chart = ours.path.parent / "chart.png"
    for cmd in (["records"], ["shifts"], ["stats"], ["check"], ["chart", "-a", "sadr", "-o", str(chart)]):
        out = CliRunner().invoke(cli, ["--db", str(ours.path), *cmd])
        assert out.exit_code == 0 and "internal error" not in out.output, (cmd, out.output)


@pytest.mark.slow
def test_a_huge_source_text_is_refused_without_being_read(ours, theirs):
    """A 300-million-character text is measured, not loaded: refused, and merge stays far below its size in memory."""
    import tracemalloc
    conn = sqlite3.connect(theirs, isolation_level=None)
    conn.execute("INSERT INTO sources (slug, title, text) VALUES ('big', 'Big', zeroblob(300000000))")
    conn.execute("UPDATE sources SET text = CAST(text AS TEXT) WHERE slug = 'big'")  # stays 300 MB of bytes
    conn.close()
    tracemalloc.start()
    plan = plan_merge(ours, theirs)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(r.table, r.key, r.problems[0][0]) for r in plan.refused] == [("sources", "big", "text")]
    assert peak < 50e6


def test_merge_leaves_nothing_beside_their_file(ours, theirs):
    """Their file and folder are byte-identical after a merge, with and without a -wal of committed data."""
    before = folder_state(theirs.parent)
    apply_merge(ours, plan_merge(ours, theirs))
    assert folder_state(theirs.parent) == before
    # Now with committed data still in their -wal (a colleague's open window).
    holder = sqlite3.connect(theirs, isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute("UPDATE records SET evidence = 'still in the wal' WHERE uuid = ?", [GOOD])
    before = folder_state(theirs.parent)
    assert "theirs.db-wal" in before
    plan = plan_merge(ours, theirs)
    assert [c.theirs["evidence"] for c in plan.conflicts] == ["still in the wal"]
    assert folder_state(theirs.parent) == before
    holder.close()


def test_merge_refuses_a_file_with_a_foreign_trigger_or_records_view(ours, theirs):
    """A trigger or a view in their file: merge refuses in one line; their file is untouched."""
    raw(theirs, "CREATE TRIGGER t AFTER INSERT ON records BEGIN DELETE FROM records; END")
    before = folder_state(theirs.parent)
    with pytest.raises(StanceError, match="trigger t on records"):
        plan_merge(ours, theirs)
    assert folder_state(theirs.parent) == before  # refused without a byte or a side file written
    raw(theirs, "DROP TRIGGER t", "ALTER TABLE records RENAME TO r2",
        "CREATE VIEW records AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT * FROM r2, n")
    with pytest.raises(StanceError, match="view records"):
        plan_merge(ours, theirs)
    assert "theirs.db-wal" not in folder_state(theirs.parent) and "theirs.db-shm" not in folder_state(theirs.parent)


def test_revert_of_a_merge_trashes_its_records_and_leaves_the_file_sound(ours, theirs):
    """Reverting a merge that added an actor and its records trashes the records (ids never reused); check is clean."""
    theirs_store = make_store(theirs)
    from stancetracker.core.model.entities import Actor
    theirs_store.add_actor(Actor(slug="hakim", name="Ammar al-Hakim", kind="person"))
    theirs_store.add_record(Record(actor="hakim", dimension="iran", date=parse_date("2021"), score=1,
                                   source="paper-a"))
    theirs_store.close()
    result = apply_merge(ours, plan_merge(ours, theirs))
    assert "hakim" in {a.slug for a in ours.actors()}
    revert_operation(ours, result.op_id)
    assert ours.count() == 0 and ours.count(RecordFilter(deleted=True)) == 2  # hakim's and the valid one
    from stancetracker.core.db.integrity import check
    ours.close()
    report = check(ours.path)
    assert report.ok, report.lines()


def test_over_long_names_anywhere_are_measured_not_loaded(ours, theirs):
    """A 5-million-character actor name, alias or dimension codebook is refused with its real length."""
    raw(theirs, "INSERT INTO actors (slug, name, kind, colour) VALUES ('long', printf('%.*c', 5000000, 'x'), 'person', '')",
        "INSERT INTO actors (slug, name, kind, colour) VALUES ('alias', 'Alias', 'person', '')",
        "INSERT INTO actor_aliases (actor_id, alias) SELECT id, printf('%.*c', 3000000, 'y') FROM actors WHERE slug = 'alias'",
        "INSERT INTO dimensions (slug, label, codebook) VALUES ('cb', 'Codebook', printf('%.*c', 2000000, 'z'))")
    plan = plan_merge(ours, theirs)
    got = {(r.table, r.key): r.problems[0] for r in plan.refused}
    assert got == {("actors", "long"): ("name", "is 5,000,000 characters long; the limit is 200"),
                   ("actors", "alias"): ("aliases", "is 3,000,000 characters long; the limit is 200"),
                   ("dimensions", "cb"): ("codebook", "is 2,000,000 characters long; the limit is 20,000")}


def test_a_hot_journal_beside_their_file_is_rolled_back_in_a_copy(ours, theirs, tmp_path):
    """Their file left mid-transaction (a -journal): merge reads it as before that transaction; the folder is unchanged."""
    import shutil
    raw(theirs, "PRAGMA journal_mode = DELETE")
    crashed = tmp_path / "crashed"
    crashed.mkdir()
    conn = sqlite3.connect(theirs, isolation_level=None)
    conn.execute("PRAGMA cache_size = 1")  # spill: the half-done change reaches the file itself
    conn.execute("BEGIN")
    conn.execute("UPDATE records SET evidence = printf('%.*c', 5000, 'h')")
    conn.execute("INSERT INTO sources (slug, title, text) VALUES ('half', 'Half', printf('%.*c', 200000, 'z'))")
    shutil.copyfile(theirs, crashed / "theirs.db")
    shutil.copyfile(f"{theirs}-journal", crashed / "theirs.db-journal")
    conn.execute("ROLLBACK")
    conn.close()
    assert (crashed / "theirs.db").read_bytes() != theirs.read_bytes()  # the spill reached the file
    before = folder_state(crashed)
    plan = plan_merge(ours, crashed / "theirs.db")
    assert [d["evidence"] for d in plan.new] == ["valid"] and not plan.refused_count
    assert "half" not in {r.slug for r in plan.references}
    assert folder_state(crashed) == before


def test_a_plan_keeps_details_of_the_first_refused_rows_and_counts_the_rest(ours, theirs, monkeypatch):
    """A file with more bad rows than a plan keeps: all are counted, the kept ones listed, memory stays bounded."""
    from stancetracker.core.exchange import merge
    monkeypatch.setattr(merge, "REFUSED_KEPT", 3)
    for _ in range(5):
        add_bad_record(theirs, "version", -3)
    plan = plan_merge(ours, theirs)
    assert plan.refused_count == 5 and len(plan.refused) == 3 and "5 rows refused" in plan.summary()
    with pytest.raises(StanceError, match=r"5 rows break the rules, first records .*\(and 4 more\)"):
        apply_merge(ours, plan)


def test_rows_the_joins_would_drop_are_refused_not_lost(ours, theirs):
    """Records whose actor, dimension or source is not in their file are listed, not silently left out or unsourced."""
    u1 = add_bad_record(theirs, "actor_id", 9999)
    u2 = add_bad_record(theirs, "dimension_id", 8888)
    u3 = add_bad_record(theirs, "source_id", 7777)
    plan = plan_merge(ours, theirs)
    got = {r.key: r.problems[0] for r in plan.refused}
    assert got == {u1: ("actor", "refers to actor id 9999, which their file does not have"),
                   u2: ("dimension", "refers to dimension id 8888, which their file does not have"),
                   u3: ("source", "refers to a source their file does not have")}



def test_a_record_made_after_a_reverted_merge_has_only_its_own_history(ours, theirs):
    """Reverting a merge never frees a record id, so a later record cannot inherit the merged one's history."""
    result = apply_merge(ours, plan_merge(ours, theirs))
    revert_operation(ours, result.op_id)
    later = ours.add_record(Record(actor="sadr", dimension="us", date=parse_date("2022"), score=-1,
                                   source="paper-a", evidence="later"))
    assert [e.action for e in ours.history(later.uuid)] == ["create"]
    assert ours.record(GOOD).deleted and len(ours.history(GOOD)) == 2
