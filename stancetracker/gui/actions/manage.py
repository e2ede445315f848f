"""The Manage menu: the dialogs that edit actors, dimensions, sources and events."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QMainWindow, QMenu

from stancetracker.gui.actions.menu import QtWindowActions
from stancetracker.gui.dialogs.actors import QtActorsDialog
from stancetracker.gui.dialogs.dimensions import QtDimensionsDialog
from stancetracker.gui.dialogs.events import QtEventsDialog
from stancetracker.gui.dialogs.new_source import QtNewSourceDialog
from stancetracker.gui.dialogs.sources import QtSourcesDialog


class QtManageActions(QtWindowActions):
    """Opens each reference table's dialog over the hub; every change in them reaches the views by its signals."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.hub = window.hub
        self.add(menu, "&Actors…", lambda: self.open(QtActorsDialog), "Ctrl+Shift+A", writes=True)
        self.add(menu, "&Dimensions…", lambda: self.open(QtDimensionsDialog), writes=True)
        # Ctrl+Shift+S is Save As everywhere: here, Backup copy (a copy of the database under another name).
        self.add(menu, "&Sources…", lambda: self.open(QtSourcesDialog), "Ctrl+Shift+O", writes=True)
        self.add(menu, "&Events…", lambda: self.open(QtEventsDialog), writes=True)

    def open(self, dialog: type[QDialog]) -> QDialog:
        """Show one of the dialogs taking (hub, parent) until it is closed."""
        dlg = dialog(self.hub, parent=self.window)
        dlg.exec()
        return dlg

    def new_source(self) -> None:
        """A new source from the record editor, selected there once created."""
        dlg = self.open(QtNewSourceDialog)
        if dlg.created_slug:
            self.window.editor.select_source(dlg.created_slug)


__all__ = ["QtManageActions"]
