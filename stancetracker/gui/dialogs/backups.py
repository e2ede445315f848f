"""QtBackupsDialog: the database's backups; make one now, or pick one to restore."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QLabel, QMessageBox, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from stancetracker.core.db import backups
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.hub import QtStoreHub


class QtBackupsDialog(QDialog):
    """Lists verified backups; ``chosen`` holds the one to restore when accepted."""

    def __init__(self, hub: QtStoreHub, parent=None):
        super().__init__(parent)
        self.hub = hub
        self.chosen: Path | None = None
        self.setWindowTitle("Backups")
        path = hub.store.path
        self.info = QLabel(f"Backups of <b>{path.name}</b> are kept in {backups.backup_dir(path)}.<br>"
                           "Each one was checked with SQLite's integrity check after it was written.")
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["When (UTC)", "Why", "Size"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        now = QPushButton("Back up &now")
        now.clicked.connect(self.back_up_now)
        self.restore = QPushButton("&Restore selected…")
        self.restore.clicked.connect(self.choose)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(now, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.restore, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.info)
        lay.addWidget(self.table)
        lay.addWidget(buttons)
        self.resize(620, 380)
        self.reload()

    def reload(self) -> None:
        self.items = backups.list_backups(self.hub.store.path)
        self.table.setRowCount(len(self.items))
        for i, b in enumerate(self.items):
            for j, text in enumerate((b.when.strftime("%Y-%m-%d %H:%M:%S"), b.reason, f"{b.size / 1e6:.1f} MB")):
                self.table.setItem(i, j, QTableWidgetItem(text))
        self.restore.setEnabled(bool(self.items) and not self.hub.store.readonly)

    def back_up_now(self) -> None:
        try:
            backups.make_backup(self.hub.store.path, reason="manual")
        except (StanceError, OSError) as err:
            QMessageBox.critical(self, "Backup", f"No backup was made: {err}")
            return
        self.reload()

    def choose(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        b = self.items[row]
        answer = QMessageBox.question(
            self, "Restore backup",
            f"Replace the database with the backup from {b.when:%Y-%m-%d %H:%M} UTC?\n\n"
            "The current file is backed up first, so this too can be undone by restoring that backup.")
        if answer == QMessageBox.StandardButton.Yes:
            self.chosen = b.path
            self.accept()
