"""Series (step semantics, same-date averaging) and shift detection."""

import numpy as np
import pytest

from stancetracker.core.analysis import series
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Record
from stancetracker.core.db.query import RecordFilter


def add(store, date, score, actor="sadr", dim="iran", **kw):
    return store.add_record(Record(actor=actor, dimension=dim, date=parse_date(date), score=score,
                                   evidence=f"{actor} {date} {score}", **kw))


def test_same_date_records_are_averaged_with_their_spread(store):
    """Two records on one date give one point: their mean, min and max."""
    add(store, "2020-01-13", 2)
    add(store, "2020-01-13", 0)
    add(store, "2021", -1)
    s = series.series(store, "sadr", "iran")
    assert list(s.dates.astype(str)) == ["2020-01-13", "2021-01-01"]
    assert list(s.score) == [1.0, -1.0] and list(s.low) == [0.0, -1.0] and list(s.high) == [2.0, -1.0]
    assert list(s.n) == [2, 1]
    assert str(s.ends[1]) == "2021-12-31"  # a year-precision point spans its year
    assert len(s.uuids[0]) == 2


def test_step_semantics(store):
    """A stance holds until the next observation; before the first there is none."""
    add(store, "2019-10", -1)
    add(store, "2020-01-24", 2)
    s = series.series(store, "sadr", "iran")
    assert np.isnan(s.value_at(np.datetime64("2019-09-30")))
    assert s.value_at(np.datetime64("2019-12-31")) == -1
    assert s.value_at(np.datetime64("2020-01-24")) == 2
    assert s.value_at(np.datetime64("2030-01-01")) == 2


def test_trashed_records_leave_the_series(store):
    """Records in the trash are not part of any series."""
    r = add(store, "2020", 1)
    store.delete_record(r.uuid)
    assert len(series.series(store, "sadr", "iran")) == 0


@pytest.mark.parametrize("scores,expected", [
    ([1, -1], [1]),          # sign change of 2 points
    ([0.5, -0.5], [1]),      # sign change of 1 point
    ([-2, 0], [1]),          # 2 points, no sign change
    ([0, 1, 2], []),         # creeping change, neither rule
    ([1, 0, -1], []),        # through zero: no strict sign change, steps of 1
    ([2, 2, -2, -1], [2]),
])
def test_shift_rule(store, scores, expected):
    """A shift is a change of at least 2 points or a change of sign."""
    for i, sc in enumerate(scores):
        add(store, str(2000 + i), sc)
    s = series.series(store, "sadr", "iran")
    assert list(series.shift_indices(s)) == expected


def test_shifts_carry_evidence_both_sides(store):
    """Each shift lists the records before and after it."""
    a = add(store, "2019-10", -1)
    b = add(store, "2020-01", 2)
    (sh,) = series.shifts(store, ["sadr"])
    assert [r.uuid for r in sh.before_records] == [a.uuid]
    assert [r.uuid for r in sh.after_records] == [b.uuid]
    assert sh.change == 3 and sh.sign_change


def test_series_honours_filter(store):
    """Confidence and date filters narrow the series."""
    add(store, "2019", 1, confidence="low")
    add(store, "2020", -1, confidence="high")
    s = series.series(store, "sadr", "iran", RecordFilter(min_confidence="medium"))
    assert list(s.score) == [-1.0]
