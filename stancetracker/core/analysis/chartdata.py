"""What each chart draws, as dataclasses of NumPy arrays; no Qt here.

The GUI and the ``chart`` command turn these into pictures; everything a
test may want to check about a chart (values, dates, spans, fading, the
comparison and snapshot arithmetic) is computed here from
:func:`analysis.series`. Times on chart axes are seconds since the epoch
(UTC) as float64, which is what ``pyqtgraph.DateAxisItem`` expects.
"""

from __future__ import annotations

import datetime as _dt
import re
import textwrap
from dataclasses import dataclass

import numpy as np

from stancetracker.core.analysis import series as analysis
from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.errors import NotFound, StanceError
from stancetracker.core.model.entities import Dimension
from stancetracker.core.db.query import RecordFilter, where_clause
from stancetracker.core.db.store import Store
from stancetracker.core.model.stored_values import date_problem, visible
from stancetracker.core.model.stored_values import describe as describe_problems

KINDS = ("timeline", "profile", "compare", "snapshot")
DEFAULT_HORIZON_MONTHS = 12
_DAY = 86400.0


class ChartError(StanceError):
    """A chart that cannot be drawn as asked (wrong number of actors, no such kind)."""


# ------------------------------------------------------------------ helpers
def to_seconds(dates: np.ndarray) -> np.ndarray:
    """datetime64 dates as float seconds since the epoch (UTC)."""
    return np.asarray(dates, dtype="datetime64[D]").astype("datetime64[s]").astype(np.float64)


def day(value: _dt.date | PartialDate | str | np.datetime64) -> np.datetime64:
    """Any date-like value as ``datetime64[D]`` (a PartialDate gives its first day)."""
    if isinstance(value, PartialDate):
        value = value.value
    return np.datetime64(value, "D")


def add_months(dates: np.ndarray, months: int) -> np.ndarray:
    """Dates plus whole months, clamped to the end of shorter months (31 Jan + 1 = 28/29 Feb)."""
    d = np.asarray(dates, dtype="datetime64[D]")
    m = d.astype("datetime64[M]")
    offset = d - m.astype("datetime64[D]")
    target = (m + months).astype("datetime64[D]") + offset
    last = (m + months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
    return np.minimum(target, last)


_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39")


_PALETTE_RGB = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in _PALETTE], dtype=float)


def _rgb(colour: str) -> np.ndarray | None:
    """The colour as RGB, or None if it is not #rrggbb (a stored colour is not trusted)."""
    if not isinstance(colour, str) or not _HEX_COLOUR.match(colour):
        return None
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def distinct_colours(colours: list[str], min_distance: float = 90.0) -> list[str]:
    """The actors' own colours, except that one too close to an earlier one is replaced.

    Two near-identical blues on one chart make a report unreadable; the
    replacement is the first palette colour far from every colour kept so far.
    An actor without a colour gets the next free palette colour.
    """
    out: list[str] = []
    kept = np.empty((0, 3))
    for c in colours:
        rgb = _rgb(c) if c else None
        if rgb is None:
            c = ""
        if rgb is None or (kept.size and np.linalg.norm(kept - rgb, axis=1).min() < min_distance):
            if kept.size:
                far = np.linalg.norm(_PALETTE_RGB[:, None, :] - kept[None, :, :], axis=2).min(axis=1) >= min_distance
            else:
                far = np.ones(len(_PALETTE), dtype=bool)
            free = np.flatnonzero(far)
            if free.size:
                c, rgb = _PALETTE[free[0]], _PALETTE_RGB[free[0]]
            elif rgb is None:  # more actors than distinguishable colours: cycle the palette
                c = _PALETTE[len(out) % len(_PALETTE)]
                rgb = _rgb(c)
        out.append(c)
        kept = np.vstack([kept, rgb])
    return out


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# ------------------------------------------------------------------ data types
@dataclass
class EventMark:
    """A dated landmark: a vertical line with a short label."""

    x: float
    label: str
    slug: str
    precision: str = "day"


