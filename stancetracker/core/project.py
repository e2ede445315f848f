"""Opening a project: a database file connected, migrated, backed up and, when new, seeded.

The store (core/db) knows nothing of seeds or the exchange formats they are
read with; this module composes them, so neither imports the other.
"""

from __future__ import annotations

import weakref
from pathlib import Path

from stancetracker.core.db import backups
from stancetracker.core.db.connection import SqliteError, schema_state
from stancetracker.core.db.foreign import open_foreign
from stancetracker.core.db.schema import SCHEMA_VERSION
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.seeds import load_seeds
from stancetracker.core.model.errors import DatabaseError


def open_project(path: Path | str, *, readonly: bool = False, create: bool = True, seed: bool = True,
                 user: str | None = None, backup: bool = True) -> Store:
    """Open a database, creating it (with the seeded dataset) if it does not exist.

    ``backup``: back up an existing writable file first (throttled, see
    core/db/backups.py); pass False to open fast and call
    ``backups.backup_on_open(path)`` later. ``seed=False`` leaves a new file empty.
    """
    store = Store.open(path, readonly=readonly, create=create, user=user)
    try:
        if backup and not store.created and not store.readonly and store.path is not None:
            backups.backup_on_open(store.path)  # issue 6
        if store.created and seed:
            load_seeds(store)
    except BaseException:
        store.close()
        raise
    return store


def open_for_reading(path: Path | str, refused: DatabaseError, user: str | None = None) -> Store:
    """A read-only Store over a file refused for writing (``refused`` says why), leaving nothing beside it.

    Raises ``refused`` itself when the file cannot be read as it is."""
    other = open_foreign(path)
    try:
        ours, version = schema_state(other.conn)
    except SqliteError:
        other.close()
        raise refused from None
    objects = getattr(refused, "objects", [])
    # Our queries read only our tables: they must be ours (a view in place of
    # one could be a query that never ends), and as new as this version reads.
    if not ours or version != SCHEMA_VERSION or not all(o.removable for o in objects):
        other.close()
        raise refused
    store = Store(other.conn, Path(path), readonly=True, user=user)
    store.foreign_file = other  # keeps its private copy, if any, as long as the store
    weakref.finalize(store, other.close)
    return store


__all__ = ["open_for_reading", "open_project"]
