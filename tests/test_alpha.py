"""Krippendorff's alpha, held to the worked examples of Krippendorff's own computing guide.

Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg
School for Communication, University of Pennsylvania (the examples below are
the paper's, with the values it prints to three decimals).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from stancetracker.core.analysis import alpha as A

nan = math.nan

# Section A: two observers, binary data, no missing values.
BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
          [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]

# Section B: two observers, nominal data a…e (coded 1…5 here), no missing values.
_LETTERS = {"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}
NOMINAL_TWO = [[_LETTERS[c] for c in "aabbdcccedda"],
               [_LETTERS[c] for c in "babbbcccedd" + "d"]]

# Section C: four observers, 12 units, values 1…5, with missing values (unit 12 has one value only).
FOUR_CODERS = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
               [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
               [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
               [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]


def test_binary_two_coders():
    assert round(A.alpha(BINARY, "nominal"), 3) == 0.095


def test_nominal_two_coders():
    assert round(A.alpha(NOMINAL_TWO, "nominal"), 3) == 0.692


@pytest.mark.parametrize("level, expected", [("nominal", 0.743), ("ordinal", 0.815),
                                             ("interval", 0.849), ("ratio", 0.797)])
def test_four_coders_with_missing_values_at_every_level(level, expected):
    assert round(A.alpha(FOUR_CODERS, level), 3) == expected


def test_the_coincidence_matrix_of_the_guide():
    co = A.coincidences(FOUR_CODERS)
    # Unit 12 has a single value and is not pairable: 11 units, 40 pairable values.
    assert co.units == 11 and co.pairable == 40
    assert list(co.values) == [1, 2, 3, 4, 5]
    assert list(co.matrix.sum(axis=1)) == pytest.approx([9, 13, 10, 5, 3])
    assert co.matrix[0, 0] == pytest.approx(7.0) and co.matrix[0, 1] == pytest.approx(4 / 3)
    assert np.allclose(co.matrix, co.matrix.T)


def test_perfect_agreement_is_one_and_order_of_coders_does_not_matter():
    same = [[-2, -1, 0, 1, 2, nan], [-2, -1, 0, 1, 2, 2]]
    assert A.alpha(same, "ordinal") == pytest.approx(1.0)
    assert A.alpha(FOUR_CODERS[::-1], "interval") == pytest.approx(A.alpha(FOUR_CODERS, "interval"))


def test_no_pairable_values_and_no_variation_are_refused():
    with pytest.raises(A.AgreementError, match="two or more coders"):
        A.alpha([[1, nan], [nan, 2]])
    with pytest.raises(A.AgreementError, match="the same"):
        A.alpha([[1, 1], [1, 1]])
    with pytest.raises(A.AgreementError, match="level"):
        A.alpha(FOUR_CODERS, "cardinal")


def test_bootstrap_interval_is_reproducible_and_brackets_alpha():
    lo, hi = A.bootstrap_interval(FOUR_CODERS, "ordinal", draws=500)
    assert (lo, hi) == A.bootstrap_interval(FOUR_CODERS, "ordinal", draws=500)
    assert lo <= A.alpha(FOUR_CODERS, "ordinal") <= hi <= 1.0
    assert (lo, hi) != A.bootstrap_interval(FOUR_CODERS, "ordinal", draws=500, seed=7)


def _naive_alpha(data, level):
    """Alpha from the definition, by loops: every ordered pair of values within a unit."""
    units = [[v for v in col if not math.isnan(v)] for col in zip(*data)]
    units = [u for u in units if len(u) >= 2]
    values = sorted({v for u in units for v in u})
    o = {(c, k): 0.0 for c in values for k in values}
    for u in units:
        for i, j in itertools.permutations(range(len(u)), 2):
            o[u[i], u[j]] += 1.0 / (len(u) - 1)
    n_c = {c: sum(o[c, k] for k in values) for c in values}
    n = sum(n_c.values())

    def d2(c, k):
        if level == "nominal":
            return float(c != k)
        if level == "interval":
            return (c - k) ** 2
        lo, hi = sorted((c, k))
        return (sum(n_c[g] for g in values if lo <= g <= hi) - (n_c[c] + n_c[k]) / 2) ** 2

    do = sum(o[c, k] * d2(c, k) for c in values for k in values)
    de = sum(n_c[c] * n_c[k] * d2(c, k) for c in values for k in values)
    return 1 - (n - 1) * do / de


scores = st.one_of(st.just(nan), st.integers(-2, 2).map(float))


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 4).flatmap(lambda coders: st.lists(
    st.lists(scores, min_size=coders, max_size=coders), min_size=2, max_size=12)),
    st.sampled_from(["nominal", "ordinal", "interval"]))
def test_alpha_equals_the_definition_computed_by_loops(units, level):
    data = [list(col) for col in zip(*units)]  # coders × units
    try:
        expected = _naive_alpha(data, level)
    except ZeroDivisionError:
        with pytest.raises(A.AgreementError):
            A.alpha(data, level)
        return
    assert A.alpha(data, level) == pytest.approx(expected, abs=1e-9)


def test_pair_figures_of_two_coders():
    a = [-2, -1, 0, 1, 2, 2, nan, 0]
    b = [-2, 0, 0, 1, 0, 2, 1, nan]
    pair = A.pair_agreement(a, b, categories=range(-2, 3))
    assert pair.units == 6
    assert pair.exact == pytest.approx(4 / 6)
    assert pair.within_one == pytest.approx(5 / 6)
    # Quadratic weights by hand: observed disagreement 5/16·(1/6)… over the chance expectation.
    obs = np.array([0, 1, 0, 0, 4, 0]) / 16  # squared differences / (range 4)^2
    aa, bb = np.array([-2, -1, 0, 1, 2, 2.0]), np.array([-2, 0, 0, 1, 0, 2.0])
    chance = np.mean([(x - y) ** 2 / 16 for x in aa for y in bb])
    assert pair.weighted_kappa == pytest.approx(1 - obs.mean() / chance)


def test_confusion_matrix_counts_units_both_coded():
    m = A.confusion([-2, 0, 0, nan], [-2, 1, 0, 2], categories=range(-2, 3))
    assert m.shape == (5, 5) and m.sum() == 3
    assert m[0, 0] == 1 and m[2, 3] == 1 and m[2, 2] == 1
