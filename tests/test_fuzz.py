"""Hostile input: the CSV importer and the date parser survive anything.

The only outcomes allowed are success, or ImportFailed / DateError with a
message; after a refused import the database is exactly as it was.
``benchmarks/fuzz_long.py`` runs the same properties for 10,000+ examples.
"""

from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stancetracker.core.exchange.csv_reader import EXPORT_COLUMNS
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.model.dates import DateError, PartialDate, parse_date
from stancetracker.core.model.errors import ImportFailed

from conftest import fingerprint, make_store

IMPORT_EXAMPLES = 200
DATE_EXAMPLES = 400

HOSTILE = [
    "", " ", "\x00", "a\x00b", "\u202eevil\u202c", "\u2066x\u2069", "\u200f", "'; DROP TABLE records; --",
    "\" OR 1=1 --", "Robert'); DELETE FROM actors;--", "%s%s%n", "=cmd|' /C calc'!A0", "\r", "\n", "\r\n", "\"",
    "\ufeff", "\ud7ff", "\U0001f600", "NaN", "inf", "-0", "1e308", "2020-02-30", "0000", "9999-12-31", "-2", "2.5",
    "الصدر", "x" * 70_000, "y" * (1 << 20),
]
VALID = ["sadr", "maliki", "iran", "us", "Iran", "Muqtada al-Sadr", "2020", "2020-01", "7 November 2021",
         "-2", "-1", "0", "1", "2", "1.5", "low", "medium", "high", "paper-a", "A test article", "day", "month",
         "year", "6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a11", "2024-01-31T12:00:00Z", "1"]
cells = st.one_of(st.sampled_from(VALID), st.sampled_from(HOSTILE), st.text(max_size=40))
headers = st.one_of(
    st.lists(st.sampled_from(EXPORT_COLUMNS), min_size=1, max_size=8, unique=True),
    st.lists(st.one_of(st.sampled_from(EXPORT_COLUMNS), st.text(max_size=12)), min_size=1, max_size=8),
    st.just(["actor_slug", "dimension_slug", "date", "score", "evidence"]),
    st.just([f"c{i}" for i in range(100_000)]),
)


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in ',"\r\n') else cell


@st.composite
def csv_files(draw) -> bytes:
    """A CSV-ish file: a header and rows of good and hostile cells, sometimes damaged at the byte level."""
    header = draw(headers)
    width = len(header)
    rows = draw(st.lists(st.lists(cells, min_size=max(0, min(width, 8) - 1), max_size=min(width, 8) + 1),
                         max_size=6))
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = sep.join(",".join(_quote(c) for c in row) for row in [header, *rows]) + draw(st.sampled_from(["", sep]))
    data = text.encode("utf-8", "surrogatepass")
    damage = draw(st.sampled_from(["none", "none", "bom", "invalid-utf8", "nul", "utf16", "truncate"]))
    if damage == "bom":
        data = b"\xef\xbb\xbf" + data
    elif damage == "invalid-utf8":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x80\x80"])) + data[at:]
    elif damage == "nul":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + b"\x00" + data[at:]
    elif damage == "utf16":
        data = text.encode("utf-16", "surrogatepass")
    elif damage == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    return data


@st.composite
def plausible_files(draw) -> bytes:
    """Our own layout with sensible values and the odd hostile evidence cell: these often import."""
    rows = draw(st.lists(st.tuples(st.sampled_from(["sadr", "maliki", "kadhimi", "Muqtada al-Sadr"]),
                                   st.sampled_from(["iran", "us", "militias"]),
                                   st.sampled_from(["2020", "2020-01", "2019-12-07", "7 November 2021", "1999"]),
                                   st.sampled_from(["-2", "-1", "0", "1", "2", "1.5", "−1"]),
                                   st.one_of(st.text(max_size=60), st.sampled_from(HOSTILE[:-2]))),
                         min_size=1, max_size=6))
    head = "actor_slug,dimension_slug,date,score,evidence\n"
    body = "".join(",".join(_quote(c) for c in (a if "-" in a or a.islower() else "", d, t, sc, ev)) + "\n"
                   for a, d, t, sc, ev in rows)
    return (head + body).encode("utf-8", "surrogatepass")


