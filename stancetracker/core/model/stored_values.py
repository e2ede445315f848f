"""Rules for rows already in a database file: read, checked, never trusted.

A file can hold values our own code would never write (edited with sqlite3,
made by another tool, brought in by a merge). These functions say, for one
stored row, which rules it breaks, using the same checks as the editor and
the importer; `check`, merge and the window all ask them.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from functools import lru_cache

from stancetracker.core.model.dates import PRECISIONS, DateError, PartialDate, check_timestamp
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.entities import (
    ACTOR_KINDS,
    CONFIDENCES,
    MAX_EVIDENCE,
    MAX_LOCATOR,
    MAX_NAME,
    MAX_TEXT,
    MAX_TITLE,
    SCORE_MAX,
    SCORE_MIN,
    SOURCE_KINDS,
    check_colour,
    check_slug,
    check_text,
    check_uuid,
)

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


def date_problem(value: object, precision: object) -> str | None:
    """What is wrong with a stored date and precision, or None."""
    try:
        stored_date(value, precision)
    except DateError as err:
        return str(err)
    return None


def score_problem(score: object) -> str | None:
    """What is wrong with a stored score, or None (a finite number from -2 to 2)."""
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not math.isfinite(score):
        return f"{str(score)[:40]!r} is not a number"
    if not SCORE_MIN <= score <= SCORE_MAX:
        return f"{score:g} is outside the range -2 to 2"
    return None


def confidence_problem(value: object) -> str | None:
    if value in CONFIDENCES:
        return None
    return f"{str(value)[:40]!r} is not one of {', '.join(CONFIDENCES)}"


CHART_COLUMNS = ("date", "score", "confidence")


def chart_problem(date: object, precision: object, score: object, confidence: object) -> Problem | None:
    """The first of the values a chart draws that breaks a rule, as (column, reason); None if all are sound."""
    for column, why in (("date", date_problem(date, precision)), ("score", score_problem(score)),
                        ("confidence", confidence_problem(confidence))):
        if why:
            return column, why
    return None


def observations_sound(dates: tuple, precisions: tuple, scores: tuple, confidences: tuple) -> bool:
    """True only if :func:`chart_problem` finds nothing in any of these rows, checked as whole columns.

    The fast path of a chart: dates are checked once per distinct value
    (a cache), scores as one array. False means "look at each row".
    """
    import numpy as np
    if not dates:
        return True
    if not set(map(type, scores)) <= {float, int} or not set(confidences) <= _CONFIDENCE_SET:
        return False
    # Text dates go straight to the cache (C calls); anything else is looked at one by one.
    check = _text_date_sound if set(map(type, dates)) == {str} and set(precisions) <= _PRECISION_SET else _date_sound
    if not all(map(check, dates, precisions)):
        return False
    values = np.asarray(scores, dtype=float)
    return bool((np.isfinite(values) & (values >= SCORE_MIN) & (values <= SCORE_MAX)).all())


_CONFIDENCE_SET = frozenset(CONFIDENCES)
_PRECISION_SET = frozenset(PRECISIONS)


def _date_sound(value: object, precision: object) -> bool:
    if type(value) is str and type(precision) is str:
        return _text_date_sound(value, precision)
    return date_problem(value, precision) is None


@lru_cache(maxsize=1 << 16)
def _text_date_sound(value: str, precision: str) -> bool:
    return date_problem(value, precision) is None


def record_problems(row: Mapping) -> list[Problem]:
    """Every rule a stored ``records`` row breaks (its columns as in the table); [] if none."""
    problems: list[Problem] = []
    uuid = row.get("uuid")
    try:
        if check_uuid(uuid) != uuid:
            problems.append(("uuid", f"{uuid!r} is not written in lower case"))
    except ValidationError as err:
        problems.append(("uuid", err.reason))
    date, precision = row.get("date"), row.get("date_precision")
    for column, why in (("date", None if _date_sound(date, precision) else date_problem(date, precision)),
                        ("score", score_problem(row.get("score"))),
                        ("confidence", confidence_problem(row.get("confidence")))):
        if why:
            problems.append((column, why))
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
    return "; ".join(f"{column}: {visible(reason, 300)}" for column, reason in problems)


def stored_text(value: object) -> str:
    """A stored value of a text column as text, whatever type the file holds (NULL is empty)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]")


def visible(value: object, limit: int = 200, one_line: bool = True) -> str:
    """A stored value as text safe to show: control and direction characters spelled out, cut to ``limit``."""
    text = stored_text(value)
    cut = len(text) > limit
    text = text[:limit]
    if one_line:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\t", " ")
    text = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xff
                          else f"\\x{ord(m.group()):02x}", text)
    return text + "…" if cut else text
