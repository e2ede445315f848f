"""QtActorList: search actors by name or alias, filter by kind, tick the ones to chart."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QPixmap, QStandardItem, QStandardItemModel, QIcon
from PySide6.QtWidgets import QComboBox, QLineEdit, QListView, QVBoxLayout, QWidget

from stancetracker.core.analysis.contrast import swatch
from stancetracker.core.model.entities import ACTOR_KINDS
from stancetracker.core.model.text import name_key
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.theme import palette_of

SLUG_ROLE = Qt.ItemDataRole.UserRole + 1
KEYS_ROLE = Qt.ItemDataRole.UserRole + 2
KIND_ROLE = Qt.ItemDataRole.UserRole + 3
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 4  # the actor's own colour; the swatch shows it fitted to the palette
DEFAULT_CHECKED = ("sadr", "maliki", "coordination-framework")


class _Filter(QSortFilterProxyModel):
    def __init__(self):
        super().__init__()
        self.key = ""
        self.kind = ""

    def filterAcceptsRow(self, row: int, parent) -> bool:
        item = self.sourceModel().index(row, 0, parent)
        if self.kind and item.data(KIND_ROLE) != self.kind:
            return False
        return not self.key or self.key in item.data(KEYS_ROLE)


class QtActorList(QWidget):
    """Actor list; ``checkedChanged`` carries the slugs ticked for the charts."""

    checkedChanged = Signal(list)
    actorActivated = Signal(str)

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name or alias (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.kind = QComboBox()
        self.kind.addItem("All kinds", "")
        for k in ACTOR_KINDS:
            self.kind.addItem(k.capitalize(), k)
        self.model = QStandardItemModel(self)
        self.proxy = _Filter()
        self.proxy.setSourceModel(self.model)
        self.view = QListView()
        self.view.setModel(self.proxy)
        self.view.setToolTip("Tick actors to show them in the charts; double-click to filter the records")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.kind)
        lay.addWidget(self.view)
        self.search.textChanged.connect(self._refilter)
        self.kind.currentIndexChanged.connect(self._refilter)
        self.model.itemChanged.connect(lambda *_: self.checkedChanged.emit(self.checked()))
        self.view.activated.connect(lambda idx: self.actorActivated.emit(idx.data(SLUG_ROLE)))
        hub.changed.connect(self._on_changed)
        self._checked: set[str] = set(DEFAULT_CHECKED)
        self.reload()

    def _on_changed(self, what: str) -> None:
        if what in ("actors", "all"):
            self.reload()

    def reload(self) -> None:
        self._checked = set(self.checked()) if self.model.rowCount() else self._checked
        self.model.blockSignals(True)
        self.model.clear()
        for a in self.hub.store.actors():
            item = QStandardItem(a.name)
            item.setEditable(False)
            item.setCheckable(True)
            item.setCheckState(Qt.CheckState.Checked if a.slug in self._checked else Qt.CheckState.Unchecked)
            item.setData(a.slug, SLUG_ROLE)
            item.setData(a.kind, KIND_ROLE)
            item.setData(" | ".join(name_key(n) for n in [a.name, a.slug, *a.aliases]), KEYS_ROLE)
            item.setToolTip(f"{a.name} ({a.kind})" + (f"\nalso: {'; '.join(a.aliases)}" if a.aliases else ""))
            item.setData(a.colour or "#888888", COLOUR_ROLE)
            item.setIcon(self._swatch(a.colour or "#888888"))
            self.model.appendRow(item)
        self.model.blockSignals(False)
        self.proxy.invalidate()
        self.checkedChanged.emit(self.checked())

    def _swatch(self, colour: str) -> QIcon:
        """The actor's colour, moved only as far as needed to stand 3:1 from the list behind it."""
        pm = QPixmap(12, 12)
        pm.fill(QColor(swatch(colour, palette_of(self.view).base)))
        return QIcon(pm)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            for i in range(self.model.rowCount()):
                item = self.model.item(i)
                item.setIcon(self._swatch(item.data(COLOUR_ROLE)))

    def _refilter(self) -> None:
        self.proxy.key = name_key(self.search.text())
        self.proxy.kind = self.kind.currentData() or ""
        self.proxy.invalidateFilter()

    def checked(self) -> list[str]:
        return [self.model.item(i).data(SLUG_ROLE) for i in range(self.model.rowCount())
                if self.model.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, slugs: list[str]) -> None:
        want = set(slugs)
        self.model.blockSignals(True)
        for i in range(self.model.rowCount()):
            it = self.model.item(i)
            it.setCheckState(Qt.CheckState.Checked if it.data(SLUG_ROLE) in want else Qt.CheckState.Unchecked)
        self.model.blockSignals(False)
        if self.model.rowCount():  # the blocked signals left the view showing the old ticks
            self.model.dataChanged.emit(self.model.index(0, 0), self.model.index(self.model.rowCount() - 1, 0))
        self.checkedChanged.emit(self.checked())
