"""The seeded reliability study: its sample, its coders (done) and the consensus records that settle its units.

Three optional seed files (docs/formats.md, "Seed files of the reliability study"), read after the records:

- ``studies.csv`` (``slug,name,rule,coders,done_at``): the rule is the sample rule's JSON, as
  ``studies.create_study`` stores it; coders are ``;``-separated; ``done_at`` is when every listed coder
  marked the study done, so nobody codes a seeded study blind and its coders' records on its units join it
  exactly as ``study done`` joins them;
- ``study_units.csv`` (``study,unit``): unit keys as core/db/units.py writes them;
- ``consensus.csv`` (``consensus_uuid,record_uuid``): a consensus record and one record it settles.

Every row is checked before anything is written; a bad one raises ImportFailed naming the file, its line and
the column. The writes go through core/db (studies, consensus) inside the caller's operation.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from stancetracker.core.db import consensus, studies
from stancetracker.core.db.store import Store
from stancetracker.core.exchange.csv_reader import CsvReader
from stancetracker.core.model.entities import check_coder, check_slug
from stancetracker.core.model.errors import ImportFailed, RowProblem, StanceError, ValidationError

STUDY_FILES = {
    "studies": ("slug", "name", "rule", "coders", "done_at"),
    "study_units": ("study", "unit"),
    "consensus": ("consensus_uuid", "record_uuid"),
}
REQUIRED = {"studies": ("slug", "rule"), "study_units": ("study", "unit"),
            "consensus": ("consensus_uuid", "record_uuid")}
_PLACE = re.compile(r"(at .+|chars \d+-\d+)", re.S)


@dataclass
class _Study:
    line: int
    slug: str
    name: str
    rule: dict
    coders: list[str]
    done_at: str | None
    units: list[str] = field(default_factory=list)


def _rows(path: Path, table: str) -> list[tuple[int, dict[str, str]]]:
    """The file's rows as {column: cell}, after its header is checked against the table's layout."""
    reader = CsvReader(path, None, delimiter=",")
    raw = list(reader.rows())
    header = [h.strip().lower() for h in reader.header]
    unknown = [h for h in header if h not in STUDY_FILES[table]]
    missing = [c for c in REQUIRED[table] if c not in header]
    if unknown or missing:
        what = f"unknown column {unknown[0]!r}" if unknown else f"missing column {missing[0]!r}"
        raise ImportFailed(str(path), [RowProblem(1, (unknown or missing)[0], f"{what} for a {table} file")])
    out, problems = [], []
    for line, row in raw:
        if len(row) != len(header):
            problems.append(RowProblem(line, "", f"has {len(row)} cells; the header has {len(header)}"))
        else:
            out.append((line, {h: c.strip() for h, c in zip(header, row)}))
    if problems:
        raise ImportFailed(str(path), problems)
    return out


def _timestamp(text: str) -> str:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError("done_at", f"{text!r} is not an ISO timestamp (e.g. 2026-01-31T12:00:00+00:00)") \
            from None
    return text


def _study(line: int, v: dict[str, str]) -> _Study:
    slug = check_slug("slug", v["slug"])
    try:
        rule = json.loads(v["rule"] or "{}")
    except ValueError as err:
        raise ValidationError("rule", f"is not JSON ({err})") from None
    if not isinstance(rule, dict):
        raise ValidationError("rule", "must be a JSON object, as 'study create' stores it")
    try:
        coders = [check_coder(c.strip()) for c in v.get("coders", "").split(";") if c.strip()]
    except ValidationError as err:
        raise ValidationError("coders", err.reason) from None
    if len(set(coders)) != len(coders):
        raise ValidationError("coders", "a coder is listed twice")
    done = v.get("done_at", "")
    if coders and not done:
        raise ValidationError("done_at", "required: when the listed coders marked the study done")
    if done and not coders:
        raise ValidationError("done_at", "no coder is listed to have marked the study done")
    return _Study(line, slug, v.get("name", "") or slug, rule, coders, _timestamp(done) if done else None)


def _unit_problem(key: str, ids: dict[str, dict[str, int]], coded: set[str]) -> str | None:
    """Why a unit key is not one of the seeded records' units, or None."""
    parts = key.split("|")
    if len(parts) != 4:
        return f"{key!r} is not a unit key (source|at LOCATOR|actor|dimension, docs/reliability.md)"
    source, place, actor, dimension = parts
    for kind, slug in (("source", source), ("actor", actor), ("dimension", dimension)):
        if (slug or kind != "source") and slug not in ids[f"{kind}s"]:
            return f"no {kind} {slug!r} in the seeds"
    if not _PLACE.fullmatch(place):
        return f"the place {place!r} is neither 'at LOCATOR' nor 'chars START-END'"
    if key not in coded:
        return f"no seeded record is on unit {key!r} (is the locator written exactly as in records.csv?)"
    return None


