"""Every writer follows core/outputs.py: chart -o, the backup copy, restore, and the window's export dialogs.

The rule itself and the command-line findings (issue 12, findings 1 and 2) are
tested in test_output_paths.py, whose fixtures these tests share.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from stancetracker.cli.main import cli
from stancetracker.core.db import backups
from stancetracker.core.files import outputs
from stancetracker.core.project import open_project

from test_output_paths import HEADER, db, digest, records_in, run, unchanged  # noqa: F401 (db is a fixture)


# ------------------------------------------------------------ chart -o

def test_chart_to_dash_writes_png_to_standard_output(db, tmp_path, monkeypatch):
    """chart -o - writes a PNG to standard output; --format svg an SVG."""
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["--db", str(db), "chart", "-a", "sadr", "-d", "iran", "-o", "-",
                                   "--width", "200", "--height", "150"])
    assert res.exit_code == 0, res.output
    assert res.stdout_bytes.startswith(b"\x89PNG\r\n\x1a\n") and "Wrote -" in res.stderr
    res = CliRunner().invoke(cli, ["--db", str(db), "chart", "-a", "sadr", "-d", "iran", "-o", "-",
                                   "--format", "svg", "--width", "200", "--height", "150"])
    assert res.exit_code == 0 and b"<svg" in res.stdout_bytes
    assert not (tmp_path / "-").exists()


def test_chart_over_the_database_is_refused(db, tmp_path):
    """chart -o naming the database (by a .png symlink) is refused before drawing; the database is unchanged."""
    os.symlink(db, tmp_path / "c.png")
    before = (digest(db), records_in(db))
    res = run(db, "chart", "-a", "sadr", "-o", str(tmp_path / "c.png"))
    assert res.exit_code == 1
    assert res.output == (f"Error: --output {tmp_path / 'c.png'}: is another name for the database ({db}); "
                          "choose another file — nothing was written\n")
    unchanged(db, before)


def test_chart_to_a_symlink_keeps_the_link(db, tmp_path):
    """chart -o through a symlink replaces the linked file and keeps the link."""
    real = tmp_path / "real.png"
    real.write_bytes(b"old")
    os.symlink(real, tmp_path / "c.png")
    res = run(db, "chart", "-a", "sadr", "-o", str(tmp_path / "c.png"), "--width", "200", "--height", "150")
    assert res.exit_code == 0, res.output
    assert os.path.islink(tmp_path / "c.png") and real.read_bytes().startswith(b"\x89PNG")


# ------------------------------------------------------------ backups and restore

def test_backup_copy_over_the_database_is_refused(db, tmp_path):
    """The window's "backup copy" cannot be written over the database, its -wal or into backups/."""
    store = open_project(db, user="tester", backup=False)
    before = digest(db)
    try:
        for target in (db, Path(f"{db}-wal"), backups.backup_dir(db) / "copy.db"):
            with pytest.raises(outputs.OutputError):
                backups.copy_to(store.path, target)
    finally:
        store.close()
    assert digest(db) == before and records_in(db) == 20


def test_backup_copy_to_a_symlink_and_a_fifo(db, tmp_path):
    """A copy through a symlink keeps the link; a copy into a FIFO feeds its reader a sound database."""
    real = tmp_path / "real-copy.db"
    os.symlink(real, tmp_path / "copy.db")
    backups.copy_to(db, tmp_path / "copy.db")
    assert os.path.islink(tmp_path / "copy.db") and records_in(real) == 20
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    backups.copy_to(db, fifo)
    reader.join(timeout=60)
    (tmp_path / "from-fifo.db").write_bytes(got[0])
    assert records_in(tmp_path / "from-fifo.db") == 20 and stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("which", ["database", "symlink", "hardlink", "wal"])
def test_restore_refuses_the_database_itself_as_a_backup(db, tmp_path, which):
    """restore of the database (or another name for it, or its -wal) is refused; nothing changes."""
    if which == "symlink":
        os.symlink(db, tmp_path / "b.db")
    if which == "hardlink":
        os.link(db, tmp_path / "b.db")
    source = {"database": db, "symlink": tmp_path / "b.db", "hardlink": tmp_path / "b.db",
              "wal": Path(f"{db}-wal")}[which]
    before = (digest(db), records_in(db))
    res = run(db, "restore", str(source), "--yes") if which != "wal" else None
    if res is None:
        with pytest.raises(Exception, match="write-ahead log, not a backup"):
            backups.restore_backup(db, source)
    else:
        assert res.exit_code == 1 and res.output.startswith(f"Error: {source}: is ")
        assert res.output.endswith(", not a backup of it; nothing was restored\n")
    unchanged(db, before)


