"""Importing stance records from CSV: our own layout, or a foreign one through a mapping.

An import is atomic: every row goes in, or none does and the caller gets
every bad row's line, column and reason. Re-importing a file adds nothing:
records are matched by UUID, and rows without one get a UUID derived from
their content.

This module runs an import; record_rows.py validates its rows (each
field's rule, column by column or row by row), record_writes.py puts them
in, through core/db/record_loading.py and bulk_load.py.
"""

from __future__ import annotations

import contextlib
import csv
import gc
from collections.abc import Iterator
from operator import attrgetter
from pathlib import Path

from stancetracker.core.db import bulk_load, record_loading
from stancetracker.core.db.bulk_load import BulkLoad
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.csv_reader import CsvReader
from stancetracker.core.exchange.record_options import (
    FOREIGN_FIELDS,
    MAX_SCALE_END,
    ImportOptions,
    ImportResult,
    check_scale,
    parse_mapping,
    parse_scale,
)
from stancetracker.core.exchange.record_rows import Problems, RowBuilder
from stancetracker.core.exchange.record_writes import RecordWriter
from stancetracker.core.files import outputs
from stancetracker.core.model.dates import utc_now
from stancetracker.core.model.errors import ImportFailed, RowProblem
from stancetracker.core.model.progress import Progress, tick

CHUNK = 5000
# Unknown actor names offered suggestions in the failure message (a file may name thousands).
MAX_SUGGESTED = 50


class RecordImport:
    """One import of one file: reads it in chunks, validates them (RowBuilder) and inserts them (RecordWriter)."""

    def __init__(self, store: Store, path: Path, opts: ImportOptions):
        self.store, self.path, self.opts = store, path, opts
        self.result = ImportResult(str(path))
        self.problems = Problems(self.result, opts.skip_invalid)
        self.rows = RowBuilder(store, path, opts, self.result, self.problems, utc_now())

    def run(self, progress: Progress | None) -> ImportResult:
        if not self.opts.skip_invalid:
            return self._run(progress, None)
        rejects, protect = _rejects_output(self.store.path, self.path, self.opts)
        # Put in place only once the records are committed; discarded if the import fails.
        with outputs.open_output(rejects, protect=protect, option="--rejects") as rejects_file:
            self.result.rejects_path = str(rejects)
            return self._run(progress, rejects_file)

    def _run(self, progress: Progress | None, rejects_file) -> ImportResult:
        reader = CsvReader(self.path, self.opts.encoding, delimiter=self.opts.delimiter)
        chunks = reader.chunks(CHUNK)
        store, rows, problems = self.store, self.rows, self.problems
        conn = store.conn
        size = self.path.stat().st_size if self.path.is_file() else 0
        with store.operation("import", f"import {self.path.name}", {"file": str(self.path)},
                             check_references=size < bulk_load.BIG_FILE) as op_id:
            rows.load_lookups()
            self.result.op_id = op_id
            max_before = record_loading.newest_id(conn)
            fresh = max_before == 0
            rows.bulk = bulk = BulkLoad(conn, size, max_before, op_id, fresh=fresh and not self.opts.skip_invalid,
                                        fault=store.fault)
            writer = RecordWriter(conn, str(self.path), self.result, problems, bulk, fresh=fresh,
                                  skip_invalid=self.opts.skip_invalid, max_before=max_before)
            try:
                first = next(chunks, None)
                header = reader.header
                guard = self.opts.formula_guard
                rows.read_header(header, self.opts.mapping is None and (not reader.unguarded if guard is None
                                                                         else guard), reader.delimiter or ",")
                if rejects_file is not None:
                    problems.rejects_writer = csv.writer(rejects_file)
                    problems.rejects_writer.writerow(["line", *header, "reason"])
                if first is None:
                    raise ImportFailed(str(self.path), [RowProblem(2, "", "the file has a header but no records")])
                for lines, chunk in _chain(first, chunks):
                    built = rows.build_chunk(lines, chunk)
                    if built is None:  # some row has a problem: row by row, to name each one
                        built, lines, chunk = rows.build_rows(lines, chunk)
                    if built:
                        # Good rows go in even after a bad one, though the import will then
                        # fail: a UUID repeated further down is found only by inserting.
                        writer.insert_chunk(built, lines, chunk)
                    tick(progress, reader.bytes_read, reader.total_bytes,
                         f"{self.path}: import cancelled; nothing was imported")
                writer.flush()
                if problems.bad_rows and not self.opts.skip_invalid:
                    bulk.stop()
                    writer.settle_duplicates(delete=False)
                    self._fail()
                bulk.wait()
                if not bulk.unique_uuids():
                    writer.settle_duplicates(delete=True)
                bulk.finish()
                if progress:
                    progress(reader.total_bytes, reader.total_bytes)
            finally:
                bulk.stop()
            if not bulk.writes_history:
                record_loading.log_imported(conn, op_id, max_before)
            record_loading.set_summary(conn, op_id, f"import {self.path.name}: {self.result.summary()}")
        return self.result

    def _fail(self) -> None:
        """Refuse the file: every bad row, by line, the unknown actors named first."""
        found = sorted(self.problems.found, key=attrgetter("line"))
        unknown = self.rows.unknown_actors
        if unknown:
            names = sorted(unknown)
            hints = {n: self.rows.hint(n) for n in names[:MAX_SUGGESTED]}
            shown = ", ".join(f"{n} ({hints[n]})" if hints.get(n) else n for n in names)
            found = [RowProblem(*min(unknown.values()),
                                f"unknown actors: {shown} ({self.opts.say('create_actors', them='them')})")] + found
        raise ImportFailed(str(self.path), found, self.problems.bad_rows + bool(unknown))


