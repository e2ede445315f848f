"""The importer's column-at-a-time validation gives exactly what row-by-row validation gives.

A chunk of rows is first checked column by column (record_rows.RowBuilder.build_chunk);
any problem sends it to the row-by-row check (build_rows) that names each bad row.
These tests import the same random files both ways — once as shipped, once with
the column check switched off — and require the same records, actors, sources,
messages and rejects files.

Each rule's column form is held to its one-value form in test_fields.py, on many
more values and in process; here a smaller sample checks the wiring end to end
(the full sample is marked slow). Databases are copied from one made per module,
and the backups an import makes are left out: they are the same both ways.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from stancetracker.core.db import bulk_load
from stancetracker.core.exchange import record_import as csv_import
from stancetracker.core.exchange import record_rows
from stancetracker.core.db import backups, integrity
from stancetracker.core.db.store import Store
from stancetracker.core.project import open_project
from stancetracker.core.exchange.csv_reader import CsvReader
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.model.errors import ImportFailed

from conftest import make_store

NOW = "2026-01-02T03:04:05Z"

# Cells of each column: (good ones, bad ones). Most files are clean but for one
# or two columns, so that whole chunks pass the column checks and are compared.
POOLS = {
    "uuid": (["6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a11", "6F1C2A52-8F0E-4D4E-9A55-3B1D7C0E5A12",
              " 00000000-0000-0000-0000-000000000001"], ["not-a-uuid", "6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5a1", ""]),
    "actor": (["Muqtada al-Sadr", "muqtada sadr", "Nouri al-Maliki", "  Nouri al-Maliki "],
              ["", "Someone New", "Ammar al-Hakim", "-", "\u064b", "\u200b", "\u0639\u0645\u0627\u0631 \u062c\u062f\u064a\u062f",
               "N" * 150]),
    "actor_slug": (["sadr", "maliki", "kadhimi"], ["", " sadr", "SADR", "nobody", "'sadr"]),
    "dimension": (["Iran", "US", "Militias", "iran"], ["", "Europe"]),
    "dimension_slug": (["iran", "us", "militias", "consensus"], ["", "eu", " iran"]),
    "date": (["2020-01-05", "2020-01", "2020", "7 November 2021", "Nov 2021", " 2021-03-04 "],
             ["2020-02-30", "20x1", ""]),
    "date_precision": ([""], ["day", "month", "year", "week", "Day"]),
    "score": (["2", "-2", "0", "1.5", "-0.25", "\u22121", " 1 ", "+1", "\u0662", ".5"],
              ["3", "x", "", "nan", "-2.5", "0_2", "1e0", "inf", "-inf", "\u06623"]),
    "confidence": (["", "low", "medium", "high", "High"], ["sure"]),
    "source_title": (["", "Paper A", "A new paper"], ["'=odd title", "...", "\u0628\u064a\u0627\u0646 \u062c\u062f\u064a\u062f"]),
    "source_url": (["", "https://example.org/a", "https://example.org/new"], []),
    "source_published": (["", "2021", "2020-05-06"], ["2021-13"]),
    "locator": (["", "p. 4", "¶ 3 · Outlook", "'=SUM(A1)", "  padded  ", "'-1"],
                ["line\nbreak", "tab\there", "x" * 2001, "\u202eevil"]),
    "evidence": (["", "met armed-group leaders", "two\nlines", "'+1 guarded", "مقتدى الصدر", "tab\tok",
                  "''=twice", "'=' is the sign"], ["bell\x07", "\u2066iso"]),
    "coder": (["", "alice", "carmen", " bob "], ["has\u200emark", "x" * 201]),
    "created_at": (["", "2024-01-31T12:00:00Z", "2024-01-31 12:00", "2024-01-31T12:00:00.5+03:00",
                    "٢٠٢٤-01-31T12:00:00Z"], ["yesterday", "2024-01-31T12:00:00Z\n2024", "2024-1-31T12:00Z"]),
    "version": (["", "1", "2", "+3"], ["0", "x", "1_0", "-1", "1e0"]),
}
POOLS["updated_at"] = POOLS["created_at"]
OURS = tuple(POOLS)


def cell(data, column: str, noisy: bool) -> str:
    good, bad = POOLS[column]
    if noisy and bad and data.draw(st.integers(0, 3), label="bad?") == 0:
        return data.draw(st.sampled_from(bad), label=column)
    return data.draw(st.sampled_from(good), label=column)


def make_file(data, path: Path, mapping: bool) -> ImportOptions:
    columns = data.draw(st.sampled_from([OURS, OURS[1:], ("actor_slug", "dimension_slug", "date", "score",
                                                          "evidence", "coder", "uuid")]), label="layout")
    noisy = {data.draw(st.sampled_from(columns), label="noisy column")}
    if data.draw(st.booleans(), label="another"):
        noisy.add(data.draw(st.sampled_from(columns), label="another noisy column"))
    n = data.draw(st.integers(1, 14), label="rows")
    rows = [[cell(data, c, c in noisy) for c in columns] for _ in range(n)]
    if "uuid" in columns and "uuid" not in noisy:  # distinct UUIDs unless a row is repeated below
        at = columns.index("uuid")
        for i, row in enumerate(rows):
            row[at] = row[at].replace("0001", f"{i:04d}").replace("5a1", f"{i:03d}")
    if data.draw(st.booleans(), label="repeat a row"):
        rows.append(list(rows[0]))
    header = list(columns)
    opts = ImportOptions(create_actors=data.draw(st.booleans(), label="create"),
                         skip_invalid=data.draw(st.booleans(), label="skip"),
                         rejects=path.with_suffix(".rejects.csv"))
    if data.draw(st.booleans(), label="fixed dimension"):  # --dimension us: the file's own dimension is overridden
        opts.dimension = "us"
    if mapping:  # the same cells as a foreign file: other column names, a mapping
        header = [f"Col {c}" for c in columns]
        names = {"actor": "actor", "dimension": "dimension", "date": "date", "score": "score",
                 "confidence": "confidence", "source_title": "source", "locator": "locator",
                 "evidence": "evidence", "coder": "coder", "uuid": "uuid", "date_precision": "date_precision"}
        opts.mapping = {names[c]: f"Col {c}" for c in columns if c in names}
        if "actor" not in opts.mapping:
            opts.mapping["actor"] = "Col actor_slug"
        if "dimension" not in opts.mapping:
            opts.mapping["dimension"] = "Col dimension_slug"
        if data.draw(st.booleans(), label="scale"):
            opts.scale = (-2.5, 3.0)
    out = io.StringIO()
    csv.writer(out, lineterminator=data.draw(st.sampled_from(["\n", "\r\n"]), label="eol")).writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return opts


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database with the test seeds, copied for each import (making one costs ten copies)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    make_store(path).close()
    return path


@pytest.fixture(autouse=True)
def no_backups(monkeypatch):
    """The verified backup of every open and import: most of each example's time, and the same both ways."""
    monkeypatch.setattr(backups, "backup_on_open", lambda path: None)
    monkeypatch.setattr(backups, "backup_if_changed", lambda path, why: None)


