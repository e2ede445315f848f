"""Which text encodings a CSV file may be read in, and a guess at a file's own when it is not UTF-8."""

from __future__ import annotations

import codecs
import re
import unicodedata

# Text codecs that are no encoding a spreadsheet or editor saves a table in:
# each turns plain bytes into something else (or refuses them all).
_NOT_FILE_ENCODINGS = {"punycode", "idna", "unicode-escape", "raw-unicode-escape", "undefined",
                       "utf-7", "palmos"}
_NAMES = {"cp1256": "Windows Arabic", "cp1252": "Windows Western European", "cp1251": "Windows Cyrillic",
          "iso8859-6": "ISO Arabic", "mac-arabic": "Mac Arabic", "iso8859-1": "Latin-1"}
_WORD = re.compile(rb"[A-Za-z\x80-\xff]+")
_HIGH = bytes(range(0x80, 0x100))


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
        for codec, first, last in (("cp1256", 0x0600, 0x06FF), ("cp1251", 0x0400, 0x04FF)):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            letters = [ch for ch in text if ord(ch) > 0x7F and unicodedata.category(ch)[0] in "LM"]
            if letters and sum(first <= ord(ch) <= last for ch in letters) >= 0.9 * len(letters):
                return codec
        return None
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "iso8859-1"
    return "cp1252"