def test_restore_into_a_symlinked_database_keeps_the_link(db, tmp_path):
    """A database opened through a symlink is restored in the file it points to; the link stays."""
    store = open_project(db, user="tester", backup=False)
    saved = backups.make_backup(store.path, reason="manual")
    store.conn.execute("DELETE FROM records")
    store.close()
    link = tmp_path / "link.db"
    os.symlink(db, link)
    res = run(link, "restore", str(saved.path), "--yes")
    assert res.exit_code == 0, res.output
    assert os.path.islink(link) and records_in(db) == 20


# ------------------------------------------------------------ the window's export dialogs

def test_gui_export_dialog_shows_the_refusal(qtbot, db):
    """The window's CSV export over the database shows the one-line message; the database is unchanged."""
    from stancetracker.core.db.query import RecordFilter
    from stancetracker.gui.dialogs.records_export import QtRecordsExportDialog
    from stancetracker.gui.hub import QtStoreHub
    store = open_project(db, user="tester", backup=False)
    before = digest(db)
    try:
        dlg = QtRecordsExportDialog(QtStoreHub(store), RecordFilter())
        qtbot.addWidget(dlg)
        dlg.path_edit.setText(str(db))
        dlg.accept()
        assert dlg.status.text() == f"Nothing was written: {db}: is the database; choose another file — nothing was written"
        assert dlg.written is None
    finally:
        store.close()
    assert digest(db) == before


def test_gui_dash_is_a_file_not_standard_output(qtbot, db, tmp_path, monkeypatch):
    """In the window, a file named - is a file in the current folder."""
    from stancetracker.core.db.query import RecordFilter
    from stancetracker.gui.dialogs.records_export import QtRecordsExportDialog
    from stancetracker.gui.hub import QtStoreHub
    monkeypatch.chdir(tmp_path)
    store = open_project(db, user="tester", backup=False)
    try:
        dlg = QtRecordsExportDialog(QtStoreHub(store), RecordFilter())
        qtbot.addWidget(dlg)
        dlg.path_edit.setText("-")
        dlg.accept()
    finally:
        store.close()
    assert dlg.written == 20 and (tmp_path / "-").read_bytes().startswith(b"\xef\xbb\xbfuuid,")


def test_gui_chart_export_over_the_database_is_a_message(qtbot, db):
    """Saving a chart over the database from the window raises the one-line error the panel shows."""
    from stancetracker.core.analysis import chartdata
    from stancetracker.gui.charts import export
    store = open_project(db, user="tester", backup=False)
    before = digest(db)
    try:
        fig = export.figure_for(chartdata.build(store, chartdata.ChartRequest("timeline", ["sadr"], "iran")), store)
        qtbot.addWidget(fig)
        with pytest.raises(outputs.OutputError, match="is the database"):
            export.export_figure(fig, db)
    finally:
        store.close()
    assert digest(db) == before


def test_gui_import_report_button_asks_for_a_file_and_refuses_the_input(qtbot, db, tmp_path, monkeypatch):
    """The import dialog's report is never written over the file being imported (nor to fd 0 by the button)."""
    from PySide6.QtWidgets import QFileDialog
    from stancetracker.gui.dialogs.csv_import import QtImportDialog
    from stancetracker.gui.hub import QtStoreHub
    src = tmp_path / "in.csv"
    src.write_text(HEADER + "sadr,iran,2020,9,bad\n")
    before = digest(src)
    store = open_project(db, user="tester", backup=False)
    try:
        dlg = QtImportDialog(QtStoreHub(store), src)
        qtbot.addWidget(dlg)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(src), ""))
        dlg.save_report.click()
        assert "is the file being imported" in dlg.summary.text()
    finally:
        store.close()
    assert digest(src) == before


def test_gui_new_database_is_never_made_in_the_backups_folder(qtbot, store, tmp_path, monkeypatch):
    """File › New refuses a name inside the open database's backups folder, with the one-line reason."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QFileDialog, QMessageBox
    from stancetracker.gui.main_window import QtMainWindow
    folder = backups.backup_dir(store.path)
    folder.mkdir(exist_ok=True)
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    shown = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(folder / "new.db"), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    w.database.new_database()
    assert shown == [f"{folder / 'new.db'}: is in the database's backups folder ({folder}); "
                     "choose a file elsewhere — nothing was written"]
    assert w.hub.store.path == store.path and list(folder.iterdir()) == []
