"""No usable display: one line and exit status 1, never a Qt abort (issue 12, finding 16)."""

import os
import socket
import subprocess
import sys

import pytest

from stancetracker.gui import main


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_RUNTIME_DIR")}
    env.update(STANCETRACKER_HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "config"),
               STANCETRACKER_CODER="tester")
    env.update(extra)
    return env


def _free_display_number() -> int:
    n = 99
    while os.path.exists(f"/tmp/.X11-unix/X{n}"):
        n += 1
    return n


@pytest.mark.slow
@pytest.mark.parametrize("case", ["x-unreachable", "x-tcp-refused", "wayland-missing", "xcb-without-display",
                                  "xcb-unreachable", "display-garbage"])
def test_an_unusable_display_gets_one_line_and_exit_1(tmp_path, case):
    """DISPLAY set but unreachable, a missing Wayland socket, xcb forced without a display: one line, exit 1."""
    n = _free_display_number()
    with socket.socket() as s:  # a TCP port with nothing listening
        s.bind(("127.0.0.1", 0))
        refused = s.getsockname()[1]
    extra = {
        "x-unreachable": {"DISPLAY": f":{n}"},
        "x-tcp-refused": {"DISPLAY": f"127.0.0.1:{refused - 6000}"} if refused > 6000 else {"DISPLAY": f":{n}"},
        "wayland-missing": {"WAYLAND_DISPLAY": "wayland-nowhere", "XDG_RUNTIME_DIR": str(tmp_path)},
        "xcb-without-display": {"QT_QPA_PLATFORM": "xcb"},
        "xcb-unreachable": {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{n}"},
        "display-garbage": {"DISPLAY": "no display here"},
    }[case]
    out = subprocess.run([sys.executable, "-m", "stancetracker"], capture_output=True, text=True,
                         env=_env(tmp_path, **extra), timeout=60)
    assert out.returncode == 1, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("stancetracker: "), out.stderr
    assert "Aborted" not in out.stderr and "qt.qpa" not in out.stderr and "xcb-cursor" not in out.stderr
    assert not (tmp_path / "home").exists()  # nothing was created for a window that never opened


def test_display_problem_names_the_display(monkeypatch, tmp_path):
    """The line says which display failed and why."""
    for k in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(k, raising=False)
    n = _free_display_number()
    monkeypatch.setenv("DISPLAY", f":{n}")
    assert f"':{n}'" in main.display_problem()
    monkeypatch.delenv("DISPLAY")
    monkeypatch.setenv("WAYLAND_DISPLAY", "gone")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert "gone" in main.display_problem() and str(tmp_path / "gone") in main.display_problem()


def test_a_listening_wayland_socket_counts_as_a_display(monkeypatch, tmp_path):
    """A Wayland socket that accepts connections is taken as usable (Qt then connects itself)."""
    path = tmp_path / "wayland-1"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(1)
        for k in ("QT_QPA_PLATFORM", "DISPLAY"):
            monkeypatch.delenv(k, raising=False)
        monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-1")
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
        assert main.display_problem() is None


@pytest.mark.parametrize("platform", ["offscreen", "minimal", "vnc"])
def test_headless_platforms_need_no_display(monkeypatch, platform):
    """Qt platforms that draw without a display server are never refused."""
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", platform)
    assert main.display_problem() is None
