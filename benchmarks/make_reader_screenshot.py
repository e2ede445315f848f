"""Render docs/reader.png: the main window with the example brief open in the reader.

Run: python benchmarks/make_reader_screenshot.py

The example brief (docs/examples/sadr-withdrawal-brief.md) is imported into a
fresh seeded database, three passages are coded, and a fourth selection is
being coded in the editor (Ctrl+K), as an analyst would see it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from stancetracker.core.exchange.documents.reading import read_document  # noqa: E402
from stancetracker.core.model.entities import Record  # noqa: E402
from stancetracker.core.coding.passages import add_coded_record  # noqa: E402
from stancetracker.core.coding.sourcetext import add_document  # noqa: E402
from stancetracker.core.project import open_project  # noqa: E402
from stancetracker.gui.main_window import QtMainWindow  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs"
CODED = [  # words, actor, dimension, score
    ("argued for a majority government that would leave the Coordination Framework in opposition",
     "sadr", "consensus", -2),
    ("insisted on the consensus formula", "coordination-framework", "consensus", 2),
    ("Sadr ordered his deputies to resign", "sadr", "consensus", -1),
]
SELECTED = "Kata'ib Hezbollah and other Iran-aligned groups blamed the cleric for the violence"


def main() -> int:
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        store = open_project(Path(tmp) / "reader.db", user="analyst")
        src = add_document(store, read_document(DOCS / "examples" / "sadr-withdrawal-brief.md"))
        for words, actor, dim, score in CODED:
            s = src.text.index(words)
            add_coded_record(store, Record(actor=actor, dimension=dim, date=src.published, score=score,
                                           source=src.slug, evidence=f"“{words}”"), s, s + len(words))
        settings = QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue("coder", "analyst")
        w = QtMainWindow(store, settings)
        w.resize(1600, 950)
        w.show()
        w.path_label.setText("reader.db")  # not the temporary folder's name
        w.documents.dock.show()
        reader = w.documents.reader
        reader.open_document(src.slug)

        def select_and_code() -> None:
            s = src.text.index(SELECTED)
            reader.view.select(s, s + len(SELECTED))
            reader.code_selection()
            QTimer.singleShot(300, save)

        def save() -> None:
            w.grab().save(str(DOCS / "reader.png"))
            w._poll.stop()
            app.quit()

        QTimer.singleShot(500, select_and_code)
        app.exec()
        store.close()
    print(f"wrote {DOCS / 'reader.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
