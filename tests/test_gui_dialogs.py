"""The manage, import and export dialogs, driven through their widgets; results checked in the database."""

import csv

import pytest
from PySide6.QtCore import QSettings

from stancetracker.core.model.dates import parse_date
from stancetracker.gui.dialogs.actors import QtActorsDialog
from stancetracker.gui.dialogs.dimensions import QtDimensionsDialog
from stancetracker.gui.dialogs.events import QtEventsDialog
from stancetracker.gui.dialogs.records_export import QtRecordsExportDialog
from stancetracker.gui.dialogs.csv_import import QtImportDialog
from stancetracker.gui.dialogs.new_source import QtNewSourceDialog
from stancetracker.gui.dialogs.sources import QtSourcesDialog
from stancetracker.gui.hub import QtStoreHub
from stancetracker.core.model.entities import Record
from stancetracker.core.db.query import RecordFilter

from conftest import fingerprint, write


@pytest.fixture
def hub(store):
    return QtStoreHub(store)


def test_create_actor_with_aliases(qtbot, hub):
    """A new actor typed into the form is saved with its aliases."""
    d = QtActorsDialog(hub)
    qtbot.addWidget(d)
    d.new_item()
    qtbot.keyClicks(d.name_edit, "Ammar al-Hakim")
    d.aliases_edit.setPlainText("Ammar Hakim\nSayyid Ammar")
    assert d.save()
    a = hub.store.actor("Sayyid Ammar")
    assert (a.name, a.aliases) == ("Ammar al-Hakim", ["Ammar Hakim", "Sayyid Ammar"])


def test_duplicate_actor_refused_inline(qtbot, hub):
    """'Moqtada al-Sadr' as a new actor is refused at the name field; nothing is written."""
    before = fingerprint(hub.store)
    d = QtActorsDialog(hub)
    qtbot.addWidget(d)
    d.new_item()
    qtbot.keyClicks(d.name_edit, "Moqtada al-Sadr")
    assert not d.save()
    assert "already names the actor 'sadr'" in d.errors.label("name").text()
    assert fingerprint(hub.store) == before


def test_add_dimension(qtbot, hub):
    """A new dimension with its poles is saved; the preview shows its score labels."""
    d = QtDimensionsDialog(hub)
    qtbot.addWidget(d)
    d.new_item()
    qtbot.keyClicks(d.slug_edit, "eu")
    qtbot.keyClicks(d.label_edit, "European Union")
    qtbot.keyClicks(d.neg_label_edit, "anti-EU")
    qtbot.keyClicks(d.pos_label_edit, "pro-EU")
    assert "strongly pro-EU" in d.preview.text()
    assert d.save()
    assert hub.store.dimension("eu").pos_label == "pro-EU"


def test_add_and_edit_source(qtbot, hub):
    """A source is added from the quick dialog and edited in the manage dialog."""
    n = QtNewSourceDialog(hub)
    qtbot.addWidget(n)
    qtbot.keyClicks(n.form.title_edit, "Sadr statement on the Framework")
    qtbot.keyClicks(n.form.published.edit, "15 January 2022")
    n.accept()
    slug = n.created_slug
    assert hub.store.source(slug).published == parse_date("2022-01-15")
    d = QtSourcesDialog(hub)
    qtbot.addWidget(d)
    assert d.select(slug)
    d.form.author_edit.setText("Sadr's office")
    assert d.save()
    assert hub.store.source(slug).author == "Sadr's office"


def test_add_and_delete_event(qtbot, hub, monkeypatch):
    """An event is added with a date and label, then deleted."""
    from PySide6.QtWidgets import QMessageBox
    d = QtEventsDialog(hub)
    qtbot.addWidget(d)
    d.new_item()
    qtbot.keyClicks(d.date.edit, "June 2022")
    qtbot.keyClicks(d.label_edit, "Sadrist MPs resign")
    assert d.save()
    (ev,) = hub.store.events()
    assert (ev.date.short(), ev.label) == ("2022-06", "Sadrist MPs resign")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    d.delete_current()
    assert hub.store.events() == []


