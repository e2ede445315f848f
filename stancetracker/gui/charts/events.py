"""Events on charts: a dashed line across the plots, a numbered marker on a strip above them,
and a key below listing number, date and full label of every event in the date range shown.

The key is an item of the figure's own scene, so it is in every export; it and
the markers follow zoom and pan (``core/analysis/event_key`` decides what is in
range, the numbers and how crowded markers stack).
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen, QTransform

from stancetracker.core.analysis.event_key import KeyEntry, key_entries, stack_markers
from stancetracker.gui.charts.common import EVENT, GREY, INK, LEFT_AXIS_WIDTH

LANES = 4
LANE_PX = 16
STRIP_HEIGHT = LANES * LANE_PX + 6
MARKER_FONT_PX = 10
KEY_FONT_PX = 11
KEY_COLUMN_PX = 300  # a key column is at least this wide; wider figures get more columns
KEY_GAP_PX = 18


def _font(px: int, bold: bool = False) -> QFont:
    # Pixel sizes: a chart is laid out in logical pixels and exports scale the painter, so a
    # point size (which follows the paint device's DPI) would be scaled twice.
    f = QFont()
    f.setPixelSize(px)
    f.setBold(bold)
    return f


class EventMarkersItem(pg.GraphicsObject):
    """The numbered markers on the event strip, laid out in pixels for the range shown."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[KeyEntry] = []
        self.font = _font(MARKER_FONT_PX, bold=True)
        self.markers = []

    def set_entries(self, entries: list[KeyEntry]) -> None:
        self.entries = entries
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self) -> QRectF:
        vb = self.getViewBox()
        return vb.viewRect() if vb is not None else QRectF()

    def viewRangeChanged(self) -> None:
        self.prepareGeometryChange()

    def layout(self) -> tuple[list, float, float]:
        """The markers for the strip's current size (and its width, height in pixels)."""
        vb = self.getViewBox()
        (x0, x1), _ = vb.viewRange()
        w, h = vb.width(), vb.height()
        fm = QFontMetricsF(self.font)
        xs = [(e.x - x0) / ((x1 - x0) or 1.0) * w for e in self.entries]
        markers = stack_markers(xs, lambda t: fm.horizontalAdvance(t) + 6, LANES, w,
                                numbers=[e.number for e in self.entries])
        self.markers = markers
        return markers, w, h

    def paint(self, p: QPainter, *args) -> None:
        vb = self.getViewBox()
        if not self.entries or vb is None or vb.width() <= 0:
            return
        (x0, x1), (y0, y1) = vb.viewRange()
        markers, w, h = self.layout()
        # Draw in the strip's pixels (origin top left), whatever the view's data scale.
        to_data = QTransform((x1 - x0) / w, 0, 0, -(y1 - y0) / h, x0, y1)
        p.setTransform(to_data * p.transform())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setFont(self.font)
        xs = [(e.x - x0) / ((x1 - x0) or 1.0) * w for e in self.entries]
        tick = QPen(QColor(EVENT), 1)
        for m in markers:
            top = h - (m.lane + 1) * LANE_PX
            p.setPen(tick)
            for i in range(m.first, m.last + 1):  # a tick down to the axis from each event's marker
                p.drawLine(pg.QtCore.QPointF(xs[i], top + LANE_PX - 2), pg.QtCore.QPointF(xs[i], h))
        for m in markers:
            top = h - (m.lane + 1) * LANE_PX
            rect = QRectF(m.left, top, m.right - m.left, LANE_PX - 3)
            p.setPen(QPen(QColor(GREY), 1))
            p.setBrush(QColor("white"))
            p.drawRoundedRect(rect, 3, 3)
            p.setPen(QColor(INK))
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, m.text)


