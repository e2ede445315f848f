"""QtFilterBar: the records filter (dimension, dates, coder, confidence, text, trash)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from stancetracker.core.model.dates import DateError, parse_date
from stancetracker.core.db.query import DEFAULT_VIEW, RecordFilter
from stancetracker.core.db.studies import open_study_for
from stancetracker.gui.hub import QtStoreHub


class QtFilterBar(QWidget):
    """Emits ``filterChanged(RecordFilter)`` a moment after the user stops typing."""

    filterChanged = Signal(object)

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.view = DEFAULT_VIEW  # whose records: "consensus", "all" or "coder:NAME" (View › Records of)
        self.actor_slug: str | None = None
        self.actor_chip = QToolButton()
        self.actor_chip.setToolTip("Records of this actor only; click to show all actors")
        self.actor_chip.clicked.connect(lambda: self.set_actor(None))
        self.actor_chip.hide()
        self.dimension = QComboBox()
        self.since = QLineEdit()
        self.since.setPlaceholderText("from (2019, 2019-10 …)")
        self.until = QLineEdit()
        self.until.setPlaceholderText("until")
        for w in (self.since, self.until):
            w.setMaximumWidth(120)
        self.coder = QComboBox()
        self.confidence = QComboBox()
        self.confidence.addItem("any confidence", None)
        self.confidence.addItem("medium or high", "medium")
        self.confidence.addItem("high only", "high")
        for combo in (self.dimension, self.coder, self.confidence):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search evidence (Ctrl+Shift+F)")
        self.query.setClearButtonEnabled(True)
        self.trash = QCheckBox("&Trash")
        self.trash.setToolTip("Show the records in the trash (Ctrl+T); restore them from there")
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #c0392b")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.actor_chip, self.dimension, self.since, self.until, self.coder, self.confidence):
            lay.addWidget(w)
        lay.addWidget(self.query, 1)
        lay.addWidget(self.trash)
        lay.addWidget(self.problem)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._emit)
        for w in (self.since, self.until, self.query):
            w.textChanged.connect(self._timer.start)
        for c in (self.dimension, self.coder, self.confidence):
            c.currentIndexChanged.connect(self._emit)
        self.trash.toggled.connect(self._emit)
        hub.changed.connect(self._on_changed)
        self.reload_choices()

    def _on_changed(self, what: str) -> None:
        if what in ("dimensions", "records", "all"):
            self.reload_choices()
        if what == "studies":  # a study made, assigned or done: blindness may have begun or ended
            self._emit()

    def reload_choices(self) -> None:
        store = self.hub.store
        for combo, items, blank in (
                (self.dimension, [(d.label, d.slug) for d in store.dimensions()], "all dimensions"),
                (self.coder, [(c, c) for c in store.coders()], "all coders")):
            cur = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(blank, None)
            for label, data in items:
                combo.addItem(label, data)
            idx = combo.findData(cur)
            combo.setCurrentIndex(idx if idx >= 0 else 0)
            combo.blockSignals(False)

    def set_actor(self, slug: str | None, name: str = "") -> None:
        self.actor_slug = slug
        self.actor_chip.setText(f"{name} ✕" if slug else "")
        self.actor_chip.setVisible(bool(slug))
        self._emit()

    def set_view(self, view: str) -> None:
        """Show all coders' records, consensus only, or one coder's ("coder:NAME")."""
        self.view = view
        self._emit()

    def blind_for(self) -> tuple[str, str] | None:
        """(study, coder) while the window's coder codes a study blind, as the CLI's who_sees decides."""
        coder = self.hub.store.user
        slug = open_study_for(self.hub.store, coder) if coder else None
        return (slug, coder) if slug else None

    def current(self) -> RecordFilter | None:
        """The filter as typed, or None while a date is not valid (the reason is shown)."""
        dates = {}
        for name, w in (("since", self.since), ("until", self.until)):
            text = w.text().strip()
            if text:
                try:
                    dates[name] = parse_date(text)
                except DateError as err:
                    self.problem.setText(f"{name}: {err}")
                    return None
        self.problem.clear()
        return RecordFilter(
            actors=[self.actor_slug] if self.actor_slug else [],
            dimensions=[self.dimension.currentData()] if self.dimension.currentData() else [],
            since=dates.get("since"), until=dates.get("until"),
            coders=[self.coder.currentData()] if self.coder.currentData() else [],
            min_confidence=self.confidence.currentData(), query=self.query.text(),
            deleted=self.trash.isChecked(), view=self.view, blind_for=self.blind_for())

    def _emit(self) -> None:
        flt = self.current()
        if flt is not None:
            self.filterChanged.emit(flt)
