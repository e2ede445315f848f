"""The shifts of the shown actors, each with the evidence before and after."""

from __future__ import annotations

import textwrap

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from stancetracker.core.analysis.series import Shift
from stancetracker.core.analysis.wording import fmt_score, shift_text
from stancetracker.core.model.entities import Dimension
from stancetracker.core.model.stored_values import visible

_SHIFT_ROLE = Qt.ItemDataRole.UserRole
_UUID_ROLE = Qt.ItemDataRole.UserRole + 1


def shift_title(sh: Shift, name: str, dim: Dimension) -> str:
    """One line naming a shift: when, then the core's wording (who, on what, from what to what)."""
    return f"{sh.after_date} · {shift_text(sh, name, dim)}"


def record_line(side: str, r) -> str:
    """A record under a shift: side, score, confidence, source and evidence."""
    where = r.source_title or "no source"
    if r.locator:
        where += f", {r.locator}"
    evidence = visible(" ".join(r.evidence[:5000].split()), 2000)  # stored text is spelled out, not obeyed
    return f"{side} {r.date.short()}: {fmt_score(r.score)} [{r.confidence}] {where}" + (f" — {evidence}" if evidence else "")


class QtShiftsPanel(QWidget):
    """A tree of shifts; selecting one emits :attr:`shiftSelected`, a record :attr:`recordActivated`."""

    shiftSelected = Signal(object)
    recordActivated = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.heading = QLabel("Shifts")
        self.heading.setWordWrap(True)  # a long heading wraps rather than hold the panel wider than its minimum
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.heading)
        lay.addWidget(self.tree)
        self.shifts: list[Shift] = []
        self.tree.currentItemChanged.connect(self._on_current)

    def set_shifts(self, shifts: list[Shift], names: dict[str, str], dims: dict[str, Dimension]) -> None:
        """Show these shifts (newest last, as the core lists them)."""
        self.shifts = shifts
        self.tree.blockSignals(True)
        self.tree.clear()
        for sh in shifts:
            title = shift_title(sh, names.get(sh.actor, sh.actor), dims[sh.dimension])
            top = QTreeWidgetItem([title])
            top.setToolTip(0, title)  # the panel may be narrower than the line
            top.setData(0, _SHIFT_ROLE, sh)
            for side, recs in (("before", sh.before_records), ("after", sh.after_records)):
                for r in recs:
                    child = QTreeWidgetItem([textwrap.shorten(record_line(side, r), 400)])
                    child.setToolTip(0, textwrap.fill(record_line(side, r), 90))
                    child.setData(0, _SHIFT_ROLE, sh)
                    child.setData(0, _UUID_ROLE, r.uuid)
                    top.addChild(child)
            self.tree.addTopLevelItem(top)
        self.tree.blockSignals(False)
        n = len(shifts)
        self.heading.setText(f"Shifts ({n})" if n else "Shifts: none for the shown actors")

    def select(self, index: int) -> None:
        """Select the index-th shift (as a user's click would)."""
        self.tree.setCurrentItem(self.tree.topLevelItem(index))

    def _on_current(self, item: QTreeWidgetItem | None, _prev) -> None:
        if item is None:
            return
        sh = item.data(0, _SHIFT_ROLE)
        uuid = item.data(0, _UUID_ROLE) or (sh.after_records[0].uuid if sh.after_records else None)
        self.shiftSelected.emit(sh)
        if uuid:
            self.recordActivated.emit(uuid)


__all__ = ["QtShiftsPanel", "record_line", "shift_title"]
