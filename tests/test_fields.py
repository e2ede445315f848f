"""The one list of record fields, and each field's rule in its two forms (one value, a whole column).

The importer's fast path checks a chunk column by column with a rule's
column form; its row path, and the record editor, use the one-value form.
Here every column form is held to its one-value form on many values, in
process: this is most of the power the end-to-end comparison in
test_import_fast_path.py has, at a small part of its cost.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from stancetracker.core.db.query import RecordRow
from stancetracker.core.model import fields
from stancetracker.core.model.entities import (
    MAX_EVIDENCE,
    MAX_LOCATOR,
    Record,
    check_text,
    check_text_column,
)
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.fields import FIELDS, RECORD_FIELDS

# The export's header, as docs/formats.md documents it: its order is part of the format.
HEADER = ("uuid", "actor", "actor_slug", "dimension", "dimension_slug", "date", "date_precision", "score",
          "score_label", "confidence", "source_title", "source_url", "source_published", "locator",
          "evidence", "coder", "created_at", "updated_at", "version")


def test_the_csv_layout_is_the_documented_one():
    assert fields.CSV_COLUMNS == HEADER


def test_the_columns_are_the_records_table(store):
    columns = tuple(name for _, name, *_ in store.conn.execute("PRAGMA table_info(records)"))
    # passage_id links a record to the passage it was coded from (core/coding/passages.py): no field of its own.
    assert columns == ("id", *fields.COLUMNS, "passage_id")


def test_a_stored_state_holds_every_field(store):
    rec = store.add_record(Record(actor="sadr", dimension="iran", date="2020", score=1, coder="alice"))
    (h,) = store.history(rec.uuid)
    assert tuple(h.after) == tuple(name for name, _ in fields.STATE)


def test_date_precision_is_stored_apart_but_travels_in_record_date():
    """The one difference between the lists of stored fields and of Record attributes, said once."""
    names = {f.name: f.attribute for f in RECORD_FIELDS}
    assert names["date_precision"] == "date"
    assert all(a == n for n, a in names.items() if n != "date_precision")
    record_attributes = {f.name for f in dataclasses.fields(RecordRow)}
    assert {f.attribute for f in RECORD_FIELDS} <= record_attributes
    assert fields.EDITED_ATTRIBUTES == ("actor", "dimension", "date", "score", "confidence", "source", "locator",
                                        "evidence", "coder")
    assert fields.CONTENT_FIELDS == ("actor", "dimension", "date", "date_precision", "score", "confidence",
                                     "source", "locator", "evidence", "coder", "deleted")
    # A stored state may lack only what is stored as NULL when absent (revert reads it as no source).
    assert set(fields.CONTENT_FIELDS) - set(fields.STATE_KEYS) == {"source"}


def test_the_importer_reads_every_csv_column_but_the_score_label():
    assert set(fields.CSV_COLUMNS) - set(fields.IMPORT_CELLS) == {"score_label"}
    assert set(fields.IMPORT_CELLS) - set(fields.CSV_COLUMNS) == {"source"}  # a mapped file's one source cell


# -- each rule's two forms ---------------------------------------------------------------------
# Good values of each field that has a column rule (a new column rule needs its own here).
GOOD = {
    "uuid": ["6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a11", "6F1C2A52-8F0E-4D4E-9A55-3B1D7C0E5A12",
             "00000000-0000-0000-0000-000000000001"],
    "created_at": ["2024-01-31T12:00:00Z", "2024-01-31 12:00", "2024-01-31T12:00:00.5+03:00",
                   "2024-01-31T12:00:00-0500", "\u0662\u0660\u0662\u0664-01-31T12:00:00Z"],
    "locator": ["p. 4", "¶ 3 · Outlook", "=SUM(A1)", "مقتدى الصدر", "x" * 30],
    "evidence": ["met armed-group leaders", "two\nlines", "tab\tok", "crlf\r\nend", "مقتدى الصدر"],
}
GOOD["updated_at"] = GOOD["created_at"]
# Characters near the rules' edges: refused ones, invisible ones, other scripts' digits, look-alikes.
_TRICKY = ["\x00", "\x07", "\t", "\n", "\r", "\x0b", "\x1f", "\x7f", "\u202a", "\u202e", "\u2066", "\u2069",
           "\u200e", "\u200b", "\u0662", "\u06f5", "\u0130", "\u212a", "'", "=", " ", "-", ":", "T", "Z", "+", "."]
# What replaces one character of a good value: a letter or digit of the wrong kind, or a refused character.
_MUTANTS = st.sampled_from(["g", "G", "z", "Z", "\u0662", "\n", "\x00", "\u202e", " ", "-"])


def _mutated(piece: str, where: int, char: str) -> str:
    where %= len(piece)
    return (piece[:where] + char + piece[where + 1:]).strip()


def _columns(field) -> st.SearchStrategy[list[str]]:
    """Columns of values for ``field``'s rules, stripped as the importer hands them over."""
    good = st.sampled_from(GOOD[field.name])
    values = st.one_of(
        good,
        st.text(alphabet=st.sampled_from(_TRICKY + list("0123456789abcdefABCDEF-")), max_size=40),
        st.builds(lambda a, b, c: a[:c] + b + a[c:], good, st.sampled_from(_TRICKY), st.integers(0, 40)),
        st.builds(_mutated, good, st.integers(0, 60), _MUTANTS),
        st.builds(lambda a, b, sep: a + sep + b, good, good, st.sampled_from(["\n", "\r\n", "\r", ""])),
    ).map(str.strip)
    return st.one_of(
        st.lists(values, max_size=12),
        # One shape, as real columns are, with one value off by a character: the column
        # forms compare shapes first, and a shape that hides a wrong character must still fail.
        st.builds(lambda v, n, at, where, char: [_mutated(v, where, char) if i == at % n else v for i in range(n)],
                  good, st.integers(1, 12), st.integers(0, 11), st.integers(0, 60), _MUTANTS),
        st.builds(lambda v, n, odd, at: ([v] * n)[:at] + [odd] + ([v] * n)[at:], good, st.integers(1, 12), values,
                  st.integers(0, 12)),
    )


