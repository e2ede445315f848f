"""stancetracker.core.db: the only package that runs SQL."""

import sys

# sqlite_utils (our migrations) imports NumPy and pandas when they are installed,
# only to map their scalar types in inserts, which stancetracker never makes
# through it; hidden while it loads, they stay out of every command's start-up
# (issue 13). Once loaded by a chart or the window, it sees them as before.
_hidden = [name for name in ("numpy", "pandas") if name not in sys.modules]
for _name in _hidden:
    sys.modules[_name] = None  # type: ignore[assignment]  # an import of it fails as "not installed"
try:
    import sqlite_utils  # noqa: E402,F401
finally:
    for _name in _hidden:
        if sys.modules.get(_name) is None:
            del sys.modules[_name]
