"""Chart data (core, no Qt): what each chart draws equals the core's series for the same filter."""

from __future__ import annotations

import numpy as np
import pytest

from stancetracker.core.analysis import series
from stancetracker.core.analysis import chartdata as cd
from stancetracker.core.model.dates import parse_date
from stancetracker.core.model.entities import Membership, Record
from stancetracker.core.db.query import RecordFilter

DAY = 86400.0


def add(store, actor, dim, date, score, confidence="medium", evidence="", coder="tester"):
    """Add one record and return its uuid."""
    rec = Record(actor=actor, dimension=dim, date=parse_date(date), score=score, confidence=confidence,
                 source=None, evidence=evidence or f"{actor} {dim} {date}", coder=coder)
    return store.add_record(rec).uuid


def sec(iso: str) -> float:
    return float(cd.to_seconds(np.array([iso], dtype="datetime64[D]"))[0])


@pytest.fixture
def coded(store):
    """Sadr and Maliki with day, month and year records, a disagreement and a low-confidence record."""
    add(store, "sadr", "iran", "2019", 1)
    add(store, "sadr", "iran", "2019-10", -1, "low")
    add(store, "sadr", "iran", "2020-01-13", 2, "high")
    add(store, "sadr", "iran", "2020-01-13", 1)
    add(store, "sadr", "iran", "2022-06-01", -2, "high")
    add(store, "sadr", "us", "2020-01-13", -2, coder="second")
    add(store, "maliki", "iran", "2020-01-01", 1)
    add(store, "maliki", "us", "2021-01-01", 0)
    return store


def test_trace_equals_series_for_the_same_filter(coded):
    """Trace values, dates, counts and uuids equal series.series under the same filter."""
    for flt in (None, RecordFilter(min_confidence="medium"), RecordFilter(since=parse_date("2019-06"))):
        data = cd.timeline(coded, "iran", ["sadr", "maliki"], flt)
        for tr in data.traces:
            s = series.series(coded, tr.actor, "iran", flt)
            np.testing.assert_array_equal(tr.x, cd.to_seconds(s.dates))
            np.testing.assert_array_equal(tr.y, s.score)
            np.testing.assert_array_equal(tr.low, s.low)
            np.testing.assert_array_equal(tr.high, s.high)
            np.testing.assert_array_equal(tr.n, s.n)
            np.testing.assert_array_equal(tr.confidence, s.confidence)
            assert tr.uuids == s.uuids


def test_filter_drops_low_confidence_records(coded):
    """A minimum confidence removes the low record from the drawn trace."""
    full = cd.timeline(coded, "iran", ["sadr"]).traces[0]
    high = cd.timeline(coded, "iran", ["sadr"], RecordFilter(min_confidence="medium")).traces[0]
    assert len(full) == 4 and len(high) == 3
    assert sec("2019-10-01") in full.x and sec("2019-10-01") not in high.x


def test_spans_cover_month_and_year_periods(coded):
    """Month and year records are spans over their whole period; day records are points."""
    tr = cd.timeline(coded, "iran", ["sadr"]).traces[0]
    assert list(tr.precision) == [2, 1, 0, 0]
    assert list(tr.spans) == [0, 1]
    assert tr.x_end[0] == sec("2020-01-01")  # 2019 runs to the end of 31 December
    assert tr.x_end[1] == sec("2019-11-01")
    assert tr.x_end[2] == tr.x[2] + DAY


def test_disagreement_band_spans_low_to_high(coded):
    """Two records on one date that disagree give a band from the lower to the higher score."""
    tr = cd.timeline(coded, "iran", ["sadr"]).traces[0]
    assert list(tr.bands) == [2]
    assert (tr.low[2], tr.high[2], tr.y[2], tr.n[2]) == (1.0, 2.0, 1.5, 2)


def test_step_line_holds_each_stance_until_the_next(coded):
    """The step line is flat from each observation to the next and runs to the chart's end."""
    data = cd.timeline(coded, "iran", ["sadr"])
    tr = data.traces[0]
    assert tr.step_x[0] == tr.x[0] and tr.step_x[-1] == data.end
    for i in range(len(tr)):
        assert tr.step_y[2 * i] == tr.step_y[2 * i + 1] == tr.y[i]
        assert tr.step_x[2 * i] == tr.x[i]


