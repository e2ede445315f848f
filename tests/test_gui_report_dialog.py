"""File › Report…: the window's selection becomes the report's scope; the files written are read back."""

from __future__ import annotations

import json

import docx
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QDesktopServices

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.dates import parse_date
from stancetracker.core.project import open_project
from stancetracker.core.report.build import build_report
from stancetracker.gui.dialogs.report_dialog import report_counts
from stancetracker.gui.main_window import QtMainWindow

from pdf_reading import needs_poppler, pdf_text


@pytest.fixture
def win(qtbot, tmp_path):
    store = open_project(tmp_path / "seed.db", user="tester")  # the seeded dataset
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.actor_list.set_checked(["sadr"])
    w.charts.dimension_box.setCurrentIndex(w.charts.dimension_box.findData("iran"))
    w.apply_filter(RecordFilter(since=parse_date("2019")))
    yield w


@pytest.fixture
def opened(monkeypatch):
    urls = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: urls.append(url) or True))
    return urls


def _report_action(win):
    (a,) = [a for a in win.actions() if a.text() == "&Report…"]
    return a


@pytest.mark.slow
@needs_poppler
def test_the_selection_is_the_scope_and_every_format_is_written(win, qtbot, tmp_path, opened):
    assert _report_action(win).shortcut().toString() == "Ctrl+R"
    dlg = win.exchange.report_dialog()
    qtbot.addWidget(dlg)
    scope = dlg.scope()
    assert (scope.actors, scope.dimensions, str(scope.since)) == (("sadr",), ("iran",), "2019")
    assert "Muqtada al-Sadr" in dlg.scope_label.text() and "Iran" in dlg.scope_label.text()
    expected = report_counts(build_report(win.hub.store, scope))
    assert expected["records"] > 0 and expected["charts"] > 0
    shown = dlg.contents_label.text()
    for what in ("record", "source", "shift", "chart"):
        assert f"{expected[what + 's']:,} {what}" in shown, (what, shown)

    dlg.title_edit.setText("Sadr and Tehran since 2019")
    for fmt in ("html", "pdf", "docx"):
        dlg.format_checks[fmt].setChecked(True)
    dlg.path_edit.setText(str(tmp_path / "brief.html"))
    dlg.accept()
    assert dlg.status.text() == ""
    names = sorted(p.name for p in dlg.written)
    assert names == sorted(["brief.html", "brief.pdf", "brief.docx", "brief-records.csv", "brief-sources.json",
                            "brief-sources.bib"])
    assert [u.toLocalFile() for u in opened] == [str(tmp_path / "brief.html")]

    report = dlg.report
    html = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert "Sadr and Tehran since 2019" in html and all(u in html for u in report.record_uuids)
    word = docx.Document(str(tmp_path / "brief.docx"))
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == ["Sadr and Tehran since 2019"]
    assert len(report.record_uuids) + 1 in [len(t.rows) for t in word.tables]
    assert "Sadr and Tehran since 2019" in pdf_text(tmp_path / "brief.pdf")
    assert len(json.loads((tmp_path / "brief-sources.json").read_text(encoding="utf-8"))) == len(report.sources)


@pytest.mark.slow
def test_cancel_while_writing_leaves_no_file(win, qtbot, tmp_path, opened):
    dlg = win.exchange.report_dialog()
    qtbot.addWidget(dlg)
    dlg.path_edit.setText(str(tmp_path / "brief.html"))
    original = dlg.progress

    def press_cancel(done, total):
        dlg.progress_dialog.cancel()  # as the Cancel button does
        return original(done, total)

    dlg.progress = press_cancel
    dlg.accept()
    assert "cancelled" in dlg.status.text()
    assert not any(p.name.startswith("brief") for p in tmp_path.iterdir())
    assert opened == [] and dlg.result() != dlg.DialogCode.Accepted


def test_a_scope_without_records_is_told_and_cannot_be_written(win, qtbot, tmp_path):
    win.apply_filter(RecordFilter(since=parse_date("2030")))
    dlg = win.exchange.report_dialog()
    qtbot.addWidget(dlg)
    assert dlg.contents_label.text().startswith("No report: no records in the scope")
    assert not dlg.write_button.isEnabled()


def test_no_format_ticked_cannot_be_written(win, qtbot):
    dlg = win.exchange.report_dialog()
    qtbot.addWidget(dlg)
    for box in dlg.format_checks.values():
        box.setChecked(False)
    assert not dlg.write_button.isEnabled()
    assert dlg.files_label.text() == "Choose at least one format and a file."
