"""The main window fits its screen (issue 16, item 1): first size from the screen, nothing squeezed.

Each screen size runs in its own process, since Qt's offscreen screen is fixed
when the application starts (its size comes from a configuration file).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QRect

from stancetracker.gui.window_layout import LARGEST_FIRST, dock_widths, first_geometry

TESTS = Path(__file__).resolve().parent

PROBE = r"""
import json, sys, tempfile
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QWidget
app = QApplication([])
from conftest import make_store
from stancetracker.gui.main_window import QtMainWindow
d = Path(tempfile.mkdtemp())
w = QtMainWindow(make_store(d / "t.db"), QSettings(str(d / "s.ini"), QSettings.Format.IniFormat))
w._poll.stop()
w.showMaximized() if sys.argv[1:] == ["maximized"] else w.show()
screen = app.primaryScreen().availableGeometry()

def settle():
    for _ in range(3):
        app.processEvents()

def squeezed():
    # Widgets Qt builds inside another (a spin box's line edit, a table's header) are not laid out by us.
    out = []
    for c in w.findChildren(QWidget):
        if not c.isVisible() or c.objectName().startswith("qt_") or type(c).__name__ == "QHeaderView":
            continue
        hint, floor = c.minimumSizeHint(), c.minimumSize()
        need_w = floor.width() or hint.width()
        need_h = floor.height() or hint.height()
        if c.width() < need_w or c.height() < need_h:
            out.append(f"{type(c).__name__} {c.objectName()} {c.width()}x{c.height()} < {need_w}x{need_h}")
    return out

def state(tag):
    settle()
    f = w.frameGeometry()
    return {"tag": tag, "fits": screen.contains(f), "frame": [f.x(), f.y(), f.width(), f.height()],
            "min_fits": w.minimumSizeHint().width() <= screen.width() and w.minimumSizeHint().height() <= screen.height(),
            "squeezed": squeezed(), "actors": w.actor_dock.width(), "editor": w.editor_dock.width(),
            "central": w.centralWidget().width(), "window": w.width(),
            "reader_beside": w.documents.dock.isVisible() and abs(w.documents.dock.x() - w.editor_dock.x()) > 4}

out = {"screen": [screen.width(), screen.height()], "dpr": app.primaryScreen().devicePixelRatio(),
       "states": [state("first")]}
w.documents.dock.show()
out["states"].append(state("reader open"))
w.documents.dock.hide()
out["states"].append(state("reader hidden"))
w.editor.clear_for_new(keep_context=False)
print(json.dumps(out))
"""


def run_probe(tmp_path: Path, width: int, height: int, scale: int = 1, maximized: bool = False) -> dict:
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "test", "x": 0, "y": 0, "width": width, "height": height,
                                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "QT_SCALE_FACTOR": str(scale),
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "STANCETRACKER_HOME": str(tmp_path / "home")}
    args = ["maximized"] if maximized else []
    done = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.parametrize("width, height, scale", [(1024, 640, 1), (1280, 800, 1), (1600, 1000, 1),
                                                  (1600, 1000, 2)])
def test_the_window_fits_its_screen_with_nothing_squeezed(tmp_path, width, height, scale):
    got = run_probe(tmp_path, width, height, scale)
    assert got["screen"] == [width // scale, height // scale] and got["dpr"] == scale
    first, opened, hidden = got["states"]
    for s in got["states"]:
        assert s["fits"] and s["min_fits"], s
        assert s["squeezed"] == [], s
    # The reader takes no room from the actor list, and gives its room back to the table and charts.
    assert opened["actors"] >= first["actors"] >= 140
    assert hidden["central"] >= first["central"] - 2 and abs(hidden["editor"] - first["editor"]) <= 2


@pytest.mark.slow
def test_on_a_wide_maximized_window_the_reader_is_a_column_of_its_own(tmp_path):
    got = run_probe(tmp_path, 2560, 1440, maximized=True)
    first, opened, hidden = got["states"]
    assert first["window"] > 1900 and opened["reader_beside"]
    for s in got["states"]:
        assert s["fits"] and s["squeezed"] == [], s
    assert opened["central"] >= 680  # the table and charts keep a usable width beside three docks
    assert hidden["central"] >= first["central"] - 2 and abs(hidden["editor"] - first["editor"]) <= 2


def test_first_size_follows_the_screen():
    small = first_geometry(QRect(0, 0, 1280, 800))
    assert (small.width(), small.height()) == (1152, 720) and QRect(0, 0, 1280, 800).contains(small)
    big = first_geometry(QRect(1920, 0, 3840, 2160))  # a second screen to the right
    assert big.size() == LARGEST_FIRST and QRect(1920, 0, 3840, 2160).contains(big)


def test_docks_leave_the_table_room():
    for width in (800, 1024, 1280, 1600):
        actor, editor, reader = dock_widths(width, reader=False)
        assert 150 <= actor <= 260 and 280 <= editor <= 420
        assert width - actor - editor >= width // 4
