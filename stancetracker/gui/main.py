"""Starting the desktop application safely, even where it cannot run."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path


def display_problem() -> str | None:
    """Why no window can be shown here, or None if one can."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            return ("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set): start stancetracker "
                    "in a desktop session, or use the command line (stancetracker --help)")
        if os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            missing = _missing_xcb_library()
            if missing:
                # Qt aborts the whole process when its X11 plugin cannot load; say what to install instead.
                return (f"the system library {missing} is missing, which Qt needs to open windows on X11; "
                        f"install Qt's X11 dependencies (Debian/Ubuntu: sudo apt install {XCB_PACKAGES}) "
                        "and start stancetracker again")
    return None


XCB_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
                "libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0")


def _missing_xcb_library() -> str | None:
    """Name of a shared library Qt's X11 plugin needs but cannot find, or None."""
    import ctypes
    import ctypes.util
    import re
    try:
        import PySide6
    except ImportError:  # pragma: no cover
        return None
    qpa = Path(PySide6.__file__).parent / "Qt" / "lib" / "libQt6XcbQpa.so.6"
    if qpa.exists():
        try:
            ctypes.CDLL(str(qpa))
        except OSError as err:
            m = re.search(r"(lib[\w.+-]+\.so[\w.]*)", str(err))
            return m.group(1) if m else str(err)
    if ctypes.util.find_library("xcb-cursor") is None:  # loaded by the plugin at run time
        return "libxcb-cursor.so.0"
    return None


def _log_path() -> Path:
    from ..core.paths import data_dir
    return data_dir() / "crash.log"


def install_excepthook() -> None:
    """Unexpected errors become a dialog and a log entry, never a bare traceback."""

    def hook(etype, value, tb):
        text = "".join(traceback.format_exception(etype, value, tb))
        try:
            p = _log_path()
            p.parent.mkdir(parents=True, exist_ok=True)
            with open(p, "a", encoding="utf-8") as fh:
                fh.write(text + "\n")
        except OSError:
            p = None
        from PySide6.QtWidgets import QApplication, QMessageBox
        if QApplication.instance() is not None:
            QMessageBox.critical(None, "stancetracker — unexpected error",
                                 f"Something went wrong: {value}\n\nYour data is safe: every change is saved in "
                                 f"its own transaction.\nDetails were written to {p}." if p else str(value))
        else:  # pragma: no cover
            print(f"stancetracker: internal error: {value}", file=sys.stderr)

    sys.excepthook = hook


def run(db_path: Path | None, explicit: bool = False) -> int:
    """Open the main window; returns the process exit status."""
    problem = display_problem()
    if problem:
        print(f"stancetracker: {problem}", file=sys.stderr)
        return 1
    try:
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication
    except ImportError as err:  # pragma: no cover - broken install
        print(f"stancetracker: the desktop libraries could not be loaded ({err}); "
              "reinstall stancetracker, or use the command line", file=sys.stderr)
        return 1
    from .main_window import QtMainWindow, resources_dir

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("stancetracker")
    app.setApplicationName("stancetracker")
    app.setApplicationDisplayName("stancetracker")
    app.setDesktopFileName("stancetracker")
    icon = resources_dir() / "icons" / "stancetracker.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    install_excepthook()
    win = QtMainWindow.launch(db_path, explicit=explicit)
    if win is None:
        return 1
    win.show()
    return app.exec()
