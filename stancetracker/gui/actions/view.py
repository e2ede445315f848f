"""The View menu: jumping to the search boxes, the trash and the table, a chart in its own window, the docks,
the layout and the theme."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from stancetracker.gui.actions.menu import MAC, PC, QtWindowActions
from stancetracker.gui.charts.chart_window import FULL_SCREEN_KEY, OWN_WINDOW_KEY
from stancetracker.gui.theme import THEMES, apply_theme


class QtViewActions(QtWindowActions):
    """Keyboard ways to the window's parts."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        w = window
        self.add(menu, "Search &actors", lambda: w.actor_list.search.setFocus(), QKeySequence.StandardKey.Find)
        self.add(menu, "Search &evidence", lambda: w.filter_bar.query.setFocus(), "Ctrl+Shift+F")
        self.add(menu, "Show the &trash", lambda: w.filter_bar.trash.toggle(), "Ctrl+T")
        self.add(menu, "Go to the records &table", lambda: w.table.setFocus(), "Ctrl+L")
        menu.addSeparator()
        self.add(menu, "Chart in its own &window", lambda: w.charts.detach_current(), OWN_WINDOW_KEY)
        # F11 is Show Desktop on macOS; there full screen is ⌃⌘F (Qt's Ctrl+Meta+F).
        self.add(menu, "Chart &full screen", lambda: w.charts.detach_current(full_screen=True),
                 [PC + FULL_SCREEN_KEY, MAC + "Ctrl+Meta+F"])
        menu.addSeparator()
        menu.addAction(w.actor_dock.toggleViewAction())
        menu.addAction(w.editor_dock.toggleViewAction())
        self.add(menu, "Reset &layout", lambda: w.window_layout.reset(),
                 tip="Put the window and its panels back to the first layout for this screen")
        menu.addSeparator()
        self.theme_menu = menu.addMenu("T&heme")
        self.themes = QActionGroup(self)
        chosen = str(w.settings.value("theme", "system"))
        self.theme_actions: dict[str, QAction] = {}
        for name, text in THEMES.items():
            a = self.theme_menu.addAction(text)
            a.setCheckable(True)
            a.setChecked(name == chosen)
            a.triggered.connect(lambda _=False, name=name: self.set_theme(name))
            self.themes.addAction(a)
            self.theme_actions[name] = a
        if chosen != "system":
            apply_theme(chosen)

    def set_theme(self, name: str) -> None:
        """Follow the system's palette, or use Fusion's light or dark one; remembered for the next start."""
        applied = apply_theme(name)
        self.window.settings.setValue("theme", applied)
        self.theme_actions[applied].setChecked(True)


__all__ = ["QtViewActions"]
