"""The coded passages of a document whose words could not be found after its text changed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from stancetracker.core.coding.passages import passage_records, passages
from stancetracker.gui.hub import QtStoreHub


class QtLostPassagesDialog(QDialog):
    """Lists lost passages with why each was lost; activating one opens its record."""

    recordActivated = Signal(str)

    def __init__(self, hub: QtStoreHub, source: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Lost passages")
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for p in passages(hub.store, source, lost=True):
            uuids = passage_records(hub.store, p.id)
            quote = " ".join(p.quote.split())
            item = QListWidgetItem(f"“{quote[:200]}{'…' if len(quote) > 200 else ''}”\n"
                                   f"was at {p.start}–{p.end}: {p.lost} · {len(uuids)} record(s)")
            item.setData(Qt.ItemDataRole.UserRole, uuids[0] if uuids else None)
            self.list.addItem(item)
        self.list.itemActivated.connect(self._open)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("These passages' words are no longer in the text, so their records point at nothing. "
                             "Open a record to re-code it from the corrected text; the old quote stays in its "
                             "evidence and history."))
        lay.addWidget(self.list, 1)
        lay.addWidget(buttons)
        self.resize(560, 400)

    def _open(self, item: QListWidgetItem) -> None:
        uuid = item.data(Qt.ItemDataRole.UserRole)
        if uuid:
            self.recordActivated.emit(uuid)
            self.accept()
