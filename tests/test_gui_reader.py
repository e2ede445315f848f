"""The document reader, driven through its widgets: select words, code them, follow passages (issue 7)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QTextCursor

from stancetracker.core.model.dates import parse_date
from stancetracker.core.exchange.documents.reading import DocumentText
from stancetracker.core.coding.passages import passage_of_record, passages
from stancetracker.core.coding.sourcetext import add_document, document
from stancetracker.core.analysis.contrast import CURRENT_HUE, PASSAGE_HUE, shading
from stancetracker.gui.main_window import QtMainWindow
from stancetracker.gui.theme import palette_of

TEXT = ("Sadr and the framework\n\n"
        "In August the cleric Muqtada al-Sadr told his bloc to leave parliament.\n\n"
        "Nouri al-Maliki answered that the Coordination Framework would form the government alone.\n\n"
        "Observers expected the standoff to last into the winter.")
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def win(qtbot, store, tmp_path):
    add_document(store, DocumentText(TEXT, "text", "standoff.txt", title="The standoff",
                                     published=parse_date("2022-08-30")))
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    w.documents.dock.show()
    w.documents.reader.open_document("the-standoff")
    yield w


def select_words(qtbot, view, words: str) -> None:
    """Click just before the words, then extend the selection with Shift+Right, as a user would."""
    start = view.text.index(words)
    c = QTextCursor(view.document())
    c.setPosition(start)
    view.ensureCursorVisible()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.cursorRect(c).center())
    assert view.textCursor().position() == start
    for _ in words:
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selection() == (start, start + len(words))


def test_select_words_and_code_a_record_from_them(qtbot, win):
    reader, editor = win.documents.reader, win.editor
    words = "told his bloc to leave parliament"
    select_words(qtbot, reader.view, words)
    qtbot.keyClick(reader.view, Qt.Key.Key_K, CTRL)
    # Pre-filled: source, date with its precision, locator, quote, and the actor named just before.
    assert editor.source.currentData() == "the-standoff"
    assert (editor.date.text(), editor.precision.currentText()) == ("2022-08-30", "day")
    assert editor.locator.text() == "¶ 2"
    assert editor.actor.text() == "Muqtada al-Sadr"
    assert words in editor.evidence.toPlainText() and words in editor.passage_label.text()
    editor.dimension.setCurrentIndex(editor.dimension.findData("consensus"))
    qtbot.keyClick(win, Qt.Key.Key_1, CTRL)  # -2
    qtbot.keyClick(win, Qt.Key.Key_S, CTRL)
    (row,) = win.hub.store.records()
    assert (row.actor, row.dimension, row.score, row.source, row.date.short()) == (
        "sadr", "consensus", -2.0, "the-standoff", "2022-08-30")
    p = passage_of_record(win.hub.store, row.uuid)
    assert TEXT[p.start:p.end] == words and p.quote == words
    # The passage is now shaded and the paragraph counts as coded.
    assert "1 of 4 paragraphs" in reader.coverage_label.text()
    block = reader.view.document().findBlockByNumber(2)
    pal = palette_of(reader.view)
    shade_colours = [QColor(shading(hue, pal.base, pal.text)) for hue in (PASSAGE_HUE, CURRENT_HUE)]
    shades = [f for f in block.layout().formats() if f.format.background().color() in shade_colours]
    assert [(f.start, f.length) for f in shades] == [(TEXT.index(words) - block.position(), len(words))]


def test_two_records_on_one_passage_and_undo(qtbot, win):
    reader, editor = win.documents.reader, win.editor
    select_words(qtbot, reader.view, "Nouri al-Maliki answered")
    reader.code_selection()
    assert editor.actor.text() == "Nouri al-Maliki"
    editor.dimension.setCurrentIndex(editor.dimension.findData("iran"))
    editor.set_level(1)
    editor.request_save()
    first = win.editor.current.uuid
    qtbot.keyClick(win, Qt.Key.Key_D, CTRL)  # duplicate: same passage, another dimension
    editor.dimension.setCurrentIndex(editor.dimension.findData("us"))
    editor.request_save()
    second = win.editor.current.uuid
    assert first != second
    store = win.hub.store
    assert passage_of_record(store, first).id == passage_of_record(store, second).id
    assert [p.records for p in passages(store, "the-standoff")] == [2]
    qtbot.keyClick(win, Qt.Key.Key_Z, CTRL)  # undo the second: it goes to the trash
    assert [p.records for p in passages(store, "the-standoff")] == [1]


def test_clicking_a_coded_passage_opens_its_record(qtbot, win):
    reader = win.documents.reader
    select_words(qtbot, reader.view, "Observers expected the standoff")
    reader.code_selection()
    win.editor.actor.setText("Maliki")
    win.editor.set_level(0)
    win.editor.request_save()
    uuid = win.editor.current.uuid
    win.records.new_record()
    assert win.editor.current is None
    c = QTextCursor(reader.view.document())
    c.setPosition(TEXT.index("the standoff") + 3)
    qtbot.mouseClick(reader.view.viewport(), Qt.MouseButton.LeftButton, pos=reader.view.cursorRect(c).center())
    assert win.editor.current is not None and win.editor.current.uuid == uuid
    assert win.current_uuid() == uuid


def test_actor_mentions_are_marked_in_their_colours(qtbot, win):
    view = win.documents.reader.view
    block = view.document().findBlockByNumber(2)
    marks = {(f.start, f.length): f.format.underlineColor().name() for f in block.layout().formats()
             if f.format.fontUnderline()}
    line = TEXT.split("\n")[2]
    assert marks == {(line.index("Muqtada al-Sadr"), len("Muqtada al-Sadr")): "#1f77b4"}


def test_find_in_text_search_all_documents_and_next_uncoded(qtbot, win):
    reader = win.documents.reader
    add_document(win.hub.store, DocumentText("An unrelated note.\n\nThe winter came early to Najaf.", "text",
                                             "note.txt", title="A note"))
    win.hub.changed.emit("sources")
    reader.find_edit.setText("coordination FRAMEWORK")
    qtbot.keyClick(reader.find_edit, Qt.Key.Key_Return)
    assert reader.view.selection() == (TEXT.index("Coordination Framework"),
                                       TEXT.index("Coordination Framework") + len("Coordination Framework"))
    reader.search_edit.setText("najaf")
    qtbot.keyClick(reader.search_edit, Qt.Key.Key_Return)
    assert reader.hits.count() == 1
    reader._open_hit(reader.hits.item(0))
    text = document(win.hub.store, "a-note").text
    assert reader.doc.source.slug == "a-note" and reader.view.selection() == (text.index("Najaf"),
                                                                               text.index("Najaf") + 5)
    reader.open_document("the-standoff")
    reader.view.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClick(win, Qt.Key.Key_F8)
    s, e = reader.view.selection()
    assert TEXT[s:e] == "In August the cleric Muqtada al-Sadr told his bloc to leave parliament."


def test_import_dialog_saves_the_document_with_edited_metadata(qtbot, win, tmp_path):
    from stancetracker.gui.dialogs.document import QtDocumentDialog, read_or_warn
    path = tmp_path / "brief.md"
    path.write_text("# Sadr's withdrawal\n\nThe **Sadrist** bloc resigned.\n", encoding="utf-8")
    doc = read_or_warn(path, win)
    dlg = QtDocumentDialog(win.hub, doc, win)
    qtbot.addWidget(dlg)
    assert dlg.title.text() == "Sadr's withdrawal"
    dlg.author.setText("A. Analyst")
    dlg.published.setText("June 2022")
    dlg.save()
    info = document(win.hub.store, dlg.created_slug)
    assert (info.source.author, info.source.published.short(), info.format) == ("A. Analyst", "2022-06", "markdown")
    assert "The Sadrist bloc resigned." in info.text and "**" not in info.text
    assert win.documents.reader.chooser.findData(dlg.created_slug) >= 0


def test_correcting_the_text_keeps_passages_on_their_words(qtbot, win):
    from stancetracker.gui.dialogs.correct_text import QtCorrectTextDialog
    reader = win.documents.reader
    select_words(qtbot, reader.view, "leave parliament")
    reader.code_selection()
    win.editor.dimension.setCurrentIndex(win.editor.dimension.findData("us"))
    win.editor.set_level(-1)
    win.editor.request_save()
    uuid = win.editor.current.uuid
    dlg = QtCorrectTextDialog(win.hub, "the-standoff", reader.doc.text, win)
    qtbot.addWidget(dlg)
    dlg.editor.setPlainText(TEXT.replace("In August", "In early August 2022"))
    dlg.save()
    assert dlg.reanchoring is not None and len(dlg.reanchoring.moved) == 1 and not dlg.reanchoring.lost
    p = passage_of_record(win.hub.store, uuid)
    assert reader.doc.text[p.start:p.end] == "leave parliament"  # the reader shows the corrected text
    assert reader.view.text == reader.doc.text


def test_dropped_files_go_to_the_document_or_the_csv_import(tmp_path):
    from stancetracker.gui.actions.documents import QtDocumentActions
    prose, table, pdf, csv = (tmp_path / n for n in ("brief.txt", "rows.txt", "x.pdf", "rows.csv"))
    prose.write_text("Sadr, the cleric, spoke at length about the government and its failures.\n")
    table.write_text("actor,dimension,date,score\nsadr,iran,2020,1\n")
    assert QtDocumentActions.is_document(prose) and QtDocumentActions.is_document(pdf)
    assert not QtDocumentActions.is_document(table) and not QtDocumentActions.is_document(csv)


def _drag(qtbot, view, start: int, end: int, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at one offset and release at another, as a mouse drag does."""
    c = QTextCursor(view.document())
    c.setPosition(start)
    a = view.cursorRect(c).center()
    c.setPosition(end)
    b = view.cursorRect(c).center()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, modifier, a)
    qtbot.mouseMove(view.viewport(), b)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, modifier, b)


def test_a_drag_takes_whole_words_and_alt_drag_exact_characters(qtbot, win):
    view = win.documents.reader.view
    view.ensureCursorVisible()
    s = TEXT.index("old his bl")
    _drag(qtbot, view, s, s + len("old his bl"))
    assert TEXT[slice(*view.selection())] == "told his bloc"
    c = view.textCursor()
    c.clearSelection()
    view.setTextCursor(c)  # a press inside a selection would start dragging the text instead
    _drag(qtbot, view, s, s + len("old his bl"), Qt.KeyboardModifier.AltModifier)
    assert TEXT[slice(*view.selection())] == "old his bl"


def test_coding_a_selection_guesses_the_speaker_not_the_actor_named_in_it(qtbot, win):
    reader = win.documents.reader
    s = TEXT.index("answered that the Coordination Framework would form")
    req = reader.code_request(s, s + len("answered that the Coordination Framework would form"))
    assert req.actor == "maliki"
