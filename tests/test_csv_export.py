"""CSV export: the documented columns, safe in spreadsheets, any script intact."""

import csv
import io
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from stancetracker.core.exchange.csv_reader import EXPORT_COLUMNS
from stancetracker.core.db.record_export import SCORE_EXACT, SCORE_MARK, SCORE_TEXT, lines_sql
from stancetracker.core.model.progress import Cancelled
from stancetracker.core.exchange.csv_export import (
    export_records,
    header_line,
    score_text,
    export_sql,
)
from stancetracker.core.db.connection import migrate
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.db.query import RECORD_FROM, RecordFilter
from stancetracker.core.exchange.seeds import load_seeds
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project

from conftest import MINI


def add(store, **kw):
    base = dict(actor="sadr", dimension="iran", date=parse_date("2020-01"), score=1, source="paper-a",
                locator="¶2 · Intro", evidence="plain note")
    base.update(kw)
    return store.add_record(Record(**base))


def read(path, encoding="utf-8"):
    with open(path, newline="", encoding=encoding) as fh:
        return list(csv.reader(fh))


def test_columns_in_documented_order(store, tmp_path):
    """The header is exactly the documented 19 columns, one row per record."""
    r = add(store)
    rows = read(export_records(store, tmp_path / "o.csv") and tmp_path / "o.csv")
    assert tuple(rows[0]) == EXPORT_COLUMNS
    row = dict(zip(rows[0], rows[1]))
    assert row["uuid"] == r.uuid and row["actor"] == "Muqtada al-Sadr" and row["actor_slug"] == "sadr"
    assert (row["date"], row["date_precision"], row["score"], row["score_label"]) == (
        "2020-01-01", "month", "1", "pro-Iran")
    assert (row["source_title"], row["source_url"], row["source_published"]) == (
        "A test article", "https://example.org/a", "2021-11")
    assert row["version"] == "1" and row["coder"] == "tester"


def test_formula_cells_are_guarded_but_numbers_stay_numbers(store, tmp_path):
    """=, +, -, @, tab and CR starts get an apostrophe; scores like -1 do not."""
    add(store, score=-1, evidence="=HYPERLINK(\"http://x\")", locator="-5 paragraphs")
    add(store, score=-2, evidence="@SUM(A1)", locator="+1")
    add(store, score=0, evidence="+cmd|' /C calc'!A0", locator="-3.5")
    export_records(store, tmp_path / "o.csv")
    rows = [dict(zip(EXPORT_COLUMNS, r)) for r in read(tmp_path / "o.csv")[1:]]
    assert sorted(r["score"] for r in rows) == ["-1", "-2", "0"]
    ev = sorted(r["evidence"] for r in rows)
    assert ev == ["'+cmd|' /C calc'!A0", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)"]
    assert sorted(r["locator"] for r in rows) == ["'-5 paragraphs", "+1", "-3.5"]


def test_guard_can_be_turned_off(store, tmp_path):
    """Machine use gets the cells exactly as stored."""
    add(store, evidence="=1+1")
    export_records(store, tmp_path / "o.csv", guard_formulas=False)
    assert read(tmp_path / "o.csv")[1][EXPORT_COLUMNS.index("evidence")] == "=1+1"


def test_excel_option_writes_a_bom_and_keeps_arabic(store, tmp_path):
    """--excel starts the file with a UTF-8 BOM; Arabic script survives."""
    add(store, evidence="مقتدى الصدر يرفض الإطار التنسيقي")
    export_records(store, tmp_path / "o.csv", excel=True)
    raw = (tmp_path / "o.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert read(tmp_path / "o.csv", "utf-8-sig")[1][EXPORT_COLUMNS.index("evidence")] == "مقتدى الصدر يرفض الإطار التنسيقي"


def test_filter_applies(store, tmp_path):
    """Only records matching the filter are written."""
    add(store)
    add(store, actor="maliki")
    n = export_records(store, tmp_path / "o.csv", RecordFilter(actors=["maliki"]))
    assert n == 1 and read(tmp_path / "o.csv")[1][2] == "maliki"


def test_failed_export_leaves_no_partial_file(store, tmp_path):
    """An export that fails midway leaves no file under the chosen name."""
    for i in range(5):
        add(store, evidence=f"note {i}")
    target = tmp_path / "o.csv"
    with pytest.raises(Cancelled):
        export_records(store, target, progress=lambda done, total: False)
    assert not target.exists() and not list(tmp_path.glob("*.partial"))
    assert not store.conn.in_transaction  # the export's read transaction is over


def csv_writer_bytes(store, guard=True, excel=False) -> bytes:
    """What the export must write: csv.writer over the rows of export_sql(), header first."""
    rows = store.conn.execute(f"SELECT {export_sql(guard)} FROM {RECORD_FROM} WHERE r.deleted = 0 "
                              "ORDER BY r.date ASC, r.id ASC").fetchall()
    at = EXPORT_COLUMNS.index("score")  # scores are plain decimals (score_text), never 1e-05
    rows = [(*row[:at], score_text(row[at]) if isinstance(row[at], float) else row[at], *row[at + 1:]) for row in rows]
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if excel else b"") + header_line(guard) + buf.getvalue().encode("utf-8")


