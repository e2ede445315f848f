"""The editor shows the stored truth after undo, redo, restore, import and another's save (issue 16, item 2)."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from conftest import write
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.changes import action_text
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.project import open_project
from stancetracker.gui.dialogs.csv_import import QtImportDialog
from stancetracker.gui.main_window import QtMainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def win(qtbot, store, tmp_path, monkeypatch):
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    asked = []
    w.asked = asked  # every message box the window raises, by its text: none is expected unless said
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or 0)
    yield w


def saved_record(win, score=1, evidence="first note") -> str:
    rec = Record(actor="sadr", dimension="iran", date=parse_date("2020-01-24"), score=score, source="paper-a",
                 evidence=evidence)
    uuid = win.hub.add_record(rec).uuid
    win.select_record(uuid)
    return uuid


def test_undo_and_redo_show_the_stored_version_and_raise_no_conflict(qtbot, win):
    uuid = saved_record(win)
    ed = win.editor
    ed.set_level(-2)
    ed.request_save()
    assert win.hub.store.record(uuid).version == 2 and "v2" in ed.title.text()
    qtbot.keyClick(win, Qt.Key.Key_Z, CTRL)                       # undo the edit
    stored = win.hub.store.record(uuid)
    assert (stored.version, stored.score) == (3, 1.0)
    assert ed.current.version == 3 and ed.score_group.checkedId() == 1 + 2 and "v3" in ed.title.text()
    assert "Now showing version 3, saved by you (undo: edit)" in win.editor_sync.text()
    # Saving again is an ordinary save over version 3: no "changed by someone else".
    ed.set_level(2)
    ed.request_save()
    assert win.asked == [] and win.hub.store.record(uuid).score == 2.0
    qtbot.keyClick(win, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert ed.current.version == win.hub.store.record(uuid).version == 6 and ed.score_group.checkedId() == 4
    assert "(redo: edit)" in win.editor_sync.text()


def test_history_names_undo_and_redo(qtbot, win):
    uuid = saved_record(win)
    win.editor.set_level(0)
    win.editor.request_save()
    qtbot.keyClick(win, Qt.Key.Key_Z, CTRL)
    qtbot.keyClick(win, Qt.Key.Key_Y, CTRL)
    words = [action_text(h.op_kind, h.action) for h in win.hub.store.history(uuid)]
    assert words == ["create", "edit", "undo: edit", "redo: edit"]
    from stancetracker.gui.dialogs.history import QtHistoryDialog
    d = QtHistoryDialog(win.hub, uuid, win)
    assert [d.table.item(i, 2).text() for i in range(d.table.rowCount())] == words


def test_own_undo_while_editing_keeps_the_edits_and_saves_without_a_conflict(qtbot, win):
    uuid = saved_record(win)
    win.editor.set_level(-1)
    win.editor.request_save()                                       # v2, score -1
    win.undo_stack.undo()                                           # v3, score 1 again
    win.editor.evidence.setPlainText("a better note")               # unsaved edit on v3
    win.hub.update_record(uuid, 3, locator="¶ 4")                   # the analyst's own change elsewhere: v4
    assert "your unsaved edits are kept" in win.editor_sync.text()
    assert win.editor.evidence.toPlainText() == "a better note"
    win.editor.request_save()
    assert win.asked == []
    stored = win.hub.store.record(uuid)
    assert (stored.version, stored.evidence) == (5, "a better note")


def test_restore_from_the_trash_shows_the_record_out_of_the_trash(qtbot, win):
    uuid = saved_record(win)
    win.hub.delete_record(uuid)
    win.filter_bar.trash.toggle()                                   # Ctrl+T: the trash
    qtbot.waitUntil(lambda: win.model.row_of(uuid) >= 0)
    win.select_record(uuid)
    assert "in the trash" in win.editor.title.text()
    win.select_row(win.model.row_of(uuid))
    win.records.restore_record()
    assert not win.hub.store.record(uuid).deleted
    assert win.editor.current.version == win.hub.store.record(uuid).version
    assert "in the trash" not in win.editor.title.text()
    assert "hidden by the current filter" in win.editor_sync.text()  # the trash view no longer lists it


def test_a_record_the_filter_hides_is_said_to_be_hidden(qtbot, win):
    saved_record(win)
    assert win.editor_sync.text() == ""
    win.apply_filter(RecordFilter(actors=["maliki"]))
    assert "hidden by the current filter" in win.editor_sync.text()
    win.apply_filter(RecordFilter())
    assert win.editor_sync.text() == ""


def test_own_import_is_not_reported_as_another_programs_change(qtbot, win, tmp_path):
    uuid = saved_record(win)
    f = write(tmp_path / "more.csv", "actor_slug,dimension_slug,date,score\nmaliki,iran,2021,1\nkadhimi,us,2021,2\n")
    dlg = QtImportDialog(win.hub, f, parent=win, settings=QSettings(str(tmp_path / "s.ini"),
                                                                    QSettings.Format.IniFormat))
    qtbot.addWidget(dlg)
    dlg.start()
    win.database.check_external_changes()                          # a poll while the job runs says nothing
    qtbot.waitUntil(lambda: dlg.job is None and win.hub.own_jobs == 0, timeout=20000)
    win.database.check_external_changes()
    assert win.hub.store.count() == 3
    assert "another window" not in win.statusBar().currentMessage()
    assert win.editor.current.uuid == uuid and win.editor_sync.text() == ""
    # A colleague's save is announced, with who did what.
    other = open_project(win.hub.store.path, user="colleague")
    other.update_record(uuid, 1, score=-1)
    other.close()
    win.database.check_external_changes()
    msg = win.statusBar().currentMessage()
    assert "another window or program: colleague's edit at" in msg
    assert win.editor.current.version == 2 and win.editor.score_group.checkedId() == 1
    assert "saved by colleague (edit)" in win.editor_sync.text()


def test_anothers_save_while_editing_is_announced_and_save_asks_in_words(qtbot, win):
    uuid = saved_record(win)
    win.editor.evidence.setPlainText("my unsaved words")
    other = open_project(win.hub.store.path, user="colleague")
    other.update_record(uuid, 1, score=-2)
    other.close()
    win.database.check_external_changes()
    note = win.editor_sync.text()
    assert "Version 2 was saved by colleague (edit)" in note and "Save will ask" in note
    assert win.editor.evidence.toPlainText() == "my unsaved words"
    win.editor.request_save()
    (text,) = win.asked
    assert "colleague" in text and "version 1" in text and "version 2" in text and uuid[:8] not in text
    win.editor_sync.load_stored()
    assert win.editor.evidence.toPlainText() == "first note" and win.editor.current.version == 2
