"""Coding › Reliability studies: make a study by a sample rule, assign coders, see their progress, mark done."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                               QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from stancetracker.core.db import studies as S
from stancetracker.core.model.errors import StanceError
from stancetracker.gui.hub import QtStoreHub


def _checklist(items: list[tuple[str, str]]) -> QListWidget:
    """A list of (label, slug) to tick; none ticked means every one."""
    w = QListWidget()
    for label, slug in items:
        it = QListWidgetItem(label)
        it.setData(Qt.ItemDataRole.UserRole, slug)
        it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        it.setCheckState(Qt.CheckState.Unchecked)
        w.addItem(it)
    w.setMaximumHeight(84)
    return w


def ticked(w: QListWidget) -> list[str]:
    return [w.item(i).data(Qt.ItemDataRole.UserRole) for i in range(w.count())
            if w.item(i).checkState() == Qt.CheckState.Checked]


def tick(w: QListWidget, slugs: list[str]) -> None:
    for i in range(w.count()):
        it = w.item(i)
        it.setCheckState(Qt.CheckState.Checked if it.data(Qt.ItemDataRole.UserRole) in slugs
                         else Qt.CheckState.Unchecked)


class QtStudiesDialog(QDialog):
    """The studies with each coder's progress (units coded / units), and a form for a new one."""

    COLUMNS = ("Study", "Units", "Coder", "Coded", "Status")

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.setWindowTitle("Reliability studies")
        store = hub.store
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(150)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.assign_to = QLineEdit()
        self.assign_to.setPlaceholderText("coders, comma-separated")
        self.assign_button = QPushButton("&Assign to selected study")
        self.assign_button.clicked.connect(self.assign_selected)
        self.done_button = QPushButton("Mark &done")
        self.done_button.setToolTip("The selected coder has finished: their blindness ends, their records join the study")
        self.done_button.clicked.connect(self.done_selected)
        row = QHBoxLayout()
        row.addWidget(QLabel("Coders:"))
        row.addWidget(self.assign_to, 1)
        row.addWidget(self.assign_button)
        row.addWidget(self.done_button)

        new = QGroupBox("New study")
        form = QFormLayout(new)
        self.slug = QLineEdit()
        self.slug.setPlaceholderText("pilot")
        self.name = QLineEdit()
        self.sources = _checklist([(s.title[:60], s.slug) for s in store.sources()])
        self.actors = _checklist([(a.name, a.slug) for a in store.actors()])
        self.dimensions = _checklist([(d.label, d.slug) for d in store.dimensions()])
        self.size = QSpinBox()
        self.size.setRange(0, 1_000_000)
        self.size.setSpecialValueText("every unit the rule picks")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setValue(1)
        self.coders = QLineEdit()
        self.coders.setPlaceholderText("coders to assign, comma-separated")
        self.create_button = QPushButton("&Create study")
        self.create_button.clicked.connect(self.create)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b")
        self.problem.setWordWrap(True)
        form.addRow("Slug:", self.slug)
        form.addRow("Name:", self.name)
        form.addRow("Sources (none: all):", self.sources)
        form.addRow("Actors (none: all):", self.actors)
        form.addRow("Dimensions (none: all):", self.dimensions)
        form.addRow("Random sample of:", self.size)
        form.addRow("Seed:", self.seed)
        form.addRow("Coders:", self.coders)
        form.addRow(self.create_button, self.problem)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(new)
        lay.addWidget(buttons)
        self.resize(760, 720)
        for b in (self.create_button, self.assign_button, self.done_button):
            b.setEnabled(not store.readonly)
        self.reload()

    def reload(self) -> None:
        """One row per study and coder (a study without coders gets one row)."""
        rows = []
        for st in S.studies(self.hub.store):
            for coder in st.coders or [None]:
                if coder is None:
                    rows.append((st.slug, st.units, "", "", "no coder assigned"))
                    continue
                done = st.coders[coder]
                status = f"done {done[:10]}" if done else "coding blind"
                rows.append((st.slug, st.units, coder, f"{st.coded.get(coder, 0)} / {st.units}", status))
        self.table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, v in enumerate(values):
                item = QTableWidgetItem(str(v))
                if c in (1, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)

    def _selected(self) -> tuple[str, str] | None:
        r = self.table.currentRow()
        if r < 0 or self.table.item(r, 0) is None:
            return None
        return self.table.item(r, 0).text(), self.table.item(r, 2).text()

    def _run(self, fn, *args):
        """A core call through the hub; a refusal is shown in one line, and the table reloads."""
        try:
            return self.hub.run("studies", fn, *args)
        except (StanceError, ValueError) as err:
            self.problem.setText(str(err))
            return None
        finally:
            self.reload()

    def create(self) -> S.Study | None:
        """Make a study from the form's sample rule and assign its coders."""
        self.problem.clear()
        self.problem.setStyleSheet("color: #c0392b")
        slug = self.slug.text().strip()
        if not slug:
            self.problem.setText("A study needs a slug (letters, digits and hyphens)")
            return None
        rule = {"sources": ticked(self.sources), "actors": ticked(self.actors),
                "dimensions": ticked(self.dimensions), "size": self.size.value() or None,
                "seed": self.seed.value() if self.size.value() else None}
        try:
            units = S.sample_units(self.hub.store, rule["sources"], rule["actors"], rule["dimensions"],
                                   rule["size"], rule["seed"])
        except (StanceError, ValueError) as err:
            self.problem.setText(str(err))
            return None
        made = self._run(S.create_study, slug, self.name.text().strip(), units, rule)
        coders = [c.strip() for c in self.coders.text().split(",") if c.strip()]
        if made is not None and coders:
            made = self._run(S.assign, slug, coders) or made
        if made is not None:
            self.problem.setStyleSheet("color: palette(text)")
            self.problem.setText(f"Study {made.slug} made: {made.units} units, coders "
                                 f"{', '.join(made.coders) or 'none yet'}")
        return made

    def assign_selected(self) -> None:
        sel = self._selected()
        coders = [c.strip() for c in self.assign_to.text().split(",") if c.strip()]
        if sel is None or not coders:
            self.problem.setText("Select a study and type the coders to assign")
            return
        self._run(S.assign, sel[0], coders)

    def done_selected(self) -> None:
        sel = self._selected()
        if sel is None or not sel[1]:
            self.problem.setText("Select the row of the coder who has finished")
            return
        answer = QMessageBox.question(
            self, "Mark done", f"{sel[1]} has finished study {sel[0]}? Their blindness ends: the other coders' "
            "records on its units become visible to them.")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(S.mark_done, sel[0], sel[1])


__all__ = ["QtStudiesDialog", "tick", "ticked"]
