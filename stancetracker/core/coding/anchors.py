"""Anchors: a coded passage remembered by its quote, offsets and surrounding text.

When a document's text is corrected or re-imported, each passage is found
again by its quote and context. A passage that cannot be found exactly once
is reported as lost, never moved onto other words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONTEXT = 32
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in a text: offsets plus the text just before and after it."""

    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""


def make_anchor(text: str, start: int, end: int, context: int = CONTEXT) -> Anchor:
    """The anchor of ``text[start:end]``."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"offsets {start}..{end} are outside the text (length {len(text)})")
    return Anchor(start, end, text[start:end], text[max(0, start - context):start], text[end:end + context])


@dataclass(frozen=True)
class Reanchored:
    """The outcome for one anchor: ``status`` is exact, moved or lost (with why)."""

    old: Anchor
    new: Anchor | None
    status: str
    reason: str = ""


def _context_score(text: str, start: int, end: int, a: Anchor) -> int:
    """How many characters of the old context agree around a candidate position."""
    before = text[max(0, start - len(a.prefix)):start]
    after = text[end:end + len(a.suffix)]
    score = 0
    for x, y in zip(reversed(before), reversed(a.prefix)):
        if x != y:
            break
        score += 1
    for x, y in zip(after, a.suffix):
        if x != y:
            break
        score += 1
    return score


def _occurrences(text: str, quote: str) -> list[int]:
    out, i = [], text.find(quote)
    while i >= 0:
        out.append(i)
        i = text.find(quote, i + 1)
    return out


def _loose_occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Matches of the quote ignoring differences in white space (re-wrapped lines)."""
    words = quote.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(w) for w in words))
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def reanchor(anchor: Anchor, text: str) -> Reanchored:
    """Find an anchor's quote in a new version of the text."""
    a = anchor
    if text[a.start:a.end] == a.quote and _context_score(text, a.start, a.end, a) == len(a.prefix) + len(a.suffix):
        return Reanchored(a, a, "exact")
    spans = [(i, i + len(a.quote)) for i in _occurrences(text, a.quote)] or _loose_occurrences(text, a.quote)
    if not spans:
        return Reanchored(a, None, "lost", "the quoted words are no longer in the text")
    if len(spans) > 1:
        scored = sorted(((_context_score(text, s, e, a), s, e) for s, e in spans), reverse=True)
        if scored[0][0] == scored[1][0]:
            return Reanchored(a, None, "lost", f"the quote occurs {len(spans)} times and its context does not "
                                               "tell which one was coded")
        _, s, e = scored[0]
    else:
        s, e = spans[0]
    new = make_anchor(text, s, e, max(len(a.prefix), len(a.suffix), 1))
    return Reanchored(a, new, "exact" if (s, e) == (a.start, a.end) else "moved")


def reanchor_all(anchors: list[Anchor], text: str) -> tuple[list[Reanchored], list[Reanchored]]:
    """(found, lost) for a list of anchors against a new text."""
    results = [reanchor(a, text) for a in anchors]
    return [r for r in results if r.new is not None], [r for r in results if r.new is None]
