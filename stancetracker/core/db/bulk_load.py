"""Making a large import cheap inside its own transaction.

Keeping every index, the full-text index and the history up to date row by
row is most of what a large import costs in SQLite. For a big file:

* the records table's secondary indexes are dropped and built once at the
  end (sorting a million keys is several times cheaper than a million
  random insertions); when the table starts empty, so is the UUID index,
  and duplicate UUIDs are found when it is built again;
* the full-text index and the history rows of each chunk are written by a
  second thread with one statement each, while the importer reads and
  validates the next chunk: SQLite runs those statements without holding
  Python's GIL, so the two use both cores. The two threads take turns on
  the one connection (a lock), and executemany stays on the importer's
  thread, because it needs the GIL for every row;
* (in record_import, through Store.operation) SQLite's foreign-key checks are
  off for the transaction: the importer's ids all come from rows it read
  after taking the write lock, or made itself.

Everything happens inside the import's transaction: if the import fails or
is cancelled, the rollback restores the triggers and indexes too. SQLite
rolls the whole transaction back by itself on some errors (disk full, I/O
error); the lock then refuses to be taken, so neither thread writes a
statement that would be committed on its own (issue 12).
"""

from __future__ import annotations

import contextlib
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator

from stancetracker.core.db import audit

BIG_FILE = 8 * 1024 * 1024
SORT_CACHE_KIB = 2_000  # while building indexes (see sorting())
BATCH_ROWS = 50_000  # records indexed and logged per statement on the second thread
_REBUILT = ("records_series", "records_date", "records_coder")
_FTS = "INSERT INTO records_fts (rowid, evidence, locator) SELECT id, evidence, locator FROM records WHERE id BETWEEN ? AND ?"


class BulkLoad:
    """See the module docstring. ``lock`` is held by whoever uses the connection while the load runs."""

    def __init__(self, conn: sqlite3.Connection, size: int, max_before: int, op_id: int, *, fresh: bool,
                 fault: Callable[[BaseException], None] | None = None):
        self.conn = conn
        self.fault = fault or (lambda err: None)
        self.op_id = op_id
        self.last_id = max_before
        self.active = conn is not None and size >= BIG_FILE
        self.lock: _GuardedLock | _NoLock = _NoLock()
        self.rebuild: list[str] = []
        self.uuid_dropped = False
        self.trigger_sql: str | None = None
        self._worker: _Worker | None = None
        self.writes_history = False  # True: the history rows of the imported records are written here
        if not self.active:
            return
        row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'records_ai'").fetchone()
        if row:
            self.trigger_sql = row[0]
            conn.execute("DROP TRIGGER records_ai")
        existing = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        if existing * 300 < size:  # the file is much bigger than the table: build indexes once, at the end
            names = _REBUILT + (("records_uuid",) if fresh and not existing else ())
            for name, sql in conn.execute(
                    f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records' "
                    f"AND name IN ({','.join('?' * len(names))})", names).fetchall():
                conn.execute(f"DROP INDEX {name}")
                if name == "records_uuid":
                    self.uuid_dropped = True
                else:
                    self.rebuild.append(sql)
        self.lock = _GuardedLock(self.check)
        self._worker = _Worker(conn, self.lock, op_id)
        self._worker.start()
        self.writes_history = True

    @classmethod
    def inactive(cls) -> BulkLoad:
        """A stand-in before the import's transaction begins: no lock, nothing dropped."""
        return cls(None, 0, 0, 0, fresh=False)  # type: ignore[arg-type]


    def inserted(self) -> None:
        """Records up to the table's newest were inserted: index them and log them (call holding ``lock``)."""
        if self._worker is None:
            return
        newest = self.conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
        if newest > self.last_id:
            self.check()
            self._worker.queue.put((self.last_id + 1, newest))
            self.last_id = newest

    def check(self) -> None:
        """Raise if either thread has failed or SQLite has ended the transaction (holding ``lock``)."""
        worker = self._worker
        err = worker.error if worker is not None else None
        if err is None and not self.conn.in_transaction:
            raise TransactionEnded("SQLite ended the import's transaction before it was complete")
        if err is not None:
            if _cause(err) and not self.conn.in_transaction:
                self.fault(err)
            raise err

    def wait(self) -> None:
        """Wait until every chunk is indexed and logged; raises what went wrong on the other thread."""
        if self._worker is not None:
            self._worker.queue.put(None)
            self._worker.join()
            try:
                self.check()
            finally:
                self._worker = None
                self.lock = _NoLock()

    def stop(self) -> None:
        """On failure: let the other thread finish its statement and end, so the rollback can run."""
        if self._worker is not None:
            worker = self._worker
            worker.stop = True
            worker.queue.put(None)
            worker.join()
            if _cause(worker.error) and not self.conn.in_transaction:
                self.fault(worker.error)  # the real cause, whatever the importer's thread raised
            self._worker = None
            self.lock = _NoLock()

    def unique_uuids(self) -> bool:
        """Build the UUID index again if it was dropped; False if some UUID is there twice."""
        if not self.uuid_dropped:
            return True
        try:
            with sorting(self.conn):
                self.conn.execute("CREATE UNIQUE INDEX records_uuid ON records(uuid)")
        except sqlite3.IntegrityError:
            return False
        self.uuid_dropped = False
        return True

    def finish(self) -> None:
        """Build the dropped indexes and put back the trigger (after wait())."""
        if not self.active:
            return
        conn = self.conn
        if self.uuid_dropped and not self.unique_uuids():
            raise sqlite3.IntegrityError("UNIQUE constraint failed: records.uuid")
        with sorting(self.conn):
            for sql in self.rebuild:
                conn.execute(sql)
        if self.trigger_sql:
            conn.execute(self.trigger_sql)

