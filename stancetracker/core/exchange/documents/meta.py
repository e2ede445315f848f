"""Metadata a document states is a hint: what breaks a rule is cleaned or dropped, with a warning.

A file's own title, author or date must never keep its text out: the reader
cleans what it can (line breaks, control and direction characters), drops
what it cannot (a 100,000-character author), and says so naming the file, the
field and the option that sets it. The rules are the source's own, from the model.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from stancetracker.core.exchange.documents.base import DocumentText, DocumentWarning
from stancetracker.core.model.errors import ValidationError
from stancetracker.core.model.entities import MAX_NAME, check_text
from stancetracker.core.model.text import has_letter

# A stated title longer than this is more likely a first paragraph than a title.
MAX_TITLE = 200
UNTITLED = "Untitled document"

_LIMITS = {"title": MAX_TITLE, "author": MAX_NAME, "publisher": MAX_NAME, "url": 2000, "language": 20}
_NAMES = {"title": "title", "author": "author", "publisher": "publisher", "url": "URL", "language": "language"}
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_DIRECTION = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _clean(value: str) -> tuple[str, str]:
    """The value as one line without control or direction characters, and what was removed ("" if nothing)."""
    removed = []
    one_line = " ".join(value.split())
    if one_line != value.strip() and any(c in value for c in "\n\r\u2028\u2029\x85\v\f"):
        removed.append("line breaks")
    if _CONTROLS.search(one_line):
        removed.append("control characters")
        one_line = " ".join(_CONTROLS.sub(" ", one_line).split())
    if _DIRECTION.search(one_line):
        removed.append("invisible direction controls")
        one_line = " ".join(_DIRECTION.sub("", one_line).split())
    # Soft hyphens (common in PDFs), zero-width spaces and direction marks: a title may not
    # hold them (Source.validate), and the whole document was refused for one.
    hidden = "".join(ch for ch in one_line if ch not in "\u200c\u200d" and unicodedata.category(ch) == "Cf")
    if hidden:
        removed.append("invisible formatting characters")
        one_line = " ".join(one_line.translate(dict.fromkeys(map(ord, hidden))).split())
    return one_line, " and ".join(removed)


def _checked(fld: str, value: str) -> str:
    """The field's own rule from the model; raises ValidationError."""
    limit = _LIMITS[fld]
    if len(value) > limit:
        raise ValidationError(fld, f"is {len(value):,} characters long; the limit is {limit:,}")
    # A title must hold a letter one can see, as the source's own rule says (Source.validate).
    return check_text(fld, value, max_len=limit, needs_letter=fld == "title")


def clean_metadata(doc: DocumentText, path: str | Path, real: Path) -> None:
    """Apply the source's rules to what the file states, warning about each change; the title is always set."""
    warn = doc.warnings.append
    for fld in ("title", "author", "publisher", "url", "language"):
        value = getattr(doc, fld) or ""
        if not value:
            continue
        what = f"the {_NAMES[fld]} the file states"
        cleaned, removed = _clean(value)
        try:
            cleaned = _checked(fld, cleaned)
        except ValidationError as err:
            # "it is 300 characters long", but "'…' (U+200B) has no letter …" names the value itself
            reason = err.reason if err.reason.startswith(("'", '"')) else f"it {err.reason}"
            warn(DocumentWarning(str(path), fld, f"{what} was left out: {reason}"))
            cleaned = ""
        else:
            if removed and not cleaned:
                warn(DocumentWarning(str(path), fld, f"{what} was left out: it holds only {removed}"))
            elif removed:
                warn(DocumentWarning(str(path), fld, f"{removed} were removed from {what}"))
        setattr(doc, fld, cleaned)
    if doc.published is None and doc.stated_date:
        warn(DocumentWarning(str(path), "published", f"the publication date the file states "
                                                     f"({doc.stated_date[:40]!r}) is not a date we can read; "
                                                     "it was left out"))
    doc.file_name = _clean(doc.file_name)[0] or "document"
    if not doc.title:
        doc.title = _title_from_name(doc, path, real)


def _title_from_name(doc: DocumentText, path: str | Path, real: Path) -> str:
    """The file's stem as a title, cleaned like stated metadata."""
    stem, removed = _clean(real.stem)
    stem = stem[:MAX_TITLE].strip()
    if stem and not has_letter(stem):  # "\u200b.txt", "---.md": no title one could see
        removed = removed or "no letter or digit one can see"
        stem = ""
    if removed:
        doc.warnings.append(DocumentWarning(str(path), "title", f"the file name holds {removed}; the title "
                                                                f"made from it is {stem or UNTITLED!r}"))
    return stem or UNTITLED
