"""Rules for values already stored in a file (issue 12, finding 5 and 14)."""

import pytest

from stancetracker.core.model.stored_values import (
    actor_problems,
    event_problems,
    record_problems,
    source_problems,
    stored_date,
)
from stancetracker.core.model.dates import DateError

GOOD = {"uuid": "040466c2-1c6e-5e38-bb0f-05fe8d7ffd07", "date": "2021-11-07", "date_precision": "day",
        "score": 1.0, "confidence": "high", "locator": "¶3", "evidence": "said so", "coder": "ana",
        "created_at": "2024-01-31T12:00:00Z", "updated_at": "2024-01-31T12:00:00.5Z", "version": 1,
        "deleted": 0}


def test_a_sound_record_has_no_problems():
    """A row as our own code writes it breaks no rule."""
    assert record_problems(GOOD) == []


@pytest.mark.parametrize("column, value", [
    ("uuid", "not-a-uuid"), ("uuid", GOOD["uuid"].upper()), ("date", "2021-02-30"), ("date", "garbage"),
    ("date", "2021-2-3"), ("date_precision", "week"), ("score", "1"), ("score", float("nan")), ("score", 7),
    ("confidence", "sure"), ("locator", "a\nb"), ("evidence", "x" * 20_001), ("evidence", "a\x07"),
    ("coder", ""), ("coder", "a\u202eb"), ("created_at", "yesterday"), ("updated_at", "2024-13-45T99:99"),
    ("updated_at", "2024-01-01T99:99"), ("version", -3), ("version", "2"), ("deleted", 2),
])
def test_each_broken_rule_is_named_by_its_column(column, value):
    """Each value that breaks a rule is reported against the column that holds it."""
    row = dict(GOOD, **{column: value})
    problems = record_problems(row)
    reported = "date" if column == "date_precision" else column
    assert [c for c, _ in problems] == [reported]


def test_month_and_year_dates_start_their_period():
    """A month-precision date is stored as the 1st, a year-precision one as 1 January."""
    assert stored_date("2020-01-01", "year").short() == "2020"
    for value, precision in [("2020-01-15", "month"), ("2020-03-01", "year")]:
        with pytest.raises(DateError):
            stored_date(value, precision)


def test_actor_source_and_event_rows():
    """Slugs, kinds, colours and published dates of reference rows are checked too."""
    assert actor_problems({"slug": "sadr", "name": "Sadr", "kind": "person", "colour": "#112233"}) == []
    bad = actor_problems({"slug": "BAD SLUG/..", "name": "x", "kind": "wizard", "colour": "javascript:alert(1)"})
    assert [c for c, _ in bad] == ["slug", "kind", "colour"]
    assert [c for c, _ in source_problems({"slug": "s", "title": "T", "kind": "article",
                                           "published": "soon", "published_precision": "day"})] == ["published"]
    assert [c for c, _ in event_problems({"slug": "e", "date": "2021-02-30", "date_precision": "day",
                                          "label": "x"})] == ["date"]
