"""Exporting stance records to the documented CSV layout (docs/formats.md)."""

from __future__ import annotations

import codecs
import csv
import io
from decimal import Decimal
from operator import itemgetter
from pathlib import Path

from stancetracker.core.db import record_export
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.connection import Connection
from stancetracker.core.db.record_export import SCORE_MARK, export_sql
from stancetracker.core.files import outputs
from stancetracker.core.model.progress import Progress, tick
from stancetracker.core.exchange.csv_reader import UNGUARDED_MARK
from stancetracker.core.model.fields import CSV_COLUMNS as EXPORT_COLUMNS
from stancetracker.core.db.store import Store

def export_records(store: Store, path: Path | str, flt: RecordFilter | None = None, *,
                   excel: bool = False, guard_formulas: bool = True,
                   progress: Progress | None = None, option: str = "--output") -> int:
    """Write the records matching ``flt`` to ``path``; returns how many were written.

    ``excel`` adds a UTF-8 byte-order mark so Excel reads the file as UTF-8.
    ``path`` follows the rule of core/outputs.py (``-`` is standard output; a
    file is written beside its target and renamed into place, so a failed
    export never leaves half a file under the chosen name).

    The bytes are exactly those csv.writer writes for the rows of
    export_sql(): SQLite builds the line of each ordinary record (see
    record_export.lines_sql), Python puts in the scores SQLite cannot write as it does,
    and csv.writer writes the few records SQLite cannot write at all.
    """
    query = record_export.LinesQuery(store, flt, guard_formulas)
    n = 0
    with outputs.open_output(path, mode="wb", protect=outputs.database_files(store.path), option=option) as fh, \
            record_export.one_snapshot(store.conn):
        if excel:
            fh.write(codecs.BOM_UTF8)
        fh.write(header_line(guard_formulas))
        cur = query.cursor()
        try:
            while True:
                rows = cur.fetchmany(10_000)
                if not rows:
                    break
                fh.write(_batch_bytes(store.conn, rows, guard_formulas))
                n += len(rows)
                tick(progress, n, 0, f"{path}: export cancelled; nothing was written")
        finally:
            cur.close()
    return n


def _batch_bytes(conn: Connection, rows: list[tuple], guard: bool) -> bytes:
    """A batch of record_export.lines_sql rows as the file's bytes, each line ended by CRLF as csv.writer ends them.

    Each row holds SQLite's line (bytes) and the score where SQLite left it
    to Python, or the id of a record SQLite could not write, which
    csv.writer writes.
    """
    lines = [*map(itemgetter(0), rows), b""]  # b"": the last line ends with CRLF too, with no copy
    scores = list(map(itemgetter(1), rows))
    if scores.count(None) < len(scores):
        lines = _with_scores(lines, scores)
    try:
        text = b"\r\n".join(lines)
    except TypeError:  # some record ids among the lines
        text = b"\r\n".join(_written_by_python(conn, lines, guard))
    record_export.check_utf8(text)
    return text


def header_line(guard: bool) -> bytes:
    """The header line; without the guard its first cell is quoted, the mark import reads such a file by.

    Every CSV reader reads ``"uuid"`` as ``uuid``; import sees the quotes
    and takes the file's cells exactly as they are (see CsvReader.unguarded).
    """
    line = _csv_line(EXPORT_COLUMNS).encode("utf-8")
    return line if guard else UNGUARDED_MARK + line[len(b"uuid,"):]


def score_text(score: float) -> str:
    """A score as the export writes it: repr()'s shortest exact digits, always as a plain decimal.

    Import reads scores only as plain decimals (no exponent), so a score
    such as 1e-05 is written 0.00001; the value read back is the same float.
    """
    text = repr(score)
    return format(Decimal(text), "f") if "e" in text else text


def _with_scores(lines: list, scores: list) -> list:
    """``lines`` with each score SQLite could not write put in its SCORE_MARK, written by score_text().

    A mark that is not the score's (the byte is in no UTF-8 text) is left for
    the UTF-8 check to refuse, so such text still fails the export.
    """
    return [line.replace(SCORE_MARK, score_text(score).encode(), 1) if score is not None and isinstance(line, bytes)
            else line for line, score in zip(lines, scores)] + lines[len(scores):]


def _written_by_python(conn: Connection, lines: list, guard: bool) -> list[bytes]:
    """``lines`` with each record id replaced by that record's line as csv.writer writes it."""
    ids = [x for x in lines if isinstance(x, int)]
    rows = record_export.rows_by_id(conn, ids, guard)
    at = 1 + EXPORT_COLUMNS.index("score")
    written = {row[0]: _csv_line((*row[1:at], _score_cell(row[at]), *row[at + 1:]))[:-2].encode("utf-8")
               for row in rows}
    return [written[x] if isinstance(x, int) else x for x in lines]


def _score_cell(value: object) -> object:
    """A score cell of export_sql for csv.writer: a float as score_text writes it, anything else as it is."""
    return score_text(value) if isinstance(value, float) else value


def _csv_line(values) -> str:
    """``values`` as csv.writer writes them, CRLF included."""
    buf = io.StringIO(newline="")
    csv.writer(buf).writerow(values)
    return buf.getvalue()


__all__ = ["export_records", "export_sql", "header_line", "score_text"]
