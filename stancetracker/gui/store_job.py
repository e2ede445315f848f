"""QtStoreJob: a long core operation run in a thread on its own connection, with progress and cancel."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from stancetracker.core.db.store import Store

from stancetracker.core.project import open_project
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model.progress import Progress
from stancetracker.gui.hub import QtStoreHub


class QtStoreJob(QThread):
    """Runs ``fn(store, progress)`` in a thread on its own connection to the hub's database.

    ``progress`` has the core's one shape (core/model/progress.py) and is
    thread-safe: it emits ``progressed`` and returns False once
    :meth:`request_cancel` was called, which the core takes as "stop and roll
    back". The connection is closed when done.
    """

    progressed = Signal(object, object)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, hub: QtStoreHub, fn: Callable[[Store, Progress], Any], parent=None):
        super().__init__(parent)
        self.path = hub.store.path
        self.user = hub.store.user
        self.fn = fn
        self.hub = hub
        self._cancel = threading.Event()
        self.finished.connect(hub.job_finished)  # its commit is this window's, not another program's

    def start(self, *args) -> None:  # noqa: D102 - counted before the thread can commit
        self.hub.job_started()
        super().start(*args)

    def request_cancel(self) -> None:
        self._cancel.set()

    def progress(self, done: int, total: int = 0) -> bool:
        self.progressed.emit(done, total)
        return not self._cancel.is_set()

    def run(self) -> None:  # noqa: D102 - QThread entry point
        if self.path is None:
            self.failed.emit(StanceError("an in-memory database cannot be used from a second connection"))
            return
        try:
            store = open_project(self.path, seed=False, create=False, user=self.user)
        except Exception as err:  # a locked or vanished file: reported, not raised in a thread
            self.failed.emit(err)
            return
        try:
            result = self.fn(store, self.progress)
        except Exception as err:
            self.failed.emit(err)
        else:
            self.succeeded.emit(result)
        finally:
            store.close()


__all__ = ["QtStoreJob"]
