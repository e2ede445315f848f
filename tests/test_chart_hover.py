"""Hover tooltips on every chart kind stay up while the mouse rests, also after a PNG export (issue 16, item 7).

Two causes were found: Qt's own tooltip request (sent once the mouse rests) went to the
scene, which answered with no tooltip and hid ours; and QToolTip.hideText() only starts a
300 ms timer that also hid the next marker's tooltip when the mouse crossed a gap quickly.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QToolTip

from stancetracker.core.analysis import chartdata
from stancetracker.core.project import open_project
from stancetracker.gui.charts import export
from stancetracker.gui.charts.common import hide_tooltip
from stancetracker.gui.charts.panel import QtChartPanel
from stancetracker.gui.hub import QtStoreHub

REST_MS = 450  # longer than QToolTip's 300 ms hide timer


@pytest.fixture(autouse=True)
def _every_mouse_move_counts(monkeypatch):
    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", 0)


@pytest.fixture(scope="module")
def seeded_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    open_project(path, user="tester").close()
    return path


@pytest.fixture
def panel(qtbot, seeded_path):
    store = open_project(seeded_path, readonly=True, user="tester")
    hub = QtStoreHub(store)
    win = QMainWindow()
    p = QtChartPanel(hub)
    win.setCentralWidget(p)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    p.set_actors(["sadr", "maliki"])
    yield p
    hide_tooltip()
    store.close()


def spot(fig) -> QPoint:
    """A viewport point whose hover says something (a marker, a bar, a cell, a grid date)."""
    r = fig.viewport().rect()
    for y in range(4, r.height(), 3):
        for x in range(4, r.width(), 3):
            hit = fig.pick(fig.mapToScene(QPoint(x, y)))
            if hit and hit[1]:
                return QPoint(x, y)
    raise AssertionError(f"nothing to hover on the {fig.kind} chart")


def move(fig, vp: QPoint) -> None:
    ev = QMouseEvent(QEvent.Type.MouseMove, QPointF(vp), QPointF(fig.viewport().mapToGlobal(vp)),
                     Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(fig.viewport(), ev)


def rest(qtbot, fig, vp: QPoint) -> None:
    """The mouse stays put: Qt asks the widget for its tooltip, then time passes."""
    QApplication.sendEvent(fig.viewport(), QHelpEvent(QEvent.Type.ToolTip, vp, fig.viewport().mapToGlobal(vp)))
    qtbot.wait(REST_MS)


def show_kind(qtbot, panel, kind: str):
    panel.tabs.setCurrentIndex(chartdata.KINDS.index(kind))
    fig = panel.current_figure()
    qtbot.waitUntil(lambda: fig.data is not None and fig.isVisible(), timeout=10000)
    QApplication.processEvents()
    return fig


@pytest.mark.slow
@pytest.mark.parametrize("kind", chartdata.KINDS)
def test_the_tooltip_stays_after_a_png_export(qtbot, panel, tmp_path, kind):
    fig = show_kind(qtbot, panel, kind)
    vp = spot(fig)
    expected = fig.hover_text_at(fig.mapToScene(vp))
    export.export_figure(fig, tmp_path / f"{kind}.png", 800, 500)
    assert (tmp_path / f"{kind}.png").stat().st_size > 1000
    qtbot.wait(50)
    move(fig, vp)
    assert QToolTip.isVisible() and QToolTip.text() == expected
    rest(qtbot, fig, vp)
    assert QToolTip.isVisible() and QToolTip.text() == expected, "the tooltip went while the mouse rested"


def test_resting_on_a_marker_keeps_its_tooltip_and_a_quick_gap_does_not_lose_the_next(qtbot, panel):
    fig = show_kind(qtbot, panel, "timeline")
    vp = spot(fig)
    expected = fig.hover_text_at(fig.mapToScene(vp))
    move(fig, vp)
    rest(qtbot, fig, vp)
    assert QToolTip.isVisible() and QToolTip.text() == expected
    # Off the marker (nothing to say) and straight back, quicker than Qt's hide timer.
    empty = next(QPoint(x, 5) for x in range(5, fig.viewport().width(), 7)
                 if not fig.hover_text_at(fig.mapToScene(QPoint(x, 5))))
    move(fig, empty)
    assert not QToolTip.isVisible()
    move(fig, vp)
    qtbot.wait(REST_MS)
    assert QToolTip.isVisible() and QToolTip.text() == expected
    # Resting where there is nothing hides it.
    move(fig, empty)
    rest(qtbot, fig, empty)
    assert not QToolTip.isVisible()


@pytest.mark.slow
def test_every_kind_has_something_to_hover(qtbot, panel):
    for kind in chartdata.KINDS:
        fig = show_kind(qtbot, panel, kind)
        assert fig.hover_text_at(fig.mapToScene(spot(fig))), kind
        assert np.isfinite(getattr(fig.data, "distance", np.zeros(1))).any(), kind
