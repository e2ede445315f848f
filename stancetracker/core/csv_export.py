"""Exporting stance records to the documented CSV layout (docs/formats.md)."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path

from .csv_common import EXPORT_COLUMNS
from .query import RECORD_FROM, RecordFilter, order_clause
from .store import Store


def _guard(expr: str) -> str:
    """SQL that prefixes an apostrophe to text a spreadsheet would run as a formula.

    Cells starting with = + - @ tab or CR are guarded, except plain numbers
    such as -1; a cell already starting with an apostrophe before one of those
    is guarded too, so import can undo the guard exactly.
    """
    first = f"substr({expr}, 1, 1)"
    return (
        f"CASE WHEN ({first} IN ('=', '+', '-', '@', char(9), char(13))"
        f" AND NOT ({expr} GLOB '[-+][0-9]*' AND {expr} NOT GLOB '[-+]*[^0-9.]*'"
        f" AND {expr} NOT GLOB '*.*.*'))"
        f" OR ({first} = '''' AND substr({expr}, 2, 1) IN ('=', '+', '-', '@', char(9), char(13), ''''))"
        f" THEN '''' || {expr} ELSE {expr} END"
    )


# Score labels by rounded score; any other rounded score (2, or one out of range) gets _LABEL_ELSE.
_LABELS = {-2: "'strongly ' || d.neg_label", -1: "d.neg_label", 0: "'neutral/mixed'", 1: "d.pos_label"}
_LABEL_ELSE = "'strongly ' || d.pos_label"
_LABEL = ("CASE CAST(round(r.score) AS INTEGER) "
          + " ".join(f"WHEN {level} THEN {label}" for level, label in _LABELS.items())
          + f" ELSE {_LABEL_ELSE} END")
_SCORE = "CASE WHEN r.score = CAST(r.score AS INTEGER) THEN CAST(r.score AS INTEGER) ELSE r.score END"
_TEXT = {"actor": "a.name", "dimension": "d.label", "score_label": _LABEL,
         "source_title": "coalesce(s.title, '')", "source_url": "coalesce(s.url, '')",
         "locator": "r.locator", "evidence": "r.evidence", "coder": "r.coder"}
_PLAIN = {"uuid": "r.uuid", "actor_slug": "a.slug", "dimension_slug": "d.slug", "date": "r.date",
          "date_precision": "r.date_precision", "score": _SCORE, "confidence": "r.confidence",
          "source_published": ("coalesce(CASE s.published_precision WHEN 'year' THEN substr(s.published, 1, 4)"
                               " WHEN 'month' THEN substr(s.published, 1, 7) ELSE s.published END, '')"),
          "created_at": "r.created_at", "updated_at": "r.updated_at", "version": "r.version"}


def export_sql(guard: bool = True) -> str:
    """The SELECT list that yields one CSV row per record, in EXPORT_COLUMNS order."""
    cols = []
    for name in EXPORT_COLUMNS:
        if name in _TEXT:
            cols.append(_guard(_TEXT[name]) if guard else _TEXT[name])
        else:
            cols.append(_PLAIN[name])
    return ", ".join(cols)


def export_records(store: Store, path: Path | str, flt: RecordFilter | None = None, *,
                   excel: bool = False, guard_formulas: bool = True,
                   progress: Callable[[int], bool | None] | None = None) -> int:
    """Write the records matching ``flt`` to ``path``; returns how many were written.

    ``excel`` adds a UTF-8 byte-order mark so Excel reads the file as UTF-8.
    The file is written beside its target and renamed into place, so a
    failed export never leaves half a file under the chosen name.
    """
    path = Path(path)
    where, params = store._where(flt or RecordFilter())
    sql = (f"SELECT {export_sql(guard_formulas)} FROM {RECORD_FROM} WHERE {where} "
           f"ORDER BY {order_clause('date')}")
    tmp = path.with_name(f".{path.name}.partial")
    n = 0
    try:
        with open(tmp, "w", newline="", encoding="utf-8-sig" if excel else "utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(EXPORT_COLUMNS)
            cur = store.conn.execute(sql, params)
            while True:
                rows = cur.fetchmany(10_000)
                if not rows:
                    break
                text = _csv_text(rows)
                if text is None:
                    writer.writerows(rows)
                else:
                    fh.write(text)
                n += len(rows)
                if progress and progress(n) is False:
                    raise KeyboardInterrupt
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


# What makes csv.writer (QUOTE_MINIMAL, "\r\n" line ends) quote a cell.
_SPECIAL = (",", '"', "\r", "\n")
_NUMBERS = frozenset(EXPORT_COLUMNS.index(c) for c in ("score", "version"))


def _csv_text(rows: list[tuple]) -> str | None:
    """The rows exactly as csv.writer writes them, or None to leave an unusual batch to csv.writer.

    csv.writer looks at each character of each cell through a function call,
    which was 40% of an export. Here each column of the batch is joined once
    and searched for the characters that need quoting; only the cells of a
    column that holds some are looked at one by one. Numbers are written as
    csv.writer writes them (str of an int, repr of a float, which is the
    same). A NULL or a blob anywhere, or text where a number belongs (only
    possible in a database other tools have edited), makes the batch unusual.
    """
    columns: list = list(zip(*rows))
    for i, column in enumerate(columns):
        if i in _NUMBERS:
            if not set(map(type, column)) <= {int, float}:
                return None
            columns[i] = column = list(map(str, column))
        try:
            joined = "\x00".join(column)
        except TypeError:
            return None
        if any(c in joined for c in _SPECIAL):
            columns[i] = [_quoted(cell) for cell in column]
    return "\r\n".join(map(",".join, zip(*columns))) + "\r\n"


def _quoted(cell: str) -> str:
    """A cell as csv.writer writes it: in double quotes, its own doubled, if it holds a _SPECIAL character."""
    if "," in cell or '"' in cell or "\r" in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell
