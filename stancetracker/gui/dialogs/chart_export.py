"""QtChartExportDialog: the title, size and resolution of a chart image, then its file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QLineEdit, QSpinBox, QWidget

from stancetracker.gui.charts.common import ChartFigure
from stancetracker.gui.charts.export import export_figure


class QtChartExportDialog(QDialog):
    """Asks for a title, size and DPI before saving a chart."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export chart")
        form = QFormLayout(self)
        self.title_edit = QLineEdit(title)
        self.width_spin = QSpinBox(minimum=100, maximum=20000, value=1600, suffix=" px")
        self.height_spin = QSpinBox(minimum=100, maximum=20000, value=900, suffix=" px")
        self.dpi_spin = QSpinBox(minimum=24, maximum=1200, value=96, suffix=" dpi")
        form.addRow("Title", self.title_edit)
        form.addRow("Width", self.width_spin)
        form.addRow("Height", self.height_spin)
        form.addRow("Resolution", self.dpi_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple[str, int, int, int]:
        return (self.title_edit.text().strip(), self.width_spin.value(), self.height_spin.value(),
                self.dpi_spin.value())


FILTERS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)", "pdf": "PDF document (*.pdf)"}


def export_with_dialog(fig: ChartFigure, parent: QWidget | None = None, fmt: str = "png") -> Path | None:
    """Ask for title, size and file (``fmt`` offered first), then save; returns the path or None if cancelled."""
    dlg = QtChartExportDialog(fig.title(), parent)
    if dlg.exec() != QDialog.DialogCode.Accepted:
        return None
    title, w, h, dpi = dlg.values()
    filters = [FILTERS[fmt]] + [f for k, f in FILTERS.items() if k != fmt]
    path, chosen = QFileDialog.getSaveFileName(parent, "Export chart", f"{fig.kind or 'chart'}.{fmt}",
                                               ";;".join(filters))
    if not path:
        return None
    if not Path(path).suffix:
        path += "." + next((k for k, f in FILTERS.items() if f == chosen), fmt)
    old = fig.title()
    if title and title != old:
        fig.set_title(title)
    try:
        return export_figure(fig, path, w, h, dpi)
    finally:
        if title and title != old:
            fig.set_title(old)


__all__ = ["QtChartExportDialog", "export_with_dialog"]
