"""QtExportDialog: export the records of the current view as CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from stancetracker.core.exchange.csv_export import export_records
from stancetracker.core.model.errors import StanceError
from stancetracker.core.db.query import RecordFilter
from stancetracker.gui.hub import QtStoreHub


class QtExportDialog(QDialog):
    """Choose a file and the spreadsheet options; writes the records the filter shows."""

    def __init__(self, hub: QtStoreHub, flt: RecordFilter, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.flt = flt
        self.written: int | None = None
        self.setWindowTitle("Export CSV")
        n = hub.store.count(flt)
        self.count = QLabel(f"{n:,} record{'s' if n != 1 else ''} in the current view will be written.")
        self.path_edit = QLineEdit(str(Path.home() / "stances.csv"))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self.browse)
        self.excel = QCheckBox("For E&xcel (UTF-8 with a byte-order mark, so Arabic script shows correctly)")
        self.excel.setChecked(True)
        self.guard = QCheckBox("&Protect against spreadsheet formulas (cells starting with = + - @)")
        self.guard.setChecked(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
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
        lay.addWidget(self.status)
        lay.addWidget(buttons)
        self.resize(620, 0)

    def browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export CSV", self.path_edit.text(), "CSV files (*.csv)")
        if name:
            self.path_edit.setText(name)

    def accept(self) -> None:
        # Absolute: in the window, a file named "-" is a file, not standard output.
        path = Path(self.path_edit.text().strip()).expanduser().absolute()
        try:
            self.written = export_records(self.hub.store, path, self.flt, excel=self.excel.isChecked(),
                                          guard_formulas=self.guard.isChecked(), option="")
        except (StanceError, OSError) as err:
            self.status.setText(f"Nothing was written: {err}")
            return
        super().accept()
