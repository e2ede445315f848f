"""Importing actors, memberships, sources, events and dimensions from CSV.

The layouts are in docs/formats.md. Like record imports, each file goes in
whole or not at all; a row whose slug already exists with the same content
is skipped, one that differs is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from stancetracker.core.exchange.csv_reader import CsvReader
from stancetracker.core.model.dates import DateError, parse_date
from stancetracker.core.model.errors import ImportFailed, RowProblem, ValidationError
from stancetracker.core.model.entities import Actor, Dimension, Event, Membership, Source
from stancetracker.core.db.audit import public_state
from stancetracker.core.db.store import Store

TABLE_COLUMNS = {
    "actors": ("slug", "name", "kind", "aliases", "colour", "description"),
    "memberships": ("member", "group", "role", "start", "start_precision", "end", "end_precision", "note"),
    "sources": ("slug", "title", "publisher", "author", "url", "published", "published_precision", "kind", "language"),
    "events": ("slug", "date", "date_precision", "label", "description", "source"),
    "dimensions": ("slug", "label", "question", "neg_label", "pos_label", "neg_pole", "pos_pole", "codebook", "position"),
}
MAX_TABLE_ROWS = 100_000
REQUIRED = {"actors": ("slug", "name"), "memberships": ("member", "group"), "sources": ("slug", "title"),
            "events": ("slug", "date", "label"), "dimensions": ("slug", "label")}


def detect_table(header: list[str]) -> str | None:
    """Which table a header belongs to, or None (then it is a record file)."""
    cols = {h.strip().lower() for h in header}
    for table, columns in TABLE_COLUMNS.items():
        if set(REQUIRED[table]) <= cols <= set(columns):
            return table
    return None


def _date(v: dict, col: str):
    text = v.get(col, "").strip()
    if not text:
        return None
    try:
        return parse_date(text, v.get(f"{col}_precision", "").strip() or None)
    except DateError as err:
        raise ValidationError(col, str(err)) from None


def _build(table: str, v: dict) -> object:
    if table == "actors":
        aliases = [a.strip() for a in v.get("aliases", "").split(";") if a.strip()]
        return Actor(slug=v["slug"], name=v["name"], kind=v.get("kind") or "other", aliases=aliases,
                     colour=v.get("colour", ""), description=v.get("description", "")).validate()
    if table == "memberships":
        return Membership(member=v["member"], group=v["group"], role=v.get("role") or "member",
                          start=_date(v, "start"), end=_date(v, "end"), note=v.get("note", "")).validate()
    if table == "sources":
        return Source(slug=v["slug"], title=v["title"], publisher=v.get("publisher", ""), author=v.get("author", ""),
                      url=v.get("url", ""), published=_date(v, "published"), kind=v.get("kind") or "article",
                      language=v.get("language", "")).validate()
    if table == "events":
        return Event(slug=v["slug"], date=_date(v, "date"), label=v["label"],
                     description=v.get("description", ""), source=v.get("source") or None).validate()
    return Dimension(slug=v["slug"], label=v["label"], question=v.get("question", ""),
                     neg_label=v.get("neg_label", ""), pos_label=v.get("pos_label", ""),
                     neg_pole=v.get("neg_pole", ""), pos_pole=v.get("pos_pole", ""),
                     codebook=v.get("codebook", ""), position=v.get("position") or 0).validate()


def import_table(store: Store, path: Path | str, table: str | None = None,
                 progress: Callable[[int, int], bool | None] | None = None, *,
                 delimiter: str | None = None, encoding: str | None = None) -> tuple[str, int, int]:
    """Import one table file; returns (table, added, unchanged). ``delimiter`` None sniffs it."""
    path = Path(path)
    reader = CsvReader(path, encoding, delimiter=delimiter)
    rows = []
    for line, row in reader.rows():  # every row is held (the file goes in whole): a bounded number of them
        if len(rows) == MAX_TABLE_ROWS:
            raise ImportFailed(str(path), [RowProblem(line, "", f"the file has more than {MAX_TABLE_ROWS:,} rows; "
                                                            "split it into smaller files")])
        rows.append((line, row))
    header = [h.lower() for h in reader.header]
    table = table or detect_table(header)
    if table not in TABLE_COLUMNS:
        raise ImportFailed(str(path), [RowProblem(1, "", "the header matches no known layout (docs/formats.md)")])
    unknown = [h for h in header if h not in TABLE_COLUMNS[table]]
    missing = [c for c in REQUIRED[table] if c not in header]
    if unknown or missing:
        what = f"unknown column {unknown[0]!r}" if unknown else f"missing column {missing[0]!r}"
        raise ImportFailed(str(path), [RowProblem(1, (unknown or missing)[0], f"{what} for a {table} file")])
    problems: list[RowProblem] = []
    items = []
    for line, row in rows:
        if len(row) != len(header):
            problems.append(RowProblem(line, "", f"has {len(row)} cells; the header has {len(header)}"))
            continue
        v = {h: c.strip() for h, c in zip(header, row)}
        try:
            items.append((line, _build(table, v)))
        except ValidationError as err:
            problems.append(RowProblem(line, err.field, err.reason))
    if problems:
        raise ImportFailed(str(path), problems)
    added = unchanged = 0
    store.backup_before("import")  # issue 6: a verified backup before every import
    with store.operation("import", f"import {table} from {path.name}"):
        existing = _existing(store, table)
        for line, item in items:
            key = _key(table, item)
            if key in existing:
                if _same(existing[key], item):
                    unchanged += 1
                    continue
                problems.append(RowProblem(line, "slug", f"{key!r} already exists with different content"))
                continue
            try:
                {"actors": store.add_actor, "memberships": store.add_membership, "sources": store.add_source,
                 "events": store.add_event, "dimensions": store.add_dimension}[table](item)
            except ValidationError as err:
                problems.append(RowProblem(line, err.field, err.reason))
                continue
            existing[key] = item
            added += 1
        if problems:
            raise ImportFailed(str(path), problems)
    return table, added, unchanged


def _existing(store: Store, table: str) -> dict:
    items = {"actors": store.actors, "memberships": store.memberships, "sources": store.sources,
             "events": store.events, "dimensions": store.dimensions}[table]()
    return {_key(table, i): i for i in items}


def _key(table: str, item) -> str:
    if table == "memberships":
        return f"{item.member}|{item.group}|{item.role}|{item.start}"
    return item.slug


def _same(a, b) -> bool:
    skip = ("colour", "text", "position")
    return {k: v for k, v in public_state(a).items() if k not in skip} == {k: v for k, v in public_state(b).items() if k not in skip}
