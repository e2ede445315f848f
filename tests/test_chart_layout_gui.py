"""Charts that read at every size (issue 14): every event numbered with its full label in a key that
follows zoom and goes into exports, plots that keep their height and scroll, a chart in its own window."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QKeySequence, QMouseEvent
from PySide6.QtWidgets import QApplication

from stancetracker.core.analysis import chartdata as cd
from stancetracker.core.analysis.chartdates import seconds
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.project import open_project
from stancetracker.gui.charts import export
from stancetracker.gui.charts.events import LANE_PX
from stancetracker.gui.charts.panel import QtChartPanel
from stancetracker.gui.charts.snapshot import SnapshotFigure
from stancetracker.gui.charts.timeline import TimelineFigure
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.main_window import QtMainWindow

SVG = "{http://www.w3.org/2000/svg}"
ALL_OF_IT = (seconds(parse_date("1999-01-01")), seconds(parse_date("2024-12-31")))
JANUARY_2022 = (seconds(parse_date("2022-01-01")), seconds(parse_date("2022-01-31")))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("layout") / "seeded.db"
    open_project(path, user="tester").close()
    s = open_project(path, readonly=True, user="tester")
    yield s
    s.close()


@pytest.fixture
def hub(tmp_path, qtbot):
    s = open_project(tmp_path / "live.db", user="tester")
    h = QtStoreHub(s)
    yield h
    h.store.close()


def shown(qtbot, widget, w=1200, h=800):
    qtbot.addWidget(widget)
    widget.resize(w, h)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def events_between(store, lo, hi) -> list[str]:
    return sorted(e.label for e in store.events() if e.date is not None and lo <= seconds(e.date) <= hi)


def test_timeline_key_lists_every_event_in_range_and_follows_zoom(qtbot, seeded):
    """Over the seed's whole span the key numbers all 47 events with their full labels; zoomed, only those in range."""
    fig = shown(qtbot, TimelineFigure())
    fig.set_data(cd.timeline(seeded, "iran", ["sadr", "maliki"]))
    fig.set_window(*ALL_OF_IT)
    key = fig.events.key
    lines = key.texts()
    labels = sorted(e.label for e in seeded.events())
    assert len(labels) == 47 and len(lines) == 47
    assert [int(line.split()[0]) for line in lines] == list(range(1, 48))
    assert sorted(e.label for e in key.entries) == labels  # in full: nothing cut to 25 characters
    assert "7 Sep 2019  Iranian consulate in Basra attacked" in " / ".join(lines)
    QApplication.processEvents()  # the layout settles
    assert key.isVisible() and key.size().height() > 47 / 4 * 12  # laid out, every line given room
    # The strip numbers every event too: its markers cover 1…47 (crowded ones joined as "a–b").
    fig.events.markers.layout()
    covered = [n for m in fig.events.markers.markers for n in range(m.first + 1, m.last + 2)]
    assert covered == list(range(1, 48))

    fig.set_window(*JANUARY_2022)  # as a zoom or pan does: the key is then of that month only
    x0, x1 = fig.x_range()
    assert sorted(e.label for e in key.entries) == events_between(seeded, x0, x1)
    assert len(key.entries) == 12 and [e.number for e in key.entries] == list(range(1, 13))
    fig.set_events_visible(False)
    assert key.entries == [] and not key.isVisible()


@pytest.mark.slow
def test_hovering_a_marker_names_its_events(qtbot, seeded, monkeypatch):
    """A marker on the strip, hovered, names number, date and full label of each event it stands for."""
    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", 0)
    fig = shown(qtbot, TimelineFigure())
    fig.set_data(cd.timeline(seeded, "iran", ["sadr", "maliki"]))
    fig.set_window(*ALL_OF_IT)
    QApplication.processEvents()
    markers, _, h = fig.events.markers.layout()
    joined = next(m for m in markers if m.last > m.first)  # the crowded 2019–2022 stretch shares markers
    origin = fig.events.strip.getViewBox().sceneBoundingRect().topLeft()
    at = origin + QPointF((joined.left + joined.right) / 2, h - (joined.lane + 0.5) * LANE_PX)
    vp = fig.mapFromScene(at)
    with qtbot.waitSignal(fig.hoverChanged) as sig:
        QApplication.sendEvent(fig.viewport(), QMouseEvent(
            QEvent.Type.MouseMove, QPointF(vp), QPointF(fig.viewport().mapToGlobal(vp)), Qt.MouseButton.NoButton,
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier))
    lines = sig.args[0].split("\n")
    entries = fig.events.key.entries[joined.first:joined.last + 1]
    assert lines == [f"{e.number}  {e.when}  {e.label}" for e in entries] and len(lines) >= 2


