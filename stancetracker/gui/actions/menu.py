"""Registering a window action, and the base of the classes that hold one menu area's actions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

Shortcut = str | QKeySequence.StandardKey | list[str] | None


def add_action(window: QMainWindow, menu: QMenu, text: str, slot: Callable, shortcut: Shortcut = None,
               tip: str = "") -> QAction:
    """An action in ``menu`` whose shortcut works anywhere in ``window`` (and is listed under Help)."""
    a = QAction(text, window)
    if shortcut is not None:
        keys = shortcut if isinstance(shortcut, list) else [shortcut]
        a.setShortcuts([QKeySequence(k) for k in keys])
    if tip:
        a.setStatusTip(tip)
    a.triggered.connect(slot)
    menu.addAction(a)
    window.addAction(a)
    return a


class QtWindowActions(QObject):
    """One area's actions on the main window; ``writes`` are those a read-only database disables.

    ``window`` is the main window that composes this (its widgets and hub are
    read through it), typed as a plain QMainWindow so this package never
    imports the window's module.
    """

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self.writes: list[QAction] = []

    def add(self, menu: QMenu, text: str, slot: Callable, shortcut: Shortcut = None, tip: str = "",
            writes: bool = False) -> QAction:
        """Register an action (see ``add_action``); ``writes`` marks it as changing the database."""
        a = add_action(self.window, menu, text, slot, shortcut, tip)
        if writes:
            self.writes.append(a)
        return a

    def status(self, text: str, ms: int) -> None:
        self.window.statusBar().showMessage(text, ms)


__all__ = ["QtWindowActions", "Shortcut", "add_action"]
