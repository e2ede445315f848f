"""Timeline: one dimension, the selected actors, stance as a step line over dated evidence."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF

from stancetracker.core.analysis.chartdata import Timeline, Trace, describe
from stancetracker.core.analysis.wording import value_text
from stancetracker.core.model.entities import fmt_score
from stancetracker.gui.charts.common import (
    TimeWindow,
    GREY,
    BandsItem,
    ChartFigure,
    Picker,
    confidence_key,
    fresh_pen,
    join_legend,
    legend_entry,
    marker_brush,
    new_plot,
    qcolor,
    ring_item,
    set_axis_title,
    set_dimension,
    stale_pen,
)
from stancetracker.gui.charts.events import STRIP_HEIGHT, EventLayer, event_strip
from stancetracker.gui.charts.markers import MarkersItem

_DAY = 86400.0
DENSE_OBSERVATIONS = 2000  # above this many observations on one chart, screen drawing favours speed


class TraceItems:
    """The lines, spans and bands of one trace, kept between redraws and refilled (creating items is slow).

    Markers are not here: one :class:`MarkersItem` per plot draws those of every trace.
    """

    def __init__(self, plot: pg.PlotItem):
        self.plot = plot
        # Wide antialiased pens stroked as one long path cost seconds at 10,000 points;
        # drawn as separate segments they cost milliseconds and look the same.
        self.fresh = pg.PlotCurveItem(connect="finite", antialias=True)
        self.fresh.setSegmentedLineMode("on")
        self.stale = pg.PlotCurveItem(connect="finite", antialias=True)
        self.bands = BandsItem()
        self.interval_band = BandsItem()  # the 68% interval of the mean, inside the range, from three records
        self.span_outer = pg.PlotCurveItem(connect="pairs")
        self.span_inner = [pg.PlotCurveItem(connect="pairs") for _ in range(3)]
        self._drawn: tuple | None = None
        for item, z in ((self.fresh, 10), (self.stale, 9), (self.bands, 8), (self.interval_band, 8.5),
                        (self.span_outer, 11),
                        *((i, 12) for i in self.span_inner)):
            item.setZValue(z)
            plot.addItem(item)

    def items(self) -> list[pg.GraphicsObject]:
        return [self.fresh, self.stale, self.bands, self.interval_band, self.span_outer, *self.span_inner]

    def remove(self) -> None:
        for item in self.items():
            self.plot.removeItem(item)

    @staticmethod
    def _set_curve(item: pg.PlotCurveItem, x: np.ndarray, y: np.ndarray, pen, **kw) -> None:
        item.setVisible(bool(x.size))
        item.setData(x, y, pen=pen, **kw)

    @staticmethod
    def _arrays(tr: Trace) -> tuple[np.ndarray, ...]:
        return (tr.fresh_x, tr.fresh_y, tr.stale_x, tr.x, tr.x_end, tr.y, tr.low, tr.high, tr.confidence,
                tr.precision, tr.interval_low, tr.interval_high)

    def set_trace(self, tr: Trace, dense: bool = False) -> None:
        """Draw one trace: fresh and stale lines, spans, disagreement bands.

        ``dense`` draws lines without antialiasing on screen: with thousands of
        observations the software rasteriser spends most of a redraw smoothing
        edges nobody can see. Exports always draw antialiased.
        """
        # A live redraw after one edit leaves the other actors' traces as they were:
        # refilling their items would cost more than comparing the arrays.
        key = (tr.colour, dense)
        if self._drawn is not None and self._drawn[0] == key and all(
                np.array_equal(a, b, equal_nan=True) for a, b in zip(self._drawn[1:], self._arrays(tr))):
            return
        self._drawn = (key, *self._arrays(tr))
        self._set_curve(self.fresh, tr.fresh_x, tr.fresh_y, fresh_pen(tr.colour), antialias=not dense)
        self._set_curve(self.stale, tr.stale_x, tr.stale_y, stale_pen(tr.colour), antialias=not dense)
        b = tr.bands
        x1 = np.where(tr.precision[b] > 0, tr.x_end[b], tr.x[b])
        self.bands.setData(tr.x[b], x1, tr.low[b], tr.high[b], [qcolor(tr.colour, 45)] * b.size)
        self.bands.setVisible(bool(b.size))
        iv = tr.intervals
        self.interval_band.setData(tr.x[iv], np.where(tr.precision[iv] > 0, tr.x_end[iv], tr.x[iv]),
                                   tr.interval_low[iv], tr.interval_high[iv], [qcolor(tr.colour, 110)] * iv.size)
        self.interval_band.setVisible(bool(iv.size))
        # A period ("January 2020", "2008") is a capsule across it, not a point:
        # an outline in the actor's colour, filled by confidence like the markers.
        sp = tr.spans
        sx = np.column_stack([tr.x[sp], tr.x_end[sp]]).ravel()
        sy = np.repeat(tr.y[sp], 2)
        self._set_curve(self.span_outer, sx, sy, pg.mkPen(tr.colour, width=9))
        for conf, item in enumerate(self.span_inner):
            sel = np.flatnonzero(tr.confidence[sp] == conf)
            self._set_curve(item, sx.reshape(-1, 2)[sel].ravel(), sy.reshape(-1, 2)[sel].ravel(),
                            pg.mkPen(marker_brush(tr.colour, conf), width=5))


def add_markers(plot: pg.PlotItem) -> MarkersItem:
    """The one item drawing a plot's markers, above its lines and spans."""
    item = MarkersItem()
    item.setZValue(13)
    plot.addItem(item)
    return item


