"""Actor profile: one actor on every dimension, stacked on a shared time axis, with its
memberships and roles over time as shaded bars underneath."""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QFont

from stancetracker.core.analysis.chartdata import Band, Profile
from stancetracker.gui.charts.common import (
    STRIP_HEIGHT,
    GREY,
    INK,
    BandsItem,
    ChartFigure,
    EventLayer,
    Picker,
    confidence_key,
    event_strip,
    join_legend,
    legend_entry,
    new_plot,
    ring_item,
    set_axis_title,
    set_dimension,
    tint,
)
from stancetracker.gui.charts.timeline import (
    TraceItems,
    add_markers,
    hover_text,
    marker_arrays,
    picker_arrays,
)

_DAY = 86400.0
_LANE_ROW_PX = 26
_BAND_HALF = 0.38  # of a lane row: the bar's half height


def band_text(b: Band) -> str:
    """A membership bar's label: role, group and the dates known."""
    year = lambda x: _dt.datetime.fromtimestamp(x, _dt.timezone.utc).year
    if b.open_start and b.open_end:
        when = "dates not recorded"
    elif b.open_start:
        when = f"until {year(b.end - _DAY)}"
    elif b.open_end:
        when = f"since {year(b.start)}"
    else:
        when = f"{year(b.start)}–{year(b.end - _DAY)}"
    return f"{b.label} ({when})"


