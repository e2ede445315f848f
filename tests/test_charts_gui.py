"""Chart widgets: what they plot equals the core's chart data; hover, click and live redraw work."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from stancetracker.core.analysis import chartdata as cd
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.project import open_project
from stancetracker.gui.charts.compare import CompareFigure, step_arrays
from stancetracker.gui.charts.markers import MarkersItem
from stancetracker.gui.charts.panel import QtChartPanel
from stancetracker.gui.charts.profile import ProfileFigure
from stancetracker.gui.charts.snapshot import SnapshotFigure, cell_rgb
from stancetracker.gui.charts.timeline import TimelineFigure
from stancetracker.gui.hub import QtStoreHub


@pytest.fixture(autouse=True)
def _every_mouse_move_counts(monkeypatch):
    """pyqtgraph drops a move sooner than 1/mouseRateLimit s after the last: a hand never is, a test is.

    Without this a test must sleep between two hovers on one chart.
    """
    monkeypatch.setitem(pg.CONFIG_OPTIONS, "mouseRateLimit", 0)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The seeded database (160 records), opened read-only and shared by the module's tests."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    open_project(path, user="tester").close()
    s = open_project(path, readonly=True, user="tester")
    yield s
    s.close()


@pytest.fixture
def hub(tmp_path, qtbot):
    """A hub over a fresh writable copy of the seeded database."""
    s = open_project(tmp_path / "live.db", user="tester")
    h = QtStoreHub(s)
    yield h
    h.store.close()


def show(qtbot, fig):
    qtbot.addWidget(fig)
    fig.resize(1200, 800)
    fig.show()
    qtbot.waitExposed(fig)
    return fig


def curves(plot) -> list[pg.PlotCurveItem]:
    return [i for i in plot.items if isinstance(i, pg.PlotCurveItem)]


def scatter_points(plot) -> set[tuple[float, float]]:
    pts = set()
    for item in plot.items:
        if isinstance(item, (pg.ScatterPlotItem, MarkersItem)) and item.isVisible():
            x, y = item.getData()
            pts |= set(zip(x.tolist(), y.tolist()))
    return pts


def hover(fig, scene_pos: QPointF) -> None:
    """Move the mouse (no button) to a scene position, as a user would."""
    vp = fig.mapFromScene(scene_pos)
    ev = QMouseEvent(QEvent.Type.MouseMove, QPointF(vp), QPointF(fig.viewport().mapToGlobal(vp)),
                     Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(fig.viewport(), ev)


def test_timeline_plots_the_chart_data(qtbot, seeded):
    """Each trace's fresh and stale lines, markers and spans are the chart data's arrays."""
    data = cd.timeline(seeded, "iran", ["sadr", "maliki", "coordination-framework"])
    fig = show(qtbot, TimelineFigure())
    fig.set_data(data)
    drawn = curves(fig.plot)
    for tr in data.traces:
        assert any(np.array_equal(c.getData()[0], tr.fresh_x, equal_nan=True)
                   and np.array_equal(c.getData()[1], tr.fresh_y, equal_nan=True) for c in drawn), tr.actor
        if np.isfinite(tr.stale_x).any():
            assert any(np.array_equal(c.getData()[0], tr.stale_x, equal_nan=True) for c in drawn)
        spans = tr.spans
        span_x = np.column_stack([tr.x[spans], tr.x_end[spans]]).ravel()
        assert any(np.array_equal(c.getData()[0], span_x) for c in drawn)
    expected = {(float(x), float(y)) for tr in data.traces for x, y, p in zip(tr.x, tr.y, tr.precision) if p == 0}
    assert scatter_points(fig.plot) == expected  # points only for day precision
    assert "Muqtada al-Sadr" in fig.legend_item.text and data.title in fig.title_item.text


def test_timeline_hover_names_the_record(qtbot, seeded):
    """Hovering a marker shows actor, date, score label, confidence, source and evidence."""
    data = cd.timeline(seeded, "iran", ["sadr", "maliki"])
    fig = show(qtbot, TimelineFigure())
    fig.store = seeded
    fig.set_data(data)
    tr = data.traces[0]
    i = int(np.flatnonzero(tr.x == cd.to_seconds(np.array(["2020-01-24"], dtype="datetime64[D]"))[0])[0])
    with qtbot.waitSignal(fig.hoverChanged) as sig:
        hover(fig, fig.marker_scene_pos("sadr", i))
    rec = seeded.record(tr.uuids[i][0])
    text = sig.args[0]
    for part in ("Muqtada al-Sadr", "2020-01-24", "strongly pro-Iran", f"{rec.confidence} confidence",
                 rec.source_title[:30], rec.evidence[:30]):
        assert part in text, part


def test_clicking_a_marker_activates_its_record(qtbot, seeded):
    """A click on a marker (and on a month span) emits recordActivated with that record's uuid."""
    data = cd.timeline(seeded, "iran", ["sadr", "maliki"])
    fig = show(qtbot, TimelineFigure())
    fig.set_data(data)
    tr = data.traces[1]
    for i in (0, len(tr) - 1):
        pos = fig.mapFromScene(fig.marker_scene_pos("maliki", i))
        with qtbot.waitSignal(fig.recordActivated) as sig:
            qtbot.mouseClick(fig.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        assert sig.args == [tr.uuids[i][0]]


@pytest.mark.slow
def test_profile_plots_every_dimension_and_memberships(qtbot, seeded):
    """One plot per dimension with that dimension's trace, and one bar per membership."""
    data = cd.profile(seeded, "sadr")
    fig = show(qtbot, ProfileFigure())
    fig.set_data(data)
    assert len(fig.plots) == len(data.dimensions) == 4
    for plot, tr in zip(fig.plots, data.traces):
        assert any(np.array_equal(c.getData()[0], tr.fresh_x, equal_nan=True) for c in curves(plot))
    labels = [i.toPlainText() for i in fig.lane.items if isinstance(i, pg.TextItem)]
    assert len(labels) == len(data.bands) == 4 and any("Sadrist Movement" in t for t in labels)
    pos = fig.mapFromScene(fig.marker_scene_pos("us", 0))
    with qtbot.waitSignal(fig.recordActivated) as sig:
        qtbot.mouseClick(fig.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert sig.args == [data.traces[1].uuids[0][0]]


def test_compare_plots_distance_and_dimension_count(qtbot, seeded):
    """The distance line and the dimension-count area are the comparison's arrays."""
    data = cd.comparison(seeded, "sadr", "maliki")
    fig = show(qtbot, CompareFigure())
    fig.set_data(data)
    sx, sy = step_arrays(data.x, data.distance, data.end)
    assert any(np.array_equal(c.getData()[1], sy, equal_nan=True) for c in curves(fig.plot))
    cx, cy = step_arrays(data.x, data.n_dims.astype(float), data.end)
    assert any(np.array_equal(c.getData()[1], cy) for c in curves(fig.count_plot))
    assert data.trend in fig.legend_item.text


def test_snapshot_cells_are_the_chart_data(qtbot, seeded):
    """Heatmap pixels are the carried-forward scores faded by age; empty cells say so."""
    # the first coder's records alone: the averages below are theirs, whatever the reliability study settled
    data = cd.snapshot(seeded, ["sadr", "maliki", "state-of-law"], parse_date("2022-01-16"),
                       RecordFilter(view="coder:seed"))
    fig = show(qtbot, SnapshotFigure())
    fig.set_data(data)
    img = fig.image.image
    np.testing.assert_array_equal(img[..., :3].transpose(1, 0, 2),
                                  cell_rgb(data.score, data.alpha).astype(np.uint8))
    texts = [t.toPlainText().split("\n")[0] for t in fig.texts]  # a cell's value; its evidence date below
    assert texts.count("no evidence") == int(np.isnan(data.score).sum())
    # Sadr on Iran that day is two records (−2 and −1): an average with its spread, not "strongly anti-Iran"
    # (this test used to expect the strong label, the very mislabelling issue 14 reports).
    assert "−1.5 (average of 2: −2 to −1)" in texts
    assert not any("strongly anti-Iran" in t for t in texts)
    assert "−2 strongly anti-US" in texts  # a single record keeps its level label
    assert not any("+0" in t for t in texts)


@pytest.mark.slow
def test_panel_redraws_live_after_an_edit(qtbot, hub):
    """Adding a record through the hub redraws the timeline with it, without a manual refresh."""
    panel = QtChartPanel(hub)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.redrawn):
        panel.set_actors(["sadr", "maliki"])
    before = len(panel.timeline.data.traces[0])
    with qtbot.waitSignal(panel.redrawn):
        row = hub.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2024-06-02"), score=0,
                                    coder="tester", evidence="new"))
    tr = panel.timeline.data.traces[0]
    assert len(tr) == before + 1 and tr.uuids[-1] == [row.uuid]


