"""The window and files made elsewhere: a foreign trigger means read-only and a warning; refused merge rows are shown."""

import sqlite3

from PySide6.QtWidgets import QMessageBox

from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.gui.opening import open_store
from stancetracker.gui.dialogs.merge import QtMergeDialog
from stancetracker.gui.hub import QtStoreHub

from conftest import make_store


def test_a_file_with_a_foreign_trigger_opens_read_only_with_a_warning(qtbot, tmp_path, monkeypatch):
    """open_store shows the one-line reason and gives a read-only store; the file is unchanged."""
    path = tmp_path / "theirs.db"
    make_store(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM records; END")
    conn.close()
    before = path.read_bytes()
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    store = open_store(path)
    try:
        assert store is not None and store.readonly
        (title, text), = shown
        assert title == "Opened read-only" and "trigger wipe on records" in text and "--remove-foreign" in text
    finally:
        store.close()
    assert path.read_bytes() == before


def test_merge_dialog_lists_refused_rows_and_merges_only_when_accepted(qtbot, store, tmp_path):
    """Refused rows are listed; Merge stays disabled until the user accepts merging the valid rows alone."""
    other_path = tmp_path / "other.db"
    other = make_store(other_path)
    good = other.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020-01"), score=1,
                                   source="paper-a"))
    other.close()
    conn = sqlite3.connect(other_path, isolation_level=None)
    conn.execute("INSERT INTO actors (slug, name, kind, colour) VALUES ('x', 'X', 'wizard', '')")
    conn.close()
    hub = QtStoreHub(store)
    dlg = QtMergeDialog(hub, other_path)
    qtbot.addWidget(dlg)
    assert [r.key for r in dlg.plan.refused] == ["x"]
    assert not dlg.apply_button.isEnabled()
    dlg.skip_invalid.setChecked(True)
    assert dlg.apply_button.isEnabled()
    dlg.apply()
    assert dlg.result.added == 1 and store.record(good.uuid).score == 1
    assert "x" not in {a.slug for a in store.actors()}
