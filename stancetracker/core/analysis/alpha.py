"""Krippendorff's alpha and the pairwise agreement figures, computed in-house with NumPy.

The published ``krippendorff`` package is GPL-3.0 and this project is MIT, so
the coefficient is written here from its definition (Krippendorff, *Computing
Krippendorff's Alpha-Reliability*, 2011) and held in the tests to that
paper's worked examples at every level of measurement.

Data come as a *reliability matrix*: one row per coder, one column per unit,
``nan`` where a coder did not code the unit. Only *pairable* values count —
those in units that two or more coders coded.

    alpha = 1 - D_o / D_e = 1 - (n - 1) * sum(o_ck * d2_ck) / sum(n_c * n_k * d2_ck)

where ``o`` is the coincidence matrix (each unit with m_u values adds every
ordered pair of its values with weight 1 / (m_u - 1)), ``n_c`` its row sums,
``n`` their total and ``d2`` the squared difference function of the level.

The confidence interval is a *unit bootstrap*: units are drawn with
replacement (as many as there are pairable units), alpha is recomputed for each
draw, and the 2.5th and 97.5th percentiles of the draws are the interval. The
generator is NumPy's PCG64 with a fixed seed, so the same data give the same
interval on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LEVELS = ("nominal", "ordinal", "interval", "ratio")
DEFAULT_BOOTSTRAP = 1000
DEFAULT_SEED = 20111


class AgreementError(ValueError):
    """Data on which an agreement figure is not defined (no pairable values, one value only)."""


@dataclass(frozen=True)
class Coincidences:
    """The coincidence matrix of the pairable values and the values it is indexed by."""

    values: np.ndarray  # the distinct values, ascending
    matrix: np.ndarray  # o[c, k]
    units: int  # pairable units
    pairable: int  # pairable values (n)


def _as_matrix(data) -> np.ndarray:
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise AgreementError("the reliability data must be a coders × units matrix")
    return arr


def coincidences(data) -> Coincidences:
    """The coincidence matrix of a coders × units matrix (``nan`` = not coded)."""
    arr = _as_matrix(data)
    present = ~np.isnan(arr)
    m = present.sum(axis=0)
    keep = m >= 2
    arr, present, m = arr[:, keep], present[:, keep], m[keep]
    values = np.unique(arr[present])
    matrix = np.zeros((len(values), len(values)))
    if len(values):
        # counts[v, u]: how many coders gave unit u value v.
        idx = np.searchsorted(values, np.where(present, arr, values[0]))
        counts = np.zeros((len(values), arr.shape[1]))
        for row_idx, row_present in zip(idx, present):
            np.add.at(counts, (row_idx[row_present], np.nonzero(row_present)[0]), 1.0)
        weighted = counts / (m - 1)
        # Pairs of distinct coders: all pairs minus each value paired with itself.
        matrix = weighted @ counts.T - np.diag(weighted.sum(axis=1))
    return Coincidences(values=values, matrix=matrix, units=int(keep.sum()), pairable=int(m.sum()))


def distance(values: np.ndarray, totals: np.ndarray, level: str) -> np.ndarray:
    """The squared difference function d2[c, k] of a level of measurement."""
    c, k = np.meshgrid(values, values, indexing="ij")
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        s = c + k
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(s == 0, 0.0, ((c - k) / np.where(s == 0, 1, s)) ** 2)
        return d
    if level == "ordinal":
        # Between ranks g = c … k: the values' totals summed, minus half the two ends.
        cum = np.concatenate([[0.0], np.cumsum(totals)])
        i, j = np.meshgrid(np.arange(len(values)), np.arange(len(values)), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cum[hi + 1] - cum[lo]
        return (between - (totals[i] + totals[j]) / 2.0) ** 2
    raise AgreementError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


def alpha_from(co: Coincidences, level: str) -> float:
    """Alpha from a coincidence matrix."""
    if co.pairable < 2 or len(co.values) == 0:
        raise AgreementError("no unit was coded by two or more coders")
    totals = co.matrix.sum(axis=1)
    d2 = distance(co.values, totals, level)
    observed = float((co.matrix * d2).sum())
    expected = float((np.outer(totals, totals) * d2).sum())
    if expected == 0.0:
        # Every pairable value is the same: there is no variation to agree on.
        raise AgreementError("all pairable values are the same, so alpha is not defined")
    return 1.0 - (co.pairable - 1) * observed / expected


def alpha(data, level: str = "ordinal") -> float:
    """Krippendorff's alpha of a coders × units matrix at ``level``."""
    if level not in LEVELS:
        raise AgreementError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    return alpha_from(coincidences(data), level)


