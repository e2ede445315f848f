"""The main window, driven through its real widgets; each step checked in the database."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.db.query import RecordFilter
from stancetracker.gui.main_window import QtMainWindow


@pytest.fixture
def win(qtbot, store, tmp_path):
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    # Clear the form before pytest-qt closes the window, so closing asks nothing.
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    yield w


def type_record(qtbot, w, actor="Moqtada al-Sadr", date="2020-01-24", level_key="5", evidence="led the march"):
    """Fill the editor from the keyboard only."""
    qtbot.keyClick(w, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    ed = w.editor
    qtbot.keyClicks(ed.actor, actor)
    ed.dimension.setFocus()
    qtbot.keyClicks(ed.date, date)
    qtbot.keyClick(w, getattr(Qt.Key, f"Key_{level_key}"), Qt.KeyboardModifier.ControlModifier)
    ed.source.setCurrentIndex(ed.source.findData("paper-a"))
    qtbot.keyClicks(ed.evidence, evidence)


def test_create_record_from_the_keyboard(qtbot, win):
    """Ctrl+N, typing, Ctrl+5 for +2 and Ctrl+S save a record with those values."""
    type_record(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    (r,) = win.hub.store.records()
    assert (r.actor, r.dimension, r.date.iso, r.date.precision, r.score, r.source, r.evidence) == (
        "sadr", "iran", "2020-01-24", "day", 2.0, "paper-a", "led the march")
    assert win.model.rowCount() == 1 and win.current_uuid() == r.uuid


def test_invalid_form_cannot_be_saved(qtbot, win):
    """An unknown actor or bad date is shown under its field and nothing is saved."""
    type_record(qtbot, win, actor="Nobody Known", date="2020-02-30")
    assert not win.editor.save_button.isEnabled()
    assert "No actor called 'Nobody Known'" in win.editor._errors["actor"].text()
    assert "no day 30" in win.editor._errors["date"].text()
    qtbot.keyClick(win, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert win.hub.store.count() == 0


def test_edit_undo_redo(qtbot, win):
    """An edit is saved; Ctrl+Z puts the old score back and Ctrl+Shift+Z re-applies it."""
    type_record(qtbot, win)
    win.editor.save_button.click()
    uuid = win.current_uuid()
    qtbot.keyClick(win, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)  # -2
    win.editor.request_save()
    assert win.hub.store.record(uuid).score == -2
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert win.hub.store.record(uuid).score == 2
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.hub.store.record(uuid).score == -2
    assert [h.action for h in win.hub.store.history(uuid)] == ["create", "edit", "edit", "edit"]


def test_undo_create_sends_to_trash(qtbot, win):
    """Undoing a creation moves the record to the trash; redo restores it."""
    type_record(qtbot, win)
    win.editor.request_save()
    uuid = win.current_uuid()
    win.undo_stack.undo()
    assert win.hub.store.record(uuid).deleted and win.model.rowCount() == 0
    win.undo_stack.redo()
    assert not win.hub.store.record(uuid).deleted and win.model.rowCount() == 1


def test_delete_and_restore_from_trash(qtbot, win):
    """Delete moves to the trash; the trash view lists it; restore brings it back."""
    type_record(qtbot, win)
    win.editor.request_save()
    uuid = win.current_uuid()
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_Delete)
    assert win.hub.store.record(uuid).deleted
    assert win.model.rowCount() == 0
    qtbot.keyClick(win, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert win.model.rowCount() == 1
    win.table.selectRow(0)
    qtbot.keyClick(win, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not win.hub.store.record(uuid).deleted
    assert win.hub.store.count(RecordFilter(deleted=True)) == 0


@pytest.mark.slow
def test_filters_narrow_the_table(qtbot, win):
    """Dimension, date, confidence and text filters narrow the table to matching records."""
    for actor, dim, date, conf, ev in [("sadr", "iran", "2019", "low", "drone attack"),
                                       ("maliki", "us", "2021-05", "high", "troops"),
                                       ("sadr", "us", "2022", "medium", "march")]:
        win.hub.add_record(Record(actor=actor, dimension=dim, date=parse_date(date), score=1, confidence=conf,
                                  source="paper-a", evidence=ev))
    fb = win.filter_bar
    assert win.model.rowCount() == 3
    fb.dimension.setCurrentIndex(fb.dimension.findData("us"))
    assert win.model.rowCount() == 2
    with qtbot.waitSignal(fb.filterChanged, timeout=2000):
        qtbot.keyClicks(fb.since, "2022")
    assert win.model.rowCount() == 1
    fb.since.clear()
    fb.dimension.setCurrentIndex(0)
    fb.confidence.setCurrentIndex(fb.confidence.findData("medium"))
    assert win.model.rowCount() == 2
    with qtbot.waitSignal(fb.filterChanged, timeout=2000):
        qtbot.keyClicks(fb.query, "drone")
    assert win.model.rowCount() == 0  # the drone record is low confidence
    fb.confidence.setCurrentIndex(0)
    assert win.model.rowCount() == 1
    assert "1 of 3 records shown" in win.count_label.text()


def test_duplicate_for_another_actor(qtbot, win):
    """Ctrl+D keeps dimension, date, score and source; a new actor makes a second record."""
    type_record(qtbot, win)
    win.editor.request_save()
    qtbot.keyClick(win, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    win.editor.actor.setText("Nouri al-Maliki")
    win.editor.request_save()
    recs = {r.actor: r for r in win.hub.store.records()}
    assert set(recs) == {"sadr", "maliki"}
    assert recs["maliki"].date == recs["sadr"].date and recs["maliki"].source == "paper-a"


def test_external_change_is_noticed(qtbot, win, tmp_path):
    """A record saved by another connection appears without a manual refresh."""
    from stancetracker.core.project import open_project
    other = open_project(win.hub.store.path, user="colleague")
    other.add_record(Record(actor="kadhimi", dimension="militias", date=parse_date("2021"), score=-2, source="paper-a"))
    other.close()
    win.database.check_external_changes()
    assert win.model.rowCount() == 1


def test_conflicting_save_asks(qtbot, win, monkeypatch):
    """Saving over a record another program changed asks in words (who, which versions, what changed,
    never a UUID); 'Show version 2' keeps their change."""
    type_record(qtbot, win)
    win.editor.request_save()
    uuid = win.current_uuid()
    from stancetracker.core.project import open_project
    other = open_project(win.hub.store.path, user="colleague")
    other.update_record(uuid, 1, score=0)
    other.close()
    win.editor.set_level(-1)
    asked = []

    def fake_exec(box):
        asked.append(box.text())
        for b in box.buttons():
            if b.text() == "Show version 2":
                b.click()
                box.done(0)
                return 0
    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    win.editor.request_save()
    assert asked and "colleague (edit) at" in asked[0]
    assert "you started from version 1, the database now holds version 2" in asked[0]
    assert "score: 2.0 → 0.0" in asked[0] and uuid not in asked[0] and uuid[:8] not in asked[0]
    assert win.hub.store.record(uuid).score == 0


def test_shortcuts_window_lists_actions(win):
    """Help › Keyboard shortcuts lists the coding actions with their keys."""
    from stancetracker.gui.dialogs.shortcuts import QtShortcutsDialog
    d = QtShortcutsDialog(win.actions() + win.table.actions(), win)
    names = dict(d.entries())
    assert names["New record"] == "Ctrl+N" and names["Save record"] == "Ctrl+S"
    assert "Ctrl+Z" in names["Undo"] and names["Score +2"] == "Ctrl+5"


def test_window_title_names_the_database(win):
    """The title shows the database's file name."""
    assert win.windowTitle().startswith("test.db")


