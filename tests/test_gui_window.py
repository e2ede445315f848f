"""The window around the data (issue 16): the reader back as it was, the theme, the layout per screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette, QTextCursor
from PySide6.QtWidgets import QApplication

from stancetracker.core.analysis.contrast import (DARK, MARK_CONTRAST, PASSAGE_HUE, TEXT_CONTRAST, contrast,
                                                  shading)
from stancetracker.core.coding.sourcetext import add_document
from stancetracker.core.exchange.documents.reading import DocumentText
from stancetracker.core.model.entities import Record
from stancetracker.core.model.dates import parse_date
from stancetracker.core.project import open_project
from stancetracker.gui.main_window import QtMainWindow
from stancetracker.gui.window_layout import layout_key

PARAGRAPHS = [f"Paragraph {i}: the cleric Muqtada al-Sadr and Nouri al-Maliki met again in round {i}."
              for i in range(1, 121)]
TEXT = "\n\n".join(PARAGRAPHS)


def open_window(qtbot, store, settings) -> QtMainWindow:
    w = QtMainWindow(store, settings)
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def test_the_reader_reopens_its_document_scrolled_and_selected(qtbot, store, settings):
    add_document(store, DocumentText(TEXT, "text", "rounds.txt", title="Rounds", published=parse_date("2022-08-30")))
    path = store.path
    w = QtMainWindow(store, settings)  # closed by the test itself, as the user closes it
    w.show()
    qtbot.waitExposed(w)
    w.documents.dock.show()
    reader = w.documents.reader
    reader.open_document("rounds")
    start = TEXT.index("round 77")
    c = QTextCursor(reader.view.document())
    c.setPosition(start)
    c.setPosition(start + len("round 77"), QTextCursor.MoveMode.KeepAnchor)
    reader.view.setTextCursor(c)
    bar = reader.view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    top = reader.view.firstVisibleBlock().blockNumber()
    assert top > 0
    QApplication.processEvents()  # let the charts' pending redraw run while the database is open
    w.close()  # saves the layout and the reader's state; closes the database
    w.deleteLater()
    qtbot.wait(1)

    again = open_window(qtbot, open_project(path, user="tester", backup=False), settings)
    reader = again.documents.reader
    assert again.documents.dock.isVisible()
    assert reader.doc is not None and reader.doc.source.slug == "rounds"
    assert reader.view.toPlainText() == TEXT  # the text area is not blank
    assert "paragraphs coded" in reader.coverage_label.text()
    assert reader.view.selection() == (start, start + len("round 77"))
    # The same paragraph at the top, though the reader's width (and so its wrapping) may differ.
    qtbot.waitUntil(lambda: reader.view.firstVisibleBlock().blockNumber() == top)


def test_the_layout_is_kept_per_screen_size_and_can_be_reset(qtbot, store, settings):
    w = open_window(qtbot, store, settings)
    w.editor_dock.hide()
    w.actor_dock.setFloating(True)
    reset = next(a for a in w.actions() if a.text() == "Reset &layout")
    reset.trigger()
    assert w.editor_dock.isVisible() and w.actor_dock.isVisible() and not w.actor_dock.isFloating()
    assert w.dockWidgetArea(w.actor_dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    screen = w.screen().availableGeometry()
    assert screen.contains(w.geometry())
    w.window_layout.save()  # what closing the window does
    key = layout_key(w.screen())
    assert key.endswith(f"{screen.width()}x{screen.height()}")
    assert settings.value(f"{key}/geometry") and settings.value(f"{key}/state")
    assert not settings.contains("layout/123x45/geometry")


def test_dark_theme_keeps_the_reader_readable_and_is_remembered(qtbot, store, settings):
    add_document(store, DocumentText(TEXT, "text", "rounds.txt", title="Rounds", published=parse_date("2022-08-30")))
    rec = Record(actor="coordination-framework", dimension="iran", date=parse_date("2022-08-30"), score=1,
                 source="rounds", evidence="met again")
    store.add_record(rec)
    w = open_window(qtbot, store, settings)
    app = QApplication.instance()
    before = app.palette().color(QPalette.ColorRole.Base)
    try:
        w.view.set_theme("dark")
        assert app.palette().color(QPalette.ColorRole.Base) == QColor(DARK.base)
        assert settings.value("theme") == "dark" and w.view.theme_actions["dark"].isChecked()
        w.documents.dock.show()
        reader = w.documents.reader
        reader.open_document("rounds")
        view = reader.view
        # Qt hands the new palette to each widget by an event; the reader marks its text anew on it.
        qtbot.waitUntil(lambda: view.palette().color(QPalette.ColorRole.Base) == QColor(DARK.base))
        qtbot.waitUntil(lambda: w.actor_list.view.palette().color(QPalette.ColorRole.Base) == QColor(DARK.base))
        view.highlight_visible()
        base, text = view.palette().color(QPalette.ColorRole.Base).name(), view.palette().color(
            QPalette.ColorRole.Text).name()
        assert base == DARK.base
        mentions = []
        for b in range(3):
            for f in view.document().findBlockByNumber(b).layout().formats():
                if f.format.fontUnderline():
                    mentions.append((f.format.foreground().color().name(), f.format.underlineColor().name()))
        assert mentions, "no actor mention was marked"
        for text_colour, underline in mentions:
            assert contrast(text_colour, base) >= TEXT_CONTRAST
            assert contrast(underline, base) >= MARK_CONTRAST
        swatches = [w.actor_list.model.item(i).icon().pixmap(12, 12).toImage().pixelColor(6, 6).name()
                    for i in range(w.actor_list.model.rowCount())]
        list_base = w.actor_list.view.palette().color(QPalette.ColorRole.Base).name()
        assert swatches and all(contrast(c, list_base) >= MARK_CONTRAST for c in swatches)
        assert contrast(shading(PASSAGE_HUE, base, text), text) >= TEXT_CONTRAST
    finally:
        w.view.set_theme("system")
    assert app.palette().color(QPalette.ColorRole.Base) == before and settings.value("theme") == "system"


def test_an_unticked_box_can_be_seen_on_the_dark_theme(qtbot, settings, store):
    """Fusion outlines boxes a shade darker than the window: on dark, the theme outlines them at 3:1."""
    from PySide6.QtWidgets import QCheckBox, QRadioButton
    w = open_window(qtbot, store, settings)
    try:
        w.view.set_theme("dark")
        for kind in (QCheckBox, QRadioButton):
            box = kind("a choice")
            qtbot.addWidget(box)
            box.show()
            qtbot.waitUntil(lambda: box.palette().color(QPalette.ColorRole.Window) == QColor(DARK.window))
            image = box.grab().toImage()
            # The indicator is drawn at the left, before the label: its strongest edge against the window.
            best = max(contrast(image.pixelColor(x, y).name(), DARK.window)
                       for x in range(min(image.width(), 18)) for y in range(image.height()))
            assert best >= MARK_CONTRAST, kind.__name__
    finally:
        w.view.set_theme("system")


def test_coding_again_and_again_leaves_the_reader_where_it_is(qtbot, store, settings, monkeypatch):
    """Ctrl+K fills the editor; the editor's new content never widens its dock and reflows the reader."""
    from PySide6.QtWidgets import QMessageBox
    add_document(store, DocumentText(TEXT, "text", "rounds.txt", title="Rounds", published=parse_date("2022-08-30")))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    w = open_window(qtbot, store, settings)
    w.documents.dock.show()
    reader = w.documents.reader
    reader.open_document("rounds")
    qtbot.waitUntil(lambda: reader.width() > 200)
    QApplication.processEvents()
    widths = []
    for words in ("the cleric Muqtada al-Sadr and Nouri al-Maliki met again in round 3",
                  "Nouri al-Maliki met", "round 40"):
        start = TEXT.index(words)
        reader.view.select(start, start + len(words))
        reader.code_selection()
        QApplication.processEvents()
        assert words in w.editor.evidence.toPlainText()
        widths.append((reader.width(), w.editor_dock.width()))
    assert len(set(widths)) == 1, widths
