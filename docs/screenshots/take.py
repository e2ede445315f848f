"""Screenshots of each chart kind in the real main window, filling the screen it runs on.

Run it on an X display of the size wanted (Xvfb has no window manager, so the
window is given the screen's whole geometry instead of being maximised):

    Xvfb :51 -screen 0 1280x800x24 &
    DISPLAY=:51 QT_QPA_PLATFORM=xcb python docs/screenshots/take.py docs/screenshots

It writes chart-<kind>-<W>x<H>.png for the timeline (Sadr and Maliki on Iran),
Sadr's profile, Sadr compared with Maliki and the snapshot, and Sadr's profile in
a full-screen window of its own, over a fresh copy of the seeded dataset,
grabbing the whole screen as ``import -window root`` does. Then, to keep them small:

    for f in docs/screenshots/*.png; do convert "$f" -strip PNG8:"$f"; done
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from stancetracker.core.analysis import chartdata
from stancetracker.core.project import open_project
from stancetracker.gui.main_window import QtMainWindow

SNAPSHOT_ACTORS = ["sadr", "maliki", "coordination-framework", "sadrist-movement", "kataib-hezbollah"]


def settle(app: QApplication, rounds: int = 20) -> None:
    for _ in range(rounds):
        app.processEvents()


def main(out: Path) -> int:
    app = QApplication(sys.argv[:1])
    tmp = Path(tempfile.mkdtemp())
    store = open_project(tmp / "seeded.db", user="screenshots")
    # Settings of their own: no saved geometry or dock layout of the user's changes the picture.
    settings = QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat)
    win = QtMainWindow(store, settings)
    screen = app.primaryScreen().geometry()
    win.setGeometry(screen)
    win.show()
    win.showMaximized()
    settle(app)
    win.setGeometry(screen)  # no window manager: the window is placed on the whole screen by hand
    settle(app)
    win.path_label.setText(store.path.name)  # the temporary folder's name is of no interest in a picture
    size = f"{screen.width()}x{screen.height()}"
    panel = win.charts
    shots = {"timeline": ["sadr", "maliki"], "profile": ["sadr"], "compare": ["sadr", "maliki"],
             "snapshot": SNAPSHOT_ACTORS}
    for kind, actors in shots.items():
        win.actor_list.set_checked(actors)
        if kind == "compare":
            panel.b_box.setCurrentIndex(panel.b_box.findData("maliki"))
        panel.dimension_box.setCurrentIndex(panel.dimension_box.findData("iran"))
        panel.tabs.setCurrentIndex(chartdata.KINDS.index(kind))
        panel.redraw_now()
        settle(app)
        path = out / f"chart-{kind}-{size}.png"
        app.primaryScreen().grabWindow(0).save(str(path))
        print(path)
    # The profile again, in a window of its own and full screen (F11): all four plots at once.
    panel.tabs.setCurrentIndex(chartdata.KINDS.index("profile"))
    win.actor_list.set_checked(["sadr"])
    panel.redraw_now()
    own = panel.detach_current(full_screen=True)
    own.setGeometry(screen)
    settle(app)
    path = out / f"chart-profile-own-window-{size}.png"
    app.primaryScreen().grabWindow(0).save(str(path))
    print(path)
    own.close()
    win.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else ".")))
