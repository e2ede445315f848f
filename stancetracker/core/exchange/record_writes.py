"""Putting an import's validated rows in: in order, matched by UUID against the table and the file itself."""

from __future__ import annotations

import itertools
from array import array
from collections.abc import Sequence
from operator import attrgetter, itemgetter

from stancetracker.core.db import record_loading
from stancetracker.core.db.bulk_load import BulkLoad
from stancetracker.core.exchange.record_options import ImportResult
from stancetracker.core.exchange.record_rows import Problems
from stancetracker.core.model.errors import ImportFailed
from stancetracker.core.model.fields import IMPORTED_CONTENT

MAX_WAITING = 20  # chunks kept while the connection is busy: ~8 MB each with their raw cells (8 was measurably slower)
# Indexes into the insert tuple that make up a record's coded content.
_CONTENT = slice(1, 1 + len(IMPORTED_CONTENT))


class RecordWriter:
    """Inserts validated chunks; a row whose UUID is taken counts as present (same content) or as a problem."""

    def __init__(self, conn, path: str, result: ImportResult, problems: Problems, bulk: BulkLoad, *,
                 fresh: bool, skip_invalid: bool, max_before: int):
        self.conn, self.path, self.result, self.problems, self.bulk = conn, path, result, problems, bulk
        self.fresh, self.skip_invalid, self.max_before = fresh, skip_invalid, max_before
        self.waiting: list[tuple] = []  # validated chunks not yet inserted (see insert_chunk)
        self.inserted_lines = array("q")  # the line of each inserted row, while the UUID index waits

    def insert_chunk(self, chunk: list[tuple], lines: Sequence[int], raws: list[list[str]],
                     wait: bool = False) -> None:
        """Insert a validated chunk, or keep it for later while the other thread has the connection.

        Waiting for the connection would idle this thread, which can read
        the next chunks meanwhile; chunks are inserted in order either way.
        ``wait`` (and a backlog of MAX_WAITING chunks) makes it wait.
        """
        self.waiting.append((chunk, lines, raws))
        # With --skip-invalid, rows found at insert time (a UUID seen before) go to the
        # rejects file then: inserting at once keeps that file in line order.
        wait = wait or len(self.waiting) >= MAX_WAITING or self.skip_invalid
        if not self.bulk.lock.acquire(blocking=wait):
            return
        try:
            for chunk, lines, raws in self.waiting:
                self._insert_chunk(chunk, lines, raws)
        finally:
            self.waiting.clear()
            self.bulk.lock.release()

    def flush(self) -> None:
        """Insert every chunk still waiting."""
        if self.waiting:
            self.insert_chunk([], [], [], wait=True)

    def _insert_chunk(self, chunk: list[tuple], lines: Sequence[int], raws: list[list[str]]) -> None:
        conn = self.conn
        if not self.fresh:
            existing = record_loading.stored_content(conn, [r[0] for r in chunk])
            if existing:
                keep = []
                for row, line, raw in zip(chunk, lines, raws):
                    old = existing.get(row[0])
                    if old is None:
                        keep.append((row, line, raw))
                    elif old == row[_CONTENT]:
                        self.result.unchanged += 1
                    else:
                        self.problems.add(line, "uuid", _difference(row[0], old, row[_CONTENT], "in the database"),
                                          raw)
                if not keep:
                    return
                chunk, lines, raws = map(list, zip(*keep))
        added = record_loading.insert(conn, chunk)
        self.result.added += added
        if added < len(chunk):
            self._skipped_rows(chunk, lines, raws, added)
        if self.bulk.uuid_dropped:  # every row went in: its id says which line it came from
            self.inserted_lines.extend(lines)
        self.bulk.inserted()

    def _skipped_rows(self, chunk: list[tuple], lines: Sequence[int], raws: list[list[str]], added: int) -> None:
        """Sort out the rows of a chunk that were not inserted: same UUID earlier in this file.

        Rowids are handed out in order, so the chunk's last ``added`` rows by
        id are the ones it inserted; a row not among them in sequence was skipped.
        """
        inserted = iter(record_loading.newest_uuids(self.conn, added))
        expected = next(inserted, None)
        for row, line, raw in zip(chunk, lines, raws):
            if row[0] == expected:
                expected = next(inserted, None)
                continue
            old = record_loading.content_of(self.conn, row[0])
            if old is not None and old == row[_CONTENT]:
                self.result.unchanged += 1
            else:
                self.problems.add(line, "uuid", _difference(row[0], old or (), row[_CONTENT], "earlier in this file"),
                                  raw)

    def settle_duplicates(self, delete: bool) -> None:
        """Sort out rows whose UUID came earlier in the file, when the UUID index was built last.

        A big import into an empty table inserts every row and builds the UUID
        index at the end (see bulk_load); if that finds a UUID twice, the
        later rows are compared with the first: the same content counts as
        already present and is taken out again (``delete``), different
        content is reported with the row's line, as a row-by-row insert would.
        """
        if not self.bulk.uuid_dropped:
            return
        later: list[int] = []
        found = []
        for uuid, group in itertools.groupby(record_loading.repeated_uuids(self.conn), key=itemgetter(1)):
            first, *rest = group
            for row in rest:
                later.append(row[0])
                if row[2:] == first[2:]:
                    self.result.unchanged += 1
                else:
                    line = self.inserted_lines[row[0] - self.max_before - 1]
                    found.append((line, _difference(uuid, first[2:], row[2:], "earlier in this file")))
        for line, reason in sorted(found):
            self.problems.add(line, "uuid", reason, None)
        if found or not delete:
            if delete:
                raise ImportFailed(self.path, sorted(self.problems.found, key=attrgetter("line")),
                                   self.problems.bad_rows)
            return
        record_loading.take_out(self.conn, later, self.result.op_id)
        self.result.added -= len(later)


def _difference(uuid: str, old: tuple, new: tuple, where: str) -> str:
    for name, a, b in zip(IMPORTED_CONTENT, old, new):
        if a != b:
            return (f"a record with uuid {uuid} exists {where} with different content "
                    f"({name}: {str(a)[:40]!r} there, {str(b)[:40]!r} here); nothing is overwritten")
    return f"a record with uuid {uuid} exists {where} with different content"


__all__ = ["MAX_WAITING", "RecordWriter"]
