"""The window's reliability views (issue 15, item 6): studies, blindness and the view label, agreement, adjudication."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from stancetracker.core.analysis.agreement import agreement
from stancetracker.core.coding.passages import add_coded_record
from stancetracker.core.db import consensus, studies as S
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.dates import parse_date
from stancetracker.gui.dialogs.adjudication_dialog import QtAdjudicationDialog
from stancetracker.gui.dialogs.agreement_panel import QtAgreementDialog
from stancetracker.gui.dialogs.studies_dialog import QtStudiesDialog, tick
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.main_window import QtMainWindow
from stancetracker.gui.records_model import UUID_ROLE

from test_reliability import ALICE, rec, two_coders

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def shoot(widget, name: str) -> None:
    """Keep what the dialog looks like (docs/screenshots/reliability-*.png) when STANCETRACKER_SHOTS is set."""
    import os
    if os.environ.get("STANCETRACKER_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        assert widget.grab().save(str(SHOTS / f"reliability-{name}.png"))


@pytest.fixture
def hub(store, qtbot):
    two_coders(store)
    return QtStoreHub(store)


def make_window(qtbot, store, tmp_path) -> QtMainWindow:
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    return w


def shown_coders(win: QtMainWindow, locator_prefix: str = "¶") -> list[str]:
    m = win.model
    return sorted(win.hub.store.record(m.index(r, 0).data(UUID_ROLE)).coder for r in range(m.rowCount())
                  if win.hub.store.record(m.index(r, 0).data(UUID_ROLE)).locator.startswith(locator_prefix))


def test_the_studies_dialog_creates_assigns_and_shows_progress(qtbot, hub):
    dlg = QtStudiesDialog(hub)
    qtbot.addWidget(dlg)
    dlg.slug.setText("pilot")
    dlg.name.setText("Pilot study")
    tick(dlg.actors, ["sadr"])
    tick(dlg.dimensions, ["iran"])
    dlg.size.setValue(4)
    dlg.seed.setValue(7)
    dlg.coders.setText("alice, bob")
    made = dlg.create()
    assert made is not None and made.units == 4 and set(made.coders) == {"alice", "bob"}
    assert S.study_units(hub.store, "pilot") == S.sample_units(hub.store, actors=["sadr"], dimensions=["iran"],
                                                               size=4, seed=7)
    st = S.study(hub.store, "pilot")
    assert st.rule["seed"] == 7 and st.rule["actors"] == ["sadr"]
    # One row per coder with units coded / units, as the core counts them.
    rows = {dlg.table.item(r, 2).text(): dlg.table.item(r, 3).text() for r in range(dlg.table.rowCount())}
    assert rows == {c: f"{st.coded[c]} / 4" for c in ("alice", "bob")}
    dlg.assign_to.setText("carol")
    dlg.table.setCurrentCell(0, 0)
    dlg.assign_selected()
    assert "carol" in S.study(hub.store, "pilot").coders and dlg.table.rowCount() == 3
    dlg.assign_to.clear()
    shoot(dlg, "studies")
    # Bad input is one line in the dialog, nothing made.
    dlg.slug.setText("pilot")
    assert dlg.create() is None and "already exists" in dlg.problem.text()
    dlg.slug.setText("none")
    tick(dlg.actors, ["kadhimi"])
    dlg.size.setValue(0)
    assert dlg.create() is None and "picks no unit" in dlg.problem.text()


def test_a_blind_coder_sees_no_other_coder_and_the_view_label_says_so(qtbot, store, tmp_path):
    two_coders(store)
    S.create_study(store, "pilot", "", S.sample_units(store), {})
    S.assign(store, "pilot", ["alice", "bob"])
    store.user = "alice"
    win = make_window(qtbot, store, tmp_path)
    assert win.model.filter.blind_for == ("pilot", "alice")
    assert set(shown_coders(win)) == {"alice"} and len(shown_coders(win)) == len(ALICE)
    assert win.coding.label.text() == "Blind: study pilot"
    assert win.count_label.text().startswith("6 of 6 records shown")  # not even how many are hidden
    win.actor_list.set_checked(["sadr"])
    win.charts.redraw_now()
    assert win.charts.timeline.data.traces[0].n.sum() == len(ALICE)  # the chart draws alice's records only
    win.resize(1280, 760)
    win.show()
    qtbot.waitExposed(win)
    win.path_label.setText(store.path.name)  # the screenshot names no folder of the machine it was made on
    shoot(win, "window-blind")
    # The chart draws alice's records only.
    assert win.charts.flt.blind_for == ("pilot", "alice")
    # Done: blindness ends, and the window shows everyone again.
    win.hub.run("studies", S.mark_done, "pilot", "alice")
    assert set(shown_coders(win)) == {"alice", "bob"}
    assert win.coding.label.text() == "View: consensus only" and win.count_label.text().startswith("11 of 11")


def test_a_blind_coder_sees_no_other_coders_shading_in_the_reader(qtbot, store, tmp_path):
    text = "First the cleric spoke of the neighbour to the east. Later he spoke of foreign troops at length."
    store.update_source("paper-a", text=text)
    both = (0, text.index("."))
    bob_only = (text.index("Later"), len(text) - 1)
    add_coded_record(store, rec("alice", 1, 1, locator=""), *both)
    add_coded_record(store, rec("bob", 1, 2, locator=""), *both)
    add_coded_record(store, rec("bob", 2, -1, locator="", dimension="us"), *bob_only)
    S.create_study(store, "pilot", "", S.sample_units(store), {})
    S.assign(store, "pilot", ["alice", "bob"])
    store.user = "alice"
    win = make_window(qtbot, store, tmp_path)
    reader = win.documents.reader
    reader.open_document("paper-a")
    shaded = {(p.start, p.end): p.records for p in reader.view.marks.passages}
    assert shaded == {both: 1}  # bob's passage is not shaded at all, the shared one counts alice's record only
    (shared,) = reader.view.marks.passages
    with qtbot.waitSignal(reader.passageActivated) as got:
        reader.view.passageClicked.emit([shared.id])
    assert [store.record(u).coder for u in got.args[0]] == ["alice"]
    win.hub.run("studies", S.mark_done, "pilot", "alice")
    assert {(p.start, p.end): p.records for p in reader.view.marks.passages} == {both: 2, bob_only: 1}


def test_the_view_label_and_table_follow_view_records_of(qtbot, store, tmp_path):
    two_coders(store)
    win = make_window(qtbot, store, tmp_path)
    # The window opens on the consensus view; with nothing adjudicated it shows every coder's records.
    assert win.coding.label.text() == "View: consensus only" and win.coding.view_actions["consensus"].isChecked()
    assert win.model.filter.view == "consensus" and len(shown_coders(win)) == 11
    win.coding.choose_view("coder", "bob")
    assert win.coding.label.text() == "View: coder bob" and set(shown_coders(win)) == {"bob"}
    assert win.coding.view_actions["coder"].isChecked()
    win.coding.choose_view("consensus")
    assert win.coding.label.text() == "View: consensus only"
    assert win.model.filter.view == "consensus" and win.charts.flt.view == "consensus"
    win.coding.choose_view("all")
    assert win.coding.label.text() == "View: all coders" and len(shown_coders(win)) == 11


def test_the_agreement_panel_shows_the_cores_alpha(qtbot, hub):
    S.create_study(hub.store, "pilot", "", S.sample_units(hub.store), {})
    panel = QtAgreementDialog(hub, RecordFilter(), threaded=False)
    qtbot.addWidget(panel)
    expected = agreement(hub.store)
    assert panel.result.alpha == pytest.approx(expected.alpha)
    assert f"= {expected.alpha:.3f}" in panel.summary.text()
    assert f"{expected.ci95[0]:.3f} to {expected.ci95[1]:.3f}" in panel.summary.text()
    assert f"{expected.units} units, {expected.values} pairable values" in panel.summary.text()
    assert panel.pairs.rowCount() == 1 and panel.pairs.item(0, 0).text() == "alice × bob"
    # The confusion matrix: rows alice, columns bob, counts summing to the units both coded.
    m = expected.confusion["iran"]["alice × bob"]["matrix"]
    cells = [[panel.matrix.item(r, c).text() for c in range(panel.matrix.columnCount())]
             for r in range(panel.matrix.rowCount())]
    assert cells == [[str(int(v)) for v in row] for row in m]
    assert sum(sum(row) for row in m) == expected.pairs[0]["units"] == 5
    # A study and another level: the same figures as the core's.
    panel.level.setCurrentIndex(panel.level.findData("interval"))
    panel.scope.setCurrentIndex(panel.scope.findData("pilot"))
    assert panel.result.alpha == pytest.approx(agreement(hub.store, level="interval", study_slug="pilot").alpha)
    panel.level.setCurrentIndex(panel.level.findData("ordinal"))
    shoot(panel, "agreement")


def test_the_agreement_panel_computes_in_a_thread(qtbot, hub):
    panel = QtAgreementDialog(hub, RecordFilter(), threaded=False)
    qtbot.addWidget(panel)
    panel.threaded = True
    with qtbot.waitSignal(panel.computed, timeout=20000) as got:
        panel.compute()
    assert got.args[0].alpha == pytest.approx(agreement(hub.store).alpha)
    # A choice changed while a job runs: only the latest request's figures are shown.
    with qtbot.waitSignal(panel.computed, timeout=20000) as got:
        panel.level.setCurrentIndex(panel.level.findData("nominal"))
        panel.level.setCurrentIndex(panel.level.findData("interval"))
    assert got.args[0].level == "interval"
    panel.done(0)
    assert all(job.isFinished() for job in panel.jobs)


def test_settling_from_the_queue_writes_consensus_and_undo_removes_it(qtbot, store, tmp_path):
    two_coders(store)
    win = make_window(qtbot, store, tmp_path)
    dlg = QtAdjudicationDialog(win.hub, win.undo_stack, parent=win)
    qtbot.addWidget(dlg)
    assert dlg.list.count() == 2  # ¶2 and ¶5: alice and bob one point apart
    first = dlg.current()
    assert dlg.records.rowCount() == 2 and {dlg.records.item(r, 0).text() for r in range(2)} == {"alice", "bob"}
    assert "¶2" in dlg.passage.toPlainText()
    assert not dlg.settle_current() and "evidence" in dlg.problem.text()  # a reason is required
    dlg.score.setCurrentIndex(dlg.score.findData(1.0))
    dlg.evidence.setPlainText("Both readings weighed: pro-Iran.")
    assert dlg.settle_current()
    made = [r for r in store.records(RecordFilter(view="consensus")) if r.locator == "¶2"]
    assert len(made) == 1 and made[0].coder == "tester" and made[0].score == 1
    assert sorted(consensus.settles(store, made[0].uuid)) == sorted(r.uuid for r in first.records)
    assert dlg.list.count() == 1 and first.unit not in [u.unit for u in dlg.units]  # the queue refreshed
    # Undo (Ctrl+Z in the window) puts the consensus record in the trash and the unit back in the queue.
    win.undo_stack.undo()
    assert store.record(made[0].uuid).deleted
    assert dlg.list.count() == 2
    win.undo_stack.redo()
    assert dlg.list.count() == 1
    assert len([r for r in store.records(RecordFilter(view="consensus")) if r.locator == "¶2"]) == 1


def test_the_queue_shows_the_passage_both_coders_read(qtbot, store):
    text = "The cleric told supporters that the alliance with Tehran had served its purpose and was over."
    store.update_source("paper-a", text=text)
    start, end = text.index("the alliance"), len(text) - 1
    add_coded_record(store, rec("alice", 1, -2, locator="", evidence="Declares the alliance with Tehran ended."),
                     start, end)
    add_coded_record(store, rec("bob", 1, 0, locator="", confidence="medium",
                                evidence="A remark to supporters; no break is announced."), start, end)
    dlg = QtAdjudicationDialog(QtStoreHub(store))
    qtbot.addWidget(dlg)
    assert dlg.list.count() == 1 and dlg.passage.toPlainText() == text[start:end]
    assert dlg.unit_label.text().endswith("2 points apart")
    dlg.sign.setChecked(True)
    assert dlg.list.count() == 1
    dlg.score.setCurrentIndex(dlg.score.findData(-1.0))
    dlg.evidence.setPlainText("The alliance is declared spent, without a call to break with Tehran: -1.")
    shoot(dlg, "adjudication")


def test_the_timeline_draws_the_68_percent_interval_of_an_average_of_three(qtbot, store):
    from stancetracker.core.analysis import chartdata
    from stancetracker.core.analysis.positions import positions
    from stancetracker.core.analysis.request import ChartRequest
    from stancetracker.gui.charts.timeline import TimelineFigure, hover_text
    for coder, score in (("alice", 2), ("bob", 1), ("carol", -1)):
        store.add_record(rec(coder, 1, score))
    store.add_record(rec("alice", 2, 1, date=parse_date("2021-05-01")))
    store.add_record(rec("bob", 2, 0, date=parse_date("2021-05-01")))  # two records: a range, no interval
    data = chartdata.build(store, ChartRequest("timeline", ["sadr"], "iran"))
    (tr,) = data.traces
    (pos,) = [p for p in positions(store) if p.period == "2020-01-13"]
    assert (tr.interval_low[0], tr.interval_high[0]) == pytest.approx(pos.interval)
    assert tr.low[0] < tr.interval_low[0] < tr.y[0] < tr.interval_high[0] < tr.high[0]
    assert tr.intervals.tolist() == [0]  # the date with two records has its range only
    fig = TimelineFigure()
    qtbot.addWidget(fig)
    fig.resize(900, 520)
    fig.set_data(data)
    band = fig.layers[0].interval_band
    assert band.isVisible() and band.y0.tolist() == pytest.approx([pos.interval[0]])
    assert fig.layers[0].bands.x0.size == 2  # both averaged dates keep their range band
    assert "68% interval of the average" in hover_text(None, data.dimension, tr, 0)
    assert "68% interval" not in hover_text(None, data.dimension, tr, 1)
    shoot(fig, "timeline-interval")


def test_over_a_read_only_database_the_dialogs_read_but_do_not_write(qtbot, store):
    from stancetracker.core.db.store import Store
    two_coders(store)
    S.create_study(store, "pilot", "", S.sample_units(store), {})
    path = store.path
    store.close()
    ro = Store.open(path, readonly=True, user="tester")
    hub = QtStoreHub(ro)
    studies = QtStudiesDialog(hub)
    adjudicate = QtAdjudicationDialog(hub)
    for dlg in (studies, adjudicate):
        qtbot.addWidget(dlg)
    assert studies.table.rowCount() == 1 and not studies.create_button.isEnabled()
    assert not studies.done_button.isEnabled() and not studies.assign_button.isEnabled()
    assert adjudicate.list.count() == 2 and not adjudicate.settle_button.isEnabled()
    ro.close()
