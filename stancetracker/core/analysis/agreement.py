"""Agreement between coders over units (docs/reliability.md): alpha with its interval, per-pair figures, confusion
matrices per dimension, and the same on confidence. The statistics are core/analysis/alpha.py's.

Each coder gives a unit one value: the mean of their records on it (a coder
normally codes a unit once). Consensus records are no coder's judgement and
are left out.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from stancetracker.core.analysis import alpha as A
from stancetracker.core.db import consensus
from stancetracker.core.db.query import RecordFilter
from stancetracker.core.db.store import Store
from stancetracker.core.db.studies import record_units, study_units
from stancetracker.core.model.entities import CONFIDENCES

SCORE_LEVELS = (-2.0, -1.0, 0.0, 1.0, 2.0)


@dataclass
class Reliability:
    """Coders × units matrices of scores and confidence (0 low, 1 medium, 2 high), nan where not coded."""

    coders: list[str]
    units: list[str]
    dimensions: list[str]  # each unit's dimension
    scores: np.ndarray
    confidence: np.ndarray


@dataclass
class Agreement:
    level: str
    alpha: float | None
    ci95: tuple[float, float] | None
    units: int
    values: int
    coders: list[str]
    pairs: list[dict] = field(default_factory=list)
    confusion: dict[str, dict] = field(default_factory=dict)
    confidence: dict = field(default_factory=dict)
    note: str = ""

    def as_json(self) -> dict:
        return {"level": self.level, "alpha": self.alpha, "ci95": list(self.ci95) if self.ci95 else None,
                "units": self.units, "values": self.values, "coders": self.coders, "pairs": self.pairs,
                "confusion": self.confusion, "confidence": self.confidence, "note": self.note,
                "bootstrap": {"draws": A.DEFAULT_BOOTSTRAP, "seed": A.DEFAULT_SEED, "method": "units resampled"}}


def reliability_data(store: Store, flt: RecordFilter | None = None, study_slug: str | None = None,
                     sources: list[str] | None = None) -> Reliability:
    """The reliability matrices of the records the filter selects (with a study, on its units; with ``sources``,
    on those sources' units). Every coder of those units counts, assigned to the study or not: the first
    coder of a dataset is often not one of a later study's assigned coders. The consensus view (the default one)
    counts as all coders here: a settled record is still a coder's judgement."""
    flt = flt or RecordFilter()
    if flt.view == "consensus":  # agreement is between the coders' own records, which that view hides once settled
        flt = RecordFilter(**{**vars(flt), "view": "all"})
    skip = consensus.consensus_ids(store)
    allowed_units: set[str] | None = None
    if study_slug:
        allowed_units = set(study_units(store, study_slug))
    cells: dict[tuple[str, str], list[tuple[float, int]]] = {}
    dims: dict[str, str] = {}
    for key, rid, coder, score, conf, dim, _uuid in record_units(store, flt):
        if rid in skip or not isinstance(score, (int, float)) or conf not in CONFIDENCES:
            continue
        if sources and key.split("|", 1)[0] not in sources:
            continue
        if allowed_units is not None and key not in allowed_units:
            continue
        cells.setdefault((str(coder), key), []).append((float(score), CONFIDENCES.index(conf)))
        dims[key] = dim
    coders = sorted({c for c, _ in cells})
    units = sorted({u for _, u in cells})
    scores = np.full((len(coders), len(units)), np.nan)
    confidence = np.full((len(coders), len(units)), np.nan)
    ci = {c: i for i, c in enumerate(coders)}
    ui = {u: i for i, u in enumerate(units)}
    for (coder, unit), values in cells.items():
        scores[ci[coder], ui[unit]] = sum(v for v, _ in values) / len(values)
        confidence[ci[coder], ui[unit]] = round(sum(c for _, c in values) / len(values))
    # Only the units that two or more coders coded can be compared.
    keep = (~np.isnan(scores)).sum(axis=0) >= 2
    return Reliability(coders, [u for u, k in zip(units, keep) if k], [dims[u] for u, k in zip(units, keep) if k],
                       scores[:, keep], confidence[:, keep])


def _alpha(data: np.ndarray, level: str) -> tuple[float | None, tuple[float, float] | None, str]:
    try:
        value = A.alpha(data, level)
    except A.AgreementError as err:
        return None, None, str(err)
    try:
        return value, A.bootstrap_interval(data, level), ""
    except A.AgreementError as err:
        return value, None, str(err)


def _share(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)


def agreement(store: Store, flt: RecordFilter | None = None, level: str = "ordinal",
              study_slug: str | None = None, sources: list[str] | None = None) -> Agreement:
    """Everything ``stancetracker agreement`` reports."""
    if level not in A.LEVELS:
        raise A.AgreementError(f"level must be one of {', '.join(A.LEVELS)}, not {level!r}")
    data = reliability_data(store, flt, study_slug, sources)
    co = A.coincidences(data.scores) if data.units else None
    value, ci, note = _alpha(data.scores, level) if data.units else (None, None, "no unit was coded by two or "
                                                                                 "more coders")
    out = Agreement(level, value, ci, len(data.units), co.pairable if co else 0, data.coders, note=note)
    for (i, a), (j, b) in itertools.combinations(enumerate(data.coders), 2):
        both = ~np.isnan(data.scores[i]) & ~np.isnan(data.scores[j])
        if not both.any():
            continue
        seen = set(data.scores[i][both]) | set(data.scores[j][both])
        pa = A.pair_agreement(data.scores[i], data.scores[j], SCORE_LEVELS if seen <= set(SCORE_LEVELS) else None)
        conf = A.pair_agreement(data.confidence[i], data.confidence[j], (0, 1, 2))
        out.pairs.append({"coders": [a, b], "units": pa.units, "exact": _share(pa.exact),
                          "within_one": _share(pa.within_one), "kappa_quadratic": _share(pa.weighted_kappa),
                          "confidence_exact": _share(conf.exact)})
        for dim in sorted(set(data.dimensions)):
            on = both & (np.asarray(data.dimensions) == dim)
            if not on.any():
                continue
            cats = sorted(set(SCORE_LEVELS) | set(data.scores[i][on]) | set(data.scores[j][on]))
            matrix = A.confusion(data.scores[i][on], data.scores[j][on], cats)
            out.confusion.setdefault(dim, {})[f"{a} × {b}"] = {
                "rows": a, "columns": b, "values": [float(c) for c in cats], "matrix": matrix.tolist()}
    # Confidence (low < medium < high) gets its alpha, without an interval: it is the lesser figure.
    conf_alpha, conf_note = None, ""
    if data.units:
        try:
            conf_alpha = A.alpha(data.confidence, "ordinal")
        except A.AgreementError as err:
            conf_note = str(err)
    out.confidence = {"level": "ordinal", "alpha": conf_alpha, "note": conf_note}
    return out


__all__ = ["Agreement", "Reliability", "SCORE_LEVELS", "agreement", "reliability_data"]
