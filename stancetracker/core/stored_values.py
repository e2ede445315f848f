"""Rules for rows already in a database file: read, checked, never trusted.

A file can hold values our own code would never write (edited with sqlite3,
made by another tool, brought in by a merge). These functions say, for one
stored row, which rules it breaks, using the same checks as the editor and
the importer; `check`, merge and the window all ask them.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Mapping

from .dates import PRECISIONS, DateError, PartialDate, check_timestamp
from .errors import ValidationError
from .model import (ACTOR_KINDS, CONFIDENCES, MAX_EVIDENCE, MAX_LOCATOR, MAX_NAME, MAX_TEXT, MAX_TITLE,
                    SCORE_MAX, SCORE_MIN, SOURCE_KINDS, check_colour, check_slug, check_text, check_uuid)

Problem = tuple[str, str]  # (column, what is wrong with it)


def stored_date(value: object, precision: object) -> PartialDate:
    """The PartialDate a stored ISO date and precision stand for; DateError if they are not one."""
    if precision not in PRECISIONS:
        raise DateError(f"precision {str(precision)[:20]!r} is not day, month or year")
    if not isinstance(value, str) or len(value) != 10:
        raise DateError(f"{str(value)[:40]!r} is not a date like 2021-11-07")
    try:
        day = _dt.date.fromisoformat(value)
    except ValueError:
        raise DateError(f"{value!r} is not a real date") from None
    if day.isoformat() != value:  # fromisoformat also takes forms we never write
        raise DateError(f"{value!r} is not a date like 2021-11-07")
    if (precision == "month" and day.day != 1) or (precision == "year" and (day.month, day.day) != (1, 1)):
        raise DateError(f"{value} is not the first day of its {precision}")
    return PartialDate(day, precision)


def _text(problems: list[Problem], row: Mapping, column: str, **rules) -> None:
    too_long = (row.get("_lengths") or {}).get(column)  # measured, not read (stored_rows)
    if too_long is not None:
        problems.append((column, f"is {too_long:,} characters long; the limit is {rules['max_len']:,}"))
        return
    value = row.get(column)
    try:
        check_text(column, value, **rules)
    except ValidationError as err:
        problems.append((column, err.reason))


def _slug(problems: list[Problem], row: Mapping, column: str) -> None:
    try:
        check_slug(column, row.get(column))
    except ValidationError as err:
        problems.append((column, err.reason))


def _timestamp(problems: list[Problem], row: Mapping, column: str) -> None:
    value = row.get(column)
    try:
        if not isinstance(value, str):
            raise DateError(f"{str(value)[:40]!r} is not a timestamp")
        check_timestamp(value)
    except DateError as err:
        problems.append((column, str(err)))


def _one_of(problems: list[Problem], row: Mapping, column: str, allowed: tuple) -> None:
    if row.get(column) not in allowed:
        problems.append((column, f"{str(row.get(column))[:40]!r} is not one of {', '.join(map(str, allowed))}"))


def record_problems(row: Mapping) -> list[Problem]:
    """Every rule a stored ``records`` row breaks (its columns as in the table); [] if none."""
    problems: list[Problem] = []
    uuid = row.get("uuid")
    try:
        if check_uuid(uuid) != uuid:
            problems.append(("uuid", f"{uuid!r} is not written in lower case"))
    except ValidationError as err:
        problems.append(("uuid", err.reason))
    try:
        stored_date(row.get("date"), row.get("date_precision"))
    except DateError as err:
        problems.append(("date", str(err)))
    score = row.get("score")
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        problems.append(("score", f"{str(score)[:40]!r} is not a number"))
    elif not SCORE_MIN <= score <= SCORE_MAX:
        problems.append(("score", f"{score:g} is outside the range -2 to 2"))
    _one_of(problems, row, "confidence", CONFIDENCES)
    _text(problems, row, "locator", max_len=MAX_LOCATOR)
    _text(problems, row, "evidence", max_len=MAX_EVIDENCE, multiline=True)
    _text(problems, row, "coder", max_len=MAX_NAME, required=True, name=True)
    _timestamp(problems, row, "created_at")
    _timestamp(problems, row, "updated_at")
    version = row.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(("version", f"{str(version)[:40]!r} is not a whole number from 1 up"))
    _one_of(problems, row, "deleted", (0, 1))
    return problems


def actor_problems(row: Mapping) -> list[Problem]:
    """Every rule a stored ``actors`` row breaks; [] if none."""
    problems: list[Problem] = []
    _slug(problems, row, "slug")
    _text(problems, row, "name", max_len=MAX_NAME, required=True, name=True)
    _one_of(problems, row, "kind", ACTOR_KINDS)
    try:
        check_colour(row.get("colour"))
    except ValidationError as err:
        problems.append(("colour", err.reason))
    _text(problems, row, "description", max_len=MAX_TITLE, multiline=True)
    return problems


def alias_problems(row: Mapping) -> list[Problem]:
    """Every rule the stored ``aliases`` (a list) of an actor row break; [] if none."""
    problems: list[Problem] = []
    if (row.get("_lengths") or {}).get("aliases") is not None:
        _text(problems, row, "aliases", max_len=MAX_NAME)
    aliases = row.get("aliases") or []
    for alias in aliases if isinstance(aliases, (list, tuple)) else [aliases]:
        _text(problems, {"aliases": alias}, "aliases", max_len=MAX_NAME, name=True)
    return problems


def dimension_problems(row: Mapping) -> list[Problem]:
    """Every rule a stored ``dimensions`` row breaks; [] if none."""
    problems: list[Problem] = []
    _slug(problems, row, "slug")
    _text(problems, row, "label", max_len=MAX_NAME, required=True, name=True)
    for column in ("neg_label", "pos_label"):
        _text(problems, row, column, max_len=MAX_NAME, name=True)
    for column in ("question", "neg_pole", "pos_pole"):
        _text(problems, row, column, max_len=MAX_TITLE, multiline=True)
    _text(problems, row, "codebook", max_len=MAX_EVIDENCE, multiline=True)
    position = row.get("position")
    if isinstance(position, bool) or not isinstance(position, int):
        problems.append(("position", f"{str(position)[:40]!r} is not a whole number"))
    return problems


def source_problems(row: Mapping) -> list[Problem]:
    """Every rule a stored ``sources`` row breaks; [] if none."""
    problems: list[Problem] = []
    _slug(problems, row, "slug")
    _text(problems, row, "title", max_len=MAX_TITLE, required=True)
    for column in ("publisher", "author"):
        _text(problems, row, column, max_len=MAX_NAME)
    _text(problems, row, "url", max_len=2000)
    _one_of(problems, row, "kind", SOURCE_KINDS)
    _text(problems, row, "language", max_len=20)
    if row.get("published") is not None:
        try:
            stored_date(row.get("published"), row.get("published_precision"))
        except DateError as err:
            problems.append(("published", str(err)))
    if row.get("text_bytes", 0) > 4 * MAX_TEXT:
        # Measured, not read (stored_rows.read_sources): a text this long is never loaded.
        problems.append(("text", f"holds {row['text_bytes']:,} bytes, more than the {MAX_TEXT:,} characters allowed"))
    elif "text" in row:
        _text(problems, row, "text", max_len=MAX_TEXT, multiline=True)
    return problems


def event_problems(row: Mapping) -> list[Problem]:
    """Every rule a stored ``events`` row breaks; [] if none."""
    problems: list[Problem] = []
    _slug(problems, row, "slug")
    try:
        stored_date(row.get("date"), row.get("date_precision"))
    except DateError as err:
        problems.append(("date", str(err)))
    _text(problems, row, "label", max_len=80, required=True)
    _text(problems, row, "description", max_len=MAX_TITLE, multiline=True)
    return problems


def describe(problems: list[Problem]) -> str:
    """One line for a list of problems: 'date: … ; score: …'."""
    return "; ".join(f"{column}: {reason}" for column, reason in problems)
