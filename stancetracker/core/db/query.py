"""Record filters and the SQL they turn into; rows as dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field

from stancetracker.core.model.dates import PRECISIONS, PartialDate
from stancetracker.core.model.entities import (
    CONFIDENCES,
    MAX_EVIDENCE,
    MAX_LOCATOR,
    MAX_NAME,
    Record,
    fmt_score,
    score_label,
)
from stancetracker.core.model.fields import STATE
from stancetracker.core.model.stored_values import Problem, record_problems, stored_date, stored_text, visible
from stancetracker.core.db.units import UNIT_SQL

# The joined record, as a JSON object: what history keeps before and after a change.
# json_object() refuses a BLOB (one another program stored made every edit, revert
# and 'history' of that record fail), so a blob is kept as its SQL literal x'...'.
_RECORD_FIELDS = STATE
RECORD_JSON = "json_object(" + ", ".join(
    f"'{key}', CASE WHEN typeof({col}) = 'blob' THEN 'x''' || hex({col}) || '''' ELSE {col} END"
    for key, col in _RECORD_FIELDS) + ")"
RECORD_FROM = (
    "records r JOIN actors a ON a.id = r.actor_id JOIN dimensions d ON d.id = r.dimension_id "
    "LEFT JOIN sources s ON s.id = r.source_id"
)
# Long text is read only up to one character past its limit (and its length): a file made
# elsewhere may hold 10 MB notes, and a page of the table must not cost gigabytes. A value
# cut this way breaks its length rule, so it is marked and can never be saved back as it is.
_CAPPED = {"locator": MAX_LOCATOR, "evidence": MAX_EVIDENCE, "coder": MAX_NAME}
ROW_COLUMNS = (
    "r.id, r.uuid, a.slug, a.name, d.slug, d.label, d.neg_label, d.pos_label, r.date, "
    "r.date_precision, r.score, r.confidence, s.slug, s.title, "
    + ", ".join(f"substr(r.{c}, 1, {n + 1})" for c, n in _CAPPED.items())
    + ", r.created_at, r.updated_at, r.version, r.deleted, "
    + ", ".join(f"length(r.{c})" for c in _CAPPED)
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
    # (study slug, coder): while the coder codes that study blind, the other coders' records on its units are hidden.
    blind_for: tuple[str, str] | None = None
    view: str = "all"  # "all", "consensus" (settled records give way to their consensus) or "coder:NAME"

    def is_empty(self) -> bool:
        """True when the filter narrows nothing: the consensus view counts as no narrowing, since a settled
        record gives way to a consensus record on the same unit (same source, actor and dimension)."""
        return not (self.actors or self.dimensions or self.since or self.until or self.coders
                    or self.min_confidence or self.query.strip() or self.blind_for
                    or self.view not in ("all", "consensus")) and self.deleted is False

    def scoped(self) -> dict:
        """The parts of the filter that decide whose records may be seen, for filters derived from this one."""
        return {"blind_for": self.blind_for, "view": self.view}


VIEWS = ("all", "consensus", "coder:NAME")
# The view the window and the command line open on (docs/reliability.md): where nothing was adjudicated it
# shows what "all" shows. A bare RecordFilter() keeps "all", so code below the user's choice sees every record.
DEFAULT_VIEW = "consensus"
# A record settled by a live consensus record (core/coding/adjudication.py).
SETTLED_SQL = ("r.id IN (SELECT l.record_id FROM consensus_links l JOIN records c ON c.id = l.consensus_id "
               "WHERE c.deleted = 0)")
# Another coder's record on a unit of a study the coder is still coding blind (core/db/studies.py).
_BLIND_SQL = (f"NOT (r.coder IS NOT ? AND EXISTS (SELECT 1 FROM studies st JOIN study_coders sc "
              f"ON sc.study_id = st.id AND sc.coder = ? AND sc.done_at IS NULL WHERE st.slug = ? "
              f"AND {UNIT_SQL} IN (SELECT unit FROM study_units WHERE study_id = st.id)))")


def check_view(view: str) -> str:
    """A view's name as given, or ValueError saying which views there are."""
    if view in ("all", "consensus") or (view.startswith("coder:") and view[6:].strip()):
        return view
    raise ValueError(f"view {view!r}: use all, consensus or coder:NAME")


