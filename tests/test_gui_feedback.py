"""Feedback in the window's own words: exports and imports end with a status message and Open folder;
the import's mapping guesses usual column names and its messages name its own controls (issue 16, item 8)."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QDesktopServices

from conftest import write
from stancetracker.core.exchange.record_import import ImportOptions, import_records
from stancetracker.core.exchange.record_options import guess_mapping
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.model.errors import ImportFailed
from stancetracker.gui.dialogs.csv_import import QtImportDialog
from stancetracker.gui.dialogs.records_export import QtRecordsExportDialog
from stancetracker.gui.feedback import folder_button
from stancetracker.gui.main_window import QtMainWindow


@pytest.fixture
def win(qtbot, store, tmp_path):
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    yield w


@pytest.mark.parametrize("header, expected", [
    (["Year", "Party", "Position", "Issue", "Notes"],
     {"date": "Year", "actor": "Party", "score": "Position", "dimension": "Issue", "evidence": "Notes"}),
    (["time", "name", "value"], {"date": "time", "actor": "name", "score": "value"}),
    (["actor name", "date", "mean", "source"], {"actor": "actor name", "date": "date", "score": "mean",
                                                "source": "source"}),
    (["foo", "bar"], {}),
])
def test_the_mapping_guesses_the_usual_column_names(header, expected):
    assert guess_mapping(header) == expected


def test_the_import_dialog_offers_the_guessed_mapping(qtbot, win, tmp_path):
    f = write(tmp_path / "survey.csv", "Year,Party,Position\n2019,sadr,1\n")
    dlg = QtImportDialog(win.hub, f, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dlg)
    assert dlg.kind == "foreign"
    assert {k: dlg.map_combos[k].currentData() for k in ("date", "actor", "score")} == {
        "date": "Year", "actor": "Party", "score": "Position"}


def test_the_import_dialogs_messages_name_its_own_controls(qtbot, win, tmp_path):
    f = write(tmp_path / "survey.csv", "year,party,position\n2019,Nobody Known,1\n")
    dlg = QtImportDialog(win.hub, f, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(dlg)
    dlg.start()                                    # no dimension chosen
    qtbot.waitUntil(lambda: dlg.job is None, timeout=20000)
    text = dlg.summary.text() + " ".join(dlg.problem_table.item(i, 2).text() for i in range(dlg.problem_table.rowCount()))
    assert "or choose one dimension for every row" in text and "--dimension" not in text
    dlg.fixed_dimension.setCurrentIndex(dlg.fixed_dimension.findData("iran"))
    dlg.start()
    qtbot.waitUntil(lambda: dlg.job is None, timeout=20000)
    problems = " ".join(dlg.problem_table.item(i, 2).text() for i in range(dlg.problem_table.rowCount()))
    assert "tick “Create actors the file names but the database lacks” to add them" in problems
    assert "--create-actors" not in problems + dlg.summary.text()


def test_the_command_line_keeps_its_own_words(store, tmp_path):
    f = write(tmp_path / "x.csv", "actor_slug,dimension_slug,date,score\nnobody,iran,2020,1\n")
    with pytest.raises(ImportFailed, match="use --create-actors to add them"):
        import_records(store, f, ImportOptions())


def test_an_export_says_how_many_it_wrote_and_opens_the_folder(qtbot, win, tmp_path, monkeypatch):
    win.hub.add_record(Record(actor="sadr", dimension="iran", date=parse_date("2020"), score=1, source="paper-a"))
    out = tmp_path / "out" / "view.csv"
    out.parent.mkdir()

    def run(dlg):
        dlg.path_edit.setText(str(out))
        dlg.accept()
        return 1
    monkeypatch.setattr(QtRecordsExportDialog, "exec", run)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    win.exchange.export_csv()
    assert out.exists()
    assert win.statusBar().currentMessage() == f"Wrote 1 record to {out}"
    button = folder_button(win)
    assert button is not None and button.isVisible()
    button.click()
    assert [Path(p) for p in opened] == [out.parent]


def test_an_import_ends_with_a_status_message(qtbot, win, tmp_path, monkeypatch):
    f = write(tmp_path / "in.csv", "actor_slug,dimension_slug,date,score\nsadr,iran,2020,1\nmaliki,us,2021,-1\n")

    def run(dlg):
        dlg.start()
        qtbot.waitUntil(lambda: dlg.job is None, timeout=20000)
        return 1
    monkeypatch.setattr(QtImportDialog, "exec", run)
    win.exchange.import_csv(f)
    assert win.statusBar().currentMessage().startswith("Imported in.csv: 2 records added")
    assert folder_button(win).isVisible()
    win.statusBar().showMessage("something else")
    assert not folder_button(win).isVisible()      # the button goes with its message


def test_a_message_never_draws_over_the_record_count(qtbot, win):
    """The count and the file name stay beside the message, not under it (they once showed through it
    after the bar laid itself out again with the new Open folder button)."""
    from PySide6.QtWidgets import QApplication
    from stancetracker.gui.feedback import announce

    win.resize(1000, 600)
    announce(win, "Wrote the report to somewhere/report.html, report.pdf", "somewhere/report.html")
    for _ in range(5):
        QApplication.processEvents()
    bar = win.statusBar()
    assert bar.currentMessage().startswith("Wrote the report")
    for label in (win.count_label, win.path_label):
        # What the bar shows where the label is, is the label alone: no message text painted over it.
        assert label.isVisible(), label.text()
        shown = bar.grab(label.geometry()).toImage()
        alone = label.grab().toImage().convertToFormat(shown.format())
        assert shown == alone, label.text()
