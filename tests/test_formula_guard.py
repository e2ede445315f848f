"""The formula guard round-trips exactly, and a file without it is read exactly."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from stancetracker.cli.main import cli
from stancetracker.core.exchange.csv_reader import EXPORT_COLUMNS, UNGUARDED_MARK
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record, Source

from conftest import make_store, write

# Starts that spreadsheets run as formulas, the guard's own apostrophe, and
# numbers the guard leaves alone; then any text.
_STARTS = ["", "'", "''", "'''", "'=", "=", "+", "-", "@", "'-1", "-1", "+2", "'\t", "'+", "'@", "-.5", "'x",
           "=1+1", "'=1+1", "''=1", "-1-", "@@"]
_body = st.text(alphabet=st.sampled_from(list("=+-@'\",; a1.\u0627\u0644\u0635\u062f\u0631\n")), max_size=12)
_cell = st.builds(lambda start, body: (start + body).strip(), st.sampled_from(_STARTS), _body)
_line = _cell.map(lambda t: " ".join(t.split()))  # locators and titles are one line
_name = _line.filter(lambda t: any(c.isalnum() for c in t))


def _records(store):
    return sorted((r.uuid, r.locator, r.evidence, r.coder, r.source and store.source(r.source).title)
                  for r in store.records())


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(_line, _cell, _name, _name), min_size=1, max_size=5), guard=st.booleans())
def test_export_then_import_gives_back_every_cell_exactly(tmp_path_factory, cells, guard):
    """Finding 9: with or without the guard, an export re-imports exactly what the cells hold."""
    d = tmp_path_factory.mktemp("guard")
    a = make_store(d / "a.db")
    for i, (locator, evidence, coder, title) in enumerate(cells):
        src = a.add_source(Source(slug=f"s{i}", title=title))
        a.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=1, source=src.slug,
                            locator=locator, evidence=evidence, coder=coder))
    out = d / "x.csv"
    export_records(a, out, guard_formulas=guard)
    assert out.read_bytes().startswith(UNGUARDED_MARK) is not guard
    b = make_store(d / "b.db")
    import_records(b, out)
    assert _records(b) == _records(a)
    a.close(), b.close()


def test_an_unguarded_export_keeps_its_apostrophes(db_path, tmp_path):
    """Finding 9: '=1+1' exported with --no-formula-guard came back as =1+1."""
    store = make_store(db_path)
    for evidence in ["'=1+1", "'=' is the sign of a formula", "''", "=SUM(A1)"]:
        store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=1,
                                evidence=evidence, coder="x"))
    store.close()
    out = tmp_path / "plain.csv"
    assert CliRunner().invoke(cli, ["--db", str(db_path), "export", "-o", str(out), "--no-formula-guard"]).exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == list(EXPORT_COLUMNS)  # the mark is invisible to any CSV reader
    other = tmp_path / "other.db"
    make_store(other).close()
    res = CliRunner().invoke(cli, ["--db", str(other), "import", str(out)])
    assert res.exit_code == 0, res.output
    got = make_store(other)
    assert sorted(r.evidence for r in got.records()) == ["''", "'=' is the sign of a formula", "'=1+1", "=SUM(A1)"]
    got.close()


def test_a_hand_made_file_is_read_exactly_with_no_formula_guard(db_path, tmp_path):
    """Finding 9: a note beginning with an apostrophe lost it; --no-formula-guard reads it as written."""
    f = write(tmp_path / "f.csv", "actor_slug,dimension_slug,date,score,evidence,source_title\n"
                                  "sadr,iran,2020,1,'=' is the sign,'+ a title\nsadr,iran,2021,1,''twice,x\n")
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(f), "--no-formula-guard"])
    assert res.exit_code == 0, res.output
    store = make_store(db_path)
    assert sorted(r.evidence for r in store.records()) == ["''twice", "'=' is the sign"]
    assert "'+ a title" in [s.title for s in store.sources()]
    store.close()


def test_by_default_a_file_without_the_mark_is_taken_as_guarded(store, tmp_path):
    """What a guarded export (and a file edited from one) holds: exactly one guard apostrophe is undone."""
    f = write(tmp_path / "f.csv", "actor_slug,dimension_slug,date,score,evidence\n"
                                  "sadr,iran,2020,1,'=1+1\nsadr,iran,2021,1,''=x\nsadr,iran,2022,1,'plain\n")
    import_records(store, f)
    assert sorted(r.evidence for r in store.records()) == ["'=x", "'plain", "=1+1"]


def test_no_formula_guard_reads_a_guarded_export_as_written(store, tmp_path):
    store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=1, evidence="=1", coder="x"))
    out = tmp_path / "g.csv"
    export_records(store, out)
    other = make_store(tmp_path / "o.db")
    import_records(other, out, ImportOptions(formula_guard=False))
    assert [r.evidence for r in other.records()] == ["'=1"]
    other.close()


def test_the_mark_is_read_behind_an_excel_byte_order_mark(store, tmp_path):
    store.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=1, evidence="'=x",
                            coder="x"))
    out = tmp_path / "e.csv"
    export_records(store, out, excel=True, guard_formulas=False)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf" + UNGUARDED_MARK)
    other = make_store(tmp_path / "o.db")
    import_records(other, out)
    assert [r.evidence for r in other.records()] == ["'=x"]
    other.close()
