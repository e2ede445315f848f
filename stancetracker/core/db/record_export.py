"""The SQL of the CSV export: each record's cells, or its whole CSV line, built by SQLite.

core/exchange/csv_export.py writes the file; this module holds the queries
it reads the records with (see "lines built by SQLite" below).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from stancetracker.core.db.query import RECORD_FROM, RecordFilter, order_clause
from stancetracker.core.db.store import Store
from stancetracker.core.model.fields import CSV_COLUMNS as EXPORT_COLUMNS

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


def _stamp(expr: str) -> str:
    """SQL writing a stored timestamp in the one shape programs read (dates.timestamp_out): UTC, six decimals.

    SQLite's strftime converts an offset to UTC but keeps three decimals, so the
    fraction is taken from the text itself (the digits after the point, cut or
    padded to six). Text SQLite reads as no time (edited elsewhere) is written as it is.
    """
    # The shape utc_now() stores is already the one written (most timestamps): a few cheap tests find it.
    # Text of that shape holding other characters than digits is written as it is, as it would be anyway.
    stored_shape = (f"length({expr}) = 27 AND substr({expr}, 11, 1) = 'T' AND substr({expr}, 20, 1) = '.' "
                    f"AND substr({expr}, 27) = 'Z'")
    rest = f"substr({expr}, instr({expr}, '.') + 1)"
    digits = (f"CASE WHEN instr({expr}, '.') THEN substr({rest}, 1, length({rest}) - length(ltrim({rest}, "
              f"'0123456789'))) ELSE '' END")
    return (f"CASE WHEN {stored_shape} THEN {expr} ELSE coalesce(strftime('%Y-%m-%dT%H:%M:%S', {expr})"
            f" || '.' || substr({digits} || '000000', 1, 6) || 'Z', {expr}) END")


# The stored columns behind the timestamp cells: whether a line needs quoting, or is one SQLite
# can write, is read from them (rewritten, they hold no more quotes, commas or NULs than stored),
# so the rewriting runs once per cell.
_STORED = {"created_at": "r.created_at", "updated_at": "r.updated_at"}


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
          "created_at": _stamp("r.created_at"), "updated_at": _stamp("r.updated_at"), "version": "r.version"}


def export_sql(guard: bool = True) -> str:
    """The SELECT list that yields one CSV row per record, in EXPORT_COLUMNS order."""
    cols = []
    for name in EXPORT_COLUMNS:
        if name in _TEXT:
            cols.append(_guard(_TEXT[name]) if guard else _TEXT[name])
        else:
            cols.append(_PLAIN[name])
    return ", ".join(cols)


def _cell_value(name: str, guard: bool) -> str:
    """SQL for the value export_sql gives column ``name`` (csv.writer writes it as a cell)."""
    if name in _TEXT:
        return _guard(_TEXT[name]) if guard else _TEXT[name]
    return _PLAIN[name]


@contextmanager
def one_snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """Read inside one transaction, so records re-read for csv.writer are as the main query saw them.

    A single SELECT reads one snapshot, but Python's sqlite3 resets it, and
    so ends the snapshot, as soon as its last row is fetched: before the last
    batch's odd records are looked up again.
    """
    if conn.in_transaction:  # the caller's transaction already holds one
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")  # nothing was written: this only ends the read


# ---------------------------------------------------------------- lines built by SQLite
#
# Fetching 19 cells per record into Python and formatting them there made
# the export about 1.6x as slow as `sqlite3 -csv`. Instead SQLite writes the
# CSV line of each ordinary record and Python fetches one bytes object per
# record. "Ordinary" is checked per record, cheaply:
#
# - the cells of actors, dimensions and sources are quoted once per row of
#   those small tables (the WITH tables below), not once per record;
# - the record's own text cells are text (not NULL or a blob), and
#   json_array() of them escapes nothing, so they hold no quote, backslash,
#   CR, LF, NUL or other control character; then a cell needs quotes only
#   if it holds a comma;
# - its score and version are numbers; SQLite writes the version and the
#   usual scores, Python the others (see SCORE_TEXT).
#
# A record with quotes or line breaks in its text gets a line quoted cell by
# cell in full. Anything else (NUL characters, blobs, NULLs, text for numbers: only
# possible in a database other tools have edited) comes back as the record's
# id and is written by csv.writer from the rows of export_sql.

# Each column's cell in a line: from the record itself, or precomputed per actor, dimension or source.
_RECORD_TEXT = ("uuid", "date", "date_precision", "confidence", "locator", "evidence", "coder",
                "created_at", "updated_at")
_PER_ROW = {"ac": ("actor", "actor_slug"), "dc": ("dimension", "dimension_slug"),
            "sc": ("source_title", "source_url", "source_published")}
assert set(EXPORT_COLUMNS) == {*_RECORD_TEXT, *(c for cols in _PER_ROW.values() for c in cols),
                               "score", "score_label", "version"}
# Each small table's cells are side by side, so they are joined once per row of it
# (a line is faster to build from fewer, longer pieces).
assert all(EXPORT_COLUMNS[EXPORT_COLUMNS.index(cols[0]):][:len(cols)] == cols for cols in _PER_ROW.values())

# MATERIALIZED (SQLite 3.35+) keeps the small tables' cells computed once.
_MATERIALIZED = "MATERIALIZED" if sqlite3.sqlite_version_info >= (3, 35, 0) else ""


def lines_sql(guard: bool, where: str, sqlite_writes: bool = True) -> str:
    """The export's SELECT giving per record its CSV line as UTF-8 bytes (no line end) or its id,
    and the score where the line holds SCORE_MARK in its place.

    Rows, order and cells are those of export_sql() over RECORD_FROM: the
    same inner joins to actors and dimensions and outer join to sources,
    here to their WITH tables; ``where`` (from Store.filter_sql) uses only ``r``.
    Without ``sqlite_writes`` every record comes back as its id.
    """
    record_text = [_STORED.get(c) or _PLAIN.get(c) or _TEXT[c] for c in _RECORD_TEXT]
    ordinary = " AND ".join([
        f"max({', '.join(record_text)}) < X''",  # no blob (blobs sort after all text) and no NULL
        "ac.ok", "dc.ok", "sc.ok IS NOT 0",  # (a record without a source has empty source cells)
        "typeof(r.score) IN ('integer', 'real')", "typeof(r.version) = 'integer'"]) if sqlite_writes else "0"
    escaped = f"json_array({', '.join(record_text)})"  # an error for blobs, hence the nested CASE
    line = (f"CASE WHEN {escaped} NOT GLOB '*\\*' THEN CAST({_line(guard, _comma_quoted)} AS BLOB)"
            f" WHEN {escaped} NOT GLOB '*\\u0000*' THEN CAST({_line(guard, _csv_quoted)} AS BLOB)"
            " ELSE r.id END")
    return (f"{_small_tables_sql(guard)} SELECT CASE WHEN {ordinary} THEN {line} ELSE r.id END, "
            f"CASE WHEN NOT {SCORE_EXACT} THEN r.score END "
            "FROM records r CROSS JOIN ac ON ac.id = r.actor_id CROSS JOIN dc ON dc.id = r.dimension_id "
            f"LEFT JOIN sc ON sc.id = r.source_id WHERE {where} ORDER BY {order_clause('date')}")


def _line(guard: bool, quote: Callable[[str, str], str]) -> str:
    """SQL joining a record's cells with commas; ``quote`` quotes the record's own text cells."""
    cells = []
    for name in EXPORT_COLUMNS:
        if name in _RECORD_TEXT:
            cells.append(quote(_STORED.get(name) or _PLAIN.get(name) or _TEXT[name], _cell_value(name, guard)))
        elif name == "score":
            cells.append(SCORE_TEXT)
        elif name == "score_label":  # the dimension's label cell for the rounded score
            levels = " ".join(f"WHEN {level} THEN dc.label{level + 2}" for level in _LABELS)
            cells.append(f"CASE CAST(round(r.score) AS INTEGER) {levels} ELSE dc.label_else END")
        elif name == "version":
            cells.append("r.version")
        else:
            table, cols = next((t, cols) for t, cols in _PER_ROW.items() if name in cols)
            if name == cols[0]:
                # A record without a source has empty source cells, as coalesce() gives them.
                cells.append(f"{table}.cells" if table != "sc" else f"coalesce(sc.cells, '{',' * (len(cols) - 1)}')")
    return f"printf('{','.join(['%s'] * len(cells))}', {', '.join(cells)})"


def _small_tables_sql(guard: bool) -> str:
    """WITH tables holding each actor's, dimension's and source's cells, CSV-quoted, and whether they are ordinary."""
    def cells(names):
        return " || ',' || ".join(_csv_quoted(_cell_value(name, guard)) for name in names) + " AS cells"

    def label(expr):
        return _csv_quoted(_guard(expr) if guard else expr)

    labels = ", ".join([*(f"{label(expr)} AS label{level + 2}" for level, expr in _LABELS.items()),
                        f"{label(_LABEL_ELSE)} AS label_else"])
    pub = _PLAIN["source_published"]
    return (f"WITH ac AS {_MATERIALIZED} (SELECT a.id, {cells(_PER_ROW['ac'])}, "
            f"{_plain_text('a.name', 'a.slug')} AS ok FROM actors a), "
            f"dc AS {_MATERIALIZED} (SELECT d.id, {cells(_PER_ROW['dc'])}, {labels}, "
            f"{_plain_text('d.label', 'd.slug', 'd.neg_label', 'd.pos_label')} AS ok FROM dimensions d), "
            f"sc AS {_MATERIALIZED} (SELECT s.id, {cells(_PER_ROW['sc'])}, "
            f"{_plain_text(_TEXT['source_title'], _TEXT['source_url'], pub)} AS ok FROM sources s)")


