"""The reads analysis and charts make: dated scores of one actor x dimension, and who coded them.

Rows come back as stored (never trusted): the caller decides what a chart can draw.
"""

from __future__ import annotations

from dataclasses import dataclass

from stancetracker.core.db.query import RecordFilter, where_clause
from stancetracker.core.db.store import Store
from stancetracker.core.model.errors import NotFound

# What a series is built from, as stored: (date, date_precision, score, confidence, uuid).
ObservationRow = tuple[object, object, object, object, object]


def observation_rows(store: Store, actor: str, dimension: str, flt: RecordFilter | None = None,
                     ids: dict[str, dict[str, int]] | None = None) -> list[ObservationRow]:
    """The live records of one actor x dimension, oldest first (then in the order entered).

    Of the filter only the dates, coders, confidence and text apply; ``ids``
    (``store.slug_ids()``) may be passed by callers reading many series at once.
    """
    ids = ids or store.slug_ids()
    if actor not in ids["actors"]:
        raise NotFound(f"no actor {actor!r}")
    if dimension not in ids["dimensions"]:
        raise NotFound(f"no dimension {dimension!r}")
    sql = ("SELECT r.date, r.date_precision, r.score, r.confidence, r.uuid FROM records r "
           "WHERE r.actor_id = ? AND r.dimension_id = ? AND r.deleted = 0")
    params: list = [ids["actors"][actor], ids["dimensions"][dimension]]
    if flt is not None:
        sub = RecordFilter(since=flt.since, until=flt.until, coders=flt.coders,
                           min_confidence=flt.min_confidence, query=flt.query, deleted=None, **flt.scoped())
        where, extra = where_clause(sub, ids)
        sql += f" AND {where}"
        params += extra
    return store.conn.execute(sql + " ORDER BY r.date, r.id", params).fetchall()


@dataclass(frozen=True)
class CoderSpan:
    """How many of the matching records one coder made, and their first and last stored date."""

    coder: object
    count: int
    first: object
    last: object


def matching_clause(store: Store, flt: RecordFilter, until: str | None,
                    ids: dict[str, dict[str, int]] | None) -> tuple[str, list]:
    """The WHERE clause (over ``records r``) and parameters of a filter's records dated up to ``until``."""
    where, params = where_clause(flt, ids or store.slug_ids())
    if until is not None:
        where += " AND r.date <= ?"
        params.append(until)
    return where, params


def coder_spans(store: Store, flt: RecordFilter, until: str | None = None,
                ids: dict[str, dict[str, int]] | None = None) -> list[CoderSpan]:
    """Per coder (in coder order), the records matching a filter and dated up to ``until`` (ISO day)."""
    where, params = matching_clause(store, flt, until, ids)
    # One aggregate query: the records are read once for counts, dates and coders
    # (separate queries read them twice, a tenth of a large timeline's redraw).
    return [CoderSpan(*row) for row in store.conn.execute(
        f"SELECT r.coder, count(*), min(r.date), max(r.date) FROM records r WHERE {where} "
        "GROUP BY r.coder ORDER BY r.coder", params)]


def stored_dates(store: Store, flt: RecordFilter, until: str | None = None,
                 ids: dict[str, dict[str, int]] | None = None) -> list[object]:
    """Every distinct stored date of the records matching a filter, up to ``until`` (ISO day)."""
    where, params = matching_clause(store, flt, until, ids)
    return [v for (v,) in store.conn.execute(f"SELECT DISTINCT r.date FROM records r WHERE {where}", params)]


# What a position is built from, as stored: (actor slug, actor name, dimension slug, dimension label, date,
# date_precision, score, source slug, coder).
PositionRow = tuple[object, object, object, object, object, object, object, object, object]


def position_rows(store: Store, flt: RecordFilter | None = None) -> list[PositionRow]:
    """The records the filter selects, by actor, dimension and date (core/analysis/positions.py)."""
    where, params = store.filter_sql(flt or RecordFilter())
    return store.conn.execute(
        "SELECT a.slug, a.name, d.slug, d.label, r.date, r.date_precision, r.score, s.slug, r.coder "
        "FROM records r JOIN actors a ON a.id = r.actor_id JOIN dimensions d ON d.id = r.dimension_id "
        f"LEFT JOIN sources s ON s.id = r.source_id WHERE {where} ORDER BY a.slug, d.position, d.slug, r.date, r.id",
        params).fetchall()
