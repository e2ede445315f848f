"""PDF read into text with its page starts, through pypdf; text gathered page by page within the limit."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

from stancetracker.core.model.dates import PartialDate
from stancetracker.core.model.progress import Progress, tick
from stancetracker.core.exchange.documents.base import (
    DocumentError,
    DocumentText,
    TextBudget,
    library,
    normalise_text,
    when,
)

_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
# Titles that PDF printers write in place of a real one.
_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - |untitled\b)"
    r"|\.(?:docx?|pdf|rtf|odt|pptx?|xlsx?|indd|qxd|tex|dvi)$",
    re.I,
)
# A book runs to a few thousand pages; a file claiming more is refused before its pages are walked.
MAX_PAGES = 20_000
# pypdf reads drawing instructions at some 20 µs each; a few kilobytes of compressed stream can
# inflate to tens of megabytes of them. Checked page by page before the text is extracted.
MAX_CONTENT = 64 * 1024 * 1024


def _pdf_date(value: object) -> PartialDate | None:
    """``D:YYYYMMDDHHmmSS...`` to a date at the precision the string gives."""
    m = _PDF_DATE.match(str(value or "").strip()[:100])
    if not m:
        return None
    return when("-".join(part for part in m.groups() if part))


def _info(value: object) -> str:
    """An information-dictionary value as one line (the field rules judge it afterwards)."""
    return " ".join(str(value or "").split())


def _pdf_title(value: object) -> str:
    title = _info(value)
    return "" if _JUNK_TITLE.search(title) else title


def join_pages(page_texts: list[str]) -> tuple[str, list[int]]:
    """Join normalised page texts with paragraph breaks; each page's start offset.

    A page without text starts where the next text starts (clamped to the end),
    so ``page_at`` never names a page that holds no characters.
    """
    parts: list[str] = []
    starts: list[int] = []
    length = 0
    for text in page_texts:
        sep = 2 if length else 0
        starts.append(length + sep)
        if text:
            parts.append(text)
            length += sep + len(text)
    return "\n\n".join(parts), [min(s, length) for s in starts]


def _open_pdf(path: Path, data: bytes) -> Any:
    if b"%PDF-" not in data[:1024]:  # where pypdf itself looks for the header
        raise DocumentError(path, "is not a PDF file (it does not start with %PDF-)")
    pypdf = library("pypdf", path)
    # pypdf logs its repairs of damaged files; the user gets our one-line message instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = pypdf.PdfReader(io.BytesIO(data))
    if not reader.is_encrypted:
        return reader
    try:
        unlocked = reader.decrypt("")  # many PDFs are encrypted with an empty password
    except pypdf.errors.DependencyError:
        raise DocumentError(path, "this PDF is encrypted (AES) and reading it needs the Python "
                                  "package 'cryptography'; install it, or save an unencrypted "
                                  "copy and import that") from None
    if not unlocked:
        raise DocumentError(path, "this PDF is protected by a password; open it in a PDF reader, "
                                  "save a copy without the password and import that")
    return reader


def read_pdf(path: Path, data: bytes, progress: Progress | None = None) -> DocumentText:
    """A PDF's text layer, page by page; ``progress(pages read, pages)`` is told after each page."""
    reader = _open_pdf(path, data)
    count = len(reader.pages)
    if count > MAX_PAGES:
        raise DocumentError(path, f"states {count:,} pages; the limit is {MAX_PAGES:,}")
    budget = TextBudget(path)
    texts = []
    content = 0
    for number, page in enumerate(reader.pages, 1):
        stream = page.get_contents()
        content += len(stream.get_data()) if stream is not None else 0
        if content > MAX_CONTENT:
            raise DocumentError(path, f"its pages' drawing instructions pass {MAX_CONTENT // 2**20} MB by page "
                                      f"{number:,}; it is not an ordinary document (print it to a new PDF, "
                                      "or save its text, and import that)")
        texts.append(normalise_text(page.extract_text() or ""))
        budget.add(len(texts[-1]) + 2)
        tick(progress, number, count, f"{path.name}: reading cancelled; nothing was added")
    text, pages = join_pages(texts)
    if not text:
        raise DocumentError(path, "this PDF has no text layer (a scanned document?); run it "
                                  "through OCR first, then import the result")
    info = reader.metadata or {}
    doc = DocumentText(
        text, "pdf", path.name,
        title=_pdf_title(info.get("/Title")),
        author=_info(info.get("/Author")),
        language=_info(reader.root_object.get("/Lang")),
        pages=pages,
    )
    doc.published = _pdf_date(info.get("/CreationDate"))
    if doc.published is None and info.get("/CreationDate"):
        doc.stated_date = _info(info.get("/CreationDate"))[:100]
    return doc
