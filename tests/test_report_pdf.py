"""The PDF writer, checked by reading the PDF back with poppler: its text, and every page rendered."""

from __future__ import annotations

import re
import time

import pytest

from stancetracker.core.model.progress import Cancelled
from stancetracker.core.project import open_project
from stancetracker.gui.report_charts import QtChartRenderer
from stancetracker.gui.report_pdf import chart_painter, write_pdf

from pdf_reading import needs_poppler, page_ink, pdf_text
from report_sample import ARABIC_EVIDENCE, ARABIC_TITLE, ROWS, sample_report

pytestmark = needs_poppler


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    store = open_project(tmp_path_factory.mktemp("seeded") / "seed.db", user="tester")
    yield store
    store.close()


@pytest.fixture(scope="module")
def sample_pdf(seeded, tmp_path_factory, qapp):
    path = tmp_path_factory.mktemp("pdf") / "brief.pdf"
    started = time.perf_counter()
    write_pdf(sample_report(), path, QtChartRenderer(seeded))
    return path, time.perf_counter() - started


def test_every_page_shows_something_above_its_footer(sample_pdf, tmp_path):
    path, _ = sample_pdf
    inks = page_ink(path, tmp_path)
    assert len(inks) >= 3  # 200 rows do not fit on one page
    assert all(ink > 0.001 for ink in inks), inks  # a page holding one short section still shows it
    for n in range(1, len(inks) + 1):  # and each has text of its own besides the footer
        footer = {sample_report().title, f"Page {n} of {len(inks)}"}
        assert {line.strip() for line in pdf_text(path, n).splitlines() if line.strip()} - footer, n
    text = pdf_text(path)
    assert f"Page 1 of {len(inks)}" in text and f"Page {len(inks)} of {len(inks)}" in text


def test_the_text_a_reader_relies_on_is_in_the_pdf(sample_pdf):
    path, _ = sample_pdf
    text = pdf_text(path)
    report = sample_report()
    assert report.title in text
    for i in range(ROWS):  # every record's row, with the start of its evidence (row 7's is in Arabic)
        assert i == 7 or f"Evidence of record {i}:" in text
    for entry in report.sources:  # the bibliography
        assert entry.text in " ".join(text.split())
    assert "Muqtada al-Sadr on Iran: +1 (pro-Iran) in 2003" in text


def test_arabic_comes_out_as_arabic_words(sample_pdf):
    path, _ = sample_pdf
    words = set(pdf_text(path).split())
    for word in ARABIC_EVIDENCE.split() + ARABIC_TITLE.split():
        assert word in words, word


def test_the_table_header_is_repeated_on_every_page_the_table_reaches(sample_pdf):
    path, _ = sample_pdf
    n = len(re.findall(r"Page \d+ of", pdf_text(path)))
    table_pages = [p for p in range(1, n + 1) if "Evidence of record" in pdf_text(path, p)]
    assert len(table_pages) >= 3
    for p in table_pages:
        words = pdf_text(path, p).split()  # the header's words appear nowhere else in the rows
        assert words.count("Actor") == 1 and words.count("Score") == 1 and "Date" in words, p


def test_charts_are_vectors_with_their_axis_text(sample_pdf):
    path, _ = sample_pdf
    text = pdf_text(path, 1)
    assert "strongly pro-Iran" in text and "neutral/mixed" in text  # the y axis, as text
    assert "2010" in text  # a date tick
    assert not re.search(rb"/Subtype\s*/Image", path.read_bytes())  # no picture: the chart is paths and text


def test_the_sample_report_is_written_quickly(sample_pdf):
    _, seconds = sample_pdf
    assert seconds < 3.0, f"{seconds:.2f} s for 200 rows and a chart"


def test_cancelling_leaves_no_file(seeded, tmp_path, qapp):
    path = tmp_path / "brief.pdf"
    seen = []

    def progress(done, total):
        seen.append(done)
        return done < 3

    with pytest.raises(Cancelled):
        write_pdf(sample_report(10), path, QtChartRenderer(seeded), progress=progress)
    assert seen[-1] == 3
    assert list(tmp_path.iterdir()) == []


def test_a_renderer_without_paint_or_store_is_refused():
    with pytest.raises(TypeError, match="paint"):
        chart_painter(object())
