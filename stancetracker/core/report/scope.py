"""What a report covers: its actors, dimensions, period and filter, resolved through the store.

Names are taken as the command line takes them (an actor by slug, name or
alias; a dimension by slug or label). An empty list of actors means every
actor with records in the scope (the other choices narrowing it), and an empty
list of dimensions every dimension those actors have records on: "a report on
Sadr" is ``--actor sadr`` alone. A scope with no records is refused, in one
line, before anything is built or written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stancetracker.core.db.query import DEFAULT_VIEW, RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.entities import Actor, Dimension
from stancetracker.core.model.errors import StanceError


class EmptyScope(StanceError):
    """A report scope that selects no record."""


@dataclass(frozen=True)
class ReportScope:
    """What to report on, as the user named it; ``flt`` adds coders, lowest confidence and a text search.

    What the scope's own fields leave empty (actors, dimensions, dates) is taken from ``flt``,
    so the window's record filter can be passed as it is. Without ``flt`` a report reads the consensus
    view, as the command line and the window do: a report is published, so records settled by
    adjudication give way to their consensus record (docs/reliability.md).
    """

    actors: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    since: PartialDate | None = None
    until: PartialDate | None = None
    title: str = ""
    flt: RecordFilter | None = None


@dataclass
class ResolvedScope:
    """A scope with its names resolved: the actors and dimensions as stored, and the record filter."""

    actors: list[Actor]
    dimensions: list[Dimension]
    flt: RecordFilter
    chosen_actors: bool  # False when the actors were not named (all actors with records)
    chosen_dimensions: bool
    since: PartialDate | None = None
    until: PartialDate | None = None
    title: str = ""
    counts: dict[tuple[str, str], int] = field(default_factory=dict)  # (actor, dimension) -> records in scope

    @property
    def actor_slugs(self) -> list[str]:
        return [a.slug for a in self.actors]

    @property
    def dimension_slugs(self) -> list[str]:
        return [d.slug for d in self.dimensions]


def resolve(store: Store, scope: ReportScope) -> ResolvedScope:
    """Resolve a scope's names; NotFound for an unknown actor or dimension, EmptyScope if no record is in it."""
    base = scope.flt or RecordFilter(view=DEFAULT_VIEW)
    actors = _unique([store.actor(a) for a in (scope.actors or base.actors)])
    dims = _unique([store.dimension(d) for d in (scope.dimensions or base.dimensions)])
    since, until = scope.since or base.since, scope.until or base.until
    if since and until and until.end() < since.value:
        raise EmptyScope(f"the period ends ({until}) before it starts ({since})")
    flt = RecordFilter(actors=[a.slug for a in actors], dimensions=[d.slug for d in dims],
                       since=since, until=until, coders=list(base.coders),
                       min_confidence=base.min_confidence, query=base.query or "", **base.scoped())
    counts = _counts(store, flt)
    if not counts:
        raise EmptyScope(f"no records in the scope of the report ({describe_filter(store, flt)}); "
                         "widen it (other actors, dimensions or dates)")
    if not actors:
        present = {a for a, _ in counts}
        actors = [a for a in store.actors() if a.slug in present]
    if not dims:
        present = {d for _, d in counts}
        dims = [d for d in store.dimensions() if d.slug in present]
    flt.actors, flt.dimensions = [a.slug for a in actors], [d.slug for d in dims]
    return ResolvedScope(actors, dims, flt, bool(scope.actors or base.actors),
                         bool(scope.dimensions or base.dimensions), since, until, scope.title, counts)


def _unique(items: list) -> list:
    seen, out = set(), []
    for it in items:
        if it.slug not in seen:
            seen.add(it.slug)
            out.append(it)
    return out


def _counts(store: Store, flt: RecordFilter) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for r in store.records(flt):
        counts[(r.actor, r.dimension)] = counts.get((r.actor, r.dimension), 0) + 1
    return counts


def describe_filter(store: Store, flt: RecordFilter) -> str:
    """The filter in words: 'Muqtada al-Sadr; Iran; 2019 to 2022; coder ana; medium confidence or more'."""
    names = {a.slug: a.name for a in store.actors()}
    labels = {d.slug: d.label for d in store.dimensions()}
    parts = [", ".join(names.get(a, a) for a in flt.actors) or "all actors",
             ", ".join(labels.get(d, d) for d in flt.dimensions) or "all dimensions",
             period_text(flt.since, flt.until)]
    if flt.coders:
        parts.append(f"coder{'s' if len(flt.coders) > 1 else ''} {', '.join(flt.coders)}")
    if flt.min_confidence and flt.min_confidence != "low":
        parts.append(f"{flt.min_confidence} confidence or more")
    if flt.query.strip():
        parts.append(f"evidence matching {flt.query.strip()!r}")
    return "; ".join(parts)


def period_text(since: PartialDate | None, until: PartialDate | None) -> str:
    """'2019 to 2022', 'from 2019-12', 'up to 2020', 'all dates'."""
    if since and until:
        return f"{since} to {until}"
    if since:
        return f"from {since}"
    if until:
        return f"up to {until}"
    return "all dates"


__all__ = ["EmptyScope", "ReportScope", "ResolvedScope", "describe_filter", "period_text", "resolve"]
