"""Metadata for Datasette: a title and description for every table and column, the licence, the sources,
and a canned query of an actor's positions over time (``datasette DB --metadata metadata.json``).

The tables and columns are the ones our migrations make (core/db/schema_audit.our_tables); the
records table's columns are described through the one field list (core/model/fields.py), so a
new field without a description here fails tests/test_datasette_metadata.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from stancetracker.core.db.schema_audit import our_tables
from stancetracker.core.db.store import Store
from stancetracker.core.files import outputs
from stancetracker.core.model.fields import RECORD_FIELDS

_ID = "row number inside this file (links between tables use it; other files number rows differently)"
_PRECISION = "how much of the date is known: day, month or year (the date is the first day of that period)"

# A record's fields, by Field.name (the field list gives each its column).
FIELD_DESCRIPTIONS: dict[str, str] = {
    "uuid": "stable identifier of the record, kept across exports, imports and merges",
    "actor": "the actor whose stance this is (actors.id)",
    "dimension": "the question the stance answers (dimensions.id)",
    "date": "when the actor held the stance, as an ISO date (see date_precision)",
    "date_precision": _PRECISION,
    "score": "the stance from -2 to +2 on the dimension's scale (hand coding uses -2, -1, 0, 1, 2; "
             "imported means may keep fractions)",
    "confidence": "how sure the coder is: low, medium or high (speculation in a source is low)",
    "source": "the document the stance is coded from (sources.id)",
    "locator": "where in the source: a paragraph, a page or character offsets",
    "evidence": "the coder's paraphrase of what the source reports, and why this score",
    "coder": "who coded it",
    "created_at": "when the record was made (UTC, ISO 8601)",
    "updated_at": "when the record was last changed (UTC, ISO 8601)",
    "version": "edit counter, 1 when made; an edit over a newer version is refused",
    "deleted": "1 when the record is in the trash (it can be restored), else 0",
}

TABLES: dict[str, tuple[str, str, dict[str, str]]] = {
    # table: (title, description, {column: description}); the records table's fields come from FIELD_DESCRIPTIONS
    "records": ("Stance records", "One coded observation each: an actor's stance on a dimension at a date, with "
                "its source, locator, evidence and coder. Every change is kept in history.",
                {"id": _ID, "passage_id": "the coded passage of the source's text it was coded from (passages.id), "
                                          "if any"}),
    "actors": ("Actors", "People, parties, coalitions, militias, states and institutions whose stances are coded.",
               {"id": _ID, "slug": "stable identifier (lower-case letters, digits and -)", "name": "display name",
                "kind": "person, party, movement, coalition, militia, state, institution or other",
                "colour": "chart colour as #rrggbb (empty: one is chosen)", "description": "one or two lines"}),
    "actor_aliases": ("Actor aliases", "Other spellings of an actor's name, used to find the actor on import.",
                      {"id": _ID, "actor_id": "the actor (actors.id)", "alias": "another spelling of the name"}),
    "memberships": ("Memberships", "An actor's place in another actor over time (a leader of a party, a party "
                    "in a coalition).",
                    {"id": _ID, "member_id": "the member (actors.id)", "group_id": "the group (actors.id)",
                     "role": "member, leader, founder, commander, split from, ally …",
                     "start": "when it began (empty: unknown)", "start_precision": _PRECISION,
                     "end": "when it ended (empty: still so, or unknown)", "end_precision": _PRECISION,
                     "note": "what the membership rests on"}),
    "dimensions": ("Dimensions", "The questions a stance answers, each with its poles and codebook.",
                   {"id": _ID, "slug": "stable identifier (iran, us, militias, consensus …)",
                    "label": "display label", "question": "the question a stance on it answers",
                    "neg_label": "short name of the -2 pole, used in score labels",
                    "pos_label": "short name of the +2 pole, used in score labels",
                    "neg_pole": "what -2 means, in a sentence", "pos_pole": "what +2 means, in a sentence",
                    "codebook": "what each level from -2 to +2 means, one line a level",
                    "position": "display order"}),
    "sources": ("Sources", "The documents records are coded from: articles, reports, statements, interviews.",
                {"id": _ID, "slug": "stable identifier", "title": "title of the document",
                 "publisher": "publisher, as given", "author": "author, as given",
                 "url": "where it was published", "published": "publication date (see published_precision)",
                 "published_precision": _PRECISION,
                 "kind": "article, report, statement, interview, news, book or other",
                 "language": "ISO 639-1 code (en, ar …)",
                 "text": "the document's full text, when it was imported to be coded from",
                 "format": "the format the text was read from (text, markdown, html, pdf, docx)",
                 "file_name": "the name of the file the text was read from",
                 "pages": "for a PDF, the character offset where each page starts, comma-separated"}),
    "events": ("Events", "Dated landmarks drawn on the charts.",
               {"id": _ID, "slug": "stable identifier", "date": "when (see date_precision)",
                "date_precision": _PRECISION, "label": "short label drawn on charts",
                "description": "what happened, in a sentence or two", "source_id": "a source that mentions it "
                                                                                  "(sources.id), if any"}),
    "passages": ("Coded passages", "Spans of a source's text that records were coded from; each follows its "
                 "words when the text is corrected.",
                 {"id": _ID, "source_id": "the source (sources.id)",
                  "start": "character offset where the passage starts in the source's text",
                  "end": "character offset just after its end", "quote": "the passage's words",
                  "prefix": "the words just before it (to find it again when the text changes)",
                  "suffix": "the words just after it", "page": "the PDF page it starts on, if any",
                  "lost": "why it could not be found after the text changed (empty: it was found)",
                  "created_at": "when it was made (UTC, ISO 8601)"}),
    "operations": ("Operations", "Every change to the database is one operation: an edit, an import, a merge, "
                   "a revert.",
                   {"id": _ID, "at": "when (UTC, ISO 8601)", "user": "who made it",
                    "kind": "edit, import, merge, revert …", "summary": "what it did, in words",
                    "details": "what it worked on, as JSON (a file's name, the operation it reverts)"}),
    "history": ("History", "Every change of every row, with the state before and after: nothing a coder did is "
                "lost silently.",
                {"id": _ID, "op_id": "the operation it belongs to (operations.id)",
                 "entity": "what kind of row changed (record, actor, source …)",
                 "entity_id": "that row's id in its table", "action": "insert, update, delete, restore …",
                 "before": "the row's state before, as JSON (empty for an insert)",
                 "after": "the row's state after, as JSON"}),
    "records_fts": ("Record search index", "Full-text index of the records' evidence and locators.",
                    {"evidence": "the record's evidence", "locator": "the record's locator"}),
    "sources_fts": ("Source search index", "Full-text index of the sources' titles and texts.",
                    {"title": "the source's title", "text": "the source's text"}),
    "studies": ("Reliability studies", "Samples of units that several coders code apart, blind to each other "
                "(docs/reliability.md).",
                {"id": _ID, "slug": "the study's short name", "name": "its name",
                 "rule": "the sample rule as JSON: sources, actors, dimensions, and the size and seed of a "
                         "random draw",
                 "created_at": "when it was made (UTC, ISO 8601)"}),
    "study_units": ("Study units", "The units each study's sample holds (a passage, or a source and locator, "
                    "× actor × dimension).",
                    {"study_id": "the study (studies.id)",
                     "unit": "the unit's key: source, place, actor and dimension joined by vertical bars"}),
    "study_coders": ("Study coders", "The coders assigned to each study, and when each marked it done.",
                     {"study_id": "the study (studies.id)", "coder": "the coder's name",
                      "done_at": "when the coder marked the study done (empty: still coding blind)"}),
    "study_records": ("Study records", "Which study a record was coded in.",
                      {"record_id": "the record (records.id)", "study_id": "the study (studies.id)"}),
    "consensus_links": ("Consensus links", "Which records each consensus record settles (adjudication); the "
                        "settled records stay, with their history.",
                        {"consensus_id": "the consensus record (records.id)",
                         "record_id": "a record it settles (records.id)"}),
    "_sqlite_migrations": ("Schema migrations", "The schema changes applied to this file, in order "
                           "(kept by sqlite-utils; PRAGMA user_version holds the count).",
                           {"id": _ID, "migration_set": "the set of migrations (stancetracker's)",
                            "name": "the migration", "applied_at": "when it was applied (UTC)"}),
}

POSITIONS_SQL = """\
SELECT r.date, r.date_precision, d.label AS dimension, r.score, r.confidence,
       s.title AS source, r.locator, r.evidence, r.coder, r.uuid
