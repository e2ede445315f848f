"""The Sadr report of the seeded dataset, written as DOCX and PDF through write_report, read back as a reader would."""

from __future__ import annotations

import re

import docx
import pytest

from stancetracker.core.project import open_project
from stancetracker.core.report.build import build_report
from stancetracker.core.report.document import Table
from stancetracker.core.report.scope import ReportScope
from stancetracker.core.report.write import write_report
from stancetracker.gui.report_charts import QtChartRenderer

from pdf_reading import needs_poppler, page_ink, pdf_text

pytestmark = [pytest.mark.slow, needs_poppler]
CITE = re.compile(r"\[(\d+(?:, \d+)*)\]")


@pytest.fixture(scope="module")
def written(tmp_path_factory, qapp):
    folder = tmp_path_factory.mktemp("sadr")
    store = open_project(folder / "seed.db", user="tester")
    report = build_report(store, ReportScope(actors=("sadr",)))
    with QtChartRenderer(store) as charts:
        write_report(store, report, folder / "sadr.html", ("pdf", "docx"), charts=charts)
    yield report, folder
    store.close()


def test_the_docx_has_headings_one_row_per_record_and_every_citation_resolves(written):
    report, folder = written
    doc = docx.Document(str(folder / "sadr.docx"))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [report.title]
    (records,) = [b for b in report.blocks if isinstance(b, Table) and b.row_ids]
    assert len(records.rows) == len(report.record_uuids) > 0
    assert len(records.rows) + 1 in [len(t.rows) for t in doc.tables]
    texts = [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells]
    cited = {int(n) for t in texts for m in CITE.finditer(t) for n in m[1].split(", ")}
    assert cited == {c.number for c in report.citations}
    notes = {p.text for p in doc.paragraphs}
    body = "\n".join(p.text for p in doc.paragraphs)
    entries = {e.key: e.text for e in report.sources}
    for c in report.citations:
        assert f"{c.number}. {c.text}" in notes  # the note numbered n says what [n] cites
    for e in report.sources:
        assert e.text in body  # and the bibliography lists each source once cited
    assert len(doc.inline_shapes) == sum(1 for b in report.blocks if type(b).__name__ == "Figure")
    assert len(entries) == len(report.sources)


def test_the_pdf_pages_show_the_report_with_vector_charts(written, tmp_path):
    report, folder = written
    path = folder / "sadr.pdf"
    inks = page_ink(path, tmp_path)
    assert len(inks) > 2 and all(ink > 0.001 for ink in inks), inks
    text = " ".join(pdf_text(path).split())
    assert " ".join(report.title.split()) in text
    assert "strongly pro-Iran" in text  # a chart's axis, as text
    assert not re.search(rb"/Subtype\s*/Image", path.read_bytes())
    for e in report.sources:
        assert " ".join(e.text.split())[:60] in text
    (records,) = [b for b in report.blocks if isinstance(b, Table) and b.row_ids]
    evidence = records.columns.index("Evidence")
    for row in records.rows[:3]:  # the first words of a record's evidence, as the table shows them
        assert " ".join(row[evidence].split()[:5]) in text
