"""Which way a text runs: decided, as Unicode's rule P2 does, by its first strong character."""

from __future__ import annotations

import unicodedata

RTL = "rtl"
LTR = "ltr"


def direction(text: str, default: str = LTR) -> str:
    """``"rtl"`` when the first letter with a strong direction is right-to-left (Arabic, Hebrew …)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return LTR
        if kind in ("R", "AL"):
            return RTL
    return default


def is_rtl(text: str) -> bool:
    """True for a text that runs right to left (see :func:`direction`)."""
    return direction(text) == RTL


__all__ = ["LTR", "RTL", "direction", "is_rtl"]
