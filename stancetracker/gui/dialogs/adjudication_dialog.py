"""Coding › Adjudicate: the queue of units where coders disagree, side by side, and Settle (a consensus record).

Settling is core/coding/adjudication.py's ``settle``, run through the hub and
pushed on the window's undo stack: Undo reverts its one operation (the
consensus record goes to the trash, the unit is open again).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QPushButton, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from stancetracker.core.coding.adjudication import Disagreement, queue, settle
from stancetracker.core.coding.passages import source_text
from stancetracker.core.db.revert import list_operations, revert_operation
from stancetracker.core.model.entities import CONFIDENCES, fmt_score
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.hub import QtStoreHub


def passage_text(hub: QtStoreHub, unit: Disagreement) -> str:
    """The text the unit's records were coded from: its passage, or the locator when it has none."""
    source, place = (unit.unit.split("|") + ["", ""])[:2]
    if place.startswith("chars "):
        try:
            start, end = (int(x) for x in place[6:].split("-"))
            text = source_text(hub.store, source)[1]
        except (StanceError, ValueError):
            return f"{source}, {place} (the source's text is not in this database)"
        return text[start:end]
    return f"{source}, {place[3:] if place.startswith('at ') else place} (no passage: coded from the locator)"


class SettleCommand(QUndoCommand):
    """A settle already made; undo reverts its operation, redo settles the unit again the same way."""

    def __init__(self, hub: QtStoreHub, op_id: int, unit: str, score: float, confidence: str, evidence: str):
        super().__init__(f"settle {unit}")
        self.hub, self.op_id = hub, op_id
        self.args = (unit, score, confidence, evidence)
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        try:
            self.hub.run("records", settle, *self.args)
            self.op_id = list_operations(self.hub.store, 1)[0].id
        except StanceError as err:
            self.setObsolete(True)
            self.hub.commandFailed.emit(f"Could not settle again: {err}")

    def undo(self) -> None:
        try:
            self.hub.run("records", revert_operation, self.op_id)
        except StanceError as err:
            self.setObsolete(True)
            self.hub.commandFailed.emit(f"Could not undo {self.text()}: {err}")


