"""File › Import/Export › REFI-QDA project… open the dialog, which runs the core's import and export on a job."""

import zipfile

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QMenu

from stancetracker.core.coding.passages import passages
from stancetracker.core.exchange.qdpx.import_ import import_qdpx
from stancetracker.gui.dialogs.qdpx_dialog import QtQdpxDialog
from stancetracker.core.analysis.contrast import IMPORTED_HUE, shading
from stancetracker.gui.theme import palette_of
from stancetracker.gui.hub import QtStoreHub
from stancetracker.gui.main_window import QtMainWindow

from qdpxfixtures import coded_document, hand_qdpx


@pytest.fixture
def win(qtbot, store, tmp_path):
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    yield w


def test_the_file_menu_holds_import_and_export_of_a_refi_qda_project(win, monkeypatch):
    (file_menu,) = [m for m in win.menuBar().findChildren(QMenu) if m.title().replace("&", "") == "File"]
    subs = {m.title().replace("&", ""): m for m in file_menu.findChildren(QMenu)}
    shown = []
    monkeypatch.setattr(QtQdpxDialog, "exec", lambda dlg: shown.append(dlg.mode) or 0)
    for menu, mode in (("Import", "import"), ("Export", "export")):
        (a,) = [a for a in subs[menu].actions() if a.text().replace("&", "") == "REFI-QDA project…"]
        a.trigger()
    assert shown == ["import", "export"]


def test_the_dialog_imports_with_a_mapping_and_exports(qtbot, store, tmp_path):
    hub = QtStoreHub(store)
    dlg = QtQdpxDialog(hub, "import")
    qtbot.addWidget(dlg)
    dlg.file.setText(str(hand_qdpx(tmp_path / "hand.qdpx")))
    mapping = tmp_path / "map.toml"
    mapping.write_text('[codes]\n"Pro" = { dimension = "iran", score = 2 }\n[cases]\n"The minister" = "sadr"\n',
                       encoding="utf-8")
    dlg.mapping.setText(str(mapping))
    with qtbot.waitSignal(hub.changed, timeout=10000):
        dlg.start()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=10000)
    assert "1 source, 3 passages, 1 record added" in dlg.summary.text()
    assert dlg.result.op_id is not None
    slug = [s.slug for s in store.sources() if s.title == "Interview notes"][0]
    assert len(passages(store, slug, lost=None)) == 3 and len(store.records()) == 1

    coded_document(store)
    out = tmp_path / "out.qdpx"
    exp = QtQdpxDialog(hub, "export")
    qtbot.addWidget(exp)
    exp.file.setText(str(out))
    exp.start()
    qtbot.waitUntil(lambda: exp.job is None, timeout=10000)
    assert "2 text sources" in exp.summary.text(), exp.summary.text()
    with zipfile.ZipFile(out) as z:
        assert "project.qde" in z.namelist()
    exp.file.setText(str(store.path))  # never over the open database
    exp.start()
    qtbot.waitUntil(lambda: exp.job is None, timeout=10000)
    assert "is the database" in exp.summary.text()


def test_imported_selections_are_shaded_in_the_reader_before_they_are_coded(qtbot, store, tmp_path):
    import_qdpx(store, hand_qdpx(tmp_path / "hand.qdpx"))  # no mapping: passages, no records
    slug = [s.slug for s in store.sources() if s.title == "Interview notes"][0]
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    w.documents.dock.show()
    reader = w.documents.reader
    reader.open_document(slug)
    view = reader.view
    pal = palette_of(view)
    imported = QColor(shading(IMPORTED_HUE, pal.base, pal.text))  # the imported shade, fitted to the palette
    shaded = []
    for n in range(view.document().blockCount()):
        block = view.document().findBlockByNumber(n)
        shaded += [block.text()[f.start:f.start + f.length] for f in block.layout().formats()
                   if f.format.background().color() == imported]
    # Every imported selection is shaded, ready to be coded as a stance (the last one had no code).
    assert shaded == ["weather", "praised Tehran's help", "criticised it later"]
