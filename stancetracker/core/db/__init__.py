"""stancetracker.core.db: the only package that runs SQL."""

import importlib
import sys


def _load_sqlite_utils() -> None:
    """Import sqlite_utils with NumPy and pandas hidden, unless something loaded them already."""
    # sqlite_utils (our migrations) imports both when installed, only to map their
    # scalar types in inserts, which stancetracker never makes through it; hidden,
    # they stay out of the start-up of every command that neither charts nor
    # analyses (issue 13: a tenth of a second each time).
    hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # importing it fails as "not installed"
    try:
        importlib.import_module("sqlite_utils")
    finally:
        for name in hidden:
            if sys.modules.get(name) is None:
                del sys.modules[name]


_load_sqlite_utils()
