"""Name normalisation for matching actors, and slugs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from anyascii import anyascii

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘`ʼʻ´ʿʾ"), None)
_SEPARATORS = re.compile(r"[\s\-_‐‑–—/.,;:()\"]+")
# The Arabic definite article in Latin transliteration ("al-Sadr", "el Sadr");
# only before a separator, so "Ali" or "Alawi" keep their first letters.
_ARTICLE = re.compile(r"(?:(?<=\s)|^)(?:al|el|ul)\s+")
_ARABIC_ARTICLE = re.compile(r"(?:(?<=\s)|^)ال(?=\S{2,})")
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"), None)
_SLUG_BAD = re.compile(r"[^a-z0-9]+")
# Letters that draw nothing (Hangul fillers) or only stretch a word (the Arabic
# tatweel): a name of them alone looks empty.
_BLANK_LETTERS = dict.fromkeys(map(ord, "\u115f\u1160\u3164\uffa0\u0640"), None)
# Before transliteration the Arabic article reads "al-" (anyascii gives a bare "l").
_ARTICLE_AR = re.compile(r"(?:(?<=\s)|^)ال(?=\w{2,})")
MAX_SLUG = 100


def _invisible(text: str) -> str:
    """``text`` without format characters (zero-width, bidi controls, soft hyphen) and blank letters."""
    if text.isascii():
        return text
    return without_format_chars(text).translate(_BLANK_LETTERS)


def without_format_chars(text: str) -> str:
    """``text`` without Unicode format characters (category Cf: zero-width, bidi controls, soft hyphen …)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def strip_diacritics(text: str) -> str:
    """Remove combining marks (Latin accents, Arabic harakat)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def name_key(name: str) -> str:
    """Key under which two spellings of one name compare equal.

    Ignores case, diacritics, apostrophes, hyphenation and the ``al-``/``el-``
    article: "Moqtada al-Sadr", "moqtada Al Sadr" and "Moqtada Sadr" share a key.
    """
    text = strip_diacritics(_invisible(name)).translate(_APOSTROPHES).casefold()
    text = _SEPARATORS.sub(" ", text).strip()
    text = _ARTICLE.sub("", text)
    text = _ARABIC_ARTICLE.sub("", text)
    return " ".join(text.split())


def has_letter(text: str) -> bool:
    """True if the text holds a letter or digit one can see (not only marks, punctuation, symbols or invisibles)."""
    return any(ch.isalnum() for ch in _invisible(text))


def slugify(text: str, max_len: int = MAX_SLUG) -> str:
    """A readable ASCII slug, cut at a word boundary to ``max_len``: "Kata'ib Hezbollah" -> "kataib-hezbollah".

    Other scripts are transliterated ("مقتدى الصدر" -> "mqtda-al-sdr").
    """
    text = _ARTICLE_AR.sub("al-", _invisible(text))
    ascii_text = anyascii(strip_diacritics(text)).translate(_APOSTROPHES)
    return _cut(_SLUG_BAD.sub("-", ascii_text.lower()).strip("-"), max_len)


def _cut(slug: str, max_len: int) -> str:
    """``slug`` within ``max_len`` characters, cut after a whole word where there is one."""
    if len(slug) <= max_len:
        return slug
    cut = slug[:max_len + 1].rfind("-")
    return (slug[:cut] if cut > 0 else slug[:max_len]).strip("-")


def unique_slug(text: str, taken: Container[str], fallback: str, max_len: int = MAX_SLUG) -> str:
    """A slug for ``text`` not in ``taken``: numbered ("-2", "-3" …) when needed, never over ``max_len``."""
    base = slugify(text, max_len) or fallback
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug, n = _cut(base, max_len - len(suffix)) + suffix, n + 1
    return slug


SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


# The C0 controls refused in text, as regex classes: in multi-line text (tab, LF and CR
# allowed) and in one-line text (all of them refused).
CONTROL_CLASS = {True: "\x00-\x08\x0b\x0c\x0e-\x1f\x7f", False: "\x00-\x1f\x7f"}
_CONTROL = re.compile(f"[{CONTROL_CLASS[True]}]")
_CONTROL_OR_NEWLINE = re.compile(f"[{CONTROL_CLASS[False]}]")


def has_control_chars(text: str, allow_newlines: bool = False) -> bool:
    """True if the text holds NUL or other C0 control characters."""
    return bool((_CONTROL if allow_newlines else _CONTROL_OR_NEWLINE).search(text))


_WORD_RUN = re.compile(r"\w+")


def _fold_same_length(text: str) -> str:
    """Case and accents folded, one character for one (so offsets carry over)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)
        kept = [c for c in base if not unicodedata.combining(c)]
        folded = ("".join(kept) or ch).casefold()
        out.append(folded[0] if folded else ch)
    return "".join(out)


def matched_spans(text: str, query: str) -> list[tuple[int, int]]:
    """(start, end) of each word in ``text`` that a search for ``query`` matched: a word that begins
    with one of the query's words, ignoring case and accents (as the full-text search does)."""
    words = [w for w in _WORD_RUN.findall(_fold_same_length(query)) if w]
    if not words or not text:
        return []
    folded = _fold_same_length(text)
    return [(m.start(), m.end()) for m in _WORD_RUN.finditer(folded) if any(m.group().startswith(w) for w in words)]
