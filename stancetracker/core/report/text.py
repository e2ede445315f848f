"""Stored values as report text: dates, scores and names in words, evidence with its line breaks kept.

Values come from the file as stored (never trusted): control characters and
the invisible overrides that reorder text (U+202A–202E, U+2066–2069) are
spelled out, so a note cannot display as something it does not say; the
direction marks Arabic text may need (U+200E, U+200F, U+061C) and the
joiners are kept.
"""

from __future__ import annotations

import re

from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.entities import fmt_score
from stancetracker.core.model.stored_values import stored_text, visible

_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]")
MAX_TEXT = 20_000


def plain(value: object, limit: int = 2000) -> str:
    """A name, label or title on one line, safe to show."""
    return visible(" ".join(stored_text(value).split()), limit)


def text_block(value: object, limit: int = MAX_TEXT) -> str:
    """Evidence or a note: its paragraphs kept, spaces evened out, controls spelled out."""
    text = stored_text(value).replace("\r\n", "\n").replace("\r", "\n")
    cut = len(text) > limit
    text = text[:limit]
    text = _REFUSED.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xff
                        else f"\\x{ord(m.group()):02x}", text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out = "\n".join(lines).strip()
    while "\n\n\n" in out:
        out = out.replace("\n\n\n", "\n\n")
    return out + ("…" if cut else "")


def date_text(date: PartialDate) -> str:
    """'7 Dec 2019', 'Dec 2019' or '2019': the date as precise as it was coded, no more."""
    return date.words()


def score_text(score: float | None) -> str:
    """'+1', '0', '−2', '+1.5': a score as every listing and chart writes it (entities.fmt_score)."""
    return "?" if score is None else fmt_score(score)


__all__ = ["date_text", "plain", "score_text", "text_block"]
