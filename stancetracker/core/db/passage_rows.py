"""The rows behind coded passages and source texts: passages, a source's text and pages, the full-text search.

Writes run inside the caller's operation and add their history rows through
the store, so the audit rules hold (core/db/audit.py).
"""

from __future__ import annotations

import json

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store

# (id, source slug, start, end, quote, prefix, suffix, page, lost, live records) per passage.
_PASSAGE_COLUMNS = ("p.id, s.slug, p.start, p.\"end\", p.quote, p.prefix, p.suffix, p.page, p.lost, "
                    "(SELECT count(*) FROM records r WHERE r.passage_id = p.id AND r.deleted = 0)")


def passage_rows(store: Store, source: str, lost: bool | None) -> list[tuple]:
    """A source's passage rows in text order: anchored ones (False), lost ones (True) or all (None)."""
    cond = {False: "AND p.lost = ''", True: "AND p.lost <> ''", None: ""}[lost]
    return store.conn.execute(
        f"SELECT {_PASSAGE_COLUMNS} FROM passages p JOIN sources s ON s.id = p.source_id "
        f"WHERE s.slug = ? {cond} ORDER BY p.start, p.\"end\", p.id", [source]).fetchall()


def visible_passage_records(store: Store, source: str, flt: RecordFilter) -> dict[int, list[str]]:
    """passage id -> UUIDs of its records that the filter shows (whose records may be seen: view, blindness)."""
    where, params = store.filter_sql(flt)
    out: dict[int, list[str]] = {}
    for pid, uuid in store.conn.execute(
            "SELECT r.passage_id, r.uuid FROM records r WHERE r.passage_id IN (SELECT p.id FROM passages p "
            f"JOIN sources s ON s.id = p.source_id WHERE s.slug = ?) AND {where} ORDER BY r.id", [source, *params]):
        out.setdefault(pid, []).append(uuid)
    return out


def passage_row(store: Store, passage_id: int) -> tuple | None:
    """One passage's row, or None."""
    return store.conn.execute(
        f"SELECT {_PASSAGE_COLUMNS} FROM passages p JOIN sources s ON s.id = p.source_id WHERE p.id = ?",
        [passage_id]).fetchone()


def passage_record_uuids(store: Store, passage_id: int) -> list[str]:
    """UUIDs of the live records coded from a passage, oldest first."""
    return [r[0] for r in store.conn.execute(
        "SELECT uuid FROM records WHERE passage_id = ? AND deleted = 0 ORDER BY id", [passage_id])]


def record_passage_id(store: Store, uuid: str) -> tuple[int | None] | None:
    """(passage id or None) of a record, or None when there is no such record."""
    row = store.conn.execute("SELECT passage_id FROM records WHERE uuid = ?", [uuid]).fetchone()
    return None if row is None else (row[0],)


def source_text_row(store: Store, source: str) -> tuple[int, str, str] | None:
    """(row id, text, pages as stored) of a source, or None."""
    return store.conn.execute("SELECT id, text, pages FROM sources WHERE slug = ?", [source]).fetchone()


def anchored_passage_id(store: Store, source_id: int, start: int, end: int) -> int | None:
    """The id of the anchored (not lost) passage at exactly these offsets, if there is one."""
    row = store.conn.execute("SELECT id FROM passages WHERE source_id = ? AND start = ? AND \"end\" = ? "
                             "AND lost = ''", [source_id, start, end]).fetchone()
    return row[0] if row else None


