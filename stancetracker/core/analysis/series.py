"""Series and shifts: how an actor's stance on a dimension moves over time.

A stance holds from its date until the next observation of the same actor
and dimension (a step function); several records on one date are averaged
and their spread kept. A *shift* is a change between consecutive
observations of at least 2 points, or a change of sign.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import numpy as np

from stancetracker.core.analysis.wording import Averaged
from stancetracker.core.db.observations import ObservationRow, observation_rows
from stancetracker.core.db.query import RecordFilter, RecordRow
from stancetracker.core.db.store import Store
from stancetracker.core.model.stored_values import CHART_COLUMNS, chart_problem, observations_sound

_PRECISION_CODE = {"day": 0, "month": 1, "year": 2}
_CONF = {"low": 0, "medium": 1, "high": 2}
SHIFT_MIN_CHANGE = 2.0


@dataclass
class Series:
    """One actor on one dimension: one entry per distinct date, oldest first.

    ``dates`` are the first days of each observation's period
    (``datetime64[D]``); ``ends`` the last days (equal to ``dates`` for day
    precision). ``score`` is the mean of the records on that date, ``low`` and
    ``high`` their range, ``n`` how many there are, ``uuids`` which ones.
    """

    actor: str
    dimension: str
    dates: np.ndarray
    ends: np.ndarray
    precision: np.ndarray
    score: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n: np.ndarray
    confidence: np.ndarray  # lowest confidence on the date: 0 low, 1 medium, 2 high
    uuids: list[list[str]] = field(default_factory=list)
    # Records left out because a value a chart needs breaks a rule: column -> how many.
    skipped: dict[str, int] = field(default_factory=dict)
    # Every record's score, in date order: observation i's are the ``n[i]`` from the sum of the ``n`` before it.
    scores: np.ndarray = field(default_factory=lambda: np.array([], dtype=float))

    def __len__(self) -> int:
        return int(self.dates.shape[0])

    def index_at(self, when: np.ndarray) -> np.ndarray:
        """For each date, the observation in force then (carried forward); -1 before the first."""
        return np.searchsorted(self.dates, when, side="right") - 1

    def value_at(self, when: _dt.date | np.datetime64) -> float:
        """The stance in force on a date (NaN before the first observation)."""
        i = int(self.index_at(np.datetime64(when, "D")))
        return float(self.score[i]) if i >= 0 else float("nan")


def series(store: Store, actor: str, dimension: str, flt: RecordFilter | None = None,
           ids: dict[str, dict[str, int]] | None = None) -> Series:
    """The series of one actor x dimension, honouring the filter's dates, coders and confidence.

    ``ids`` (``store.slug_ids()``) may be passed by callers building many series at once.
    """
    return build_series(actor, dimension, observation_rows(store, actor, dimension, flt, ids))


def _codes(values: tuple, table: dict[str, int]) -> np.ndarray:
    """Map a column of a few distinct strings to integer codes without a Python loop per row.

    A dict lookup mapped in C is a fifth of the cost of comparing a string array
    with each name (the schema allows no other values).
    """
    return np.fromiter(map(table.__getitem__, values), np.int64, len(values))


def _keep_sound(rows: list[tuple]) -> tuple[list[tuple], dict[str, int]]:
    """The rows a chart can draw, and how many were left out by column (the slow path, row by row)."""
    kept, skipped = [], {}
    for row in rows:
        problem = chart_problem(*row[:4])
        if problem is None:
            kept.append(row)
        else:
            skipped[problem[0]] = skipped.get(problem[0], 0) + 1
    return kept, skipped


def skipped_note(skipped: dict[str, int]) -> str:
    """'1 record with an invalid date not drawn', for what build_series left out; '' when nothing was."""
    if not skipped:
        return ""
    n = sum(skipped.values())
    what = " or ".join(c for c in CHART_COLUMNS if skipped.get(c))
    return f"{n:,} record{'s' if n != 1 else ''} with an invalid {what} not drawn (stancetracker check lists them)"


def merge_skipped(series_list) -> dict[str, int]:
    """The skipped counts of several series added up."""
    out: dict[str, int] = {}
    for s in series_list:
        for column, n in s.skipped.items():
            out[column] = out.get(column, 0) + n
    return out


@dataclass
class DateGroups:
    """Records grouped by date: where each group starts, its size, and its mean score and range."""

    starts: np.ndarray
    counts: np.ndarray
    score: np.ndarray
    low: np.ndarray
    high: np.ndarray


def group_by_date(dates: np.ndarray, scores: np.ndarray) -> DateGroups:
    """The one rule for several records on one date: their mean is the stance, min and max its spread.

    ``dates`` must be sorted. Every chart (timeline, profile, comparison, snapshot) and the
    shifts read scores through this, so changing the rule (a median, a weighting) is done here.
    """
    starts = np.flatnonzero(np.r_[True, dates[1:] != dates[:-1]])
    counts = np.diff(np.r_[starts, dates.shape[0]])
    return DateGroups(starts, counts, np.add.reduceat(scores, starts) / counts,
                      np.minimum.reduceat(scores, starts), np.maximum.reduceat(scores, starts))


def build_series(actor: str, dimension: str, rows: list[ObservationRow]) -> Series:
    """Group (date, precision, score, confidence, uuid) rows, sorted by date, into a Series."""
    # Stored values are never trusted: a date like 2021-02-30 or a score held as text (a merge,
    # sqlite3, another program) is left out and counted, not fatal. Whole columns are checked
    # first; row by row only when that fails.
    skipped: dict[str, int] = {}
    columns = tuple(zip(*rows))
    if rows and not observations_sound(*columns[:4]):
        rows, skipped = _keep_sound(rows)
        columns = tuple(zip(*rows))
    if not rows:
        empty = np.array([], dtype="datetime64[D]")
        f = np.array([], dtype=float)
        i = np.array([], dtype=np.int64)
        return Series(actor, dimension, empty, empty.copy(), i.copy(), f, f.copy(), f.copy(), i, i.copy(), [],
                      skipped)
    dates_s, prec_s, scores, confs, uuids = columns
    all_dates = np.array(dates_s, dtype="datetime64[D]")
    g = group_by_date(all_dates, np.asarray(scores, dtype=float))
    starts, counts = g.starts, g.counts
    conf = np.minimum.reduceat(_codes(confs, _CONF), starts)
    # The coarsest precision on a date decides the span drawn for it.
    prec = np.maximum.reduceat(_codes(prec_s, _PRECISION_CODE), starts)
    first = all_dates[starts]
    month_end = (first.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    year_end = (first.astype("datetime64[Y]") + 1).astype("datetime64[D]") - 1
    ends = np.where(prec == 2, year_end, np.where(prec == 1, month_end, first))
    # Plain ints: slicing a tuple with NumPy integers is slower, and this runs per observation.
    groups = [list(uuids[s:s + c]) for s, c in zip(starts.tolist(), counts.tolist())]
    return Series(actor, dimension, all_dates[starts], ends, prec, g.score, g.low, g.high, counts, conf, groups,
                  skipped, np.asarray(scores, dtype=float))


@dataclass
class Shift:
    """A change between two consecutive observations, with the records on both sides."""

    actor: str
    dimension: str
    before_date: np.datetime64
    after_date: np.datetime64
    before: float
    after: float
    before_records: list[RecordRow] = field(default_factory=list)
    after_records: list[RecordRow] = field(default_factory=list)
    # What each side rests on (several records on a date are an average with a spread); None: one record.
    before_value: Averaged | None = None
    after_value: Averaged | None = None

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def sign_change(self) -> bool:
        return self.before * self.after < 0


def _value(s: Series, i: int) -> Averaged:
    return Averaged(float(s.score[i]), int(s.n[i]), float(s.low[i]), float(s.high[i]))


def shift_indices(s: Series, min_change: float = SHIFT_MIN_CHANGE) -> np.ndarray:
    """Indices i (>= 1) where observation i is a shift from observation i - 1."""
    if len(s) < 2:
        return np.array([], dtype=np.int64)
    prev, cur = s.score[:-1], s.score[1:]
    is_shift = (np.abs(cur - prev) >= min_change - 1e-9) | (prev * cur < 0)
    return np.flatnonzero(is_shift) + 1


def shifts(store: Store, actors: list[str] | None = None, dimensions: list[str] | None = None,
           flt: RecordFilter | None = None, with_records: bool = True,
           skipped: dict[str, int] | None = None) -> list[Shift]:
    """Every shift of the given actors (default: all) on the given dimensions, by date.

    ``skipped``, if given, is filled with the records left out for invalid values (see build_series).
    """
    actor_slugs = actors or [a.slug for a in store.actors()]
    dim_slugs = dimensions or [d.slug for d in store.dimensions()]
    out: list[Shift] = []
    ids = store.slug_ids()
    for a in actor_slugs:
        for d in dim_slugs:
            s = series(store, a, d, flt, ids=ids)
            if skipped is not None:
                for column, n in s.skipped.items():
                    skipped[column] = skipped.get(column, 0) + n
            for i in shift_indices(s):
                sh = Shift(a, d, s.dates[i - 1], s.dates[i], float(s.score[i - 1]), float(s.score[i]),
                           before_value=_value(s, i - 1), after_value=_value(s, i))
                if with_records:
                    sh.before_records = [store.record(u) for u in s.uuids[i - 1]]
                    sh.after_records = [store.record(u) for u in s.uuids[i]]
                out.append(sh)
    out.sort(key=lambda sh: (sh.after_date, sh.actor, sh.dimension))
    return out
