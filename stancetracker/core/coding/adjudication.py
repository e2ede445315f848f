"""Adjudication: the queue of units where coders disagree, and consensus records that settle them.

A consensus record is an ordinary record by the adjudicator (its coder), on
the same unit, linked to every record it settles (core/db/consensus.py); the
originals stay as they are, with their history. Settling is one operation,
so ``revert`` (or the window's Undo) takes it back.
"""

from __future__ import annotations

from dataclasses import dataclass

from stancetracker.core.db import consensus, passage_rows
from stancetracker.core.db.query import RecordFilter, RecordRow
from stancetracker.core.db.store import Store
from stancetracker.core.db.studies import record_units
from stancetracker.core.db.units import describe, unit_id
from stancetracker.core.model.entities import CONFIDENCES, Record
from stancetracker.core.model.errors import NotFound, StanceError


@dataclass
class Disagreement:
    """A unit two or more coders coded differently: their records side by side."""

    unit: str  # the unit key (core/db/units.py)
    records: list[RecordRow]

    @property
    def id(self) -> str:
        return unit_id(self.unit)

    @property
    def label(self) -> str:
        return describe(self.unit)

    @property
    def coder_scores(self) -> dict[str, float]:
        """Each coder's value on the unit: the mean of their scores, as agreement counts it."""
        by: dict[str, list[float]] = {}
        for r in self.records:
            if r.score is not None:
                by.setdefault(r.coder, []).append(r.score)
        return {c: sum(v) / len(v) for c, v in sorted(by.items())}

    @property
    def distance(self) -> float:
        """How far apart the coders are: the highest coder's value minus the lowest's."""
        values = list(self.coder_scores.values())
        return max(values) - min(values) if values else 0.0

    @property
    def coders(self) -> list[str]:
        return sorted({r.coder for r in self.records})


def _open_units(store: Store, flt: RecordFilter | None) -> dict[str, list[int]]:
    """unit key -> ids of its live records that are neither consensus records nor settled by one."""
    skip = consensus.consensus_ids(store) | set(consensus.settled_by(store))
    units: dict[str, list[int]] = {}
    for key, rid, *_ in record_units(store, flt):
        if rid not in skip:
            units.setdefault(key, []).append(rid)
    return units


def queue(store: Store, flt: RecordFilter | None = None, min_distance: float = 1.0,
          sign: bool = False) -> list[Disagreement]:
    """The units where two or more coders differ by at least ``min_distance`` points (or, with ``sign``, also
    where one coder's value is positive and another's negative), in unit order; a coder's value on a unit is
    the mean of their scores on it, as in agreement."""
    out = []
    for key, ids in sorted(_open_units(store, flt).items()):
        unit = Disagreement(key, store.rows_by_id(ids))
        values = list(unit.coder_scores.values())
        if len(values) < 2:
            continue
        apart = max(values) - min(values) >= min_distance - 1e-9
        flipped = sign and max(values) > 0 > min(values)
        if apart or flipped:
            out.append(unit)
    return out


def find_unit(store: Store, name: str, flt: RecordFilter | None = None) -> Disagreement:
    """An open unit by its short id or its key (coded by two or more coders or not)."""
    for key, ids in _open_units(store, flt).items():
        if name in (key, unit_id(key)):
            return Disagreement(key, store.rows_by_id(ids))
    raise NotFound(f"no unit {name!r} with unsettled records (see 'stancetracker adjudicate list')")


def settle(store: Store, name: str, score: float, confidence: str | None = None, evidence: str | None = None,
           flt: RecordFilter | None = None) -> RecordRow:
    """Write the consensus record of a unit, linked to the records it settles; returns it."""
    unit = find_unit(store, name, flt)
    rows = unit.records
    first = min(rows, key=lambda r: (r.date.iso if r.date else "", r.id))
    if first.date is None:
        raise StanceError(f"unit {unit.id}: its records' dates break the rules (see 'stancetracker check')")
    if confidence is None:
        known = [r.confidence for r in rows if r.confidence in CONFIDENCES]
        confidence = min(known, key=CONFIDENCES.index) if known else "medium"
    if evidence is None:
        evidence = f"Consensus of {len(rows)} records by {', '.join(unit.coders)}."
    rec = Record(actor=first.actor, dimension=first.dimension, date=first.date, score=score, confidence=confidence,
                 source=first.source, locator=first.locator, evidence=evidence, coder=store.user)
    rec.validate()
    settled = [r.uuid for r in rows]
    with store.operation("adjudicate", f"consensus on {unit.label}"[:500], {"unit": unit.unit, "settles": settled}):
        row = store.add_record(rec)
        pid = next((p for p in (consensus.passage_of(store, r.id) for r in rows) if p is not None), None)
        if pid is not None:
            passage_rows.link_record(store, row.id, pid)
        consensus.link(store, row.id, [r.id for r in rows], {"consensus": row.uuid, "unit": unit.unit,
                                                            "settles": settled})
    return store.record(rec.uuid)


__all__ = ["Disagreement", "find_unit", "queue", "settle"]
