"""Which text encodings a CSV file may be read in, and a guess at a file's own when it is not UTF-8."""

from __future__ import annotations

import codecs
import re
import unicodedata

# Text codecs that are no encoding a spreadsheet or editor saves a table in:
# each turns plain bytes into something else (or refuses them all).
_NOT_FILE_ENCODINGS = {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined",
                       "utf-7", "palmos", "charmap"}
_NAMES = {"cp1256": "Windows Arabic", "cp1252": "Windows Western European", "cp1251": "Windows Cyrillic",
          "iso8859-6": "ISO Arabic", "mac-arabic": "Mac Arabic", "iso8859-1": "Latin-1"}
_WORD = re.compile(rb"[A-Za-z\x80-\xff]+")
_HIGH = bytes(range(0x80, 0x100))
# Bytes over 0x7F needed before a script's encoding is named: "東京" in EUC-KR is
# four bytes that cp1256 reads as the Arabic letters "ششجب".
_EVIDENCE = 8
_TYPOGRAPHY = set("\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u00ab\u00bb\u00b0\u20ac\u00a0"
                  "\u00b7\u00a3\u00a7\u00a9\u00ae\u2122\u00b2\u00b3\u00bd\u00bc\u00be\u00ba\u00aa\u2022")


def codec_name(encoding: str) -> str | None:
    """The codec a file can be read with (e.g. "cp1256"), or None for a name that is no file encoding.

    Only text encodings are accepted: rot13, base64, zlib, hex and the like
    are byte or string transforms, not ways of writing a table.
    """
    try:
        info = codecs.lookup(encoding)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_FILE_ENCODINGS:
        return None
    return info.name


def describe(codec: str) -> str:
    """``cp1256`` -> ``cp1256 (Windows Arabic)``."""
    name = _NAMES.get(codec)
    return f"{codec} ({name})" if name else codec


def _mostly_utf8(data: bytes) -> bool:
    """True if ``data`` is UTF-8 text with a few bad bytes: more whole non-ASCII characters than stray bytes.

    Text in a single-byte encoding almost never forms valid UTF-8 sequences
    (an Arabic cp1256 word is a run of lead bytes), so its count stays low.
    """
    text = data.decode("utf-8", "surrogateescape")
    bad = sum(0xDC80 <= ord(ch) <= 0xDCFF for ch in text)
    good = sum(ord(ch) > 0x7F for ch in text) - bad
    return good > 2 * bad


def guess_encoding(data: bytes) -> str | None:
    """The encoding ``data`` (not valid UTF-8) was most likely written in, or None if unsure.

    "utf-8" means the file is UTF-8 but for a few damaged bytes: no other
    encoding would read it right.

    Arabic (or Cyrillic) text saved by Windows fills whole words with bytes
    over 0x7F, while Western text has a few accented letters inside ASCII
    words: the share of such whole words tells a script from accents. Latin-1
    is never offered for the first kind, since it decodes any byte and would
    turn every Arabic name into accented Latin letters without a word.
    """
    high = len(data) - len(data.translate(None, _HIGH))
    if not high:
        return None
    if _mostly_utf8(data):
        return "utf-8"
    words = _WORD.findall(data)
    whole = sum(len(w) for w in words if len(w) > 1 and min(w) > 0x7F)
    if whole * 2 > high:  # a script of its own
        if high < _EVIDENCE:  # a word or two: as many encodings read it, none is named
            return None
        for codec, first, last in (("cp1256", 0x0600, 0x06FF), ("cp1251", 0x0400, 0x04FF)):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            # Every character over 0x7F, not only the letters, must be the script's: bytes of
            # another multi-byte encoding (Shift-JIS, GB18030 …) decode to a mix of its letters and symbols.
            if _share(text, lambda ch: first <= ord(ch) <= last and unicodedata.category(ch)[0] in "LM") >= 0.9:
                return codec
        return None
    for codec in ("cp1252", "iso8859-1"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        # Western text's bytes over 0x7F are accented letters and typographic marks; a
        # file in an East Asian encoding read this way is a run of symbols and controls.
        if _share(text, lambda ch: 0xC0 <= ord(ch) <= 0x17F or ch in _TYPOGRAPHY) >= 0.9:
            return codec
        return None
    return None


def _share(text: str, fits) -> float:
    """The share of ``text``'s characters over U+007F for which ``fits`` is true."""
    high = [ch for ch in text if ord(ch) > 0x7F]
    return sum(map(fits, high)) / len(high) if high else 0.0


# Byte-order marks, UTF-32's first: its little-endian mark begins with UTF-16's.
MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def by_mark(data: bytes) -> str | None:
    """The codec a byte-order mark at the start of ``data`` names, or None."""
    return next((codec for mark, codec in MARKS if data.startswith(mark)), None)


def wide_without_mark(data: bytes) -> str | None:
    """"utf-32-le", "-be", "utf-16-le" or "-be" for text in that form without a byte-order mark, else None.

    Such text is valid UTF-8 too (a NUL is a character), so only the pattern
    of NUL bytes tells it: UTF-32's high bytes are all zero; UTF-16's high
    bytes are often zero (spaces, digits and punctuation are ASCII in any script),
    its low bytes almost never.
    """
    data = data.rstrip(b"\r\n")
    if len(data) < 8:
        return None
    quad = data[:len(data) - len(data) % 4]
    for codec, top, plane, low in (("utf-32-le", 3, 2, 0), ("utf-32-be", 0, 1, 3)):
        if not quad[top::4].strip(b"\0") and max(quad[plane::4]) <= 0x10 \
                and quad[low::4].count(0) <= 0.1 * len(quad[low::4]):
            return codec
    pair = data[:len(data) - len(data) % 2]
    for codec, high, low in (("utf-16-le", 1, 0), ("utf-16-be", 0, 1)):
        highs, lows = pair[high::2], pair[low::2]
        if highs.count(0) >= 0.3 * len(highs) and lows.count(0) <= 0.05 * len(lows):
            return codec
    return None