def test_import_with_one_bad_row_lists_it_and_changes_nothing(qtbot, hub, tmp_path):
    """A file with one bad row: the problem table shows its line, column and reason; nothing is imported."""
    f = write(tmp_path / "bad.csv", "actor_slug,dimension_slug,date,score\nsadr,iran,2020,1\nsadr,iran,2020,7\n")
    before = fingerprint(hub.store)
    dlg = QtImportDialog(hub, f, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dlg)
    assert dlg.kind == "records"
    dlg.start()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=20000)
    assert dlg.problem_table.rowCount() == 1
    assert [dlg.problem_table.item(0, i).text() for i in range(3)] == ["3", "score", "7 is outside the range -2 to 2"]
    assert fingerprint(hub.store) == before
    dlg.save_problems(tmp_path / "report.csv")
    assert list(csv.reader(open(tmp_path / "report.csv")))[1] == ["3", "score", "7 is outside the range -2 to 2"]


def test_foreign_import_with_mapping_rescale_and_memory(qtbot, hub, tmp_path):
    """A 0-10 survey is mapped and rescaled; the mapping is offered again for a file with the same header."""
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    f = write(tmp_path / "survey.csv", "party,yr,mean\nsadr,2019,0\nmaliki,2019,10\n")
    dlg = QtImportDialog(hub, f, settings=settings)
    qtbot.addWidget(dlg)
    assert dlg.kind == "foreign"
    for fld, col in (("actor", "party"), ("date", "yr"), ("score", "mean")):
        dlg.map_combos[fld].setCurrentIndex(dlg.map_combos[fld].findData(col))
    dlg.fixed_dimension.setCurrentIndex(dlg.fixed_dimension.findData("iran"))
    dlg.rescale.setChecked(True)
    dlg.lo.setValue(0)
    dlg.hi.setValue(10)
    dlg.start()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=20000)
    assert sorted((r.actor, r.score) for r in hub.store.records()) == [("maliki", 2.0), ("sadr", -2.0)]
    g = write(tmp_path / "survey2.csv", "party,yr,mean\nkadhimi,2020,5\n")
    again = QtImportDialog(hub, g, settings=settings)
    qtbot.addWidget(again)
    assert again.map_combos["actor"].currentData() == "party" and again.fixed_dimension.currentData() == "iran"
    assert again.rescale.isChecked() and again.hi.value() == 10


def test_cancel_imports_nothing(qtbot, hub, tmp_path):
    """Cancel during a large import: nothing is imported."""
    rows = "".join(f"sadr,iran,{1990 + i % 30},1,note {i}\n" for i in range(40000))
    f = write(tmp_path / "big.csv", "actor_slug,dimension_slug,date,score,evidence\n" + rows)
    before = fingerprint(hub.store)
    dlg = QtImportDialog(hub, f, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dlg)
    dlg.start()
    dlg.cancel()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=30000)
    assert "nothing was imported" in dlg.summary.text().lower()
    assert fingerprint(hub.store) == before


def test_export_writes_the_filtered_view_with_bom(qtbot, hub, tmp_path):
    """Export writes the filter's records, with a byte-order mark for Excel."""
    for actor in ("sadr", "maliki"):
        hub.add_record(Record(actor=actor, dimension="iran", date=parse_date("2020"), score=1, source="paper-a"))
    dlg = QtRecordsExportDialog(hub, RecordFilter(actors=["maliki"]))
    qtbot.addWidget(dlg)
    dlg.path_edit.setText(str(tmp_path / "out.csv"))
    dlg.accept()
    assert dlg.written == 1
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"maliki" in raw and b",sadr," not in raw


def test_import_with_create_actors_says_which_new_actor_is_close_to_an_existing_one(qtbot, hub, tmp_path):
    f = write(tmp_path / "near.csv", "actor,dimension_slug,date,score\nMuqtada al Sadrr,iran,2020,1\n")
    dlg = QtImportDialog(hub, f, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dlg)
    dlg.create_actors.setChecked(True)
    dlg.start()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=20000)
    assert "1 record added" in dlg.summary.text()
    assert "created 'Muqtada al Sadrr' — close to existing 'Muqtada al-Sadr' (sadr)" in dlg.summary.text()
