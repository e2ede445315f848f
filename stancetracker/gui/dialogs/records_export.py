"""QtRecordsExportDialog: export the records of the current view as CSV, with progress and Cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QApplication, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout,
                               QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.progress import Cancelled
from stancetracker.gui.hub import QtStoreHub


class QtRecordsExportDialog(QDialog):
    """Choose a file and the spreadsheet options; writes the records the filter shows.

    The export runs on the window's own connection (so a database opened
    read-only exports too) and keeps the dialog live through its progress
    callback, where Cancel stops it with nothing written.
    """

    progressed = Signal(int, int)  # records written, records to write

    def __init__(self, hub: QtStoreHub, flt: RecordFilter, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.flt = flt
        self.written: int | None = None
        self.running = False
        self._cancel_requested = False
        self.setWindowTitle("Export CSV")
        self.total = hub.store.count(flt)
        n = self.total
        self.count = QLabel(f"{n:,} record{'s' if n != 1 else ''} in the current view will be written.")
        self.path_edit = QLineEdit(str(Path.home() / "stances.csv"))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self.browse)
        self.excel = QCheckBox("For E&xcel (UTF-8 with a byte-order mark, so Arabic script shows correctly)")
        self.excel.setChecked(True)
        self.guard = QCheckBox("&Protect against spreadsheet formulas (cells starting with = + - @)")
        self.guard.setChecked(True)
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1000)
        self.progress_bar.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        lay = QVBoxLayout(self)
        lay.addWidget(self.count)
        lay.addLayout(row)
        lay.addWidget(self.excel)
        lay.addWidget(self.guard)
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self.resize(620, 0)

    def browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export CSV", self.path_edit.text(), "CSV files (*.csv)")
        if name:
            self.path_edit.setText(name)

    def output_path(self) -> Path:
        # Absolute: in the window, a file named "-" is a file, not standard output.
        return Path(self.path_edit.text().strip()).expanduser().absolute()

    def accept(self) -> None:
        if self.running:
            return
        path = self.output_path()
        self.running, self._cancel_requested = True, False
        self.export_button.setEnabled(False)
        self.progress_bar.setValue(0)
        self.progress_bar.show()
        self.status.setText("Exporting…")
        try:
            self.written = self._export(path)
        except Cancelled:
            self.status.setText("Export cancelled; nothing was written.")
            return
        except (StanceError, OSError) as err:
            self.status.setText(f"Nothing was written: {err}")
            return
        finally:
            self.running = False
            self.export_button.setEnabled(True)
            self.progress_bar.hide()
        super().accept()

    def _export(self, path: Path) -> int:
        return export_records(self.hub.store, path, self.flt, excel=self.excel.isChecked(),
                              guard_formulas=self.guard.isChecked(), progress=self.progress, option="")

    def progress(self, done: int, total: int = 0) -> bool:
        """The core's progress callback (core/model/progress.py): False once Cancel was pressed."""
        total = total or self.total
        if total:
            self.progress_bar.setValue(min(1000, int(1000 * done / total)))
        self.progressed.emit(done, total)
        QApplication.processEvents()  # paints the bar and lets Cancel be pressed
        return not self._cancel_requested

    def cancel(self) -> None:
        """Stop a running export (nothing is written), or close the dialog."""
        if self.running:
            self._cancel_requested = True
            self.status.setText("Cancelling…")
            return
        super().reject()

    def reject(self) -> None:
        self.cancel()

    def closeEvent(self, event) -> None:
        if self.running:  # closing mid-export cancels it; the dialog closes once the export has stopped
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)


__all__ = ["QtRecordsExportDialog"]
