"""The chart panel: a tab per chart kind, their controls and the shifts list.

It reads only through core functions (``chartdata``, ``series``) on the
hub's store and redraws after every ``hub.changed`` — coalesced, so an
import that emits many notices redraws once.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QMenu, QPushButton,
                               QSlider, QSplitter, QSpinBox, QTabWidget, QToolButton, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from stancetracker.core.analysis import series
from stancetracker.core.analysis import chartdata
from stancetracker.core.model.errors import StanceError
from stancetracker.core.db.query import RecordFilter
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.charts import export
from stancetracker.gui.charts.chart_window import FULL_SCREEN_KEY, OWN_WINDOW_KEY, ChartScroll, QtChartWindow
from stancetracker.gui.charts.common import ChartFigure
from stancetracker.gui.charts.compare import CompareFigure
from stancetracker.gui.charts.profile import ProfileFigure
from stancetracker.gui.charts.shifts_panel import QtShiftsPanel
from stancetracker.gui.charts.snapshot import SnapshotFigure
from stancetracker.gui.charts.timeline import TimelineFigure
from stancetracker.gui.dialogs.chart_export import export_with_dialog
from stancetracker.gui.feedback import announce
from stancetracker.core.model.dates import PartialDate

_EPOCH = _dt.date(1970, 1, 1)


def _qdate(seconds: float) -> QDate:
    d = _EPOCH + _dt.timedelta(days=seconds // 86400)
    return QDate(d.year, d.month, d.day)


def _seconds(q: QDate) -> float:
    return float((_dt.date(q.year(), q.month(), q.day()) - _EPOCH).days * 86400)


# What an empty chart says, by kind.
_NOTHING_CHOSEN = {
    "timeline": "Tick actors on the left to chart them",
    "snapshot": "Tick actors on the left to compare them",
    "profile": "Choose an actor above",
    "compare": "Choose two actors above",
}


class QtChartPanel(QWidget):
    """Charts of the actors ticked in the actor list, under the records table's filter."""

    recordActivated = Signal(str)
    redrawn = Signal(str)  # the kind of chart just drawn (tests and status bars wait on it)

    def __init__(self, hub: QtStoreHub, parent: QWidget | None = None):
        super().__init__(parent)
        self.hub = hub
        self.actors: list[str] = []
        self.flt: RecordFilter | None = None
        self._pending = False
        self._dirty = set(chartdata.KINDS)
        self._build()
        hub.changed.connect(self._on_changed)
        hub.storeReplaced.connect(self._fill_choices)
        self._fill_choices()

    # ------------------------------------------------------------- building
    def _build(self) -> None:
        self.dimension_box = QComboBox()
        self.dimension_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.dimension_box.setMinimumContentsLength(8)
        self.horizon_spin = QSpinBox(minimum=1, maximum=240, value=chartdata.DEFAULT_HORIZON_MONTHS,
                                     suffix=" months")
        self.horizon_spin.setToolTip("Lines turn dashed and pale once their evidence is older than this")
        self.events_check = QCheckBox("Events")
        self.events_check.setChecked(True)
        self.fit_button = QPushButton("Fit all")
        self.from_edit = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.to_edit = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.export_button = QToolButton(text="Export", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        menu.addAction("Save as PNG…", lambda: self.export_dialog("png"))
        menu.addAction("Save as SVG…", lambda: self.export_dialog("svg"))
        menu.addAction("Save as PDF…", lambda: self.export_dialog("pdf"))
        menu.addAction("Copy to clipboard", self.copy_to_clipboard)
        self.export_button.setMenu(menu)
        self.window_button = QToolButton(text="Own window")
        self.window_button.setToolTip(f"Open this chart in a window of its own ({OWN_WINDOW_KEY}; "
                                      f"{FULL_SCREEN_KEY} for full screen)")
        self.window_button.clicked.connect(lambda: self.detach_current())
        # Two short rows rather than one long one, so the panel fits beside the docks.
        bar = QVBoxLayout()
        for row in ((QLabel("Dimension"), self.dimension_box, QLabel("Stale after"), self.horizon_spin,
                     self.events_check, self.export_button),
                    (QLabel("From"), self.from_edit, QLabel("to"), self.to_edit, self.fit_button,
                     self.window_button)):
            line = QHBoxLayout()
            for w in row:
                line.addWidget(w)
            line.addStretch(1)
            bar.addLayout(line)

        self.timeline = TimelineFigure()
        self.profile = ProfileFigure()
        self.compare = CompareFigure()
        self.snapshot = SnapshotFigure()
        self.profile_box, self.a_box, self.b_box = QComboBox(), QComboBox(), QComboBox()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider_label = QLabel()
        # Each chart scrolls in its tab rather than squash its plots, and can go to a window of its own.
        self.holders = {kind: ChartScroll(fig) for kind, fig in self.figures().items()}
        self.slots: dict[str, QVBoxLayout] = {}
        self.placeholders: dict[str, QWidget] = {}
        self.windows: dict[str, QtChartWindow] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._with_bar("timeline"), "Timeline")
        self.tabs.addTab(self._with_bar("profile", QLabel("Actor"), self.profile_box), "Profile")
        self.tabs.addTab(self._with_bar("compare", QLabel("Compare"), self.a_box, QLabel("with"), self.b_box),
                         "Comparison")
        self.tabs.addTab(self._with_bar("snapshot", QLabel("Date"), self.slider, self.slider_label,
                                        below=True), "Snapshot")
        self.shifts = QtShiftsPanel()
        self.shifts.setMinimumWidth(160)  # narrow beside the reader; a shift's full line is in its tooltip
        self.status = QLabel()
        self.status.setStyleSheet("color: #a00")
        split = QSplitter()
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addLayout(bar)
        lv.addWidget(self.status)
        lv.addWidget(self.tabs, 1)
        split.addWidget(left)
        split.addWidget(self.shifts)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([560, 220])  # shifts readable by default; narrower only when the reader needs room
        QVBoxLayout(self).addWidget(split)

        for fig in self.figures().values():
            fig.store = self.hub.store
            fig.recordActivated.connect(self.recordActivated)
        self.dimension_box.currentIndexChanged.connect(lambda _: self._invalidate("timeline"))
        self.horizon_spin.valueChanged.connect(lambda _: self._invalidate(*chartdata.KINDS))
        self.events_check.toggled.connect(self._on_events)
        self.fit_button.clicked.connect(self.fit_all)
        self.from_edit.dateChanged.connect(self._on_window)
        self.to_edit.dateChanged.connect(self._on_window)
        self.profile_box.currentIndexChanged.connect(lambda _: self._invalidate("profile"))
        self.a_box.currentIndexChanged.connect(lambda _: self._invalidate("compare"))
        self.b_box.currentIndexChanged.connect(lambda _: self._invalidate("compare"))
        self.slider.valueChanged.connect(lambda _: self._invalidate("snapshot"))
        self.tabs.currentChanged.connect(lambda _: self._schedule())
        self.shifts.shiftSelected.connect(self._on_shift)
        self.shifts.recordActivated.connect(self.recordActivated)
        for fig in (self.timeline, self.profile, self.compare):
            plot = fig.plot if hasattr(fig, "plot") else None
            if plot is not None:
                plot.getViewBox().sigXRangeChanged.connect(self._sync_dates)

    def _with_bar(self, kind: str, *widgets: QWidget, below: bool = False) -> QWidget:
        """A tab's page: its own controls (if any) and a slot holding the chart, or a note that it is away."""
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 0, 0, 0)
        h = QHBoxLayout()
        for x in widgets:
            h.addWidget(x, 1 if isinstance(x, QSlider) else 0)
        if not any(isinstance(x, QSlider) for x in widgets):
            h.addStretch(1)
        if widgets and not below:
            v.addLayout(h)
        slot = QVBoxLayout()
        slot.setContentsMargins(0, 0, 0, 0)
        slot.addWidget(self.holders[kind])
        away = QWidget()
        a = QVBoxLayout(away)
        note = QLabel("This chart is open in a window of its own.")
        back = QPushButton("Put it back here")
        back.clicked.connect(lambda: self.attach(kind))
        a.addStretch(1)
        for x in (note, back):
            a.addWidget(x, 0, Qt.AlignmentFlag.AlignHCenter)
        a.addStretch(1)
        away.hide()
        slot.addWidget(away)
        self.slots[kind], self.placeholders[kind] = slot, away
        v.addLayout(slot, 1)
        if widgets and below:
            v.addLayout(h)
        return w

    # ------------------------------------------------------------- own windows
    def detach_current(self, full_screen: bool = False) -> QtChartWindow:
        """Show the current chart in a window of its own (the live chart, not a copy); returns the window."""
        kind = self.current_kind()
        win = self.windows.get(kind)
        if win is None:
            holder = self.holders[kind]
            self.slots[kind].removeWidget(holder)
            self.placeholders[kind].show()
            title = f"{self.tabs.tabText(self.tabs.currentIndex())} — stancetracker"
            win = QtChartWindow(kind, holder, title, self.window())
            win.closed.connect(self.attach)
            self.windows[kind] = win
        if full_screen:
            win.set_full_screen(True)
        else:
            win.show()
        win.raise_()
        win.activateWindow()
        return win

    def attach(self, kind: str) -> None:
        """Put a chart back in its tab (its window, if still open, closes)."""
        win = self.windows.pop(kind, None)
        if win is None:
            return
        holder = win.take_holder()
        if win.isVisible():
            win.close()
        win.deleteLater()
        if holder is not None:
            self.slots[kind].insertWidget(0, holder)
            holder.show()
        self.placeholders[kind].hide()

    def figures(self) -> dict[str, ChartFigure]:
        return {"timeline": self.timeline, "profile": self.profile, "compare": self.compare,
                "snapshot": self.snapshot}

    def current_kind(self) -> str:
        return chartdata.KINDS[self.tabs.currentIndex()]

    def current_figure(self) -> ChartFigure:
        return self.figures()[self.current_kind()]

    def _fill_choices(self) -> None:
        """Refill the dimension and actor choosers from the store, keeping the selections."""
        store = self.hub.store
        for fig in self.figures().values():
            fig.store = store
        dim = self.dimension_box.currentData()
        self.dimension_box.blockSignals(True)
        self.dimension_box.clear()
        for d in store.dimensions():
            self.dimension_box.addItem(d.label, d.slug)
        i = self.dimension_box.findData(dim)
        self.dimension_box.setCurrentIndex(max(i, 0))
        self.dimension_box.blockSignals(False)
        actors = store.actors()
        for box in (self.profile_box, self.a_box, self.b_box):
            cur = box.currentData()
            box.blockSignals(True)
            box.clear()
            for a in actors:
                box.addItem(a.name, a.slug)
            box.setCurrentIndex(max(box.findData(cur), 0))
            box.blockSignals(False)
        first, last = store.date_range()  # real dates only, whatever else the file holds
        lo = _dt.date.fromisoformat(first) if first else _dt.date.today()
        hi = _dt.date.fromisoformat(last) if last else _dt.date.today()
        self.slider.blockSignals(True)
        # The first fill starts the slider at the latest record; later fills keep the user's date.
        keep = self.slider.value() if hasattr(self, "_slider_start") else None
        self.slider.setRange(0, max(0, (hi - lo).days))
        self._slider_start = lo
        self.slider.setValue(self.slider.maximum() if keep is None else min(keep, self.slider.maximum()))
        self.slider.blockSignals(False)
        self._invalidate(*chartdata.KINDS)

    # ------------------------------------------------------------- public API
    def set_actors(self, actors: list[str]) -> None:
        """Chart these actors (slugs), as ticked in the actor list."""
        self.actors = list(actors)
        for box, k in ((self.profile_box, 0), (self.a_box, 0), (self.b_box, 1)):
            if len(self.actors) > k:
                box.blockSignals(True)
                box.setCurrentIndex(max(box.findData(self.actors[k]), 0))
                box.blockSignals(False)
        self._invalidate(*chartdata.KINDS)

    def set_filter(self, flt: RecordFilter | None) -> None:
        """Apply the records table's filter (dates, coders, confidence, text) to every chart."""
        self.flt = flt
        self._invalidate(*chartdata.KINDS)

    def highlight_record(self, uuid: str | None) -> None:
        """Ring the observation holding a record selected elsewhere (table, editor)."""
        for fig in self.figures().values():
            fig.highlight(uuid)

    def snapshot_date(self) -> _dt.date:
        return self._slider_start + _dt.timedelta(days=self.slider.value())

    def fit_all(self) -> None:
        self.current_figure().fit_all()

    def export_dialog(self, fmt: str = "png") -> None:
        try:
            path = export_with_dialog(self.current_figure(), self, fmt)
        except StanceError as err:
            self.status.setText(str(err))
            return
        if path is not None:
            announce(self, f"Wrote the chart to {path}", path)

    def copy_to_clipboard(self) -> None:
        try:
            export.copy_to_clipboard(self.current_figure())
        except StanceError as err:
            self.status.setText(str(err))

    # ------------------------------------------------------------- redrawing
    def _on_changed(self, what: str) -> None:
        if what in ("actors", "dimensions", "all"):
            self._fill_choices()
        self._invalidate(*chartdata.KINDS)

    def _invalidate(self, *kinds: str) -> None:
        self._dirty.update(kinds)
        self._schedule()

    def _schedule(self) -> None:
        # Bursts of change notices (an import, undo of many edits) end in one redraw.
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self._redraw)

    def redraw_now(self, shifts: bool = True) -> None:
        """Draw the current chart at once (tests, and before exporting)."""
        self._dirty.add(self.current_kind())
        self._redraw(shifts)

    def _redraw(self, shifts: bool = True) -> None:
        self._pending = False
        current = self.current_kind()
        self.slider_label.setText(self.snapshot_date().isoformat())
        # The tab shown, and every chart in a window of its own: those are on screen.
        for kind in [k for k in self.windows if k != current] + [current]:
            if kind not in self._dirty:
                continue
            self._dirty.discard(kind)
            self._draw(kind, shifts and kind == current)
            self.redrawn.emit(kind)

    def _draw(self, kind: str, shifts: bool) -> None:
        try:
            req = self._request(kind)
            fig = self.figures()[kind]
            note = ""
            if req is None:
                fig.show_empty(_NOTHING_CHOSEN[kind])
            else:
                fig.show_body(True)
                data = chartdata.build(self.hub.store, req)
                note = data.note
                fig.set_data(data, keep_view=True)
                self._sync_dates()
            if shifts:
                self._refresh_shifts(req)
            self.status.setText(note)
        except StanceError as err:
            self.status.setText(str(err))

    def _request(self, kind: str) -> chartdata.ChartRequest | None:
        common = dict(horizon_months=self.horizon_spin.value(), flt=self.flt,
                      events=self.events_check.isChecked())
        if kind == "timeline":
            if not self.actors:
                return None
            return chartdata.ChartRequest("timeline", self.actors, self.dimension_box.currentData(), **common)
        if kind == "profile":
            slug = self.profile_box.currentData()
            return chartdata.ChartRequest("profile", [slug], **common) if slug else None
        if kind == "compare":
            a, b = self.a_box.currentData(), self.b_box.currentData()
            return chartdata.ChartRequest("compare", [a, b], **common) if a and b and a != b else None
        return chartdata.ChartRequest("snapshot", self.actors, at=PartialDate(self.snapshot_date()), **common)

    def _refresh_shifts(self, req: chartdata.ChartRequest | None) -> None:
        store = self.hub.store
        if req is None or not req.actors:
            self.shifts.set_shifts([], {}, {})
            return
        # All dimensions, whatever the tab: the list stays put while the user moves between shifts.
        found = series.shifts(store, req.actors, None, chartdata.chart_filter(self.flt))
        self.shifts.set_shifts(found, {a.slug: a.name for a in store.actors()},
                               {d.slug: d for d in store.dimensions()})

    # ------------------------------------------------------------- reactions
    def _on_events(self, on: bool) -> None:
        for fig in (self.timeline, self.profile, self.compare):
            fig.show_events = on
        self._invalidate(*chartdata.KINDS)

    def _on_window(self, *_args) -> None:
        lo, hi = _seconds(self.from_edit.date()), _seconds(self.to_edit.date())
        if hi > lo:
            self.current_figure().set_window(lo, hi)

    def _sync_dates(self, *_args) -> None:
        rng = self.current_figure().x_range()
        if not rng:
            return
        for edit, value in ((self.from_edit, rng[0]), (self.to_edit, rng[1])):
            edit.blockSignals(True)
            edit.setDate(_qdate(value))
            edit.blockSignals(False)

    def _on_shift(self, sh: series.Shift) -> None:
        """Show a selected shift on the timeline: its dimension, the period shaded, the record ringed."""
        i = self.dimension_box.findData(sh.dimension)
        if i >= 0 and i != self.dimension_box.currentIndex():
            self.dimension_box.setCurrentIndex(i)
        self.tabs.setCurrentIndex(chartdata.KINDS.index("timeline"))
        # Not refilling the shifts list: this runs inside its selection handler.
        self.redraw_now(shifts=False)
        x = chartdata.to_seconds(np.array([sh.before_date, sh.after_date]))
        self.timeline.highlight_span(float(x[0]), float(x[1]))
        if sh.after_records:
            self.highlight_record(sh.after_records[0].uuid)


__all__ = ["QtChartPanel"]
