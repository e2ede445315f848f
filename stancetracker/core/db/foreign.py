"""Reading a database file someone else made: read-only, nothing left beside it, every query bounded.

Merge sources, restore sources and ``check`` read files whose schema may be
hostile (issue 12). :func:`open_foreign` opens one without writing to it or
its folder; :func:`bounded` stops any statement that runs past a time bound
(a recursive view, say) with one line instead of a hang.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from stancetracker.core.db.connection import describe_sqlite_error, check_file, connect
from stancetracker.core.db.schema_audit import audit, harmful, refusal, unsafe_schema
from stancetracker.core.model.errors import DatabaseError

# Seconds a group of queries on a file made elsewhere may take, plus one per
# QUERY_BYTES_PER_SECOND of its size: generous for sound files of any size.
QUERY_SECONDS = 60.0
QUERY_BYTES_PER_SECOND = 20e6
_STEPS = 20_000  # SQLite instructions between two looks at the clock (well under a millisecond)
_GAP = 0.25  # seconds between two looks that mean SQLite was not running in between


def bound_for(path: Path | str | None) -> float:
    """The time bound for queries on ``path``: QUERY_SECONDS plus its size at QUERY_BYTES_PER_SECOND."""
    size = 0
    if path is not None:
        for p in (Path(path), Path(f"{path}-wal")):
            with contextlib.suppress(OSError):
                size += p.stat().st_size
    return QUERY_SECONDS + size / QUERY_BYTES_PER_SECOND


@contextlib.contextmanager
def bounded(conn: sqlite3.Connection, path: Path | str | None, seconds: float | None = None) -> Iterator[None]:
    """Interrupt the statements run inside once SQLite has worked ``seconds`` on them; that is a DatabaseError."""
    # Only SQLite's own time counts: a gap between two calls of the handler
    # longer than _GAP means Python was working in between (a merge checking
    # rows), which must not use up the bound of a large, sound file.
    limit = bound_for(path) if seconds is None else seconds
    state = {"last": time.monotonic(), "used": 0.0}

    def handler() -> int:
        now = time.monotonic()
        gap, state["last"] = now - state["last"], now
        if gap < _GAP:
            state["used"] += gap
        return int(state["used"] > limit)

    conn.set_progress_handler(handler, _STEPS)
    try:
        yield
    except sqlite3.OperationalError as err:
        if "interrupt" not in str(err).lower():
            raise
        raise DatabaseError(f"{path}: reading it took longer than {limit:.0f} s and was stopped (a view or "
                            "definition in the file that never ends?); nothing was changed") from None
    finally:
        conn.set_progress_handler(None, 0)


class ForeignFile:
    """A read-only connection to a file made elsewhere; ``close()`` removes any private copy."""

    def __init__(self, path: Path):
        self.path = path
        self._tmp: tempfile.TemporaryDirectory | None = None
        check_file(path)
        try:
            side = next((s for s in ("-wal", "-journal") if _nonempty(Path(f"{path}{s}"))), None)
            if side:
                # A -wal holds committed data that a read-only open would need a -shm beside
                # it for; a hot -journal, a transaction to roll back first. A private copy of
                # both is read instead, where SQLite may do either.
                self._tmp = tempfile.TemporaryDirectory(prefix="stancetracker-other-")
                copy = Path(self._tmp.name) / "other.db"
                shutil.copyfile(path, copy)
                shutil.copyfile(f"{path}{side}", f"{copy}{side}")
                self.conn = connect(copy, readonly=side == "-wal")
            else:
                self.conn = connect(path, readonly=True, immutable=True)
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.Error as err:
            refused = self._foreign_refusal(err)
            self.close()
            raise (refused or DatabaseError(describe_sqlite_error(path, err))) from None
        except OSError as err:
            self.close()
            raise DatabaseError(f"{path}: cannot read the file ({err.strerror})") from None

    def _foreign_refusal(self, err: sqlite3.Error) -> DatabaseError | None:
        """The refusal naming the objects when SQLite cannot parse the schema for a function it calls, else None."""
        conn = getattr(self, "conn", None)
        if conn is None or not unsafe_schema(err):
            return None
        try:
            objects = harmful(audit(conn))
        except sqlite3.Error:
            return None
        return refusal(self.path, objects, "stancetracker will not read it (nothing was changed)") if objects else None

    def close(self) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            with contextlib.suppress(sqlite3.Error):
                conn.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "ForeignFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _nonempty(path: Path) -> bool:
    try:
        return os.path.getsize(path) > 0
    except OSError:
        return False


def open_foreign(path: Path | str) -> ForeignFile:
    """Open a file made elsewhere for reading, leaving the file and its folder exactly as they were."""
    return ForeignFile(Path(path))


__all__ = ["ForeignFile", "QUERY_SECONDS", "bound_for", "bounded", "open_foreign"]