@pytest.mark.slow
def test_panel_coalesces_bursts_of_changes(qtbot, hub):
    """Five edits in a row end in one redraw."""
    panel = QtChartPanel(hub)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.redrawn):
        panel.set_actors(["sadr"])
    kinds: list[str] = []
    panel.redrawn.connect(kinds.append)
    with qtbot.waitSignal(panel.redrawn):
        for day in range(1, 6):
            hub.add_record(Record(actor="sadr", dimension="iran", date=parse_date(f"2024-07-0{day}"), score=1,
                                  coder="tester"))
    assert kinds == ["timeline"]


def test_panel_filter_and_highlight(qtbot, hub):
    """The table's filter changes what is plotted; a record selected elsewhere is ringed."""
    panel = QtChartPanel(hub)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.redrawn):
        panel.set_actors(["sadr"])
    n_all = len(panel.timeline.data.traces[0])
    with qtbot.waitSignal(panel.redrawn):
        panel.set_filter(RecordFilter(min_confidence="medium"))
    tr = panel.timeline.data.traces[0]
    assert len(tr) < n_all and (tr.confidence >= 1).all()
    panel.highlight_record(tr.uuids[0][0])
    x, y = panel.timeline.ring.getData()
    assert (x[0], y[0]) == ((tr.x[0] + tr.x_end[0]) / 2 if tr.precision[0] else tr.x[0], tr.y[0])


