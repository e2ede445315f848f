"""Where the default database lives."""

from __future__ import annotations

import os
from pathlib import Path

import appdirs

APP_NAME = "stancetracker"


def data_dir() -> Path:
    """The per-user data folder ($STANCETRACKER_HOME overrides it, e.g. for tests)."""
    override = os.environ.get("STANCETRACKER_HOME")
    if override:
        return Path(override)
    return Path(appdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return data_dir() / "stancetracker.db"
