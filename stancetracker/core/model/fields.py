"""The one list of a stance record's fields: where each is stored, how CSV carries it, which rule checks it.

Every other list of record fields (the export's header, the importer's
cells and inserts, merge's compared fields, the states history keeps,
revert puts back and undo restores) is derived here. To add a column, add
a Field and its rule (in entities.py); the lists follow.

``date_precision`` is the one field that is stored, compared and shown on
its own but is no attribute of :class:`Record`: it travels inside
``Record.date`` (a PartialDate), so the lists of Record attributes
(EDITED_ATTRIBUTES) name ``date`` for both — that is the difference between
the two kinds of list, and the only one.

The records table's ``passage_id`` (the passage a record was coded from,
core/coding/passages.py) is a link, not a field: no CSV, merge or history
state carries it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from stancetracker.core.model.entities import (
    check_coder,
    check_confidence,
    check_date_text,
    check_evidence,
    check_evidences,
    check_locator,
    check_locators,
    check_score,
    check_slug,
    check_timestamp_text,
    check_timestamp_texts,
    check_uuid,
    check_uuids,
    parse_version,
)


@dataclass(frozen=True)
class Field:
    """One field of a stance record."""

    name: str  # its key in a stored state (history's JSON, merge's rows, revert's states)
    column: str  # its column in the records table
    expr: str  # SQL over RECORD_FROM (records r, actors a, dimensions d, sources s) giving its stored value
    csv: tuple[str, ...] = ()  # the record-CSV columns that carry it, in the export's order
    read: tuple[str, ...] | None = None  # the cells the importer reads for it, if not ``csv``
    content: bool = False  # coded content: merge compares it, history shows it, revert puts it back
    edited: bool = False  # changed by an edit of the record (the editor, undo); ``deleted`` only by delete/restore
    attribute: str | None = None  # the Record attribute that holds it
    required: bool = False  # a record must have a value (none is filled in)
    nullable: bool = False  # stored as NULL when absent, so a stored state may lack it
    label: tuple[str, str] | None = None  # (key, SQL) of the name shown beside it (merge's rows)
    # The check of one value, rule(value) -> the value as stored, or ValidationError naming the field
    # (entities.py); the date's reads its two cells, rule(date, precision).
    rule: Callable | None = None
    # The same check over a whole column, column_rule(values) -> [rule(v) for v in values], or None
    # if rule refuses one: where it is faster than the rule once per distinct value.
    column_rule: Callable[[Sequence[str]], list | None] | None = None

    @property
    def cells(self) -> tuple[str, ...]:
        return self.csv if self.read is None else self.read


RECORD_FIELDS: tuple[Field, ...] = (
    Field("uuid", "uuid", "r.uuid", ("uuid",), attribute="uuid", rule=check_uuid, column_rule=check_uuids),
    Field("actor", "actor_id", "a.slug", ("actor", "actor_slug"), content=True, edited=True, attribute="actor",
          required=True, label=("actor_name", "a.name"), rule=partial(check_slug, "actor")),
    Field("dimension", "dimension_id", "d.slug", ("dimension", "dimension_slug"), content=True, edited=True,
          attribute="dimension", required=True, label=("dimension_label", "d.label"),
          rule=partial(check_slug, "dimension")),
    Field("date", "date", "r.date", ("date",), content=True, edited=True, attribute="date", required=True,
          rule=check_date_text),
    # Checked with the date (check_date_text reads both cells); held by Record.date (see the module docstring).
    Field("date_precision", "date_precision", "r.date_precision", ("date_precision",), content=True, edited=True,
          attribute="date"),
    # score_label is written for readers and never read back.
    Field("score", "score", "r.score", ("score", "score_label"), read=("score",), content=True, edited=True,
          attribute="score", required=True, rule=check_score),
    Field("confidence", "confidence", "r.confidence", ("confidence",), content=True, edited=True,
          attribute="confidence", rule=check_confidence),
    # A mapped (foreign) file names its source in one "source" cell; our layout in three.
    Field("source", "source_id", "s.slug", ("source_title", "source_url", "source_published"),
          read=("source", "source_title", "source_url", "source_published"), content=True, edited=True,
          attribute="source", nullable=True, label=("source_title", "s.title"), rule=partial(check_slug, "source")),
    Field("locator", "locator", "r.locator", ("locator",), content=True, edited=True, attribute="locator",
          rule=check_locator, column_rule=check_locators),
    Field("evidence", "evidence", "r.evidence", ("evidence",), content=True, edited=True, attribute="evidence",
          rule=check_evidence, column_rule=check_evidences),
    Field("coder", "coder", "r.coder", ("coder",), content=True, edited=True, attribute="coder", required=True,
          rule=check_coder),
    Field("created_at", "created_at", "r.created_at", ("created_at",), attribute="created_at",
          rule=partial(check_timestamp_text, "created_at"), column_rule=check_timestamp_texts),
    Field("updated_at", "updated_at", "r.updated_at", ("updated_at",), attribute="updated_at",
          rule=partial(check_timestamp_text, "updated_at"), column_rule=check_timestamp_texts),
    Field("version", "version", "r.version", ("version",), attribute="version", rule=parse_version),
    # Not in the CSV layout: an export holds live records only, an import adds live records.
    Field("deleted", "deleted", "r.deleted", content=True, attribute="deleted"),
)
FIELDS = {f.name: f for f in RECORD_FIELDS}

# The record CSV layout ('stancetracker export', docs/formats.md): header order.
CSV_COLUMNS = tuple(c for f in RECORD_FIELDS for c in f.csv)
# The cells the importer reads, in field order (a cell the file lacks reads as "").
IMPORT_CELLS = tuple(c for f in RECORD_FIELDS for c in f.cells)
# The fields a mapping (--map FIELD=COLUMN) may name, in the order the window and the messages list them.
MAPPED_FIELDS = ("actor", "date", "score", "dimension", "date_precision", "confidence", "source",
                 "locator", "evidence", "coder", "uuid")
# The records table's columns, in field order (the inserts').
COLUMNS = tuple(f.column for f in RECORD_FIELDS)
# A record's stored state, (key, SQL): what history keeps before and after a change.
STATE = tuple((f.name, f.expr) for f in RECORD_FIELDS)
# The coded content: what merge compares, history shows, revert puts back.
CONTENT_FIELDS = tuple(f.name for f in RECORD_FIELDS if f.content)
# What a stored state must hold to be put back (a nullable field absent is NULL).
STATE_KEYS = tuple(f.name for f in RECORD_FIELDS if f.content and not f.nullable)
# The content a CSV row carries (all but ``deleted``), in the importer's insert tuple's order.
IMPORTED_CONTENT = tuple(f.name for f in RECORD_FIELDS if f.content and f.csv)
# The Record attributes an edit changes, each once (date holds date_precision too).
EDITED_ATTRIBUTES = tuple(dict.fromkeys(f.attribute for f in RECORD_FIELDS if f.edited))
# merge's rows: each field's stored value, and beside it the name it is shown with.
SHOWN_STATE = tuple(pair for f in RECORD_FIELDS for pair in ((f.name, f.expr), *((f.label,) if f.label else ())))

assert set(MAPPED_FIELDS) <= set(FIELDS)
assert len(set(CSV_COLUMNS)) == len(CSV_COLUMNS)

__all__ = ["COLUMNS", "CONTENT_FIELDS", "CSV_COLUMNS", "EDITED_ATTRIBUTES", "FIELDS", "Field", "IMPORTED_CONTENT",
           "IMPORT_CELLS", "MAPPED_FIELDS", "RECORD_FIELDS", "SHOWN_STATE", "STATE", "STATE_KEYS"]