def read_studies(store: Store, folder: Path) -> list[_Study]:
    """The studies of ``studies.csv`` with their units from ``study_units.csv``, every row checked."""
    path, units_path = folder / "studies.csv", folder / "study_units.csv"
    found: dict[str, _Study] = {}
    problems: list[RowProblem] = []
    for line, v in _rows(path, "studies") if path.exists() else []:
        try:
            st = _study(line, v)
        except ValidationError as err:
            problems.append(RowProblem(line, err.field, err.reason))
            continue
        if st.slug in found:
            problems.append(RowProblem(line, "slug", f"study {st.slug!r} is listed twice"))
        found[st.slug] = st
    if problems:
        raise ImportFailed(str(path), problems)
    ids = store.slug_ids()
    coded = {key for key, *_ in studies.record_units(store)}
    seen: set[tuple[str, str]] = set()
    for line, v in _rows(units_path, "study_units") if units_path.exists() else []:
        st = found.get(v["study"])
        why = ("study", f"no study {v['study']!r} in studies.csv") if st is None else None
        if why is None and (v["study"], v["unit"]) in seen:
            why = ("unit", f"unit {v['unit']!r} is listed twice for study {v['study']!r}")
        if why is None and (reason := _unit_problem(v["unit"], ids, coded)):
            why = ("unit", reason)
        if why:
            problems.append(RowProblem(line, *why))
            continue
        seen.add((v["study"], v["unit"]))
        st.units.append(v["unit"])
    if problems:
        raise ImportFailed(str(units_path), problems)
    empty = [st for st in found.values() if not st.units]
    if empty:
        raise ImportFailed(str(path), [RowProblem(st.line, "slug", f"study {st.slug!r} has no unit in "
                                                                    "study_units.csv") for st in empty])
    return list(found.values())


def read_consensus(store: Store, folder: Path) -> dict[str, list[str]]:
    """consensus record UUID -> the UUIDs of the records it settles, from ``consensus.csv``, every row checked:
    both live records, on one unit, a record settled once and a consensus record settled by none."""
    path = folder / "consensus.csv"
    if not path.exists():
        return {}
    live = studies.record_units(store)
    records = {uuid: key for key, _rid, *_rest, uuid in live}
    by_id = {uuid: rid for _key, rid, *_rest, uuid in live}
    settled = set(consensus.settled_by(store))
    out: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    problems: list[RowProblem] = []
    for line, v in _rows(path, "consensus"):
        c, r = v["consensus_uuid"], v["record_uuid"]
        why = next(((col, f"no live record {u!r} in the seeds") for col, u in
                    (("consensus_uuid", c), ("record_uuid", r)) if u not in records), None)
        if why is None and c == r:
            why = ("record_uuid", "a consensus record cannot settle itself")
        if why is None and records[c] != records[r]:
            why = ("record_uuid", f"record {r} is on unit {records[r]!r}, not on its consensus record's unit "
                                  f"{records[c]!r}")
        if why is None and (r in owner or by_id[r] in settled):
            why = ("record_uuid", f"record {r} is already settled (by {owner.get(r, 'an earlier consensus')})")
        if why is None and (c in owner or r in out or by_id[c] in settled):
            why = ("consensus_uuid" if c in owner else "record_uuid",
                   "a record cannot both settle records and be settled")
        if why:
            problems.append(RowProblem(line, *why))
            continue
        owner[r] = c
        out.setdefault(c, []).append(r)
    if problems:
        raise ImportFailed(str(path), problems)
    return out


def load_study_seeds(store: Store, folder: Path) -> dict[str, int]:
    """Load the seeded studies and consensus links (inside the caller's operation); returns counts."""
    found = read_studies(store, folder)
    links = read_consensus(store, folder)
    counts = {"studies": 0, "study_units": 0, "study_records": 0, "consensus": 0}
    if not found and not links:
        return counts
    with store.operation("seed", f"seed {len(found)} reliability stud{'ies' if len(found) != 1 else 'y'}"):
        for st in found:
            try:
                studies.create_study(store, st.slug, st.name, st.units, st.rule)
            except StanceError as err:
                raise ImportFailed(str(folder / "studies.csv"), [RowProblem(st.line, "slug", str(err))]) from None
            if st.coders:
                studies.assign(store, st.slug, st.coders)
            for coder in st.coders:
                counts["study_records"] += studies.mark_done(store, st.slug, coder, st.done_at)
            counts["studies"] += 1
            counts["study_units"] += len(st.units)
        ids = {uuid: (key, rid) for key, rid, *_rest, uuid in studies.record_units(store)}
        for c, settles in links.items():
            key, cid = ids[c]
            consensus.link(store, cid, [ids[r][1] for r in settles], {"consensus": c, "unit": key, "settles": settles})
            counts["consensus"] += 1
    return counts


__all__ = ["STUDY_FILES", "load_study_seeds", "read_consensus", "read_studies"]
