"""The Help menu: the start page, the user guide and seed codebook (shipped with the package), the keyboard
shortcuts (read from the window's own actions) and About."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from stancetracker import __version__
from stancetracker.core.model.errors import NotFound
from stancetracker.gui.actions.menu import QtWindowActions
from stancetracker.gui.dialogs.shortcuts import QtShortcutsDialog
from stancetracker.gui.dialogs.start_page import CODEBOOK, GUIDE, QtStartPage, QtTextDialog, packaged_text

START_KEY = "startPage/showAtStart"


class QtHelpActions(QtWindowActions):
    """What the window can do and what it is."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.add(menu, "&Start page", self.show_start_page)
        self.add(menu, "&User guide", self.show_guide)
        self.add(menu, "Seed &codebook", self.show_codebook)
        menu.addSeparator()
        self.add(menu, "&Keyboard shortcuts", self.show_shortcuts, QKeySequence.StandardKey.HelpContents)
        self.add(menu, "&About stancetracker", self.about)

    def show_shortcuts(self) -> None:
        QtShortcutsDialog(self.window.actions() + self.window.table.actions(), self.window).exec()

    def about(self) -> None:
        QMessageBox.about(self.window, "About stancetracker",
                          f"<b>stancetracker {__version__}</b><p>Code, keep and chart how political actors' "
                          "stances shift over time.</p>")

    # ------------------------------------------------------------ first steps
    def first_run(self) -> QtStartPage | None:
        """At start: the start page, until the analyst unticks 'Show this page when stancetracker starts'.

        Shown beside the window, not run modally: nothing waits on it (a test or a script that
        opens the window is not held up), and the window stays usable behind it.
        """
        if str(self.window.settings.value(START_KEY, "true")).lower() != "true":
            return None
        page = self.start_page()
        page.finished.connect(lambda _r: self._start_page_closed(page))
        page.show()
        return page

    def start_page(self) -> QtStartPage:
        shown = str(self.window.settings.value(START_KEY, "true")).lower() == "true"
        return QtStartPage(self.window.hub.store, self.window, shown_at_start=shown)

    def show_start_page(self) -> QtStartPage:
        page = self.start_page()
        page.exec()
        self._start_page_closed(page)
        return page

    def _start_page_closed(self, page: QtStartPage) -> None:
        self.window.settings.setValue(START_KEY, "true" if page.at_start.isChecked() else "false")
        if page.chosen:
            way, page.chosen = page.chosen, None
            self.enter(way)

    def enter(self, way: str) -> None:
        """One of the start page's ways in."""
        w = self.window
        if way == "shifts":
            self.explore_shifts("sadr", "iran")
        elif way == "code":
            w.documents.dock.show()
            w.documents.import_document()
        elif way == "import":
            w.exchange.import_csv()
        elif way == "guide":
            self.show_guide()

    def explore_shifts(self, actor: str, dimension: str) -> None:
        """Chart one actor on one dimension, the table filtered to them, the shifts beside the chart."""
        w = self.window
        try:
            a = w.hub.store.actor(actor)
        except NotFound:
            self.status(f"This database has no actor {actor!r} (a new database has the seeded dataset)", 8000)
            return
        w.actor_list.set_checked([actor])
        w.filter_bar.set_actor(actor, a.name)
        charts = w.charts
        charts.tabs.setCurrentIndex(0)
        i = charts.dimension_box.findData(dimension)
        if i >= 0:
            charts.dimension_box.setCurrentIndex(i)
        self.status(f"{a.name} on {charts.dimension_box.currentText()}: the shifts list beside the chart "
                    "names each swing with its evidence; click a marker to open its record", 15000)

    def show_guide(self) -> QtTextDialog:
        dlg = QtTextDialog("User guide — stancetracker", packaged_text(GUIDE), self.window)
        dlg.show()
        return dlg

    def show_codebook(self) -> QtTextDialog:
        dlg = QtTextDialog("Seed codebook — stancetracker", packaged_text(CODEBOOK), self.window)
        dlg.show()
        return dlg


__all__ = ["START_KEY", "QtHelpActions"]
