"""Pieces every chart shares: the figure frame (title, legend, source line),
axes, event lines, disagreement bands and the hit test behind hover and click."""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QApplication, QToolTip

from stancetracker.core.analysis.wording import SourceLine, fmt_score
from stancetracker.core.model.entities import Dimension

INK = "#222222"
GREY = "#666666"
EVENT = "#8a8a8a"
PICK_RADIUS_PX = 8.0
LEFT_AXIS_WIDTH = 196  # fits "+2  strongly pro-consensus" at 9 pt and the axis title beside it
_DAY = 86400.0


def qcolor(colour: str, alpha: int = 255) -> QColor:
    """A QColor from #rrggbb with an alpha."""
    c = QColor(colour)
    c.setAlpha(alpha)
    return c


def tint(colour: str, amount: float) -> QColor:
    """The colour mixed with white (amount 0: white, 1: the colour); opaque, so it prints."""
    c = QColor(colour)
    mix = lambda v: int(round(255 - (255 - v) * amount))
    return QColor(mix(c.red()), mix(c.green()), mix(c.blue()))


def marker_brush(colour: str, confidence: int) -> QColor:
    """How a marker shows its confidence: filled (high), pale (medium), hollow (low)."""
    return (tint(colour, 0.0), tint(colour, 0.35), tint(colour, 1.0))[confidence]


def style_axis(axis: pg.AxisItem, font_pt: float = 9.0) -> None:
    """Dark, readable axes for white report backgrounds."""
    axis.setPen(pg.mkPen(GREY))
    axis.setTextPen(pg.mkPen(INK))
    f = QFont()
    f.setPointSizeF(font_pt)
    axis.setStyle(tickFont=f, tickTextOffset=4)


def set_axis_title(plot: pg.PlotItem, side: str, text: str) -> None:
    """Title an axis (the words come from the chart data; '' hides the title)."""
    axis = plot.getAxis(side)
    if not text:
        axis.showLabel(False)
        return
    # No SI prefix: pyqtgraph would title a lane spanning -0.6..0.6 "Roles (x0.001)".
    axis.enableAutoSIPrefix(False)
    axis.setLabel(html.escape(text), color=INK, **{"font-size": "9pt"})


def date_axis() -> pg.DateAxisItem:
    """A bottom date axis in UTC."""
    ax = pg.DateAxisItem(orientation="bottom", utcOffset=0)
    style_axis(ax)
    return ax


def score_ticks(dim: Dimension) -> list[list[tuple[float, str]]]:
    """Y ticks -2..+2 labelled with the dimension's score labels (poles at the ends)."""
    major = [(float(v), f"{fmt_score(v)}  {dim.score_label(v)}") for v in (-2, -1, 0, 1, 2)]
    return [major, []]


def set_dimension(plot: pg.PlotItem, dim: Dimension) -> None:
    """Label a plot's y axis with a dimension's score labels."""
    plot.getAxis("left").setTicks(score_ticks(dim))
    plot.setYRange(-2.45, 2.45, padding=0)


def new_plot(layout: pg.GraphicsLayout, row: int, dim: Dimension | None = None,
             bottom_axis: bool = True) -> pg.PlotItem:
    """A plot with a date axis (hidden when not ``bottom_axis``) and score ticks."""
    plot = layout.addPlot(row=row, col=0, axisItems={"bottom": date_axis()})
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.showGrid(x=True, y=True, alpha=0.12)
    style_axis(plot.getAxis("left"))
    if not bottom_axis:
        plot.getAxis("bottom").setStyle(showValues=False)
    # Equal axis widths keep x-linked plots aligned pixel for pixel.
    plot.getAxis("left").setWidth(LEFT_AXIS_WIDTH)
    # The ±2 pole labels sit at the plot's edge; pyqtgraph would drop them as "overlapping".
    plot.getAxis("left").setStyle(hideOverlappingLabels=False)
    if dim is not None:
        set_dimension(plot, dim)
    plot.getViewBox().setMouseEnabled(x=True, y=False)
    return plot


