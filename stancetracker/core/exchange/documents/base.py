"""What every document reader shares: the result type, its errors and warnings, and normalised text.

Kept apart from ``documents`` so that each format's reader (a module of its
own) can use them without importing the others.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from stancetracker.core.model.dates import DateError, PartialDate, parse_date
from stancetracker.core.model.errors import StanceError
from stancetracker.core.model import entities as model

_LIBRARY = {"pyromark": "pyromark", "lxml": "lxml", "lxml.etree": "lxml", "pypdf": "pypdf"}

# The command-line option that sets each field a document may state, named in warnings.
OPTIONS = {"title": "--title", "author": "--author", "publisher": "--publisher", "url": "--url",
           "published": "--published", "language": None}


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f\u0085\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(path: str | Path) -> str:
    """A path fit for a one-line message: line breaks and other invisible controls escaped."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF
                            else f"\\x{ord(m.group()):02x}", str(path))


class DocumentError(StanceError):
    """A document that cannot be read; the message names the file and says why."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{shown(path)}: {reason}")
        self.path = str(path)
        self.reason = reason


@dataclass(frozen=True)
class DocumentWarning:
    """Something about a file the user should know although it was read: a dropped or cleaned field, a link.

    ``str()`` is the command line's line (it names the option that sets the
    field); ``reason`` alone suits a form that shows it beside the field.
    """

    path: str
    field: str
    reason: str

    def __str__(self) -> str:
        option = OPTIONS.get(self.field)
        tail = f"; give it with {option}" if option else ""
        return f"{shown(self.path)}: {self.reason}{tail}"


@dataclass
class DocumentText:
    """A document's normalised text and whatever metadata the file itself states."""

    text: str
    format: str
    file_name: str
    title: str = ""
    author: str = ""
    publisher: str = ""
    url: str = ""
    published: PartialDate | None = None
    language: str = ""
    pages: list[int] = field(default_factory=list)
    warnings: list[DocumentWarning] = field(default_factory=list)
    # A date the file states that we could not read; kept to say so in a warning.
    stated_date: str = ""


# --- normalisation -----------------------------------------------------------

_LINE_ENDS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\v": "\n", "\f": "\n"})
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Tried only where a run of spaces starts, and never backtracked: "[^\S\n]+$" alone retries
# from every space of a run that does not end a line (7 s for 20,000 spaces).
_TRAILING_SPACE = re.compile(r"(?<![^\S\n])[^\S\n]++$", re.M)
_BLANK_LINES = re.compile(r"\n{3,}")


def normalise_text(text: str) -> str:
    """One ``\\n`` per line end, one blank line between paragraphs, NFC, no controls.

    Vertical tab and form feed end a line rather than vanish, so the words on
    either side of a PDF page feed stay apart.
    """
    text = text.replace("\r\n", "\n").translate(_LINE_ENDS)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


class TextBudget:
    """Counts the characters a reader gathers and stops it once a source could not hold them.

    Readers of formats that expand (a small zip or PDF can hold a great deal of
    text) add as they go, so the limit is met before the memory is spent.
    """

    def __init__(self, path: Path, limit: int | None = None):
        self.path = path
        self.limit = model.MAX_TEXT if limit is None else limit
        self.used = 0

    def add(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise too_much_text(self.path, self.used, self.limit)


def too_much_text(path: Path, n: int, limit: int | None = None) -> DocumentError:
    limit = model.MAX_TEXT if limit is None else limit
    return DocumentError(path, f"holds more than {limit:,} characters of text (at least {n:,}), the most "
                               "a source can hold; split it into parts and import each")


def short(err: BaseException) -> str:
    """The first line of an exception's message, clipped, for a one-line user message."""
    lines = str(err).strip().splitlines()
    text = lines[0] if lines else type(err).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def library(name: str, path: Path) -> ModuleType:
    """Import a format's library, or say which package to install to read this file."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise DocumentError(path, f"reading this kind of file needs the Python package "
                                  f"{_LIBRARY[name]!r}; install it and try again") from None


_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d")


def when(value: object) -> PartialDate | None:
    """A stated publication date at the precision given; None if it is not one we understand."""
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        return None
    value = value.strip()
    m = _ISO_DATETIME.match(value)
    try:
        return parse_date(m.group(1) if m else value)
    except (DateError, ValueError):
        return None


def first_date(doc: DocumentText, values: tuple[object, ...]) -> None:
    """Set ``doc.published`` from the first readable stated date; keep an unreadable one to warn about."""
    for value in values:
        date = when(value)
        if date is not None:
            doc.published = date
            return
    stated = next((v for v in values if isinstance(v, str) and v.strip()), "")
    doc.stated_date = stated