def _plain_text(*exprs: str) -> str:
    """SQL true when every value is text without a NUL (which would cut SQLite's printf short)."""
    return " AND ".join(f"(typeof({e}) = 'text' AND instr({e}, char(0)) = 0)" for e in exprs)


def _csv_quoted(text: str, cell: str | None = None) -> str:
    """SQL for ``cell`` as csv.writer writes it: in double quotes, its own doubled, if it holds , " CR or LF.

    ``cell`` is ``text`` or ``text`` with the formula guard's apostrophe, which
    changes nothing about quoting, so the plain ``text`` is looked at.
    """
    cell = cell or text
    return (f"CASE WHEN instr({text}, ',') OR instr({text}, '\"') OR instr({text}, char(13))"
            f" OR instr({text}, char(10)) THEN '\"' || replace({cell}, '\"', '\"\"') || '\"' ELSE {cell} END")


def _comma_quoted(text: str, cell: str) -> str:
    """Like _csv_quoted, for text known to hold no quote, CR or LF: quoted if it holds a comma."""
    return f"CASE WHEN {text} GLOB '*,*' THEN '\"' || {cell} || '\"' ELSE {cell} END"


# Scores SQLite writes exactly as Python does: whole numbers, which _SCORE
# makes integers, and multiples of 1/1024 from -2 to 2 (halves, quarters...).
# Their decimal expansion has at most 11 digits, so it is also Python's
# repr(); it is built from integers because SQLite turns a float into text
# with 15 significant digits, not repr()'s shortest exact form. Any other
# score (0.3, 1/3 ...) is written as SCORE_MARK, for Python to replace.
_SCORE_WHOLE = "r.score = CAST(r.score AS INTEGER)"
_SCORE_1024 = "CAST(r.score * 1024 AS INTEGER)"
_SCORE_FRACTION = f"r.score BETWEEN -2 AND 2 AND r.score * 1024 = {_SCORE_1024}"
SCORE_EXACT = f"({_SCORE_WHOLE} OR ({_SCORE_FRACTION}))"
SCORE_MARK = b"\xff"  # a byte UTF-8 text never holds
SCORE_TEXT = (f"CASE WHEN {_SCORE_WHOLE} THEN CAST(r.score AS INTEGER) "
               f"WHEN {_SCORE_FRACTION} THEN printf('%s%d.%s', CASE WHEN r.score < 0 THEN '-' ELSE '' END, "
               f"abs({_SCORE_1024}) / 1024, rtrim(printf('%010d', abs({_SCORE_1024}) % 1024 * 9765625), '0')) "
               f"ELSE CAST(X'{SCORE_MARK.hex()}' AS TEXT) END")


