"""Screenshots of the whole window as a first launch lays it out, in the light or the dark theme.

Run it on an X display of the size wanted; Xvfb has no window manager, so the
window sits where the application puts it (its first size is 90% of the screen,
centred) and the black border round it is the rest of the screen:

    Xvfb :52 -screen 0 1280x800x24 &
    DISPLAY=:52 QT_QPA_PLATFORM=xcb python docs/screenshots/take_window.py light docs/screenshots
    Xvfb :53 -screen 0 1600x1000x24 &
    DISPLAY=:53 QT_QPA_PLATFORM=xcb python docs/screenshots/take_window.py dark docs/screenshots

It writes window-<W>x<H>-<theme>.png over a fresh copy of the seeded dataset
plus a short document written for the picture (two passages coded), with the
reader open on it and words selected, grabbing the screen with ImageMagick's
``import -window root``. Then, to keep them small:

    for f in docs/screenshots/window-*.png; do convert "$f" -strip PNG8:"$f"; done
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from stancetracker.core.coding.passages import add_coded_record
from stancetracker.core.coding.sourcetext import add_document
from stancetracker.core.exchange.documents.reading import DocumentText
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.project import open_project
from stancetracker.gui.main_window import QtMainWindow

# Written for the screenshot (not taken from any article).
TEXT = """Notes from a week of statements

On Monday the cleric Muqtada al-Sadr told his followers that the protest camp would stay in place until \
parliament agreed to new elections.

Nouri al-Maliki replied the next day that the Coordination Framework would not be pushed out of the chamber \
by crowds, and called for talks.

Hadi al-Amiri offered to carry messages between the two camps, and said the Popular Mobilization Forces would \
stay out of the streets.

By Friday Sadr had ordered his supporters home, and aides said the Framework could name a prime minister if it \
did so within a month.

Observers in Baghdad expected the quarrel to resume in the autumn."""
SLUG = "notes-from-a-week-of-statements"
CODED = (("told his followers that the protest camp would stay in place", "sadr", -2),
         ("would not be pushed out of the chamber by crowds", "maliki", 2))


def settle(app: QApplication, rounds: int = 30) -> None:
    for _ in range(rounds):
        app.processEvents()


def main(theme: str, out: Path) -> int:
    app = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp())
    store = open_project(tmp / "stances.db", user="Layla Hassan")
    add_document(store, DocumentText(TEXT, "text", "week.txt", title="Notes from a week of statements",
                                     published=parse_date("2022-08-30")))
    for words, actor, score in CODED:
        s = TEXT.index(words)
        add_coded_record(store, Record(actor=actor, dimension="consensus", date=parse_date("2022-08-30"),
                                       score=score, source=SLUG, evidence=words, locator="¶ 2"), s, s + len(words))
    # Settings of their own: no saved layout of the user's changes the picture.
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("theme", theme)
    win = QtMainWindow(store, settings)
    win.show()
    settle(app)
    win.documents.dock.show()
    settle(app)
    reader = win.documents.reader
    reader.open_document(SLUG)
    start = TEXT.index("Hadi al-Amiri offered")
    reader.view.select(start, start + len("Hadi al-Amiri offered to carry messages"))
    win.charts.redraw_now()
    win.path_label.setText(store.path.name)  # the temporary folder's name is of no interest in a picture
    settle(app)
    screen = app.primaryScreen().geometry()
    target = out / f"window-{screen.width()}x{screen.height()}-{theme}.png"
    subprocess.run(["import", "-window", "root", str(target)], check=True)
    print(target)
    win._poll.stop()
    win.editor.clear_for_new(keep_context=False)
    win.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "light",
                  Path(sys.argv[2] if len(sys.argv) > 2 else "docs/screenshots")))
