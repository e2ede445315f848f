"""The records table: column chooser, evidence pane with the searched words marked, a record's menu (issue 16, item 6)."""

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.model.text import matched_spans
from stancetracker.gui.main_window import QtMainWindow
from stancetracker.gui.records_model import COLUMNS
from stancetracker.gui.records_view import EVIDENCE, marked_html


@pytest.fixture
def win(qtbot, store, tmp_path):
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    yield w


def add(win, evidence="Sadr denounced the strikes on the militia bases", locator="¶ 3", **kw):
    rec = Record(actor=kw.get("actor", "sadr"), dimension="iran", date=parse_date(kw.get("date", "2020-01-05")),
                 score=kw.get("score", -1), source="paper-a", evidence=evidence, locator=locator)
    return win.hub.add_record(rec).uuid


def test_matched_spans_are_whole_words_begun_by_the_query_ignoring_case_and_accents():
    text = "Sadr denounced the Strikes; strikers and Ṣadr's aides"
    assert [text[s:e] for s, e in matched_spans(text, "strike sadr")] == ["Sadr", "Strikes", "strikers", "Ṣadr"]
    assert matched_spans(text, "") == [] and matched_spans("", "x") == []
    assert marked_html("a <b> strike", "strike").endswith(">strike</span>") and "&lt;b&gt;" in marked_html("a <b> c", "c")


def test_the_evidence_of_the_current_record_shows_under_the_table_with_matched_words(qtbot, win):
    uuid = add(win)
    win.apply_filter(RecordFilter(query="strikes"))
    win.select_record(uuid)
    pane = win.records_view.preview
    assert pane.isVisible() and "Sadr denounced the" in pane.toPlainText() and "¶ 3" in pane.toPlainText()
    assert "background-color:#ffe066;\">strikes</span>" in pane.toHtml().replace(" ", "")
    # In the table too, the Evidence cell marks the word (yellow pixels where it is drawn).
    cell = win.model.index(win.model.row_of(uuid), EVIDENCE)
    win.table.scrollTo(cell)
    rect = win.table.visualRect(cell)
    img = win.table.viewport().grab(rect).toImage()
    yellow = sum(1 for x in range(0, img.width(), 2) for y in range(0, img.height(), 2)
                 if img.pixelColor(x, y).name() == "#ffe066")
    assert yellow > 20
    # It keeps showing at a narrow window, where the Evidence column is off to the right.
    win.resize(1024, 640)
    qtbot.wait(10)
    assert pane.isVisible() and pane.height() > 40


def test_the_column_chooser_hides_a_column_and_remembers_it(qtbot, win, tmp_path):
    view = win.records_view
    menu = view.column_menu()
    names = [a.text() for a in menu.actions()]
    assert names == [c[0] for c in COLUMNS]
    locator = next(a for a in menu.actions() if a.text() == "Locator")
    locator.setChecked(False)
    col = names.index("Locator")
    assert win.table.isColumnHidden(col)
    again = QtMainWindow(win.hub.store, win.settings)
    qtbot.addWidget(again, before_close_func=lambda w: w._poll.stop())
    assert again.table.isColumnHidden(col) and not again.table.isColumnHidden(EVIDENCE)
    # The last column shown cannot be hidden.
    for c in range(len(COLUMNS)):
        view.set_column_shown(c, c == EVIDENCE)
    last = next(a for a in view.column_menu().actions() if a.text() == "Evidence")
    assert last.isChecked() and not last.isEnabled()


def test_the_record_menu_offers_edit_duplicate_trash_history_passage_and_citation(qtbot, win, monkeypatch):
    uuid = add(win)
    win.apply_filter(RecordFilter())
    row = win.model.row_of(uuid)
    pos = win.table.visualRect(win.model.index(row, 0)).center()
    menu = win.records_view.record_menu(pos)
    texts = [a.text().replace("&", "") for a in menu.actions() if a.text()]
    assert texts == ["Edit", "Duplicate for another actor or dimension", "Move to trash", "History…",
                     "Open the passage in the reader", "Copy citation"]
    assert win.editor.current.uuid == uuid  # the record under the mouse is the one the menu acts on
    acts = {a.text().replace("&", ""): a for a in menu.actions()}
    assert not acts["Open the passage in the reader"].isEnabled()  # not coded from a passage
    acts["Copy citation"].trigger()
    clip = QGuiApplication.clipboard().text()
    assert clip.startswith("(") and "¶ 3)" in clip and win.hub.store.source("paper-a").title.split()[0] in clip
    acts["Duplicate for another actor or dimension"].trigger()
    assert win.editor.current is None and "duplicate" in win.editor.title.text()
    win.editor.clear_for_new()
    win.select_record(uuid)
    menu = win.records_view.record_menu(pos)
    next(a for a in menu.actions() if a.text().replace("&", "") == "Move to trash").trigger()
    assert win.hub.store.record(uuid).deleted
