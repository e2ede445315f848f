"""CSV import: round trips, foreign layouts, idempotence and --skip-invalid."""

import csv
import sqlite3
import threading
import types

import pytest

from stancetracker.core.db import bulk_load
from stancetracker.core.model.progress import Cancelled
from stancetracker.core.exchange import record_import as csv_import
from stancetracker.core.db import integrity
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.exchange.record_import import (
    ImportOptions,
    import_records,
    parse_mapping,
    parse_scale,
)
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.errors import DatabaseError, ImportFailed, ValidationError
from stancetracker.core.model.entities import Record

from conftest import fingerprint, make_store, write

FIELDS = ("uuid", "actor", "dimension", "date", "score", "confidence", "source", "locator", "evidence",
          "coder", "created_at", "updated_at", "version", "deleted")


def snapshot(store):
    return sorted(tuple(getattr(r, f) for f in FIELDS) for r in store.records(None, limit=None))


def test_export_then_import_gives_identical_records(store, tmp_path):
    """Every field survives export -> import into a new database."""
    store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=2,
                            source="paper-a", evidence="=odd \"quoted\"\nsecond line", locator="-1"))
    r = store.add_record(Record(actor="kadhimi", dimension="us", date=parse_date("2021"), score=0.75,
                                confidence="low", evidence="'=already guarded?"))
    store.update_record(r.uuid, 1, evidence="edited: ''quotes'' stay")
    export_records(store, tmp_path / "x.csv")
    other = make_store(tmp_path / "other.db")
    result = import_records(other, tmp_path / "x.csv")
    assert result.added == 2
    assert snapshot(other) == snapshot(store)


def test_reimport_adds_nothing(store, tmp_path):
    """Importing the same file twice adds nothing the second time."""
    store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=1))
    export_records(store, tmp_path / "x.csv")
    before = fingerprint(store)
    res = import_records(store, tmp_path / "x.csv")
    assert (res.added, res.unchanged) == (0, 1)
    assert store.count() == 1
    del before


FOREIGN = """party,year,iran_score,note
Moqtada al-Sadr,2019,2.5,expert mean
Nouri al-Maliki,2019,9,expert mean
Kataib Hezbollah,2019,10,expert mean
"""


def test_foreign_csv_with_mapping_and_rescale(store, tmp_path):
    """A 0-10 expert survey maps onto -2..2, with a fixed dimension."""
    f = write(tmp_path / "ches.csv", FOREIGN)
    opts = ImportOptions(mapping=parse_mapping("actor=party,date=year,score=iran_score,evidence=note"),
                         dimension="iran", scale=parse_scale("0:10"))
    res = import_records(store, f, opts)
    assert res.added == 3
    scores = {r.actor: (r.score, r.date.precision) for r in store.records()}
    assert scores == {"sadr": (-1.0, "year"), "maliki": (1.6, "year"), "kataib-hezbollah": (2.0, "year")}
    # every record is sourced: the file becomes a source
    assert {r.source_title for r in store.records()} == {"ches.csv"}
    again = import_records(store, f, opts)
    assert (again.added, again.unchanged) == (0, 3)


def test_foreign_identical_rows_are_both_kept(store, tmp_path):
    """Two identical rows in one file are two observations; re-import still adds nothing."""
    f = write(tmp_path / "dup.csv", "who,when,s\nsadr,2020,1\nsadr,2020,1\n")
    opts = ImportOptions(mapping=parse_mapping("actor=who,date=when,score=s"), dimension="us")
    assert import_records(store, f, opts).added == 2
    assert import_records(store, f, opts).added == 0


def test_unknown_actors_listed_or_created(store, tmp_path):
    """Unknown actors are refused with their names, or created on request."""
    f = write(tmp_path / "new.csv", "who,when,s\nAmmar al-Hakim,2021,1\nHadi al-Amiri,2021,2\nAmmar al-Hakim,2022,0\n")
    opts = ImportOptions(mapping=parse_mapping("actor=who,date=when,score=s"), dimension="consensus")
    with pytest.raises(ImportFailed, match="unknown actors: Ammar al-Hakim, Hadi al-Amiri"):
        import_records(store, f, opts)
    opts.create_actors = True
    res = import_records(store, f, opts)
    assert res.added == 3 and sorted(res.created_actors) == ["ammar-al-hakim", "hadi-al-amiri"]


def test_skip_invalid_writes_rejects_with_reasons(store, tmp_path):
    """With skip_invalid, good rows go in and bad ones land in a rejects CSV with a reason."""
    f = write(tmp_path / "mixed.csv", "actor_slug,dimension_slug,date,score\nsadr,iran,2020,1\n"
              "sadr,iran,2020-02-30,1\nmaliki,us,2021,5\nmaliki,us,2021,-1\n")
    res = import_records(store, f, ImportOptions(skip_invalid=True, rejects=tmp_path / "rej.csv"))
    assert (res.added, res.rejected) == (2, 2)
    rows = list(csv.reader(open(tmp_path / "rej.csv", encoding="utf-8")))
    assert rows[0] == ["line", "actor_slug", "dimension_slug", "date", "score", "reason"]
    assert rows[1][0] == "3" and rows[1][-1].startswith("date: no day 30")
    assert rows[2][0] == "4" and rows[2][-1] == "score: 5 is outside the range -2 to 2"


