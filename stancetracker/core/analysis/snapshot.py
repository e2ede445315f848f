"""The snapshot chart: actors x dimensions on one date, faded by the age of the evidence."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import numpy as np

from stancetracker.core.analysis.annotations import source_line
from stancetracker.core.analysis.chartdates import day
from stancetracker.core.analysis.colours import chart_actors
from stancetracker.core.analysis.request import DEFAULT_HORIZON_MONTHS, chart_filter
from stancetracker.core.analysis.series import merge_skipped, series, skipped_note
from stancetracker.core.analysis.wording import Averaged, SourceLine, value_text
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.entities import Dimension


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
    source_line: SourceLine | None = None  # ``source`` in parts, to wrap at the chart's width
    # Each cell's value in words: one record keeps its level label, several are an average with their spread.
    cells: list[list[str]] = field(default_factory=list)
    row_title: str = "Actor"
    column_title: str = "Dimension"


def fade(age_days: np.ndarray, horizon_months: int) -> np.ndarray:
    """Opacity for evidence of a given age: 1 when new, 0.5 at the horizon, at least 0.2."""
    horizon_days = max(1.0, horizon_months * 30.44)
    with np.errstate(invalid="ignore"):
        return np.clip(1.0 - np.asarray(age_days, dtype=float) / (2 * horizon_days), 0.2, 1.0)


def snapshot(store: Store, actors: list[str], at, flt: RecordFilter | None = None,
             horizon_months: int = DEFAULT_HORIZON_MONTHS, title: str = "") -> Snapshot:
    """Actors x dimensions on a date: carried-forward score, age of the evidence, fade."""
    info = chart_actors(store, actors)
    dims = store.dimensions()
    when = day(at)
    sf = chart_filter(flt) or RecordFilter()
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
    cells = [["" for _ in dims] for _ in info]
    for i, (slug, _, _) in enumerate(info):
        for j, d in enumerate(dims):
            s = series(store, slug, d.slug, sf, ids=ids)
            built.append(s)
            k = int(s.index_at(when))
            if k < 0:
                continue
            score[i, j] = s.score[k]
            evidence[i, j] = s.dates[k]
            age[i, j] = float((when - s.dates[k]).astype(np.int64))
            uuids[i][j] = list(s.uuids[k])
            cells[i][j] = value_text(Averaged(float(s.score[k]), int(s.n[k]), float(s.low[k]), float(s.high[k])), d)
    label = _dt.date.fromisoformat(str(when)).strftime("%-d %B %Y")
    line = source_line(store, [s for s, _, _ in info], [d.slug for d in dims], flt, horizon_months,
                       until=when, skipped=merge_skipped(built))
    return Snapshot(
        at=when, actors=[s for s, _, _ in info], names=[n for _, n, _ in info], dimensions=dims,
        score=score, age_days=age, alpha=np.where(np.isnan(age), 0.0, fade(age, horizon_months)),
        evidence_date=evidence, uuids=uuids, horizon_months=horizon_months,
        title=title or f"Stances on {label}",
        source=str(line), source_line=line, cells=cells,
        note=skipped_note(merge_skipped(built)),
    )


def actors_with_records(store: Store, limit: int = 12) -> list[str]:
    """The actors with the most live records (for a snapshot when none are chosen)."""
    counts: dict[str, int] = {}
    for a in store.actors():
        n = store.count(RecordFilter(actors=[a.slug]))
        if n:
            counts[a.slug] = n
    return sorted(counts, key=lambda s: (-counts[s], s))[:limit]