def test_ordinary_records_are_written_by_sqlite_and_odd_ones_by_python(store):
    """SQLite writes plain and quoted lines, leaving a score like 0.1 + 0.2 to Python; a NUL leaves all to it."""
    add(store, evidence="plain, with a comma")
    add(store, evidence='say "no"\r\nand a new line', score=-0.5)
    add(store, evidence="=SUM(A1)", score=0.1 + 0.2)
    r = add(store)  # another tool gives it a NUL, which would cut SQLite's printf short
    store.conn.execute("UPDATE records SET evidence = 'a NUL ' || char(0) WHERE uuid = ?", [r.uuid])
    rows = store.conn.execute(lines_sql(True, "r.deleted = 0")).fetchall()
    assert [(type(line), score) for line, score in rows] == [(bytes, None), (bytes, None), (bytes, 0.1 + 0.2),
                                                              (int, None)]
    assert rows[2][0].count(SCORE_MARK) == 1


def test_sqlite_writes_scores_as_python_does():
    """Every score SQLite writes itself (all multiples of 1/1024 from -2 to 2) is str() of _SCORE's number."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE records (score REAL)")
    fractions = [m / 1024 for m in range(-2048, 2049)]
    others = [0.1 + 0.2, 1 / 3, -2 / 3, 0.1, -1.9999999999999998, 1e-300, 5e-324, 2.5, -7.0]
    conn.executemany("INSERT INTO records VALUES (?)", [(x,) for x in fractions + others])
    exact = {}
    for score, is_exact, text in conn.execute(f"SELECT r.score, {SCORE_EXACT}, CAST({SCORE_TEXT} AS BLOB) "
                                              "FROM records r"):
        exact[score] = is_exact
        if is_exact:
            assert text.decode() == (str(int(score)) if score == int(score) else repr(score)), score
        else:
            assert text == SCORE_MARK
    assert all(exact[x] for x in fractions)
    assert [x for x in others if exact[x]] == [-7.0]  # whole numbers are written as integers, in range or not


def test_text_that_is_not_utf8_fails_as_before(store, tmp_path):
    """Python's sqlite3 refused undecodable text; the export still does, and leaves no file."""
    r = add(store)
    store.conn.execute("UPDATE records SET evidence = CAST(X'41FF42' AS TEXT) WHERE uuid = ?", [r.uuid])
    with pytest.raises(sqlite3.OperationalError, match="UTF-8"):
        export_records(store, tmp_path / "o.csv")
    assert not list(tmp_path.glob("*o.csv*"))


def test_export_inside_a_transaction_keeps_it(store, tmp_path):
    """Called within the caller's transaction, the export reads in it and leaves it open."""
    add(store, score=1 / 3)
    store.conn.execute("BEGIN")
    export_records(store, tmp_path / "o.csv")
    assert store.conn.in_transaction
    store.conn.execute("COMMIT")
    assert (tmp_path / "o.csv").read_bytes() == csv_writer_bytes(store)


