"""Dates on chart axes: seconds since the epoch (UTC) as float64, what ``pyqtgraph.DateAxisItem`` expects."""

from __future__ import annotations

import datetime as _dt

import numpy as np

from stancetracker.core.analysis.series import Series
from stancetracker.core.model.dates import PartialDate

DAY_SECONDS = 86400.0


def to_seconds(dates: np.ndarray) -> np.ndarray:
    """datetime64 dates as float seconds since the epoch (UTC)."""
    return np.asarray(dates, dtype="datetime64[D]").astype("datetime64[s]").astype(np.float64)


def day(value: _dt.date | PartialDate | str | np.datetime64) -> np.datetime64:
    """Any date-like value as ``datetime64[D]`` (a PartialDate gives its first day)."""
    if isinstance(value, PartialDate):
        value = value.value
    return np.datetime64(value, "D")


def seconds(value: _dt.date | PartialDate | str | np.datetime64) -> float:
    """One date-like value as seconds since the epoch (its first second)."""
    return float(to_seconds(np.array([day(value)]))[0])


def add_months(dates: np.ndarray, months: int) -> np.ndarray:
    """Dates plus whole months, clamped to the end of shorter months (31 Jan + 1 = 28/29 Feb)."""
    d = np.asarray(dates, dtype="datetime64[D]")
    m = d.astype("datetime64[M]")
    offset = d - m.astype("datetime64[D]")
    target = (m + months).astype("datetime64[D]") + offset
    last = (m + months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(target, last)


def chart_bounds(series_list: list[Series], since, until) -> tuple[float, float]:
    """Chart start and end (seconds): the window if given, else the data's extent."""
    starts = [s.dates[0] for s in series_list if len(s)]
    ends = [s.ends[-1] for s in series_list if len(s)]
    today = np.datetime64(_dt.date.today(), "D")
    lo = day(since) if since is not None else (min(starts) if starts else today - 365)
    if until is not None:
        hi = np.datetime64(until.end() if isinstance(until, PartialDate) else until, "D")
    else:
        hi = max(ends) if ends else today
    hi = max(hi, lo + 1)
    return float(to_seconds(np.array([lo]))[0]), float(to_seconds(np.array([hi + 1]))[0])


def chart_window(since, until) -> tuple[float | None, float | None]:
    """The window asked for, in seconds (None for an open side); its end is the day after ``until``."""
    lo = seconds(since) if since is not None else None
    hi = None
    if until is not None:
        end = until.end() if isinstance(until, PartialDate) else until
        hi = float(to_seconds(np.array([day(end) + 1]))[0])
    return lo, hi
