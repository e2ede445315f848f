"""Listings for programs: what each listing command prints with --format csv, json or jsonl.

The fields of each command are listed once, here (``FIELDS``), and described
in docs/formats.md ("Listings for programs"); a test holds the two equal.
Every timestamp is written by ``dates.timestamp_out`` (UTC, six decimals),
as the export writes them.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping
from typing import TextIO

from stancetracker.core.model.dates import timestamp_out

FORMATS = ("table", "csv", "json", "jsonl")

FIELDS: dict[str, tuple[str, ...]] = {
    "records": ("uuid", "actor_slug", "actor", "dimension_slug", "dimension", "date", "date_precision", "score",
                "score_label", "confidence", "source_slug", "source_title", "locator", "evidence", "coder",
                "created_at", "updated_at", "version", "deleted", "problems"),
    "stats": ("database", "records", "in_trash", "actors", "dimensions", "sources", "events", "coders",
              "first_date", "last_date", "changes"),
    "shifts": ("actor_slug", "actor", "dimension_slug", "dimension", "before_date", "before", "before_label",
               "after_date", "after", "after_label", "change", "sign_change", "before_records", "after_records"),
    "actors": ("slug", "name", "kind", "aliases", "colour", "description"),
    "dimensions": ("slug", "label", "question", "neg_label", "pos_label", "neg_pole", "pos_pole", "codebook",
                   "position"),
    "sources": ("slug", "title", "publisher", "author", "url", "published", "published_precision", "kind",
                "language"),
    "events": ("slug", "date", "date_precision", "label", "description", "source"),
    "operations": ("id", "at", "user", "kind", "summary", "changes", "reverts"),
    "history": ("id", "op_id", "at", "user", "op_kind", "summary", "action", "before", "after"),
    "documents": ("source", "title", "characters", "coded_share", "paragraphs", "passages", "lost"),
    "documents --search": ("source", "title", "snippet"),
    "passages": ("id", "source", "start", "end", "page", "quote", "lost", "records"),
    "study list": ("slug", "name", "units", "rule", "created_at", "coders"),
    "adjudicate list": ("unit_id", "unit", "source_slug", "actor_slug", "dimension_slug", "distance", "coders",
                        "records"),
    "positions": ("actor_slug", "actor", "dimension_slug", "dimension", "period", "mean", "low", "high",
                  "interval_low", "interval_high", "records", "sources", "coders"),
    "agreement": ("level", "alpha", "ci95", "units", "values", "coders", "pairs", "confusion", "confidence", "note",
                  "bootstrap"),
}
# Listings that are one object, not a list of them (json writes the object; csv and jsonl one row, one line).
ONE_OBJECT = ("stats", "agreement")


def write(fmt: str, command: str, items: Iterable[Mapping], out: TextIO) -> int:
    """Write ``items`` (dicts holding the command's FIELDS) to ``out`` in ``fmt``; returns how many.

    json is one array (``stats``, ``agreement``: one object), jsonl one object a line, csv a
    header of the fields and a row each, lists and objects as JSON text.
    """
    fields = FIELDS[command]
    n = 0
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(fields)
        for item in items:
            writer.writerow([_cell(item[f]) for f in fields])
            n += 1
    elif fmt == "jsonl":
        for item in items:
            out.write(_json({f: item[f] for f in fields}) + "\n")
            n += 1
    elif fmt == "json":
        objects = [{f: item[f] for f in fields} for item in items]
        n = len(objects)
        if command in ONE_OBJECT:
            out.write(_json(objects[0], indent=2) + "\n")
        else:
            out.write(_json(objects, indent=2) + "\n")
    else:
        raise ValueError(f"format {fmt!r}: use one of {', '.join(FORMATS[1:])}")
    return n


def _json(value, indent: int | None = None) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:  # NaN or infinity in a stored history state (a file edited elsewhere): JSON has none
        return json.dumps(_finite(value), ensure_ascii=False, indent=indent, allow_nan=False)


def _finite(value):
    """``value`` with every NaN and infinity as None (null)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _cell(value) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return _json(value)
    return value


def _date(d) -> str | None:
    return d.iso if d is not None else None


def _precision(d) -> str | None:
    return d.precision if d is not None else None


# ------------------------------------------------------ one item each, as FIELDS lists it
def record_item(r) -> dict:
    """A core.db.query.RecordRow; a stored value that breaks a rule is given as stored, its reason in ``problems``."""
    return {"uuid": r.uuid, "actor_slug": r.actor, "actor": r.actor_name, "dimension_slug": r.dimension,
            "dimension": r.dimension_label,
            "date": r.stored.get("date") if r.date is None or "date" in r.stored else r.date.iso,
            "date_precision": r.stored.get("date_precision") or _precision(r.date),
            "score": r.score, "score_label": r.score_label, "confidence": r.confidence, "source_slug": r.source,
            "source_title": r.source_title or None, "locator": r.locator, "evidence": r.evidence, "coder": r.coder,
            "created_at": timestamp_out(r.created_at), "updated_at": timestamp_out(r.updated_at),
            "version": r.version, "deleted": bool(r.deleted),
            "problems": [f"{column}: {reason}" for column, reason in r.problems]}


def actor_item(a) -> dict:
    return {"slug": a.slug, "name": a.name, "kind": a.kind, "aliases": list(a.aliases), "colour": a.colour,
            "description": a.description}


def dimension_item(d) -> dict:
    return {f: getattr(d, f) for f in FIELDS["dimensions"]}


def source_item(s) -> dict:
    return {"slug": s.slug, "title": s.title, "publisher": s.publisher, "author": s.author, "url": s.url,
            "published": _date(s.published), "published_precision": _precision(s.published), "kind": s.kind,
            "language": s.language}


def event_item(e) -> dict:
    return {"slug": e.slug, "date": _date(e.date), "date_precision": _precision(e.date), "label": e.label,
            "description": e.description, "source": e.source}


def operation_item(op) -> dict:
    return {"id": op.id, "at": timestamp_out(op.at), "user": op.user, "kind": op.kind, "summary": op.summary,
            "changes": op.changes, "reverts": op.reverts}


def history_item(h) -> dict:
    return {"id": h.id, "op_id": h.op_id, "at": timestamp_out(h.at), "user": h.user, "op_kind": h.op_kind,
            "summary": h.summary, "action": h.action, "before": h.before, "after": h.after}


def shift_item(sh, actor_name: str, dimension) -> dict:
    """A core.analysis.series.Shift with its actor's name and its Dimension (for the labels)."""
    return {"actor_slug": sh.actor, "actor": actor_name, "dimension_slug": sh.dimension, "dimension": dimension.label,
            "before_date": str(sh.before_date)[:10], "before": float(sh.before),
            "before_label": dimension.score_label(sh.before), "after_date": str(sh.after_date)[:10],
            "after": float(sh.after), "after_label": dimension.score_label(sh.after), "change": float(sh.change),
            "sign_change": bool(sh.sign_change), "before_records": [r.uuid for r in sh.before_records],
            "after_records": [r.uuid for r in sh.after_records]}


__all__ = ["FIELDS", "FORMATS", "ONE_OBJECT", "actor_item", "dimension_item", "event_item", "history_item", "operation_item",
           "record_item", "shift_item", "source_item", "write"]
