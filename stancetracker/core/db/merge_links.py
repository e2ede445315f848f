"""What a merge carries beside the records themselves: studies (with their units, coders and records) and the
passages records were coded from, so that units, and so agreement, survive merging coders' files.

Both are read from their file while the merge is planned (``their_links``) and
added inside the merge's operation (``add_links``), matched by slug and UUID.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from stancetracker.core.db import passage_rows
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import utc_now


@dataclass
class TheirLinks:
    """Their studies and their records' passages, as read from their file."""

    studies: list[dict] = field(default_factory=list)
    # record uuid -> (source slug, start, end, quote, prefix, suffix, page)
    passages: dict[str, tuple] = field(default_factory=dict)


def _has(conn: sqlite3.Connection, table: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone() is not None


def their_links(conn: sqlite3.Connection) -> TheirLinks:
    """Read another file's studies and passages (a file of ours, at our schema version)."""
    out = TheirLinks()
    if _has(conn, "studies"):
        for tid, slug, name, rule, created in conn.execute("SELECT id, slug, name, rule, created_at FROM studies"):
            out.studies.append({
                "slug": slug, "name": name, "rule": rule, "created_at": created,
                "units": [u for (u,) in conn.execute("SELECT unit FROM study_units WHERE study_id = ?", [tid])],
                "coders": conn.execute("SELECT coder, done_at FROM study_coders WHERE study_id = ?", [tid]).fetchall(),
                "records": [u for (u,) in conn.execute(
                    "SELECT r.uuid FROM study_records l JOIN records r ON r.id = l.record_id WHERE l.study_id = ?",
                    [tid])]})
    if _has(conn, "passages"):
        for row in conn.execute("SELECT r.uuid, s.slug, p.start, p.\"end\", p.quote, p.prefix, p.suffix, p.page "
                                "FROM records r JOIN passages p ON p.id = r.passage_id "
                                "JOIN sources s ON s.id = p.source_id"):
            out.passages[row[0]] = tuple(row[1:])
    return out


def add_links(store: Store, links: TheirLinks, uuids: list[str]) -> int:
    """Inside a merge: add their studies (joined by slug) and link the merged records ``uuids`` to their studies
    and passages, never replacing a link a record already has here; returns the record links added."""
    conn = store.conn
    added = 0
    merged = set(uuids)
    for st in links.studies:
        row = conn.execute("SELECT id FROM studies WHERE slug = ?", [st["slug"]]).fetchone()
        if row is None:
            sid = conn.execute("INSERT INTO studies (slug, name, rule, created_at) VALUES (?, ?, ?, ?)",
                               [st["slug"], st["name"], st["rule"], st["created_at"]]).lastrowid
            store.log("study", sid, "merge", None, {"slug": st["slug"], "name": st["name"]})
        else:
            sid = row[0]
        conn.executemany("INSERT OR IGNORE INTO study_units (study_id, unit) VALUES (?, ?)",
                         [(sid, u) for u in st["units"]])
        for coder, done in st["coders"]:
            conn.execute("INSERT OR IGNORE INTO study_coders (study_id, coder, done_at) VALUES (?, ?, ?)",
                         [sid, coder, done])
            if done is not None:  # done in their file: done here too
                conn.execute("UPDATE study_coders SET done_at = ? WHERE study_id = ? AND coder = ? "
                             "AND done_at IS NULL", [done, sid, coder])
        for uuid in st["records"]:
            added += conn.execute("INSERT OR IGNORE INTO study_records (record_id, study_id) "
                                  "SELECT id, ? FROM records WHERE uuid = ?", [sid, uuid]).rowcount
    now = utc_now()
    for uuid, (source, start, end, quote, prefix, suffix, page) in links.passages.items():
        if uuid not in merged:
            continue
        row = conn.execute("SELECT r.id, s.id FROM records r JOIN sources s ON s.slug = ? "
                           "WHERE r.uuid = ? AND r.passage_id IS NULL", [source, uuid]).fetchone()
        if row is None:
            continue
        if passage_rows.text_of(store, row[1])[start:end] != quote:
            continue  # our copy of the source's text differs: the offsets would point at other words
        pid = passage_rows.anchored_passage_id(store, row[1], start, end)
        if pid is None:
            pid = passage_rows.add_passage(store, row[1], source, start, end, quote, prefix, suffix, page, now)
        passage_rows.link_record(store, row[0], pid)
    return added


def pending(store: Store, links: TheirLinks) -> bool:
    """Whether adding ``links`` would change anything here (a merge of no new records may still bring study news)."""
    conn = store.conn
    for st in links.studies:
        row = conn.execute("SELECT id FROM studies WHERE slug = ?", [st["slug"]]).fetchone()
        if row is None:
            return True
        sid = row[0]
        have = {u for (u,) in conn.execute("SELECT unit FROM study_units WHERE study_id = ?", [sid])}
        if not set(st["units"]) <= have:
            return True
        coders = dict(conn.execute("SELECT coder, done_at FROM study_coders WHERE study_id = ?", [sid]).fetchall())
        if any(c not in coders or (done is not None and coders[c] is None) for c, done in st["coders"]):
            return True
        for uuid in st["records"]:
            if conn.execute("SELECT 1 FROM records r LEFT JOIN study_records l ON l.record_id = r.id "
                            "WHERE r.uuid = ? AND l.record_id IS NULL", [uuid]).fetchone():
                return True
    return False


__all__ = ["TheirLinks", "add_links", "pending", "their_links"]
