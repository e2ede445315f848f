"""The default data folder is always absolute (issue 12, finding 17)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from stancetracker.core.files import paths
from stancetracker.core.model.errors import StanceError


@pytest.fixture
def linux(monkeypatch, tmp_path):
    """A Linux-like environment with a known home and no override."""
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.delenv("STANCETRACKER_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "home"


@pytest.mark.parametrize("xdg", ["", "   ", "relative/data", ".", "data"])
def test_empty_or_relative_xdg_data_home_falls_back_to_local_share(linux, monkeypatch, xdg):
    """An empty or relative XDG_DATA_HOME is ignored, as the XDG specification says: ~/.local/share."""
    monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert paths.default_db_path() == linux / ".local" / "share" / "stancetracker" / "stancetracker.db"


def test_absolute_xdg_data_home_is_used(linux, monkeypatch, tmp_path):
    """An absolute XDG_DATA_HOME is honoured."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert paths.data_dir() == tmp_path / "xdg" / "stancetracker"


def test_unset_xdg_data_home(linux, monkeypatch):
    """Without XDG_DATA_HOME the folder is ~/.local/share/stancetracker."""
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert paths.data_dir() == linux / ".local" / "share" / "stancetracker"


@pytest.mark.parametrize("home", ["", "relative-home"])
def test_empty_or_relative_home_uses_the_account_home(linux, monkeypatch, home):
    """A HOME that is empty or relative does not make the folder relative: the account's home is used."""
    import pwd
    monkeypatch.setenv("HOME", home)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    found = paths.data_dir()
    assert found.is_absolute()
    assert found == Path(pwd.getpwuid(os.getuid()).pw_dir) / ".local" / "share" / "stancetracker"


def test_empty_override_is_ignored_and_relative_override_is_made_absolute(linux, monkeypatch, tmp_path):
    """STANCETRACKER_HOME='' is ignored; a relative one is taken against the current folder, deliberately."""
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("STANCETRACKER_HOME", "")
    assert paths.data_dir() == linux / ".local" / "share" / "stancetracker"
    monkeypatch.setenv("STANCETRACKER_HOME", "mine")
    assert paths.data_dir() == tmp_path / "mine"


@pytest.mark.parametrize("platform, found, expected", [
    ("darwin", "Library/Application Support/stancetracker", "home/Library/Application Support/stancetracker"),
    ("win32", "stancetracker", "home/AppData/Local/stancetracker"),
])
def test_other_platforms_fall_back_to_absolute_defaults(monkeypatch, tmp_path, platform, found, expected):
    """On macOS and Windows a relative answer from appdirs gives way to the usual folder under home."""
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delenv("STANCETRACKER_HOME", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    monkeypatch.setenv("USERPROFILE" if platform == "win32" else "HOME", str(tmp_path / "home"))
    monkeypatch.setattr(paths.appdirs, "user_data_dir", lambda *a, **k: found)
    assert paths.data_dir() == tmp_path / expected


def test_no_home_at_all_is_one_clear_error(linux, monkeypatch):
    """With no absolute home anywhere, the user is told to set HOME or use --db (nothing relative is used)."""
    monkeypatch.setenv("HOME", "")
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    import pwd
    monkeypatch.setattr(pwd, "getpwuid", lambda uid: (_ for _ in ()).throw(KeyError(uid)))
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: Path("nowhere")))
    with pytest.raises(StanceError, match="--db"):
        paths.data_dir()


def test_cli_with_empty_xdg_data_home_does_not_write_in_the_current_folder(tmp_path):
    """`stancetracker init` with XDG_DATA_HOME='' creates the database under ~/.local/share, not here."""
    env = {k: v for k, v in os.environ.items() if k != "STANCETRACKER_HOME"}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME="")
    work = tmp_path / "work"
    work.mkdir()
    out = subprocess.run([sys.executable, "-m", "stancetracker", "init", "--no-seed"], cwd=work, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert list(work.iterdir()) == []
    assert (tmp_path / "home" / ".local" / "share" / "stancetracker" / "stancetracker.db").is_file()


@pytest.mark.slow
def test_window_without_any_home_says_so_in_one_line(tmp_path):
    """The desktop application with no home folder anywhere: one line naming --db, exit 1."""
    script = ("import pwd, sys\n"
              "from pathlib import Path\n"
              "pwd.getpwuid = lambda uid: (_ for _ in ()).throw(KeyError(uid))\n"
              "Path.home = classmethod(lambda cls: Path('nowhere'))\n"
              "from stancetracker.gui.main import run\n"
              "sys.exit(run(None))\n")
    env = {k: v for k, v in os.environ.items() if k not in ("STANCETRACKER_HOME", "XDG_DATA_HOME")}
    env.update(HOME="", QT_QPA_PLATFORM="offscreen", STANCETRACKER_CODER="tester",
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 1, out.stderr
    lines = [ln for ln in out.stderr.splitlines() if "propagateSizeHints" not in ln]
    assert len(lines) == 1 and "--db" in lines[0]
    assert not any(p.suffix == ".db" for p in tmp_path.rglob("*"))  # no database made in the current folder
