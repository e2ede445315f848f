"""The timeline chart: one dimension, several actors, a trace each."""

from __future__ import annotations

from dataclasses import dataclass

from stancetracker.core.analysis.annotations import EventMark, event_marks, join_names, source_line
from stancetracker.core.analysis.chartdates import chart_bounds, chart_window
from stancetracker.core.analysis.colours import chart_actors
from stancetracker.core.analysis.positions import series_intervals
from stancetracker.core.analysis.request import DEFAULT_HORIZON_MONTHS, chart_filter
from stancetracker.core.analysis.series import merge_skipped, series, skipped_note
from stancetracker.core.analysis.traces import Trace, make_trace
from stancetracker.core.analysis.wording import X_TITLE, SourceLine, stance_title
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.entities import Dimension


@dataclass
class Timeline:
    """One dimension, several actors."""

    dimension: Dimension
    traces: list[Trace]
    events: list[EventMark]
    start: float
    end: float
    horizon_months: int
    title: str
    source: str
    window: tuple[float | None, float | None] = (None, None)
    note: str = ""  # e.g. "1 record with an invalid date not drawn"
    source_line: SourceLine | None = None  # ``source`` in parts, to wrap at the chart's width
    x_title: str = X_TITLE
    y_title: str = ""


def timeline(store: Store, dimension: str, actors: list[str], flt: RecordFilter | None = None,
             horizon_months: int = DEFAULT_HORIZON_MONTHS, since=None, until=None,
             title: str = "", events: bool = True) -> Timeline:
    """One dimension, the given actors: a trace each, with events and the source line."""
    dim = store.dimension(dimension)
    info = chart_actors(store, actors)
    sf = chart_filter(flt)
    ids = store.slug_ids()
    series_list = [series(store, slug, dim.slug, sf, ids=ids) for slug, _, _ in info]
    start, end = chart_bounds(series_list, since, until)
    traces = [make_trace(s, name, colour, end, horizon_months)
              for s, (_, name, colour) in zip(series_list, info)]
    for tr in traces:
        tr.interval_low, tr.interval_high = series_intervals(tr.series)
    names = [name for _, name, _ in info]
    skipped = merge_skipped(series_list)
    line = source_line(store, [s for s, _, _ in info], [dim.slug], flt, horizon_months, skipped=skipped)
    return Timeline(
        dimension=dim, traces=traces, events=event_marks(store) if events else [],
        start=start, end=end, horizon_months=horizon_months,
        title=title or (f"{dim.label}: {join_names(names)}" if names else dim.label),
        source=str(line), source_line=line, y_title=stance_title(dim),
        window=chart_window(since, until), note=skipped_note(skipped),
    )
