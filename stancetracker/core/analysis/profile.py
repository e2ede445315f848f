"""The profile chart: one actor on every dimension, with its memberships and roles as bands."""

from __future__ import annotations

from dataclasses import dataclass, field

from stancetracker.core.analysis.annotations import EventMark, event_marks, join_names, source_line
from stancetracker.core.analysis.chartdates import chart_bounds, chart_window, day, seconds
from stancetracker.core.analysis.colours import chart_actors
from stancetracker.core.analysis.request import DEFAULT_HORIZON_MONTHS, chart_filter
from stancetracker.core.analysis.series import merge_skipped, series, skipped_note
from stancetracker.core.analysis.traces import Trace, make_trace
from stancetracker.core.analysis.wording import X_TITLE, SourceLine, short_label
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.entities import Dimension


@dataclass
class Band:
    """A membership or role held over a period, drawn as a shaded bar."""

    group: str
    group_name: str
    role: str
    start: float
    end: float
    open_start: bool  # no start date known: drawn from the chart's left edge
    open_end: bool
    since: str = ""  # the dates as recorded (2003, 2003-05 or 2003-05-14); "" when not recorded
    until: str = ""

    @property
    def label(self) -> str:
        return f"{self.role} · {self.group_name}"

    @property
    def period(self) -> str:
        """The recorded dates in words, at their own precision (the bar itself shows whole days)."""
        if self.since and self.until:
            return f"{self.since} to {self.until}"
        if self.since:
            return f"since {self.since} (no end date recorded)"
        if self.until:
            return f"until {self.until} (no start date recorded)"
        return "dates not recorded"

    def describe(self) -> str:
        """Hover text for the bar: group, role and period."""
        return f"{self.group_name}\nrole: {self.role}\n{self.period}"


@dataclass
class Profile:
    """One actor on every dimension, with memberships."""

    actor: str
    name: str
    colour: str
    dimensions: list[Dimension]
    traces: list[Trace]
    bands: list[Band]
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
    y_titles: list[str] = field(default_factory=list)  # one per dimension plot
    lane_title: str = "Roles"  # the y axis of the memberships lane


def profile(store: Store, actor: str, flt: RecordFilter | None = None,
            horizon_months: int = DEFAULT_HORIZON_MONTHS, since=None, until=None,
            title: str = "", events: bool = True) -> Profile:
    """One actor on every dimension, stacked, with its memberships and roles as bands."""
    (slug, name, colour), = chart_actors(store, [actor])
    dims = store.dimensions()
    sf = chart_filter(flt)
    ids = store.slug_ids()
    series_list = [series(store, slug, d.slug, sf, ids=ids) for d in dims]
    start, end = chart_bounds(series_list, since, until)
    traces = [make_trace(s, name, colour, end, horizon_months) for s in series_list]
    names = {a.slug: a.name for a in store.actors()}
    bands = []
    for m in store.memberships(slug):
        if m.member != slug:
            continue  # the actor's own places, not its members
        b0 = seconds(m.start) if m.start else start
        b1 = seconds(day(m.end.end()) + 1) if m.end else end
        bands.append(Band(m.group, names.get(m.group, m.group), m.role, b0, max(b1, b0),
                          m.start is None, m.end is None, m.start.short() if m.start else "",
                          m.end.short() if m.end else ""))
    line = source_line(store, [slug], [d.slug for d in dims], flt, horizon_months,
                       skipped=merge_skipped(series_list))
    return Profile(
        actor=slug, name=name, colour=colour, dimensions=dims, traces=traces, bands=bands,
        events=event_marks(store) if events else [], start=start, end=end,
        horizon_months=horizon_months,
        title=title or f"{name} on {join_names([d.label for d in dims])}",
        source=str(line), source_line=line, y_titles=[short_label(d) for d in dims],
        window=chart_window(since, until), note=skipped_note(merge_skipped(series_list)),
    )
