"""Consensus records and the records they settle (``consensus_links``), read and written inside operations.

A link is live while its consensus record is: reverting the adjudication puts
the consensus record in the trash, and the records it settled count as
unsettled again (core/db/query.py ``SETTLED_SQL``).
"""

from __future__ import annotations

from stancetracker.core.db.store import Store


def link(store: Store, consensus_id: int, record_ids: list[int], state: dict) -> None:
    """Tie a consensus record to the records it settles, with a history row holding ``state`` (inside an operation)."""
    store.conn.executemany("INSERT OR IGNORE INTO consensus_links (consensus_id, record_id) VALUES (?, ?)",
                           [(consensus_id, r) for r in record_ids])
    store.log("consensus", consensus_id, "settle", None, state)


def consensus_ids(store: Store) -> set[int]:
    """The ids of every consensus record (live or not)."""
    return {r for (r,) in store.conn.execute("SELECT DISTINCT consensus_id FROM consensus_links")}


def settled_by(store: Store) -> dict[int, int]:
    """record id -> the live consensus record that settles it."""
    return dict(store.conn.execute(
        "SELECT l.record_id, l.consensus_id FROM consensus_links l JOIN records c ON c.id = l.consensus_id "
        "WHERE c.deleted = 0"))


def settles(store: Store, consensus_uuid: str) -> list[str]:
    """The UUIDs of the records a consensus record settles (its provenance), oldest first."""
    return [u for (u,) in store.conn.execute(
        "SELECT r.uuid FROM consensus_links l JOIN records c ON c.id = l.consensus_id "
        "JOIN records r ON r.id = l.record_id WHERE c.uuid = ? ORDER BY r.id", [consensus_uuid])]


def passage_of(store: Store, record_id: int) -> int | None:
    """The passage id of a record, if it has one."""
    row = store.conn.execute("SELECT passage_id FROM records WHERE id = ?", [record_id]).fetchone()
    return row[0] if row else None


__all__ = ["consensus_ids", "link", "passage_of", "settled_by", "settles"]
