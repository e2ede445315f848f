"""CSV export: the documented columns, safe in spreadsheets, any script intact."""

import csv
import io

from hypothesis import given, settings, strategies as st

from stancetracker.core.csv_common import EXPORT_COLUMNS
from stancetracker.core.csv_export import _NUMBERS, _csv_text, export_records
from stancetracker.core.dates import parse_date
from stancetracker.core.model import Record
from stancetracker.core.query import RecordFilter


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
    try:
        export_records(store, target, progress=lambda n: False)
    except KeyboardInterrupt:
        pass
    assert not target.exists() and not list(tmp_path.glob("*.partial"))


_cells = st.one_of(st.text(max_size=12), st.sampled_from([",", '"', "\r", "\n", "\r\n", '""', "a,b", " ", "", "'=1"]))
_numbers = st.one_of(st.integers(), st.floats(allow_nan=False), st.floats())
_odd = st.one_of(st.none(), st.binary(max_size=4), st.integers(), st.text(max_size=3))


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(st.tuples(*[_numbers if i in _NUMBERS else _cells for i in range(len(EXPORT_COLUMNS))]),
                     min_size=1, max_size=6),
       odd=st.one_of(st.none(), st.tuples(st.integers(0, 5), st.integers(0, len(EXPORT_COLUMNS) - 1), _odd)))
def test_batch_writer_matches_csv_writer(rows, odd):
    """The export's own batch writer gives csv.writer's bytes, or hands the batch back when a cell is unusual."""
    if odd is not None:  # a NULL, blob, number or text where it does not belong
        r, c, value = odd
        row = list(rows[r % len(rows)])
        row[c] = value
        rows[r % len(rows)] = tuple(row)
    expected = io.StringIO(newline="")
    csv.writer(expected).writerows(rows)
    text = _csv_text(rows)
    if text is None:
        assert odd is not None
    else:
        assert text == expected.getvalue()