@contextlib.contextmanager
def sorting(conn: sqlite3.Connection) -> Iterator[None]:
    """Build indexes with SQLite's multi-threaded sorter.

    The sorter keeps keys in memory up to the page cache's size; with a
    small cache it writes sorted runs that helper threads sort and merge in
    parallel. Measured on a million records, building three indexes took
    1.5 s this way against 3.0 s with one big in-memory sort.
    """
    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA threads = {min(4, os.cpu_count() or 1)}")
    conn.execute(f"PRAGMA cache_size = -{SORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute("PRAGMA threads = 0")
        conn.execute(f"PRAGMA cache_size = {cache}")


class TransactionEnded(sqlite3.OperationalError):
    """Raised instead of writing once SQLite has ended the transaction; the cause is an earlier error."""


def _cause(err: BaseException | None) -> bool:
    """True for an SQLite error that may be what ended the transaction."""
    return isinstance(err, sqlite3.Error) and not isinstance(err, TransactionEnded)


class _GuardedLock:
    """The connection's lock while a load runs: whoever takes it first checks that writing may go on."""

    def __init__(self, check: Callable[[], None]):
        self._lock = threading.Lock()
        self._check = check

    def acquire(self, blocking: bool = True) -> bool:
        if not self._lock.acquire(blocking):
            return False
        try:
            self._check()
        except BaseException:
            self._lock.release()
            raise
        return True

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> bool:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self._lock.release()


class _NoLock:
    """The lock when only one thread uses the connection."""

    def acquire(self, blocking: bool = True) -> bool:
        return True

    def release(self) -> None:
        pass

    def __enter__(self) -> bool:
        return True

    def __exit__(self, *exc) -> None:
        pass


class _Worker(threading.Thread):
    """Writes the full-text entries and history rows of each inserted range of records, in order."""

    def __init__(self, conn: sqlite3.Connection, lock: _GuardedLock, op_id: int):
        super().__init__(name="stancetracker-bulk-load", daemon=True)
        self.conn, self.lock, self.op_id = conn, lock, op_id
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.error: BaseException | None = None
        self.stop = False

    def run(self) -> None:
        pending: tuple[int, int] | None = None
        while True:
            item = self.queue.get()
            if item is not None:
                pending = (pending[0] if pending else item[0], item[1])
                if pending[1] - pending[0] < BATCH_ROWS:
                    continue  # FTS5 writes out its terms at every statement: fewer, larger ones
            if pending and self.error is None and not self.stop:
                try:
                    with self.lock:  # raises, writing nothing, once the transaction is gone
                        if not self.stop:
                            self.conn.execute(_FTS, pending)
                            audit.log_imported_records(self.conn, self.op_id, *pending)
                except BaseException as err:  # handed to the importer's thread by check()
                    if self.error is None:
                        self.error = err
            pending = None
            if item is None:
                return

    def check(self) -> None:
        if self.error is not None:
            raise self.error