def test_a_utf16_database_is_written_by_python(tmp_path):
    """SQLite's lines would be UTF-16 bytes there; csv.writer writes every record instead."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute("PRAGMA encoding = 'UTF-16le'")
    migrate(conn, None, readonly=False)
    store = Store(conn, None, user="tester", created=True)
    load_seeds(store, MINI)
    add(store, evidence="مقتدى, \"الصدر\"", score=0.5)
    add(store, evidence="=1+1", score=1 / 3)
    assert export_records(store, tmp_path / "o.csv") == 2
    assert (tmp_path / "o.csv").read_bytes() == csv_writer_bytes(store)


# Cells as coders leave them: CSV's own characters, formula starts,
# number-like text, Arabic; and as other tools may: NUL, backslashes and
# other control characters, blobs, odd numbers. Most records are of the
# first kind, which SQLite writes; the others are written by Python.
_chars = st.one_of(st.sampled_from(list(',"\r\n\'=+-@ .0123456789aZ')),
                   st.characters(min_codepoint=0x600, max_codepoint=0x6ff))
_odd_chars = st.one_of(st.sampled_from(list("\x00\\\t\x1f")), st.characters(blacklist_categories=("Cs",)))
_text = st.one_of(st.text(_chars, max_size=12),
                  st.sampled_from(["", "-1", "+2", "-3.5", "1.2.3", "=SUM(A1)", "'=x", "@x", "a,b", 'say "hi"',
                                   "line\r\nbreak", "مقتدى الصدر يرفض"]))
_cell = st.one_of(_text, st.text(st.one_of(_chars, _odd_chars), max_size=12), st.binary(max_size=3))
_exact_score = st.one_of(st.sampled_from([-2.0, -1.0, 0.0, 1.0, 2.0, -0.0]),
                         st.integers(-2048, 2048).map(lambda m: m / 1024))
_score = st.one_of(_exact_score, st.sampled_from([0.1 + 0.2, 1 / 3, -2 / 3]), st.floats(-2, 2),
                   st.sampled_from([7.5, float("inf"), 2.0 ** 70, -1e300, "abc", b"\x01"]))
_version = st.one_of(st.integers(1, 5), st.sampled_from([2 ** 63 - 1, -3, 2.5, 1e20, "x", b"", "7,5"]))


def _records(cell, score, version):
    return st.fixed_dictionaries({
        "uuid": cell, "actor_id": st.integers(1, 5), "dimension_id": st.integers(1, 4), "date": cell,
        "date_precision": cell, "score": score, "confidence": cell, "source_id": st.sampled_from([None, 1, 99]),
        "locator": cell, "evidence": cell, "coder": cell, "created_at": cell, "updated_at": cell,
        "version": version})


def _small_tables(cell):  # texts of one actor, one dimension and the source
    return st.fixed_dictionaries({
        "name": cell, "slug": cell, "label": cell, "neg_label": cell, "pos_label": cell,
        "title": cell, "url": cell, "published": st.one_of(st.none(), cell),
        "published_precision": st.sampled_from([None, "day", "month", "year"])})


_record = st.one_of(_records(_text, _exact_score, st.integers(1, 5)), _records(_text, _score, st.integers(1, 5)),
                    _records(_cell, _score, _version))
_small = st.one_of(st.none(), _small_tables(_text), _small_tables(_cell))


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(records=st.lists(_record, min_size=1, max_size=6), small=st.one_of(st.none(), _small),
       guard=st.booleans(), excel=st.booleans())
def test_export_is_csv_writer_byte_for_byte(records, small, guard, excel):
    """Whoever writes a line, SQLite or csv.writer, the file is csv.writer's over export_sql's rows."""
    store = open_project(":memory:", seed=False, user="tester")
    load_seeds(store, MINI)
    conn = store.conn
    conn.execute("PRAGMA ignore_check_constraints = ON")  # as another tool might have
    conn.execute("PRAGMA foreign_keys = OFF")
    if small is not None:
        conn.execute("UPDATE actors SET name = :name, slug = :slug WHERE id = 2", small)
        conn.execute("UPDATE dimensions SET label = :label, slug = :slug, neg_label = :neg_label, "
                     "pos_label = :pos_label WHERE id = 2", small)
        conn.execute("UPDATE sources SET title = :title, url = :url, published = :published, "
                     "published_precision = :published_precision", small)
    for i, rec in enumerate(records):
        # uuid is UNIQUE: keep generated ones apart; the others order the rows by date
        rec = {**rec, "uuid": rec["uuid"] + (str(i) if isinstance(rec["uuid"], str) else bytes([i]))}
        conn.execute("INSERT INTO records (uuid, actor_id, dimension_id, date, date_precision, score, confidence, "
                     "source_id, locator, evidence, coder, created_at, updated_at, version) VALUES (:uuid, "
                     ":actor_id, :dimension_id, :date, :date_precision, :score, :confidence, :source_id, "
                     ":locator, :evidence, :coder, :created_at, :updated_at, :version)", rec)
    try:
        expected = csv_writer_bytes(store, guard, excel)
    except sqlite3.OperationalError:  # a blob in a label made text that is not UTF-8: Python cannot read it
        expected = None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "o.csv"
        if expected is None:
            with pytest.raises(sqlite3.OperationalError, match="UTF-8"):
                export_records(store, out, excel=excel, guard_formulas=guard)
        else:
            assert export_records(store, out, excel=excel, guard_formulas=guard) == len(records)
            assert out.read_bytes() == expected
    store.close()
