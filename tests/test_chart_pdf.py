"""Vector PDF of a chart: from the command line (by suffix and --format), drawn by poppler, text kept
as text; painted into a report's 300-dpi page; the window's Export menu offers every format."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPageSize, QPainter, QPdfWriter

import chart_raster as cr
from stancetracker.cli.main import cli
from stancetracker.core.analysis import chartdata as cd
from stancetracker.core.project import open_project
from stancetracker.gui.charts import export

needs_poppler = pytest.mark.skipif(not (cr.have("pdftoppm") and cr.have("pdftotext")),
                                   reason="pdftoppm/pdftotext (poppler-utils) are not installed")


@pytest.fixture(scope="module")
def seeded_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "seeded.db"
    open_project(path, user="tester").close()
    return path


def chart(seeded_path, *args):
    return CliRunner().invoke(cli, ["--db", str(seeded_path), "chart", *args])


@needs_poppler
@pytest.mark.parametrize("kind, args, words", [
    ("timeline", ["-a", "sadr", "-d", "iran"], ["Iran: Muqtada al-Sadr", "+1 pro-Iran", "2020"]),
    ("profile", ["-a", "sadr"], ["Memberships and roles", "United States", "−1 anti-US"]),
    ("compare", ["-a", "sadr", "-a", "maliki"], ["Muqtada al-Sadr", "Nouri al-Maliki"]),
    ("snapshot", ["-a", "sadr", "-a", "maliki", "--at", "2022-01-16"], ["Stances on 16 January 2022", "Iran"]),
])
def test_cli_chart_pdf_is_vector_with_its_text(seeded_path, tmp_path, kind, args, words):
    out = tmp_path / f"{kind}.pdf"
    res = chart(seeded_path, "--kind", kind, *args, "-o", str(out), "--width", "1000", "--height", "700")
    assert res.exit_code == 0, res.output
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"/Subtype /Image" not in data  # lines and text, no bitmap
    pages = cr.pdf_pages(out)
    # 1000×700 px at 96/in, drawn at 48 dpi; a page grows taller when the plots and event key need it.
    assert len(pages) == 1 and pages[0].shape[1] == 500 and pages[0].shape[0] >= 350
    assert 0.01 < cr.ink(pages[0]) < 0.9
    text = cr.pdf_text(out)
    for w in words:
        assert w in text, (w, text[:300])


@needs_poppler
def test_format_pdf_without_suffix_and_refusal_over_the_database(seeded_path, tmp_path):
    out = tmp_path / "chart.out"
    res = chart(seeded_path, "-a", "sadr", "--format", "pdf", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_bytes().startswith(b"%PDF") and "Iran: Muqtada al-Sadr" in cr.pdf_text(out)
    before = seeded_path.read_bytes()
    res = chart(seeded_path, "-a", "sadr", "--format", "pdf", "-o", str(seeded_path))
    assert res.exit_code != 0 and "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1
    assert seeded_path.read_bytes() == before


@needs_poppler
def test_pdf_matches_the_png(qtbot, seeded_path, tmp_path):
    """The PDF drawn by poppler at 96 dpi is within the SVG tests' tolerance of the PNG."""
    store = open_project(seeded_path, readonly=True, user="tester")
    try:
        fig = export.figure_for(cd.build(store, cd.ChartRequest("timeline", ["sadr", "maliki"], "iran")), store)
        qtbot.addWidget(fig)
        export.save(fig, tmp_path / "t.png", 1000, 700)
        export.save(fig, tmp_path / "t.pdf", 1000, 700)
    finally:
        store.close()
    page = cr.pdf_pages(tmp_path / "t.pdf", dpi=96)[0]
    diff = cr.difference(cr.rgb_array(tmp_path / "t.png"), page)
    assert diff.mean <= 3.0 and diff.blocks <= 0.095, diff


@needs_poppler
def test_paint_figure_on_a_300_dpi_a4_page(qtbot, seeded_path, tmp_path):
    """What the report does: a chart painted into part of an A4 page keeps 9-pt text and its words."""
    store = open_project(seeded_path, readonly=True, user="tester")
    try:
        fig = export.figure_for(cd.build(store, cd.ChartRequest("profile", ["sadr"])), store)
        qtbot.addWidget(fig)
        writer = QPdfWriter(str(tmp_path / "a4.pdf"))
        writer.setResolution(300)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        p = QPainter(writer)
        export.paint_figure(fig, p, QRectF(0, 0, writer.width(), writer.width() * 0.9))
        p.end()
    finally:
        store.close()
    pages = cr.pdf_pages(tmp_path / "a4.pdf")
    assert len(pages) == 1 and 0.01 < cr.ink(pages[0][: int(pages[0].shape[0] * 0.7)]) < 0.9
    text = cr.pdf_text(tmp_path / "a4.pdf")
    for w in ("Muqtada al-Sadr", "anti-Iran", "Memberships and roles", "2020"):
        assert w in text


def test_panel_export_menu_offers_every_format(qtbot, seeded_path):
    from stancetracker.gui.charts.panel import QtChartPanel
    from stancetracker.gui.hub import QtStoreHub
    store = open_project(seeded_path, readonly=True, user="tester")
    try:
        panel = QtChartPanel(QtStoreHub(store))
        qtbot.addWidget(panel)
        texts = [a.text() for a in panel.export_button.menu().actions()]
    finally:
        store.close()
    assert texts == ["Save as PNG…", "Save as SVG…", "Save as PDF…", "Copy to clipboard"]


def test_export_dialog_saves_the_chosen_format(qtbot, seeded_path, tmp_path, monkeypatch):
    """The window's dialog: a name typed without a suffix gets the chosen filter's; over the database it refuses."""
    from PySide6.QtWidgets import QDialog, QFileDialog

    from stancetracker.core.model.errors import StanceError
    from stancetracker.gui.dialogs import chart_export
    store = open_project(seeded_path, readonly=True, user="tester")
    try:
        fig = export.figure_for(cd.build(store, cd.ChartRequest("timeline", ["sadr"], "iran")), store)
        qtbot.addWidget(fig)
        monkeypatch.setattr(chart_export.QtChartExportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
        offered = []

        def save_as(parent, caption, name, filters):
            offered.append((name, filters))
            return str(tmp_path / "brief"), chart_export.FILTERS["pdf"]
        monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
        path = chart_export.export_with_dialog(fig, None, "pdf")
        assert offered[0][0].endswith(".pdf") and offered[0][1].startswith("PDF document")
        assert path == str(tmp_path / "brief.pdf") and (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")
        before = seeded_path.read_bytes()
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: (str(seeded_path), chart_export.FILTERS["pdf"]))
        with pytest.raises(StanceError, match="database"):
            chart_export.export_with_dialog(fig, None, "pdf")
        assert seeded_path.read_bytes() == before
    finally:
        store.close()
