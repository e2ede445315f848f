"""QtHistoryDialog: every change of one record, and restoring an earlier version."""

from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from stancetracker.core.db import revert
from stancetracker.core.model.changes import action_text, change_lines
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.fields import CONTENT_FIELDS
from stancetracker.gui.hub import QtStoreHub

_SHOWN = CONTENT_FIELDS


def describe(before: dict | None, after: dict | None) -> str:
    """What changed between two states, in one line a field."""
    if after is None:
        return "removed"
    if before is None:
        return ", ".join(f"{k}: {after.get(k)}" for k in ("actor", "dimension", "date", "score") if k in after)
    return "\n".join(change_lines(before, after, fields=_SHOWN)) or "(no field changed)"


class QtHistoryDialog(QDialog):
    """Who changed the record, when, and how; any earlier version can be restored."""

    def __init__(self, hub: QtStoreHub, uuid: str, parent=None):
        super().__init__(parent)
        self.hub = hub
        self.uuid = uuid
        self.setWindowTitle("Record history")
        self.title = QLabel()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["When (UTC)", "Who", "What", "Changes"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.restore_button = QPushButton("&Restore this version")
        self.restore_button.setToolTip("Make the record as it was after the selected change (recorded as a new edit)")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(900, 420)
        self.reload()

    def reload(self) -> None:
        rec = self.hub.store.record(self.uuid)
        self.title.setText(f"<b>{rec.actor_name}</b> on {rec.dimension_label}, {rec.shown('date')} — version {rec.version}")
        self.entries = self.hub.store.history(self.uuid)
        self.table.setRowCount(len(self.entries))
        for i, h in enumerate(self.entries):
            what = action_text(h.op_kind, h.action)  # "undo: edit", "redo: restore"
            for j, text in enumerate((h.at[:19].replace("T", " "), h.user, what, describe(h.before, h.after))):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        if self.entries:
            self.table.selectRow(len(self.entries) - 1)

    def restore_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        entry = self.entries[row]
        try:
            current = self.hub.store.record(self.uuid)
            self.hub.run("records", revert.restore_version, self.uuid, entry.id, current.version)
        except StanceError as err:
            QMessageBox.warning(self, "Not restored", str(err))
            return
        self.reload()
