"""A trace: one actor on one dimension as a step line, split where its evidence goes stale."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stancetracker.core.analysis.chartdates import DAY_SECONDS, add_months, to_seconds
from stancetracker.core.analysis.series import Series
from stancetracker.core.analysis.wording import Averaged


@dataclass
class Trace:
    """One actor on one dimension, ready to draw.

    Per observation (one per distinct date, as in :class:`series.Series`):
    ``x``/``x_end`` the first and last second of its period, ``y`` the mean
    score, ``low``/``high`` the spread, ``n``, ``confidence`` (0 low ... 2 high),
    ``precision`` (0 day, 1 month, 2 year), ``uuids``. ``step_x``/``step_y``
    are the whole step line up to the chart's end; ``fresh_*`` and ``stale_*``
    split it (NaN-separated) into the part backed by evidence younger than the
    horizon and the part drawn faded. ``stale_from`` is the last observation
    plus the horizon (None without observations).
    """

    actor: str
    name: str
    colour: str
    dimension: str
    series: Series
    x: np.ndarray
    x_end: np.ndarray
    y: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: np.ndarray
    confidence: np.ndarray
    precision: np.ndarray
    uuids: list[list[str]]
    step_x: np.ndarray
    step_y: np.ndarray
    fresh_x: np.ndarray
    fresh_y: np.ndarray
    stale_x: np.ndarray
    stale_y: np.ndarray
    stale_from: np.datetime64 | None
    # The 68% interval of the mean per observation (core/analysis/positions.py), NaN below three records.
    interval_low: np.ndarray = field(default_factory=lambda: np.array([], dtype=float))
    interval_high: np.ndarray = field(default_factory=lambda: np.array([], dtype=float))

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def spans(self) -> np.ndarray:
        """Indices of month- and year-precision observations (drawn as spans)."""
        return np.flatnonzero(self.precision > 0)

    @property
    def bands(self) -> np.ndarray:
        """Indices of dates where several records disagree (drawn as a band)."""
        return np.flatnonzero((self.n > 1) & (self.high > self.low))

    @property
    def intervals(self) -> np.ndarray:
        """Indices of dates with a 68% interval (three or more records; drawn as a band inside the range)."""
        if self.interval_low.shape[0] != len(self):
            return np.array([], dtype=np.int64)
        return np.flatnonzero(~np.isnan(self.interval_low) & (self.interval_high > self.interval_low))

    def value(self, i: int) -> Averaged:
        """What observation i rests on: its mean score, how many records and their range."""
        return Averaged(float(self.y[i]), int(self.n[i]), float(self.low[i]), float(self.high[i]))

    def index_of(self, uuid: str) -> int | None:
        """The observation holding a record, or None."""
        for i, group in enumerate(self.uuids):
            if uuid in group:
                return i
        return None


def _stale_split(x: np.ndarray, y: np.ndarray, stale_at: np.ndarray, end: float
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split a step line into a fresh and a stale part, each NaN-separated.

    The fresh part is one polyline wherever it is unbroken, with no vertex
    where the stance does not change: 10,000 observations draw as a few
    thousand segments instead of 30,000.
    """
    n = x.shape[0]
    if n == 0:
        e = np.array([], dtype=np.float64)
        return e, e.copy(), e.copy(), e.copy()
    nxt = np.r_[x[1:], max(end, x[-1])]
    fresh_end = np.minimum(nxt, np.maximum(stale_at, x))
    prev_y = np.r_[y[0], y[:-1]]
    nan = np.full(n, np.nan)
    # Each chunk: the jump from the previous value, the flat part, a break.
    px = np.column_stack([x, x, fresh_end, nan])
    py = np.column_stack([prev_y, y, y, nan])
    keep = np.ones((n, 4), dtype=bool)
    joined = np.r_[False, fresh_end[:-1] == x[1:]]  # no stale gap before observation i
    same = joined & np.r_[False, y[1:] == y[:-1]]
    keep[np.flatnonzero(joined) - 1, 3] = False  # no break: the line goes on
    keep[joined, 0] = False  # the previous chunk already ends at (x_i, y_{i-1})
    keep[np.flatnonzero(same) - 1, 2] = False  # no vertex where nothing changes
    keep[same, 1] = False
    keep[0, 0] = False
    fx, fy = px[keep], py[keep]
    has_stale = stale_at < nxt
    sx0 = np.where(has_stale, stale_at, np.nan)
    sx1 = np.where(has_stale, nxt, np.nan)
    sx = np.column_stack([sx0, sx1, nan])[has_stale].ravel()
    sy = np.column_stack([y, y, nan])[has_stale].ravel()
    return fx, fy, sx, sy


def make_trace(s: Series, name: str, colour: str, end: float, horizon_months: int) -> Trace:
    """Turn a Series into a Trace whose line runs to ``end`` (seconds)."""
    x = to_seconds(s.dates)
    # The last second of a period is the start of the next day.
    x_end = to_seconds(s.ends) + DAY_SECONDS
    stale_dates = add_months(s.dates, horizon_months) if len(s) else s.dates
    stale_at = to_seconds(stale_dates)
    n = len(s)
    if n:
        stop = max(end, float(x[-1]))
        step_x = np.r_[np.repeat(x, 2)[1:], stop]
        step_y = np.repeat(s.score, 2)
    else:
        step_x = np.array([], dtype=np.float64)
        step_y = np.array([], dtype=np.float64)
    fx, fy, sx, sy = _stale_split(x, s.score, stale_at, end)
    return Trace(
        actor=s.actor, name=name, colour=colour, dimension=s.dimension, series=s,
        x=x, x_end=x_end, y=s.score.astype(np.float64), low=s.low, high=s.high, n=s.n,
        confidence=s.confidence, precision=s.precision, uuids=s.uuids,
        step_x=step_x, step_y=step_y, fresh_x=fx, fresh_y=fy, stale_x=sx, stale_y=sy,
        stale_from=stale_dates[-1] if n else None,
    )
