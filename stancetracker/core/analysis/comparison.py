"""The comparison chart: how far apart two actors stand over time, across dimensions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stancetracker.core.analysis.annotations import EventMark, event_marks, source_line
from stancetracker.core.analysis.chartdates import add_months, chart_bounds, chart_window, to_seconds
from stancetracker.core.analysis.colours import chart_actors
from stancetracker.core.analysis.request import ChartError, chart_filter
from stancetracker.core.analysis.series import Series, merge_skipped, series, skipped_note
from stancetracker.core.analysis.wording import (
    X_TITLE,
    Averaged,
    SourceLine,
    distance_text,
    fmt_score,
    value_text,
)
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.entities import Dimension


DISTANCE_TITLE = "Mean distance between them"


@dataclass
class Comparison:
    """Distance between two actors over time.

    ``dates`` is every observation date of either actor (on any dimension);
    ``distance`` the mean absolute difference of their carried-forward scores
    over the dimensions where both have one (NaN where none), ``n_dims`` how
    many dimensions that is, ``diffs`` the per-dimension absolute difference
    (dimensions x dates, NaN where one side has no evidence).
    """

    a: str
    b: str
    a_name: str
    b_name: str
    colours: tuple[str, str]
    dimensions: list[Dimension]
    dates: np.ndarray
    x: np.ndarray
    distance: np.ndarray
    n_dims: np.ndarray
    diffs: np.ndarray
    a_values: np.ndarray
    b_values: np.ndarray
    trend: str
    events: list[EventMark]
    start: float
    end: float
    title: str
    source: str
    window: tuple[float | None, float | None] = (None, None)
    note: str = ""  # e.g. "1 record with an invalid date not drawn"
    source_line: SourceLine | None = None  # ``source`` in parts, to wrap at the chart's width
    x_title: str = X_TITLE
    y_title: str = DISTANCE_TITLE
    count_title: str = "Dimensions"
    # Per dimension x date, what each side's carried-forward value rests on: records and their range.
    a_stats: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (n, low, high)
    b_stats: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def value(self, side: str, k: int, i: int) -> Averaged:
        """What one side's value on dimension k at grid date i rests on (its mean, records and range)."""
        values, stats = (self.a_values, self.a_stats) if side == "a" else (self.b_values, self.b_stats)
        if stats is None:
            return Averaged(float(values[k, i]))
        n, low, high = stats
        return Averaged(float(values[k, i]), int(n[k, i]), float(low[k, i]), float(high[k, i]))

    def describe(self, i: int) -> str:
        """Hover text for grid date i: the mean distance, its spread, and each dimension's values."""
        when = np.datetime_as_string(self.dates[i])
        if self.n_dims[i] == 0:
            return f"{when}: no dimension with evidence for both"
        lines = [f"{when}: {distance_text(self.diffs[:, i])}"]
        for k, d in enumerate(self.dimensions):
            a, b = self.a_values[k, i], self.b_values[k, i]
            if np.isnan(a) or np.isnan(b):
                continue
            lines.append(f"  {d.label}: {self.a_name} {value_text(self.value('a', k, i), d)}, "
                         f"{self.b_name} {value_text(self.value('b', k, i), d)} → "
                         f"{fmt_score(abs(a - b), signed=False)}")
        return "\n".join(lines)


def values_on(s: Series, dates: np.ndarray) -> np.ndarray:
    """The carried-forward score of a series on each date (NaN before its first observation)."""
    idx = s.index_at(dates)
    out = np.full(dates.shape[0], np.nan)
    ok = idx >= 0
    out[ok] = s.score[idx[ok]]
    return out


def stats_on(s: Series, dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The records (n, low, high) behind the carried-forward score on each date (0 and NaN before the first)."""
    idx = s.index_at(dates)
    ok = idx >= 0
    n = np.zeros(dates.shape[0], dtype=np.int64)
    low, high = np.full(dates.shape[0], np.nan), np.full(dates.shape[0], np.nan)
    n[ok], low[ok], high[ok] = s.n[idx[ok]], s.low[idx[ok]], s.high[idx[ok]]
    return n, low, high


def _stats(sers: list[Series], grid: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    per = [stats_on(s, grid) for s in sers]
    return tuple(np.array([p[j] for p in per]).reshape(len(sers), grid.shape[0]) for j in range(3))


def comparison(store: Store, a: str, b: str, flt: RecordFilter | None = None, since=None, until=None,
               title: str = "", events: bool = True) -> Comparison:
    """Mean absolute difference of two actors over the dimensions both have evidence on."""
    (sa, na, ca), (sb, nb, cb) = chart_actors(store, [a, b])
    if sa == sb:
        raise ChartError("a comparison needs two different actors")
    dims = store.dimensions()
    sf = chart_filter(flt)
    ids = store.slug_ids()
    ser_a = [series(store, sa, d.slug, sf, ids=ids) for d in dims]
    ser_b = [series(store, sb, d.slug, sf, ids=ids) for d in dims]
    all_dates = [s.dates for s in ser_a + ser_b if len(s)]
    grid = np.unique(np.concatenate(all_dates)) if all_dates else np.array([], dtype="datetime64[D]")
    av = np.array([values_on(s, grid) for s in ser_a]).reshape(len(dims), grid.shape[0])
    bv = np.array([values_on(s, grid) for s in ser_b]).reshape(len(dims), grid.shape[0])
    diffs = np.abs(av - bv)
    both = ~np.isnan(diffs)
    n_dims = both.sum(axis=0).astype(np.int64)
    with np.errstate(invalid="ignore"):
        distance = np.where(n_dims > 0, np.nansum(np.where(both, diffs, 0.0), axis=0) / np.maximum(n_dims, 1), np.nan)
    start, end = chart_bounds(ser_a + ser_b, since, until)
    shared = np.flatnonzero(n_dims > 0)
    if since is None and shared.size:
        # Before both actors have evidence there is no distance to draw: start a year earlier.
        start = max(start, float(to_seconds(add_months(grid[shared[:1]], -12))[0]))
    line = source_line(store, [sa, sb], [d.slug for d in dims], flt, None, skipped=merge_skipped(ser_a + ser_b))
    return Comparison(
        a=sa, b=sb, a_name=na, b_name=nb, colours=(ca, cb), dimensions=dims, dates=grid,
        x=to_seconds(grid), distance=distance, n_dims=n_dims, diffs=diffs, a_values=av, b_values=bv,
        trend=trend(distance), events=event_marks(store) if events else [], start=start, end=end,
        title=title or f"{na} and {nb}: distance across dimensions",
        source=str(line), source_line=line, a_stats=_stats(ser_a, grid), b_stats=_stats(ser_b, grid),
        window=chart_window(since, until), note=skipped_note(merge_skipped(ser_a + ser_b)),
    )


def trend(distance: np.ndarray, tolerance: float = 0.25) -> str:
    """'converging', 'diverging' or 'steady': the last known distance against the first."""
    known = distance[~np.isnan(distance)]
    if known.shape[0] < 2:
        return "not enough shared evidence"
    change = float(known[-1] - known[0])
    if change < -tolerance:
        return "converging"
    if change > tolerance:
        return "diverging"
    return "steady"
