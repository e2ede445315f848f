"""The records table's extras: a column chooser, the current record's evidence under the table with the
search's words marked (visible at every window size), a context menu, and marked words in the table."""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, QPoint, QRectF, QSettings, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QGuiApplication, QPalette, QTextDocument
from PySide6.QtWidgets import (QApplication, QMainWindow, QMenu, QStyle, QStyledItemDelegate,
                               QStyleOptionViewItem, QTextBrowser)

from stancetracker.core.coding.passages import passage_of_record
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.text import matched_spans
from stancetracker.core.report.citations import citation_line
from stancetracker.gui.records_model import COLUMNS, UUID_ROLE

EVIDENCE = next(i for i, c in enumerate(COLUMNS) if c[0] == "Evidence")
MARK_BG, MARK_FG = "#ffe066", "#000000"  # marked words: black on yellow, 15:1 whatever the palette


def marked_html(text: str, query: str) -> str:
    """The text as HTML with the words a search matched marked."""
    out, pos = [], 0
    for s, e in matched_spans(text, query):
        out.append(html.escape(text[pos:s]))
        out.append(f"<span style='background:{MARK_BG}; color:{MARK_FG}'>{html.escape(text[s:e])}</span>")
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


class QtMarkedDelegate(QStyledItemDelegate):
    """Draws a cell's text with the search's words marked (used for the Evidence column)."""

    def __init__(self, query, parent=None):
        super().__init__(parent)
        self.query = query  # a callable: the current search text

    def paint(self, painter, option, index) -> None:
        q = self.query()
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        if not q or not matched_spans(text, q):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = QTextDocument()
        doc.setDefaultFont(opt.font)
        doc.setDocumentMargin(2)
        doc.setHtml(marked_html(text, q))
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(QRectF(0, 0, rect.width(), rect.height()))
        ctx = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        ctx.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        doc.documentLayout().draw(painter, ctx)
        painter.restore()


class QtRecordsView(QObject):
    """Adds the column chooser, the evidence pane, the context menu and marked words to the window's table."""

    def __init__(self, window: QMainWindow, settings: QSettings):
        super().__init__(window)
        self.window = window
        self.table = window.table
        self.model = window.model
        self.settings = settings
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.column_menu)
        for col in self.settings.value("recordsTable/hidden", []) or []:
            if str(col).isdigit() and int(col) < len(COLUMNS):
                self.table.setColumnHidden(int(col), True)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(lambda pos: self.record_menu(pos).exec(
            self.table.viewport().mapToGlobal(pos)))
        self.delegate = QtMarkedDelegate(lambda: self.model.filter.query.strip(), self.table)
        self.table.setItemDelegateForColumn(EVIDENCE, self.delegate)
        # The evidence of the current record, under the table: seen whatever the window's width.
        self.preview = QTextBrowser()
        self.preview.setObjectName("evidence_preview")
        self.preview.setOpenLinks(False)
        lines = 4
        self.preview.setFixedHeight(self.preview.fontMetrics().lineSpacing() * lines + 12)
        self.preview.setPlaceholderText("The selected record's evidence shows here, the searched words marked.")
        self.table.parentWidget().layout().addWidget(self.preview)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self.show_preview())
        self.model.modelReset.connect(self.show_preview)

    # ------------------------------------------------------------ columns
    def column_menu(self, pos: QPoint | None = None) -> QMenu:
        """Header menu: a tick for each column (one stays shown)."""
        menu = QMenu(self.table)
        shown = [c for c in range(len(COLUMNS)) if not self.table.isColumnHidden(c)]
        for col, (name, _, _) in enumerate(COLUMNS):
            a = menu.addAction(name)
            a.setCheckable(True)
            a.setChecked(col in shown)
            a.setEnabled(not (col in shown and len(shown) == 1))
            a.toggled.connect(lambda on, c=col: self.set_column_shown(c, on))
        if pos is not None:
            menu.popup(self.table.horizontalHeader().mapToGlobal(pos))
        return menu

    def set_column_shown(self, col: int, on: bool) -> None:
        self.table.setColumnHidden(col, not on)
        hidden = [c for c in range(len(COLUMNS)) if self.table.isColumnHidden(c)]
        self.settings.setValue("recordsTable/hidden", [str(c) for c in hidden])

    # ------------------------------------------------------------ evidence pane
    def show_preview(self) -> None:
        idx = self.table.currentIndex()
        row = self.model.row(idx.row()) if idx.isValid() else None
        if row is None:
            self.preview.clear()
            return
        q = self.model.filter.query.strip()
        where = ", ".join(p for p in (row.source_title, row.locator) if p)
        head = (f"<b>{html.escape(row.actor_name)}</b> · {html.escape(row.dimension_label)} · "
                f"{html.escape(row.shown('date'))} · {html.escape(row.score_label)}"
                + (f" — <i>{html.escape(where)}</i>" if where else ""))
        body = marked_html(row.evidence, q).replace("\n", "<br>") or "<i>(no evidence note)</i>"
        self.preview.setHtml(f"<p style='margin:0'>{head}</p><p style='margin:0'>{body}</p>")

    # ------------------------------------------------------------ record menu
    def record_menu(self, pos: QPoint) -> QMenu:
        """The menu of the record under ``pos`` (selected first): edit, duplicate, trash, history,
        its passage in the reader, its citation."""
        menu = QMenu(self.table)
        idx = self.table.indexAt(pos)
        if not idx.isValid():
            return menu
        if self.table.currentIndex().row() != idx.row():
            self.table.setCurrentIndex(self.model.index(idx.row(), 0))
        uuid = idx.data(UUID_ROLE)
        w = self.window
        if w.editor.current is None or w.editor.current.uuid != uuid:
            return menu  # the analyst kept unsaved edits of another record
        rec = w.editor.current
        writable = not w.hub.store.readonly
        menu.addAction("&Edit", self.edit).setEnabled(writable)
        menu.addAction("&Duplicate for another actor or dimension", w.editor.duplicate).setEnabled(writable)
        if rec.deleted:
            menu.addAction("&Restore from trash", w.records.restore_record).setEnabled(writable)
        else:
            menu.addAction("Move to &trash", w.records.delete_record).setEnabled(writable)
        menu.addAction("&History…", w.records.show_history)
        menu.addSeparator()
        passage = menu.addAction("&Open the passage in the reader", lambda: self.open_passage(uuid))
        passage.setEnabled(self._has_passage(uuid))
        menu.addAction("&Copy citation", lambda: self.copy_citation(uuid)).setEnabled(bool(rec.source))
        return menu

    def edit(self) -> None:
        self.window.editor_dock.show()
        self.window.editor.actor.setFocus()

    def _has_passage(self, uuid: str) -> bool:
        try:
            return passage_of_record(self.window.hub.store, uuid) is not None
        except StanceError:
            return False

    def open_passage(self, uuid: str) -> None:
        reader_dock = self.window.documents.dock
        reader_dock.show()
        self.window.documents.reader.show_record_passage(uuid)

    def copy_citation(self, uuid: str) -> str:
        store = self.window.hub.store
        rec = store.record(uuid)
        if not rec.source:
            return ""
        text = citation_line(store.source(rec.source), rec.locator)
        QGuiApplication.clipboard().setText(text)
        self.window.statusBar().showMessage(f"Copied: {text}", 8000)
        return text


__all__ = ["QtMarkedDelegate", "QtRecordsView", "marked_html"]
