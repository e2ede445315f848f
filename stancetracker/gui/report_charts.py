"""The Qt renderer of a report's charts: the same figures as the window and the chart export draw.

The core builds a report without Qt and asks a renderer for each figure;
this is the one the command line and the window give it. It also writes the
PDF, which Qt draws (``gui/report_pdf.py``), so a caller asking for PDF needs
nothing else.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication

from stancetracker.core.analysis import chartdata
from stancetracker.core.analysis.request import ChartRequest
from stancetracker.core.db.store import Store
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.charts import export

try:  # the PDF writer, where this build has it (it came after this module)
    import stancetracker.gui.report_pdf as report_pdf
except ModuleNotFoundError as err:
    if err.name != "stancetracker.gui.report_pdf":
        raise
    report_pdf = None


def offscreen_app():
    """The running QApplication, or a new one (offscreen when there is no display)."""
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QApplication.instance() or QApplication(["stancetracker-report"])


PRINT_PLOT_MIN_PX = 190  # a plot on a printed page keeps at least this height (96-dpi pixels), pages allowing


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

    def height_for(self, request: ChartRequest, width: int, height: int) -> int:
        """The height the chart needs at ``width`` (96-dpi pixels) for plots of a printed page: at least ``height``."""
        return export.laid_out_height(self._figure(request), width, height, plot_min_px=PRINT_PLOT_MIN_PX)

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

    def paint(self, request: ChartRequest, painter: QPainter, rect: QRectF,
              layout_size: tuple[int, int] | None = None) -> None:
        """Draw the chart into ``rect`` of a painter (a PDF page, say) as vectors, laid out at
        ``layout_size`` (96-dpi pixels) if given, else at the size ``rect`` covers on the device."""
        export.paint_figure(self._figure(request), painter, rect, layout_size)

    def write_pdf(self, report, path: Path) -> None:
        """The report as a PDF (drawn by Qt: gui/report_pdf.py); StanceError if this build has no PDF writer."""
        if report_pdf is None:
            raise StanceError("PDF output is not yet available in this version of stancetracker; "
                              "use --format html or docx")
        report_pdf.write_pdf(report, path, self)

    @staticmethod
    def can_write_pdf() -> bool:
        return report_pdf is not None


__all__ = ["QtChartRenderer", "offscreen_app"]