def add_passage(store: Store, source_id: int, source: str, start: int, end: int, quote: str, prefix: str,
                suffix: str, page: int | None, now: str, codes: list[str] | None = None) -> int:
    """Add a passage inside the operation under way, with its history row; returns its id.

    ``codes`` (the code names a REFI-QDA project gave the selection) are kept in that history row,
    since the passages table has no column for them.
    """
    cur = store.conn.execute(
        "INSERT INTO passages (source_id, start, \"end\", quote, prefix, suffix, page, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [source_id, start, end, quote, prefix, suffix, page, now])
    state = {"source": source, "start": start, "end": end, "quote": quote}
    if codes is not None:
        state["codes"] = codes
    store.log("passage", cur.lastrowid, "create", None, state)
    return cur.lastrowid


def link_record(store: Store, record_id: int, passage_id: int) -> None:
    """Point a record (just added in the same operation, whose history holds it) at its passage."""
    store.conn.execute("UPDATE records SET passage_id = ? WHERE id = ?", [passage_id, record_id])


def passage_codes(store: Store, passage_id: int) -> list[str]:
    """The code names an imported passage came with (kept in its history row), oldest first."""
    row = store.conn.execute("SELECT json_extract(after, '$.codes') FROM history WHERE entity = 'passage' "
                             "AND entity_id = ? AND action = 'create' ORDER BY id LIMIT 1", [passage_id]).fetchone()
    if not row or not row[0]:
        return []
    try:
        codes = json.loads(row[0])
    except ValueError:
        return []
    return [str(c) for c in codes] if isinstance(codes, list) else []


def imported_codes(store: Store, source: str) -> dict[int, list[str]]:
    """Passage id -> the code names it was imported with (maybe none), for a source's imported passages."""
    found: dict[int, list[str]] = {}
    for pid, codes in store.conn.execute(
            "SELECT p.id, json_extract(h.after, '$.codes') FROM passages p JOIN sources s ON s.id = p.source_id "
            "JOIN history h ON h.entity = 'passage' AND h.entity_id = p.id AND h.action = 'create' "
            "WHERE s.slug = ? AND json_extract(h.after, '$.codes') IS NOT NULL", [source]):
        try:
            names = json.loads(codes)
        except ValueError:
            continue
        if isinstance(names, list):
            found[pid] = [str(n) for n in names]
    return found


def move_passage(store: Store, passage_id: int, old: dict, start: int, end: int, prefix: str, suffix: str,
                 page: int | None, lost: str) -> None:
    """Re-anchor a passage (or mark it lost) inside the operation under way, with its history row."""
    store.conn.execute("UPDATE passages SET start = ?, \"end\" = ?, prefix = ?, suffix = ?, page = ?, lost = ? "
                       "WHERE id = ?", [start, end, prefix, suffix, page, lost, passage_id])
    store.log("passage", passage_id, "edit", old, {"start": start, "end": end, "lost": lost})


def set_document_info(store: Store, slug: str, pages: str, fmt: str | None, file_name: str | None) -> None:
    """Store how a source's text was read; a format or file name of None keeps the one stored."""
    store.conn.execute("UPDATE sources SET pages = ?, format = coalesce(?, format), "
                       "file_name = coalesce(?, file_name) WHERE slug = ?", [pages, fmt, file_name, slug])


def document_info(store: Store, source_id: int) -> tuple[str, str, str]:
    """(format, file name, pages as stored) of a source."""
    return store.conn.execute("SELECT format, file_name, pages FROM sources WHERE id = ?", [source_id]).fetchone()


def document_list(store: Store) -> list[tuple[str, str, int]]:
    """(slug, title, characters) of every source that has text, by title."""
    return store.conn.execute("SELECT slug, title, length(text) FROM sources WHERE text <> '' "
                              "ORDER BY title COLLATE NOCASE").fetchall()


def search_sources(store: Store, match: str, limit: int, snippet_limit: int) -> list[tuple]:
    """(id, slug, title, snippet) of the sources the full-text query ``match`` finds, best first.

    The snippet is None for a text longer than ``snippet_limit``: FTS5's
    snippet() re-reads the whole text, seconds on a book-length source.
    """
    return store.conn.execute(
        "SELECT s.id, s.slug, s.title, CASE WHEN length(s.text) <= ? THEN "
        "snippet(sources_fts, 1, '«', '»', '…', 14) END FROM sources_fts "
        "JOIN sources s ON s.id = sources_fts.rowid WHERE sources_fts MATCH ? ORDER BY rank LIMIT ?",
        [snippet_limit, match, limit]).fetchall()


def text_of(store: Store, source_id: int) -> str:
    """The stored text of a source, by row id."""
    return store.conn.execute("SELECT text FROM sources WHERE id = ?", [source_id]).fetchone()[0]


__all__ = ["add_passage", "anchored_passage_id", "document_info", "document_list", "imported_codes", "link_record",
           "move_passage", "passage_codes", "passage_record_uuids", "passage_row", "passage_rows", "record_passage_id",
           "search_sources", "set_document_info", "source_text_row", "text_of"]
