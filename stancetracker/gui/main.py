"""Starting the desktop application safely, even where it cannot run."""

from __future__ import annotations

import os
import re
import socket
import sys
import traceback
from pathlib import Path

# Platforms that need no display server; Qt's own names.
_HEADLESS = {"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}
_PROBE_SECONDS = 1.0


def display_problem() -> str | None:
    """Why no window can be shown here, or None if one can.

    Qt aborts the whole process when no platform plugin can start, so each
    display Qt would try is probed first, cheaply, the way Qt itself connects.
    """
    if not (sys.platform.startswith("linux") or "bsd" in sys.platform):
        return None
    wanted = [p.split(":", 1)[0].strip() for p in os.environ.get("QT_QPA_PLATFORM", "").split(";") if p.strip()]
    if any(p in _HEADLESS for p in wanted):
        return None
    x_name, wl_name = os.environ.get("DISPLAY", ""), os.environ.get("WAYLAND_DISPLAY", "")
    use_x = not wanted or "xcb" in wanted
    use_wl = (not wanted and bool(wl_name)) or any(p.startswith("wayland") for p in wanted)
    if wanted and not (use_x or use_wl):
        return None  # a plugin we cannot probe (a custom one): let Qt decide
    if not (use_x and x_name) and not (use_wl and wl_name):
        if wanted == ["xcb"]:
            return ("QT_QPA_PLATFORM is xcb but DISPLAY is not set: start stancetracker in a desktop session, "
                    "or use the command line (stancetracker --help)")
        return ("no display found (neither DISPLAY nor WAYLAND_DISPLAY is set): start stancetracker "
                "in a desktop session, or use the command line (stancetracker --help)")
    problems = []
    if use_wl and wl_name:
        why = wayland_problem(wl_name)
        if why is None:
            return None
        problems.append(why)
    if use_x and x_name:
        why = x_display_problem(x_name)
        if why is None:
            missing = _missing_xcb_library()
            if not missing:
                if problems:  # Wayland is unusable: go straight to X11 rather than let Qt stumble on it
                    os.environ["QT_QPA_PLATFORM"] = "xcb"
                return None
            # Qt aborts the whole process when its X11 plugin cannot load; say what to install instead.
            return (f"the system library {missing} is missing, which Qt needs to open windows on X11; "
                    f"install Qt's X11 dependencies (Debian/Ubuntu: sudo apt install {XCB_PACKAGES}) "
                    "and start stancetracker again")
        problems.append(why)
    return "; ".join(problems) + ": start stancetracker in a desktop session, or use the command line " \
                                 "(stancetracker --help)"


_X_NAME = re.compile(r"^(?:(?P<proto>[A-Za-z]+)/)?(?P<host>\[[^\]]*\]|[^:]*):(?P<num>\d+)(?:\.(?P<screen>\d+))?$")


def x_display_problem(name: str) -> str | None:
    """Why the X display ``name`` cannot be used (unreachable, refused), or None if it answers."""
    m = _X_NAME.match(name)
    if not m and not name.startswith("/"):
        return f"DISPLAY={name[:60]!r} is not an X display name such as :0"
    host = (m.group("host") if m else "").strip("[]")
    proto = (m.group("proto") or "") if m else ""
    if m and host and host != "unix" and proto != "unix" and not host.startswith("/"):
        # A TCP display: a filtered host would keep the X library waiting for minutes.
        port = 6000 + int(m.group("num"))
        try:
            with socket.create_connection((host, port), timeout=_PROBE_SECONDS):
                pass
        except OSError as err:
            return f"the X display {name[:60]!r} cannot be reached ({host} port {port}: {err.strerror or err})"
    xcb = _libxcb()
    if xcb is None:  # without libxcb Qt cannot use X11 at all; _missing_xcb_library says so
        return None if _unix_socket_answers(m) else f"nothing answers at the X display {name[:60]!r}"
    conn = xcb.xcb_connect(name.encode("utf-8", "surrogateescape"), None)
    try:
        code = xcb.xcb_connection_has_error(conn)
    finally:
        xcb.xcb_disconnect(conn)
    if code == 0:
        return None
    if code == 5:
        return f"DISPLAY={name[:60]!r} is not an X display name such as :0"
    if code == 6:
        return f"the X display {name[:60]!r} has no such screen"
    return (f"the X display {name[:60]!r} cannot be opened (no X server answers there, or it refused this "
            "user: check DISPLAY and XAUTHORITY)")


def _libxcb():
    import ctypes
    try:
        lib = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    lib.xcb_connect.restype = ctypes.c_void_p
    lib.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    lib.xcb_connection_has_error.restype = ctypes.c_int
    lib.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    lib.xcb_disconnect.restype = None
    lib.xcb_disconnect.argtypes = [ctypes.c_void_p]
    return lib


def _unix_socket_answers(m) -> bool:
    if m is None:
        return True
    path = f"/tmp/.X11-unix/X{m.group('num')}"
    for address in ("\0" + path, path):  # Linux X servers also listen on the abstract name
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(_PROBE_SECONDS)
                s.connect(address)
                return True
        except OSError:
            continue
    return False


def wayland_problem(name: str) -> str | None:
    """Why the Wayland display ``name`` cannot be used, or None if its socket answers."""
    if os.path.isabs(name):
        path = name
    else:
        runtime = os.environ.get("XDG_RUNTIME_DIR", "")
        if not os.path.isabs(runtime):
            return f"WAYLAND_DISPLAY={name[:60]!r} is set but XDG_RUNTIME_DIR is not, so it cannot be found"
        path = os.path.join(runtime, name)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(_PROBE_SECONDS)
            s.connect(path)
    except OSError as err:
        return f"the Wayland display {name[:60]!r} cannot be reached ({path}: {err.strerror or err})"
    return None


XCB_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 "
                "libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0")


