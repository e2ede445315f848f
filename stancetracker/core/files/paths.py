"""Where the default database lives.

Every folder returned here is absolute: a relative one would put the user's
database wherever the program happens to be started (issue 12, finding 17).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import appdirs

from stancetracker.core.model.errors import StanceError

APP_NAME = "stancetracker"


def data_dir() -> Path:
    """The per-user data folder, always absolute.

    ``$STANCETRACKER_HOME`` overrides it (tests, portable installs); a relative
    override is taken against the current folder on purpose, since the user
    named it. An empty one is ignored.
    """
    override = os.environ.get("STANCETRACKER_HOME", "")
    if override.strip():
        return Path(os.path.abspath(os.path.expanduser(override)))
    return platform_data_dir()


def platform_data_dir() -> Path:
    """The platform's per-user data folder for stancetracker, ignoring settings that are not absolute."""
    if sys.platform == "win32" or sys.platform == "darwin":
        found = Path(appdirs.user_data_dir(APP_NAME, appauthor=False))
        if found.is_absolute():
            return found
        if sys.platform == "darwin":
            return home_dir() / "Library" / "Application Support" / APP_NAME
        local = os.environ.get("LOCALAPPDATA", "")
        base = Path(local) if os.path.isabs(local) else home_dir() / "AppData" / "Local"
        return base / APP_NAME
    # The XDG specification: a relative (or empty) $XDG_DATA_HOME is invalid and is ignored.
    xdg = os.environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else home_dir() / ".local" / "share"
    return base / APP_NAME


def home_dir() -> Path:
    """The user's home folder as an absolute path, even when $HOME is empty or relative."""
    home = os.environ.get("USERPROFILE" if sys.platform == "win32" else "HOME", "")
    if os.path.isabs(home):
        return Path(home)
    if sys.platform != "win32":
        import pwd
        try:
            entry = pwd.getpwuid(os.getuid()).pw_dir
        except (KeyError, OSError):
            entry = ""
        if os.path.isabs(entry):
            return Path(entry)
    try:
        found = Path.home()
    except RuntimeError:
        found = Path()
    if found.is_absolute():
        return found
    raise StanceError("no home folder can be found for the default database (HOME is not set to an absolute "
                      "path); set HOME, or name a database with --db PATH")


def default_db_path() -> Path:
    return data_dir() / "stancetracker.db"
