"""The start page (shown at the first launch and from Help), and the guide and codebook that ship with the package."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QPushButton, QTextBrowser,
                               QVBoxLayout, QWidget)

from stancetracker.core.db import studies
from stancetracker.core.db.query import DEFAULT_VIEW, RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.seeds import seeds_dir

GUIDE = ("resources", "user-guide.md")
CODEBOOK = ("seeds", "CODEBOOK.md")


def packaged_file(where: tuple[str, str]) -> Path:
    """A file installed with the package (stancetracker/resources, stancetracker/seeds), or at the top
    of a source checkout."""
    folder, name = where
    if folder == "seeds":
        return seeds_dir() / name
    here = Path(__file__).resolve()
    for cand in (here.parents[2] / folder, here.parents[3] / folder):
        if (cand / name).exists():
            return cand / name
    return here.parents[2] / folder / name


def packaged_text(where: tuple[str, str]) -> str:
    """The text of the user guide or the seed codebook."""
    return packaged_file(where).read_text(encoding="utf-8")


def start_html(store: Store) -> str:
    """What the tool is for and what the database holds, for the start page."""
    sources = store.sources()
    live, _ = store.record_counts()
    coded = ", ".join(html.escape(s.publisher.split("(")[0].strip() or s.slug) + (f" {s.published.value.year}"
                      if s.published else "") for s in sources[:6])
    data = (f"<p>This database holds <b>{live:,} records</b> from <b>{len(sources)} source"
            f"{'s' if len(sources) != 1 else ''}</b>"
            + (f" ({coded}{'…' if len(sources) > 6 else ''})" if sources else "") + ".</p>")
    if studies.studies(store):
        shown = store.count(RecordFilter(view=DEFAULT_VIEW))
        data += (f"<p>A reliability study had some of them coded again, blind, by a second coder. The table "
                 f"opens on the consensus view ({shown:,} records): where the coders' records on a unit were "
                 "settled, the consensus record stands in for them (View › Records of shows every coder's; "
                 "Coding › Agreement says how far the coders agree).</p>")
    return (
        "<h2>stancetracker</h2>"
        "<p>Code what political actors said and did — one actor, one question, one date, one score from −2 "
        "to +2, each with its source and your evidence note — and see how their positions shift over time. "
        "Every change is kept; Ctrl+Z undoes.</p>"
        "<h3>The seeded dataset</h3>"
        "<p>A new database starts with records coded by hand from five analysis articles on intra-Shia "
        "politics in Iraq (2003–2024): Muqtada al-Sadr, Nouri al-Maliki, the Coordination Framework, the "
        "armed factions and others, on four questions (Iran, the United States, the armed factions, a "
        "consensus government). Each score follows the rules of the seed codebook "
        "(<i>seeds/CODEBOOK.md</i>; Help › Seed codebook opens it).</p>"
        + data +
        "<h3>Where to start</h3>")


class QtTextDialog(QDialog):
    """A Markdown text in a window of its own (the user guide, the codebook)."""

    def __init__(self, title: str, markdown: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(markdown)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.browser)
        lay.addWidget(buttons)
        self.resize(760, 640)


class QtStartPage(QDialog):
    """What the tool is for, what the seeded data is, and three ways in."""

    def __init__(self, store: Store, parent: QWidget | None = None, shown_at_start: bool = True):
        super().__init__(parent)
        self.setWindowTitle("Start — stancetracker")
        self.chosen: str | None = None
        text = QLabel(start_html(store))
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.RichText)
        # A wrapped label in a dialog sized to its contents was cut short: give it the height its width needs.
        text.setMinimumWidth(620)
        text.setMinimumHeight(text.heightForWidth(620))
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for key, label, tip in (
                ("shifts", "Explore Sadr's shifts", "Chart Muqtada al-Sadr on Iran and list his shifts"),
                ("code", "Code a document…", "Import an article and code records from its words"),
                ("import", "Import a CSV…", "Bring in records from a spreadsheet")):
            b = QPushButton(label)
            b.setToolTip(tip)
            b.clicked.connect(lambda _=False, k=key: self.choose(k))
            self.buttons[key] = b
            row.addWidget(b)
        self.guide_button = QPushButton("Read the user guide")
        self.guide_button.clicked.connect(lambda: self.choose("guide"))
        self.at_start = QCheckBox("Show this page when stancetracker starts")
        self.at_start.setChecked(shown_at_start)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.guide_button)
        bottom.addWidget(self.at_start, 1)
        bottom.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(text)
        lay.addLayout(row)
        lay.addSpacing(8)
        lay.addLayout(bottom)
        self.adjustSize()

    def choose(self, key: str) -> None:
        self.chosen = key
        self.accept()


__all__ = ["CODEBOOK", "GUIDE", "QtStartPage", "QtTextDialog", "packaged_file", "packaged_text", "start_html"]