@pytest.mark.slow
def test_exported_chart_carries_the_key_of_its_range(qtbot, seeded):
    """PNG and SVG exports include the key for the range exported, every label whole."""
    data = cd.timeline(seeded, "iran", ["sadr", "maliki"])
    fig = export.figure_for(data, seeded)
    qtbot.addWidget(fig)
    img = export.render_image(fig, 1600, 900, x_range=ALL_OF_IT)
    assert img.width() == 1600 and img.height() >= 900
    assert len(fig.events.key.entries) == 47
    svg = export.svg_bytes(fig, 1600, 900, x_range=JANUARY_2022)
    root = ET.fromstring(svg)
    text = " ".join(" ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text")).split())
    x0, x1 = fig.x_range()
    wanted = events_between(seeded, x0, x1)
    assert len(wanted) == 12
    for label in wanted:
        assert label in text, label
    assert "Iranian consulate in Basra attacked" not in text  # 2019: outside the range exported


@pytest.mark.slow
def test_profile_plots_keep_their_height_and_the_panel_scrolls(qtbot, hub):
    """In a short panel the profile's plots keep their minimum height and the chart scrolls instead."""
    panel = shown(qtbot, QtChartPanel(hub), 900, 420)
    panel.set_actors(["sadr"])
    with qtbot.waitSignal(panel.redrawn, check_params_cb=lambda kd: kd == "profile"):
        panel.tabs.setCurrentIndex(cd.KINDS.index("profile"))
    QApplication.processEvents()
    fig = panel.profile
    assert len(fig.plots) == 4
    for plot in fig.plots:
        assert plot.size().height() >= fig.plot_min_px - 1
    holder = panel.holders["profile"]
    assert holder.verticalScrollBar().maximum() > 0  # taller than the view: it scrolls
    assert fig.height() >= fig.minimum_height()


@pytest.mark.slow
def test_chart_in_its_own_window_is_live_and_comes_back(qtbot, hub):
    """The chart moves into its own window, redraws there after an edit, and returns to its tab on close."""
    panel = shown(qtbot, QtChartPanel(hub), 900, 500)
    with qtbot.waitSignal(panel.redrawn):
        panel.set_actors(["sadr"])
    win = panel.detach_current()
    qtbot.addWidget(win)
    qtbot.waitExposed(win)
    assert win.centralWidget() is panel.holders["timeline"] and panel.placeholders["timeline"].isVisible()
    assert panel.timeline.window() is win
    before = len(panel.timeline.data.traces[0])
    panel.tabs.setCurrentIndex(cd.KINDS.index("snapshot"))  # another tab in front: the window still redraws
    with qtbot.waitSignal(panel.redrawn, check_params_cb=lambda kd: kd == "timeline"):
        hub.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2024-06-02"), score=0,
                              coder="tester", evidence="new"))
    assert len(panel.timeline.data.traces[0]) == before + 1
    win.set_full_screen(True)
    assert win.full_action.isChecked()
    win.close()
    assert "timeline" not in panel.windows
    assert panel.timeline.window() is panel.window() and panel.placeholders["timeline"].isHidden()
    assert panel.slots["timeline"].indexOf(panel.holders["timeline"]) == 0


@pytest.mark.slow
def test_window_shortcuts_open_the_chart_and_clash_with_none(qtbot, hub):
    """View › Chart in its own window (Ctrl+Shift+W) and full screen (F11); no two actions share a key."""
    win = QtMainWindow(hub.store)
    qtbot.addWidget(win)
    keys: dict[str, str] = {}
    for a in win.actions():
        for k in a.shortcuts():
            text = k.toString(QKeySequence.SequenceFormat.PortableText)
            assert text not in keys, f"{text}: {keys.get(text)} and {a.text()}"
            keys[text] = a.text()
    assert "own" in keys["Ctrl+Shift+W"] and "full screen" in keys["F11"]
    own = next(a for a in win.actions() if a.text() == keys["Ctrl+Shift+W"])
    own.trigger()
    chart_win = win.charts.windows[win.charts.current_kind()]
    qtbot.addWidget(chart_win)
    assert chart_win.isVisible()
    chart_win.close()
    assert win.charts.windows == {}


def test_snapshot_headers_and_cells_wrap_inside_their_columns(qtbot, seeded):
    """In a narrow snapshot no header or cell text is wider than its column, and no cell text taller than its row."""
    fig = shown(qtbot, SnapshotFigure(), 640, 700)
    fig.set_data(cd.snapshot(seeded, ["sadr", "maliki", "coordination-framework"], parse_date("2022-01-16")))
    QApplication.processEvents()
    vb = fig.plot.getViewBox()
    nd, na = len(fig.data.dimensions), len(fig.data.names)
    cell_w, cell_h = vb.width() / nd, vb.height() / na
    fm = QFontMetricsF(fig.header_font)
    assert len(fig.headers) == nd
    for head, dim in zip(fig.headers, fig.data.dimensions):
        for line in head.split("\n"):
            assert fm.horizontalAdvance(line) <= cell_w, line
        assert " ".join(head.split("\n")).rstrip("…").split()[0] == dim.label.split()[0]
    assert any("\n" in h for h in fig.headers)  # "Armed factions (PMF, …)" wraps rather than overlaps
    assert cell_w < 150  # narrow enough that the old single-line texts overlapped
    for t in fig.texts:
        r = t.textItem.boundingRect()
        assert r.width() <= cell_w + 0.5 and r.height() <= cell_h + 0.5, t.toPlainText()
