"""The Qt renderer of a report's charts: the same figures as the window and the chart export draw.

The core builds a report without Qt and asks a renderer for each figure;
this is the one the command line and the window give it. It also writes the
PDF, which Qt draws (``gui/report_pdf.py``), so a caller asking for PDF needs
nothing else.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QPainter

from stancetracker.core.analysis import chartdata
from stancetracker.core.analysis.request import ChartRequest
from stancetracker.core.db.store import Store
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.charts import export


def offscreen_app():
    """The running QApplication, or a new one (offscreen when there is no display)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    return QApplication.instance() or QApplication(["stancetracker-report"])


class QtChartRenderer:
    """Draws a report's chart requests from one store, as SVG, PNG, or into a painter (vector).

    Each request's figure is made once and kept until :meth:`close`: making it is most of the
    cost of a chart, and a report in three formats draws each chart three times.
    """

    def __init__(self, store: Store):
        self.store = store
        self.notes: list[str] = []  # what the charts left out (records with invalid values), once each
        self._figures: dict[str, object] = {}

    def _figure(self, request: ChartRequest):
        key = repr(request)
        fig = self._figures.get(key)
        if fig is None:
            data = chartdata.build(self.store, request)
            if data.note and data.note not in self.notes:
                self.notes.append(data.note)
            fig = self._figures[key] = export.figure_for(data, self.store)
        return fig

    def close(self) -> None:
        """Let the figures go."""
        for fig in self._figures.values():
            fig.close()
            fig.deleteLater()
        self._figures.clear()

    def __enter__(self) -> "QtChartRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def svg(self, request: ChartRequest, width: int, height: int) -> bytes:
        return export.svg_bytes(self._figure(request), width, height)

    def png(self, request: ChartRequest, width: int, height: int, dpi: float = export.SCREEN_DPI) -> bytes:
        img = export.render_image(self._figure(request), width, height, dpi)
        arr = QByteArray()
        buf = QBuffer(arr)
        buf.open(QIODevice.OpenModeFlag.WriteOnly)
        if not img.save(buf, "PNG"):
            raise StanceError("a chart of the report could not be encoded as PNG")
        return bytes(arr)

    def paint(self, request: ChartRequest, painter: QPainter, rect: QRectF) -> None:
        """Draw the chart into ``rect`` of a painter (a PDF page, say) as vectors."""
        paint_figure = getattr(export, "paint_figure", None)  # the export module's own, where it has one
        if paint_figure is None:
            with contextlib.suppress(ModuleNotFoundError):  # else the PDF writer's interim one
                paint_figure = getattr(importlib.import_module("stancetracker.gui.report_pdf"), "paint_figure", None)
        if paint_figure is not None:
            paint_figure(self._figure(request), painter, rect)
            return
        from PySide6.QtSvg import QSvgRenderer  # else the SVG, which Qt also draws as vectors
        renderer = QSvgRenderer(QByteArray(self.svg(request, max(100, round(rect.width())),
                                                    max(100, round(rect.height())))))
        renderer.render(painter, rect)

    @staticmethod
    def pdf_writer():
        """``write_pdf(report, path, charts)`` of gui/report_pdf.py; StanceError if this build has none."""
        try:
            # import_module, not "from gui import report_pdf": a missing module is then always
            # ModuleNotFoundError naming it, not an ImportError about the package.
            report_pdf = importlib.import_module("stancetracker.gui.report_pdf")
        except ModuleNotFoundError as err:
            if err.name != "stancetracker.gui.report_pdf":
                raise
            raise StanceError("PDF output is not yet available in this version of stancetracker; "
                              "use --format html or docx") from None
        return report_pdf.write_pdf

    def write_pdf(self, report, path: Path) -> None:
        """The report as a PDF (drawn by Qt: gui/report_pdf.py)."""
        self.pdf_writer()(report, path, self)


__all__ = ["QtChartRenderer", "offscreen_app"]
