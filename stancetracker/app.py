"""Starting the desktop application; kept apart so the CLI imports no Qt."""

from __future__ import annotations

import sys
from pathlib import Path


def run_gui(db_path: Path) -> int:
    """Open the main window on ``db_path``; returns the exit status."""
    try:
        from .gui.main import run
    except ImportError:
        print("The desktop application is not part of this version yet; use the commands "
              "(stancetracker --help).", file=sys.stderr)
        return 1
    return run(db_path)
