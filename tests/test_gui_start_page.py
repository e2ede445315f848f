"""First steps: the start page at the first launch and from Help, its three ways in, the guide shipped
with the package (issue 16, item 9)."""

import tomllib

import pytest
from PySide6.QtCore import QSettings

from conftest import REPO
from stancetracker.core.project import open_project
from stancetracker.gui.actions.help import START_KEY
from stancetracker.gui.dialogs.start_page import CODEBOOK, GUIDE, QtStartPage, packaged_text
from stancetracker.gui.main_window import QtMainWindow


@pytest.fixture
def win(qtbot, tmp_path):
    store = open_project(tmp_path / "seeded.db", user="tester")  # a new database: the seeded dataset
    w = QtMainWindow(store, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w, before_close_func=lambda w: (w._poll.stop(), w.editor.clear_for_new(keep_context=False)))
    w.show()
    qtbot.waitExposed(w)
    yield w


def test_the_guide_and_codebook_ship_with_the_package():
    guide = packaged_text(GUIDE)
    assert guide.startswith("# stancetracker — user guide") and "## Code a document" in guide
    assert "Ctrl+K" in guide and "Alt" in guide
    assert "# stancetracker seed codebook" in packaged_text(CODEBOOK)
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "*.md" in data["package-data"]["stancetracker.resources"]
    assert "*.md" in data["package-data"]["stancetracker.seeds"]


def test_the_start_page_says_what_the_tool_and_the_seeded_data_are(qtbot, win):
    page = QtStartPage(win.hub.store, win)
    qtbot.addWidget(page)
    html = page.layout().itemAt(0).widget().text()
    live, _ = win.hub.store.record_counts()
    assert "five analysis articles" in html and "CODEBOOK.md" in html
    assert f"{live:,} records" in html and f"{len(win.hub.store.sources())} sources" in html
    # the seeded reliability study: the table opens on the consensus view, and the page says how many it shows
    shown = win.model.rowCount()
    assert shown < live and f"opens on the consensus view ({shown:,} records)" in html
    assert [b.text() for b in page.buttons.values()] == ["Explore Sadr's shifts", "Code a document…",
                                                         "Import a CSV…"]


def test_first_run_shows_it_until_unticked(qtbot, win, monkeypatch):
    page = win.help.first_run()                 # beside the window, waiting on nothing
    qtbot.addWidget(page)
    assert page.isVisible() and not page.isModal()
    page.at_start.setChecked(False)
    page.reject()
    assert win.settings.value(START_KEY) == "false"
    assert win.help.first_run() is None         # not again at the next start
    shown = []
    monkeypatch.setattr(QtStartPage, "exec", lambda p: shown.append(p) or 0)
    win.help.show_start_page()                  # Help › Start page still opens it
    assert len(shown) == 1


def test_a_way_in_chosen_on_the_first_run_page_is_taken(qtbot, win, monkeypatch):
    called = []
    monkeypatch.setattr(win.exchange, "import_csv", lambda *a: called.append("csv"))
    page = win.help.first_run()
    qtbot.addWidget(page)
    page.buttons["import"].click()
    assert called == ["csv"] and not page.isVisible()


def test_explore_sadrs_shifts_charts_him_on_iran(qtbot, win, monkeypatch):
    monkeypatch.setattr(QtStartPage, "exec", lambda page: page.buttons["shifts"].click() or 1)
    win.help.show_start_page()
    assert win.actor_list.checked() == ["sadr"]
    assert win.charts.tabs.currentIndex() == 0 and win.charts.dimension_box.currentData() == "iran"
    assert win.model.filter.actors == ["sadr"] and win.model.rowCount() > 0
    assert "shifts list" in win.statusBar().currentMessage()


def test_code_a_document_and_import_a_csv_open_their_dialogs(qtbot, win, monkeypatch):
    called = []
    monkeypatch.setattr(win.documents, "import_document", lambda *a: called.append("document"))
    monkeypatch.setattr(win.exchange, "import_csv", lambda *a: called.append("csv"))
    for key in ("code", "import"):
        monkeypatch.setattr(QtStartPage, "exec", lambda page, k=key: page.buttons[k].click() or 1)
        win.help.show_start_page()
    assert called == ["document", "csv"] and win.documents.dock.isVisible()


def test_help_user_guide_opens_the_shipped_guide(qtbot, win):
    dlg = win.help.show_guide()
    qtbot.addWidget(dlg)
    assert dlg.isVisible() and "Code a document" in dlg.browser.toPlainText()
