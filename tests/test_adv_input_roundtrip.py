"""A guarded export rewritten by a program that quotes every cell still re-imports exactly."""

from __future__ import annotations

import csv

from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record

from conftest import make_store

NOTES = ["'=1+1", "=1+1", "''=", "-", "+", "@x", "'", "''", "plain"]


def _evidence(store):
    return sorted(r.evidence for r in store.records())


def test_a_quote_all_copy_of_a_guarded_export_is_not_taken_for_unguarded(tmp_path):
    # Was: R's write.csv (every cell quoted) starts '"uuid",', the unguarded mark,
    # so the guard's apostrophes stayed: "=1+1" came back as "'=1+1".
    a = make_store(tmp_path / "a.db")
    for i, note in enumerate(NOTES):
        a.add_record(Record(actor="sadr", dimension="iran", date=parse_date(f"2020-01-{i + 1:02d}"), score=1,
                            evidence=note, coder="x"))
    export_records(a, tmp_path / "out.csv")
    with open(tmp_path / "out.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    with open(tmp_path / "r.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)
    assert (tmp_path / "r.csv").read_bytes().startswith(b'"uuid","actor"')
    b = make_store(tmp_path / "b.db")
    import_records(b, tmp_path / "r.csv", ImportOptions())
    assert _evidence(b) == _evidence(a) == sorted(NOTES)
