"""The document commands: add-source, documents, passages (issue 7)."""

from __future__ import annotations

from click.testing import CliRunner
from docfixtures import pdf_bytes

from stancetracker.cli.main import cli
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.coding.passages import add_coded_record
from stancetracker.core.coding.sourcetext import document
from stancetracker.core.project import open_project


def run(db, *args, code=0):
    res = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    return res.output


def test_add_source_reads_a_pdf_with_pages_and_metadata(db_path, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(pdf_bytes([["Sadr withdrew his deputies."], ["The Framework formed a government."]],
                              info={"Title": "Withdrawal report", "Author": "R. Searcher",
                                    "CreationDate": "D:20220615120000Z"}))
    out = run(db_path, "add-source", str(pdf), "--publisher", "Example Institute")
    assert "Added source withdrawal-report" in out and "2 pages" in out and "published 2022-06-15" in out
    with open_project(db_path) as s:
        info = document(s, "withdrawal-report")
        assert (info.source.author, info.source.publisher, info.format) == ("R. Searcher", "Example Institute", "pdf")
        assert info.text[info.pages[1]:].startswith("The Framework")
    assert "withdrawal-report" in run(db_path, "documents", "--search", "framework government")


def test_scanned_pdf_and_unknown_files_are_refused_in_one_line(db_path, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(pdf_bytes([[]]))
    out = run(db_path, "add-source", str(scan), code=1)
    assert "no text layer" in out and out.count("\n") == 1
    odd = tmp_path / "notes.odt"
    odd.write_bytes(b"x")
    assert "notes.odt" in run(db_path, "add-source", str(odd), code=1)
    with open_project(db_path) as s:
        assert [sl for sl, *_ in s.conn.execute("SELECT slug FROM sources WHERE text <> ''")] == []


def test_replace_lists_lost_passages_and_documents_shows_coverage(db_path, tmp_path):
    f = tmp_path / "note.txt"
    f.write_text("Note\n\nSadr called for a majority government.\n\nMaliki refused.\n", encoding="utf-8")
    run(db_path, "add-source", str(f), "--title", "Note", "--published", "2022-01")
    with open_project(db_path) as s:
        text = document(s, "note").text
        for words, actor in (("called for a majority government", "sadr"), ("Maliki refused", "maliki")):
            start = text.index(words)
            add_coded_record(s, Record(actor=actor, dimension="consensus", date=parse_date("2022-01"), score=-1,
                                       source="note"), start, start + len(words))
    assert "67% of 3 ¶ coded  2 passages" in run(db_path, "documents")
    f.write_text("Note (corrected)\n\nSadr called for a majority government.\n\nMaliki said no.\n",
                 encoding="utf-8")
    out = run(db_path, "add-source", str(f), "--replace", "note")
    assert "1 moved with their words" in out and "1 could not be found" in out
    assert "lost: “Maliki refused”" in out
    assert "LOST" in run(db_path, "passages", "note", "--lost")
    assert "1 LOST" in run(db_path, "documents")