def test_chart_click_selects_record_in_table_and_editor(qtbot, win):
    """A record activated on a chart is selected in the table and loaded in the editor."""
    recs = [win.hub.add_record(Record(actor="sadr", dimension="iran", date=parse_date(d), score=s,
                                      source="paper-a", evidence=f"note {d}"))
            for d, s in (("2019", -1), ("2020", 2), ("2021", 1))]
    assert win.charts is not None
    win.charts.recordActivated.emit(recs[1].uuid)
    assert win.current_uuid() == recs[1].uuid
    assert win.editor.current.uuid == recs[1].uuid and win.editor.evidence.toPlainText() == "note 2020"


def test_ticked_actors_reach_the_charts(qtbot, win, monkeypatch):
    """Ticking actors in the list passes their slugs to the chart panel."""
    got = []
    monkeypatch.setattr(win.charts, "set_actors", lambda slugs: got.append(list(slugs)))
    win.actor_list.checkedChanged.disconnect()
    win.actor_list.checkedChanged.connect(win.charts.set_actors)
    win.actor_list.set_checked(["kadhimi", "maliki"])
    assert sorted(got[-1]) == ["kadhimi", "maliki"]


def test_dropping_a_csv_opens_the_import_dialog(qtbot, win, tmp_path, monkeypatch):
    """A CSV file dropped on the window opens the import dialog on that file."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent
    f = tmp_path / "drop.csv"
    f.write_text("actor_slug,dimension_slug,date,score\nsadr,iran,2020,1\n")
    from stancetracker.gui.dialogs.csv_import import QtImportDialog
    opened = []
    monkeypatch.setattr(QtImportDialog, "exec", lambda dlg: opened.append(dlg.path) or 0)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(f))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    win.dropEvent(event)
    assert opened == [f]
