"""'Did you mean': the known names closest to a name nobody knows, for messages (never an automatic match).

RapidFuzz (MIT) scores the edit distance of the name keys (core/model/text.name_key),
so case, diacritics, hyphens and the al- article do not count as differences.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

# Below this a name is not offered (0-100, RapidFuzz's normalised Indel similarity of the keys).
SUGGEST_SCORE = 70
# A new actor this close to an existing one is reported when it is created.
NEAR_DUPLICATE_SCORE = 85
# Only names within this much of the best are offered, so one clear answer comes alone.
_BAND = 15


def closest(key: str, known: Mapping[str, tuple[str, str]], *, limit: int = 3,
            cutoff: float = SUGGEST_SCORE, keys: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """The (spelling, id) of up to ``limit`` different ids whose key is closest to ``key``, best first.

    ``known`` maps each name key to the spelling shown and the id it names (an actor's slug);
    ``keys`` is ``list(known)`` if the caller keeps one.
    """
    if not key:
        return []
    # Loaded when a name is unknown, not by every command that opens a database (~30 ms).
    from rapidfuzz import fuzz, process

    found = process.extract(key, keys if keys is not None else list(known), scorer=fuzz.ratio, limit=limit * 4,
                            score_cutoff=cutoff)
    out: list[tuple[str, str]] = []
    best = found[0][1] if found else 0
    for k, score, _ in found:
        spelling, ident = known[k]
        if score >= best - _BAND and ident not in {i for _, i in out}:
            out.append((spelling, ident))
    return out[:limit]


def did_you_mean(names: list[tuple[str, str]]) -> str:
    """``did you mean 'Nouri al-Maliki' (maliki) or …?`` for closest()'s answer; "" for none."""
    if not names:
        return ""
    return "did you mean " + " or ".join(f"{spelling!r} ({ident})" for spelling, ident in names) + "?"


__all__ = ["NEAR_DUPLICATE_SCORE", "SUGGEST_SCORE", "closest", "did_you_mean"]
