"""The Word writer, checked by reading the file back with python-docx as Word would see it."""

from __future__ import annotations

import datetime as _dt
import io
import re

import docx
import pytest
from docx.oxml.ns import qn

from stancetracker.core.report.docx import write_docx
from stancetracker.core.report.document import Figure
from report_sample import ARABIC_EVIDENCE, ARABIC_TITLE, COLUMNS, ROWS, png, sample_report

CITE = re.compile(r"\[(\d+(?:, \d+)*)\]")


def _write(report, tmp_path):
    drawn: list[Figure] = []

    def images(fig: Figure) -> bytes:
        drawn.append(fig)
        return png(120, 70)

    path = tmp_path / "brief.docx"
    write_docx(report, path, images)
    return docx.Document(str(path)), drawn


def _all_texts(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [c.text for row in table.rows for c in row.cells]
    return texts


def test_headings_use_words_heading_styles(tmp_path):
    report = sample_report(20)
    doc, _ = _write(report, tmp_path)
    by_style = {}
    for p in doc.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert by_style["Heading 1"] == [report.title]
    assert by_style["Heading 2"] == ["Charts", "What changed", "Records", "Sources", "Method"]
    assert by_style["Heading 3"] == ["Iran"]
    assert doc.core_properties.title == report.title
    assert doc.core_properties.created == _dt.datetime(2026, 12, 1, 9, 30, tzinfo=_dt.timezone.utc)


def test_one_table_row_per_record_and_a_header_repeated_on_every_page(tmp_path):
    report = sample_report()
    doc, _ = _write(report, tmp_path)
    (table,) = doc.tables
    assert len(table.rows) == ROWS + 1
    assert [c.text for c in table.rows[0].cells] == list(COLUMNS)
    assert table.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
    assert all(r._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is None for r in table.rows[1:])
    table_rows = report.blocks[[type(b).__name__ for b in report.blocks].index("Table")].rows
    for i in (0, 99, ROWS - 1):
        cells = [c.text for c in table.rows[i + 1].cells]
        assert cells[:-1] == list(table_rows[i][:-1])
        assert cells[-1] == f"{table_rows[i][-1]} [{i + 1}]"  # the row's citation follows its evidence


def test_every_citation_in_the_document_resolves_to_a_source_entry(tmp_path):
    report = sample_report(30)
    doc, _ = _write(report, tmp_path)
    numbers = {int(n) for text in _all_texts(doc) for m in CITE.finditer(text) for n in m[1].split(", ")}
    assert numbers == set(range(1, 31))
    by_number = {c.number: c for c in report.citations}
    keys = {s.key for s in report.sources}
    body = "\n".join(p.text for p in doc.paragraphs)
    for n in numbers:
        assert by_number[n].source_slug in keys
    for entry in report.sources:  # the bibliography entries are in the document
        assert entry.text in body


def _is_rtl_paragraph(p_element) -> bool:
    ppr = p_element.find(qn("w:pPr"))
    runs = p_element.findall(qn("w:r"))
    return (ppr is not None and ppr.find(qn("w:bidi")) is not None
            and bool(runs) and all(r.find(f"{qn('w:rPr')}/{qn('w:rtl')}") is not None for r in runs))


def test_arabic_paragraphs_and_cells_run_right_to_left_and_english_does_not(tmp_path):
    doc, _ = _write(sample_report(20), tmp_path)
    arabic = [p for p in doc.paragraphs if p.text.startswith(ARABIC_TITLE)]
    assert arabic and all(_is_rtl_paragraph(p._p) for p in arabic)
    (ev,) = [p for p in doc.paragraphs if ARABIC_EVIDENCE in p.text]  # the shift's "after" evidence
    assert _is_rtl_paragraph(ev._p)
    cell = doc.tables[0].rows[8].cells[-1]
    assert cell.text.startswith(ARABIC_EVIDENCE)
    assert all(_is_rtl_paragraph(p._p) for p in cell.paragraphs)
    english = [p for p in doc.paragraphs if p.text.startswith("Scope:")]
    assert english and not any(_is_rtl_paragraph(p._p) for p in english)
    assert not _is_rtl_paragraph(doc.tables[0].rows[1].cells[-1].paragraphs[0]._p)


def test_figures_are_pictures_fitted_to_the_page_with_captions(tmp_path):
    report = sample_report(5)
    doc, drawn = _write(report, tmp_path)
    assert [f.caption for f in drawn] == ["Figure 1. Muqtada al-Sadr on Iran"]
    (shape,) = doc.inline_shapes
    section = doc.sections[0]
    text_width = section.page_width - section.left_margin - section.right_margin
    assert shape.width == text_width  # a 1200 px chart is wider than the page: fitted to it
    assert abs(shape.height / shape.width - 700 / 1200) < 0.01
    caption = [p for p in doc.paragraphs if p.style.name == "Caption"]
    assert caption[0].text == "Figure 1. Muqtada al-Sadr on Iran"
    assert doc.inline_shapes._body.xpath(".//wp:docPr/@descr") == ["A step line of Sadr's stance on Iran"]


def test_a_stream_gets_the_same_document(tmp_path):
    buf = io.BytesIO()
    write_docx(sample_report(3), buf, lambda fig: png())
    doc = docx.Document(io.BytesIO(buf.getvalue()))
    assert len(doc.tables[0].rows) == 4


def test_nothing_is_left_when_the_images_fail(tmp_path):
    path = tmp_path / "brief.docx"

    def broken(fig):
        raise RuntimeError("renderer gone")

    with pytest.raises(RuntimeError):
        write_docx(sample_report(3), path, broken)
    assert list(tmp_path.iterdir()) == []
