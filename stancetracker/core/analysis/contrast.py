"""Colours that stay readable on any palette: WCAG 2.1 contrast, and actor colours adjusted to reach it.

The window shows actor colours as text (mentions in the reader), as marks
(underlines, swatches) and behind text (coded passages). On a dark palette
navy or dark red text nearly vanishes, and a pale yellow shading under white
text is unreadable; these functions move a colour towards white or black, no
further than needed, until text keeps 4.5:1 and marks 3:1 (WCAG 2.1 AA).
Charts draw on white in every theme (they go into reports), so they keep the
actors' own colours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

TEXT_CONTRAST = 4.5   # WCAG 2.1 AA, normal text (1.4.3)
MARK_CONTRAST = 3.0   # WCAG 2.1 AA, non-text contrast (1.4.11): underlines, swatches, shading
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_STEPS = 400


@dataclass(frozen=True)
class Palette:
    """The colours of a palette that marks are drawn on and against (#rrggbb)."""

    name: str
    base: str         # behind text in views and lists
    text: str         # text on base
    window: str       # behind labels and buttons
    window_text: str
    highlight: str    # the selection


LIGHT = Palette("light", base="#ffffff", text="#000000", window="#efefef", window_text="#000000",
                highlight="#2f6fb3")
DARK = Palette("dark", base="#1e1e1e", text="#ffffff", window="#2d2d2d", window_text="#f2f2f2",
               highlight="#3d7fc4")
# At 3:1 from the background a pale highlighter yellow turns olive; amber stays warm and clear.
PASSAGE_HUE = "#ffc53d"   # a coded passage: amber, adjusted to the palette
CURRENT_HUE = "#ffa8a8"   # the passage of the record in the editor: rose, told apart from amber by hue
IMPORTED_HUE = "#9ccfff"  # a passage imported from a REFI-QDA project, not yet coded as a stance: light blue


def rgb(colour: str) -> tuple[int, int, int]:
    """#rrggbb as integers; anything else is a ValueError."""
    if not isinstance(colour, str) or not _HEX.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in (r, g, b))


def _linear(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4


@lru_cache(maxsize=4096)
def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance, 0 (black) to 1 (white)."""
    r, g, b = (_linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a: str, b: str, t: float) -> str:
    """The colour ``t`` of the way from ``a`` to ``b`` (in sRGB)."""
    (ra, ga, ba), (rb, gb, bb) = rgb(a), rgb(b)
    return _hex(ra + (rb - ra) * t, ga + (gb - ga) * t, ba + (bb - ba) * t)


def _path(colour: str, target: str):
    for i in range(_STEPS + 1):
        yield mix(colour, target, i / _STEPS)


@lru_cache(maxsize=4096)
def readable(colour: str, background: str, minimum: float = TEXT_CONTRAST) -> str:
    """``colour`` moved towards white or black, no further than needed, until it has ``minimum`` on ``background``.

    It moves away from the background first (lighter on a dark one); if that
    cannot reach the contrast it tries the other way, and at worst returns the
    better of white and black.
    """
    if contrast(colour, background) >= minimum:
        return colour
    away, towards = ("#ffffff", "#000000") if luminance(background) < 0.18 else ("#000000", "#ffffff")
    for target in (away, towards):
        for c in _path(colour, target):
            if contrast(c, background) >= minimum:
                return c
    return max(("#ffffff", "#000000"), key=lambda c: contrast(c, background))


@lru_cache(maxsize=256)
def shading(hue: str, background: str, text: str) -> str:
    """A passage shading of ``hue``: text keeps 4.5:1 on it and it stands 3:1 from the background.

    Of the shades of ``hue`` towards white and black that meet both, the one
    nearest ``hue``; if none meets both (a low-contrast system palette), the
    text's contrast comes first and the shading stands out as far as it can.
    """
    found: list[tuple[int, str]] = []
    fallback, fallback_mark = background, -1.0
    for target in ("#ffffff", "#000000"):
        for i, c in enumerate(_path(hue, target)):
            if contrast(c, text) < TEXT_CONTRAST:
                continue
            mark = contrast(c, background)
            if mark >= MARK_CONTRAST:
                found.append((i, c))
                break
            if mark > fallback_mark:
                fallback, fallback_mark = c, mark
    return min(found)[1] if found else fallback


@dataclass(frozen=True)
class MentionColours:
    """How an actor's mention is drawn: its text colour and underline, outside and inside a shaded passage.

    Inside a passage the words keep the palette's text colour (the shading was
    chosen for it) and the actor's colour is carried by the underline.
    """

    text: str
    underline: str
    text_in_passage: str
    underline_in_passage: str


def mention_colours(colour: str, background: str, text: str, passage: str) -> MentionColours:
    """An actor's colour made readable on the background, and as a mark on a passage's shading."""
    return MentionColours(readable(colour, background), readable(colour, background, MARK_CONTRAST),
                          text, readable(colour, passage, MARK_CONTRAST))


def swatch(colour: str, background: str) -> str:
    """An actor's swatch colour that stands 3:1 from the list behind it."""
    return readable(colour, background, MARK_CONTRAST)


__all__ = ["CURRENT_HUE", "DARK", "LIGHT", "MARK_CONTRAST", "PASSAGE_HUE", "TEXT_CONTRAST", "MentionColours",
           "Palette", "contrast", "luminance", "mention_colours", "mix", "readable", "rgb", "shading", "swatch"]
