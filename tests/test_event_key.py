"""The event key (core/analysis/event_key.py): every event in range numbered, with its full label;
markers never overlap and never lose a number, however crowded the stretch."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from stancetracker.core.analysis.annotations import EventMark
from stancetracker.core.analysis.chartdates import seconds
from stancetracker.core.analysis.event_key import date_text, key_entries, lanes_used, stack_markers
from stancetracker.core.model.dates import parse_date

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "events.csv"


def seed_events() -> list[EventMark]:
    with SEEDS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [EventMark(seconds(parse_date(r["date"], r["date_precision"])), r["label"], r["slug"],
                      r["date_precision"]) for r in rows]


def char_width(text: str) -> float:
    return 7.0 * len(text) + 6.0


def test_dates_read_as_precisely_as_recorded():
    x = seconds(parse_date("2019-12-07"))
    assert date_text(x, "day") == "7 Dec 2019"
    assert date_text(x, "month") == "Dec 2019"
    assert date_text(x, "year") == "2019"
    assert date_text(seconds(parse_date("1969-07-20")), "day") == "20 Jul 1969"  # before the epoch


def test_full_range_key_numbers_all_47_seed_events_in_date_order_with_full_labels():
    events = seed_events()
    assert len(events) == 47
    key = key_entries(events, min(e.x for e in events), max(e.x for e in events))
    assert [k.number for k in key] == list(range(1, 48))
    assert [k.x for k in key] == sorted(e.x for e in events)
    assert sorted(k.label for k in key) == sorted(e.label for e in events)  # none cut, none dropped
    assert any(k.label == "Iranian consulate in Basra attacked" for k in key)
    by_slug = {k.slug: k for k in key}
    assert by_slug["sadr-office-drone"].when == "7 Dec 2019"
    assert by_slug["elections-2021"].when == "Oct 2021"
    assert by_slug["elections-2018"].when == "2018"


def test_key_follows_the_range_and_restarts_its_numbers():
    events = seed_events()
    lo, hi = seconds(parse_date("2022-01-01")), seconds(parse_date("2022-01-31"))
    key = key_entries(events, lo, hi)
    expected = {e.slug for e in events if lo <= e.x <= hi}
    assert {k.slug for k in key} == expected and len(expected) == 12
    assert [k.number for k in key] == list(range(1, 13))
    assert key_entries(events, hi + 1, hi + 2) == []
    # Events on one day keep their given order (the table's order), so numbers are reproducible.
    same_day = [k.slug for k in key if k.when == "17 Jan 2022"]
    assert same_day == ["yasiri-house-attack", "second-hq-attacks", "amiri-erbil-meeting"]


def _check_layout(markers, n, lanes, strip_width):
    # Every event is covered by exactly one marker, in order, and numbers stay consecutive.
    covered = [i for m in markers for i in range(m.first, m.last + 1)]
    assert covered == list(range(n))
    for m in markers:
        assert m.text == (str(m.first + 1) if m.first == m.last else f"{m.first + 1}–{m.last + 1}")
        assert 0 <= m.lane < lanes
        assert 0 <= m.left and m.right <= strip_width + 1e-9
        assert m.right - m.left == pytest.approx(char_width(m.text))
    for lane in range(lanes):
        row = [m for m in markers if m.lane == lane]
        assert all(a.right <= b.left for a, b in zip(row, row[1:])), lane  # no overlap in a lane


def test_markers_stack_where_events_crowd_and_join_only_past_the_last_lane():
    events = seed_events()
    x0, x1 = min(e.x for e in events), max(e.x for e in events)
    for strip_width, lanes in ((900.0, 4), (600.0, 3), (2400.0, 4), (300.0, 1)):
        xs = [(e.x - x0) / (x1 - x0) * strip_width for e in sorted(events, key=lambda e: e.x)]
        markers = stack_markers(xs, char_width, lanes, strip_width)
        _check_layout(markers, 47, lanes, strip_width)
    # Roomy: events far apart each get their own marker on the first lane.
    markers = stack_markers([10.0, 100.0, 200.0], char_width, 4, 400.0)
    assert [(m.text, m.lane) for m in markers] == [("1", 0), ("2", 0), ("3", 0)]
    # Crowded: three on one pixel stack up; a fourth past the last lane joins the third.
    markers = stack_markers([50.0, 50.0, 50.0, 51.0], char_width, 3, 400.0)
    assert [(m.text, m.lane) for m in markers] == [("1", 0), ("2", 1), ("3–4", 2)]
    assert lanes_used(markers) == 3 and lanes_used([]) == 0


def test_markers_stay_inside_the_strip():
    markers = stack_markers([0.0, 399.0], char_width, 2, 400.0)
    assert markers[0].left == 0.0 and markers[1].right == 400.0
