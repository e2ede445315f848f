"""QtMergeDialog: merge a colleague's database or CSV, choosing side by side."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QHeaderView,
                               QLabel, QMessageBox, QPlainTextEdit, QTableWidget, QTableWidgetItem, QVBoxLayout)

from stancetracker.core.exchange import merge
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.hub import QtStoreHub


class QtMergeDialog(QDialog):
    """Shows the merge plan; conflicts keep ours unless the user picks theirs."""

    def __init__(self, hub: QtStoreHub, other: Path, parent=None):
        super().__init__(parent)
        self.hub = hub
        self.result: merge.MergeResult | None = None
        self.setWindowTitle(f"Merge {other.name}")
        self.plan = merge.plan_merge(hub.store, other)
        summary = QLabel(self.plan.summary())
        summary.setWordWrap(True)
        refs = QPlainTextEdit("\n".join(r.describe() for r in self.plan.references) or "No differences in actors, "
                              "dimensions or sources.")
        refs.setReadOnly(True)
        refs.setMaximumHeight(110)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Record", "Field", "Ours", "Theirs", "Keep"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.choices: dict[str, QComboBox] = {}
        for c in self.plan.conflicts:
            for k, fld in enumerate(c.fields):
                row = self.table.rowCount()
                self.table.insertRow(row)
                self.table.setItem(row, 0, QTableWidgetItem(c.uuid[:8] if k == 0 else ""))
                self.table.setItem(row, 1, QTableWidgetItem(fld))
                self.table.setItem(row, 2, QTableWidgetItem(str(c.ours.get(fld, ""))))
                self.table.setItem(row, 3, QTableWidgetItem(str(c.theirs.get(fld, ""))))
                if k == 0:
                    combo = QComboBox()
                    combo.addItems(["ours", "theirs"])
                    self.choices[c.uuid] = combo
                    self.table.setCellWidget(row, 4, combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.apply_button = buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(QLabel("Actors, dimensions and sources:"))
        lay.addWidget(refs)
        lay.addWidget(QLabel(f"Conflicts ({len(self.plan.conflicts)}): the same record changed differently — "
                             "choose which version to keep"))
        lay.addWidget(self.table)
        # Issue 12: rows of theirs that break the rules are shown, and merged around only when the user says so.
        self.skip_invalid = QCheckBox(f"Merge the valid rows and leave out the {self.plan.refused_count:,} refused")
        if self.plan.refused_count:
            refused = QPlainTextEdit("\n".join(r.describe() for r in self.plan.refused[:500]))
            refused.setReadOnly(True)
            refused.setMaximumHeight(110)
            lay.addWidget(QLabel(f"Refused ({self.plan.refused_count:,}): rows of theirs that break the rules"))
            lay.addWidget(refused)
            lay.addWidget(self.skip_invalid)
            self.skip_invalid.toggled.connect(self.apply_button.setEnabled)
            self.apply_button.setEnabled(False)
        lay.addWidget(buttons)
        self.resize(900, 560)

    def apply(self) -> None:
        choices = {u: c.currentText() for u, c in self.choices.items()}
        try:
            self.result = self.hub.run("all", merge.apply_merge, self.plan, choices,
                                       skip_invalid=self.skip_invalid.isChecked())
        except StanceError as err:
            QMessageBox.warning(self, "Not merged", f"Nothing was merged: {err}")
            return
        self.accept()