def copy_of(template: Path, path: Path) -> Store:
    shutil.copyfile(template, path)
    return open_project(path, seed=False, user="tester")


def both_ways(template: Path, tmp_path: Path, monkeypatch, path: Path, opts: ImportOptions, chunk: int = 5000,
              bulk: bool = False):
    """(column checks, row checks): what importing ``path`` gives each way, into fresh databases."""
    # monkeypatch undoes only at the end of a test, after every hypothesis example: a context each time.
    with monkeypatch.context() as patch:
        patch.setattr(csv_import, "CHUNK", chunk)
        patch.setattr(csv_import, "utc_now", lambda: NOW)
        if bulk:  # the path of a big file: indexes built at the end, FTS and history on a second thread
            patch.setattr(bulk_load, "BIG_FILE", 0)
            patch.setattr(bulk_load, "BATCH_ROWS", 2)
        fast = copy_of(template, tmp_path / "fast.db")
        got = outcome(fast, path, opts)
        patch.setattr(bulk_load, "BIG_FILE", 8 << 20)  # compared with a small file's plain path
        patch.setattr(record_rows.RowBuilder, "build_chunk", lambda self, lines, rows: None)
        slow = copy_of(template, tmp_path / "slow.db")
        want = outcome(slow, path, opts)
    fast.close(), slow.close()
    return got, want


