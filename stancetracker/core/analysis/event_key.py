"""The event key: which events a chart's date range shows, their numbers and dates in words,
and where their numbered markers stack so that none hides another.

Charts draw each event as a small numbered marker on a strip above the time
axis and list every marker's number, date and full label in a key; a label
is never cut, and a crowded stretch stacks its markers in lanes (or, past the
last lane, joins neighbours into one "12–15" marker) rather than dropping any.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from stancetracker.core.analysis.annotations import EventMark
from stancetracker.core.model.dates import PartialDate

_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)


@dataclass(frozen=True)
class KeyEntry:
    """One event in the key: its number on the chart, where it is drawn and what it is."""

    number: int
    x: float  # seconds since the epoch (UTC), where the mark is drawn
    when: str  # "7 Dec 2019", "Jun 2022", "2018": as precise as the event's date
    label: str  # in full
    slug: str


@dataclass(frozen=True)
class Marker:
    """A numbered marker on the event strip; ``first``…``last`` index the key's entries."""

    first: int
    last: int
    lane: int  # 0 is the lane next to the axis
    text: str  # "7", or "12–15" for neighbours joined past the last lane
    left: float  # pixels from the strip's left edge
    right: float


def date_text(x: float, precision: str = "day") -> str:
    """An event's date in words, no more precise than it was recorded."""
    return PartialDate(_EPOCH + _dt.timedelta(seconds=x), precision).words()


def key_entries(events: Sequence[EventMark], lo: float, hi: float) -> list[KeyEntry]:
    """Every event drawn within ``lo``…``hi`` (seconds), in date order, numbered from 1.

    Numbers follow the range shown, so an exported chart's key starts at 1;
    events on one date keep the order they were given in.
    """
    shown = sorted((e for e in events if lo <= e.x <= hi), key=lambda e: e.x)
    return [KeyEntry(n, e.x, date_text(e.x, e.precision), e.label, e.slug) for n, e in enumerate(shown, 1)]


def stack_markers(xs: Sequence[float], width: Callable[[str], float], lanes: int, strip_width: float,
                  gap: float = 2.0, numbers: Sequence[int] | None = None) -> list[Marker]:
    """Place a numbered marker for each x (pixels, ascending), none overlapping another.

    Each marker goes in the lowest lane with room, centred on its event (kept
    inside the strip). When no lane has room the event joins the marker placed
    just before it, which then reads "first–last" (and, if even that finds no
    room, the one before that): numbers stay consecutive, so every event keeps
    a number on the strip. ``width(text)`` is a marker's width in pixels;
    ``numbers`` default to 1, 2, ….
    """
    lanes = max(1, int(lanes))
    nums = list(numbers) if numbers is not None else list(range(1, len(xs) + 1))
    ends = [float("-inf")] * lanes  # right edge of the last marker in each lane
    out: list[Marker] = []

    def at(centre: float, w: float) -> float:
        return min(max(centre - w / 2, 0.0), max(0.0, strip_width - w))

    for i, x in enumerate(xs):
        text = str(nums[i])
        w = width(text)
        left = at(x, w)
        lane = next((k for k in range(lanes) if ends[k] + gap <= left), None)
        if lane is not None:
            out.append(Marker(i, i, lane, text, left, left + w))
            ends[lane] = left + w
            continue
        first = out.pop().first if out else i
        while True:
            text = f"{nums[first]}–{nums[i]}" if first != i else str(nums[i])
            w = width(text)
            want = at(xs[first], width(str(nums[first])))
            want = min(want, max(0.0, strip_width - w))
            ends = [max((m.right for m in out if m.lane == k), default=float("-inf")) for k in range(lanes)]
            room = [(max(want, ends[k] + gap), k) for k in range(lanes)
                    if max(want, ends[k] + gap) + w <= strip_width + 1e-9]
            if room or not out:
                left, lane = min(room) if room else (want, 0)
                out.append(Marker(first, i, lane, text, left, left + w))
                ends[lane] = left + w
                break
            first = out.pop().first  # no room even joined: take in the marker before it too
    return out


def lanes_used(markers: Sequence[Marker]) -> int:
    """How many lanes the markers fill (0 when there are none)."""
    return max((m.lane for m in markers), default=-1) + 1


__all__ = ["KeyEntry", "Marker", "date_text", "key_entries", "lanes_used", "stack_markers"]
