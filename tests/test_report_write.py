"""Writing a report (core/report/write.py): its files, the replication CSV, all or nothing, never the database."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys

import pytest

from conftest import seeded_consensus_view
from reportfixtures import FakeCharts, open_seeded, parse_html
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.exchange.record_import import import_records
from stancetracker.core.exchange.seeds import load_seeds, seeds_dir
from stancetracker.core.files.outputs import OutputError
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.progress import Cancelled
from stancetracker.core.project import open_project
from stancetracker.core.report import method
from stancetracker.core.report.build import build_report
from stancetracker.core.report.scope import ReportScope
from stancetracker.core.report.write import output_paths, parse_formats, write_report

NOW = dt.datetime(2026, 12, 2, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def seeded(tmp_path_factory, tmp_path):
    store = open_seeded(tmp_path_factory.getbasetemp(), tmp_path / "s.db")
    yield store
    store.close()


def made(folder):
    """The files in a folder other than the database and SQLite's own files beside it."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("s.db") and p.name != "backups")


@pytest.fixture
def sadr(seeded):
    return build_report(seeded, ReportScope(actors=("sadr",)), now=NOW)


def test_the_report_and_its_companions_are_written_beside_each_other(seeded, sadr, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    written = write_report(seeded, sadr, out / "sadr.html", charts=FakeCharts())
    assert written == [out / "sadr.html", out / "sadr-records.csv", out / "sadr-sources.json",
                       out / "sadr-sources.bib"]
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)  # no .partial left
    doc = parse_html(out / "sadr.html")
    assert len(doc.xpath("//tr[@data-uuid]")) == len(seeded_consensus_view("sadr"))
    items = json.loads((out / "sadr-sources.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == [e.key for e in sadr.sources]
    bib = (out / "sadr-sources.bib").read_text(encoding="utf-8")
    assert [line.split("{")[1].rstrip(",") for line in bib.splitlines() if line.startswith("@")] == [
        e.key for e in sadr.sources]


def test_the_replication_csv_imports_back_to_the_same_records(seeded, sadr, tmp_path):
    """Into a database with the seed's actors and sources but no records, the CSV gives the same data version."""
    write_report(seeded, sadr, tmp_path / "sadr.html")
    tables = tmp_path / "tables"
    shutil.copytree(seeds_dir(), tables, ignore=shutil.ignore_patterns(  # no records, so no study either
        "records*.csv", "consensus.csv", "studies.csv", "study_units.csv", "*.py", "__pycache__"))
    fresh = open_project(tmp_path / "fresh.db", seed=False, user="tester")
    try:
        load_seeds(fresh, tables)
        assert fresh.count() == 0
        result = import_records(fresh, tmp_path / "sadr-records.csv")
        assert result.added == len(sadr.record_uuids) == len(seeded_consensus_view("sadr")) and not result.rejected
        assert method.data_version(fresh.records()) == sadr.data_version
    finally:
        fresh.close()


def test_names_follow_the_formats_and_a_format_suffix_is_dropped_from_the_stem(tmp_path):
    paths = output_paths(tmp_path / "brief.pdf", ("html", "pdf", "docx"))
    assert {k: p.name for k, p in paths.items()} == {
        "html": "brief.html", "pdf": "brief.pdf", "docx": "brief.docx", "csv": "brief-records.csv",
        "csl": "brief-sources.json", "bib": "brief-sources.bib"}
    assert output_paths(tmp_path / "brief.htm", ("html",))["html"].name == "brief.htm"
    assert output_paths(tmp_path / "brief.v2", ("html",))["html"].name == "brief.v2.html"
    assert parse_formats("HTML, docx,html") == ("html", "docx")
    with pytest.raises(StanceError, match="no report format 'odt'; use html, pdf or docx"):
        parse_formats("html,odt")


def test_the_database_its_backups_and_standard_output_are_never_written(seeded, sadr, tmp_path, tmp_path_factory):
    before = (tmp_path / "s.db").read_bytes()
    for target in (tmp_path / "s.db", tmp_path / "backups" / "x.html", "-"):
        with pytest.raises(OutputError, match="nothing was written"):
            write_report(seeded, sadr, target)
    # A companion file may not land on the database either: s.db-records.csv is fine, but a stem
    # whose companion is the database is refused before anything is written.
    (tmp_path / "d").mkdir()
    twin = open_seeded(tmp_path_factory.getbasetemp(), tmp_path / "d" / "r-records.csv")
    try:
        report = build_report(twin, ReportScope(actors=("sadr",)), now=NOW)
        with pytest.raises(OutputError, match="is the database"):
            write_report(twin, report, tmp_path / "d" / "r.html")
        assert not (tmp_path / "d" / "r.html").exists()
    finally:
        twin.close()
    assert (tmp_path / "s.db").read_bytes() == before
    made = [p.name for p in tmp_path.rglob("*") if p.suffix in (".html", ".csv", ".json", ".bib", ".partial")]
    assert made == ["r-records.csv"]  # the twin database alone


def test_a_cancel_or_a_failure_leaves_every_file_as_it_was(seeded, sadr, tmp_path):
    old = tmp_path / "sadr.html"
    old.write_text("the old report", encoding="utf-8")
    steps = []

    def cancel_late(done, total):
        steps.append((done, total))
        return done < total - 1  # cancel at the very last step

    with pytest.raises(Cancelled, match="report cancelled; nothing was written"):
        write_report(seeded, sadr, old, charts=FakeCharts(), progress=cancel_late)
    assert steps[-1][0] == steps[-1][1] - 1 and steps[0] == (0, steps[0][1])
    assert old.read_text(encoding="utf-8") == "the old report"
    assert made(tmp_path) == ["sadr.html"]


def test_a_report_whose_records_changed_since_it_was_built_is_not_written(seeded, sadr, tmp_path):
    rec = seeded.records(RecordFilter(actors=["sadr"], view="consensus"))[0]  # one in the report
    seeded.update_record(rec.uuid, rec.version, evidence="edited after the report was built")
    with pytest.raises(StanceError, match="changed since it was built; build it again"):
        write_report(seeded, sadr, tmp_path / "sadr.html")
    assert not (tmp_path / "sadr.html").exists()


def test_docx_and_pdf_say_in_one_line_what_they_need_when_it_is_missing(seeded, sadr, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "stancetracker.core.report.docx", None)  # as before the DOCX writer exists
    with pytest.raises(StanceError, match="DOCX output is not yet available"):
        write_report(seeded, sadr, tmp_path / "sadr.html", ("html", "docx"), charts=FakeCharts())
    with pytest.raises(StanceError, match="PDF output needs the chart renderer"):
        write_report(seeded, sadr, tmp_path / "sadr.html", ("pdf",), charts=FakeCharts())
    assert made(tmp_path) == []
