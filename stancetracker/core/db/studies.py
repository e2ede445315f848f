"""Reliability studies: a sample of units, the coders assigned to it, and the records it holds (docs/reliability.md).

A study's units are fixed when it is made (``study_units``), so what a coder
is blind to never moves. A coder is blind to the others' records on those
units (core/db/query.py, ``RecordFilter.blind_for``) until marking the study
done, which also links the coder's records on its units to the study.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass, field

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.db.units import UNIT_SQL
from stancetracker.core.model.dates import utc_now
from stancetracker.core.model.entities import check_coder, check_slug
from stancetracker.core.model.errors import NotFound, StanceError, ValidationError


@dataclass
class Study:
    """A reliability study as stored, with its coders' progress."""

    slug: str
    name: str
    rule: dict
    created_at: str
    units: int = 0
    coders: dict[str, str | None] = field(default_factory=dict)  # coder -> when done (None: still coding blind)
    coded: dict[str, int] = field(default_factory=dict)  # coder -> units of the study coded

    def open_for(self, coder: str) -> bool:
        return coder in self.coders and self.coders[coder] is None


def _has_studies(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'study_coders'").fetchone() \
        is not None


def _id(conn: sqlite3.Connection, slug: str) -> int:
    row = conn.execute("SELECT id FROM studies WHERE slug = ?", [slug]).fetchone() if _has_studies(conn) else None
    if row is None:
        raise NotFound(f"no study {slug!r} (see 'stancetracker study list')")
    return row[0]


def record_units(store: Store, flt: RecordFilter | None = None) -> list[tuple]:
    """(unit key, record id, coder, score, confidence, dimension slug, uuid) of every live record the filter selects."""
    where, params = store.filter_sql(flt or RecordFilter())
    return store.conn.execute(
        f"SELECT {UNIT_SQL}, r.id, r.coder, r.score, r.confidence, "
        f"(SELECT slug FROM dimensions WHERE id = r.dimension_id), r.uuid FROM records r WHERE {where} "
        "ORDER BY r.id", params).fetchall()


def sample_units(store: Store, sources=(), actors=(), dimensions=(), size: int | None = None,
                 seed: int | None = None) -> list[str]:
    """The units a sample rule picks among those with live records: by source, actor and dimension, then
    ``size`` of them drawn at random (Python's ``random.Random(seed).sample`` over the sorted keys)."""
    ids = store.slug_ids()
    for kind, slugs in (("sources", sources),):
        missing = [s for s in slugs if s not in ids[kind]]
        if missing:
            raise NotFound(f"no source {missing[0]!r}")
    flt = RecordFilter(actors=list(actors), dimensions=list(dimensions))
    keys = sorted({u for u, *_ in record_units(store, flt)
                   if not sources or u.split("|", 1)[0] in set(sources)})
    if size is not None:
        if size < 1:
            raise ValidationError("size", "a random sample needs a size of at least 1")
        keys = sorted(random.Random(seed).sample(keys, min(size, len(keys))))
    return keys


def create_study(store: Store, slug: str, name: str, units: list[str], rule: dict) -> Study:
    """Make a study of ``units`` (see sample_units) under the sample ``rule`` it was drawn by."""
    slug = check_slug("study", slug)
    if not units:
        raise StanceError("the sample rule picks no unit (no live record matches it); no study was made")
    conn = store.conn
    if conn.execute("SELECT 1 FROM studies WHERE slug = ?", [slug]).fetchone():
        raise ValidationError("study", f"a study {slug!r} already exists")
    now = utc_now()
    with store.operation("study", f"create study {slug} ({len(units)} units)"):
        sid = conn.execute("INSERT INTO studies (slug, name, rule, created_at) VALUES (?, ?, ?, ?)",
                           [slug, name or slug, json.dumps(rule, sort_keys=True), now]).lastrowid
        conn.executemany("INSERT INTO study_units (study_id, unit) VALUES (?, ?)", [(sid, u) for u in units])
        store.log("study", sid, "create", None, {"slug": slug, "name": name, "rule": rule, "units": len(units)})
    return study(store, slug)


def studies(store: Store) -> list[Study]:
    """Every study, oldest first."""
    if not _has_studies(store.conn):
        return []
    return [study(store, slug) for (slug,) in store.conn.execute("SELECT slug FROM studies ORDER BY id")]


def study(store: Store, slug: str) -> Study:
    """One study with its coders and how many of its units each has coded."""
    conn = store.conn
    sid = _id(conn, slug)
    _, name, rule, created = conn.execute("SELECT slug, name, rule, created_at FROM studies WHERE id = ?",
                                          [sid]).fetchone()
    try:
        rule_value = json.loads(rule)
    except ValueError:
        rule_value = {"stored": rule}
    out = Study(slug, name, rule_value if isinstance(rule_value, dict) else {"stored": rule}, created)
    out.units = conn.execute("SELECT count(*) FROM study_units WHERE study_id = ?", [sid]).fetchone()[0]
    out.coders = dict(conn.execute("SELECT coder, done_at FROM study_coders WHERE study_id = ? ORDER BY coder",
                                   [sid]).fetchall())
    coded = conn.execute(
        f"SELECT r.coder, count(DISTINCT {UNIT_SQL}) FROM records r WHERE r.deleted = 0 AND r.coder IN "
        "(SELECT coder FROM study_coders WHERE study_id = ?) AND "
        f"{UNIT_SQL} IN (SELECT unit FROM study_units WHERE study_id = ?) GROUP BY r.coder", [sid, sid]).fetchall()
    out.coded = {c: 0 for c in out.coders} | dict(coded)
    return out


def study_units(store: Store, slug: str) -> list[str]:
    """The unit keys of a study, sorted."""
    sid = _id(store.conn, slug)
    return [u for (u,) in store.conn.execute("SELECT unit FROM study_units WHERE study_id = ? ORDER BY unit", [sid])]


def assign(store: Store, slug: str, coders: list[str]) -> Study:
    """Assign coders to a study (each then codes it blind); one already assigned stays as it is."""
    conn = store.conn
    sid = _id(conn, slug)
    names = [check_coder(c) for c in coders]
    with store.operation("study", f"assign {', '.join(names)} to study {slug}"):
        for name in names:
            if conn.execute("INSERT OR IGNORE INTO study_coders (study_id, coder) VALUES (?, ?)",
                            [sid, name]).rowcount:
                store.log("study", sid, "assign", None, {"study": slug, "coder": name})
    return study(store, slug)


def mark_done(store: Store, slug: str, coder: str, at: str | None = None) -> int:
    """The coder has finished the study: blindness ends and their records on its units join it; returns how many.

    ``at`` is when (an ISO timestamp; default now): the seeded study states its own (core/exchange/seed_study.py).
    """
    conn = store.conn
    sid = _id(conn, slug)
    row = conn.execute("SELECT done_at FROM study_coders WHERE study_id = ? AND coder = ?", [sid, coder]).fetchone()
    if row is None:
        raise StanceError(f"{coder!r} is not assigned to study {slug!r} (study assign {slug} {coder})")
    if row[0] is not None:
        raise StanceError(f"{coder!r} already marked study {slug!r} done ({row[0][:19].replace('T', ' ')})")
    now = at or utc_now()
    with store.operation("study", f"{coder} done with study {slug}"):
        conn.execute("UPDATE study_coders SET done_at = ? WHERE study_id = ? AND coder = ?", [now, sid, coder])
        n = conn.execute(
            "INSERT OR IGNORE INTO study_records (record_id, study_id) SELECT r.id, ? FROM records r "
            f"WHERE r.deleted = 0 AND r.coder = ? AND {UNIT_SQL} IN (SELECT unit FROM study_units WHERE study_id = ?)",
            [sid, coder, sid]).rowcount
        store.log("study", sid, "done", {"study": slug, "coder": coder, "done_at": None},
                  {"study": slug, "coder": coder, "done_at": now, "records": n})
    return n


def open_study_for(store: Store, coder: str) -> str | None:
    """The study (its slug) the coder is still coding blind, the oldest if several; None if none.

    A file read as it is (read-only, made by an older version or holding objects of another program's)
    may have no studies table: then there is no study.
    """
    if not _has_studies(store.conn):
        return None
    row = store.conn.execute("SELECT s.slug FROM studies s JOIN study_coders c ON c.study_id = s.id "
                             "WHERE c.coder = ? AND c.done_at IS NULL ORDER BY s.id LIMIT 1", [coder]).fetchone()
    return row[0] if row else None


def record_studies(store: Store, record_ids: list[int]) -> dict[int, str]:
    """record id -> the slug of its study, for the records that have one."""
    out: dict[int, str] = {}
    for i in range(0, len(record_ids), 900):
        part = record_ids[i:i + 900]
        out.update(store.conn.execute(
            "SELECT l.record_id, s.slug FROM study_records l JOIN studies s ON s.id = l.study_id "
            f"WHERE l.record_id IN ({','.join('?' * len(part))})", part).fetchall())
    return out


def study_record_ids(store: Store, slug: str) -> set[int]:
    """The ids of the records that belong to a study."""
    sid = _id(store.conn, slug)
    return {r for (r,) in store.conn.execute("SELECT record_id FROM study_records WHERE study_id = ?", [sid])}


def revert_logged(store: Store, sid: int, before: dict | None, after: dict | None) -> bool:
    """Undo one logged study change (called by core/db/revert.py inside its operation); True if one was undone.

    Made (by ``create`` or a merge): the study goes, with its units, coders and record links; an assignment:
    the coder leaves it; done: the coder codes it blind again and their records leave it.
    """
    conn = store.conn
    if before is None and after is not None and "coder" not in after:
        if not conn.execute("SELECT 1 FROM studies WHERE id = ?", [sid]).fetchone():
            return False
        for table in ("study_records", "study_coders", "study_units"):
            conn.execute(f"DELETE FROM {table} WHERE study_id = ?", [sid])
        conn.execute("DELETE FROM studies WHERE id = ?", [sid])
    elif before is None and after is not None:
        if not conn.execute("DELETE FROM study_coders WHERE study_id = ? AND coder = ?", [sid, after["coder"]]).rowcount:
            return False
    elif before is not None and after is not None and "done_at" in before:
        conn.execute("UPDATE study_coders SET done_at = NULL WHERE study_id = ? AND coder = ?", [sid, after["coder"]])
        conn.execute("DELETE FROM study_records WHERE study_id = ? AND record_id IN "
                     "(SELECT id FROM records WHERE coder = ?)", [sid, after["coder"]])
    else:
        return False
    store.log("study", sid, "revert", after, before)
    return True


__all__ = ["Study", "assign", "create_study", "mark_done", "open_study_for", "record_studies",
           "record_units", "revert_logged", "sample_units", "studies", "study", "study_record_ids", "study_units"]
