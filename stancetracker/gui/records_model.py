"""QtRecordTableModel: a lazy table model over the core's record queries."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from stancetracker.core.model.errors import NotFound
from stancetracker.core.db.query import RecordFilter, RecordRow
from stancetracker.core.model.stored_values import visible
from stancetracker.gui.hub import QtStoreHub

PAGE = 200
COLUMNS = [
    # (header, sort key, accessor); values that break a rule are shown as stored, made visible
    ("Date", "date", lambda r: r.shown("date")),
    ("Actor", "actor", lambda r: visible(r.actor_name, 200)),
    ("Dimension", "dimension", lambda r: visible(r.dimension_label, 200)),
    ("Score", "score", lambda r: r.shown("score")),
    ("Stance", "score", lambda r: r.score_label),
    ("Confidence", "confidence", lambda r: r.shown("confidence")),
    ("Source", "source", lambda r: visible(r.source_title, 300)),
    ("Locator", None, lambda r: r.shown("locator")),
    ("Evidence", None, lambda r: visible(" ".join(r.evidence[:2000].split()), 500)),
    ("Coder", "coder", lambda r: r.shown("coder")),
]
# The table column each stored column's problem is marked in (the rest mark the date cell).
_PROBLEM_COLUMN = {"date": 0, "score": 3, "confidence": 5, "locator": 7, "evidence": 8, "coder": 9}
UUID_ROLE = Qt.ItemDataRole.UserRole + 1
PROBLEMS_ROLE = Qt.ItemDataRole.UserRole + 2
_TOOLTIP_CHARS = 2000  # a 10 MB note must not become a 10 MB tooltip


class QtRecordTableModel(QAbstractTableModel):
    """Records matching a filter, sorted; rows are fetched a page at a time.

    The model keeps only the sorted row ids (8 bytes a record) and the pages
    that have been looked at, so a million records stay smooth.
    """

    countChanged = Signal(int)

    def __init__(self, hub: QtStoreHub, parent=None):
        super().__init__(parent)
        self.hub = hub
        self.filter = RecordFilter()
        self.sort_key = "date"
        self.descending = False
        self._ids = np.array([], dtype=np.int64)
        self._pages: dict[int, list[RecordRow]] = {}
        self._colours: dict[str, QColor] = {}
        hub.changed.connect(self._on_changed)

    # -- loading ---------------------------------------------------------------
    def set_filter(self, flt: RecordFilter) -> None:
        self.filter = flt
        self.reload()

    _loaded = False

    def reload(self) -> None:
        self._loaded = True
        self.beginResetModel()
        self._ids = self.hub.store.record_ids(self.filter, sort=self.sort_key, descending=self.descending)
        self._pages.clear()
        self._colours = {a.slug: QColor(a.colour) for a in self.hub.store.actors() if a.colour}
        self.endResetModel()
        self.countChanged.emit(len(self._ids))

    def _on_changed(self, what: str) -> None:
        if self._loaded and what in ("records", "actors", "dimensions", "sources", "all"):
            self.reload()

    def row(self, i: int) -> RecordRow | None:
        if not 0 <= i < len(self._ids):
            return None
        page = i // PAGE
        if page not in self._pages:
            ids = self._ids[page * PAGE:(page + 1) * PAGE]
            rows = self.hub.store.rows_by_id(ids)
            if len(rows) != len(ids):  # a row vanished under us (another process); reload soon
                by_id = {r.id: r for r in rows}
                rows = [by_id.get(int(x)) for x in ids]
            self._pages[page] = rows
        return self._pages[page][i - page * PAGE]

    def row_of(self, uuid: str) -> int:
        """Row number of a record in the current order, or -1."""
        try:
            rid = self.hub.store.record(uuid).id
        except NotFound:
            return -1
        hits = np.flatnonzero(self._ids == rid)
        return int(hits[0]) if len(hits) else -1

    # -- Qt model API ------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.row(index.row())
        if r is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[col][2](r)
        if role == UUID_ROLE:
            return r.uuid
        if role == PROBLEMS_ROLE:
            return r.problems
        if r.problems:
            marked = self._marked_columns(r)
            if col in marked.values():
                if role == Qt.ItemDataRole.DecorationRole:
                    return self._warning_icon()
                if role == Qt.ItemDataRole.BackgroundRole:
                    return QBrush(QColor(255, 220, 200))
                if role == Qt.ItemDataRole.ToolTipRole:
                    return "This record breaks a rule (open it to fix it):\n" + "\n".join(
                        f"{c}: {visible(why, 300)}" for c, why in r.problems if marked.get(c, 0) == col)
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[col][0] in ("Evidence", "Source", "Locator"):
            if COLUMNS[col][0] == "Evidence":
                return visible(r.evidence, _TOOLTIP_CHARS, one_line=False)
            return COLUMNS[col][2](r)
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            return self._colours.get(r.actor)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and r.confidence == "low":
            return QBrush(QApplication.palette().color(QPalette.ColorRole.PlaceholderText))
        if role == Qt.ItemDataRole.FontRole and r.deleted:
            f = QFont()
            f.setStrikeOut(True)
            return f
        return None

    @staticmethod
    def _marked_columns(r: RecordRow) -> dict[str, int]:
        """Stored column -> table column where its problem is marked."""
        return {c: _PROBLEM_COLUMN.get(c, 0) for c, _ in r.problems}

    _icon = None

    @classmethod
    def _warning_icon(cls):
        if cls._icon is None:
            cls._icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return cls._icon

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column][1]
        descending = order == Qt.SortOrder.DescendingOrder
        if key is None or (key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key = key
        self.descending = descending
        if self._loaded:
            self.reload()

    def is_sortable(self, column: int) -> bool:
        return COLUMNS[column][1] is not None