@dataclass
class Trace:
    """One actor on one dimension, ready to draw.

    Per observation (one per distinct date, as in :class:`analysis.Series`):
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
    series: analysis.Series
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

    def index_of(self, uuid: str) -> int | None:
        """The observation holding a record, or None."""
        for i, group in enumerate(self.uuids):
            if uuid in group:
                return i
        return None


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


@dataclass
class Snapshot:
    """Actors x dimensions at one date: carried-forward score, age of its evidence, fade."""

    at: np.datetime64
    actors: list[str]
    names: list[str]
    dimensions: list[Dimension]
    score: np.ndarray
    age_days: np.ndarray
    alpha: np.ndarray
    evidence_date: np.ndarray
    uuids: list[list[list[str]]]
    horizon_months: int
    title: str
    source: str
    note: str = ""


ChartData = Timeline | Profile | Comparison | Snapshot


@dataclass
class ChartRequest:
    """What to chart: the kind, actors, dimension, window, snapshot date and filter."""

    kind: str
    actors: list[str]
    dimension: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None
    at: PartialDate | None = None
    horizon_months: int = DEFAULT_HORIZON_MONTHS
    title: str = ""
    flt: RecordFilter | None = None
    events: bool = True


# ------------------------------------------------------------------ traces
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


def make_trace(s: analysis.Series, name: str, colour: str, end: float, horizon_months: int) -> Trace:
    """Turn a Series into a Trace whose line runs to ``end`` (seconds)."""
    x = to_seconds(s.dates)
    # The last second of a period is the start of the next day.
    x_end = to_seconds(s.ends) + _DAY
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


def _series_filter(flt: RecordFilter | None) -> RecordFilter | None:
    """The parts of a table filter that apply to a chart: dates, coders, confidence, text."""
    if flt is None:
        return None
    return RecordFilter(since=flt.since, until=flt.until, coders=list(flt.coders),
                        min_confidence=flt.min_confidence, query=flt.query)


def _bounds(series_list: list[analysis.Series], since, until) -> tuple[float, float]:
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


def _window(since, until) -> tuple[float | None, float | None]:
    lo = float(to_seconds(np.array([day(since)]))[0]) if since is not None else None
    hi = None
    if until is not None:
        end = until.end() if isinstance(until, PartialDate) else until
        hi = float(to_seconds(np.array([day(end) + 1]))[0])
    return lo, hi


def event_marks(store: Store) -> list[EventMark]:
    """Every event as a mark at the first day of its period."""
    out = []
    for e in store.events():
        if e.date is None:  # its stored date is no date: nowhere to draw it (check lists it)
            continue
        x = float(to_seconds(np.array([day(e.date)]))[0])
        out.append(EventMark(x, e.label, e.slug, e.date.precision))
    return out


def _actor_info(store: Store, slugs: list[str]) -> list[tuple[str, str, str]]:
    """(slug, name, colour) for each actor, found by slug, name or alias."""
    # Slugs are looked up directly: building the name matcher for each of 20 actors costs
    # more than drawing them.
    by_slug = {a.slug: a for a in store.actors()}
    found = [by_slug[text] if text in by_slug else store.actor(text) for text in slugs]
    colours = distinct_colours([a.colour for a in found])
    return [(a.slug, a.name, c) for a, c in zip(found, colours)]


# ------------------------------------------------------------------ charts
def timeline(store: Store, dimension: str, actors: list[str], flt: RecordFilter | None = None,
             horizon_months: int = DEFAULT_HORIZON_MONTHS, since=None, until=None,
             title: str = "", events: bool = True) -> Timeline:
    """One dimension, the given actors: a trace each, with events and the source line."""
    dim = store.dimension(dimension)
    info = _actor_info(store, actors)
    sf = _series_filter(flt)
    ids = store.slug_ids()
    series_list = [analysis.series(store, slug, dim.slug, sf, ids=ids) for slug, _, _ in info]
    start, end = _bounds(series_list, since, until)
    traces = [make_trace(s, name, colour, end, horizon_months)
              for s, (_, name, colour) in zip(series_list, info)]
    names = [name for _, name, _ in info]
    skipped = analysis.merge_skipped(series_list)
    return Timeline(
        dimension=dim, traces=traces, events=event_marks(store) if events else [],
        start=start, end=end, horizon_months=horizon_months,
        title=title or (f"{dim.label}: {_names(names)}" if names else dim.label),
        source=source_line(store, [s for s, _, _ in info], [dim.slug], flt, horizon_months, skipped=skipped),
        window=_window(since, until), note=analysis.skipped_note(skipped),
    )


def profile(store: Store, actor: str, flt: RecordFilter | None = None,
            horizon_months: int = DEFAULT_HORIZON_MONTHS, since=None, until=None,
            title: str = "", events: bool = True) -> Profile:
    """One actor on every dimension, stacked, with its memberships and roles as bands."""
    (slug, name, colour), = _actor_info(store, [actor])
    dims = store.dimensions()
    sf = _series_filter(flt)
    ids = store.slug_ids()
    series_list = [analysis.series(store, slug, d.slug, sf, ids=ids) for d in dims]
    start, end = _bounds(series_list, since, until)
    traces = [make_trace(s, name, colour, end, horizon_months) for s in series_list]
    names = {a.slug: a.name for a in store.actors()}
    bands = []
    for m in store.memberships(slug):
        if m.member != slug:
            continue  # the actor's own places, not its members
        b0 = float(to_seconds(np.array([day(m.start)]))[0]) if m.start else start
        b1 = float(to_seconds(np.array([day(m.end.end()) + 1]))[0]) if m.end else end
        bands.append(Band(m.group, names.get(m.group, m.group), m.role, b0, max(b1, b0),
                          m.start is None, m.end is None, m.start.short() if m.start else "",
                          m.end.short() if m.end else ""))
    return Profile(
        actor=slug, name=name, colour=colour, dimensions=dims, traces=traces, bands=bands,
        events=event_marks(store) if events else [], start=start, end=end,
        horizon_months=horizon_months,
        title=title or f"{name} on {_names([d.label for d in dims])}",
        source=source_line(store, [slug], [d.slug for d in dims], flt, horizon_months,
                           skipped=analysis.merge_skipped(series_list)),
        window=_window(since, until), note=analysis.skipped_note(analysis.merge_skipped(series_list)),
    )


def values_on(s: analysis.Series, dates: np.ndarray) -> np.ndarray:
    """The carried-forward score of a series on each date (NaN before its first observation)."""
    idx = np.searchsorted(s.dates, dates, side="right") - 1
    out = np.full(dates.shape[0], np.nan)
    ok = idx >= 0
    out[ok] = s.score[idx[ok]]
    return out


def comparison(store: Store, a: str, b: str, flt: RecordFilter | None = None, since=None, until=None,
               title: str = "", events: bool = True) -> Comparison:
    """Mean absolute difference of two actors over the dimensions both have evidence on."""
    (sa, na, ca), (sb, nb, cb) = _actor_info(store, [a, b])
    if sa == sb:
        raise ChartError("a comparison needs two different actors")
    dims = store.dimensions()
    sf = _series_filter(flt)
    ids = store.slug_ids()
    ser_a = [analysis.series(store, sa, d.slug, sf, ids=ids) for d in dims]
    ser_b = [analysis.series(store, sb, d.slug, sf, ids=ids) for d in dims]
    all_dates = [s.dates for s in ser_a + ser_b if len(s)]
    grid = np.unique(np.concatenate(all_dates)) if all_dates else np.array([], dtype="datetime64[D]")
    av = np.array([values_on(s, grid) for s in ser_a]).reshape(len(dims), grid.shape[0])
    bv = np.array([values_on(s, grid) for s in ser_b]).reshape(len(dims), grid.shape[0])
    diffs = np.abs(av - bv)
    both = ~np.isnan(diffs)
    n_dims = both.sum(axis=0).astype(np.int64)
    with np.errstate(invalid="ignore"):
        distance = np.where(n_dims > 0, np.nansum(np.where(both, diffs, 0.0), axis=0) / np.maximum(n_dims, 1), np.nan)
    start, end = _bounds(ser_a + ser_b, since, until)
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
                           skipped=analysis.merge_skipped(ser_a + ser_b)),
        window=_window(since, until), note=analysis.skipped_note(analysis.merge_skipped(ser_a + ser_b)),
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


def fade(age_days: np.ndarray, horizon_months: int) -> np.ndarray:
    """Opacity for evidence of a given age: 1 when new, 0.5 at the horizon, at least 0.2."""
    horizon_days = max(1.0, horizon_months * 30.44)
    with np.errstate(invalid="ignore"):
        return np.clip(1.0 - np.asarray(age_days, dtype=float) / (2 * horizon_days), 0.2, 1.0)


def snapshot(store: Store, actors: list[str], at, flt: RecordFilter | None = None,
             horizon_months: int = DEFAULT_HORIZON_MONTHS, title: str = "") -> Snapshot:
    """Actors x dimensions on a date: carried-forward score, age of the evidence, fade."""
    info = _actor_info(store, actors)
    dims = store.dimensions()
    when = day(at)
    sf = _series_filter(flt) or RecordFilter()
    # Only records up to the date: the same ones the source line counts, so what was left out adds up.
    end = PartialDate(_dt.date.fromisoformat(str(when)))
    if sf.until is None or sf.until.end() > end.value:
        sf.until = end
    ids = store.slug_ids()
    built = []
    shape = (len(info), len(dims))
    score = np.full(shape, np.nan)
    age = np.full(shape, np.nan)
    evidence = np.full(shape, np.datetime64("NaT"), dtype="datetime64[D]")
    uuids: list[list[list[str]]] = [[[] for _ in dims] for _ in info]
    for i, (slug, _, _) in enumerate(info):
        for j, d in enumerate(dims):
            s = analysis.series(store, slug, d.slug, sf, ids=ids)
            built.append(s)
            k = int(np.searchsorted(s.dates, when, side="right")) - 1
            if k < 0:
                continue
            score[i, j] = s.score[k]
            evidence[i, j] = s.dates[k]
            age[i, j] = float((when - s.dates[k]).astype(np.int64))
            uuids[i][j] = list(s.uuids[k])
    label = _dt.date.fromisoformat(str(when)).strftime("%-d %B %Y")
    return Snapshot(
        at=when, actors=[s for s, _, _ in info], names=[n for _, n, _ in info], dimensions=dims,
        score=score, age_days=age, alpha=np.where(np.isnan(age), 0.0, fade(age, horizon_months)),
        evidence_date=evidence, uuids=uuids, horizon_months=horizon_months,
        title=title or f"Stances on {label}",
        source=source_line(store, [s for s, _, _ in info], [d.slug for d in dims], flt, horizon_months,
                           until=when, skipped=analysis.merge_skipped(built)),
        note=analysis.skipped_note(analysis.merge_skipped(built)),
    )


# ------------------------------------------------------------------ text
def source_line(store: Store, actors: list[str], dimensions: list[str], flt: RecordFilter | None,
                horizon_months: int | None, until: np.datetime64 | None = None,
                skipped: dict[str, int] | None = None) -> str:
    """Provenance printed under a chart: database, records drawn, coders, their dates.

    ``skipped``: records the chart's series left out for invalid values, not counted as drawn.
    """
    sub = _series_filter(flt) or RecordFilter()
    sub.actors, sub.dimensions = list(actors), list(dimensions)
    ids = store.slug_ids()
    where, params = where_clause(sub, ids)
    if until is not None:
        where += " AND r.date <= ?"
        params.append(str(until))
    # One aggregate query per coder: the records are read once for counts, dates and coders
    # (separate queries read them twice, a tenth of a large timeline's redraw).
    per_coder = store.conn.execute(
        f"SELECT r.coder, count(*), min(r.date), max(r.date) FROM records r WHERE {where} "
        "GROUP BY r.coder ORDER BY r.coder", params).fetchall()
    coders = [c for c, _, _, _ in per_coder]
    n = sum(k for _, k, _, _ in per_coder)
    first = min((d for _, _, d, _ in per_coder), default=None)
    last = max((d for _, _, _, d in per_coder), default=None)
    left_out = sum((skipped or {}).values())
    if left_out and (_bad_date(first) or _bad_date(last)):
        # min/max met a stored date that is no date: take the extremes of the drawn records instead.
        drawn = [v for (v,) in store.conn.execute(f"SELECT DISTINCT r.date FROM records r WHERE {where}", params)
                 if not _bad_date(v)]
        first, last = (min(drawn), max(drawn)) if drawn else (None, None)
    total = store.record_counts()[0]
    name = store.path.name if store.path else "in-memory database"
    parts = [f"Source: {name}", f"{max(0, n - left_out):,} of {total:,} records"]
    if coders:
        shown = ", ".join(visible(c, 40) or "(no coder)" for c in coders[:4]) + (
            f" +{len(coders) - 4}" if len(coders) > 4 else "")
        parts.append(f"coder{'s' if len(coders) > 1 else ''}: {shown}")
    if first:
        parts.append(f"records dated {first} to {last}")
    if horizon_months:
        parts.append(f"faded when evidence is over {horizon_months} months old")
    if left_out:
        parts.append(analysis.skipped_note(skipped).replace(" (stancetracker check lists them)", ""))
    return " · ".join(parts)


def _bad_date(value: object) -> bool:
    return value is not None and date_problem(value, "day") is not None


def describe(store: Store, dimension: Dimension, uuids: list[str], width: int = 72,
             max_evidence: int = 300) -> str:
    """Hover text for one observation: actor, date, score label, confidence, source, evidence."""
    blocks = []
    for u in uuids:
        r = store.record(u)
        where = r.source_title or "no source"
        if r.locator:
            where += f", {r.locator}"
        # Control and direction characters (only from other programs) are spelled out, not obeyed.
        evidence = visible(" ".join(r.evidence.split()), max_evidence - 1)
        where = visible(where, 300)
        if r.date is None or r.score is None:  # changed since the chart was drawn: nothing to place
            blocks.append(f"{r.actor_name} — record {r.uuid[:8]} breaks a rule: {describe_problems(r.problems)}")
            continue
        lines = [
            f"{r.actor_name} — {r.date.short()} ({r.date.precision})",
            f"{r.score:+g} {dimension.score_label(r.score)} · {r.confidence} confidence",
            textwrap.fill(f"Source: {where}", width),
        ]
        if evidence:
            lines.append(textwrap.fill(f"Evidence: {evidence}", width))
        if r.problems:
            lines.append(textwrap.fill(f"Breaks a rule: {describe_problems(r.problems)}", width))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def resolve_dimension(store: Store, text: str | None) -> Dimension:
    """A dimension by slug or label; the first one when none is given."""
    if text:
        return store.dimension(text)
    dims = store.dimensions()
    if not dims:
        raise NotFound("the database has no dimensions")
    return dims[0]


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


def actors_with_records(store: Store, limit: int = 12) -> list[str]:
    """The actors with the most live records (for a snapshot when none are chosen)."""
    counts: dict[str, int] = {}
    for a in store.actors():
        n = store.count(RecordFilter(actors=[a.slug]))
        if n:
            counts[a.slug] = n
    return sorted(counts, key=lambda s: (-counts[s], s))[:limit]


__all__ = [
    "Band", "ChartError", "ChartRequest", "Comparison", "EventMark", "KINDS", "Profile", "Snapshot",
    "Timeline", "Trace", "add_months", "build", "comparison", "describe", "fade", "make_trace",
    "profile", "snapshot", "source_line", "timeline", "to_seconds", "trend", "values_on",
]
