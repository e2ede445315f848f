"""Who is coding: one name for the window and the command line.

The name comes from, in order: the ``--coder`` option, ``$STANCETRACKER_CODER``,
the name saved in the data folder (the window asks for it on first launch and
saves it there, so the command line records the same coder), and the login.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from stancetracker.core.files.paths import data_dir
from stancetracker.core.model.errors import StanceError

CODER_FILE = "coder.txt"
MAX_LENGTH = 100


def coder_file() -> Path:
    return data_dir() / CODER_FILE


def clean_name(name: str) -> str:
    """A coder name fit to store on records: one line, no control characters, at most 100 characters."""
    text = " ".join(str(name).split())
    if not text:
        raise StanceError("the coder name is empty")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise StanceError("the coder name holds control characters")
    if len(text) > MAX_LENGTH:
        raise StanceError(f"the coder name is longer than {MAX_LENGTH} characters")
    return text


def stored_coder() -> str | None:
    """The name saved in the data folder, or None (none saved, unreadable, or not a valid name)."""
    try:
        text = coder_file().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, StanceError):
        return None
    try:
        return clean_name(text)
    except StanceError:
        return None


def save_coder(name: str) -> Path:
    """Save the coder's name where both the window and the command line read it; returns the file."""
    text = clean_name(name)
    path = coder_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{CODER_FILE}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, path)  # never a half-written name
    finally:
        tmp.unlink(missing_ok=True)
    return path


def login_name() -> str:
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no login name in some containers
        return "unknown"


def coder(explicit: str | None = None) -> str:
    """The coder's name: the option given, else $STANCETRACKER_CODER, else the saved name, else the login."""
    for candidate in (explicit, os.environ.get("STANCETRACKER_CODER")):
        if candidate and candidate.strip():
            return " ".join(candidate.split())
    return stored_coder() or login_name()


__all__ = ["CODER_FILE", "clean_name", "coder", "coder_file", "login_name", "save_coder", "stored_coder"]
