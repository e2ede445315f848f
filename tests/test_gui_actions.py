"""The window's menus open their dialogs by class; the records export reports progress and can be cancelled."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.gui.dialogs.actors import QtActorsDialog
from stancetracker.gui.dialogs.csv_import import QtImportDialog
from stancetracker.gui.dialogs.dimensions import QtDimensionsDialog
from stancetracker.gui.dialogs.events import QtEventsDialog
from stancetracker.gui.dialogs.new_source import QtNewSourceDialog
from stancetracker.gui.dialogs.records_export import QtRecordsExportDialog
from stancetracker.gui.dialogs.sources import QtSourcesDialog
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.main_window import QtMainWindow


@pytest.fixture
def win(qtbot, store, tmp_path):
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    yield w


def action(win, text: str):
    (a,) = [a for a in win.actions() if a.text() == text]
    return a


@pytest.mark.parametrize("text, dialog", [
    ("&Actors…", QtActorsDialog), ("&Dimensions…", QtDimensionsDialog), ("&Sources…", QtSourcesDialog),
    ("&Events…", QtEventsDialog), ("&Import CSV…", QtImportDialog),
    ("&Export current view as CSV…", QtRecordsExportDialog)])
def test_each_menu_item_opens_its_dialog(win, monkeypatch, text, dialog):
    """Triggering the menu item shows that dialog over the window."""
    shown = []
    monkeypatch.setattr(dialog, "exec", lambda dlg: shown.append((type(dlg), dlg.parent())) or 0)
    action(win, text).trigger()
    assert shown == [(dialog, win)]


def test_new_source_from_the_editor_is_selected_there(win, monkeypatch):
    """The editor's 'new source' opens the new-source dialog and selects what it created."""
    def create(dlg):
        dlg.form.title_edit.setText("A new report")
        dlg.accept()
        return 1
    monkeypatch.setattr(QtNewSourceDialog, "exec", create)
    win.editor.newSourceRequested.emit()
    slug = win.editor.source.currentData()
    assert slug and win.hub.store.source(slug).title == "A new report"


def test_read_only_database_disables_every_writing_action(qtbot, store, tmp_path):
    """Each area's writing actions are off over a read-only database; reading ones stay on."""
    path = store.path
    store.close()
    ro = Store.open(path, readonly=True, user="tester")
    w = QtMainWindow(ro, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: w._poll.stop())
    writes = [a for area in w.action_areas for a in area.writes]
    assert len(writes) == 15 and not any(a.isEnabled() for a in writes)
    assert action(w, "&Export current view as CSV…").isEnabled() and action(w, "Record &history…").isEnabled()


def add_records(hub, n=3):
    for i in range(n):
        hub.add_record(Record(actor="sadr", dimension="iran", date=parse_date(f"{2010 + i}"), score=1,
                              source="paper-a"))


def test_export_reports_progress_in_records(qtbot, store, tmp_path):
    """The export's progress callback reaches the dialog as records written of records to write."""
    hub = QtStoreHub(store)
    add_records(hub)
    dlg = QtRecordsExportDialog(hub, RecordFilter())
    qtbot.addWidget(dlg)
    seen = []
    dlg.progressed.connect(lambda done, total: seen.append((done, total)))
    dlg.path_edit.setText(str(tmp_path / "out.csv"))
    dlg.accept()
    assert dlg.written == 3 and seen[-1] == (3, 3) and dlg.result() == QDialog.DialogCode.Accepted


def test_cancelled_export_writes_nothing(qtbot, store, tmp_path):
    """Cancel during the export stops it: the old file keeps its bytes and the dialog stays open saying so."""
    hub = QtStoreHub(store)
    add_records(hub)
    target = tmp_path / "out.csv"
    target.write_bytes(b"the old export\r\n")
    dlg = QtRecordsExportDialog(hub, RecordFilter())
    qtbot.addWidget(dlg)
    dlg.progressed.connect(lambda *_: dlg.cancel_button.click())
    dlg.path_edit.setText(str(target))
    dlg.accept()
    assert dlg.status.text() == "Export cancelled; nothing was written."
    assert dlg.written is None and not dlg.running and dlg.result() != QDialog.DialogCode.Accepted
    assert target.read_bytes() == b"the old export\r\n" and not list(tmp_path.glob("*.partial"))
    assert not store.conn.in_transaction  # the export's read transaction is over


def test_export_from_a_read_only_database(qtbot, store, tmp_path):
    """A database opened read-only exports from the window's own connection."""
    add_records(QtStoreHub(store))
    path = store.path
    store.close()
    ro = Store.open(path, readonly=True, user="tester")
    try:
        dlg = QtRecordsExportDialog(QtStoreHub(ro), RecordFilter())
        qtbot.addWidget(dlg)
        dlg.path_edit.setText(str(tmp_path / "out.csv"))
        dlg.accept()
        assert dlg.written == 3
    finally:
        ro.close()