files = st.one_of(csv_files(), plausible_files(), st.binary(max_size=3000))
precisions = st.one_of(st.none(), st.sampled_from(["", "day", "month", "year", "DAY", "week"]), st.text(max_size=5))
date_texts = st.one_of(
    st.text(max_size=80),
    st.sampled_from(HOSTILE[:-2] + ["2020", "2020-1", "2020-01-31", "31 Jan 2020", "Jan 31, 2020", "Sept. 2021",
                                    "0000-01-01", "2020-00", "99999", "2020-02-29", "2021-02-29"]),
    st.builds(lambda y, m, d, sep: sep.join(str(x) for x in (y, m, d)), st.integers(-5, 10_050),
              st.integers(-1, 14), st.integers(-1, 33), st.sampled_from(["-", " ", "/"])),
)

_counter = itertools.count()


def import_property(store, workdir: Path, content: bytes, create_actors: bool, outcomes: dict | None = None) -> None:
    """Import ``content``: success, or ImportFailed with a message and the database unchanged."""
    path = workdir / f"fuzz-{next(_counter)}.csv"
    path.write_bytes(content)
    before = fingerprint(store)
    try:
        result = import_records(store, path, ImportOptions(create_actors=create_actors))
    except ImportFailed as err:
        assert str(err).startswith(str(path)) and "nothing was imported" in str(err)
        assert fingerprint(store) == before
        kind = "refused"
    else:
        assert result.added + result.unchanged >= 1
        kind = "imported"
    finally:
        path.unlink()
    assert store.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    if outcomes is not None:
        outcomes[kind] = outcomes.get(kind, 0) + 1


def date_property(text: str, precision, outcomes: dict | None = None) -> None:
    """parse_date returns a PartialDate that reads back the same, or raises DateError with a message."""
    try:
        d = parse_date(text, precision)
    except DateError as err:
        assert str(err)
        kind = "refused"
    else:
        assert isinstance(d, PartialDate) and d.precision in ("day", "month", "year")
        assert parse_date(d.short()) == d
        if not (d.precision == "month" and d.value.year == 9999 and d.value.month == 12):
            assert d.value <= d.end()  # December 9999: see test_end_of_december_9999
        kind = "parsed"
    if outcomes is not None:
        outcomes[kind] = outcomes.get(kind, 0) + 1


_FUZZ = dict(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                                  HealthCheck.large_base_example])


@pytest.mark.slow
def test_importer_survives_anything(tmp_path):
    """Any bytes as a CSV: imported, or refused with a message and the database unchanged.

    One database takes every example (each checks its own before and after);
    SQLite's full integrity check runs on it after the last one.
    """
    store = make_store(tmp_path / "fuzz.db")
    store.auto_backup = False  # the property is about the importer; backups are tested elsewhere

    @settings(max_examples=IMPORT_EXAMPLES, **_FUZZ)
    @given(content=files, create_actors=st.booleans())
    def each_file(content, create_actors):
        import_property(store, tmp_path, content, create_actors)

    try:
        each_file()
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert sqlite3.connect(store.path).execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        store.close()


@settings(max_examples=DATE_EXAMPLES, **_FUZZ)
@given(text=date_texts, precision=precisions)
def test_date_parser_survives_anything(text, precision):
    """Any text as a date: a PartialDate that round-trips, or DateError with a message."""
    date_property(text, precision)


def test_end_of_december_9999():
    """The last month the parser accepts has an end date."""
    assert parse_date("9999-12").end().isoformat() == "9999-12-31"


def test_date_parser_refuses_non_text():
    """Non-text values are a DateError, not a TypeError."""
    for value in (None, 2020, b"2020", 20.5):
        with pytest.raises(DateError):
            parse_date(value)
