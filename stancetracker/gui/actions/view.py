"""The View menu: jumping to the search boxes, the trash and the table, a chart in its own window, the docks."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu

from stancetracker.gui.actions.menu import QtWindowActions
from stancetracker.gui.charts.chart_window import FULL_SCREEN_KEY, OWN_WINDOW_KEY


class QtViewActions(QtWindowActions):
    """Keyboard ways to the window's parts."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        w = window
        self.add(menu, "Search &actors", lambda: w.actor_list.search.setFocus(), "Ctrl+F")
        self.add(menu, "Search &evidence", lambda: w.filter_bar.query.setFocus(), "Ctrl+Shift+F")
        self.add(menu, "Show the &trash", lambda: w.filter_bar.trash.toggle(), "Ctrl+T")
        self.add(menu, "Go to the records &table", lambda: w.table.setFocus(), "Ctrl+L")
        menu.addSeparator()
        self.add(menu, "Chart in its own &window", lambda: w.charts.detach_current(), OWN_WINDOW_KEY)
        self.add(menu, "Chart &full screen", lambda: w.charts.detach_current(full_screen=True), FULL_SCREEN_KEY)
        menu.addSeparator()
        menu.addAction(w.actor_dock.toggleViewAction())
        menu.addAction(w.editor_dock.toggleViewAction())


__all__ = ["QtViewActions"]
