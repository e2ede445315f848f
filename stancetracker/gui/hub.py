"""The GUI's single door to the core: store calls plus change signals."""

from __future__ import annotations

from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

from stancetracker.core.coding.passages import add_coded_record
from stancetracker.core.db.store import Store


class QtStoreHub(QObject):
    """Holds the open :class:`Store` and tells widgets when its data changed.

    Every edit made through the GUI goes through a method here (or through
    ``run`` for a core function taking the store), and ends with ``changed``
    so every view refreshes. ``what`` names the tables touched: ``records``,
    ``actors``, ``dimensions``, ``sources``, ``events``, ``memberships`` or
    ``all`` (after opening another database or an import).
    """

    changed = Signal(str)
    storeReplaced = Signal()
    commandFailed = Signal(str)  # an undo/redo step the core refused
    ownJobFinished = Signal()    # a job of this window's committed on its own connection (or gave up)

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.external = False  # True while views refresh for a change another window or program saved
        self.own_jobs = 0      # this window's jobs writing on their own connection (an import)

    # Whose change -------------------------------------------------------
    def changed_elsewhere(self, what: str) -> None:
        """Refresh the views for a change saved by another connection (not this window's)."""
        self.external = True
        try:
            self.changed.emit(what)
        finally:
            self.external = False

    def job_started(self) -> None:
        self.own_jobs += 1

    def job_finished(self) -> None:
        """A job of this window's is done: its commit is this window's own, not someone else's."""
        self.own_jobs = max(0, self.own_jobs - 1)
        self.ownJobFinished.emit()

    @contextmanager
    def as_operation(self, kind: str, summary: str):
        """Record the writes inside as one operation of ``kind`` (undo, redo), so history names it."""
        with self.store.operation(kind, summary):
            yield

    def replace_store(self, store: Store) -> None:
        old, self.store = self.store, store
        if old is not store:
            old.close()
        self.storeReplaced.emit()
        self.changed.emit("all")

    # Records -------------------------------------------------------------
    def add_record(self, rec, passage: tuple[int, int] | None = None):
        """Save a new record; ``passage`` gives the offsets in its source's text it is coded from."""
        if passage is None:
            row = self.store.add_record(rec)
        else:
            row = add_coded_record(self.store, rec, *passage)
        self.changed.emit("records")
        return row

    def update_record(self, uuid: str, expected_version: int, **changes):
        row = self.store.update_record(uuid, expected_version, **changes)
        self.changed.emit("records")
        return row

    def delete_record(self, uuid: str, expected_version: int | None = None):
        row = self.store.delete_record(uuid, expected_version)
        self.changed.emit("records")
        return row

    def restore_record(self, uuid: str, expected_version: int | None = None):
        row = self.store.restore_record(uuid, expected_version)
        self.changed.emit("records")
        return row

    # Reference tables ----------------------------------------------------
    def add_actor(self, actor):
        a = self.store.add_actor(actor)
        self.changed.emit("actors")
        return a

    def update_actor(self, slug: str, **changes):
        a = self.store.update_actor(slug, **changes)
        self.changed.emit("actors")
        return a

    def add_membership(self, m):
        m = self.store.add_membership(m)
        self.changed.emit("memberships")
        return m

    def add_dimension(self, d):
        d = self.store.add_dimension(d)
        self.changed.emit("dimensions")
        return d

    def update_dimension(self, slug: str, **changes):
        d = self.store.update_dimension(slug, **changes)
        self.changed.emit("dimensions")
        return d

    def add_source(self, s):
        s = self.store.add_source(s)
        self.changed.emit("sources")
        return s

    def update_source(self, slug: str, **changes):
        s = self.store.update_source(slug, **changes)
        self.changed.emit("sources")
        return s

    def delete_membership(self, membership_id: int) -> None:
        self.store.delete_membership(membership_id)
        self.changed.emit("memberships")

    def update_event(self, slug: str, **changes):
        e = self.store.update_event(slug, **changes)
        self.changed.emit("events")
        return e

    def delete_event(self, slug: str) -> None:
        self.store.delete_event(slug)
        self.changed.emit("events")

    def add_event(self, e):
        e = self.store.add_event(e)
        self.changed.emit("events")
        return e

    def run(self, what: str, fn, *args, **kwargs):
        """Run a core function ``fn(store, *args, **kwargs)`` that changes ``what``."""
        try:
            return fn(self.store, *args, **kwargs)
        finally:
            self.changed.emit(what)
