"""The document reader: a source's text with actor mentions and coded passages marked.

Select words and press Ctrl+K to code them; click a shaded passage to open
its records. Highlighting is lazy: only the lines on screen are marked, so a
long document opens as fast as its plain text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QEvent, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextLayout
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMenu,
                               QPlainTextEdit, QPushButton, QSizePolicy, QToolButton, QVBoxLayout, QWidget)

from stancetracker.core.analysis.contrast import CURRENT_HUE, IMPORTED_HUE, PASSAGE_HUE, mention_colours, shading
from stancetracker.core.exchange.documents.reading import page_at
from stancetracker.core.model.errors import StanceError
from stancetracker.core.coding.mentions import Mention, MentionFinder, fold
from stancetracker.core.coding.passages import (
    Coverage,
    Passage,
    coded_spans,
    coverage,
    imported_codes,
    passage_of_record,
    passage_records,
    passages,
)
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.coding.speaker import guess_speaker, sentence_start, snap_to_words
from stancetracker.core.coding.sourcetext import (
    DocumentInfo,
    document,
    documents,
    find_all,
    find_words,
    search_documents,
)
from stancetracker.gui.dialogs.lost_passages import QtLostPassagesDialog
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.theme import palette_of



class _Offsets:
    """Python string offsets <-> Qt document positions (UTF-16: characters beyond U+FFFF count twice)."""

    def __init__(self, text: str):
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        self.astral = np.flatnonzero(codes > 0xFFFF)  # python offsets of the wide characters
        self.wide_ends = self.astral + np.arange(len(self.astral)) + 2  # Qt position just after each

    def to_qt(self, offset: int) -> int:
        return offset + int(np.searchsorted(self.astral, offset)) if len(self.astral) else offset

    def to_py(self, pos: int) -> int:
        return pos - int(np.searchsorted(self.wide_ends, pos, side="right")) if len(self.astral) else pos


@dataclass
class _Marks:
    """What to mark in the document: passages (sorted by start) and a mention finder."""

    passages: list[Passage]
    finder: MentionFinder | None
    colours: dict[str, str]
    current: int | None = None  # passage id of the record in the editor
    imported: dict[int, list[str]] = field(default_factory=dict)  # passage id -> its imported code names


class QtDocumentView(QPlainTextEdit):
    """Read-only text view that marks passages and mentions on the lines it shows."""

    passageClicked = Signal(list)   # passage ids under the click
    codeRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text = ""
        self.offsets = _Offsets("")
        self.marks = _Marks([], None, {})
        self._line_starts = np.array([0])
        self._by_line: dict[int, list[Passage]] = {}
        self._done: set[int] = set()
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.highlight_visible)
        self.updateRequest.connect(lambda *_: self._pending.start())
        self.viewport().setMouseTracking(True)

    # ---------------------------------------------------------------- content
    def set_text(self, text: str) -> None:
        self.text = text
        self.offsets = _Offsets(text)
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        self._line_starts = np.concatenate([[0], np.flatnonzero(codes == 10) + 1])
        self._done.clear()
        self.setPlainText(text)

    def set_marks(self, marks: _Marks) -> None:
        """New passages/mentions: re-mark the lines already marked, the rest when shown."""
        self.marks = marks
        self._by_line = {}
        starts = self._line_starts
        for p in marks.passages:
            first = int(np.searchsorted(starts, p.start, side="right")) - 1
            last = int(np.searchsorted(starts, max(p.end - 1, p.start), side="right")) - 1
            for line in range(first, last + 1):
                self._by_line.setdefault(line, []).append(p)
        redo, self._done = self._done, set()
        doc = self.document()
        for n in redo:
            self._mark_block(doc.findBlockByNumber(n))
        self.highlight_visible()

    def line_text(self, n: int) -> tuple[int, str]:
        """(python offset, text) of line n."""
        s = int(self._line_starts[n])
        e = int(self._line_starts[n + 1]) - 1 if n + 1 < len(self._line_starts) else len(self.text)
        return s, self.text[s:e]

    # ---------------------------------------------------------- highlighting
    def visible_blocks(self):
        block = self.firstVisibleBlock()
        bottom = self.viewport().rect().bottom()
        offset = self.contentOffset()
        while block.isValid():
            if self.blockBoundingGeometry(block).translated(offset).top() > bottom:
                break
            yield block
            block = block.next()

    def highlight_visible(self) -> None:
        for block in self.visible_blocks():
            if block.blockNumber() not in self._done:
                self._mark_block(block)

    def _mark_block(self, block) -> None:
        n = block.blockNumber()
        if not block.isValid() or n >= len(self._line_starts):
            return
        self._done.add(n)
        start, line = self.line_text(n)
        ranges = []
        # Shading and mention colours fitted to the palette in use, so they keep their contrast (issue 16).
        pal = palette_of(self)
        coded, current, imported = (shading(hue, pal.base, pal.text)
                                    for hue in (PASSAGE_HUE, CURRENT_HUE, IMPORTED_HUE))
        shaded: list[tuple[int, int, str]] = []
        for p in self._by_line.get(n, ()):
            if not p.records and p.id != self.marks.current and p.id not in self.marks.imported:
                continue
            fmt = QTextCharFormat()
            shade = current if p.id == self.marks.current else coded if p.records else imported
            fmt.setBackground(QColor(shade))
            shaded.append((p.start - start, p.end - start, shade))
            ranges.append(self._range(line, max(p.start, start) - start, min(p.end, start + len(line)) - start, fmt))
        if self.marks.finder is not None:
            for m in self.marks.finder.find(line):
                fmt = QTextCharFormat()
                inside = next((sh for s, e, sh in shaded if s <= m.start < e), None)
                c = mention_colours(self.marks.colours.get(m.actor) or "#1f77b4", pal.base, pal.text,
                                    inside or coded)
                fmt.setForeground(QColor(c.text_in_passage if inside else c.text))
                fmt.setFontUnderline(True)
                fmt.setUnderlineColor(QColor(c.underline_in_passage if inside else c.underline))
                fmt.setToolTip(m.actor)
                ranges.append(self._range(line, m.start, m.end, fmt))
        block.layout().setFormats(ranges)
        self.document().markContentsDirty(block.position(), block.length())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # a theme change: shading and mentions fitted anew
            self.set_marks(self.marks)

    def _range(self, line: str, s: int, e: int, fmt: QTextCharFormat) -> QTextLayout.FormatRange:
        r = QTextLayout.FormatRange()
        if len(self.offsets.astral):
            s, e = _u16(line[:s]), _u16(line[:e])
        r.start, r.length, r.format = s, max(e - s, 0), fmt
        return r

    # ------------------------------------------------------------ selection
    def selection(self) -> tuple[int, int] | None:
        """Python offsets of the selected words, outer white space left out."""
        c = self.textCursor()
        if not c.hasSelection():
            return None
        s, e = self.offsets.to_py(c.selectionStart()), self.offsets.to_py(c.selectionEnd())
        while s < e and self.text[s].isspace():
            s += 1
        while e > s and self.text[e - 1].isspace():
            e -= 1
        return (s, e) if e > s else None

    def snap_selection(self) -> None:
        """Widen the selection to whole words, keeping which end the cursor is at."""
        c = self.textCursor()
        anchor, pos = self.offsets.to_py(c.anchor()), self.offsets.to_py(c.position())
        s, e = snap_to_words(self.text, min(anchor, pos), max(anchor, pos))
        if e <= s or (s, e) == (min(anchor, pos), max(anchor, pos)):
            return
        first, second = (s, e) if anchor <= pos else (e, s)
        c.setPosition(self.offsets.to_qt(first))
        c.setPosition(self.offsets.to_qt(second), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(c)

    def select(self, start: int, end: int) -> None:
        """Select text[start:end] and bring it to the middle of the view."""
        c = self.textCursor()
        c.setPosition(self.offsets.to_qt(start))
        c.setPosition(self.offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(c)
        self.centerCursor()

    def passages_at(self, offset: int) -> list[Passage]:
        """Shaded passages under an offset; looks only at its line (this runs on every mouse move)."""
        line = int(np.searchsorted(self._line_starts, offset, side="right")) - 1
        return [p for p in self._by_line.get(line, ()) if p.start <= offset < p.end
                and (p.records or p.id == self.marks.current)]

    def _offset_at(self, pos) -> int:
        return self.offsets.to_py(self.cursorForPosition(pos).position())

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if (event.button() == Qt.MouseButton.LeftButton and self.textCursor().hasSelection()
                and not event.modifiers() & Qt.KeyboardModifier.AltModifier):
            self.snap_selection()  # a drag takes whole words; Alt-drag keeps exact characters
        elif event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            hits = self.passages_at(self._offset_at(event.position().toPoint()))
            if hits:
                self.passageClicked.emit([p.id for p in hits])

    def mouseMoveEvent(self, event) -> None:
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            over = self.passages_at(self._offset_at(event.position().toPoint()))
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over else Qt.CursorShape.IBeamCursor)

    def contextMenuEvent(self, event) -> None:
        menu: QMenu = self.createStandardContextMenu(event.pos())
        menu.addSeparator()
        code = menu.addAction("Code the selection…\tCtrl+K", self.codeRequested.emit)
        code.setEnabled(self.selection() is not None)
        hits = self.passages_at(self._offset_at(event.pos()))
        if hits:
            n = sum(p.records for p in hits)
            menu.addAction(f"Open the passage's record{'s' if n != 1 else ''} ({n})",
                           lambda: self.passageClicked.emit([p.id for p in hits]))
        menu.exec(event.globalPos())


def _u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


class QtReader(QWidget):
    """A document beside the records: choose a source with text, read, find, code, see coverage."""

    passageActivated = Signal(list)          # uuids of the clicked passage's records
    codeRequested = Signal(object)           # a CodeRequest

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.doc: DocumentInfo | None = None
        self.cover: Coverage | None = None
        self._folded: str | None = None
        self._found: tuple[str, list[tuple[int, int]]] = ("", [])
        self._cycle: tuple[list[str], int] = ([], 0)
        self._build()
        hub.changed.connect(self._on_changed)
        self.reload_documents()

    def _build(self) -> None:
        self.chooser = QComboBox()
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(8)
        self.chooser.setToolTip("Sources with text (File › Import document… adds one)")
        self.chooser.activated.connect(lambda _i: self.open_document(self.chooser.currentData()))
        self.find_edit = QLineEdit()
        self.find_edit.setPlaceholderText("Find in this document")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.returnPressed.connect(self.find_next)
        prev_b, next_b = QToolButton(), QToolButton()
        prev_b.setText("▲")
        prev_b.setToolTip("Previous match (Shift+F3)")
        prev_b.clicked.connect(lambda: self.find_next(backwards=True))
        next_b.setText("▼")
        next_b.setToolTip("Next match (F3)")
        next_b.clicked.connect(lambda: self.find_next())
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Search all documents")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.returnPressed.connect(self.search_all)
        self.hits = QListWidget()
        self.hits.setWordWrap(True)
        self.hits.setMaximumHeight(160)
        self.hits.hide()
        self.hits.itemActivated.connect(self._open_hit)
        self.hits.itemClicked.connect(self._open_hit)
        self.view = QtDocumentView()
        self.view.passageClicked.connect(self._passage_clicked)
        self.view.codeRequested.connect(self.code_selection)
        self.coverage_label = QLabel()
        self.coverage_label.setWordWrap(True)
        # Long counts wrap rather than widen the dock past the screen beside the editor.
        self.coverage_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.next_button = QPushButton("Next uncoded ¶")
        self.next_button.setToolTip("Jump to the next paragraph with no coded passage (F8)")
        self.next_button.clicked.connect(self.next_uncoded)
        self.lost_button = QPushButton()
        self.lost_button.setToolTip("Coded passages whose words could not be found after the text changed")
        self.lost_button.clicked.connect(self.show_lost)
        self.lost_button.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.search_edit, 1)
        find = QHBoxLayout()
        find.addWidget(self.find_edit, 1)
        find.addWidget(prev_b)
        find.addWidget(next_b)
        bottom = QHBoxLayout()
        bottom.addWidget(self.coverage_label, 1)
        bottom.addWidget(self.lost_button)
        bottom.addWidget(self.next_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.hits)
        lay.addLayout(find)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.status)
        lay.addLayout(bottom)

    # ------------------------------------------------------------- documents
    def reload_documents(self) -> None:
        current = self.doc.source.slug if self.doc else None
        with QSignalBlocker(self.chooser):
            self.chooser.clear()
            for slug, title, n in documents(self.hub.store):
                self.chooser.addItem(title, slug)
                self.chooser.setItemData(self.chooser.count() - 1, f"{title} — {n:,} characters",
                                         Qt.ItemDataRole.ToolTipRole)
            if current:
                self.chooser.setCurrentIndex(self.chooser.findData(current))
        if not self.chooser.count():
            self.view.set_text("")
            self.doc = None
            self.coverage_label.setText("No document yet: File › Import document… (Ctrl+Shift+I) "
                                        "or drop a file on the window")

    def open_document(self, slug: str | None, select: tuple[int, int] | None = None) -> None:
        if not slug:
            return
        if self.doc is None or self.doc.source.slug != slug:
            self.doc = document(self.hub.store, slug)
            self._folded, self._found = None, ("", [])
            self.view.set_text(self.doc.text)
            with QSignalBlocker(self.chooser):
                self.chooser.setCurrentIndex(self.chooser.findData(slug))
        self.refresh_marks()
        if select:
            self.view.select(*select)

    seen: RecordFilter | None = None  # whose records the window shows (view, blindness): shading follows it

    def set_seen(self, flt: RecordFilter) -> None:
        """Shade only the passages of records the window's view and blindness let be seen."""
        seen = RecordFilter(**flt.scoped())
        if seen != self.seen:
            self.seen = seen
            self.refresh_marks()

    def refresh_marks(self, current: int | None = None) -> None:
        if self.doc is None:
            return
        store = self.hub.store
        items = passages(store, self.doc.source.slug, seen=self.seen)
        actors = store.actors()
        finder = MentionFinder(actors)
        colours = {a.slug: a.colour for a in actors}
        keep = current if current is not None else self.view.marks.current
        self.view.set_marks(_Marks(items, finder, colours, keep, imported_codes(store, self.doc.source.slug)))
        self.cover = coverage(self.doc.text, coded_spans(items))
        n, coded = len(self.cover.coded), sum(self.cover.coded)
        self.coverage_label.setText(f"Coverage: {coded} of {n} paragraphs coded ({self.cover.share:.0%}) · "
                                    f"{sum(1 for p in items if p.records)} coded passages")
        lost = passages(store, self.doc.source.slug, lost=True)
        self.lost_button.setText(f"{len(lost)} lost passage{'s' if len(lost) != 1 else ''}…")
        self.lost_button.setVisible(bool(lost))

    def _on_changed(self, what: str) -> None:
        if what in ("sources", "all"):
            slug = self.doc.source.slug if self.doc else None
            self.doc = None
            self.reload_documents()
            if slug and self.chooser.findData(slug) >= 0:
                self.open_document(slug)
        elif what in ("records", "actors") and self.doc is not None:
            self.refresh_marks()

    # -------------------------------------------------------------- finding
    def find_next(self, backwards: bool = False) -> None:
        """Select the next (or previous) place the find field's words occur, wrapping round."""
        if self.doc is None or not self.find_edit.text().strip():
            return
        query = self.find_edit.text().strip()
        if self._found[0] != query:
            if self._folded is None:
                self._folded = fold(self.doc.text)
            self._found = (query, find_all(self.doc.text, query, self._folded))
        hits = self._found[1]
        if not hits:
            self.status.setText(f"“{query}” is not in this document")
            return
        sel = self.view.selection()
        here = sel[0] if sel else self.view.offsets.to_py(self.view.textCursor().position())
        if backwards:
            i = bisect.bisect_left(hits, (here, -1)) - 1
        else:
            i = bisect.bisect_right(hits, (here, len(self.doc.text)))
        i %= len(hits)
        self.status.setText(f"Match {i + 1} of {len(hits)}")
        self.view.select(*hits[i])

    def search_all(self) -> None:
        query = self.search_edit.text().strip()
        self.hits.clear()
        if not query:
            self.hits.hide()
            return
        try:
            found = search_documents(self.hub.store, query)
        except StanceError as err:
            self.status.setText(str(err))
            return
        for h in found:
            item = QListWidgetItem(f"{h.title}\n{' '.join(h.snippet.split())}")
            item.setData(Qt.ItemDataRole.UserRole, h.source)
            self.hits.addItem(item)
        if not found:
            self.hits.addItem(QListWidgetItem(f"No document holds every word of “{query}”"))
        self.hits.show()

    def _open_hit(self, item: QListWidgetItem) -> None:
        slug = item.data(Qt.ItemDataRole.UserRole)
        if not slug:
            return
        self.open_document(slug)
        self.find_edit.setText(self.search_edit.text())
        hit = find_words(self.doc.text, self.search_edit.text(), 0)
        if hit:
            self.view.select(*hit)
        self.view.setFocus()

    # ---------------------------------------------------------------- coding
    def code_selection(self) -> None:
        """Ask the editor for a new record coded from the selected words."""
        if self.doc is None:
            return
        sel = self.view.selection()
        if sel is None:
            self.status.setText("Select the words the record rests on, then press Ctrl+K")
            return
        self.codeRequested.emit(self.code_request(*sel))

    def code_request(self, start: int, end: int) -> "CodeRequest":
        text = self.doc.text
        para = self._paragraph_index(start)
        # Mentions from the paragraph before the selection's up to its end: a pronoun's actor may be
        # named there, and the speaker just before the selection.
        p_start = max(0, start - 2000)
        if self.cover and para is not None:
            p_start = min(self.cover.paragraphs[max(para - 1, 0)][0], sentence_start(text, start))
        actors = self.hub.store.actors()
        finder = self.view.marks.finder or MentionFinder(actors)
        mentions = [Mention(m.start + p_start, m.end + p_start, m.actor) for m in finder.find(text[p_start:end])]
        guess = guess_speaker(text, mentions, start, end, {a.slug: a.kind for a in actors})
        page = page_at(self.doc.pages, start)
        loc = [f"p. {page}"] if page else []
        if para is not None:
            loc.append(f"¶ {para + 1}")
        return CodeRequest(self.doc.source.slug, start, end, text[start:end], guess,
                           self.doc.source.published, ", ".join(loc))

    def _paragraph_index(self, offset: int) -> int | None:
        if not self.cover or not self.cover.paragraphs:
            return None
        return max(bisect.bisect_right([s for s, _ in self.cover.paragraphs], offset) - 1, 0)

    def _passage_clicked(self, ids: list[int]) -> None:
        uuids = [u for pid in ids for u in passage_records(self.hub.store, pid, self.seen)]
        if not uuids:
            return
        prev, i = self._cycle
        i = (i + 1) % len(uuids) if prev == uuids else 0
        self._cycle = (uuids, i)
        if len(uuids) > 1:
            self.status.setText(f"Passage with {len(uuids)} records: showing {i + 1}; click again for the next")
        self.passageActivated.emit(uuids[i:] + uuids[:i])

    def show_record_passage(self, uuid: str) -> None:
        """Mark (and scroll to) the passage a record was coded from, opening its document."""
        try:
            p = passage_of_record(self.hub.store, uuid)
        except StanceError:
            p = None
        if p is None:
            if self.view.marks.current is not None:
                self.view.marks.current = None
                self.refresh_marks(None)
            return
        self.view.marks.current = p.id
        if self.doc is None or self.doc.source.slug != p.source:
            self.open_document(p.source)
        else:
            self.refresh_marks(p.id)
        if not p.lost:
            c = self.view.textCursor()
            c.setPosition(self.view.offsets.to_qt(p.start))
            self.view.setTextCursor(c)
            self.view.centerCursor()

    def next_uncoded(self) -> None:
        if self.cover is None:
            return
        sel = self.view.selection()
        pos = sel[0] if sel else self.view.offsets.to_py(self.view.textCursor().position())
        para = self.cover.next_uncoded(pos)
        if para is None:
            self.status.setText("Every paragraph of this document has a coded passage")
            return
        self.view.select(*para)
        self.status.setText(f"Uncoded paragraph {self.cover.paragraphs.index(para) + 1} "
                            f"of {len(self.cover.paragraphs)}")

    def show_lost(self) -> None:
        if self.doc is not None:
            dlg = QtLostPassagesDialog(self.hub, self.doc.source.slug, self)
            dlg.recordActivated.connect(lambda u: self.passageActivated.emit([u]))
            dlg.exec()


@dataclass(frozen=True)
class CodeRequest:
    """A new record to code from a passage: what the reader can fill in."""

    source: str
    start: int
    end: int
    quote: str
    actor: str | None
    date: object
    locator: str

