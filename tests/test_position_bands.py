"""The timeline's interval band rests on the positions' 68% interval (issue 15, item 5): one rule, one figure."""

from __future__ import annotations

import numpy as np
import pytest

from stancetracker.core.analysis.positions import INTERVAL_FROM, mean_interval, series_intervals
from stancetracker.core.analysis.series import build_series


def test_series_intervals_equal_mean_interval_for_every_group_size():
    rng = np.random.default_rng(5)
    rows = []
    sizes = [1, 2, 3, 4, 3, 7, 5, 3, 2, 6] * 30
    for i, size in enumerate(sizes):
        day = (np.datetime64("2010-01-01") + i).astype(str)
        rows += [(day, "day", float(rng.integers(-2, 3)), "high", f"r{i}-{k}") for k in range(size)]
    s = build_series("sadr", "iran", rows)
    assert s.n.tolist() == sizes and s.scores.shape[0] == len(rows)
    lo, hi = series_intervals(s)
    starts = np.r_[0, np.cumsum(s.n)[:-1]]
    for i, size in enumerate(sizes):
        expected = mean_interval(s.scores[starts[i]:starts[i] + size])
        if size < INTERVAL_FROM:
            assert expected is None and np.isnan(lo[i]) and np.isnan(hi[i])
        else:
            assert (lo[i], hi[i]) == pytest.approx(expected, abs=1e-12)
            assert s.low[i] <= lo[i] <= s.score[i] <= hi[i] <= s.high[i]


def test_a_series_without_its_scores_gets_no_interval():
    s = build_series("sadr", "iran", [("2010-01-01", "day", 1.0, "high", f"r{k}") for k in range(3)])
    s.scores = np.array([], dtype=float)  # e.g. a series made elsewhere: no band rather than a wrong one
    lo, hi = series_intervals(s)
    assert np.isnan(lo).all() and np.isnan(hi).all()