def outcome(store, path: Path, opts: ImportOptions):
    try:
        result = import_records(store, path, ImportOptions(**vars(opts)))
        told = (result.added, result.unchanged, result.rejected, result.created_actors, result.created_sources)
    except ImportFailed as err:
        told = str(err)
    rejects = opts.rejects.read_text(encoding="utf-8") if opts.rejects.exists() else None
    opts.rejects.unlink(missing_ok=True)
    records = sorted((r.uuid, r.actor, r.dimension, r.date.iso, r.date.precision, r.score, r.confidence,
                      r.source, r.locator, r.evidence, r.coder, r.created_at, r.updated_at, r.version)
                     for r in store.records())
    actors = [(a.slug, a.name) for a in store.actors()]
    sources = [(s.slug, s.title, s.url, str(s.published)) for s in store.sources()]
    conn = store.conn
    found = sorted(u for (u,) in conn.execute(
        "SELECT r.uuid FROM records_fts f JOIN records r ON r.id = f.rowid WHERE records_fts MATCH ?",
        ["met OR lines OR guarded OR الصدر OR padded OR sum"]))
    history = sorted(conn.execute("SELECT r.uuid, h.action FROM history h JOIN records r"
                                  " ON r.id = h.entity_id AND h.entity = 'record'"))
    indexes = sorted(n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'records'"))
    checked = integrity.check(store.path).problems
    return told, rejects, records, actors, sources, found, history, indexes, checked


def agree_on_random_files(template, tmp_path_factory, monkeypatch, data, mapping, chunk, bulk):
    d = tmp_path_factory.mktemp("fast")
    path = d / "f.csv"
    opts = make_file(data, path, mapping)
    got, want = both_ways(template, d, monkeypatch, path, opts, chunk, bulk)
    assert got == want


_FILES = dict(data=st.data(), mapping=st.booleans(), chunk=st.sampled_from([1, 3, 5000]), bulk=st.booleans())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(**_FILES)
def test_column_checks_agree_with_row_checks(template, tmp_path_factory, monkeypatch, data, mapping, chunk, bulk):
    agree_on_random_files(template, tmp_path_factory, monkeypatch, data, mapping, chunk, bulk)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(**_FILES)
def test_column_checks_agree_with_row_checks_on_many_files(template, tmp_path_factory, monkeypatch, data, mapping,
                                                           chunk, bulk):
    agree_on_random_files(template, tmp_path_factory, monkeypatch, data, mapping, chunk, bulk)


@pytest.mark.parametrize("mapping", [False, True], ids=["ours", "mapped"])
@pytest.mark.parametrize("column, bad", [(c, b) for c, (_, bads) in POOLS.items() for b in bads])
def test_each_bad_cell_is_caught_both_ways(template, tmp_path, monkeypatch, column, bad, mapping):
    """Every bad cell of the pools, alone in an otherwise clean file: the same outcome both ways."""
    rows = [[POOLS[c][0][i % len(POOLS[c][0])] for c in OURS] for i in range(4)]
    for i, row in enumerate(rows):
        row[0] = f"6f1c2a52-8f0e-4d4e-9a55-3b1d7c0e5{i:03d}"
    rows[2][OURS.index(column)] = bad
    opts = ImportOptions(rejects=tmp_path / "r.csv")
    header = list(OURS)
    if mapping:
        header = [f"Col {c}" for c in OURS]
        opts.mapping = {f: f"Col {c}" for f, c in (("actor", "actor"), ("dimension", "dimension"), ("date", "date"),
                        ("score", "score"), ("confidence", "confidence"), ("source", "source_title"),
                        ("locator", "locator"), ("evidence", "evidence"), ("coder", "coder"), ("uuid", "uuid"))}
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    path = tmp_path / "f.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    got, want = both_ways(template, tmp_path, monkeypatch, path, opts)
    assert got == want


def test_the_column_checks_do_the_work_on_a_clean_file(store, tmp_path, monkeypatch):
    """A clean file never falls back to the row-by-row check (else the fast path would be dead code)."""
    rows = [["sadr", "iran", f"2020-01-{d:02d}", "1", f"evidence {d}", "alice"] for d in range(1, 29)]
    out = io.StringIO()
    csv.writer(out).writerows([["actor_slug", "dimension_slug", "date", "score", "evidence", "coder"], *rows])
    path = tmp_path / "clean.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    calls = []
    monkeypatch.setattr(csv_import, "CHUNK", 10)
    monkeypatch.setattr(record_rows.RowBuilder, "build_rows",
                        lambda self, lines, rows: calls.append(len(rows)) or ([], [], []))
    assert import_records(store, path).added == 28
    assert calls == []


@pytest.mark.parametrize("bad, message", [
    ("p. 1\nsecond line", "line 2, column locator: contains control characters"),
    ("\u202eevil", "line 2, column locator: contains invisible bidirectional-control characters"),
])
def test_locators_are_one_line_as_in_the_editor(store, tmp_path, bad, message):
    """The importer refuses what the record editor refuses (a line break or a direction override)."""
    out = io.StringIO()
    csv.writer(out).writerows([["actor_slug", "dimension_slug", "date", "score", "locator"],
                               ["sadr", "iran", "2020", "1", bad]])
    path = tmp_path / "l.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_records(store, path)
    assert message in str(err.value)
    assert store.count() == 0


def test_a_coder_name_with_a_direction_mark_is_refused(store, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("actor_slug,dimension_slug,date,score,coder\nsadr,iran,2020,1,al\u200eice\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        import_records(store, path)
    assert "line 2, column coder: contains invisible direction marks" in str(err.value)


# -- the chunked reader's line numbers -----------------------------------------------------
cells = st.text(alphabet=st.sampled_from(list("ab,\"\n\r ")), max_size=6)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.lists(cells, min_size=1, max_size=4), min_size=1, max_size=12),
       eol=st.sampled_from(["\n", "\r\n", "\r"]), size=st.integers(1, 5), blank=st.booleans())
def test_chunks_give_each_row_the_line_it_starts_on(tmp_path_factory, rows, eol, size, blank):
    """Line numbers from the chunked reader equal csv.reader's own count, row by row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=eol)
    writer.writerow(["h1", "h2"])
    for row in rows:
        writer.writerow(row)
        if blank:
            out.write(eol)
    text = out.getvalue()
    path = tmp_path_factory.mktemp("lines") / "f.csv"
    path.write_bytes(text.encode())
    expected = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    next(reader)
    done = reader.line_num
    for row in reader:
        if row and (len(row) > 1 or row[0].strip()):
            expected.append((done + 1, row))
        done = reader.line_num
    got = [(line, row) for lines, chunk in CsvReader(path).chunks(size) for line, row in zip(lines, chunk)]
    assert got == expected


def test_a_problem_late_in_a_chunk_names_its_own_line(tmp_path):
    """A bad quote in the middle of a big chunk still names its line (the careful second reading)."""
    body = "".join(f"r{i},x\n" for i in range(3, 40)) + 'bad,"unclosed\n' + "".join(f"r{i},x\n" for i in range(41, 60))
    path = tmp_path / "q.csv"
    path.write_text("a,b\n" + "r2,x\n" + body, encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        for _ in CsvReader(path).chunks(1000):
            pass
    assert re.search(r"line 40: unreadable CSV", str(err.value))


def test_a_nul_byte_late_in_the_file_names_its_line(tmp_path):
    path = tmp_path / "n.csv"
    path.write_bytes(b"a,b\n" + b"x,y\n" * 5000 + b"x,\x00\n")
    with pytest.raises(ImportFailed) as err:
        for _ in CsvReader(path).chunks(1000):
            pass
    assert str(err.value).startswith(f"{path}: line 5002: the line contains a NUL byte")