def test_line_fades_once_evidence_is_older_than_the_horizon(coded):
    """With a 12-month horizon, 2020-01-13 -> 2022-06-01 is fresh for a year, then stale."""
    tr = cd.timeline(coded, "iran", ["sadr"], horizon_months=12, until=parse_date("2024")).traces[0]
    stale = tr.stale_x.reshape(-1, 3)
    gaps = [(a, b) for a, b, _ in stale]
    assert gaps == [(sec("2021-01-13"), sec("2022-06-01")), (sec("2023-06-01"), sec("2025-01-01"))]
    assert (tr.stale_y.reshape(-1, 3)[:, 0] == [1.5, -2]).all()
    assert tr.stale_from == np.datetime64("2023-06-01")
    # The fresh line is the step line with the stale stretches cut out.
    fresh = list(zip(tr.fresh_x.tolist(), tr.fresh_y.tolist()))
    assert (sec("2021-01-13"), 1.5) in fresh and (sec("2022-06-01"), 1.5) in fresh
    assert not any(sec("2021-01-13") < x < sec("2022-06-01") for x, _ in fresh)
    longer = cd.timeline(coded, "iran", ["sadr"], horizon_months=36, until=parse_date("2024")).traces[0]
    assert longer.stale_x.size == 0  # 2022-06-01 + 36 months is past the chart's end


def test_fresh_line_follows_the_step_line_where_evidence_is_fresh(coded):
    """Every fresh vertex lies on the step line, and a long horizon gives the whole step line."""
    tr = cd.timeline(coded, "iran", ["sadr"], horizon_months=240).traces[0]
    assert tr.stale_x.size == 0
    pts = [(x, y) for x, y in zip(tr.fresh_x, tr.fresh_y) if not np.isnan(x)]
    step = set(zip(tr.step_x.tolist(), tr.step_y.tolist()))
    assert set(pts) == step


def test_add_months_clamps_to_month_end():
    """31 January plus one month is the last day of February."""
    out = cd.add_months(np.array(["2020-01-31", "2021-01-31", "2019-12-15"], dtype="datetime64[D]"), 1)
    assert [str(d) for d in out] == ["2020-02-29", "2021-02-28", "2020-01-15"]


def test_profile_has_every_dimension_and_memberships(coded):
    """A profile holds one trace per dimension (equal to the series) and the actor's memberships."""
    coded.add_membership(Membership(member="sadr", group="coordination-framework", role="rival",
                                    start=parse_date("2021-10"), end=parse_date("2022-06")))
    p = cd.profile(coded, "Moqtada al-Sadr")
    assert [t.dimension for t in p.traces] == [d.slug for d in coded.dimensions()]
    for tr in p.traces:
        np.testing.assert_array_equal(tr.y, series.series(coded, "sadr", tr.dimension).score)
    (band,) = p.bands
    assert (band.group, band.role, band.start, band.end) == ("coordination-framework", "rival",
                                                              sec("2021-10-01"), sec("2022-07-01"))
    assert not band.open_start and not band.open_end
    assert band.describe() == "Coordination Framework\nrole: rival\n2021-10 to 2022-06"


def test_comparison_is_the_mean_absolute_difference_over_shared_dimensions(coded):
    """Distance per date averages |a-b| over dimensions where both carry a value, with the count."""
    c = cd.comparison(coded, "sadr", "maliki")
    at = lambda iso: int(np.flatnonzero(c.dates == np.datetime64(iso))[0])
    i = at("2019-10-01")
    assert np.isnan(c.distance[i]) and c.n_dims[i] == 0  # Maliki has nothing yet
    i = at("2020-01-01")
    assert c.distance[i] == pytest.approx(2.0) and c.n_dims[i] == 1  # iran: -1 vs 1
    i = at("2021-01-01")
    # iran: 1.5 vs 1 -> 0.5; us: -2 vs 0 -> 2; mean 1.25 over 2
    assert c.distance[i] == pytest.approx(1.25) and c.n_dims[i] == 2
    i = at("2022-06-01")
    assert c.distance[i] == pytest.approx((3 + 2) / 2)
    assert c.trend == "diverging"


