"""Reading a CSV costs bounded memory whatever its shape; headers, encodings and line numbers are read right."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.exchange.csv_reader import MAX_COLUMNS, MAX_ROW_TEXT, CsvReader
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.model.errors import ImportFailed
from stancetracker.core.exchange.table_import import import_table

from conftest import REPO, fingerprint, make_store, write

HEAD = "actor_slug,dimension_slug,date,score,evidence\n"


def refused(store, path, message, **opts):
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_records(store, path, ImportOptions(**opts))
    assert str(err.value) == message.format(path=path)
    assert fingerprint(store) == before


# -- wide rows and long rows ---------------------------------------------------------------
_PEAK = textwrap.dedent("""
    import resource, sys, time
    from stancetracker.core.exchange.record_import import ImportOptions, import_records
    from stancetracker.core.model.errors import ImportFailed
    from stancetracker.core.db.store import Store
    from stancetracker.core.project import open_project
    store = open_project(sys.argv[1], seed=False, user="tester")
    t = time.perf_counter()
    try:
        import_records(store, sys.argv[2], ImportOptions(skip_invalid=sys.argv[3] == "skip"))
        print("imported")
    except ImportFailed as err:
        print(err)
    print(time.perf_counter() - t)
    # VmHWM is this process's own peak; ru_maxrss carries the parent's (pytest's) over exec.
    try:
        print(next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) // 1024)
    except OSError:
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
""")


@pytest.mark.slow
@pytest.mark.parametrize("cell, skip", [(b"a", ""), (b"ab", "skip")], ids=["1-char cells", "2-char cells, skip"])
def test_rows_of_100001_cells_are_refused_in_bounded_memory(tmp_path, cell, skip):
    """Finding 10: 3,000 rows of 100,001 cells took 2.3 GB before being refused."""
    path = tmp_path / "wide.csv"
    row = (cell + b",") * 100_000 + cell + b"\n"
    with open(path, "wb") as fh:
        fh.write(HEAD.encode())
        for _ in range(3000):
            fh.write(row)
    db = tmp_path / "w.db"
    make_store(db).close()
    before = fingerprint(db)
    out = subprocess.run([sys.executable, "-c", _PEAK, str(db), str(path), skip], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    message, seconds, peak_mb = out.stdout.strip().splitlines()
    print(f"refused in {float(seconds):.2f} s, peak {peak_mb} MB")
    assert message == (f"{path}: line 2: has more than {MAX_COLUMNS:,} cells (the header has 5); is this a CSV "
                       "file with commas between its cells?; nothing was imported")
    assert int(peak_mb) < 250
    assert float(seconds) < 10
    assert fingerprint(db) == before


def test_a_wide_row_late_in_a_file_is_refused_with_its_line(store, tmp_path):
    body = "sadr,iran,2020,1,x\n" * 30 + ",".join(["c"] * (MAX_COLUMNS + 1)) + "\n"
    f = write(tmp_path / "f.csv", HEAD + body)
    refused(store, f, f"{{path}}: line 32: has more than {MAX_COLUMNS:,} cells (the header has 5); is this a CSV "
                      "file with commas between its cells?; nothing was imported", skip_invalid=True)


def test_a_row_a_few_cells_too_wide_is_still_one_bad_row(store, tmp_path):
    """Up to the bound, a row with an extra cell is an ordinary problem that --skip-invalid rejects."""
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,1,x\nsadr,iran,2021,1,x,extra\n")
    result = import_records(store, f, ImportOptions(skip_invalid=True, rejects=tmp_path / "r.csv"))
    assert (result.added, result.rejected) == (1, 1)
    assert "has 6 cells; the header has 5" in (tmp_path / "r.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("columns", [MAX_COLUMNS + 1, 100_001])
def test_a_header_past_the_column_bound_is_refused(store, tmp_path, columns):
    f = write(tmp_path / "f.csv", ",".join(f"c{i}" for i in range(columns)) + "\n1\n")
    t = time.perf_counter()
    refused(store, f, f"{{path}}: line 1: the header has {columns:,} columns; at most {MAX_COLUMNS:,} are "
                      "accepted; nothing was imported")
    assert time.perf_counter() - t < 5


@pytest.mark.slow
@pytest.mark.parametrize("shape", ["one line", "quoted lines"])
def test_a_row_longer_than_the_bound_is_refused_with_its_line(store, tmp_path, shape):
    """A row past MAX_ROW_TEXT characters is refused before the csv module builds it."""
    if shape == "one line":
        huge = ",".join(["ab"] * (MAX_ROW_TEXT // 3 + 10))
    else:  # many short quoted cells holding line breaks: one row over many lines
        huge = ",".join(['"a\nb"'] * (MAX_ROW_TEXT // 6 + 10))
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,1,x\n" + huge + "\nsadr,iran,2020,1,y\n")
    refused(store, f, f"{{path}}: line 3: the row is longer than {MAX_ROW_TEXT:,} characters (is a quote left "
                      "open?); nothing was imported")


def test_chunks_stop_at_a_bounded_amount_of_text(tmp_path):
    """Rows of long evidence come in smaller chunks, every row kept and in order."""
    f = write(tmp_path / "f.csv", HEAD + "".join(f"sadr,iran,2020,1,{i:06d}{'x' * 20_000}\n" for i in range(600)))
    chunks = list(CsvReader(f).chunks(5000))
    assert len(chunks) > 2
    rows = [(line, row[4][:6]) for lines, part in chunks for line, row in zip(lines, part)]
    assert rows == [(i + 2, f"{i:06d}") for i in range(600)]


# -- headers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("header, first, second", [
    ("actor_slug,dimension_slug,date,score,Score", "score", "Score"),
    ("actor_slug,dimension_slug,date,score, score ", "score", "score"),
    ("actor_slug,dimension_slug,date,SCORE,score", "SCORE", "score"),
    ("actor_slug,dimension_slug,date,score,\uff53\uff43\uff4f\uff52\uff45", "score", "\uff53\uff43\uff4f\uff52\uff45"),
    ("actor_slug,dimension_slug,date,score,evidence,Evidence", "evidence", "Evidence"),
])
def test_columns_differing_only_in_case_space_or_form_are_refused(store, tmp_path, header, first, second):
    """Finding 8: 'score' and 'Score' were both accepted and the later silently won."""
    cells = header.count(",") + 1
    f = write(tmp_path / "f.csv", header + "\n" + ",".join(["sadr", "iran", "2020", "1", "2", "x"][:cells]) + "\n")
    same = "twice" if first == second else f"twice, as {first!r} and {second!r}"
    refused(store, f, f"{{path}}: line 1, column {second}: the column appears {same} (column names are compared "
                      "ignoring case, surrounding space and Unicode form); keep one of them; nothing was imported")


def test_a_mapped_file_with_twin_columns_is_refused(store, tmp_path):
    f = write(tmp_path / "f.csv", "Party,When,Score,score\nsadr,2020,1,2\n")
    with pytest.raises(ImportFailed, match="line 1, column score: the column appears twice, as 'Score' and 'score'"):
        import_records(store, f, ImportOptions(mapping={"actor": "Party", "date": "When", "score": "Score"},
                                               dimension="iran"))
    assert store.count() == 0


def test_a_table_file_with_twin_columns_is_refused(store, tmp_path):
    f = write(tmp_path / "a.csv", "slug,name,Name\nnew-one,New One,Other\n")
    before = fingerprint(store)
    with pytest.raises(ImportFailed, match="line 1, column Name: the column appears twice"):
        import_table(store, f)
    assert fingerprint(store) == before


# -- line numbers --------------------------------------------------------------------------------
@pytest.mark.parametrize("eol", ["\r", "\n", "\r\n", "mixed"])
def test_an_undecodable_byte_names_its_own_line_for_every_line_ending(store, tmp_path, eol):
    """Finding 18: after CR-only line endings, a bad byte on line 8 was reported as line 1, character 842."""
    ends = ["\r", "\n", "\r\n"]
    lines = [HEAD.strip()] + [f"sadr,iran,2020,1,row {i}" for i in range(2, 12)]
    text = b""
    for i, line in enumerate(lines, 1):
        raw = line.encode()
        if i == 8:
            raw = b"sadr,iran,2020,1,caf\xe9"
        text += raw + (ends[i % 3] if eol == "mixed" else eol).encode()
    f = write(tmp_path / "f.csv", text)
    with pytest.raises(ImportFailed) as err:
        import_records(store, f)
    assert str(err.value).startswith(f"{f}: line 8: not valid UTF-8 (byte 0xE9 at character 21); ")
    assert store.count() == 0


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_a_nul_byte_names_its_line_for_every_line_ending(store, tmp_path, eol):
    body = eol.join(["sadr,iran,2020,1,x"] * 5 + ["sadr,iran,2020,1,\x00"] + ["sadr,iran,2020,1,y"]) + eol
    f = write(tmp_path / "f.csv", (HEAD.strip() + eol + body).encode())
    refused(store, f, "{path}: line 7: the line contains a NUL byte (is this a binary file?); nothing was imported")


@pytest.mark.parametrize("eol", ["\r", "\r\n", "\n"])
def test_a_bad_value_names_its_line_for_every_line_ending(store, tmp_path, eol):
    body = eol.join(["sadr,iran,2020,1,\"two" + eol + "lines\""] + ["sadr,iran,2020,1,x"] * 3 + ["sadr,iran,2020,9,x"])
    f = write(tmp_path / "f.csv", (HEAD.strip() + eol + body + eol).encode())
    refused(store, f, "{path}: line 7, column score: 9 is outside the range -2 to 2; nothing was imported")


# -- encodings ------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["rot13", "base64", "zlib", "bz2", "hex", "uu", "quopri", "punycode",
                                      "idna", "unicode_escape", "undefined", "no-such-codec"])
def test_only_text_encodings_are_accepted(db_path, tmp_path, encoding):
    """Finding 14: '--encoding rot13' ended in an internal error, exit 70."""
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,1,x\n")
    before = fingerprint(db_path)
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(f), "--encoding", encoding])
    assert res.exit_code == 1, res.output
    assert res.output.strip().splitlines() == [
        f"Error: {f}: {encoding!r} is not a text encoding a file can be read in (e.g. utf-8, cp1256 for Windows "
        "Arabic, cp1252, utf-16); nothing was imported"]
    assert fingerprint(db_path) == before


ARABIC = ("actor,dimension_slug,date,score,evidence\n"
          "\u0639\u0645\u0627\u0631 \u0627\u0644\u062d\u0643\u064a\u0645,iran,2020,1,"
          "\u0642\u0627\u0644 \u0625\u0646 \u0627\u0644\u062d\u0643\u0648\u0645\u0629 \u0645\u0633\u062a\u0645\u0631\u0629\n")


def test_a_windows_arabic_file_gets_cp1256_advice_that_works(db_path, tmp_path):
    """Finding 14: the advice was --encoding latin-1, which silently garbled every Arabic name."""
    f = write(tmp_path / "ar.csv", ARABIC, encoding="cp1256")
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(f), "--create-actors"])
    assert res.exit_code == 1
    assert "latin" not in res.output.lower()
    assert res.output.strip() == (f"Error: {f}: line 2: not valid UTF-8 (byte 0xDA at character 1); it looks like "
                                  "cp1256 (Windows Arabic): import it with --encoding cp1256, or save it as UTF-8; "
                                  "nothing was imported")
    res = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(f), "--create-actors", "--encoding", "cp1256"])
    assert res.exit_code == 0, res.output
    store = make_store(db_path)
    assert "\u0639\u0645\u0627\u0631 \u0627\u0644\u062d\u0643\u064a\u0645" in [a.name for a in store.actors()]
    store.close()


def test_a_bad_byte_deep_in_a_file_is_still_recognised(store, tmp_path):
    """The guess reads the bad line itself, not only the file's first bytes."""
    f = write(tmp_path / "f.csv", (HEAD + "sadr,iran,2020,1,x\n" * 40_000).encode() + ARABIC.splitlines()[1].encode("cp1256") + b"\n")
    with pytest.raises(ImportFailed, match=r"line 40002: .* it looks like cp1256 \(Windows Arabic\)"):
        import_records(store, f)