def bootstrap_interval(data, level: str = "ordinal", draws: int = DEFAULT_BOOTSTRAP,
                       seed: int = DEFAULT_SEED, coverage: float = 0.95) -> tuple[float, float]:
    """A percentile interval of alpha over units drawn with replacement (see the module text)."""
    arr = _as_matrix(data)
    arr = arr[:, (~np.isnan(arr)).sum(axis=0) >= 2]
    if arr.shape[1] == 0:
        raise AgreementError("no unit was coded by two or more coders")
    rng = np.random.Generator(np.random.PCG64(seed))
    found = []
    for _ in range(draws):
        sample = arr[:, rng.integers(0, arr.shape[1], arr.shape[1])]
        try:
            found.append(alpha(sample, level))
        except AgreementError:
            continue  # a draw with no variation has no alpha; it is left out
    if not found:
        raise AgreementError("no bootstrap draw had any variation to agree on")
    tail = (1.0 - coverage) / 2.0 * 100.0
    lo, hi = np.percentile(np.asarray(found), [tail, 100.0 - tail])
    return float(lo), float(hi)


@dataclass(frozen=True)
class PairAgreement:
    """Two coders over the units both coded."""

    units: int
    exact: float  # share of units with the same value
    within_one: float  # share of units whose values differ by at most one point
    weighted_kappa: float | None  # quadratically weighted kappa (None when not defined)


def pair_agreement(a, b, categories=None) -> PairAgreement:
    """Exact agreement, agreement within one point and quadratically weighted kappa of two coders."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = ~np.isnan(a) & ~np.isnan(b)
    a, b = a[both], b[both]
    if len(a) == 0:
        raise AgreementError("the two coders coded no unit in common")
    exact = float(np.mean(a == b))
    within = float(np.mean(np.abs(a - b) <= 1.0))
    return PairAgreement(units=len(a), exact=exact, within_one=within,
                         weighted_kappa=quadratic_kappa(a, b, categories))


def quadratic_kappa(a, b, categories=None) -> float | None:
    """Cohen's kappa with quadratic weights over ``categories`` (default: the values seen)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    cats = np.unique(np.concatenate([a, b])) if categories is None else np.asarray(sorted(categories), dtype=float)
    if len(cats) < 2:
        return None
    ia, ib = np.searchsorted(cats, a), np.searchsorted(cats, b)
    observed = np.zeros((len(cats), len(cats)))
    np.add.at(observed, (ia, ib), 1.0)
    observed /= observed.sum()
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    i, j = np.meshgrid(np.arange(len(cats)), np.arange(len(cats)), indexing="ij")
    weights = ((cats[i] - cats[j]) / (cats[-1] - cats[0])) ** 2
    denominator = float((weights * expected).sum())
    if denominator == 0.0:
        return None
    return 1.0 - float((weights * observed).sum()) / denominator


def confusion(a, b, categories) -> np.ndarray:
    """Counts of (coder a's value, coder b's value) over the units both coded, rows = a."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    both = ~np.isnan(a) & ~np.isnan(b)
    cats = np.asarray(sorted(categories), dtype=float)
    out = np.zeros((len(cats), len(cats)), dtype=int)
    np.add.at(out, (np.searchsorted(cats, a[both]), np.searchsorted(cats, b[both])), 1)
    return out
