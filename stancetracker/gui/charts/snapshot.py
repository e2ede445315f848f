"""Snapshot: actors × dimensions on one date, each cell the stance then in force,
paler the older its evidence, empty where there is none."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont

from stancetracker.core.analysis.chartdata import Snapshot, describe
from stancetracker.core.analysis.wording import fmt_score
from stancetracker.gui.charts.common import GREY, INK, ChartFigure, set_axis_title, style_axis

# A colour-blind-safe diverging scale (ColorBrewer PuOr): purple = the −2 pole, orange = +2.
_STOPS = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
_COLOURS = np.array([[94, 60, 153], [178, 171, 210], [247, 247, 247], [253, 184, 99], [230, 97, 1]], float)
_EMPTY = np.array([255, 255, 255], float)


def cell_rgb(score: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """RGB (0–255) for each score, blended towards white by the fade; light grey where empty."""
    s = np.nan_to_num(np.asarray(score, float), nan=0.0)
    rgb = np.stack([np.interp(s, _STOPS, _COLOURS[:, k]) for k in range(3)], axis=-1)
    a = np.asarray(alpha, float)[..., None]
    out = 255.0 - (255.0 - rgb) * a
    return np.where(np.isnan(np.asarray(score, float))[..., None], _EMPTY, out)


def age_text(days: float) -> str:
    """How old evidence is, in words."""
    if days < 60:
        return f"{int(days)} day{'s' if int(days) != 1 else ''} old"
    if days < 730:
        return f"{int(round(days / 30.44))} months old"
    return f"{days / 365.25:.1f} years old"


class SnapshotFigure(ChartFigure):
    """The snapshot heatmap (see :class:`chartdata.Snapshot`)."""

    kind = "snapshot"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.plot = self.ci.addPlot(row=2, col=0)
        self.frame(1)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.hideAxis("bottom")
        self.plot.showAxis("top")
        for side in ("left", "top"):
            style_axis(self.plot.getAxis(side), 9.5)
        self.plot.getAxis("left").setWidth(250)
        self.plot.getViewBox().invertY(True)
        self.plot.getViewBox().setMouseEnabled(x=False, y=False)
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.texts: list[pg.TextItem] = []
        self._rules: pg.PlotCurveItem | None = None

    def set_data(self, data: Snapshot, keep_view: bool = False) -> None:
        """Draw the heatmap for a snapshot."""
        self.data = data
        na, nd = data.score.shape
        rgb = cell_rgb(data.score, data.alpha)
        # ImageItem indexes [x, y]: dimensions across, actors down.
        img = np.concatenate([rgb, np.full(rgb.shape[:2] + (1,), 255.0)], axis=-1).transpose(1, 0, 2)
        self.image.setImage(img.astype(np.uint8), levels=(0, 255), autoLevels=False)
        self.image.setRect(QRectF(0, 0, max(nd, 1), max(na, 1)))
        self.plot.getAxis("left").setTicks([[(i + 0.5, n) for i, n in enumerate(data.names)], []])
        self.plot.getAxis("top").setTicks([[(j + 0.5, d.label if len(d.label) <= 32 else d.label[:31] + "…")
                                            for j, d in enumerate(data.dimensions)], []])
        self.plot.setXRange(0, max(nd, 1), padding=0)
        self.plot.setYRange(0, max(na, 1), padding=0)
        # Thin white rules between cells keep neighbouring cells of one colour apart.
        self.image.setBorder(None)
        self.plot.showGrid(x=False, y=False)
        if self._rules is not None:
            self.plot.removeItem(self._rules)
        xs = [v for j in range(1, nd) for v in (j, j)]
        ys = [v for _ in range(1, nd) for v in (0, na)]
        xs += [v for _ in range(1, na) for v in (0, nd)]
        ys += [v for i in range(1, na) for v in (i, i)]
        self._rules = pg.PlotCurveItem(np.array(xs, float), np.array(ys, float), connect="pairs",
                                       pen=pg.mkPen("#d0d0d0", width=1))
        self.plot.addItem(self._rules)
        for t in self.texts:
            self.plot.removeItem(t)
        self.texts = []
        big, small = QFont(), QFont()
        big.setPointSizeF(9.5)
        big.setBold(True)
        small.setPointSizeF(8)
        for i in range(na):
            for j, d in enumerate(data.dimensions):
                s = data.score[i, j]
                if np.isnan(s):
                    self._text("no evidence", j + 0.5, i + 0.5, GREY, small)
                    continue
                r, g, b = rgb[i, j]
                dark = (0.299 * r + 0.587 * g + 0.114 * b) < 140
                colour = "#ffffff" if dark else INK
                self._text(data.cells[i][j] if data.cells else fmt_score(s), j + 0.5, i + 0.36, colour, big)
                when = np.datetime_as_string(data.evidence_date[i, j])
                self._text(f"evidence {when} · {age_text(data.age_days[i, j])}", j + 0.5, i + 0.7, colour, small)
        swatches = " ".join(f"<span style='color:rgb({int(c[0])},{int(c[1])},{int(c[2])})'>■</span>&nbsp;{v}"
                            for v, c in zip(('−2', '−1', '0', '+1', '+2'), _COLOURS))
        legend = (f"score: {swatches}&nbsp;&nbsp;(−2 and +2 are each dimension's poles)"
                  f"<br><span style='color:{GREY}'>paler = older evidence (half strength at "
                  f"{data.horizon_months} months) · blank = no evidence up to this date</span>")
        set_axis_title(self.plot, "left", data.row_title)
        set_axis_title(self.plot, "top", data.column_title)
        self.set_texts(data.title, legend, data.source, data.source_line)

    def _text(self, text: str, x: float, y: float, colour: str, font: QFont) -> None:
        t = pg.TextItem(html.unescape(text), color=colour, anchor=(0.5, 0.5))
        t.setFont(font)
        t.setPos(x, y)
        self.plot.addItem(t)
        self.texts.append(t)

    def cell_at(self, scene_pos: QPointF) -> tuple[int, int] | None:
        """(actor row, dimension column) under a scene position, or None."""
        vb = self.plot.getViewBox()
        if self.data is None or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        i, j = int(np.floor(p.y())), int(np.floor(p.x()))
        na, nd = self.data.score.shape
        return (i, j) if 0 <= i < na and 0 <= j < nd else None

    def pick(self, scene_pos: QPointF):
        cell = self.cell_at(scene_pos)
        if cell is None:
            return None
        i, j = cell
        uuids = self.data.uuids[i][j]
        if not uuids:
            return [], f"{self.data.names[i]} — {self.data.dimensions[j].label}: no evidence by this date"
        if self.store is not None:
            return uuids, describe(self.store, self.data.dimensions[j], uuids)
        value = self.data.cells[i][j] if self.data.cells else fmt_score(self.data.score[i, j])
        return uuids, f"{self.data.names[i]} — {self.data.dimensions[j].label}: {value}"

    def x_range(self) -> None:
        return None


__all__ = ["SnapshotFigure", "age_text", "cell_rgb"]