class BandsItem(pg.GraphicsObject):
    """Filled rectangles in data coordinates, at least ``min_px`` wide on screen.

    Used for disagreement bands (low..high on one date) and membership bars;
    a day-precision band would otherwise be a hairline.
    """

    def __init__(self, x0=(), x1=(), y0=(), y1=(), colours: list[QColor] | None = None, min_px: float = 7.0):
        super().__init__()
        self.min_px = min_px
        self.setData(x0, x1, y0, y1, colours or [])

    def setData(self, x0, x1, y0, y1, colours: list[QColor]) -> None:
        """Replace the rectangles."""
        self.prepareGeometryChange()
        self.x0, self.x1 = np.asarray(x0, float), np.asarray(x1, float)
        self.y0, self.y1 = np.asarray(y0, float), np.asarray(y1, float)
        self.colours = colours
        self.update()

    def boundingRect(self) -> QRectF:
        if self.x0.size == 0:
            return QRectF()
        pad = (self.pixelWidth() or 0.0) * self.min_px
        return QRectF(QPointF(self.x0.min() - pad, self.y0.min()), QPointF(self.x1.max() + pad, self.y1.max()))

    def paint(self, p: QPainter, *args) -> None:
        px = self.pixelWidth() or 0.0
        p.setPen(Qt.PenStyle.NoPen)
        for x0, x1, y0, y1, c in zip(self.x0, self.x1, self.y0, self.y1, self.colours):
            grow = max(0.0, self.min_px * px - (x1 - x0)) / 2
            p.setBrush(c)
            p.drawRect(QRectF(QPointF(x0 - grow, y0), QPointF(x1 + grow, y1)))


class Picker:
    """Finds the observation under the mouse: points for day precision, spans otherwise."""

    def __init__(self) -> None:
        self.x0 = np.array([])
        self.x1 = np.array([])
        self.y = np.array([])
        self.keys: list[object] = []

    def set(self, x0: np.ndarray, x1: np.ndarray, y: np.ndarray, keys: list[object]) -> None:
        self.x0, self.x1, self.y, self.keys = x0, x1, y, keys

    def pick(self, vb: pg.ViewBox, scene_pos: QPointF, radius: float = PICK_RADIUS_PX) -> object | None:
        """The key of the nearest observation within ``radius`` pixels, or None."""
        if not self.keys or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        px, py = vb.viewPixelSize()
        dx = np.maximum(0.0, np.maximum(self.x0 - p.x(), p.x() - self.x1)) / (px or 1.0)
        dy = (self.y - p.y()) / (py or 1.0)
        # An observation with no value (a comparison date where one actor has no evidence) is
        # never under the mouse: left as NaN, argmin chose it and no hover was found at all.
        d = np.nan_to_num(np.hypot(dx, dy), nan=np.inf)
        # On a tie the last-drawn (topmost) observation wins: it is the one the user sees.
        i = d.size - 1 - int(np.argmin(d[::-1]))
        return self.keys[i] if d[i] <= radius else None


class ShrinkLabel(pg.LabelItem):
    """A LabelItem whose text width is not a minimum width: longer than its room, the text wraps.

    pyqtgraph makes a label's text width its minimum, which in a narrow window
    pushes the plots past the widget's edge; here the text wraps onto more lines
    (its height grows) instead of being cut at both ends.
    """

    def resizeEvent(self, ev) -> None:
        width = self.size().width()
        self.item.setTextWidth(-1)
        if width > 1 and self.item.boundingRect().width() > width:
            self.item.setTextWidth(width)
            option = self.item.document().defaultTextOption()
            option.setAlignment({"left": Qt.AlignmentFlag.AlignLeft, "right": Qt.AlignmentFlag.AlignRight}.get(
                self.opts.get("justify"), Qt.AlignmentFlag.AlignHCenter))
            self.item.document().setDefaultTextOption(option)
        super().resizeEvent(ev)

    def updateMin(self) -> None:
        super().updateMin()
        height = self._sizeHint[Qt.SizeHint.MinimumSize][1]
        self._sizeHint[Qt.SizeHint.MinimumSize] = (0, height)
        self.setMinimumWidth(0)


