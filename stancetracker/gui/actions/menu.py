"""Registering a window action, and the base of the classes that hold one menu area's actions."""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

Key = str | QKeySequence.StandardKey
Shortcut = Key | list[Key] | None
KEY_SPEC = "keySpec"  # the action property holding its keys as written here, for the shortcut test
# Keys that exist on one platform only: "mac:" entries apply on macOS, "pc:" ones on Windows and Linux.
MAC, PC = "mac:", "pc:"
_MEDIA_KEYS = (0x01000061, 0x01100000)  # Qt::Key_Back up to the mobile keys


def key_spec(shortcut: Shortcut) -> list[str]:
    """An action's keys as portable text: ``std:Name`` for Qt's standard key of that name, else ``Ctrl+X``.

    Qt writes the Command key of macOS as Ctrl (and the Control key as Meta),
    so ``Ctrl+H`` here is ⌘H there, which macOS keeps for Hide.
    """
    if shortcut is None:
        return []
    keys = shortcut if isinstance(shortcut, list) else [shortcut]
    return [f"std:{k.name}" if isinstance(k, QKeySequence.StandardKey) else k for k in keys]


def sequences(spec: list[str], platform: str = sys.platform) -> list[QKeySequence]:
    """The key sequences of a spec on this platform (a standard key gives all of the platform's bindings)."""
    mac = platform == "darwin"
    out: list[QKeySequence] = []
    for k in spec:
        if k.startswith(MAC) or k.startswith(PC):
            if k.startswith(MAC) != mac:
                continue
            k = k.split(":", 1)[1]
        if k.startswith("std:"):
            # Leave out the dedicated keys of multimedia keyboards (a "New" key): they only clutter the lists.
            out += [b for b in QKeySequence.keyBindings(QKeySequence.StandardKey[k[4:]])
                    if b.isEmpty() or not _MEDIA_KEYS[0] <= b[0].key().value < _MEDIA_KEYS[1]]
        else:
            out.append(QKeySequence(k))
    return out


def set_keys(action: QAction, shortcut: Shortcut) -> QAction:
    """Give an action its keys, following the platform's conventions; the spec is kept on it."""
    spec = key_spec(shortcut)
    action.setProperty(KEY_SPEC, "|".join(spec))
    action.setShortcuts(sequences(spec))
    return action


def add_action(window: QMainWindow, menu: QMenu, text: str, slot: Callable, shortcut: Shortcut = None,
               tip: str = "") -> QAction:
    """An action in ``menu`` whose shortcut works anywhere in ``window`` (and is listed under Help)."""
    a = QAction(text, window)
    set_keys(a, shortcut)
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


__all__ = ["KEY_SPEC", "MAC", "PC", "QtWindowActions", "Shortcut", "add_action", "key_spec", "sequences", "set_keys"]
