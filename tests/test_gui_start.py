"""Starting the application: no display, damaged files, the coder's name, first launch."""

import os
import sqlite3
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QMessageBox

from stancetracker.core.db.schema import SCHEMA_VERSION
from stancetracker.gui import main_window
from stancetracker.gui.main_window import QtMainWindow

from conftest import seeded_consensus_view, seeded_records
from stancetracker.gui.opening import ask_coder, open_store

from conftest import make_store


@pytest.mark.slow
def test_no_display_gives_one_line_not_a_traceback(tmp_path):
    """`stancetracker` where there is no display says so in one line and exits 1."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["STANCETRACKER_HOME"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-m", "stancetracker"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 1
    assert out.stderr.startswith("stancetracker: no display found") and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def _damaged(tmp_path, kind):
    p = tmp_path / f"{kind}.db"
    if kind == "not-sqlite":
        p.write_text("hello\n" * 50)
    elif kind == "truncated":
        p.write_bytes(b"SQLite format 3\x00" + b"\x01" * 40)
    elif kind == "foreign":
        c = sqlite3.connect(p)
        c.execute("CREATE TABLE x (y)")
        c.commit(), c.close()
    elif kind == "newer":
        s = make_store(p)
        s.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
        s.close()
    return p


@pytest.mark.parametrize("kind,fragment", [
    ("not-sqlite", "not a stancetracker database"),
    ("truncated", "truncated"),
    ("foreign", "not a stancetracker one"),
    ("newer", "newer version of stancetracker"),
])
def test_damaged_or_foreign_files_get_a_dialog(qtbot, tmp_path, monkeypatch, kind, fragment):
    """Opening a damaged or foreign file shows the reason in a dialog and leaves the file as it was."""
    p = _damaged(tmp_path, kind)
    before = p.read_bytes()
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text, *a: shown.append(text))
    assert open_store(p) is None
    assert len(shown) == 1 and fragment in shown[0]
    assert p.read_bytes() == before


def test_read_only_database_opens_read_only(qtbot, tmp_path):
    """A database opened read-only has editing switched off and says so in the title."""
    from stancetracker.core.project import open_project
    make_store(tmp_path / "ro.db").close()
    store = open_project(tmp_path / "ro.db", readonly=True)
    w = QtMainWindow(store, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert "[read-only]" in w.windowTitle()
    assert not w.records.a_new.isEnabled() and not w.editor.isEnabled() and not w.exchange.a_import.isEnabled()
    w._poll.stop()


def test_coder_is_asked_once(qtbot, tmp_path, monkeypatch):
    """The coder's name is asked on first launch and remembered after."""
    monkeypatch.delenv("STANCETRACKER_CODER", raising=False)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append(1), ("Layla", True))[1])
    assert ask_coder(settings) == "Layla"
    assert ask_coder(settings) == "Layla"
    assert len(asked) == 1


def test_first_launch_opens_seeded_default_database(qtbot, tmp_path, monkeypatch):
    """With no settings, the default database is created with the seeded dataset and opened."""
    monkeypatch.setenv("STANCETRACKER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(main_window, "QSettings", lambda: QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    w = QtMainWindow.launch(None)
    qtbot.addWidget(w)
    assert w.hub.store.path == tmp_path / "home" / "stancetracker.db"
    # It opens on the consensus view: the reliability study's settled records give way to their consensus.
    assert w.filter_bar.view == "consensus"
    assert w.model.rowCount() == len(seeded_consensus_view()) > 100
    assert w.hub.store.count() == seeded_records() > w.model.rowCount()
    w._poll.stop()