class SourceLabel(ShrinkLabel):
    """The source line under a chart, wrapped to the width it is given: between its parts where it
    can, between words otherwise, never inside a word (see ``wording.SourceLine.lines``)."""

    FONT_PT = 8.0

    def __init__(self) -> None:
        super().__init__("", size=f"{self.FONT_PT:g}pt", color=GREY, justify="left")
        self.line: SourceLine | None = None
        self.plain = ""
        self.lines: list[str] = []
        self._width = -1.0

    def set_source(self, line: SourceLine | None, text: str = "") -> None:
        """Show a source line (or, without its parts, plain text on one line)."""
        self.line, self.plain = line, text
        self._wrap(self.rect().width())

    def resizeEvent(self, ev) -> None:
        # LabelItem's constructor resizes before this object has its attributes.
        if getattr(self, "line", None) is not None and abs(self.rect().width() - self._width) > 0.5:
            self._wrap(self.rect().width())
        super().resizeEvent(ev)

    def _wrap(self, width: float) -> None:
        self._width = width  # first: setText below comes back through resizeEvent
        if self.line is None:
            self.lines = [self.plain] if self.plain else []
        else:
            font = QFont(self.item.font())
            font.setPointSizeF(self.FONT_PT)
            fm = QFontMetricsF(font)
            room = width - 2 * self.item.document().documentMargin() - 2
            # Before the first layout there is no width: one line until the real width is known.
            self.lines = (self.line.lines(fits=lambda s: fm.horizontalAdvance(s) <= room) if room > 40
                          else [self.line.text()])
        self.setText("<br>".join(html.escape(t) for t in self.lines))


def set_plot_title(plot: pg.PlotItem, title: str, **style) -> None:
    """A plot's title that never widens the figure: pyqtgraph's title label has its text width as
    minimum width, which pushed a narrow comparison past its panel's edge."""
    if not isinstance(plot.titleLabel, ShrinkLabel):
        old = plot.titleLabel
        plot.layout.removeItem(old)
        old.setParentItem(None)
        if old.scene() is not None:
            old.scene().removeItem(old)
        plot.titleLabel = ShrinkLabel("", size="11pt", parent=plot)
        plot.layout.addItem(plot.titleLabel, 0, 1)
    plot.setTitle(title, **style)


class TimeWindow:
    """Zoom helpers for figures with one time axis (``self.plot``) over ``self.data.start``…``end``."""

    def fit_all(self) -> None:
        if self.data is not None:
            self.plot.setXRange(self.data.start, self.data.end, padding=0.02)

    def set_window(self, lo: float | None, hi: float | None) -> None:
        if self.data is None:
            return
        lo = self.data.start if lo is None else lo
        hi = self.data.end if hi is None else hi
        self.plot.setXRange(lo, max(hi, lo + _DAY), padding=0.02)

    def x_range(self) -> tuple[float, float]:
        return tuple(self.plot.getViewBox().viewRange()[0])


