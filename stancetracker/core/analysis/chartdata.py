"""What each chart draws, as dataclasses of NumPy arrays; no Qt here.

This is the entry point the GUI, the ``chart`` command and export use: :func:`build`
turns a :class:`ChartRequest` into chart data. Each kind lives in its own module
(timeline, profile, comparison, snapshot) over the shared traces, axis dates, colours
and annotations; everything a test may want to check about a chart is computed there
from :func:`series.series`.
"""

from __future__ import annotations

import datetime as _dt

from stancetracker.core.analysis.annotations import EventMark, describe, event_marks, source_line
from stancetracker.core.analysis.chartdates import add_months, day, to_seconds
from stancetracker.core.analysis.colours import distinct_colours
from stancetracker.core.analysis.comparison import Comparison, comparison, trend, values_on
from stancetracker.core.analysis.profile import Band, Profile, profile
from stancetracker.core.analysis.request import (
    DEFAULT_HORIZON_MONTHS,
    KINDS,
    ChartError,
    ChartRequest,
    chart_filter,
    resolve_dimension,
)
from stancetracker.core.analysis.snapshot import Snapshot, actors_with_records, fade, snapshot
from stancetracker.core.analysis.timeline import Timeline, timeline
from stancetracker.core.analysis.traces import Trace, make_trace
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import PartialDate

ChartData = Timeline | Profile | Comparison | Snapshot


def build(store: Store, req: ChartRequest) -> ChartData:
    """The data for a chart request (the one entry point the CLI and export use)."""
    if req.kind not in KINDS:
        raise ChartError(f"no chart kind {req.kind!r}; use one of {', '.join(KINDS)}")
    if req.horizon_months < 1:
        raise ChartError("the horizon must be at least 1 month")
    if req.kind == "timeline":
        if not req.actors:
            raise ChartError("a timeline needs at least one actor (--actor)")
        return timeline(store, resolve_dimension(store, req.dimension).slug, req.actors, req.flt,
                        req.horizon_months, req.since, req.until, req.title, req.events)
    if req.kind == "profile":
        if len(req.actors) != 1:
            raise ChartError(f"a profile is of one actor; {len(req.actors)} given")
        return profile(store, req.actors[0], req.flt, req.horizon_months, req.since, req.until,
                       req.title, req.events)
    if req.kind == "compare":
        if len(req.actors) != 2:
            raise ChartError(f"a comparison needs exactly two actors; {len(req.actors)} given")
        return comparison(store, req.actors[0], req.actors[1], req.flt, req.since, req.until,
                          req.title, req.events)
    actors = req.actors or actors_with_records(store)
    at = req.at
    if at is None:
        last = store.date_range()[1]
        at = PartialDate(_dt.date.fromisoformat(last)) if last else PartialDate(_dt.date.today())
    return snapshot(store, actors, at, req.flt, req.horizon_months, req.title)


__all__ = [
    "Band", "ChartData", "ChartError", "ChartRequest", "Comparison", "DEFAULT_HORIZON_MONTHS", "EventMark",
    "KINDS", "Profile", "Snapshot", "Timeline", "Trace", "actors_with_records", "add_months", "build",
    "chart_filter", "comparison", "day", "describe", "distinct_colours", "event_marks", "fade", "make_trace",
    "profile", "resolve_dimension", "snapshot", "source_line", "timeline", "to_seconds", "trend", "values_on",
]
