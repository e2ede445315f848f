"""The Document menu: importing documents, the reader dock, and coding from its selection."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QLineEdit, QMainWindow, QMenu,
                               QMessageBox)

from stancetracker.core.coding.sourcetext import Reanchoring
from stancetracker.core.exchange.documents.reading import SUPPORTED
from stancetracker.gui.actions.menu import QtWindowActions, set_keys
from stancetracker.gui.dialogs.correct_text import QtCorrectTextDialog
from stancetracker.gui.dialogs.document import QtDocumentDialog, read_or_warn
from stancetracker.gui.reader import CodeRequest, QtReader
from stancetracker.gui.record_editor import PassageDraft

FILE_FILTER = ("Documents (" + " ".join(f"*{s}" for s in SUPPORTED) + ");;"
               "Text and Markdown (*.txt *.text *.md *.markdown);;Web pages (*.html *.htm);;"
               "PDF (*.pdf);;Word (*.docx)")


class QtDocumentActions(QtWindowActions):
    """Adds the reader dock and the Document menu to a main window and wires them to the editor."""

    def __init__(self, window: QMainWindow, menu: QMenu):
        super().__init__(window)
        self.w = window
        self.reader = QtReader(window.hub)
        self.dock = QDockWidget("Document", window)
        self.dock.setObjectName("reader")
        self.dock.setWidget(self.reader)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.splitDockWidget(self.dock, window.editor_dock, Qt.Orientation.Horizontal)
        self.dock.hide()  # the window's layout (gui/window_layout.py) sizes it when it opens
        self._menu(menu)
        self.reader.codeRequested.connect(self.code)
        self.reader.passageActivated.connect(lambda uuids: window.select_record(uuids[0]))

    def _menu(self, m: QMenu) -> None:
        w = self.w
        self.a_import = self.add(m, "&Import document…", lambda: self.import_document(), "Ctrl+Shift+I",
                                 "Read a text, Markdown, HTML, PDF or Word file into a new source", writes=True)
        show = self.dock.toggleViewAction()
        show.setText("Show the &reader")
        set_keys(show, "F6")
        m.addAction(show)
        w.addAction(show)
        m.addSeparator()
        self.a_code = self.add(m, "&Code the selection…", self.reader.code_selection, "Ctrl+K",
                               "Start a new record pointing at the words selected in the reader", writes=True)
        self.add(m, "&Find in the document", self._focus(self.reader.find_edit), "Ctrl+Alt+F")
        self.add(m, "Find &next", lambda: self.reader.find_next(), QKeySequence.StandardKey.FindNext)
        self.add(m, "Find &previous", lambda: self.reader.find_next(backwards=True),
                 QKeySequence.StandardKey.FindPrevious)
        self.add(m, "&Search all documents", self._focus(self.reader.search_edit), "Ctrl+Alt+S")
        self.add(m, "Next &uncoded paragraph", self.reader.next_uncoded, "F8")
        self.a_correct = self.add(m, "C&orrect the text…", self.correct_text,
                                  tip="Fix the document's text by hand; coded passages follow their words",
                                  writes=True)
        self.add(m, "&Lost passages…", self.reader.show_lost)

    def _focus(self, widget: QLineEdit) -> Callable[[], None]:
        def go() -> None:
            self.dock.show()
            widget.setFocus()
            widget.selectAll()
        return go

    # ------------------------------------------------------------- import
    def import_document(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self.w, "Import document", "", FILE_FILTER)
            if not name:
                return
            path = Path(name)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            doc = read_or_warn(path, self.w)
        finally:
            QApplication.restoreOverrideCursor()
        if doc is None:
            return
        dlg = QtDocumentDialog(self.w.hub, doc, self.w)
        if not dlg.exec() or not dlg.created_slug:
            return
        self.dock.show()
        self.reader.open_document(dlg.created_slug)
        if dlg.reanchoring is not None:
            self._report(dlg.reanchoring)
        else:
            self.status(f"Imported {doc.file_name}: select words in the reader and press Ctrl+K to code them",
                        10000)

    def correct_text(self) -> None:
        doc = self.reader.doc
        if doc is None or self.w.hub.store.readonly:
            return
        dlg = QtCorrectTextDialog(self.w.hub, doc.source.slug, doc.text, self.w)
        if dlg.exec() and dlg.reanchoring is not None:
            self._report(dlg.reanchoring)

    def _report(self, r: Reanchoring) -> None:
        """Say what became of the coded passages after a source's text changed."""
        msg = f"Text replaced: {r.summary()}."
        if r.lost:
            QMessageBox.warning(self.w, "Passages lost", msg + " The lost passages are listed under "
                                "Document › Lost passages; their records are kept.")
        self.status(msg, 10000)

    @staticmethod
    def is_document(path: Path) -> bool:
        """A dropped file the reader can import (a .txt that looks like a table goes to the CSV import)."""
        suffix = path.suffix.lower()
        if suffix not in SUPPORTED:
            return False
        if suffix in (".txt", ".text"):
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    first = f.readline()
            except OSError:
                return True
            return not _looks_tabular(first)
        return True

    # ---------------------------------------------------------------- code
    def code(self, req: CodeRequest) -> None:
        """Fill the editor with a new record coded from the reader's selection."""
        w = self.w
        if w.hub.store.readonly or not w.keep_or_discard_edits():
            return
        w.table.clearSelection()
        w.editor_dock.show()
        w.editor.code_passage(PassageDraft(req.source, req.start, req.end, req.quote), req.actor, req.date,
                              req.locator)
        (w.editor.dimension if req.actor else w.editor.actor).setFocus()


def _looks_tabular(line: str) -> bool:
    """A header line of a CSV/TSV: several short cells split by commas or tabs."""
    for sep in ("\t", ","):
        cells = line.strip().split(sep)
        if len(cells) >= 3 and all(0 < len(c.strip()) <= 40 for c in cells):
            return True
    return False