def _one_by_one(rule, values: list[str]) -> list | None:
    try:
        return [rule(v) for v in values]
    except ValidationError:
        return None


@pytest.mark.parametrize("field", [f for f in RECORD_FIELDS if f.column_rule], ids=lambda f: f.name)
def test_each_column_rule_is_its_rule_over_the_column(field):
    @settings(max_examples=400, deadline=None, database=None)
    @given(values=_columns(field))
    def agree(values):
        assert field.column_rule(values) == _one_by_one(field.rule, values)
    agree()


@pytest.mark.parametrize("field", [f for f in RECORD_FIELDS if f.column_rule], ids=lambda f: f.name)
def test_each_column_rule_sees_a_long_value(field):
    """The lengths at the limits: a locator or evidence of exactly its limit passes, one more does not."""
    limit = {"locator": MAX_LOCATOR, "evidence": MAX_EVIDENCE}.get(field.name, 40)
    for n in (limit, limit + 1):
        values = ["ok", "x" * n]
        assert field.column_rule(values) == _one_by_one(field.rule, values)


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.text(alphabet=st.sampled_from(_TRICKY + list("ab ")), max_size=12).map(str.strip),
                       max_size=8), max_len=st.integers(0, 12), multiline=st.booleans())
def test_check_text_column_is_check_text_over_the_column(values, max_len, multiline):
    want = _one_by_one(lambda v: check_text("f", v, max_len=max_len, multiline=multiline), values)
    assert check_text_column(values, max_len=max_len, multiline=multiline) == (want is not None)


def test_every_field_that_has_a_column_rule_has_a_rule():
    assert all(f.rule for f in RECORD_FIELDS if f.column_rule)
    assert FIELDS["date_precision"].rule is None  # checked with the date: check_date_text(date, precision)
