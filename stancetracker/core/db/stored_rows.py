"""Reading the rows of a database file made elsewhere, as plain dicts, without trusting their size.

``check`` and merge read actors, dimensions, sources and events through
these; a source text far past the limit is measured (by SQLite's blob
handle, which reads no content) and never loaded.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.entities import MAX_TEXT
from stancetracker.core.model.stored_values import stored_date

DIMENSION_COLUMNS = ("slug", "label", "question", "neg_label", "pos_label", "neg_pole", "pos_pole", "codebook",
                     "position")
ACTOR_COLUMNS = ("slug", "name", "kind", "colour", "description")
SOURCE_COLUMNS = ("slug", "title", "publisher", "author", "url", "published", "published_precision", "kind",
                  "language")
EVENT_COLUMNS = ("slug", "date", "date_precision", "label", "description")


def optional_date(value: object, precision: object) -> PartialDate | None:
    """A stored optional date as a PartialDate; None when empty or when it is no date (check lists those)."""
    if value is None or value == "":
        return None
    try:
        return stored_date(value, precision)
    except ValueError:
        return None


# No column read here has a limit above this; a longer value is measured by
# SQLite and left out (``_lengths``), so a hostile file cannot fill memory.
CAP = 1_000_000


def _select(conn: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> Iterator[dict]:
    cols = ", ".join(f'CASE WHEN length("{c}") <= {CAP} THEN "{c}" END, length("{c}")' for c in columns)
    for row in conn.execute(f"SELECT id, {cols} FROM {table} ORDER BY id"):
        out: dict = {"id": row[0]}
        for k, column in enumerate(columns):
            value, length = row[1 + 2 * k], row[2 + 2 * k]
            out[column] = value
            if value is None and length is not None:
                out.setdefault("_lengths", {})[column] = length
        yield out


def read_dimensions(conn: sqlite3.Connection) -> list[dict]:
    return list(_select(conn, "dimensions", DIMENSION_COLUMNS))


def read_actors(conn: sqlite3.Connection) -> list[dict]:
    """Actors with their ``aliases`` as a list."""
    aliases: dict[int, list] = {}
    too_long: dict[int, int] = {}
    for actor_id, alias, length in conn.execute(f"SELECT actor_id, CASE WHEN length(alias) <= {CAP} THEN alias END,"
                                                " length(alias) FROM actor_aliases ORDER BY id"):
        if alias is None and length is not None:
            too_long[actor_id] = max(length, too_long.get(actor_id, 0))
        else:
            aliases.setdefault(actor_id, []).append(alias)
    rows = []
    for row in _select(conn, "actors", ACTOR_COLUMNS):
        row["aliases"] = aliases.get(row["id"], [])
        if row["id"] in too_long:
            row.setdefault("_lengths", {})["aliases"] = too_long[row["id"]]
        rows.append(row)
    return rows


def read_events(conn: sqlite3.Connection) -> list[dict]:
    return list(_select(conn, "events", EVENT_COLUMNS))


def text_bytes(conn: sqlite3.Connection, table: str, column: str, rowid: int) -> int:
    """How many bytes a stored text or blob holds, read from its header only (0 for NULL or a number)."""
    try:
        with conn.blobopen(table, column, rowid, readonly=True) as blob:
            return len(blob)
    except sqlite3.OperationalError:
        return 0  # NULL or a number: not long


def read_sources(conn: sqlite3.Connection, *, text: bool = True) -> list[dict]:
    """Sources; with ``text``, each with its text, or only ``text_bytes`` when it is far too long to load."""
    rows = list(_select(conn, "sources", SOURCE_COLUMNS))
    if text:
        for row in rows:
            row.update(read_source_text(conn, row["id"]))
    return rows


def read_source_text(conn: sqlite3.Connection, source_id: int) -> dict:
    """``{"text_bytes": n, "text": …}``; the text is left out when it is far too long to load."""
    size = text_bytes(conn, "sources", "text", source_id)
    row: dict = {"text_bytes": size}
    if size <= 4 * MAX_TEXT:  # a UTF-8 character takes at most 4 bytes
        row["text"] = conn.execute("SELECT text FROM sources WHERE id = ?", [source_id]).fetchone()[0]
    return row


__all__ = ["optional_date", "read_actors", "read_dimensions", "read_events", "read_source_text", "read_sources", "text_bytes"]
