"""Standard streams: import - reads a CSV piped in; export -o - writes the CSV to standard output."""

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from stancetracker.core.files.inputs import InputError, spooled

from conftest import fingerprint, make_store

ROWS = ("actor;dimension_slug;date;score;evidence\n"
        "sadr;iran;2021-03;1;\"met envoys; then, later\"\n"
        "Nuri al-Maliki;us;2020;-2;plain\n")


def run(db: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "stancetracker", "--db", str(db), *args], input=stdin,
                          capture_output=True, timeout=120)


@pytest.fixture
def db(tmp_path) -> Path:
    make_store(tmp_path / "pipe.db").close()
    return tmp_path / "pipe.db"


@pytest.mark.slow
def test_import_dash_reads_standard_input_and_export_dash_writes_standard_output(db, tmp_path):
    """A pipeline: a semicolon CSV piped in, then the records piped out as the export's CSV."""
    proc = run(db, "import", "-", stdin=ROWS.encode())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().strip() == "standard input: 2 records added"
    out = run(db, "export", "-o", "-")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout.decode("utf-8"), newline="")))
    assert sorted((r["actor_slug"], r["score"], r["evidence"]) for r in rows) == \
        [("maliki", "-2", "plain"), ("sadr", "1", "met envoys; then, later")]
    assert out.stderr.decode().strip() == "Wrote 2 records to -"  # the summary stays off the data
    assert not (Path.cwd() / "-").exists() and not (tmp_path / "-").exists()
    listed = run(db, "records", "--format", "jsonl")
    assert [json.loads(line)["uuid"] for line in listed.stdout.decode().splitlines()] == [r["uuid"] for r in rows]


@pytest.mark.slow
def test_a_bad_file_on_standard_input_is_named_standard_input_and_changes_nothing(db):
    before = fingerprint(db)
    proc = run(db, "import", "-", stdin=b"actor,dimension_slug,date,score\nMaliky,iran,2020,1\n")
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert "Error: standard input: line 2" in err and "did you mean 'Nouri al-Maliki' (maliki)" in err
    assert "stancetracker-stdin" not in err and "Traceback" not in err  # the temporary copy is never named
    empty = run(db, "import", "-", stdin=b"")
    assert empty.returncode == 1 and "standard input: line 1: the file is empty" in empty.stderr.decode()
    assert fingerprint(db) == before


@pytest.mark.slow
def test_skip_invalid_from_standard_input_needs_a_rejects_file(db):
    proc = run(db, "import", "-", "--skip-invalid", stdin=ROWS.encode())
    assert proc.returncode == 2 and "--skip-invalid needs --rejects" in proc.stderr.decode()
    proc = run(db, "import", "-", "--skip-invalid", "--rejects", "-",
               stdin=(ROWS + "nobody;iran;2020;1;x\n").encode())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().splitlines()[0] == "line,actor,dimension_slug,date,score,evidence,reason"
    assert "standard input: 2 records added; 1 rejected" in proc.stderr.decode()


def test_spooled_copies_the_stream_within_its_limit_and_removes_the_copy(tmp_path):
    with spooled(io.BytesIO(b"a,b\n1,2\n")) as path:
        assert path.read_bytes() == b"a,b\n1,2\n"
    assert not path.exists() and not path.parent.exists()
    with pytest.raises(InputError, match="more than 4 bytes"):
        with spooled(io.BytesIO(b"a,b\n1,2\n"), limit=4):
            pass
    with pytest.raises(InputError, match="standard input is closed"):
        with spooled(None):
            pass


def test_a_terminal_on_standard_input_is_refused_in_one_line():
    class Terminal(io.BytesIO):
        def isatty(self):
            return True
    with pytest.raises(InputError, match=r"is a terminal: pipe a CSV file into it"):
        with spooled(Terminal(b"")):
            pass
