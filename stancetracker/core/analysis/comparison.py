"""The comparison chart: how far apart two actors stand over time, across dimensions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stancetracker.core.analysis.annotations import EventMark, event_marks, source_line
from stancetracker.core.analysis.chartdates import add_months, chart_bounds, chart_window, to_seconds
from stancetracker.core.analysis.colours import chart_actors
from stancetracker.core.analysis.request import ChartError, chart_filter
from stancetracker.core.analysis.series import Series, merge_skipped, series, skipped_note
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.entities import Dimension


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


def values_on(s: Series, dates: np.ndarray) -> np.ndarray:
    """The carried-forward score of a series on each date (NaN before its first observation)."""
    idx = s.index_at(dates)
    out = np.full(dates.shape[0], np.nan)
    ok = idx >= 0
    out[ok] = s.score[idx[ok]]
    return out


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
    return Comparison(
        a=sa, b=sb, a_name=na, b_name=nb, colours=(ca, cb), dimensions=dims, dates=grid,
        x=to_seconds(grid), distance=distance, n_dims=n_dims, diffs=diffs, a_values=av, b_values=bv,
        trend=trend(distance), events=event_marks(store) if events else [], start=start, end=end,
        title=title or f"{na} and {nb}: distance across dimensions",
        source=source_line(store, [sa, sb], [d.slug for d in dims], flt, None,
                           skipped=merge_skipped(ser_a + ser_b)),
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