class LinesQuery:
    """The export's query for the records a filter selects: per record its line, or its id (see lines_sql)."""

    def __init__(self, store: Store, flt: RecordFilter | None, guard: bool):
        where, self.params = store.filter_sql(flt or RecordFilter())
        # SQLite's lines are the database's own bytes, which only a UTF-8 database can give the file as they are.
        utf8 = store.conn.execute("PRAGMA encoding").fetchone()[0] == "UTF-8"
        self.conn = store.conn
        self.sql = lines_sql(guard, where, sqlite_writes=utf8)

    def cursor(self) -> sqlite3.Cursor:
        return self.conn.execute(self.sql, self.params)


def check_utf8(text: bytes) -> None:
    """Fail as a row-by-row export would on text that is not UTF-8.

    Python's sqlite3 refuses such text when it reads it; SQLite's lines are
    bytes, so they are checked here.
    """
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as err:
        raise sqlite3.OperationalError(f"Could not decode to UTF-8: an exported record holds text that is "
                                       f"not UTF-8 ({err.reason} at {text[err.start:err.start + 40]!r})") from None


def rows_by_id(conn: sqlite3.Connection, ids: list[int], guard: bool) -> Iterator[tuple]:
    """(id, *cells of export_sql) of the given records, for csv.writer to write."""
    return conn.execute(f"SELECT r.id, {export_sql(guard)} FROM {RECORD_FROM} "
                        "WHERE r.id IN (SELECT value FROM json_each(?))", [json.dumps(ids)])


__all__ = ["LinesQuery", "check_utf8", "SCORE_EXACT", "SCORE_MARK", "SCORE_TEXT", "export_sql", "lines_sql", "one_snapshot",
           "rows_by_id"]