def test_a_western_file_gets_cp1252_advice(store, tmp_path):
    f = write(tmp_path / "f.csv", HEAD + "sadr,iran,2020,1,caf\u00e9 \u00fcber na\u00efve\n", encoding="cp1252")
    with pytest.raises(ImportFailed, match=r"it looks like cp1252 \(Windows Western European\): import it with "
                                           r"--encoding cp1252"):
        import_records(store, f)


def test_a_byte_a_named_encoding_cannot_decode_names_its_line(store, tmp_path):
    """cp1252 leaves 0x81 undefined: the careful reading names the line, not the decoder's read-ahead."""
    f = write(tmp_path / "f.csv", (HEAD + "sadr,iran,2020,1,x\n" * 3000).encode() + b"sadr,iran,2020,1,\x81\n")
    refused(store, f, "{path}: line 3002: cannot be decoded as cp1252 (byte 0x81 at character 18); name the file's "
                      "own encoding with --encoding; nothing was imported", encoding="cp1252")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_gets_advice_that_works(store, tmp_path, codec):
    f = write(tmp_path / "f.csv", (HEAD + "sadr,iran,2020,1,\u0645\u0642\u062a\u062f\u0649\n").encode(codec))
    with pytest.raises(ImportFailed) as err:
        import_records(store, f)
    assert str(err.value) == (f"{f}: line 1: the line contains NUL bytes between its letters: the file looks like "
                              f"UTF-16 without a byte-order mark; import it with --encoding {codec}, or save it as "
                              "UTF-8; nothing was imported")
    assert import_records(store, f, ImportOptions(encoding=codec)).added == 1
    assert store.records()[0].evidence == "\u0645\u0642\u062a\u062f\u0649"


def test_a_mapping_finds_its_column_in_any_case(store, tmp_path):
    f = write(tmp_path / "f.csv", "Party,When,Score\nsadr,2020,1\n")
    opts = ImportOptions(mapping={"actor": "party", "date": " WHEN", "score": "Score"}, dimension="iran")
    assert import_records(store, f, opts).added == 1


def test_a_fifo_is_refused_at_once(store, tmp_path):
    """A pipe would block the import (and cannot be read twice): refused before it is opened."""
    import os
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    refused(store, fifo, "{path}: is not a regular file (a pipe or a device); save the data to a file and import "
                         "that; nothing was imported")


def test_a_column_name_with_an_invisible_character_is_its_twin(store, tmp_path):
    f = write(tmp_path / "f.csv", "actor_slug,dimension_slug,date,score,score\u200b\nsadr,iran,2020,1,2\n")
    with pytest.raises(ImportFailed, match="line 1, column score\u200b: the column appears twice"):
        import_records(store, f)


def test_a_table_file_holds_a_bounded_number_of_rows(store, tmp_path, monkeypatch):
    from stancetracker.core.exchange import table_import as tables_csv
    monkeypatch.setattr(tables_csv, "MAX_TABLE_ROWS", 50)
    f = write(tmp_path / "a.csv", "slug,name\n" + "".join(f"a{i},Actor {i}\n" for i in range(60)))
    before = fingerprint(store)
    with pytest.raises(ImportFailed, match=r"line 52: the file has more than 50 rows; split it"):
        import_table(store, f)
    assert fingerprint(store) == before