def test_import_is_recorded_in_history(store, tmp_path):
    """Imported records have an 'import' history entry naming the operation."""
    f = write(tmp_path / "a.csv", "actor_slug,dimension_slug,date,score\nsadr,iran,2020,1\n")
    import_records(store, f)
    (r,) = store.records()
    (h,) = store.history(r.uuid)
    assert h.action == "import" and h.after["score"] == 1 and "a.csv" in h.summary


def test_progress_can_cancel(store, tmp_path):
    """Cancelling from the progress callback imports nothing."""
    lines = "".join(f"sadr,iran,{1990 + i % 30},1,{i}\n" for i in range(12000))
    f = write(tmp_path / "big.csv", "actor_slug,dimension_slug,date,score,evidence\n" + lines)
    before = fingerprint(store)
    with pytest.raises(Cancelled):
        import_records(store, f, progress=lambda done, total: False)
    assert fingerprint(store) == before


@pytest.mark.parametrize("text", ["actor", "actor=", "colour=x", "actor=a,=b"])
def test_bad_mappings_are_refused(text):
    """A malformed --map is refused with the reason."""
    with pytest.raises(ValidationError):
        parse_mapping(text)


@pytest.mark.parametrize("text", ["0-10", "5:5", "a:b"])
def test_bad_scales_are_refused(text):
    """A malformed --scale is refused."""
    with pytest.raises(ValidationError):
        parse_scale(text)


def test_history_of_an_imported_then_edited_record(store, tmp_path):
    """An imported record's history shows its imported state even after edits, and can go back to it."""
    from stancetracker.core.db.revert import restore_version
    f = write(tmp_path / "a.csv", "actor_slug,dimension_slug,date,score,evidence\nsadr,iran,2020,1,first\n")
    import_records(store, f)
    (r,) = store.records()
    store.update_record(r.uuid, 1, score=-2, evidence="second")
    imported, edited = store.history(r.uuid)
    assert imported.action == "import" and (imported.after["score"], imported.after["evidence"]) == (1, "first")
    assert edited.before == imported.after and edited.after["score"] == -2
    restore_version(store, r.uuid, imported.id)
    assert (store.record(r.uuid).score, store.record(r.uuid).evidence) == (1.0, "first")


@pytest.mark.parametrize("bulk", [False, True], ids=["small-file", "bulk-path"])
def test_repeated_uuids_among_good_rows(store, tmp_path, monkeypatch, bulk):
    """A UUID repeated further down is 'already present' if identical, else rejected; the rows around it go in."""
    if bulk:  # the path a big file takes: FTS trigger and indexes dropped, rebuilt at the end
        monkeypatch.setattr(bulk_load, "BIG_FILE", 0)
    u = [f"0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f6{i}" for i in range(5)]
    f = write(tmp_path / "rep.csv", "uuid,actor_slug,dimension_slug,date,score,evidence\n"
              f"{u[0]},sadr,iran,2020,1,met\n{u[1]},sadr,iran,2021,1,met\n{u[0]},sadr,iran,2020,1,met\n"
              f"{u[2]},sadr,us,2020,0,met\n{u[1]},sadr,iran,2021,-1,met\n{u[3]},maliki,us,2020,2,met\n")
    res = import_records(store, f, ImportOptions(skip_invalid=True, rejects=tmp_path / "rej.csv"))
    assert (res.added, res.unchanged, res.rejected) == (4, 1, 1)
    assert sorted(r.uuid for r in store.records()) == u[:4]
    assert store.record(u[1]).score == 1
    rows = list(csv.reader(open(tmp_path / "rej.csv", encoding="utf-8")))
    assert rows[1][0] == "6" and rows[1][-1].startswith(f"uuid: a record with uuid {u[1]} exists earlier in this file")
    assert store.conn.execute("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'met'").fetchone()[0] == 4


# -- the path of a big file (bulk_load): UUID index built last, FTS and history on a second thread -----
def bulk_file(tmp_path, rows: list[str]):
    return write(tmp_path / "big.csv", "uuid,actor_slug,dimension_slug,date,score,evidence\n" + "".join(rows))


