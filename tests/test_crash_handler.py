"""The crash handler cannot crash: no dialog it cannot show, one line instead (issue 12, 5 and 14)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from stancetracker.gui import main


def _env(tmp_path, **extra):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", STANCETRACKER_HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), STANCETRACKER_CODER="tester")
    env.update(extra)
    return env


@pytest.fixture
def exits(qapp, monkeypatch):
    """The statuses the handler asked the application to exit with (a real exit would stop every later
    test's event loops: Qt remembers it until the next exec)."""
    asked: list[int] = []
    monkeypatch.setattr(qapp, "exit", lambda status=0: asked.append(status), raising=False)
    return asked


def test_without_an_application_the_error_goes_to_stderr_and_the_log(tmp_path):
    """An error before any QApplication exists: one line on stderr, the traceback in crash.log."""
    script = ("from stancetracker.gui.main import install_excepthook\n"
              "install_excepthook()\n"
              "raise ValueError('boom at start')\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=_env(tmp_path),
                         timeout=60)
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stancetracker: internal error: ValueError: boom at start")
    log = tmp_path / "home" / "crash.log"
    assert str(log) in lines[0] and "Traceback" in log.read_text() and "Traceback" not in out.stderr


def test_offscreen_no_message_box_is_shown_and_the_application_exits(exits, tmp_path, monkeypatch, capsys):
    """Offscreen nobody could press OK: no box, a line on stderr, and the event loop is told to exit 70."""
    from PySide6.QtWidgets import QMessageBox
    monkeypatch.setenv("STANCETRACKER_HOME", str(tmp_path))
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a, **k: shown.append(a))
    handler = main.CrashHandler()
    handler.starting = False
    handler(RuntimeError, RuntimeError("in a slot"), None)
    assert shown == [] and exits == [70] and handler.failed
    assert "internal error: RuntimeError: in a slot" in capsys.readouterr().err
    assert "in a slot" in (tmp_path / "crash.log").read_text()


def test_errors_while_formatting_or_reporting_do_not_escape(exits, tmp_path, monkeypatch, capsys):
    """An exception whose message fails, a box that itself raises, a re-entrant error: all end in stderr."""
    from PySide6.QtWidgets import QMessageBox

    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no str for you")

    monkeypatch.setenv("STANCETRACKER_HOME", str(tmp_path))
    monkeypatch.setattr(main, "dialog_possible", lambda: True)
    handler = main.CrashHandler()
    handler.starting = False
    calls = []

    def box(*args, **kwargs):
        calls.append(args[2])
        handler(KeyError, KeyError("while the box is open"), None)  # re-entrant: not a second box
        raise RuntimeError("the box itself failed")

    monkeypatch.setattr(QMessageBox, "critical", box)
    handler(ValueError, ValueError("first"), None)
    handler(Unprintable, Unprintable(), None)
    err = capsys.readouterr().err
    assert len(calls) == 2 and "first" in calls[0] and "its message could not be read" in calls[1]
    assert "KeyError: 'while the box is open'" in err and "ValueError: first" in err
    assert handler.failed and not handler.busy and exits == [70] * 4  # each inner error and each failed box


def test_an_unwritable_log_still_gives_the_line(exits, tmp_path, monkeypatch, capsys):
    """If the data folder is a file (no log can be written) the line is still printed, without a path."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("STANCETRACKER_HOME", str(blocker))
    handler = main.CrashHandler()
    handler(OSError, OSError("disk"), None)
    err = capsys.readouterr().err
    assert "internal error: OSError: disk (your data is safe" in err and "details in" not in err
    assert exits == [70]


@pytest.mark.slow
@pytest.mark.parametrize("where", ["building", "showing"])
def test_an_error_while_the_window_is_built_is_one_line_and_status_70(tmp_path, where):
    """A bug met while the window is built or first shown: one line, exit 70, no segfault, no dialog."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from stancetracker.gui import main_window\n"
        f"where = {where!r}\n"
        "if where == 'building':\n"
        "    def broken(self, *a):\n"
        "        raise ValueError('broken while building')\n"
        "    main_window.QtMainWindow._build = broken\n"
        "else:\n"
        "    def broken(self, event):\n"
        "        raise ValueError('broken while showing')\n"
        "    main_window.QtMainWindow.showEvent = broken\n"
        "from stancetracker.gui.main import run\n"
        "sys.exit(run(Path(sys.argv[1]), explicit=True))\n")
    out = subprocess.run([sys.executable, "-c", script, str(tmp_path / "new.db")], capture_output=True,
                         text=True, env=_env(tmp_path), timeout=120)
    assert out.returncode == 70, (out.returncode, out.stderr)
    lines = [ln for ln in out.stderr.splitlines() if "propagateSizeHints" not in ln]
    assert len(lines) == 1 and f"broken while {where}" in lines[0] and lines[0].startswith("stancetracker: ")
    assert "Traceback" in (tmp_path / "home" / "crash.log").read_text()
