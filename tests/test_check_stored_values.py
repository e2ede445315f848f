"""check validates stored values by the import's rules, names rows and columns, and stays fast."""

import sqlite3
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stancetracker.core.db.integrity import check
from stancetracker.core.db.stored_checks import PLAIN_RECORD, _RECORD_COLUMNS
from stancetracker.core.model.stored_values import record_problems

from conftest import make_store

UUID = "aaaaaaaa-2222-4333-8444-bbbbbbbbbbbb"


@pytest.fixture
def path(tmp_path):
    store = make_store(tmp_path / "c.db")
    from stancetracker.core.model.dates import parse_date
    from stancetracker.core.model.entities import Record
    store.add_record(Record(uuid=UUID, actor="sadr", dimension="iran", date=parse_date("2020-01-13"), score=1,
                            source="paper-a", evidence="fine"))
    store.close()
    return tmp_path / "c.db"


def poke(path, sql, *params):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute(sql, params)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_a_sound_file_passes(path):
    """The seeded records, actors, sources and events keep every rule."""
    report = check(path)
    assert report.ok and any("keeps the rules an import keeps" in line for line in report.lines())


@pytest.mark.parametrize("sql,column", [
    ("UPDATE records SET date = '2021-02-30'", "date"),
    ("UPDATE records SET created_at = '2024-13-45T99:99'", "created_at"),
    ("UPDATE records SET updated_at = '2024-01-01T99:99:00Z'", "updated_at"),
    ("UPDATE records SET coder = 'a\u202eb'", "coder"),
    ("UPDATE records SET version = -3", "version"),
    ("UPDATE sources SET published = 'not a date', published_precision = 'day'", "published"),
    ("UPDATE actors SET colour = 'javascript:alert(1)' WHERE slug = 'sadr'", "colour"),
    ("UPDATE events SET date = 'garbage'", "date"),
    ("UPDATE records SET evidence = 'x' || char(7)", "evidence"),
])
def test_a_value_that_breaks_a_rule_is_named_with_its_column(path, sql, column):
    """Each broken rule is a problem line: table, column, count and the first uuid or slug."""
    poke(path, "INSERT INTO events (slug, date, date_precision, label) VALUES ('vote', '2021-10-10', 'day', 'Vote')")
    poke(path, sql)
    report = check(path)
    assert not report.ok
    line = next(p for p in report.problems if f"column {column}:" in p)
    assert line.startswith("1 ") and "(first: " in line  # the first row's own reason, with its value
    if sql.startswith("UPDATE records"):
        assert UUID in line


@pytest.mark.slow
def test_a_huge_source_text_is_reported_without_being_read(path):
    """A source text far past the limit is measured by its size alone."""
    poke(path, "UPDATE sources SET text = CAST(zeroblob(210000000) AS TEXT)")
    report = check(path)
    assert any("column text" in p for p in report.problems)


def mostly(good, *bad):
    """Mostly the sound value, so that rows with one fault among sound columns are common."""
    return st.sampled_from([good] * 6 + list(bad))


row_values = st.fixed_dictionaries({
    "uuid": mostly(UUID, UUID.upper(), "x", None, 3, UUID + " "),
    "date": mostly("2020-01-01", "2021-02-30", "2020-1-1", "0000-01-01", "2020-02-01", None, 20200101,
                   "2021-02-29", "2020-13-01", "２０２０-01-01"),
    "date_precision": mostly("day", "month", "year", "week", None),
    "score": mostly(1, 1.5, -2, 2.0001, float("inf"), "1", None),
    "confidence": mostly("low", "high", "sure", None, "Low"),
    "locator": mostly("p. 3", "x" * 501, "", " ", "a\nb", "\u202e") | st.text(max_size=5),
    "evidence": mostly("ok", "x" * 20001, "a\nb", "\x07", "\u2066x") | st.text(max_size=8),
    "coder": mostly("alice", " bob ", "...", "", "a\u200eb", "x" * 201) | st.text(max_size=5),
    "created_at": mostly("2024-01-01T00:00:00Z", "2024-01-01T00:00:00.123456Z", "2024-13-45T99:99",
                         "2024-01-01T24:00:00Z", "yesterday", "2024-02-30T00:00:00Z", "2024-01-01T00:60:00Z",
                         "2024-01-01T00:00:60Z", "0000-01-01T00:00:00Z"),
    "updated_at": mostly("2024-01-01T00:00:00.000000Z", "2024-01-01 00:00", "x", None),
    "version": mostly(1, 2, 0, -3, "1", 1.5),
    "deleted": mostly(0, 1, 2, "0", None, 1.0),
})


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=row_values)
def test_the_sql_prefilter_never_passes_a_row_the_rules_refuse(row):
    """Any row SQLite sets aside as plainly sound really is sound by record_problems."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE TABLE records ({', '.join(_RECORD_COLUMNS)})")
    conn.execute(f"INSERT INTO records VALUES ({', '.join('?' * len(_RECORD_COLUMNS))})",
                 [row[c] for c in _RECORD_COLUMNS])
    plain = conn.execute(f"SELECT coalesce(({PLAIN_RECORD}), 0) FROM records").fetchone()[0]
    stored = dict(zip(_RECORD_COLUMNS, conn.execute("SELECT * FROM records").fetchone()))
    if plain:
        assert record_problems(stored) == []


@pytest.mark.slow
def test_check_of_100k_records_is_fast(tmp_path, capsys):
    """check on a generated 100,000-record file finishes well within 60 s (figure printed)."""
    store = make_store(tmp_path / "big.db")
    rows = [(f"{i:08x}-2222-4333-8444-bbbbbbbbbbbb", "2020-01-13", "day", (i % 5) - 2, "high", "p. 1",
             "note about the meeting" if i % 10 else "ملاحظة عن الاجتماع", "tester", "2024-01-01T00:00:00.000000Z",
             "2024-01-01T00:00:00.000000Z") for i in range(100_000)]
    with store.operation("import", "generated"):
        store.conn.executemany(
            "INSERT INTO records (uuid, actor_id, dimension_id, date, date_precision, score, confidence, locator,"
            " evidence, coder, created_at, updated_at) VALUES (?, 1, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    store.close()
    start = time.perf_counter()
    report = check(tmp_path / "big.db")
    took = time.perf_counter() - start
    with capsys.disabled():
        print(f"\ncheck of 100,000 records: {took:.2f} s")
    assert any("keeps the rules" in line for line in report.lines()) and took < 60


def test_a_value_past_a_check_constraint_is_not_called_damage(path):
    """A precision 'week' written with CHECK constraints ignored: a value problem, and the other checks still run."""
    poke(path, "UPDATE sources SET published = '2020-01-01', published_precision = 'week'")
    poke(path, "CREATE TRIGGER t AFTER INSERT ON records BEGIN DELETE FROM records; END")
    report = check(path)
    text = "\n".join(report.problems)
    # (SQLite verifies CHECK constraints only on a writable connection; check reads read-only, so the
    # value check below is what finds it.)
    assert "the file is damaged" not in text
    assert "trigger t on records" in text and "column published" in text