def test_big_file_into_an_empty_table_settles_repeated_uuids(store, tmp_path, monkeypatch):
    """Identical repeats are 'already present' and taken out again; the search index and history agree."""
    monkeypatch.setattr(bulk_load, "BIG_FILE", 0)
    u = [f"0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f6{i}" for i in range(4)]
    f = bulk_file(tmp_path, [f"{u[0]},sadr,iran,2020,1,met\n", f"{u[1]},sadr,iran,2021,1,met\n",
                             f"{u[0]},sadr,iran,2020,1,met\n", f"{u[2]},sadr,us,2020,0,met\n",
                             f"{u[0]},sadr,iran,2020,1,met\n", f"{u[3]},maliki,us,2020,2,met\n"])
    monkeypatch.setattr(csv_import, "CHUNK", 2)
    res = import_records(store, f)
    assert (res.added, res.unchanged) == (4, 2)
    assert sorted(r.uuid for r in store.records()) == u
    conn = store.conn
    assert conn.execute("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'met'").fetchone()[0] == 4
    logged = conn.execute("SELECT count(*) FROM history WHERE action = 'import' AND op_id = ?", [res.op_id]).fetchone()[0]
    assert logged == 4
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name IN "
                        "('records_uuid', 'records_series', 'records_date', 'records_coder', 'records_ai')").fetchone()[0] == 5
    assert integrity.check(store.path).ok
    store.add_record(Record(actor="sadr", dimension="us", date=parse_date("2022"), score=1, evidence="welcomed"))
    assert conn.execute("SELECT count(*) FROM records_fts WHERE records_fts MATCH 'welcomed'").fetchone()[0] == 1


def test_big_file_with_a_conflicting_repeat_names_every_such_line(store, tmp_path, monkeypatch):
    """Repeats with other content are reported with their lines, beside other bad rows, in line order."""
    monkeypatch.setattr(bulk_load, "BIG_FILE", 0)
    u = "0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f60"
    f = bulk_file(tmp_path, [f"{u},sadr,iran,2020,1,met\n", f"{u},sadr,iran,2020,2,met\n",
                             "0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f61,sadr,iran,20x0,1,met\n", f"{u},sadr,iran,2020,1,met\n",
                             f"{u},sadr,us,2020,1,met\n"])
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, f)
    assert [(p.line, p.column) for p in err.value.problems] == [(3, "uuid"), (4, "date"), (6, "uuid")]
    assert "(score: '1.0' there, '2.0' here)" in err.value.problems[0].reason
    assert fingerprint(store) == before


def test_a_failure_on_the_indexing_thread_fails_the_import_cleanly(store, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_load, "BIG_FILE", 0)
    monkeypatch.setattr(bulk_load, "_FTS", "INSERT INTO no_such_table SELECT ?, ?")
    f = bulk_file(tmp_path, [f"0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f6{i},sadr,iran,2020,1,met\n" for i in range(5)])
    before = fingerprint(store)
    with pytest.raises(DatabaseError, match="no such table"):
        import_records(store, f)
    assert fingerprint(store) == before
    assert not [t for t in threading.enumerate() if t.name == "stancetracker-bulk-load"]


def test_cancelling_a_big_import_restores_indexes_and_triggers(store, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk_load, "BIG_FILE", 0)
    monkeypatch.setattr(csv_import, "CHUNK", 2)
    f = bulk_file(tmp_path, [f"0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f6{i},sadr,iran,2020,1,met\n" for i in range(9)])
    before = fingerprint(store)
    with pytest.raises(Cancelled):
        import_records(store, f, progress=lambda done, total: False)
    assert fingerprint(store) == before
    assert not [t for t in threading.enumerate() if t.name == "stancetracker-bulk-load"]
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # back on after the rollback


def test_a_big_import_checks_references_again_afterwards(store, tmp_path, monkeypatch):
    """Foreign-key checks are off only for the big import's own transaction."""
    monkeypatch.setattr(bulk_load, "BIG_FILE", 0)
    import_records(store, bulk_file(tmp_path, ["0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f60,sadr,iran,2020,1,met\n"]))
    conn = store.conn
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE records SET actor_id = 9999")


class _BusyLock:
    """A lock that is always busy to a caller who will not wait (the indexing thread at work)."""

    def __init__(self):
        self.inner = threading.Lock()

    def acquire(self, blocking: bool = True) -> bool:
        return self.inner.acquire() if blocking else False

    def release(self) -> None:
        self.inner.release()

    def __enter__(self):
        return self.inner.__enter__()

    def __exit__(self, *exc):
        return self.inner.__exit__(*exc)


def test_rejects_stay_in_line_order_while_the_indexing_thread_is_busy(store, tmp_path, monkeypatch):
    """Chunks wait while the other thread has the connection, but with --skip-invalid the rejects file keeps line order."""
    u = "0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f60"
    f = bulk_file(tmp_path, [f"{u},sadr,iran,2020,1,met\n", f"{u},sadr,iran,2020,2,met\n",
                             "0b7e5a6e-8c3f-4f3a-9a55-1b2c3d4e5f61,sadr,iran,2020,3,met\n"])
    monkeypatch.setattr(bulk_load, "BIG_FILE", 0)
    monkeypatch.setattr(bulk_load, "threading", types.SimpleNamespace(Lock=_BusyLock, Thread=threading.Thread))
    monkeypatch.setattr(csv_import, "CHUNK", 1)
    res = import_records(store, f, ImportOptions(skip_invalid=True, rejects=tmp_path / "rej.csv"))
    assert (res.added, res.rejected) == (1, 2)
    lines = [row[0] for row in csv.reader(open(tmp_path / "rej.csv", encoding="utf-8"))][1:]
    assert lines == ["3", "4"]
