"""Coding › Agreement: Krippendorff's alpha with its interval, per-pair figures and the confusion matrices.

The figures are core/analysis/agreement.py's, the same as ``stancetracker
agreement``; the bootstrap runs in a QtStoreJob on its own connection, so the
window stays responsive on a large file.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QHBoxLayout, QHeaderView,
                               QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from stancetracker.core.analysis.agreement import Agreement, agreement
from stancetracker.core.analysis.alpha import LEVELS
from stancetracker.core.db import studies as S
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.entities import fmt_score
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.store_job import QtStoreJob


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _num(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def summary_text(a: Agreement) -> str:
    """Alpha, its interval and what it rests on, in one line."""
    if a.alpha is None:
        return f"Krippendorff's alpha ({a.level}): not computed — {a.note or 'no data'}"
    ci = f", 95% interval {a.ci95[0]:.3f} to {a.ci95[1]:.3f}" if a.ci95 else ""
    return (f"Krippendorff's alpha ({a.level}) = {a.alpha:.3f}{ci} · {a.units} units, {a.values} pairable values, "
            f"coders {', '.join(a.coders)}")


def _table(columns: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(columns))
    t.setHorizontalHeaderLabels(columns)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return t


def _fill(t: QTableWidget, rows: list[list[str]]) -> None:
    t.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, v in enumerate(values):
            item = QTableWidgetItem(v)
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            t.setItem(r, c, item)


class QtAgreementDialog(QDialog):
    """Agreement for a chosen study or the window's current filter, at a chosen level; ``computed`` once shown."""

    computed = Signal(object)
    PAIR_COLUMNS = ["Coders", "Units", "Exact", "Within one", "Weighted κ", "Confidence exact"]

    def __init__(self, hub: QtStoreHub, flt: RecordFilter | None = None, parent: QWidget | None = None,
                 threaded: bool | None = None):
        super().__init__(parent)
        self.hub = hub
        self.flt = flt or RecordFilter()
        self.threaded = hub.store.path is not None if threaded is None else threaded
        self.job: QtStoreJob | None = None
        self.jobs: list[QtStoreJob] = []  # every one started, waited for before the dialog goes
        self.result: Agreement | None = None
        self.setWindowTitle("Agreement between coders")
        self.scope = QComboBox()
        self.scope.addItem("the records in view (the window's filter)", None)
        for st in S.studies(hub.store):
            self.scope.addItem(f"study {st.slug} ({st.units} units)", st.slug)
        self.level = QComboBox()
        for lv in LEVELS:
            self.level.addItem(lv, lv)
        self.level.setCurrentIndex(self.level.findData("ordinal"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.pairs = _table(self.PAIR_COLUMNS)
        self.pairs.verticalHeader().hide()
        self.matrix_choice = QComboBox()
        self.matrix_choice.currentIndexChanged.connect(self._show_matrix)
        self.matrix = QTableWidget()
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matrix_note = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel("Over:"))
        top.addWidget(self.scope, 1)
        top.addWidget(QLabel("Level:"))
        top.addWidget(self.level)
        mrow = QHBoxLayout()
        mrow.addWidget(QLabel("Confusion matrix:"))
        mrow.addWidget(self.matrix_choice, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.summary)
        lay.addWidget(QLabel("Per pair of coders:"))
        lay.addWidget(self.pairs, 1)
        lay.addLayout(mrow)
        lay.addWidget(self.matrix_note)
        lay.addWidget(self.matrix, 2)
        lay.addWidget(buttons)
        self.resize(720, 640)
        self.scope.currentIndexChanged.connect(self.compute)
        self.level.currentIndexChanged.connect(self.compute)
        self.compute()

    def _request(self) -> tuple[RecordFilter, str, str | None]:
        study = self.scope.currentData()
        # A study is measured on its own units; whose records may be seen still follows the window.
        flt = RecordFilter(**self.flt.scoped()) if study else self.flt
        return flt, self.level.currentData(), study

    def compute(self) -> None:
        """Compute the figures (in a thread when the database is a file) and show them."""
        flt, level, study = self._request()
        self.summary.setText("Computing…")
        if not self.threaded:
            try:
                self.show_result(agreement(self.hub.store, flt, level, study))
            except Exception as err:  # noqa: BLE001 - a refusal of the core is shown, not raised
                self.show_failure(err)
            return
        job = QtStoreJob(self.hub, lambda store, _progress: agreement(store, flt, level, study), self)
        # Only the latest request is shown: a choice changed while one computes makes it stale.
        job.succeeded.connect(lambda a: self.show_result(a) if job is self.job else None)
        job.failed.connect(lambda err: self.show_failure(err) if job is self.job else None)
        self.job = job
        self.jobs.append(job)
        job.start()

    def show_failure(self, err: Exception) -> None:
        self.summary.setText(f"Agreement not computed: {err}")
        self.computed.emit(None)

    def show_result(self, a: Agreement) -> None:
        self.result = a
        self.summary.setText(summary_text(a))
        _fill(self.pairs, [[" × ".join(p["coders"]), str(p["units"]), _pct(p["exact"]), _pct(p["within_one"]),
                            _num(p["kappa_quadratic"]), _pct(p["confidence_exact"])] for p in a.pairs])
        self.matrix_choice.blockSignals(True)
        self.matrix_choice.clear()
        for dim, by_pair in a.confusion.items():
            for pair in by_pair:
                self.matrix_choice.addItem(f"{dim}: {pair}", (dim, pair))
        self.matrix_choice.blockSignals(False)
        self._show_matrix()
        self.computed.emit(a)

    def _show_matrix(self) -> None:
        key = self.matrix_choice.currentData()
        if self.result is None or key is None:
            self.matrix.setRowCount(0)
            self.matrix.setColumnCount(0)
            self.matrix_note.setText("")
            return
        m = self.result.confusion[key[0]][key[1]]
        labels = [fmt_score(v) for v in m["values"]]
        self.matrix.setColumnCount(len(labels))
        self.matrix.setHorizontalHeaderLabels(labels)
        _fill(self.matrix, [[str(int(c)) if float(c).is_integer() else f"{c:g}" for c in row] for row in m["matrix"]])
        self.matrix.setVerticalHeaderLabels(labels)
        self.matrix_note.setText(f"Rows: {m['rows']}'s score; columns: {m['columns']}'s score (units)")

    def done(self, r: int) -> None:  # noqa: D102 - wait for a running job before the dialog goes
        for job in self.jobs:
            job.wait()
        super().done(r)


__all__ = ["QtAgreementDialog", "summary_text"]
