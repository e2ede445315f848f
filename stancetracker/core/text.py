"""Name normalisation for matching actors, and slugs."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`ʼʻ´ʿʾ"), None)
_SEPARATORS = re.compile(r"[\s\-_‐‑–—/.,;:()\"]+")
# The Arabic definite article in Latin transliteration ("al-Sadr", "el Sadr");
# only before a separator, so "Ali" or "Alawi" keep their first letters.
_ARTICLE = re.compile(r"(?:(?<=\s)|^)(?:al|el|ul)\s+")
_ARABIC_ARTICLE = re.compile(r"(?:(?<=\s)|^)ال(?=\S{2,})")
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"), None)
_SLUG_BAD = re.compile(r"[^a-z0-9]+")


def strip_diacritics(text: str) -> str:
    """Remove combining marks (Latin accents, Arabic harakat)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(name: str) -> str:
    """Key under which two spellings of one name compare equal.

    Ignores case, diacritics, apostrophes, hyphenation and the ``al-``/``el-``
    article: "Moqtada al-Sadr", "moqtada Al Sadr" and "Moqtada Sadr" share a key.
    """
    text = strip_diacritics(name.translate(_BIDI)).translate(_APOSTROPHES).casefold()
    text = _SEPARATORS.sub(" ", text).strip()
    text = _ARTICLE.sub("", text)
    text = _ARABIC_ARTICLE.sub("", text)
    return " ".join(text.split())


def slugify(text: str) -> str:
    """An ASCII slug: "Kata'ib Hezbollah" -> "kataib-hezbollah"."""
    ascii_text = strip_diacritics(text).translate(_APOSTROPHES).encode("ascii", "ignore").decode()
    return _SLUG_BAD.sub("-", ascii_text.lower()).strip("-")


SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def has_bidi_controls(text: str) -> bool:
    """True if the text holds invisible bidirectional-control characters."""
    return any(ord(ch) in _BIDI for ch in text)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x1f\x7f]")


def has_control_chars(text: str, allow_newlines: bool = False) -> bool:
    """True if the text holds NUL or other C0 control characters."""
    return bool((_CONTROL if allow_newlines else _CONTROL_OR_NEWLINE).search(text))
