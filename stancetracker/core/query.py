"""Record filters and the SQL they turn into; rows as dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from .dates import PartialDate
from .model import CONFIDENCES, Record

# The joined record, as a JSON object: what history keeps before and after a change.
RECORD_JSON = (
    "json_object('uuid', r.uuid, 'actor', a.slug, 'dimension', d.slug, 'date', r.date, "
    "'date_precision', r.date_precision, 'score', r.score, 'confidence', r.confidence, "
    "'source', s.slug, 'locator', r.locator, 'evidence', r.evidence, 'coder', r.coder, "
    "'created_at', r.created_at, 'updated_at', r.updated_at, 'version', r.version, "
    "'deleted', r.deleted)"
)
RECORD_FROM = (
    "records r JOIN actors a ON a.id = r.actor_id JOIN dimensions d ON d.id = r.dimension_id "
    "LEFT JOIN sources s ON s.id = r.source_id"
)
ROW_COLUMNS = (
    "r.id, r.uuid, a.slug, a.name, d.slug, d.label, d.neg_label, d.pos_label, r.date, "
    "r.date_precision, r.score, r.confidence, s.slug, s.title, r.locator, r.evidence, r.coder, "
    "r.created_at, r.updated_at, r.version, r.deleted"
)

SORT_KEYS = {
    "date": "r.date",
    "actor": "a.name COLLATE NOCASE",
    "dimension": "d.position, d.label",
    "score": "r.score",
    "confidence": "CASE r.confidence WHEN 'low' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END",
    "source": "s.title COLLATE NOCASE",
    "coder": "r.coder",
    "updated": "r.updated_at",
    "created": "r.created_at",
    "entered": "r.id",
}


@dataclass
class RecordFilter:
    """Which records to show or export. Empty lists mean "all"."""

    actors: list[str] = field(default_factory=list)
    dimensions: list[str] = field(default_factory=list)
    since: PartialDate | None = None
    until: PartialDate | None = None
    coders: list[str] = field(default_factory=list)
    min_confidence: str | None = None
    query: str = ""
    deleted: bool | None = False  # False: live records, True: the trash, None: both

    def is_empty(self) -> bool:
        return not (self.actors or self.dimensions or self.since or self.until or self.coders
                    or self.min_confidence or self.query.strip()) and self.deleted is False


@dataclass
class RecordRow(Record):
    """A record with the names it is shown with."""

    actor_name: str = ""
    dimension_label: str = ""
    source_title: str = ""
    score_label: str = ""


def fts_query(text: str) -> str:
    """User text as a safe FTS5 query: every word must occur (prefix match on the last)."""
    words = [w.replace('"', '""') for w in text.split() if w.strip('"')]
    if not words:
        return ""
    parts = [f'"{w}"' for w in words]
    parts[-1] += "*"
    return " ".join(parts)


def where_clause(flt: RecordFilter, ids: dict[str, dict[str, int]]) -> tuple[str, list]:
    """SQL condition and parameters for a filter; ``ids`` maps slugs to row ids."""
    conds: list[str] = []
    params: list = []
    if flt.deleted is not None:
        conds.append("r.deleted = ?")
        params.append(1 if flt.deleted else 0)
    if flt.actors:
        actor_ids = [ids["actors"][s] for s in flt.actors]
        conds.append(f"r.actor_id IN ({','.join('?' * len(actor_ids))})")
        params += actor_ids
    if flt.dimensions:
        dim_ids = [ids["dimensions"][s] for s in flt.dimensions]
        conds.append(f"r.dimension_id IN ({','.join('?' * len(dim_ids))})")
        params += dim_ids
    if flt.since is not None:
        conds.append("r.date >= ?")
        params.append(flt.since.iso)
    if flt.until is not None:
        conds.append("r.date <= ?")
        params.append(flt.until.end().isoformat())
    if flt.coders:
        conds.append(f"r.coder IN ({','.join('?' * len(flt.coders))})")
        params += list(flt.coders)
    if flt.min_confidence:
        allowed = CONFIDENCES[CONFIDENCES.index(flt.min_confidence):]
        conds.append(f"r.confidence IN ({','.join('?' * len(allowed))})")
        params += list(allowed)
    q = fts_query(flt.query or "")
    if q:
        conds.append("r.id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)")
        params.append(q)
    return (" AND ".join(conds) or "1"), params


def order_clause(sort: str = "date", descending: bool = False) -> str:
    key = SORT_KEYS.get(sort, "r.date")
    direction = "DESC" if descending else "ASC"
    keys = [f"{k} {direction}" for k in key.split(", ")]
    return ", ".join(keys + [f"r.id {direction}"])


def row_from_tuple(t: tuple) -> RecordRow:
    from .model import score_label
    (rid, uuid, actor, actor_name, dim, dim_label, neg, pos, date, prec, score, conf, src,
     src_title, locator, evidence, coder, created, updated, version, deleted) = t
    return RecordRow(
        id=rid, uuid=uuid, actor=actor, dimension=dim, date=PartialDate(_iso(date), prec),
        score=score, confidence=conf, source=src, locator=locator, evidence=evidence, coder=coder,
        created_at=created, updated_at=updated, version=version, deleted=bool(deleted),
        actor_name=actor_name, dimension_label=dim_label, source_title=src_title or "",
        score_label=score_label(score, neg or f"anti-{dim_label}", pos or f"pro-{dim_label}"),
    )


def _iso(text: str):
    import datetime as _dt
    return _dt.date.fromisoformat(text)
