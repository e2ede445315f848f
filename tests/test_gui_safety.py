"""The safety net in the window: history, restore a version, merge and undo it, backups."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from stancetracker.core.db.backups import list_backups, make_backup
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.gui.dialogs.backups import QtBackupsDialog
from stancetracker.gui.dialogs.history import QtHistoryDialog
from stancetracker.gui.main_window import QtMainWindow
from stancetracker.gui.dialogs.merge import QtMergeDialog

from conftest import make_store


@pytest.fixture
def win(qtbot, store, tmp_path):
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    return w


def add(hub, **kw):
    base = dict(actor="sadr", dimension="iran", date=parse_date("2020-01"), score=2, source="paper-a", evidence="x")
    base.update(kw)
    return hub.add_record(Record(**base))


def test_history_dialog_restores_an_earlier_version(qtbot, win):
    """The history lists each change; restoring the first version is a new, recorded edit."""
    r = add(win.hub)
    win.hub.update_record(r.uuid, 1, score=-1, evidence="changed")
    dlg = QtHistoryDialog(win.hub, r.uuid, win)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2 and "score: 2.0 → -1.0" in dlg.table.item(1, 3).text()
    dlg.table.selectRow(0)
    dlg.restore_selected()
    rec = win.hub.store.record(r.uuid)
    assert (rec.score, rec.evidence, rec.version) == (2.0, "x", 3)
    assert dlg.table.rowCount() == 3


def test_merge_dialog_lists_conflicts_and_undo_reverts(qtbot, win, tmp_path, monkeypatch):
    """A colleague's database: new records added, a conflict chosen side by side, and Ctrl+Z undoes it all."""
    shared = add(win.hub)
    other = make_store(tmp_path / "colleague.db")
    other.add_record(Record(uuid=shared.uuid, actor="sadr", dimension="iran", date=parse_date("2020-01"), score=-2,
                            source="paper-a", evidence="x", coder="tester"))
    new = other.add_record(Record(actor="maliki", dimension="us", date=parse_date("2021"), score=1, source="paper-a"))
    other.close()

    def run_dialog(dlg):
        assert dlg.table.rowCount() >= 1 and dlg.table.item(0, 1).text() == "score"
        dlg.choices[shared.uuid].setCurrentText("theirs")
        dlg.apply()
        return 1
    monkeypatch.setattr(QtMergeDialog, "exec", run_dialog)
    win.exchange.merge_path(tmp_path / "colleague.db")
    s = win.hub.store
    assert s.record(shared.uuid).score == -2 and not s.record(new.uuid).deleted
    win.undo_stack.undo()
    assert s.record(shared.uuid).score == 2 and s.record(new.uuid).deleted


def test_backups_dialog_restores(qtbot, win, monkeypatch):
    """Restoring a backup from the dialog brings back the database as it was then."""
    add(win.hub)
    make_backup(win.hub.store.path, "manual")
    add(win.hub, actor="maliki")
    assert win.hub.store.count() == 2
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dlg = QtBackupsDialog(win.hub, win)
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == len(list_backups(win.hub.store.path)) >= 1
    dlg.table.selectRow(0)
    dlg.choose()
    win.database.restore_from_backup(dlg.chosen)
    assert win.hub.store.count() == 1 and win.model.rowCount() == 1


def test_backup_copy_from_the_file_menu(qtbot, win, tmp_path, monkeypatch):
    """File > Backup copy writes a verified, self-contained copy holding the records."""
    import sqlite3
    from PySide6.QtWidgets import QFileDialog
    add(win.hub)
    target = tmp_path / "copy.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    win.database.backup_copy()
    c = sqlite3.connect(target)
    assert c.execute("SELECT count(*) FROM records").fetchone()[0] == 1
    assert c.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    c.close()