class QtAdjudicationDialog(QDialog):
    """The queue on the left; the chosen unit's records side by side, its passage, and the consensus form."""

    COLUMNS = ("Coder", "Score", "Confidence", "Date", "Locator", "Evidence")

    def __init__(self, hub: QtStoreHub, undo_stack: QUndoStack | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.units: list[Disagreement] = []
        self.setWindowTitle("Adjudicate disagreements")
        self.min_distance = QDoubleSpinBox()
        self.min_distance.setRange(0.5, 4.0)
        self.min_distance.setSingleStep(0.5)
        self.min_distance.setValue(1.0)
        self.min_distance.setSuffix(" points apart")
        self.sign = QCheckBox("or of opposite sign")
        self.count = QLabel()
        self.list = QListWidget()
        self.list.currentRowChanged.connect(self._show_unit)
        self.records = QTableWidget(0, len(self.COLUMNS))
        self.records.setHorizontalHeaderLabels(self.COLUMNS)
        self.records.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.records.setWordWrap(True)
        self.records.verticalHeader().hide()
        header = self.records.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.passage = QPlainTextEdit()
        self.passage.setReadOnly(True)
        self.score = QComboBox()
        for v in (-2, -1, 0, 1, 2):
            self.score.addItem(fmt_score(v), float(v))
        self.confidence = QComboBox()
        for c in CONFIDENCES:
            self.confidence.addItem(c, c)
        self.evidence = QPlainTextEdit()
        self.evidence.setPlaceholderText("Why this score: the reading both coders' evidence supports")
        self.evidence.setMaximumHeight(70)
        self.settle_button = QPushButton("&Settle")
        self.settle_button.setToolTip("Write the consensus record linked to these records (Edit › Undo takes it back)")
        self.settle_button.clicked.connect(self.settle_current)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b")

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        filt = QHBoxLayout()
        filt.addWidget(self.min_distance)
        filt.addWidget(self.sign)
        ll.addLayout(filt)
        ll.addWidget(self.count)
        ll.addWidget(self.list, 1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        self.unit_label = QLabel()
        self.unit_label.setWordWrap(True)
        rl.addWidget(self.unit_label)
        rl.addWidget(self.records, 2)
        rl.addWidget(QLabel("Passage:"))
        rl.addWidget(self.passage, 1)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.score)
        row.addWidget(QLabel("confidence"))
        row.addWidget(self.confidence)
        row.addStretch(1)
        row.addWidget(self.settle_button)
        form.addRow("Consensus score:", row)
        form.addRow("Evidence:", self.evidence)
        rl.addLayout(form)
        rl.addWidget(self.problem)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([280, 620])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(buttons)
        self.resize(960, 620)
        self.min_distance.valueChanged.connect(self.reload)
        self.sign.toggled.connect(self.reload)
        hub.changed.connect(self._on_changed)
        self.settle_button.setEnabled(not hub.store.readonly)
        self.reload()

    def _on_changed(self, what: str) -> None:
        if what in ("records", "all"):
            self.reload()

    def reload(self) -> None:
        """Read the queue again, keeping the chosen unit when it is still open."""
        keep = self.current().unit if self.current() else None
        try:
            self.units = queue(self.hub.store, min_distance=self.min_distance.value(), sign=self.sign.isChecked())
        except StanceError as err:
            self.units = []
            self.problem.setText(str(err))
        self.list.blockSignals(True)
        self.list.clear()
        for u in self.units:
            scores = ", ".join(f"{c} {fmt_score(v)}" for c, v in u.coder_scores.items())
            item = QListWidgetItem(f"{u.label}\n   {scores}")
            item.setToolTip(f"unit {u.id}: {u.unit}")
            self.list.addItem(item)
        self.list.blockSignals(False)
        n = len(self.units)
        self.count.setText(f"{n} unit{'s' if n != 1 else ''} to adjudicate" if n else "Nothing to adjudicate")
        keys = [u.unit for u in self.units]
        self.list.setCurrentRow(keys.index(keep) if keep in keys else (0 if n else -1))
        self._show_unit(self.list.currentRow())

    def current(self) -> Disagreement | None:
        i = self.list.currentRow() if hasattr(self, "list") else -1
        return self.units[i] if 0 <= i < len(self.units) else None

    def _show_unit(self, _row: int) -> None:
        u = self.current()
        self.settle_button.setEnabled(u is not None and not self.hub.store.readonly)
        if u is None:
            self.records.setRowCount(0)
            self.passage.clear()
            self.unit_label.setText("")
            return
        apart = fmt_score(u.distance, False)
        self.unit_label.setText(f"<b>{u.label}</b> — {len(u.coders)} coders, {apart} "
                                f"point{'' if apart == '1' else 's'} apart")
        rows = sorted(u.records, key=lambda r: (r.coder, r.id))
        self.records.setRowCount(len(rows))
        for r, rec in enumerate(rows):
            for c, v in enumerate((rec.coder, rec.shown("score"), rec.confidence, rec.shown("date"), rec.locator,
                                   rec.evidence)):
                self.records.setItem(r, c, QTableWidgetItem(str(v)))
        self.records.resizeRowsToContents()
        self.passage.setPlainText(passage_text(self.hub, u))
        mean = sum(u.coder_scores.values()) / len(u.coder_scores)
        self.score.setCurrentIndex(self.score.findData(float(round(mean))))
        known = [r.confidence for r in rows if r.confidence in CONFIDENCES]
        self.confidence.setCurrentIndex(min((CONFIDENCES.index(c) for c in known), default=1))
        self.evidence.clear()
        self.problem.clear()

    def settle_current(self) -> bool:
        """Write the consensus record of the chosen unit through the hub, as one undo step."""
        u = self.current()
        if u is None:
            return False
        evidence = self.evidence.toPlainText().strip()
        if not evidence:
            self.problem.setText("Say in the evidence why this score settles the unit")
            return False
        score, conf = self.score.currentData(), self.confidence.currentData()
        try:
            self.hub.run("records", settle, u.id, score, conf, evidence)
        except StanceError as err:
            self.problem.setText(str(err))
            return False
        op_id = list_operations(self.hub.store, 1)[0].id
        self.undo_stack.push(SettleCommand(self.hub, op_id, u.id, score, conf, evidence))
        return True


__all__ = ["QtAdjudicationDialog", "SettleCommand", "passage_text"]
