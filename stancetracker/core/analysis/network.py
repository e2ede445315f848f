"""Actor-to-actor alignment networks, one per time window (docs/formats.md, "Networks").

An actor's **position** on a dimension in a window is the plain mean of its
records dated in the window (positions.py's rule, through series.group_by_date;
a record counts at its stored date, the first day of its month or year). With
``carry_forward`` an actor with no record on a dimension in a window keeps the
stance in force at the window's start (the step function of series.py: the
mean of its records on their latest date before the window).

Two actors with a position on at least one shared dimension are joined by an
edge: ``distance`` is the mean of |a − b| over those dimensions (0…4) and
``weight`` = 1 − distance / 4 (1: the same positions, 0: opposite poles).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import numpy as np

from stancetracker.core.analysis.colours import chart_actors
from stancetracker.core.analysis.positions import sound_row
from stancetracker.core.analysis.series import group_by_date
from stancetracker.core.db.observations import position_rows
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store

WINDOWS = ("1y", "6m", "3m", "all")
MAX_DISTANCE = 4.0  # from -2 to +2


@dataclass(frozen=True)
class Node:
    id: str  # the actor's slug
    label: str
    kind: str
    colour: str
    positions: dict[str, float]  # dimension slug -> position in the window
    records: int  # records dated in the window (carried positions add none)
    carried: tuple[str, ...] = ()  # dimensions whose position was carried forward


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    weight: float
    dimensions: int
    distance: float
    shared: tuple[str, ...]


@dataclass
class Window:
    name: str  # 2021, 2021-H2, 2021-Q3 or all
    start: str  # ISO, first day
    end: str  # ISO, last day
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


@dataclass
class Network:
    window: str
    carry_forward: bool
    dimensions: list[tuple[str, str]]  # (slug, label) of the dimensions that appear, in the codebook's order
    windows: list[Window]
    skipped: int = 0  # stored rows left out for a value that breaks a rule


def window_of(day: dt.date, size: str) -> tuple[str, dt.date, dt.date]:
    """The calendar window (name, first day, last day) holding a day: a year, half-year or quarter."""
    y = day.year
    if size == "1y":
        return str(y), dt.date(y, 1, 1), dt.date(y, 12, 31)
    months = 6 if size == "6m" else 3
    k = (day.month - 1) // months
    first = dt.date(y, k * months + 1, 1)
    nxt = dt.date(y + 1, 1, 1) if k * months + months == 12 else dt.date(y, k * months + months + 1, 1)
    name = f"{y}-H{k + 1}" if size == "6m" else f"{y}-Q{k + 1}"
    return name, first, nxt - dt.timedelta(days=1)


def windows_between(first: dt.date, last: dt.date, size: str) -> list[tuple[str, dt.date, dt.date]]:
    """Every window from the one holding ``first`` to the one holding ``last``, empty ones included."""
    if size not in WINDOWS:
        raise ValueError(f"window {size!r}: use one of {', '.join(WINDOWS)}")
    if size == "all":
        return [("all", first, last)]
    out = [window_of(first, size)]
    while out[-1][2] < last:
        out.append(window_of(out[-1][2] + dt.timedelta(days=1), size))
    return out


def edge(a: Node, b: Node) -> Edge | None:
    """The edge of two actors by the rule above; None when they share no dimension."""
    shared = tuple(d for d in a.positions if d in b.positions)
    if not shared:
        return None
    distance = sum(abs(a.positions[d] - b.positions[d]) for d in shared) / len(shared)
    return Edge(a.id, b.id, 1.0 - distance / MAX_DISTANCE, len(shared), distance, shared)


def network(store: Store, flt: RecordFilter | None = None, window: str = "1y",
            carry_forward: bool = False) -> Network:
    """The alignment network of the records the filter selects, one graph per window."""
    if window not in WINDOWS:
        raise ValueError(f"window {window!r}: use one of {', '.join(WINDOWS)}")
    rows, skipped = [], 0
    for row in position_rows(store, flt):
        if sound_row(row):
            rows.append(row)
        else:
            skipped += 1
    dim_order = {d.slug: (i, d.label) for i, d in enumerate(store.dimensions())}
    out = Network(window, carry_forward, [], [], skipped)
    if not rows:
        return out
    days = [dt.date.fromisoformat(str(r[4])[:10]) for r in rows]
    spans = windows_between(min(days), max(days), window)
    index = {name: i for i, (name, _, _) in enumerate(spans)}
    # (actor, dimension) -> its dated records, oldest first (position_rows orders them so).
    by_pair: dict[tuple[str, str], list[tuple[dt.date, float]]] = {}
    for r, day in zip(rows, days):
        by_pair.setdefault((str(r[0]), str(r[2])), []).append((day, float(r[6])))
    actors = {slug: (name, colour) for slug, name, colour in
              chart_actors(store, sorted({a for a, _ in by_pair}))}
    kinds = {a.slug: a.kind for a in store.actors()}
    present = sorted({d for _, d in by_pair}, key=lambda s: dim_order.get(s, (len(dim_order), s)))
    out.dimensions = [(d, dim_order.get(d, (0, d))[1]) for d in present]
    # positions[w][actor][dimension] = (value, records in the window)
    found: list[dict[str, dict[str, tuple[float, int]]]] = [{} for _ in spans]
    carried: list[dict[str, set[str]]] = [{} for _ in spans]
    for (actor, dim), obs in by_pair.items():
        when = np.array([d.toordinal() for d, _ in obs])
        scores = np.array([s for _, s in obs])
        codes = np.array([index[window_of(d, window)[0]] if window != "all" else 0 for d, _ in obs])
        g = group_by_date(codes, scores)  # the one averaging rule, over the records of each window
        for k, start in enumerate(g.starts):
            found[int(codes[start])].setdefault(actor, {})[dim] = (float(g.score[k]), int(g.counts[k]))
        if not carry_forward:
            continue
        last = group_by_date(when, scores)  # the step function: the mean on the latest date in force
        for w, (_, first_day, _) in enumerate(spans):
            if dim in found[w].get(actor, {}):
                continue
            i = int(np.searchsorted(when[last.starts], first_day.toordinal(), side="left")) - 1
            if i >= 0:
                found[w].setdefault(actor, {})[dim] = (float(last.score[i]), 0)
                carried[w].setdefault(actor, set()).add(dim)
    for w, (name, first_day, last_day) in enumerate(spans):
        nodes = []
        for actor in sorted(found[w]):
            held = found[w][actor]
            label, colour = actors[actor]
            dims = sorted(held, key=lambda s: dim_order.get(s, (len(dim_order), s)))
            nodes.append(Node(actor, label, kinds.get(actor, "other"), colour, {d: held[d][0] for d in dims},
                              sum(n for _, n in held.values()), tuple(d for d in dims if d in carried[w].get(actor, ()))))
        edges = [e for a, b in itertools.combinations(nodes, 2) if (e := edge(a, b)) is not None]
        out.windows.append(Window(name, first_day.isoformat(), last_day.isoformat(), nodes, edges))
    return out


__all__ = ["Edge", "MAX_DISTANCE", "Network", "Node", "WINDOWS", "Window", "edge", "network", "window_of",
           "windows_between"]