@pytest.mark.slow
def test_selecting_a_shift_activates_its_record(qtbot, hub):
    """Choosing a shift in the panel emits the after-record's uuid and shades the shift on the timeline."""
    panel = QtChartPanel(hub)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.redrawn):
        panel.set_actors(["sadr"])
    assert panel.shifts.shifts
    sh = panel.shifts.shifts[-1]
    with qtbot.waitSignal(panel.recordActivated) as sig:
        panel.shifts.select(len(panel.shifts.shifts) - 1)
    assert sig.args == [sh.after_records[0].uuid]
    assert panel.dimension_box.currentData() == sh.dimension
    assert panel.timeline._shift_region is not None
    assert panel.timeline.ring.getData()[0].size == 1


@pytest.mark.slow
def test_panel_draws_each_tab(qtbot, hub):
    """Every tab draws from the hub's store: profile, comparison and snapshot follow the chosen actors."""
    panel = QtChartPanel(hub)
    qtbot.addWidget(panel)
    panel.set_actors(["sadr", "maliki"])
    for k, kind in enumerate(cd.KINDS):
        with qtbot.waitSignal(panel.redrawn, check_params_cb=lambda kd, kind=kind: kd == kind):
            panel.tabs.setCurrentIndex(k)
    assert panel.profile.data.actor == "sadr"
    assert (panel.compare.data.a, panel.compare.data.b) == ("sadr", "maliki")
    assert panel.snapshot.data.actors == ["sadr", "maliki"]



@pytest.mark.slow
def test_hovering_a_membership_bar_names_group_role_and_dates(qtbot, seeded):
    """Hovering a bar in the profile's membership lane says group, role and period; leaving it clears."""
    data = cd.profile(seeded, "sadr")
    fig = show(qtbot, ProfileFigure())
    fig.set_data(data)
    QApplication.processEvents()  # let the lane take its final height before measuring it
    k = next(i for i, b in enumerate(data.bands) if b.group == "mahdi-army")
    with qtbot.waitSignal(fig.hoverChanged) as sig:
        hover(fig, fig.band_scene_pos(k))
    assert sig.args == ["Mahdi Army\nrole: leader\nsince 2003 (no end date recorded)"]
    vb = fig.lane.getViewBox()
    row_px = 1 / vb.viewPixelSize()[1]
    for dy, expected in ((0.5 * row_px, ""),  # between two bars
                         (0.3 * row_px, sig.args[0])):  # near the bar's edge, still on it
        hover(fig, fig.band_scene_pos(k) + QPointF(0, dy))
        assert fig.last_hover == expected


@pytest.mark.slow
def test_unticking_every_actor_empties_the_chart(qtbot, hub):
    """With no actor chosen the last chart does not linger under names no longer chosen: a hint says what to do."""
    panel = QtChartPanel(hub)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.redrawn):
        panel.set_actors(["sadr"])
    fig = panel.timeline
    assert fig.plot.isVisible() and fig.title_item.text.startswith("Iran: Muqtada al-Sadr")
    with qtbot.waitSignal(panel.redrawn):
        panel.set_actors([])
    assert fig.data is None and not fig.plot.isVisible()
    assert fig.title_item.text == "Tick actors on the left to chart them"
    with qtbot.waitSignal(panel.redrawn):
        panel.set_actors(["maliki"])
    assert fig.plot.isVisible() and "Nouri al-Maliki" in fig.title_item.text