class EventKeyItem(pg.GraphicsWidget):
    """The key: number, date and full label of every event in range, in as many columns as fit.

    Its height follows its width and its entries (``roomChanged`` tells the figure).
    """

    roomChanged = Signal()  # not QGraphicsWidget.heightChanged: that one also fires while the scene is torn down

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[KeyEntry] = []
        self.number_font = _font(KEY_FONT_PX, bold=True)
        self.text_font = _font(KEY_FONT_PX)
        self.head_font = _font(KEY_FONT_PX, bold=True)
        self._laid: list[tuple[QRectF, QRectF, KeyEntry]] = []
        self._height = 0.0
        self.setFixedHeight(0)

    def set_entries(self, entries: list[KeyEntry]) -> None:
        if [(e.number, e.x, e.label) for e in entries] == [(e.number, e.x, e.label) for e in self.entries]:
            return
        self.entries = entries
        self.relayout()

    def texts(self) -> list[str]:
        """Each line of the key as read: "12  7 Dec 2019  Drone attack on Sadr's office, Najaf"."""
        return [f"{e.number}  {e.when}  {e.label}" for e in self.entries]

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        self.relayout()

    def relayout(self) -> None:
        """Columns and rows for the current width; the height that needs."""
        width = self.size().width() or self.preferredWidth() or 800.0
        self._laid = []
        height = 0.0
        if self.entries:
            num_fm, text_fm = QFontMetricsF(self.number_font), QFontMetricsF(self.text_font)
            num_w = num_fm.horizontalAdvance(str(max(e.number for e in self.entries))) + 6
            left = float(LEFT_AXIS_WIDTH) if width > LEFT_AXIS_WIDTH + 2 * KEY_COLUMN_PX else 0.0
            usable = width - left
            cols = max(1, min(len(self.entries), int((usable + KEY_GAP_PX) // (KEY_COLUMN_PX + KEY_GAP_PX))))
            col_w = (usable - KEY_GAP_PX * (cols - 1)) / cols
            rows = math.ceil(len(self.entries) / cols)
            head = text_fm.height() + 2
            flags = int(Qt.TextFlag.TextWordWrap)
            for c in range(cols):
                y = head
                x = left + c * (col_w + KEY_GAP_PX)
                for e in self.entries[c * rows:(c + 1) * rows]:
                    text = f"{e.when}  {e.label}"
                    r = text_fm.boundingRect(QRectF(0, 0, col_w - num_w, 10000), flags, text)
                    lh = max(r.height(), text_fm.height())
                    self._laid.append((QRectF(x, y, num_w - 4, lh), QRectF(x + num_w, y, col_w - num_w, lh), e))
                    y += lh + 1
                height = max(height, y)
            height += 2
        if abs(height - self._height) > 0.5:
            self._height = height
            self.setFixedHeight(height)
            self.setVisible(height > 0)
            self.roomChanged.emit()
        self.update()

    def paint(self, p: QPainter, *args) -> None:
        if not self._laid:
            return
        p.setPen(QColor(GREY))
        p.setFont(self.head_font)
        first = self._laid[0][0]
        p.drawText(QRectF(first.left(), 0, self.size().width(), first.top()),
                   int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                   "Events (numbered on the strip above the chart)")
        wrap = int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for num_rect, text_rect, e in self._laid:
            p.setPen(QColor(INK))
            p.setFont(self.number_font)
            p.drawText(num_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), str(e.number))
            p.setFont(self.text_font)
            p.drawText(text_rect, wrap, f"{e.when}  {e.label}")


class EventLayer:
    """Every event of a chart: lines across its plots, numbered markers on its strip, and its key.

    Lines are built once per set of events (a redraw of 20 actors need not
    rebuild them); markers and key follow the strip's visible range.
    """

    def __init__(self, strip: pg.PlotItem, plots: list[pg.PlotItem]):
        self.strip = strip
        self.plots = plots
        self.lines: list[tuple[pg.PlotItem, pg.InfiniteLine]] = []
        self.events: list = []
        self.markers = EventMarkersItem()
        strip.addItem(self.markers, ignoreBounds=True)
        self.key = EventKeyItem()
        self._key: list | None = None
        strip.getViewBox().sigXRangeChanged.connect(self.update_range)

    def set_events(self, events, lo: float = 0.0, hi: float = 0.0) -> None:
        """Draw these events (all of them; those outside the range shown are left out of the key)."""
        shown = list(events)
        key = [(e.x, e.label, e.precision) for e in shown]
        if key != self._key:
            self._key = key
            for plot, item in self.lines:
                plot.removeItem(item)
            self.lines = []
            pen = pg.mkPen(EVENT, width=1, style=Qt.PenStyle.DashLine)
            for e in shown:
                for plot in self.plots:
                    line = pg.InfiniteLine(pos=e.x, angle=90, pen=pen, movable=False)
                    line.setZValue(-5)
                    plot.addItem(line, ignoreBounds=True)
                    self.lines.append((plot, line))
            self.events = shown
        self.update_range()

    def x_range(self) -> tuple[float, float]:
        return tuple(self.strip.getViewBox().viewRange()[0])

    def entries(self) -> list[KeyEntry]:
        """The key's entries for the range shown."""
        return key_entries(self.events, *self.x_range())

    def describe_at(self, scene_pos) -> str:
        """The key lines of the marker under a scene position (hovering a marker names its events)."""
        vb = self.strip.getViewBox()
        if not self.strip.isVisible() or not vb.sceneBoundingRect().contains(scene_pos):
            return ""
        p = scene_pos - vb.sceneBoundingRect().topLeft()
        markers, _, h = self.markers.layout()
        entries = self.markers.entries
        for m in markers:
            top = h - (m.lane + 1) * LANE_PX
            if m.left <= p.x() <= m.right and top <= p.y() <= top + LANE_PX:
                return "\n".join(f"{e.number}  {e.when}  {e.label}" for e in entries[m.first:m.last + 1])
        return ""

    def update_range(self, *args) -> None:
        entries = self.entries()
        self.markers.set_entries(entries)
        self.key.set_entries(entries)


def event_strip(layout: pg.GraphicsLayout, row: int, link: pg.PlotItem, height: float = STRIP_HEIGHT) -> pg.PlotItem:
    """An axis-less strip above a plot, sharing its x range, that holds the event markers."""
    strip = layout.addPlot(row=row, col=0)
    strip.setMenuEnabled(False)
    strip.hideButtons()
    strip.hideAxis("bottom")
    left = strip.getAxis("left")
    left.setWidth(LEFT_AXIS_WIDTH)
    left.setStyle(showValues=False)
    left.setPen(pg.mkPen(None))
    strip.setYRange(0, 1, padding=0)
    strip.setXLink(link)
    strip.getViewBox().setMouseEnabled(x=False, y=False)
    strip.setFixedHeight(height)
    return strip


__all__ = ["EventKeyItem", "EventMarkersItem", "EventLayer", "STRIP_HEIGHT", "event_strip"]
