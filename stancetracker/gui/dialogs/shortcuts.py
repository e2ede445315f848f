"""QtShortcutsDialog: every keyboard shortcut, read from the window's own actions."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout


class QtShortcutsDialog(QDialog):
    """Lists each action with its shortcuts, so the list can never go stale."""

    def __init__(self, actions, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = []
        seen = set()
        for a in actions:
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts()]
            name = a.text().replace("&", "").rstrip("…").strip()
            if keys and (name, tuple(keys)) not in seen:
                seen.add((name, tuple(keys)))
                rows.append((name, ", ".join(keys)))
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Action", "Keys"])
        for i, (name, keys) in enumerate(rows):
            self.table.setItem(i, 0, QTableWidgetItem(name))
            self.table.setItem(i, 1, QTableWidgetItem(keys))
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(520, 620)

    def entries(self) -> list[tuple[str, str]]:
        return [(self.table.item(i, 0).text(), self.table.item(i, 1).text()) for i in range(self.table.rowCount())]
