"""Painting a laid-out figure's scene item by item, with each item's clip set explicitly.

``QGraphicsScene.render`` leans on clip save/restore, which QSvgGenerator does not
write at all (plot lines ran past the axes in the SVG); painting item by item lets
the SVG writer start a clipped group wherever the clip changes, and gives every
painter the same drawing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem

SCREEN_DPI = 96.0


@dataclass
class Piece:
    """One item to paint: its transform to the page, its clip on the page (None: unclipped)."""

    item: QGraphicsItem
    transform: QTransform
    clip: QPainterPath | None
    opacity: float

    def clip_key(self) -> tuple[float, ...] | None:
        """What makes two clips the same: the clip's rectangle on the page, to 0.01 px."""
        if self.clip is None:
            return None
        r = self.clip.boundingRect()
        return (round(r.x(), 2), round(r.y(), 2), round(r.width(), 2), round(r.height(), 2))


def _export_items(scene) -> list:
    return [it for it in scene.items() if hasattr(it, "setExportMode")]


def export_mode(scene, painter: QPainter, on: bool, scale: float = 1.0) -> None:
    """Switch pyqtgraph's export mode (symbols drawn as vectors, no cached pixmaps)."""
    opts = {"antialias": True, "background": QColor("white"), "painter": painter, "resolutionScale": scale}
    for it in _export_items(scene):
        if on:
            it.setExportMode(True, opts)
        else:
            it.setExportMode(False)


def _clip_on_page(item: QGraphicsItem, page: QTransform, cache: dict) -> QPainterPath | None:
    """The clip the item is painted under, on the page: its own shape if it clips to it,
    and the shape of every ancestor that clips its children (not, as ``clipPath()``
    has it, narrowed to the item's bounding rectangle: items under one plot share a clip)."""
    parent = item.parentItem()
    if parent is None:
        inherited = None
    elif id(parent) in cache:
        inherited = cache[id(parent)]
    else:
        above = _clip_on_page(parent, page, cache) if parent.isClipped() else None
        if parent.flags() & QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape:
            own = parent.deviceTransform(page).map(parent.shape())
            above = own if above is None else above.intersected(own)
        inherited = cache[id(parent)] = above
    if item.flags() & QGraphicsItem.GraphicsItemFlag.ItemClipsToShape:
        own = item.deviceTransform(page).map(item.shape())
        return own if inherited is None else inherited.intersected(own)
    return inherited


def pieces(scene, page: QTransform) -> Iterator[Piece]:
    """The scene's visible items, bottom first, each with its transform and clip on the page."""
    if hasattr(scene, "prepareForPaint"):
        scene.prepareForPaint()  # pyqtgraph's views settle their ranges and transforms only now
    cache: dict = {}
    for item in scene.items(Qt.SortOrder.AscendingOrder):
        if not item.isVisible() or item.flags() & QGraphicsItem.GraphicsItemFlag.ItemHasNoContents:
            continue
        opacity = item.effectiveOpacity()
        if opacity <= 0.0:
            continue
        transform = item.deviceTransform(page)
        clip = _clip_on_page(item, page, cache) if item.isClipped() else None
        if clip is not None and clip.isEmpty():
            continue  # clipped away entirely
        yield Piece(item, transform, clip, opacity)


def paint_piece(painter: QPainter, piece: Piece) -> None:
    """Paint one item with its own transform, clip and opacity."""
    painter.save()
    try:
        painter.resetTransform()
        if piece.clip is not None:
            painter.setClipPath(piece.clip)
        painter.setTransform(piece.transform)
        painter.setOpacity(piece.opacity)
        option = QStyleOptionGraphicsItem()
        option.exposedRect = piece.item.boundingRect()
        option.rect = option.exposedRect.toRect()
        piece.item.paint(painter, option, None)
    finally:
        painter.restore()


def logical_size(painter: QPainter, target: QRectF) -> tuple[int, int]:
    """The size in 96-dpi pixels that ``target`` covers on the painter's device (print keeps text size)."""
    m = painter.combinedTransform()
    sx = (m.m11() ** 2 + m.m12() ** 2) ** 0.5
    sy = (m.m21() ** 2 + m.m22() ** 2) ** 0.5
    dev = painter.device()
    w = target.width() * sx * SCREEN_DPI / dev.logicalDpiX()
    h = target.height() * sy * SCREEN_DPI / dev.logicalDpiY()
    return max(1, round(w)), max(1, round(h))
