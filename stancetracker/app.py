"""Starting the desktop application; kept apart so the CLI imports no Qt."""

from __future__ import annotations

import sys
from pathlib import Path


def run_gui(db_path: Path | None, explicit: bool = False) -> int:
    """Open the main window (on ``db_path`` if given); returns the exit status."""
    try:
        from stancetracker.gui.main import run
    except ImportError as err:  # pragma: no cover - a broken installation
        print(f"stancetracker: the desktop application cannot start ({err}); "
              "use the commands (stancetracker --help)", file=sys.stderr)
        return 1
    return run(db_path, explicit=explicit)
