"""The reader's state across restarts: the open document, where it was scrolled to, what was selected."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from stancetracker.gui.reader import QtReader


def save_reader(reader: QtReader, settings: QSettings) -> None:
    """Remember the reader's document (in this database), its scroll position and selection."""
    view = reader.view
    c = view.textCursor()
    settings.setValue("reader/database", str(reader.hub.store.path or ""))
    settings.setValue("reader/document", reader.doc.source.slug if reader.doc else "")
    # The paragraph at the top, not the scroll bar's value: that counts wrapped lines, which change with the width.
    settings.setValue("reader/top", view.firstVisibleBlock().blockNumber())
    # Python offsets, as the passages store them: the same characters even if Qt counts them otherwise.
    settings.setValue("reader/selection", f"{view.offsets.to_py(c.anchor())},{view.offsets.to_py(c.position())}")


def restore_reader(reader: QtReader, settings: QSettings) -> bool:
    """Reopen the document last read in this database, scrolled and selected as it was; False if none."""
    slug = str(settings.value("reader/document", "") or "")
    if not slug or str(settings.value("reader/database", "")) != str(reader.hub.store.path or "") \
            or reader.chooser.findData(slug) < 0:
        return False
    reader.open_document(slug)
    view = reader.view
    try:
        anchor, pos = (int(x) for x in str(settings.value("reader/selection", "0,0")).split(","))
        top = int(settings.value("reader/top", 0))
    except (TypeError, ValueError):  # a hand-edited settings file: the document opens at the top
        return True
    n = len(reader.doc.text)
    if 0 <= anchor <= n and 0 <= pos <= n:
        c = view.textCursor()
        c.setPosition(view.offsets.to_qt(anchor))
        c.setPosition(view.offsets.to_qt(pos), QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(c)
    if 0 < top < view.blockCount():
        KeepTop(view, top)
    return True


def scroll_to_block(view: QPlainTextEdit, block: int) -> None:
    """Scroll so that paragraph ``block`` is the first one shown (the bar counts lines: search for it)."""
    bar = view.verticalScrollBar()
    lo, hi = bar.minimum(), bar.maximum()
    while lo < hi:
        mid = (lo + hi) // 2
        bar.setValue(mid)
        if view.firstVisibleBlock().blockNumber() < block:
            lo = mid + 1
        else:
            hi = mid
    bar.setValue(lo)


class KeepTop(QObject):
    """Keeps a paragraph at the top of the view while the window settles its size, until the user moves."""

    def __init__(self, view: QPlainTextEdit, block: int):
        super().__init__(view)
        self.view, self.block = view, block
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)
        QTimer.singleShot(0, self.apply)

    def apply(self) -> None:
        scroll_to_block(self.view, self.block)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.Wheel, QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress):
            self.view.viewport().removeEventFilter(self)
            self.view.removeEventFilter(self)
            self.deleteLater()
        elif (kind == QEvent.Type.Resize and watched is self.view.viewport()) or \
                (kind == QEvent.Type.Show and watched is self.view):
            # After Qt's own moves: the text re-wraps on a resize, and the first show scrolls to the cursor.
            QTimer.singleShot(0, self.apply)
        return False


__all__ = ["KeepTop", "restore_reader", "save_reader", "scroll_to_block"]