def marker_arrays(traces: list[Trace]) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[str, int]]]:
    """The day-precision observations of all traces as markers: x, y, style index, styles.

    Drawn trace by trace, and within a trace low, medium, then high confidence,
    so where markers overlap the later actor's and the firmer one's is on top.
    """
    xs, ys, ks, styles = [np.array([])], [np.array([])], [np.array([], dtype=np.int64)], []
    for t, tr in enumerate(traces):
        day = np.flatnonzero(tr.precision == 0)
        order = day[np.argsort(tr.confidence[day], kind="stable")]
        xs.append(tr.x[order])
        ys.append(tr.y[order])
        ks.append(tr.confidence[order] + 3 * t)
        styles += [(tr.colour, conf) for conf in range(3)]
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ks), styles


def picker_arrays(traces: list[Trace], offset_x: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
    """Flat hit-test arrays over all traces: period start/end, score, (trace, obs) keys."""
    x0s, x1s, ys, keys = [], [], [], []
    for t, tr in enumerate(traces):
        x0s.append(tr.x)
        x1s.append(np.where(tr.precision > 0, tr.x_end, tr.x))
        ys.append(tr.y)
        keys += [(t, i) for i in range(len(tr))]
    if not keys:
        e = np.array([])
        return e, e, e, []
    return np.concatenate(x0s), np.concatenate(x1s), np.concatenate(ys), keys


def hover_text(store, dim, tr: Trace, i: int) -> str:
    """What hovering over observation i of a trace says."""
    if store is not None:
        text = describe(store, dim, tr.uuids[i])
    else:
        text = f"{tr.name} — {np.datetime_as_string(tr.series.dates[i])}\n{value_text(tr.value(i), dim)}"
    if i in tr.intervals:
        text += f"\n68% interval of the average: {fmt_score(tr.interval_low[i])} to {fmt_score(tr.interval_high[i])}"
    return text


class TimelineFigure(TimeWindow, ChartFigure):
    """The timeline chart (see :class:`chartdata.Timeline`)."""

    kind = "timeline"
    plot_min_px = 205

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = new_plot(self.ci, row=3)
        self.strip = event_strip(self.ci, 2, self.plot)
        self.events = EventLayer(self.strip, [self.plot])
        self.frame(2, self.events.key)
        self.ring = ring_item()
        self.plot.addItem(self.ring, ignoreBounds=True)
        self.layers: list[TraceItems] = []
        self.markers = add_markers(self.plot)
        self.picker = Picker()
        self.show_events = True
        self._highlight: str | None = None

    def set_data(self, data: Timeline, keep_view: bool = False) -> None:
        """Draw a timeline; ``keep_view`` keeps the user's zoom (live updates)."""
        view = self.x_range() if keep_view and self.data is not None else None
        self.data = data
        while len(self.layers) > len(data.traces):
            self.layers.pop().remove()
        while len(self.layers) < len(data.traces):
            self.layers.append(TraceItems(self.plot))
        set_dimension(self.plot, data.dimension)
        set_axis_title(self.plot, "left", data.y_title)
        set_axis_title(self.plot, "bottom", data.x_title)
        dense = sum(len(tr) for tr in data.traces) > DENSE_OBSERVATIONS
        for layer, tr in zip(self.layers, data.traces):
            layer.set_trace(tr, dense)
        self.markers.set_markers(*marker_arrays(data.traces))
        self.picker.set(*picker_arrays(data.traces))
        self.events.set_events(data.events if self.show_events else [], data.start, data.end)
        entries = [legend_entry(tr.colour, tr.name) for tr in data.traces]
        entries.append(legend_entry(GREY, f"evidence over {data.horizon_months} months old", dashed=True))
        self.set_texts(data.title, join_legend(entries, confidence_key()), data.source, data.source_line)
        if view is not None:
            self.plot.setXRange(*view, padding=0)
        else:
            self.set_window(*data.window)
        self.highlight(self._highlight)

    def set_events_visible(self, on: bool) -> None:
        self.show_events = on
        if self.data is not None:
            self.events.set_events(self.data.events if on else [], self.data.start, self.data.end)
        # A hidden layout item keeps its room; a zero height gives it back to the plot.
        self.strip.setFixedHeight(STRIP_HEIGHT if on else 0)
        self.strip.setVisible(on)
        self.fit_content()

    def pick(self, scene_pos: QPointF):
        if self.data is None:
            return None
        key = self.picker.pick(self.plot.getViewBox(), scene_pos)
        if key is None:
            return None
        t, i = key
        tr = self.data.traces[t]
        return tr.uuids[i], hover_text(self.store, self.data.dimension, tr, i)

    def marker_scene_pos(self, actor: str, index: int) -> QPointF:
        """Where observation ``index`` of an actor's trace is drawn (for tests and tours)."""
        tr = next(t for t in self.data.traces if t.actor == actor)
        x = (tr.x[index] + tr.x_end[index]) / 2 if tr.precision[index] > 0 else tr.x[index]
        return self.plot.getViewBox().mapViewToScene(QPointF(x, float(tr.y[index])))

    def highlight(self, uuid: str | None) -> None:
        self._highlight = uuid
        self.ring.setData([], [])
        if not uuid or self.data is None:
            return
        for tr in self.data.traces:
            i = tr.index_of(uuid)
            if i is not None:
                x = (tr.x[i] + tr.x_end[i]) / 2 if tr.precision[i] > 0 else tr.x[i]
                self.ring.setData([x], [float(tr.y[i])])
                return

    def highlight_span(self, x0: float | None, x1: float | None) -> None:
        """Shade a period (a selected shift) on the chart."""
        if getattr(self, "_shift_region", None) is not None:
            self.plot.removeItem(self._shift_region)
            self._shift_region = None
        if x0 is None or x1 is None:
            return
        region = pg.LinearRegionItem((x0, x1), movable=False, brush=pg.mkBrush(255, 200, 0, 60),
                                     pen=pg.mkPen(None))
        region.setZValue(-10)
        self.plot.addItem(region, ignoreBounds=True)
        self._shift_region = region


__all__ = ["TimelineFigure", "TraceItems", "add_markers", "hover_text", "marker_arrays", "picker_arrays"]
