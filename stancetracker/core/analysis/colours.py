"""Which colour each actor is drawn in: its own, unless too close to one already on the chart."""

from __future__ import annotations

import re

import numpy as np

from stancetracker.core.db.store import Store

_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39")
_PALETTE_RGB = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in _PALETTE], dtype=float)
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _rgb(colour: str) -> np.ndarray | None:
    """The colour as RGB, or None if it is not #rrggbb (a stored colour is not trusted)."""
    if not isinstance(colour, str) or not _HEX_COLOUR.match(colour):
        return None
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


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


def chart_actors(store: Store, slugs: list[str]) -> list[tuple[str, str, str]]:
    """(slug, name, colour) for each actor, found by slug, name or alias."""
    # Slugs are looked up directly: building the name matcher for each of 20 actors costs
    # more than drawing them.
    by_slug = {a.slug: a for a in store.actors()}
    found = [by_slug[text] if text in by_slug else store.actor(text) for text in slugs]
    colours = distinct_colours([a.colour for a in found])
    return [(a.slug, a.name, c) for a, c in zip(found, colours)]