FROM records r
JOIN actors a ON a.id = r.actor_id
JOIN dimensions d ON d.id = r.dimension_id
LEFT JOIN sources s ON s.id = r.source_id
WHERE r.deleted = 0
  AND (a.slug = lower(:actor) OR lower(a.name) = lower(:actor)
       OR a.id IN (SELECT actor_id FROM actor_aliases WHERE lower(alias) = lower(:actor)))
ORDER BY d.position, d.slug, r.date, r.id"""


UNDESCRIBED = "(not described yet)"  # a table or column a later migration added before its words were written


def column_descriptions(table: str) -> dict[str, str]:
    """The description of each column of one of our tables."""
    _title, _description, columns = TABLES.get(table, ("", "", {}))
    if table != "records":
        return dict(columns)
    by_column = {f.column: FIELD_DESCRIPTIONS.get(f.name, UNDESCRIBED) for f in RECORD_FIELDS}
    return {**by_column, **columns}


def metadata(store: Store, database: str, *, license: str = "", license_url: str = "", source: str = "",
             source_url: str = "") -> dict:
    """Datasette's metadata for ``store``'s file, served under the name ``database`` (its file name's stem)."""
    stats = store.stats()
    tables = {}
    for table, columns in our_tables().items():
        # tests/test_datasette_metadata.py holds every table and column described; a gap is no crash
        title, description, _ = TABLES.get(table, (table, UNDESCRIBED, {}))
        described = column_descriptions(table)
        tables[table] = {"title": title, "description": description,
                         "columns": {c: described.get(c, UNDESCRIBED) for c in columns}}
    about = {
        "title": f"stancetracker: {database}",
        "description": (f"Coded stances of political actors over time: {stats['records']:,} records of "
                        f"{stats['actors']:,} actors on {stats['dimensions']:,} dimensions, coded from "
                        f"{stats['sources']:,} sources (the sources table lists each document). Made with "
                        "stancetracker; the tables and columns are described on each page."),
        "source": source or f"{stats['sources']:,} documents, listed in the sources table",
    }
    if source_url:
        about["source_url"] = source_url
    if license:
        about["license"] = license
    if license_url:
        about["license_url"] = license_url
    queries = {"actor_positions": {
        "title": "An actor's positions over time",
        "description": "Every live record of one actor (slug, name or alias, any case), by dimension and date, "
                       "with its source and evidence.",
        "sql": POSITIONS_SQL,
    }}
    return {**about, "databases": {database: {**about, "tables": tables, "queries": queries}}}


def write_metadata(store: Store, path: Path | str, database: str, option: str = "--output", **about) -> dict:
    """Write :func:`metadata` as JSON to ``path`` (``-`` is standard output) by the output rule; returns it."""
    meta = metadata(store, database, **about)
    data = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    with outputs.open_output(path, mode="wb", protect=outputs.database_files(store.path), option=option) as fh:
        fh.write(data)
    return meta


__all__ = ["FIELD_DESCRIPTIONS", "POSITIONS_SQL", "TABLES", "UNDESCRIBED", "column_descriptions", "metadata",
           "write_metadata"]
