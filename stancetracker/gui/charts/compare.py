"""Comparison: how far apart two actors are over time, and on how many dimensions that rests."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF

from stancetracker.core.analysis.chartdata import Comparison
from stancetracker.core.analysis.wording import fmt_score
from stancetracker.gui.charts.common import (
    TimeWindow,
    STRIP_HEIGHT,
    GREY,
    INK,
    ChartFigure,
    EventLayer,
    Picker,
    event_strip,
    new_plot,
    ring_item,
    set_axis_title,
)

_DAY = 86400.0
_LINE = "#333333"


def step_arrays(x: np.ndarray, y: np.ndarray, end: float) -> tuple[np.ndarray, np.ndarray]:
    """A step line through (x, y) held to ``end``; NaN values leave gaps."""
    if x.size == 0:
        return np.array([]), np.array([])
    sx = np.r_[np.repeat(x, 2)[1:], max(end, float(x[-1]))]
    sy = np.repeat(y, 2)
    return sx, sy


def compare_hover(c: Comparison, i: int) -> str:
    """Hover text for a grid date: the distance and the dimensions it rests on (worded by the core)."""
    return c.describe(i)


class CompareFigure(TimeWindow, ChartFigure):
    """The comparison chart (see :class:`chartdata.Comparison`)."""

    kind = "compare"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = new_plot(self.ci, row=3, bottom_axis=False)
        self.plot.getAxis("left").setTicks([[(0.0, "0  same position"), (1.0, "1"), (2.0, "2"),
                                             (3.0, "3"), (4.0, "4  opposite poles")], []])
        self.plot.setYRange(-0.15, 4.15, padding=0)
        self.plot.setTitle("Mean absolute difference of their stances", size="10pt", color=INK, bold=True)
        self.count_plot = new_plot(self.ci, row=4)
        self.count_plot.setXLink(self.plot)
        self.count_plot.setFixedHeight(152)  # 130 for the plot and its dates, 22 for the "Date" title
        self.count_plot.setTitle("Dimensions the distance rests on (both actors have evidence)",
                                 size="10pt", color=INK, bold=True)
        self.strip = event_strip(self.ci, 2, self.plot, height=STRIP_HEIGHT)
        self.events = EventLayer(self.strip, [self.plot, self.count_plot])
        self.frame(3)
        self.items: list[pg.GraphicsObject] = []
        self.picker = Picker()
        self.ring = ring_item()
        self.plot.addItem(self.ring, ignoreBounds=True)
        self.show_events = True

    def set_data(self, data: Comparison, keep_view: bool = False) -> None:
        """Draw a comparison; ``keep_view`` keeps the user's zoom (live updates)."""
        view = self.x_range() if keep_view and self.data is not None else None
        self.data = data
        for plot, item in self.items:
            plot.removeItem(item)
        self.items = []
        nd = len(data.dimensions)
        self.count_plot.getAxis("left").setTicks([[(float(k), str(k)) for k in range(nd + 1)], []])
        self.count_plot.setYRange(-0.35, nd + 0.45, padding=0)
        sx, sy = step_arrays(data.x, data.distance, data.end)
        self._add(self.plot, pg.PlotCurveItem(sx, sy, pen=pg.mkPen(_LINE, width=2.6), connect="finite",
                                               antialias=True))
        ok = ~np.isnan(data.distance)
        # Marker size grows with the number of dimensions the mean rests on.
        sizes = 5 + 3 * data.n_dims[ok]
        self._add(self.plot, pg.ScatterPlotItem(data.x[ok], data.distance[ok], size=sizes,
                                                 pen=pg.mkPen(_LINE, width=1.2), brush=pg.mkBrush("#ffffff")))
        cx, cy = step_arrays(data.x, data.n_dims.astype(float), data.end)
        self._add(self.count_plot, pg.PlotCurveItem(cx, cy, pen=pg.mkPen(GREY, width=1.5), fillLevel=0,
                                                     brush=pg.mkBrush(150, 150, 150, 90)))
        self.picker.set(data.x, data.x, np.where(ok, data.distance, np.nan), list(range(data.x.size)))
        self.events.set_events(data.events if self.show_events else [], data.start, data.end)
        self.strip.setFixedHeight(STRIP_HEIGHT if self.show_events and data.events else 0)
        a_col, b_col = data.colours
        verdict = {"converging": "converging", "diverging": "diverging"}.get(data.trend, data.trend)
        legend = (f"<span style='color:{a_col}; font-weight:bold'>{html.escape(data.a_name)}</span> and "
                  f"<span style='color:{b_col}; font-weight:bold'>{html.escape(data.b_name)}</span>: "
                  f"<b>{html.escape(verdict)}</b>{self._span_text(data)}"
                  f"<br><span style='color:{GREY}'>━ distance (0 = same position, 4 = opposite poles) · "
                  f"○ larger circle = more dimensions · grey area = number of dimensions</span>")
        set_axis_title(self.plot, "left", data.y_title)
        set_axis_title(self.count_plot, "left", data.count_title)
        set_axis_title(self.count_plot, "bottom", data.x_title)
        self.set_texts(data.title, legend, data.source, data.source_line)
        if view is not None:
            self.plot.setXRange(*view, padding=0)
        else:
            self.set_window(*data.window)

    @staticmethod
    def _span_text(c: Comparison) -> str:
        known = np.flatnonzero(~np.isnan(c.distance))
        if known.size < 2:
            return ""
        i, j = known[0], known[-1]
        return (f" (mean distance {fmt_score(c.distance[i], signed=False)} in {str(c.dates[i])[:4]} → "
                f"{fmt_score(c.distance[j], signed=False)} in {str(c.dates[j])[:4]})")

    def _add(self, plot: pg.PlotItem, item: pg.GraphicsObject) -> None:
        plot.addItem(item)
        self.items.append((plot, item))

    def pick(self, scene_pos: QPointF):
        if self.data is None:
            return None
        i = self.picker.pick(self.plot.getViewBox(), scene_pos, radius=10)
        if i is None:
            return None
        return [], compare_hover(self.data, i)

    def set_events_visible(self, on: bool) -> None:
        self.show_events = on
        if self.data is not None:
            self.set_data(self.data, keep_view=True)


__all__ = ["CompareFigure", "compare_hover", "step_arrays"]