def _chain(first, rest):
    yield first
    yield from rest


def import_records(store: Store, path: Path | str, options: ImportOptions | None = None,
                   progress: Progress | None = None) -> ImportResult:
    """Import a CSV of stance records; see the module docstring for the guarantees.

    ``progress(bytes_done, bytes_total)`` is called every few thousand rows;
    returning False cancels the import (progress.Cancelled; nothing is imported).
    """
    opts = options or ImportOptions()
    if opts.scale is not None:  # from any caller (the window's spin boxes too): finite, two different ends
        opts.scale = check_scale(opts.scale)
    if opts.dimension:
        store.dimension(opts.dimension)  # raises NotFound with the known slugs
        opts.dimension = store.dimension(opts.dimension).slug
    check_rejects(store.path, Path(path), opts)
    store.backup_before("import")  # issue 6: a verified backup before every import
    with _no_cyclic_gc():
        return RecordImport(store, Path(path), opts).run(progress)


def _rejects_output(db_path: Path | None, path: Path, opts: ImportOptions) -> tuple[Path | str, list[outputs.Guarded]]:
    """Where the rejected rows go, and what that file must not be (core/outputs.py)."""
    rejects = opts.rejects or path.with_name(path.stem + ".rejects.csv")
    return rejects, [*outputs.database_files(db_path), outputs.Guarded(path, "the file being imported")]


def check_rejects(db_path: Path | None, path: Path | str, opts: ImportOptions) -> None:
    """Refuse, before anything is read or written, a rejects file that must not be written."""
    if opts.skip_invalid:
        rejects, protect = _rejects_output(db_path, Path(path), opts)
        outputs.check_output(rejects, protect=protect, option="--rejects")


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cycle collector for the length of an import.

    An import makes millions of short-lived lists and tuples, none of them in
    a reference cycle, and the collector ran every few hundred of them: a
    third of the Python time of a million-row import. Reference counting
    still frees every row as soon as it is inserted.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


__all__ = ["CHUNK", "FOREIGN_FIELDS", "MAX_SCALE_END", "ImportOptions", "ImportResult", "RecordImport",
           "check_rejects", "check_scale", "import_records", "parse_mapping", "parse_scale"]
