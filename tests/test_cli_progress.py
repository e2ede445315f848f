"""Progress on standard error: drawn when it is a terminal, silent when not or with --quiet; stdout stays clean."""

from __future__ import annotations

import csv
import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from stancetracker.cli.main import cli
from stancetracker.core.exchange.documents.reading import read_document
from stancetracker.core.model.progress import Cancelled

from conftest import make_store, write
from docfixtures import pdf_bytes

ROWS = "actor,dimension_slug,date,score,evidence\n" + "".join(
    f"sadr,iran,{2000 + i % 20}-01-{1 + i % 28:02d},{i % 5 - 2},note {i}\n" for i in range(3000))


class Terminal(io.StringIO):
    """Standard error as a terminal a person watches."""

    def isatty(self) -> bool:
        return True


def invoke(monkeypatch, stderr: io.StringIO, *args: str) -> str:
    """Run the command line in this process with ``stderr`` as standard error; returns what stdout got."""
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", stderr)
    try:
        cli.main(list(args), prog_name="stancetracker", standalone_mode=False)
    finally:
        monkeypatch.undo()
    return out.getvalue()


@pytest.fixture
def db(tmp_path) -> Path:
    make_store(tmp_path / "p.db").close()
    return tmp_path / "p.db"


def test_import_draws_its_progress_on_a_terminal_and_keeps_stdout_clean(monkeypatch, db, tmp_path):
    f = write(tmp_path / "in.csv", ROWS)
    err = Terminal()
    out = invoke(monkeypatch, err, "--db", str(db), "import", str(f))
    assert out.strip() == f"{f}: 3,000 records added"  # the summary, nothing of the bar
    drawn = err.getvalue()
    assert "Importing records" in drawn and "100%" in drawn and "KB of" in drawn
    assert drawn.endswith("\n")  # the bar ends its line before anything else is said


def test_no_progress_when_standard_error_is_not_a_terminal(monkeypatch, db, tmp_path):
    f = write(tmp_path / "in.csv", ROWS)
    err = io.StringIO()
    out = invoke(monkeypatch, err, "--db", str(db), "import", str(f))
    assert "3,000 records added" in out
    assert err.getvalue() == ""


def test_quiet_silences_the_bar_on_a_terminal(monkeypatch, db, tmp_path):
    f = write(tmp_path / "in.csv", ROWS)
    err = Terminal()
    invoke(monkeypatch, err, "--db", str(db), "import", str(f), "--quiet")
    invoke(monkeypatch, err, "--db", str(db), "export", "-o", str(tmp_path / "out.csv"), "--quiet")
    invoke(monkeypatch, err, "--db", str(db), "backup", "--quiet")
    assert err.getvalue() == ""


def test_export_says_only_its_summary_on_stdout_while_the_bar_goes_to_standard_error(monkeypatch, db, tmp_path):
    invoke(monkeypatch, io.StringIO(), "--db", str(db), "import", str(write(tmp_path / "in.csv", ROWS)))
    out = tmp_path / "out.csv"
    err = Terminal()
    said = invoke(monkeypatch, err, "--db", str(db), "export", "-o", str(out))
    assert said.strip() == f"Wrote 3,000 records to {out}"
    assert "Exporting records" in err.getvalue() and "3,000 of 3,000 records" in err.getvalue()
    assert "100%" in err.getvalue()
    assert len(list(csv.DictReader(open(out, encoding="utf-8")))) == 3000


def test_backup_and_restore_draw_their_copy(monkeypatch, db, tmp_path):
    err = Terminal()
    said = invoke(monkeypatch, err, "--db", str(db), "backup")
    assert said.startswith(f"Backed up {db} to ") and "Copying p.db" in err.getvalue()
    copy = tmp_path / "copy.db"
    invoke(monkeypatch, Terminal(), "--db", str(db), "backup", "--to", str(copy))
    assert copy.read_bytes()[:16] == b"SQLite format 3\x00"
    err = Terminal()
    said = invoke(monkeypatch, err, "--db", str(db), "restore", "--latest", "--yes")
    assert "Restoring" in err.getvalue() and "100%" in err.getvalue() and "Restoring" not in said


@pytest.mark.slow
def test_report_draws_its_steps(monkeypatch, db, tmp_path):
    invoke(monkeypatch, io.StringIO(), "--db", str(db), "import", str(write(tmp_path / "in.csv", ROWS)))
    err = Terminal()
    said = invoke(monkeypatch, err, "--db", str(db), "report", "--no-charts", "-o", str(tmp_path / "r.html"))
    assert said.startswith("Wrote the report of 3,000 records")
    assert "Writing the report" in err.getvalue() and "100%" in err.getvalue()


def test_add_source_draws_the_pages_of_a_pdf(monkeypatch, db, tmp_path):
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(pdf_bytes([[f"Page {n} of a statement on the factions."] for n in range(1, 6)]))
    err = Terminal()
    said = invoke(monkeypatch, err, "--db", str(db), "add-source", str(pdf))
    assert said.startswith("Added source") and "5 pages" in said
    assert "Reading brief.pdf" in err.getvalue() and "5 of 5 pages" in err.getvalue()


def test_a_step_that_never_reports_leaves_no_empty_bar(monkeypatch, db, tmp_path):
    note = write(tmp_path / "note.txt", "A short statement on the factions.\n")
    err = Terminal()
    said = invoke(monkeypatch, err, "--db", str(db), "add-source", str(note))
    assert said.startswith("Added source") and err.getvalue() == ""


def test_reading_a_pdf_reports_each_page_and_stops_when_told(tmp_path):
    pdf = tmp_path / "three.pdf"
    pdf.write_bytes(pdf_bytes([["one"], ["two"], ["three"]]))
    seen = []
    read_document(pdf, lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
    with pytest.raises(Cancelled, match="three.pdf: reading cancelled; nothing was added"):
        read_document(pdf, lambda done, total: False)


@pytest.mark.slow
def test_a_real_terminal_on_standard_error_gets_the_bar_and_a_pipe_on_stdout_gets_none(db, tmp_path):
    f = write(tmp_path / "in.csv", ROWS)
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "stancetracker", "--db", str(db), "import", str(f)],
                            stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    drawn = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        drawn += chunk
    out = proc.stdout.read().decode()
    assert proc.wait(timeout=60) == 0
    os.close(master)
    assert out.strip() == f"{f}: 3,000 records added"
    assert b"Importing records" in drawn and b"100%" in drawn