class ChartFigure(pg.GraphicsLayoutWidget):
    """A chart as it goes into a report: title, legend, the plots, a source line."""

    kind = ""
    plot_min_px = 200  # a stretching plot never gets less than this in a scrolling view
    recordActivated = Signal(str)
    hoverChanged = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setBackground("w")
        self.ci.setContentsMargins(10, 8, 14, 6)
        self.ci.setSpacing(4)
        self.title_item = ShrinkLabel("", size="13pt", bold=True, color=INK)
        self.legend_item = ShrinkLabel("", size="9pt", color=INK)
        self.source_item = SourceLabel()
        self.data = None
        self.scrolls = False  # set by a scrolling container; exports lay out at the size asked for
        self.store = None  # for hover descriptions; charts never write
        self.last_hover = ""
        self.scene().sigMouseMoved.connect(self._on_move)
        self.scene().sigMouseClicked.connect(self._on_click)

    # ---- frame
    def frame(self, body_rows: int, key: pg.GraphicsWidget | None = None) -> None:
        """Put title and legend above ``body_rows`` rows of plots, the event key and source line below."""
        self.ci.addItem(self.title_item, row=0, col=0)
        self.ci.addItem(self.legend_item, row=1, col=0)
        if key is not None:
            self.ci.addItem(key, row=2 + body_rows, col=0)
            key.roomChanged.connect(self.fit_content)
        self.ci.addItem(self.source_item, row=3 + body_rows, col=0)
        self.fit_content()

    # ---- size
    def minimum_height(self, plot_min_px: int | None = None) -> int:
        """The height at which every plot keeps at least ``plot_min_px`` (the figure's own by default)."""
        plot_min_px = self.plot_min_px if plot_min_px is None else plot_min_px
        lay = self.ci.layout
        total = 0.0
        rows = 0
        for item in self.ci.items:
            if not item.isVisible():
                continue
            rows += 1
            lo, hi = item.minimumHeight(), item.maximumHeight()
            if isinstance(item, pg.PlotItem) and hi - lo > 1:  # a plot that stretches
                lo = max(lo, plot_min_px)
            else:
                lo = max(lo, item.preferredHeight() if hi - lo > 1 else lo)
            total += lo
        _, top, _, bottom = lay.getContentsMargins()
        return int(math.ceil(total + lay.verticalSpacing() * max(0, rows - 1) + top + bottom) + 4)

    def fit_content(self) -> None:
        """In a scrolling panel or window (``scrolls``), keep the minimum height that plots need."""
        if self.scrolls:
            self.setMinimumHeight(self.minimum_height())

    def set_texts(self, title: str, legend_html: str, source: str, line: SourceLine | None = None) -> None:
        """Title, legend and source line; ``line`` (the source in parts) wraps at the chart's width."""
        self.title_item.setText(html.escape(title))
        self.legend_item.setText(legend_html)
        self.source_item.set_source(line, source)

    def show_empty(self, message: str) -> None:
        """Nothing chosen to chart: the message where the title goes, the plots and texts hidden.

        Without this the last chart stayed on screen after its actors were
        unticked, titled with names no longer chosen.
        """
        self.data = None
        self.set_texts(message, "", "")
        self.show_body(False)

    def show_body(self, on: bool) -> None:
        for item in list(self.ci.items):
            if item is not self.title_item:
                item.setVisible(on)
        self.fit_content()

    def title(self) -> str:
        return getattr(self.data, "title", "")

    def set_title(self, title: str) -> None:
        """Replace the title (export dialogs let the user change it)."""
        if self.data is not None:
            self.data.title = title
        self.title_item.setText(html.escape(title))

    def wheelEvent(self, ev) -> None:
        """The wheel zooms a plot under the mouse; elsewhere (titles, strip, key) it scrolls the panel."""
        pos = self.mapToScene(ev.position().toPoint())
        zooms = any(isinstance(it, pg.ViewBox) and any(it.state["mouseEnabled"]) for it in self.scene().items(pos))
        if zooms or not self.scrolls:
            super().wheelEvent(ev)
        else:
            ev.ignore()  # the scroll area holding the figure takes it

    # ---- interaction, implemented by subclasses through pick()
    def pick(self, scene_pos: QPointF) -> tuple[list[str], str] | None:
        """(record uuids, hover text) of what lies under a scene position, or None."""
        return None

    def hover_text_at(self, pos: QPointF) -> str:
        """What hovering a scene position says: the observation there, else the event marker, else ""."""
        hit = self.pick(pos)
        text = hit[1] if hit else ""
        events = getattr(self, "events", None)  # the figures with an event strip
        if not text and events is not None:
            text = events.describe_at(pos)
        return text

    def viewportEvent(self, ev) -> bool:
        """Answer Qt's own tooltip request (the mouse at rest) with the hover text.

        Left to itself, the scene answers it with the tooltip of an item under the
        mouse; none of ours has one, so it hid the tooltip the move had just shown,
        about 0.7 s after the mouse stopped. Any other event that hides a tooltip
        (a window activated after an export's file dialog closes) is mended the same way.
        """
        if ev.type() == QEvent.Type.ToolTip:
            text = self.hover_text_at(self.mapToScene(ev.pos()))
            if text:
                QToolTip.showText(ev.globalPos(), text, self.viewport())
            else:
                hide_tooltip()
            return True
        return super().viewportEvent(ev)

    def _on_move(self, pos: QPointF) -> None:
        text = self.hover_text_at(pos)
        changed = text != self.last_hover
        if changed:
            self.last_hover = text
            self.hoverChanged.emit(text)
        if not self.isVisible():
            return
        if text:
            QToolTip.showText(self.viewport().mapToGlobal(self.mapFromScene(pos)), text, self.viewport())
        elif changed:
            hide_tooltip()

    def _on_click(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        hit = self.pick(ev.scenePos())
        if hit and hit[0]:
            ev.accept()
            self.recordActivated.emit(hit[0][0])

    # ---- view
    def fit_all(self) -> None:
        """Show all the data."""

    def set_window(self, lo: float | None, hi: float | None) -> None:
        """Show a date range (seconds); None ends fall back to the data's extent."""

    def x_range(self) -> tuple[float, float] | None:
        return None

    def highlight(self, uuid: str | None) -> None:
        """Ring the observation holding this record (None clears)."""


def hide_tooltip() -> None:
    """Hide the tooltip at once.

    QToolTip.hideText() only starts a 300 ms timer, and a tooltip shown again
    before it fires (the mouse crossing a gap between two markers) is reused and
    then hidden by it: the next marker's tooltip vanished. Hiding the label
    itself makes the next showText() start a fresh one.
    """
    for w in QApplication.topLevelWidgets():
        if w.objectName() == "qtooltip_label" and w.isVisible():
            w.hide()


def legend_entry(colour: str, name: str, dashed: bool = False) -> str:
    """One legend entry as HTML: a coloured line sample and the name."""
    sample = "╍╍╍" if dashed else "━━━"
    return (f"<span style='color:{colour}; font-weight:bold'>{sample}</span>&nbsp;"
            f"{html.escape(name)}")


def confidence_key(colour: str = INK) -> str:
    """Legend text for marker fills and faded lines."""
    return (f"<span style='color:{GREY}'>confidence: ● high&nbsp; "
            f"<span style='color:#999'>●</span> medium&nbsp; ○ low&nbsp;&nbsp;·&nbsp;&nbsp;"
            f"━ month/year span&nbsp;&nbsp;·&nbsp;&nbsp;▮ records disagree</span>")


def join_legend(entries: list[str], key: str = "") -> str:
    row = "&nbsp;&nbsp;&nbsp;&nbsp;".join(entries)
    return row + (f"<br>{key}" if key else "")


def stale_pen(colour: str) -> QPen:
    """The faded, dashed line of a stance whose evidence is older than the horizon."""
    pen = pg.mkPen(tint(colour, 0.45), width=1.6, style=Qt.PenStyle.DashLine)
    return pen


def fresh_pen(colour: str) -> QPen:
    return pg.mkPen(colour, width=2.4)


def ring_item() -> pg.ScatterPlotItem:
    """The selection ring drawn around a highlighted observation."""
    ring = pg.ScatterPlotItem(size=22, symbol="o", pen=pg.mkPen("#000000", width=2.2), brush=None, pxMode=True)
    ring.setZValue(50)
    return ring
