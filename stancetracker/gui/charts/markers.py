"""Observation markers: every marker of a plot in one item, styled by index.

A pyqtgraph ScatterPlotItem looks its cached symbol up point by point in
Python, and each item costs a refill and a paint of its own: 60 of them (20
actors × 3 confidences) were a third of a timeline redraw. Here the styles
are rendered once into a strip of images, each point carries the index of
its style in a NumPy array, and the screen paint is one call that copies the
images into place. Exports draw every marker as vector shapes, as
ScatterPlotItem does, so SVG stays sharp.
"""

from __future__ import annotations

import functools

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol, renderSymbol
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QImage, QPainter, QPen, QPixmap

from stancetracker.gui.charts.common import marker_brush

SYMBOL = "o"
SIZE = 10.0
PEN_WIDTH = 1.8


@functools.lru_cache(maxsize=512)
def marker_style(colour: str, confidence: int) -> tuple[QPen, QBrush]:
    """The outline and fill of a marker: the actor's colour, filled by confidence."""
    return pg.mkPen(colour, width=PEN_WIDTH), pg.mkBrush(marker_brush(colour, confidence))


@functools.lru_cache(maxsize=64)
def _atlas(styles: tuple[tuple[str, int], ...], dpr: float) -> tuple[QPixmap, int]:
    """The styles' symbols side by side in one pixmap, and the side of each (device pixels)."""
    images = [renderSymbol(SYMBOL, SIZE, *marker_style(*s), dpr=dpr) for s in styles]
    side = images[0].width()
    strip = QImage(side * len(images), side, QImage.Format.Format_ARGB32_Premultiplied)
    strip.fill(0)
    p = QPainter(strip)
    for k, img in enumerate(images):
        img.setDevicePixelRatio(1.0)  # copy device pixels as they are
        p.drawImage(k * side, 0, img)
    p.end()
    return QPixmap.fromImage(strip), side


class MarkersItem(pg.GraphicsObject):
    """Markers of a fixed on-screen size at (x, y), drawn in array order (later on top)."""

    def __init__(self) -> None:
        super().__init__()
        self.x = np.array([])
        self.y = np.array([])
        self.style = np.array([], dtype=np.int64)
        self.styles: tuple[tuple[str, int], ...] = ()
        self._extent = QRectF()  # of the points, in data coordinates; asked for on every paint
        self._fragments = pg.Qt.internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    def set_markers(self, x: np.ndarray, y: np.ndarray, style: np.ndarray,
                    styles: tuple[tuple[str, int], ...]) -> None:
        """Replace the markers; ``style[i]`` indexes ``styles``, (colour, confidence) pairs."""
        self.prepareGeometryChange()
        self.x, self.y = np.asarray(x, float), np.asarray(y, float)
        self.style = np.asarray(style, np.int64)
        self.styles = tuple(styles)
        if self.x.size:
            self._extent = QRectF(QPointF(self.x.min(), self.y.min()), QPointF(self.x.max(), self.y.max()))
        else:
            self._extent = QRectF()
        self.setVisible(bool(self.x.size))
        self.informViewBoundsChanged()
        self.update()

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x, self.y

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        """The points' whole extent on an axis (for auto-range; the charts set their own ranges)."""
        if not self.x.size:
            return None, None
        e = self._extent
        return (e.left(), e.right()) if ax == 0 else (e.top(), e.bottom())

    def pixelPadding(self) -> float:
        return (SIZE + PEN_WIDTH) / 2

    def boundingRect(self) -> QRectF:
        if not self.x.size:
            return QRectF()
        pad_x = (self.pixelWidth() or 0.0) * self.pixelPadding()
        pad_y = (self.pixelHeight() or 0.0) * self.pixelPadding()
        return self._extent.adjusted(-pad_x, -pad_y, pad_x, pad_y)

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()  # the padding is in pixels

    def paint(self, p: QPainter, *args) -> None:
        if not self.x.size:
            return
        t = p.transform()
        dev_x = t.m11() * self.x + t.m21() * self.y + t.dx()
        dev_y = t.m12() * self.x + t.m22() * self.y + t.dy()
        p.resetTransform()
        if self._exportOpts is not False:
            self._paint_vectors(p, dev_x, dev_y, self._exportOpts.get("resolutionScale", 1.0))
            return
        widget = args[1] if len(args) > 1 else None
        dpr = widget.devicePixelRatioF() if widget is not None else 1.0
        atlas, side = _atlas(self.styles, dpr)
        self._fragments.resize(self.x.size)
        frags = self._fragments.ndarray()
        frags[:, 0] = dev_x
        frags[:, 1] = dev_y
        frags[:, 2] = self.style * side
        frags[:, 3] = 0.0
        frags[:, 4:6] = side
        frags[:, 6:10] = [1 / dpr, 1 / dpr, 0.0, 1.0]
        p.drawPixmapFragments(*self._fragments.drawargs(), atlas)

    def _paint_vectors(self, p: QPainter, dev_x: np.ndarray, dev_y: np.ndarray, scale: float) -> None:
        p.setRenderHint(QPainter.RenderHint.Antialiasing, bool(self._exportOpts.get("antialias", True)))
        for x, y, k in zip(dev_x.tolist(), dev_y.tolist(), self.style.tolist()):
            p.resetTransform()
            p.translate(x, y)
            drawSymbol(p, SYMBOL, SIZE * scale, *marker_style(*self.styles[k]))


__all__ = ["MarkersItem", "marker_style"]
