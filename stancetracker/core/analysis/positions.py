"""Positions with their uncertainty: per actor × dimension and date (or period), what the records say.

The central value is the plain **mean** of the scores, by the same rule every
chart and the shifts use for same-date records (series.group_by_date; no
weighting by confidence). Beside it: the range (lowest and highest score) and,
from three records up, a 68% bootstrap interval of the mean (records drawn
with replacement, 1,000 draws, NumPy's PCG64 with a fixed seed, so the same
records always give the same interval), and how many records, sources and
coders stand behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stancetracker.core.analysis.alpha import DEFAULT_BOOTSTRAP, DEFAULT_SEED
from stancetracker.core.analysis.series import Series, group_by_date
from stancetracker.core.db.observations import position_rows
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import DateError
from stancetracker.core.model.stored_values import stored_date

PERIODS = ("date", "month", "quarter", "year")
INTERVAL_FROM = 3  # records: below this only the range is given
COVERAGE = 0.68


@dataclass
class Position:
    actor_slug: str
    actor: str
    dimension_slug: str
    dimension: str
    period: str  # the ISO date, or the month (2021-05), quarter (2021-Q2) or year (2021)
    mean: float
    low: float
    high: float
    interval: tuple[float, float] | None
    records: int
    sources: int
    coders: int

    def item(self) -> dict:
        """As a listing writes it (docs/formats.md, ``positions``)."""
        lo, hi = self.interval if self.interval else (None, None)
        return {"actor_slug": self.actor_slug, "actor": self.actor, "dimension_slug": self.dimension_slug,
                "dimension": self.dimension, "period": self.period, "mean": round(self.mean, 6),
                "low": self.low, "high": self.high, "interval_low": None if lo is None else round(lo, 6),
                "interval_high": None if hi is None else round(hi, 6), "records": self.records,
                "sources": self.sources, "coders": self.coders}


def period_of(iso: str, period: str) -> str:
    """The period an ISO date falls in."""
    if period == "month":
        return iso[:7]
    if period == "quarter":
        return f"{iso[:4]}-Q{(int(iso[5:7]) - 1) // 3 + 1}"
    if period == "year":
        return iso[:4]
    return iso


def mean_interval(scores: np.ndarray, coverage: float = COVERAGE, draws: int = DEFAULT_BOOTSTRAP,
                  seed: int = DEFAULT_SEED) -> tuple[float, float] | None:
    """A percentile bootstrap interval of the mean (None below INTERVAL_FROM scores)."""
    if len(scores) < INTERVAL_FROM:
        return None
    rng = np.random.Generator(np.random.PCG64(seed))
    means = scores[rng.integers(0, len(scores), (draws, len(scores)))].mean(axis=1)
    tail = (1.0 - coverage) / 2.0 * 100.0
    lo, hi = np.percentile(means, [tail, 100.0 - tail])
    return float(lo), float(hi)


def series_intervals(s: Series) -> tuple[np.ndarray, np.ndarray]:
    """The 68% interval of each observation of a series (NaN below INTERVAL_FROM records), as positions gives it."""
    lo, hi = np.full(len(s), np.nan), np.full(len(s), np.nan)
    if s.scores.shape[0] != int(s.n.sum()):
        return lo, hi
    starts = np.r_[0, np.cumsum(s.n)[:-1]].astype(int)
    tail = (1.0 - COVERAGE) / 2.0 * 100.0
    # mean_interval draws the same indices for every group of one size (a fresh generator, one seed), so the
    # groups of a size are resampled together: thousands of averaged dates in a fraction of the time.
    for size in np.unique(s.n[s.n >= INTERVAL_FROM]).tolist():
        which = np.flatnonzero(s.n == size)
        draw = np.random.Generator(np.random.PCG64(DEFAULT_SEED)).integers(0, size, (DEFAULT_BOOTSTRAP, size))
        values = s.scores[starts[which][:, None] + np.arange(size)]
        for k in range(0, which.size, 256):
            means = values[k:k + 256][:, draw].mean(axis=2)
            lo[which[k:k + 256]], hi[which[k:k + 256]] = np.percentile(means, [tail, 100.0 - tail], axis=1)
    return lo, hi


def sound_row(row: tuple) -> bool:
    """Whether a position_rows row has a score and a date a position can use."""
    score, date, precision = row[6], row[4], row[5]
    if isinstance(score, bool) or not isinstance(score, (int, float)) or not -2 <= score <= 2:
        return False
    try:
        stored_date(date, precision)
    except DateError:
        return False
    return True


def positions(store: Store, flt: RecordFilter | None = None, period: str = "date") -> list[Position]:
    """Every actor × dimension × date (or period) the filter's records bear on; stored values that break a rule
    are left out (``stancetracker check`` lists them)."""
    if period not in PERIODS:
        raise ValueError(f"period {period!r}: use one of {', '.join(PERIODS)}")
    groups: dict[tuple[str, str], list[tuple]] = {}
    for row in position_rows(store, flt):
        if sound_row(row):
            groups.setdefault((row[0], row[2]), []).append(row)
    out: list[Position] = []
    for rows in groups.values():
        keys = [period_of(r[4], period) for r in rows]
        order = sorted(range(len(rows)), key=lambda i: keys[i])
        rows, keys = [rows[i] for i in order], [keys[i] for i in order]
        codes = np.unique(np.asarray(keys), return_inverse=True)[1]
        scores = np.asarray([float(r[6]) for r in rows])
        g = group_by_date(codes, scores)  # the one averaging rule
        for k, start in enumerate(g.starts):
            part = rows[start:start + g.counts[k]]
            first = part[0]
            out.append(Position(
                first[0], first[1], first[2], first[3], keys[start], float(g.score[k]), float(g.low[k]),
                float(g.high[k]), mean_interval(scores[start:start + g.counts[k]]), int(g.counts[k]),
                len({r[7] for r in part if r[7]}), len({r[8] for r in part})))
    return out


__all__ = ["COVERAGE", "INTERVAL_FROM", "PERIODS", "Position", "mean_interval", "period_of", "positions",
           "series_intervals", "sound_row"]
