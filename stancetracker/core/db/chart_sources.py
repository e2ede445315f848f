"""What a chart's source line reads about the records it draws: coders, cited sources, latest change.

Rows come back as stored text (never trusted); the wording of the line is core/analysis/wording.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stancetracker.core.db.observations import CoderSpan, matching_clause
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
    """What the matching records rest on: who coded them, the sources they cite (most cited first),
    how many cite none, and their latest change."""

    sources: list[CitedSource]
    unsourced: int
    latest_change: str | None  # the latest sound updated_at (an ISO timestamp), None when there is none
    coders: list[CoderSpan] = field(default_factory=list)  # in coder order, as coder_spans gives them


def _sql_order(value: object) -> tuple[int, object]:
    """A sort key ordering stored values as SQLite does (NULL, numbers, text, blobs): a file may mix them."""
    if value is None:
        return (0, 0)
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value))


def drawn_sources(store: Store, flt: RecordFilter, until: str | None = None,
                  ids: dict[str, dict[str, int]] | None = None) -> DrawnSources:
    """The coders and cited sources of the records matching a filter and dated up to ``until`` (ISO day).

    One aggregate query reads the records once for coders, sources, dates and the
    latest change: a source line is built on every redraw, and each extra pass over
    10,000 records costs a chart about 5 ms.
    """
    where, params = matching_clause(store, flt, until, ids)
    groups = store.conn.execute(
        "SELECT r.coder, r.source_id, count(*), min(r.date), max(r.date), max(r.updated_at) "
        f"FROM records r WHERE {where} GROUP BY r.coder, r.source_id", params).fetchall()
    per_coder: dict[object, list[tuple]] = {}
    per_source: dict[object, int] = {}
    for coder, sid, n, first, last, _ in groups:
        per_coder.setdefault(coder, []).append((n, first, last))
        per_source[sid] = per_source.get(sid, 0) + n
    coders = [CoderSpan(c, sum(g[0] for g in rows), min((g[1] for g in rows), key=_sql_order),
                        max((g[2] for g in rows), key=_sql_order))
              for c, rows in sorted(per_coder.items(), key=lambda kv: _sql_order(kv[0]))]
    known = [sid for sid in per_source if sid is not None]
    meta = {}
    if known:
        marks = ",".join("?" * len(known))
        meta = {row[0]: row[1:] for row in store.conn.execute(
            f"SELECT id, slug, title, publisher, author, published FROM sources WHERE id IN ({marks})", known)}
    sources, unsourced = [], per_source.get(None, 0)
    for sid in known:
        if sid not in meta:  # a source that is gone (a file made elsewhere): the records cite nothing we know
            unsourced += per_source[sid]
            continue
        slug, title, publisher, author, published = meta[sid]
        sources.append(CitedSource(stored_text(slug), stored_text(title), stored_text(publisher),
                                   stored_text(author), stored_text(published), per_source[sid]))
    # Most cited first, then the newest, then by title (stable sorts, last key first).
    sources.sort(key=lambda c: c.title)
    sources.sort(key=lambda c: c.published, reverse=True)
    sources.sort(key=lambda c: -c.records)
    latest = max((g[5] for g in groups), key=_sql_order, default=None)
    if latest is not None and not _sound_timestamp(latest):
        latest = _latest_change(store, where, params)
    return DrawnSources(sources, unsourced, latest, coders)


def _sound_timestamp(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return check_timestamp(value)
    except DateError:
        return None


def _latest_change(store: Store, where: str, params: list) -> str | None:
    # Text sorts after digits, so a stored "yesterday" is the max: walk down to the first real timestamp.
    for (value,) in store.conn.execute(
            f"SELECT DISTINCT r.updated_at FROM records r WHERE {where} ORDER BY r.updated_at DESC", params):
        if _sound_timestamp(value):
            return value
    return None
