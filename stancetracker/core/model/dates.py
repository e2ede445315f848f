"""Dates with a precision: "2020", "Jan 2020", "7 November 2021"."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from functools import lru_cache

PRECISIONS = ("day", "month", "year")

_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([a-z]+)\.?,?\s+(\d{4})$")
# The shape of a timestamp (digits may be any script's: \d); check_timestamp also wants a real date and time.
ISO_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


class DateError(ValueError):
    """A text that is not a date we understand; the message says why."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a day, a month or a year; ``value`` is the period's first day."""

    value: _dt.date
    precision: str = "day"

    @property
    def iso(self) -> str:
        return self.value.isoformat()

    def short(self) -> str:
        """Shortest faithful form: 2020, 2020-01 or 2020-01-07."""
        if self.precision == "year":
            return f"{self.value.year:04d}"
        if self.precision == "month":
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.iso

    def words(self) -> str:
        """'7 Dec 2019', 'Dec 2019' or '2019': in words, no more precise than it was coded."""
        v = self.value
        if self.precision == "year":
            return f"{v.year:04d}"
        if self.precision == "month":
            return f"{_MONTH_ABBR[v.month - 1]} {v.year:04d}"
        return f"{v.day} {_MONTH_ABBR[v.month - 1]} {v.year:04d}"

    def end(self) -> _dt.date:
        """Last day of the period."""
        v = self.value
        if self.precision == "year":
            return _dt.date(v.year, 12, 31)
        if self.precision == "month":
            if v.month == 12:  # also keeps 9999-12 from reaching year 10000
                return _dt.date(v.year, 12, 31)
            return _dt.date(v.year, v.month + 1, 1) - _dt.timedelta(days=1)
        return v

    def __str__(self) -> str:
        return self.short()


def _make(year: int, month: int | None, day: int | None, text: str) -> PartialDate:
    if not 1 <= year <= 9999:
        raise DateError(f"year out of range in {text!r}")
    if month is None:
        return PartialDate(_dt.date(year, 1, 1), "year")
    if not 1 <= month <= 12:
        raise DateError(f"no month {month} in {text!r}")
    if day is None:
        return PartialDate(_dt.date(year, month, 1), "month")
    try:
        return PartialDate(_dt.date(year, month, day), "day")
    except ValueError:
        raise DateError(f"no day {day} in month {month} of {year} in {text!r}") from None


def _month(name: str, text: str) -> int:
    try:
        return _MONTHS[name]
    except KeyError:
        raise DateError(f"unknown month name {name!r} in {text!r}") from None


@lru_cache(maxsize=65536)
def parse_date(text: str, precision: str | None = None) -> PartialDate:
    """Parse a date, inferring the precision from its form unless one is given.

    Accepts ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` and written forms such as
    ``7 November 2021``, ``November 7, 2021`` and ``Nov 2021``. An explicit
    precision coarser than the written form truncates the date to the start
    of its period; a finer one is an error.
    """
    if not isinstance(text, str):
        raise DateError("a date must be text")
    if len(text) > 64:
        raise DateError("a date is at most 64 characters long")
    s = " ".join(text.strip().split()).lower()
    if not s:
        raise DateError("the date is empty")
    m = _ISO.match(s)
    if m:
        y, mo, d = m.groups()
        result = _make(int(y), int(mo) if mo else None, int(d) if d else None, text)
    elif m := _DAY_MONTH_YEAR.match(s):
        result = _make(int(m.group(3)), _month(m.group(2), text), int(m.group(1)), text)
    elif m := _MONTH_DAY_YEAR.match(s):
        result = _make(int(m.group(3)), _month(m.group(1), text), int(m.group(2)), text)
    elif m := _MONTH_YEAR.match(s):
        result = _make(int(m.group(2)), _month(m.group(1), text), None, text)
    else:
        raise DateError(
            f"{text!r} is not a date; write YYYY, YYYY-MM, YYYY-MM-DD or e.g. '7 November 2021'"
        )
    if precision is None or precision == "":
        return result
    if precision not in PRECISIONS:
        raise DateError(f"precision must be day, month or year, not {precision!r}")
    if PRECISIONS.index(precision) < PRECISIONS.index(result.precision):
        raise DateError(f"{text!r} does not give a {precision}")
    v = result.value
    if precision == "year":
        v = v.replace(month=1, day=1)
    elif precision == "month":
        v = v.replace(day=1)
    return PartialDate(v, precision)


def check_timestamp(text: str) -> str:
    """Validate an ISO 8601 timestamp and return it unchanged."""
    if not ISO_TIMESTAMP.match(text):
        raise DateError(f"{text!r} is not an ISO 8601 timestamp such as 2024-01-31T12:00:00Z")
    try:
        _dt.date.fromisoformat(text[:10])
    except ValueError:
        raise DateError(f"{text!r} is not a real date") from None
    # The pattern only says "two digits": 99:99 must not pass as a time of day.
    hour, minute = int(text[11:13]), int(text[14:16])
    second = int(text[17:19]) if text[16:17] == ":" else 0
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(f"{text!r} is not a real time of day")
    return text


# Every timestamp a program reads from us (export CSV, --format csv/json/jsonl) has this one shape:
# UTC, to the microsecond, as utc_now() stores them, so our own timestamps go through a CSV round
# trip unchanged. Mixed shapes (some with fractions, some without) break pandas' default parsing.
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_OFFSET_NO_COLON = re.compile(r"[+-]\d{4}$")


def timestamp_out(text: str | None) -> str | None:
    """A stored timestamp as written for programs: ISO 8601 UTC, six decimals (2026-12-02T14:50:00.000000Z).

    A stored value with no offset is taken as UTC (we store UTC); text that is no
    timestamp (a file edited elsewhere) is returned as it is, never invented.
    The export's SQL does the same (core/db/record_export.py).
    """
    if not isinstance(text, str) or not ISO_TIMESTAMP.match(text) or _OFFSET_NO_COLON.search(text):
        return text  # (SQLite reads no +HHMM offset either: the export keeps such text as it is too)
    try:
        when = _dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return text
    if when.tzinfo is not None:
        when = when.astimezone(_dt.timezone.utc)
    return when.strftime(TIMESTAMP_FORMAT)


def utc_now() -> str:
    """The current UTC time as an ISO 8601 string with a Z suffix."""
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