def _missing_xcb_library() -> str | None:
    """Name of a shared library Qt's X11 plugin needs but cannot find, or None."""
    import ctypes
    import ctypes.util
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


# ---------------------------------------------------------------- crash handler
def _log_path() -> Path | None:
    try:
        from stancetracker.core.files.paths import data_dir
        return data_dir() / "crash.log"
    except Exception:  # no usable data folder: the error still reaches stderr
        return None


def _write_log(text: str) -> Path | None:
    """Append to the crash log; the log's path, or None if it could not be written."""
    p = _log_path()
    if p is None:
        return None
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "a", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(text + "\n")
    except (OSError, ValueError):
        return None
    return p


def _summary(etype, value) -> str:
    """``Type: message`` on one line, whatever the exception's __str__ does."""
    try:
        name = getattr(etype, "__name__", "error")
        text = " ".join(str(value).split())
    except BaseException:  # an exception whose message itself fails
        text = "(its message could not be read)"
    return f"{name}: {text[:300]}" if text else str(name)


def _details(etype, value, tb) -> str:
    try:
        return "".join(traceback.format_exception(etype, value, tb))
    except BaseException:
        return f"{_summary(etype, value)} (the traceback could not be formatted)"


def _stderr(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):  # no stderr (closed, or a windowed launch): the log has it
        pass


def dialog_possible() -> bool:
    """True if a message box can be shown and answered: a running GUI application on a real screen."""
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        return False
    app = QApplication.instance()
    if app is None or not isinstance(app, QApplication):
        return False
    # Offscreen nobody can press OK: the box would wait for ever.
    return QApplication.platformName() not in _HEADLESS


class CrashHandler:
    """Unexpected errors become a dialog and a log entry, never a bare traceback or a second crash.

    If no dialog can be shown (no application yet, offscreen, the window
    still being built, an error inside the handler) the error goes to stderr
    and the log, and the application exits with status 70.
    """

    EXIT_STATUS = 70

    def __init__(self) -> None:
        self.busy = False
        self.failed = False
        self.starting = True

    def __call__(self, etype, value, tb) -> None:
        try:
            self._handle(etype, value, tb)
        except BaseException:  # the handler must never raise: say the least that can be said
            self._give_up("(an error occurred while reporting an error)", None)

    def _handle(self, etype, value, tb) -> None:
        summary = _summary(etype, value)
        log = _write_log(_details(etype, value, tb))
        if self.busy or self.starting or not dialog_possible():
            self._give_up(summary, log)
            return
        self.busy = True  # an error raised while the box is open is not shown in a second box
        try:
            from PySide6.QtWidgets import QMessageBox
            where = f"\nDetails were written to {log}." if log else ""
            QMessageBox.critical(None, "stancetracker — unexpected error",
                                 f"Something went wrong: {summary}\n\nYour data is safe: every change is "
                                 f"saved in its own transaction.{where}")
        except BaseException:
            self._give_up(summary, log)
        finally:
            self.busy = False

    def _give_up(self, summary: str, log: Path | None) -> None:
        where = f"; details in {log}" if log else ""
        _stderr(f"stancetracker: internal error: {summary}{where} (your data is safe: every change is saved "
                "in its own transaction)")
        self.failed = True
        try:
            from PySide6.QtWidgets import QApplication
            app = QApplication.instance()
            if app is not None:
                app.exit(self.EXIT_STATUS)
        except BaseException:
            pass


def install_excepthook() -> CrashHandler:
    """Route unexpected errors to a CrashHandler; returns it (``starting`` is True until the window is up)."""
    handler = CrashHandler()
    sys.excepthook = handler
    return handler


def resources_dir() -> Path:
    """The icons and desktop file: installed inside the package, or at the top of a source checkout."""
    here = Path(__file__).resolve()
    for cand in (here.parent.parent / "resources", here.parents[2] / "resources"):
        if cand.exists():
            return cand
    return here.parents[2] / "resources"


def run(db_path: Path | None, explicit: bool = False) -> int:
    """Open the main window; returns the process exit status."""
    problem = display_problem()
    if problem:
        _stderr(f"stancetracker: {problem}")
        return 1
    try:
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication
    except ImportError as err:  # pragma: no cover - broken install
        _stderr(f"stancetracker: the desktop libraries could not be loaded ({err}); "
                "reinstall stancetracker, or use the command line")
        return 1
    from stancetracker.gui.main_window import QtMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("stancetracker")
    app.setApplicationName("stancetracker")
    app.setApplicationDisplayName("stancetracker")
    app.setDesktopFileName("stancetracker")
    icon = resources_dir() / "icons" / "stancetracker.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    from stancetracker.core.model.errors import StanceError
    handler = install_excepthook()
    try:
        win = QtMainWindow.launch(db_path, explicit=explicit)
        if win is not None:
            win.show()
    except StanceError as err:  # one the user can act on (e.g. no home folder for the default database)
        _stderr(f"stancetracker: {err}")
        return 1
    except Exception as err:  # a bug met while building the window: one line, the details in the log
        log = _write_log(_details(type(err), err, err.__traceback__))
        where = f"; details in {log}" if log else ""
        _stderr(f"stancetracker: the window could not be opened: {_summary(type(err), err)}{where}")
        return CrashHandler.EXIT_STATUS
    if win is None:
        return 1
    if handler.failed:  # an error in a Qt callback while the window was being shown
        return CrashHandler.EXIT_STATUS
    handler.starting = False
    status = app.exec()
    return CrashHandler.EXIT_STATUS if handler.failed and status == 0 else status
