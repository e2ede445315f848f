"""The window's word at the end of an export or import: a status message and a button opening the file's folder."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMainWindow, QStatusBar, QToolButton, QWidget

SHOWN_MS = 20000


def _folder_button(bar: QStatusBar) -> QToolButton:
    button = bar.findChild(QToolButton, "open_folder")
    if button is None:
        button = QToolButton(bar)
        button.setObjectName("open_folder")
        button.setText("Open folder")
        button.setAutoRaise(True)
        button.clicked.connect(lambda: open_folder(Path(button.property("folder"))))
        bar.addPermanentWidget(button)  # beside the count and the file name, which a message never covers
        # The button goes with the message it belongs to.
        bar.messageChanged.connect(lambda text: button.setVisible(bool(text) and text == button.property("message")))
        button.hide()
    return button


def open_folder(folder: Path) -> bool:
    """Show a folder in the system's file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def announce(widget: QWidget, text: str, path: Path | str | None = None, ms: int = SHOWN_MS) -> None:
    """Say in the window's status bar what was done; with a path, offer to open its folder."""
    win = widget.window()
    if not isinstance(win, QMainWindow):
        return
    bar = win.statusBar()
    button = _folder_button(bar)
    button.setProperty("message", text if path is not None else None)
    if path is not None:
        folder = Path(path).absolute().parent
        button.setProperty("folder", str(folder))
        button.setToolTip(f"Open {folder}")
    bar.showMessage(text, ms)
    button.setVisible(path is not None)


def folder_button(win: QMainWindow) -> QToolButton | None:
    """The status bar's Open folder button, if an announcement made one."""
    return win.statusBar().findChild(QToolButton, "open_folder")


__all__ = ["announce", "folder_button", "open_folder"]
