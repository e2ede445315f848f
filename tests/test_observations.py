"""The reads analysis makes through core/db/observations: rows as stored, per-coder spans, dates."""

from __future__ import annotations

import pytest

from stancetracker.core.db.observations import CoderSpan, coder_spans, observation_rows, stored_dates
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.model.errors import NotFound


def add(store, date, score, actor="sadr", dim="iran", coder="tester", confidence="medium"):
    return store.add_record(Record(actor=actor, dimension=dim, date=parse_date(date), score=score,
                                   confidence=confidence, evidence=f"{actor} {date}", coder=coder)).uuid


def test_rows_are_the_live_records_of_one_pair_oldest_first_then_as_entered(store):
    """Same-date records keep the order they were entered in; the trash and other pairs are left out."""
    b = add(store, "2020-01-13", 2)
    a = add(store, "2019-10", -1)
    c = add(store, "2020-01-13", 0)
    gone = add(store, "2021", 1)
    store.delete_record(gone)
    add(store, "2020-02-02", 1, actor="maliki")
    add(store, "2020-02-02", 1, dim="us")
    rows = observation_rows(store, "sadr", "iran")
    assert [r[4] for r in rows] == [a, b, c]
    assert rows[0][:4] == ("2019-10-01", "month", -1.0, "medium")


def test_rows_honour_the_filter_dates_coders_and_confidence_but_not_its_actors(store):
    add(store, "2019-01-01", 1, coder="one", confidence="low")
    keep = add(store, "2020-01-01", 2, coder="two", confidence="high")
    add(store, "2021-01-01", 0, coder="two", confidence="high")
    flt = RecordFilter(actors=["maliki"], since=parse_date("2019-06"), until=parse_date("2020"),
                       coders=["two"], min_confidence="medium")
    assert [r[4] for r in observation_rows(store, "sadr", "iran", flt)] == [keep]


def test_rows_of_an_unknown_actor_or_dimension_are_refused(store):
    with pytest.raises(NotFound, match="no actor 'nobody'"):
        observation_rows(store, "nobody", "iran")
    with pytest.raises(NotFound, match="no dimension 'nothing'"):
        observation_rows(store, "sadr", "nothing")


def test_coder_spans_count_and_date_each_coders_records_up_to_a_day(store):
    add(store, "2019-01-01", 1, coder="b")
    add(store, "2020-05-01", 1, coder="b")
    add(store, "2020-03-01", 1, coder="a", dim="us")
    add(store, "2023-01-01", 1, coder="a")
    flt = RecordFilter(actors=["sadr"], dimensions=["iran", "us"])
    assert coder_spans(store, flt) == [CoderSpan("a", 2, "2020-03-01", "2023-01-01"),
                                       CoderSpan("b", 2, "2019-01-01", "2020-05-01")]
    assert coder_spans(store, flt, until="2020-04-01") == [CoderSpan("a", 1, "2020-03-01", "2020-03-01"),
                                                           CoderSpan("b", 1, "2019-01-01", "2019-01-01")]
    assert sorted(stored_dates(store, flt, until="2020-04-01")) == ["2019-01-01", "2020-03-01"]
