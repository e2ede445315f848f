"""``check``'s look at stored values: every row of records, actors, sources and events by the rules of stored_values.

Records are many, so SQLite first sets aside the rows that plainly pass
(printable ASCII text within its limits, a lower-case UUID, a real date,
our timestamp forms): that test is stricter than the rules, so no bad row
is missed, and only the rest meet the Python rules, in batches.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter

from stancetracker.core.model.entities import MAX_EVIDENCE, MAX_LOCATOR, MAX_NAME
from stancetracker.core.db.stored_rows import read_actors, read_events, read_sources
from stancetracker.core.model.stored_values import (
    Problem,
    actor_problems,
    alias_problems,
    event_problems,
    record_problems,
    source_problems,
)

BATCH = 5000
SHOWN = 3  # first uuids/slugs named per rule

_RECORD_COLUMNS = ("uuid", "date", "date_precision", "score", "confidence", "locator", "evidence", "coder",
                   "created_at", "updated_at", "version", "deleted")
_HEX = "[0-9a-f]"
_UUID_GLOB = "-".join(_HEX * n for n in (8, 4, 4, 4, 12))
_DIGITS = lambda n: "[0-9]" * n  # noqa: E731
_DATE_GLOB = f"{_DIGITS(4)}-{_DIGITS(2)}-{_DIGITS(2)}"
_TIME = f"T{_DIGITS(2)}:{_DIGITS(2)}:{_DIGITS(2)}"


def _plain_text(column: str, limit: int, required: bool = False) -> str:
    # Printable ASCII only (no line breaks, controls or direction marks) and within the limit.
    cond = f"typeof({column}) = 'text' AND length({column}) <= {limit} AND {column} NOT GLOB '*[^ -~]*'"
    if required:
        cond += f" AND {column} GLOB '*[A-Za-z0-9]*'"
    return cond


def _plain_timestamp(column: str) -> str:
    return (f"({column} GLOB '{_DATE_GLOB}{_TIME}Z' OR {column} GLOB '{_DATE_GLOB}{_TIME}.{_DIGITS(6)}Z')"
            f" AND date(substr({column}, 1, 10), '+0 days') = substr({column}, 1, 10) AND substr({column}, 1, 4) >= '0001'"
            f" AND substr({column}, 12, 2) <= '23' AND substr({column}, 15, 2) <= '59'"
            f" AND substr({column}, 18, 2) <= '59'")


# Rows this accepts pass every rule of record_problems; the rest are checked in Python.
PLAIN_RECORD = " AND ".join([
    f"typeof(uuid) = 'text' AND uuid GLOB '{_UUID_GLOB}'",
    f"typeof(date) = 'text' AND date GLOB '{_DATE_GLOB}' AND date(date, '+0 days') = date AND date >= '0001'",
    "(date_precision = 'day' OR (date_precision = 'month' AND substr(date, 9) = '01')"
    " OR (date_precision = 'year' AND substr(date, 6) = '01-01'))",
    "typeof(score) IN ('integer', 'real') AND score BETWEEN -2 AND 2",
    "confidence IN ('low', 'medium', 'high')",
    _plain_text("locator", MAX_LOCATOR), _plain_text("evidence", MAX_EVIDENCE),
    _plain_text("coder", MAX_NAME, required=True),
    _plain_timestamp("created_at"), _plain_timestamp("updated_at"),
    "typeof(version) = 'integer' AND version >= 1",
    "typeof(deleted) = 'integer' AND deleted IN (0, 1)",
])


class _Tally:
    """Counts per (table, column, rule) with the first few keys."""

    def __init__(self) -> None:
        self.counts: Counter = Counter()
        self.keys: dict[tuple, list[str]] = {}
        self.rows: Counter = Counter()
        self.first: dict[tuple, str] = {}  # the first row's own reason, values and all

    def add(self, table: str, key: object, problems: list[Problem]) -> None:
        if not problems:
            return
        self.rows[table] += 1
        for column, reason in problems:
            rule = (table, column, _rule(reason))
            self.counts[rule] += 1
            shown = self.keys.setdefault(rule, [])
            if len(shown) < SHOWN:
                shown.append(_short(key))
            self.first.setdefault(rule, reason[:120])


def _rule(reason: str) -> str:
    """The rule a reason names, without the value it quotes (so equal rules count together)."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|\d[\d,]*", "…", reason)[:80]


def _short(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= 40 and text.isprintable() else repr(text[:37]) + "…"


def check_values(conn: sqlite3.Connection, report) -> None:
    """Add one line per broken rule (counts, first keys and column) to a CheckReport, or one ok line."""
    tally = _Tally()
    cols = ", ".join(_RECORD_COLUMNS)
    # coalesce: a test that meets NULL is NULL, and such a row must be looked at, not skipped.
    cur = conn.execute(f"SELECT {cols} FROM records WHERE coalesce(({PLAIN_RECORD}), 0) = 0")
    while True:
        batch = cur.fetchmany(BATCH)
        if not batch:
            break
        for row in batch:
            d = dict(zip(_RECORD_COLUMNS, row))
            tally.add("records", d["uuid"], record_problems(d))
    for row in read_actors(conn):
        tally.add("actors", row["slug"], actor_problems(row) + alias_problems(row))
    for row in read_sources(conn):
        tally.add("sources", row["slug"], source_problems(row))
    for row in read_events(conn):
        tally.add("events", row["slug"], event_problems(row))
    if not tally.counts:
        report.add("ok", "every stored record, actor, source and event keeps the rules an import keeps")
        return
    for (table, column, rule), n in sorted(tally.counts.items()):
        key = (table, column, rule)
        report.add_value_problem(f"{n:,} {table[:-1] if n == 1 else table} break{'s' if n == 1 else ''} a rule in "
                              f"column {column}: {', '.join(tally.keys[key])}"
                              f"{' …' if n > len(tally.keys[key]) else ''} (first: {tally.first[key]})")


__all__ = ["PLAIN_RECORD", "check_values"]
