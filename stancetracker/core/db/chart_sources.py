"""What a chart's source line reads about the records it draws: the sources they cite and their latest change.

Rows come back as stored text (never trusted); the wording of the line is core/analysis/wording.py's.
"""

from __future__ import annotations

from dataclasses import dataclass

from stancetracker.core.db.observations import matching_clause
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import DateError, check_timestamp
from stancetracker.core.model.stored_values import stored_text


@dataclass(frozen=True)
class CitedSource:
    """A source cited by some of the drawn records, as stored (``published`` is '' when not recorded)."""

    slug: str
    title: str
    publisher: str
    author: str
    published: str
    records: int


@dataclass(frozen=True)
class DrawnSources:
    """The sources the matching records cite (most cited first), how many cite none, and their latest change."""

    sources: list[CitedSource]
    unsourced: int
    latest_change: str | None  # the latest sound updated_at (an ISO timestamp), None when there is none


def drawn_sources(store: Store, flt: RecordFilter, until: str | None = None,
                  ids: dict[str, dict[str, int]] | None = None) -> DrawnSources:
    """The sources cited by the records matching a filter and dated up to ``until`` (ISO day)."""
    where, params = matching_clause(store, flt, until, ids)
    sources, unsourced = [], 0
    rows = store.conn.execute(
        "SELECT s.id, s.slug, s.title, s.publisher, s.author, s.published, count(*) AS n "
        f"FROM records r LEFT JOIN sources s ON s.id = r.source_id WHERE {where} "
        "GROUP BY s.id ORDER BY n DESC, s.published DESC, s.title", params)
    for sid, slug, title, publisher, author, published, n in rows:
        if sid is None:  # no source, or one that is gone (a file made elsewhere)
            unsourced += n
            continue
        sources.append(CitedSource(stored_text(slug), stored_text(title), stored_text(publisher),
                                   stored_text(author), stored_text(published), n))
    return DrawnSources(sources, unsourced, _latest_change(store, where, params))


def _sound_timestamp(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return check_timestamp(value)
    except DateError:
        return None


def _latest_change(store: Store, where: str, params: list) -> str | None:
    (top,) = store.conn.execute(f"SELECT max(r.updated_at) FROM records r WHERE {where}", params).fetchone()
    if top is None or _sound_timestamp(top):
        return top
    # Text sorts after digits, so a stored "yesterday" is the max: walk down to the first real timestamp.
    for (value,) in store.conn.execute(
            f"SELECT DISTINCT r.updated_at FROM records r WHERE {where} ORDER BY r.updated_at DESC", params):
        if _sound_timestamp(value):
            return value
    return None