@dataclass
class RecordRow(Record):
    """A record as stored, with the names it is shown with.

    ``problems`` lists the rules its stored values break (column, reason); a
    value that breaks one is kept as text in ``stored`` and, where it is the
    date or the score, ``date``/``score`` are None.
    """

    actor_name: str = ""
    dimension_label: str = ""
    source_title: str = ""
    score_label: str = ""
    problems: list[Problem] = field(default_factory=list)
    stored: dict[str, str] = field(default_factory=dict)

    def problem(self, column: str) -> str | None:
        """Why the stored value of a column breaks a rule, or None."""
        return next((why for c, why in self.problems if c == column), None)

    def shown(self, column: str) -> str:
        """A column as the table and listings show it: the stored text, made visible, when it is bad."""
        if column == "date" and "date_precision" in self.stored:
            return f"{self.stored['date']} ({self.stored['date_precision']})"
        if column in self.stored:
            return self.stored[column]
        if column == "date":
            return self.date.short()
        if column == "score":
            return fmt_score(self.score)
        return visible(getattr(self, column), 500)


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
        # Anything but 0 counts as deleted, so a record with an odd stored flag is in the trash
        # (and marked there), never in neither view.
        conds.append("r.deleted IS NOT 0" if flt.deleted else "r.deleted = 0")
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
    if flt.blind_for:
        study, coder = flt.blind_for
        conds.append(_BLIND_SQL)
        params += [coder, coder, study]
    if flt.view == "consensus":
        conds.append(f"NOT {SETTLED_SQL}")
    elif flt.view.startswith("coder:"):
        conds.append("r.coder = ?")
        params.append(flt.view[6:].strip())
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
    """A row of ``ROW_COLUMNS`` as a RecordRow; never raises, whatever the file holds."""
    (rid, uuid, actor, actor_name, dim, dim_label, neg, pos, date, prec, score, conf, src,
     src_title, locator, evidence, coder, created, updated, version, deleted, *lengths) = t
    raw = {"uuid": uuid, "date": date, "date_precision": prec, "score": score, "confidence": conf,
           "locator": locator, "evidence": evidence, "coder": coder, "created_at": created,
           "updated_at": updated, "version": version, "deleted": deleted}
    problems = record_problems(raw)
    bad = {c for c, _ in problems}
    for (column, limit), length in zip(_CAPPED.items(), lengths):
        if isinstance(length, int) and length > limit + 1:  # read cut short: give the real length
            problems = [(c, f"is {length:,} characters long; the limit is {limit:,} (only the first "
                            f"{limit + 1:,} are read)" if c == column else why) for c, why in problems]
    stored = {c: visible(raw[c], 200) for c in bad if c in raw}
    if "date" in bad:
        stored["date"] = visible(date, 40)
        if prec not in PRECISIONS:
            stored["date_precision"] = visible(prec, 20)
    date_value = None if "date" in bad else stored_date(date, prec)
    score_value = None if "score" in bad else float(score)
    dim_label = stored_text(dim_label)
    label = ""
    if score_value is not None:
        label = score_label(score_value, stored_text(neg) or f"anti-{dim_label}", stored_text(pos) or f"pro-{dim_label}")
    return RecordRow(
        id=rid, uuid=stored_text(uuid), actor=stored_text(actor), dimension=stored_text(dim), date=date_value,
        score=score_value, confidence=stored_text(conf), source=src, locator=stored_text(locator),
        evidence=stored_text(evidence), coder=stored_text(coder), created_at=stored_text(created),
        updated_at=stored_text(updated), version=version, deleted=deleted != 0,
        actor_name=stored_text(actor_name), dimension_label=dim_label, source_title=stored_text(src_title),
        score_label=label, problems=problems, stored=stored,
    )
