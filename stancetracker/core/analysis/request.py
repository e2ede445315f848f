"""What a chart is asked for: its kind, actors, dimension, window and filter (no NumPy here).

The command line reads these names to declare its options without loading the chart code.
"""

from __future__ import annotations

from dataclasses import dataclass

from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.entities import Dimension
from stancetracker.core.model.errors import NotFound, StanceError

KINDS = ("timeline", "profile", "compare", "snapshot")
DEFAULT_HORIZON_MONTHS = 12


class ChartError(StanceError):
    """A chart that cannot be drawn as asked (wrong number of actors, no such kind)."""


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


def chart_filter(flt: RecordFilter | None) -> RecordFilter | None:
    """The parts of a table filter that apply to a chart: dates, coders, confidence, text."""
    if flt is None:
        return None
    return RecordFilter(since=flt.since, until=flt.until, coders=list(flt.coders),
                        min_confidence=flt.min_confidence, query=flt.query, **flt.scoped())


def resolve_dimension(store: Store, text: str | None) -> Dimension:
    """A dimension by slug or label; the first one when none is given."""
    if text:
        return store.dimension(text)
    dims = store.dimensions()
    if not dims:
        raise NotFound("the database has no dimensions")
    return dims[0]