def test_trend_words():
    """Trend compares the last known distance with the first."""
    assert cd.trend(np.array([np.nan, 3.0, 2.0, 1.0])) == "converging"
    assert cd.trend(np.array([1.0, 1.1])) == "steady"
    assert cd.trend(np.array([np.nan])) == "not enough shared evidence"


def test_snapshot_carries_forward_with_age_and_fade(coded):
    """Each cell is the score in force on the date, its evidence's age in days, NaN where none."""
    snap = cd.snapshot(coded, ["sadr", "maliki", "kadhimi"], parse_date("2021-01-13"), horizon_months=12)
    dims = [d.slug for d in snap.dimensions]
    iran, us = dims.index("iran"), dims.index("us")
    assert snap.score[0, iran] == 1.5 and snap.age_days[0, iran] == 366
    assert snap.score[1, us] == 0 and snap.age_days[1, us] == 12
    assert np.isnan(snap.score[2]).all() and np.isnan(snap.age_days[2]).all()
    np.testing.assert_allclose(snap.alpha[0, iran], cd.fade(np.array(366.0), 12))
    assert snap.alpha[1, us] > snap.alpha[0, iran]
    assert snap.uuids[0][iran] == series.series(coded, "sadr", "iran").uuids[2]


def test_source_line_names_database_records_coders_and_dates(coded):
    """The source line gives the file name, records drawn of all, coders and their date range."""
    text = cd.timeline(coded, "us", ["sadr", "maliki"]).source
    assert "test.db" in text and "2 of 8 records" in text
    assert "coders: second, tester" in text
    assert "2020-01-13 to 2021-01-01" in text


def test_describe_names_actor_date_label_confidence_source_evidence(coded, store):
    """Hover text names actor, date, score label, confidence, source and evidence."""
    u = add(store, "sadr", "iran", "2021-11-04", -1, "low", evidence="Declined to meet the envoy")
    src = store.sources()[0]
    store.update_record(u, 1, source=src.slug, locator="p. 4")
    text = cd.describe(store, store.dimension("iran"), [u])
    for part in ("Muqtada al-Sadr", "2021-11-04", "anti-Iran", "low confidence", src.title[:20], "p. 4",
                 "Declined to meet the envoy"):
        assert part in text, part


def test_build_checks_the_request(coded):
    """Wrong actor counts or kinds are refused with a message."""
    with pytest.raises(cd.ChartError, match="two actors"):
        cd.build(coded, cd.ChartRequest("compare", ["sadr"]))
    with pytest.raises(cd.ChartError, match="one actor"):
        cd.build(coded, cd.ChartRequest("profile", ["sadr", "maliki"]))
    with pytest.raises(cd.ChartError, match="no chart kind"):
        cd.build(coded, cd.ChartRequest("pie", ["sadr"]))
    snap = cd.build(coded, cd.ChartRequest("snapshot", []))
    assert snap.actors == ["sadr", "maliki"] and str(snap.at) == "2022-06-01"


def test_window_sets_bounds_not_data(coded):
    """--since/--until choose what is shown; the stance in force before the window still counts."""
    data = cd.timeline(coded, "iran", ["sadr"], since=parse_date("2021"), until=parse_date("2022"))
    assert data.start == sec("2021-01-01") and data.end == sec("2023-01-01")
    assert len(data.traces[0]) == 4


def test_near_identical_actor_colours_are_told_apart():
    """A colour too close to an earlier one on the same chart is replaced."""
    out = cd.distinct_colours(["#1f77b4", "#1f78b5", "#d62728"])
    assert out[0] == "#1f77b4" and out[1] != "#1f78b5"
    assert len(set(out)) == 3
    assert cd.distinct_colours(["#1f77b4", "#d62728"]) == ["#1f77b4", "#d62728"]


@pytest.mark.parametrize("since, until, period", [
    ("2003", "2005-06", "2003 to 2005-06"),
    ("2003", "", "since 2003 (no end date recorded)"),
    ("", "1999-02", "until 1999-02 (no start date recorded)"),
    ("", "", "dates not recorded"),
])
def test_membership_bar_period_keeps_the_recorded_precision(since, until, period):
    """A bar's hover names the dates as recorded, saying which end is unknown."""
    band = cd.Band("mahdi-army", "Mahdi Army", "leader", 0.0, 1.0, not since, not until, since, until)
    assert band.period == period
    assert band.describe() == f"Mahdi Army\nrole: leader\n{period}"