class ProfileFigure(ChartFigure):
    """The profile chart (see :class:`chartdata.Profile`)."""

    kind = "profile"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plots: list[pg.PlotItem] = []
        self.pickers: list[Picker] = []
        self.rings: list[pg.ScatterPlotItem] = []
        self.lane: pg.PlotItem | None = None
        self.band_picker = Picker()
        self.strip: pg.PlotItem | None = None
        self.events: EventLayer | None = None
        self.show_events = True
        self._highlight: str | None = None

    def _build(self, n: int) -> None:
        """Lay out n stacked dimension plots, an event strip above and the membership lane below."""
        self.ci.clear()
        self.plots, self.pickers, self.rings = [], [], []
        for i in range(n):
            plot = new_plot(self.ci, row=3 + i, bottom_axis=False)
            if self.plots:
                plot.setXLink(self.plots[0])
            self.plots.append(plot)
            self.pickers.append(Picker())
            ring = ring_item()
            plot.addItem(ring, ignoreBounds=True)
            self.rings.append(ring)
        self.lane = new_plot(self.ci, row=3 + n)
        self.lane.getAxis("left").setTicks([[], []])
        self.lane.getViewBox().invertY(True)
        if self.plots:
            self.lane.setXLink(self.plots[0])
        self.strip = event_strip(self.ci, 2, self.lane, height=STRIP_HEIGHT)
        self.events = EventLayer(self.strip, self.plots + [self.lane])
        self.frame(n + 2)

    def set_data(self, data: Profile, keep_view: bool = False) -> None:
        """Draw a profile; ``keep_view`` keeps the user's zoom (live updates)."""
        view = self.x_range() if keep_view and self.data is not None else None
        self.data = data
        self._build(len(data.dimensions))
        titles = data.y_titles or [""] * len(data.dimensions)
        for plot, picker, dim, tr, y_title in zip(self.plots, self.pickers, data.dimensions, data.traces, titles):
            set_dimension(plot, dim)
            set_axis_title(plot, "left", y_title)
            plot.setTitle(dim.label, size="10pt", color=INK, bold=True)
            TraceItems(plot).set_trace(tr)
            add_markers(plot).set_markers(*marker_arrays([tr]))
            plot.enableAutoRange(y=False)
            set_dimension(plot, dim)  # again: adding items must not re-fit the y axis
            picker.set(*picker_arrays([tr]))
        self._draw_bands(data)
        set_axis_title(self.lane, "bottom", data.x_title)
        set_axis_title(self.lane, "left", data.lane_title)
        self.events.set_events(data.events if self.show_events else [], data.start, data.end)
        self.strip.setFixedHeight(STRIP_HEIGHT if self.show_events and data.events else 0)
        entries = [legend_entry(data.colour, data.name),
                   legend_entry(GREY, f"evidence over {data.horizon_months} months old", dashed=True),
                   "<span style='color:#888'>▬</span> memberships and roles"]
        self.set_texts(data.title, join_legend(entries, confidence_key()), data.source, data.source_line)
        if view is not None:
            self.plots[0].setXRange(*view, padding=0)
        else:
            self.set_window(*data.window)
        self.highlight(self._highlight)

    def _draw_bands(self, data: Profile) -> None:
        lane = self.lane
        bands = data.bands
        n = max(1, len(bands))
        lane.setFixedHeight(_LANE_ROW_PX * n + 34)
        lane.setYRange(-0.6, n - 0.4, padding=0)
        lane.setTitle("Memberships and roles", size="10pt", color=INK, bold=True)
        # Hovering a bar names its group, role and dates, found as markers are.
        self.band_picker.set(np.array([b.start for b in bands]), np.array([b.end for b in bands]),
                             np.arange(len(bands), dtype=float), list(range(len(bands))))
        if not bands:
            lane.addItem(pg.TextItem("no memberships recorded", color=GREY, anchor=(0, 0.5)))
            return
        colours = [tint(data.colour, 0.25 if b.open_start else 0.4) for b in bands]
        lane.addItem(BandsItem([b.start for b in bands], [b.end for b in bands],
                               [i - _BAND_HALF for i in range(n)], [i + _BAND_HALF for i in range(n)], colours))
        f = QFont()
        f.setPointSizeF(8.5)
        for i, b in enumerate(bands):
            t = pg.TextItem(band_text(b), color=INK, anchor=(0, 0.5))
            t.setFont(f)
            t.setPos(max(b.start, data.start), i)
            lane.addItem(t)

    def pick(self, scene_pos: QPointF):
        if self.data is None:
            return None
        for plot, picker, dim, tr in zip(self.plots, self.pickers, self.data.dimensions, self.data.traces):
            key = picker.pick(plot.getViewBox(), scene_pos)
            if key is not None:
                return tr.uuids[key[1]], hover_text(self.store, dim, tr, key[1])
        vb = self.lane.getViewBox()
        # Anywhere on a bar counts, not just near its middle line as for a marker.
        k = self.band_picker.pick(vb, scene_pos, radius=_BAND_HALF / (vb.viewPixelSize()[1] or 1.0))
        if k is not None:
            return [], self.data.bands[k].describe()  # no record to open: a click does nothing
        return None

    def marker_scene_pos(self, dimension: str, index: int) -> QPointF:
        """Where observation ``index`` on a dimension is drawn (for tests and tours)."""
        k = next(i for i, d in enumerate(self.data.dimensions) if d.slug == dimension)
        tr = self.data.traces[k]
        x = (tr.x[index] + tr.x_end[index]) / 2 if tr.precision[index] > 0 else tr.x[index]
        return self.plots[k].getViewBox().mapViewToScene(QPointF(x, float(tr.y[index])))

    def band_scene_pos(self, index: int) -> QPointF:
        """The middle of membership bar ``index`` as drawn (for tests and tours)."""
        b = self.data.bands[index]
        x = (max(b.start, self.data.start) + b.end) / 2
        return self.lane.getViewBox().mapViewToScene(QPointF(x, float(index)))

    def set_events_visible(self, on: bool) -> None:
        self.show_events = on
        if self.data is not None:
            self.set_data(self.data, keep_view=True)

    def fit_all(self) -> None:
        if self.data is not None and self.plots:
            self.plots[0].setXRange(self.data.start, self.data.end, padding=0.02)

    def set_window(self, lo: float | None, hi: float | None) -> None:
        if self.data is None or not self.plots:
            return
        lo = self.data.start if lo is None else lo
        hi = self.data.end if hi is None else hi
        self.plots[0].setXRange(lo, max(hi, lo + _DAY), padding=0.02)

    def x_range(self) -> tuple[float, float] | None:
        return tuple(self.plots[0].getViewBox().viewRange()[0]) if self.plots else None

    def highlight(self, uuid: str | None) -> None:
        self._highlight = uuid
        for ring in self.rings:
            ring.setData([], [])
        if not uuid or self.data is None:
            return
        for ring, tr in zip(self.rings, self.data.traces):
            i = tr.index_of(uuid)
            if i is not None:
                x = (tr.x[i] + tr.x_end[i]) / 2 if tr.precision[i] > 0 else tr.x[i]
                ring.setData([x], [float(tr.y[i])])


__all__ = ["ProfileFigure", "band_text"]
