"""Units: what two coders can code alike (docs/reliability.md), as one rule in SQL and in Python.

A unit is a coded passage (source + character offsets) × actor × dimension;
a record without a passage is placed by its source and locator instead. The
key is text, so that studies keep their units and databases merged from
several coders' files agree on them.
"""

from __future__ import annotations

import hashlib

# The unit key of a record ``r`` (any query over ``records r``): source, place, actor, dimension.
UNIT_SQL = (
    "(coalesce((SELECT slug FROM sources WHERE id = r.source_id), '') || '|' || "
    "coalesce((SELECT 'chars ' || p.start || '-' || p.\"end\" FROM passages p WHERE p.id = r.passage_id), "
    "'at ' || r.locator) || '|' || (SELECT slug FROM actors WHERE id = r.actor_id) || '|' || "
    "(SELECT slug FROM dimensions WHERE id = r.dimension_id))"
)


def unit_key(source: str | None, actor: str, dimension: str, *, start: int | None = None, end: int | None = None,
             locator: str = "") -> str:
    """The unit a record belongs to: its passage's offsets when it has one, else its locator (as UNIT_SQL)."""
    place = f"chars {start}-{end}" if start is not None and end is not None else f"at {locator}"
    return f"{source or ''}|{place}|{actor}|{dimension}"


def unit_id(key: str) -> str:
    """A short, stable name of a unit for the command line (the first ten hex digits of its SHA-1)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def describe(key: str) -> str:
    """A unit key in words: ``source, place: actor on dimension``."""
    source, place, actor, dimension = (key.split("|") + ["", "", "", ""])[:4]
    return f"{source or '(no source)'} {place}: {actor} on {dimension}"


__all__ = ["UNIT_SQL", "describe", "unit_id", "unit_key"]
