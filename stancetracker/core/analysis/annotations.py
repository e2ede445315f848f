"""What every chart carries besides its data: event marks, the source line, hover text."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stancetracker.core.analysis.chartdates import seconds
from stancetracker.core.analysis.request import chart_filter
from stancetracker.core.analysis.series import skipped_note
from stancetracker.core.analysis import wording
from stancetracker.core.analysis.wording import SourceLine, fmt_score, value_text
from stancetracker.core.db.chart_sources import drawn_sources
from stancetracker.core.db.observations import stored_dates
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.entities import Dimension
from stancetracker.core.model.stored_values import date_problem, visible
from stancetracker.core.model.stored_values import describe as describe_problems

if TYPE_CHECKING:  # builds no arrays: NumPy is named only in a type hint
    import numpy as np


@dataclass
class EventMark:
    """A dated landmark: a vertical line with a short label."""

    x: float
    label: str
    slug: str
    precision: str = "day"


def event_marks(store: Store) -> list[EventMark]:
    """Every event as a mark at the first day of its period."""
    out = []
    for e in store.events():
        if e.date is None:  # its stored date is no date: nowhere to draw it (check lists it)
            continue
        out.append(EventMark(seconds(e.date), e.label, e.slug, e.date.precision))
    return out


def join_names(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C': names as a title lists them."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def source_line(store: Store, actors: list[str], dimensions: list[str], flt: RecordFilter | None,
                horizon_months: int | None, until: np.datetime64 | None = None,
                skipped: dict[str, int] | None = None) -> SourceLine:
    """Provenance printed under a chart: the sources the drawn records cite, coders, data date, counts.

    ``skipped``: records the chart's series left out for invalid values, not counted as drawn.
    """
    sub = chart_filter(flt) or RecordFilter()
    sub.actors, sub.dimensions = list(actors), list(dimensions)
    ids = store.slug_ids()
    last_day = str(until) if until is not None else None
    cited = drawn_sources(store, sub, last_day, ids)
    per_coder = cited.coders
    n = sum(c.count for c in per_coder)
    first = min((c.first for c in per_coder), default=None)
    last = max((c.last for c in per_coder), default=None)
    left_out = sum((skipped or {}).values())
    if left_out and (_bad_date(first) or _bad_date(last)):
        # min/max met a stored date that is no date: take the extremes of the drawn records instead.
        drawn = [v for v in stored_dates(store, sub, last_day, ids) if not _bad_date(v)]
        first, last = (min(drawn), max(drawn)) if drawn else (None, None)
    notes = []
    if horizon_months:
        notes.append(f"faded when evidence is over {horizon_months} months old")
    if left_out:
        notes.append(skipped_note(skipped).replace(" (stancetracker check lists them)", ""))
    return wording.source_line(
        cited.sources, cited.unsourced, [c.coder for c in per_coder], cited.latest_change,
        # "n of N records": N is what the chart's view shows (the consensus view counts a settled unit once)
        max(0, n - left_out), store.count(RecordFilter(**sub.scoped())), first, last, notes,
        store.path.name if store.path else "in-memory database")


def _bad_date(value: object) -> bool:
    return value is not None and date_problem(value, "day") is not None


def describe(store: Store, dimension: Dimension, uuids: list[str], width: int = 72,
             max_evidence: int = 300) -> str:
    """Hover text for one observation: actor, date, score label, confidence, source, evidence.

    Several records on one date are headed by their average and spread, so the
    line a chart draws there is never read as one record's level.
    """
    blocks = []
    rows = [store.record(u) for u in uuids]
    scores = [r.score for r in rows if r.score is not None and r.date is not None]
    if len(scores) > 1:
        r = rows[0]
        when = f" — {r.date.short()}" if r.date is not None else ""
        blocks.append(f"{r.actor_name}{when}: {value_text(scores, dimension)}")
    for r in rows:
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
            f"{fmt_score(r.score)} {dimension.score_label(r.score)} · {r.confidence} confidence",
            textwrap.fill(f"Source: {where}", width),
        ]
        if evidence:
            lines.append(textwrap.fill(f"Evidence: {evidence}", width))
        if r.problems:
            lines.append(textwrap.fill(f"Breaks a rule: {describe_problems(r.problems)}", width))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
