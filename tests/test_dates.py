"""Dates with precision: the forms analysts type and the files they import."""

import datetime as dt

import pytest
from hypothesis import given, strategies as st

from stancetracker.core.model.dates import DateError, PartialDate, parse_date


@pytest.mark.parametrize("text,iso,precision", [
    ("2020", "2020-01-01", "year"),
    ("2020-01", "2020-01-01", "month"),
    ("2020-1", "2020-01-01", "month"),
    ("2021-11-07", "2021-11-07", "day"),
    ("7 November 2021", "2021-11-07", "day"),
    ("November 7, 2021", "2021-11-07", "day"),
    ("Nov 2021", "2021-11-01", "month"),
    ("Sept. 2019", "2019-09-01", "month"),
    ("  3rd january 2020 ", "2020-01-03", "day"),
])
def test_forms_and_inferred_precision(text, iso, precision):
    """Each accepted form gives the period's first day and the precision it shows."""
    d = parse_date(text)
    assert (d.iso, d.precision) == (iso, precision)


def test_explicit_coarser_precision_truncates():
    """A day written with month precision is stored as its month."""
    assert parse_date("2020-01-15", "month") == PartialDate(dt.date(2020, 1, 1), "month")


@pytest.mark.parametrize("text,fragment", [
    ("2021-02-30", "no day 30"),
    ("2021-13", "no month 13"),
    ("Smarch 2020", "unknown month"),
    ("", "empty"),
    ("yesterday", "is not a date"),
    ("x" * 100, "at most 64"),
])
def test_bad_dates_say_why(text, fragment):
    """A bad date is refused with a reason a user can act on."""
    with pytest.raises(DateError, match=fragment):
        parse_date(text)


def test_finer_precision_than_written_is_refused():
    """'2020' cannot be claimed to be known to the day."""
    with pytest.raises(DateError, match="does not give a day"):
        parse_date("2020", "day")


def test_period_end():
    """A month ends on its last day, a year on 31 December."""
    assert parse_date("2020-02").end() == dt.date(2020, 2, 29)
    assert parse_date("2019").end() == dt.date(2019, 12, 31)


@given(st.text(max_size=80))
def test_parser_never_crashes(text):
    """Any text either parses or raises DateError, nothing else."""
    try:
        d = parse_date(text)
    except DateError:
        return
    assert d.precision in ("day", "month", "year")


@given(st.dates(min_value=dt.date(1, 1, 1)), st.sampled_from(["day", "month", "year"]))
def test_short_form_round_trips(date, precision):
    """The shortest written form parses back to the same date and precision."""
    d = parse_date(date.isoformat(), precision)
    assert parse_date(d.short()) == d
