"""The Help menu: the keyboard shortcuts (read from the window's own actions) and About."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from stancetracker import __version__
from stancetracker.gui.actions.menu import QtWindowActions
from stancetracker.gui.dialogs.shortcuts import QtShortcutsDialog


class QtHelpActions(QtWindowActions):
    """What the window can do and what it is."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.add(menu, "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self.add(menu, "&About stancetracker", self.about)

    def show_shortcuts(self) -> None:
        QtShortcutsDialog(self.window.actions() + self.window.table.actions(), self.window).exec()

    def about(self) -> None:
        QMessageBox.about(self.window, "About stancetracker",
                          f"<b>stancetracker {__version__}</b><p>Code, keep and chart how political actors' "
                          "stances shift over time.</p>")


__all__ = ["QtHelpActions"]
