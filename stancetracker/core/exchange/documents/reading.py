"""Reading a document file (text, Markdown, web page, PDF, Word) into normalised text.

The text a coder quotes from must be the words a reader sees, laid out so that
``mentions.paragraphs`` finds the paragraphs: one ``\\n`` per line end and one
blank line between paragraphs. Each format has a reader module of its own;
their libraries are imported only when a file of their kind is read, so the
rest of the core keeps working without them.

Any file is read in bounded time and memory: only regular files are opened
(a pipe or device never is), the size is checked before a byte is read, and
each reader stops at the source text limit or its own structural limits.
"""

from __future__ import annotations

import bisect
import os
import stat
from collections.abc import Callable
from pathlib import Path

from stancetracker.core.exchange.documents.base import (
    DocumentError,
    DocumentText,
    DocumentWarning,
    normalise_text,
    shown,
    short,
    too_much_text,
)
from stancetracker.core.exchange.documents.from_docx import read_docx
from stancetracker.core.exchange.documents.from_html import read_html
from stancetracker.core.exchange.documents.from_markdown import read_markdown
from stancetracker.core.exchange.documents.meta import MAX_TITLE, clean_metadata
from stancetracker.core.exchange.documents.from_pdf import read_pdf
from stancetracker.core.model import entities as model
from stancetracker.core.model.progress import Cancelled, Progress
from stancetracker.core.exchange.encodings import by_mark, wide_without_mark

__all__ = ["SUPPORTED", "MAX_BYTES", "DocumentError", "DocumentText", "DocumentWarning", "normalise_text",
           "page_at", "read_document"]

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}

_KIND = {"text": "text file", "markdown": "Markdown file", "html": "web page", "pdf": "PDF",
         "docx": "Word document"}
_MB = 1024 * 1024
# The largest file of each kind that is read at all, checked before reading. A text file's limit
# sits just past the 50 million characters a source holds; the others keep the work of parsing a
# hostile file of that size within a few seconds and a few hundred MB.
MAX_BYTES = {"text": 64 * _MB, "markdown": 8 * _MB, "html": 32 * _MB, "pdf": 128 * _MB, "docx": 64 * _MB}
_NOT_REGULAR = {stat.S_IFIFO: "a named pipe", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
                stat.S_IFSOCK: "a socket"}


def read_document(path: str | Path, progress: Progress | None = None) -> DocumentText:
    """Read a supported document; every failure is a DocumentError, never a traceback.

    Metadata the file states that breaks a rule is cleaned or dropped and
    listed in ``warnings``, never a reason to refuse the text. ``progress``
    is told of a PDF's pages as they are read (the one slow reader).
    """
    path = Path(path)
    fmt = SUPPORTED.get(path.suffix.lower())
    if fmt is None:
        kinds = ", ".join(SUPPORTED)
        what = f"{shown(path.suffix)} files" if path.suffix else "files without an extension"
        raise DocumentError(path, f"cannot read {what}; supported kinds are {kinds}")
    data, real = read_file(path, MAX_BYTES[fmt], _KIND[fmt])
    if fmt in ("text", "markdown", "html"):
        _check_text_bytes(path, data, _KIND[fmt])
    try:
        doc = read_pdf(real, data, progress) if fmt == "pdf" else _READERS[fmt](real, data)
    except Cancelled:
        raise
    except DocumentError as err:
        raise DocumentError(path, err.reason) from None
    except MemoryError:
        raise DocumentError(path, "is too large to read in the memory available") from None
    except Exception as err:  # parsers raise all kinds of errors on damaged files
        raise DocumentError(path, f"not a readable {_KIND[fmt]} ({short(err)})") from None
    if not doc.text:
        raise DocumentError(path, "the document holds no text")
    if len(doc.text) > model.MAX_TEXT:  # the source's own limit, the one rule for every way in
        raise too_much_text(path, len(doc.text))
    doc.file_name = real.name
    if real != path and os.path.islink(path):
        doc.warnings.insert(0, DocumentWarning(str(path), "", f"this is a link; the file read is {shown(real)}"))
    clean_metadata(doc, path, real)
    return doc


def page_at(pages: list[int], offset: int) -> int | None:
    """1-based page holding ``text[offset]``; None for documents without pages."""
    if not pages or offset < 0:
        return None
    return bisect.bisect_right(pages, offset)


# --- opening -----------------------------------------------------------------

def read_file(path: Path, limit: int, kind: str = "file") -> tuple[bytes, Path]:
    """The bytes of a regular file of at most ``limit`` bytes, and the file they came from (links followed).

    Refuses folders, pipes and devices before opening them, and a file past
    the limit before reading it; reads at most ``limit + 1`` bytes even if it grows.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise DocumentError(path, f"is a link to {shown(os.readlink(path))}, which does not exist") from None
        raise DocumentError(path, "no such file") from None
    except OSError as err:
        raise DocumentError(path, f"cannot read the file ({err.strerror or err})") from None
    real = Path(os.path.realpath(path))
    _check_regular(path, real, info.st_mode)
    flags = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
             | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        fd = os.open(path, flags)
    except OSError as err:
        raise DocumentError(path, f"cannot read the file ({err.strerror or err})") from None
    with open(fd, "rb", buffering=0, closefd=True) as f:
        info = os.fstat(fd)
        _check_regular(path, real, info.st_mode)  # it may have been swapped since the stat
        if info.st_size > limit:
            raise _too_big(path, info.st_size, limit, kind)
        chunks, total = [], 0
        try:
            while total <= limit:
                chunk = f.read(min(4 * _MB, limit + 1 - total))
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
        except OSError as err:
            raise DocumentError(path, f"cannot read the file ({err.strerror or err})") from None
    if total > limit:
        raise _too_big(path, total, limit, kind)
    if not total:
        raise DocumentError(path, "the file is empty")
    return b"".join(chunks), real


def _check_regular(path: Path, real: Path, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise DocumentError(path, "is a folder, not a document")
    if not stat.S_ISREG(mode):
        what = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file")
        via = f" ({shown(real)})" if real != Path(os.path.abspath(path)) else ""
        raise DocumentError(path, f"is {what}{via}, not a file; only files are read")


def _too_big(path: Path, size: int, limit: int, kind: str) -> DocumentError:
    hint = "split it into parts and import each" if kind == "text file" else \
        "split it, or save its text as a .txt file, and import that"
    return DocumentError(path, f"is {size / _MB:,.1f} MB; the limit for a {kind} is {limit // _MB} MB ({hint})")


# --- plain text --------------------------------------------------------------

# What a binary file renamed .txt, .md or .html starts with, for the message.
_SIGNATURES = ((b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
               (b"PK\x03\x04", "a ZIP archive (as a Word .docx is)"), (b"%PDF-", "a PDF (name it .pdf)"),
               (b"SQLite format 3\x00", "an SQLite database"), (b"\x1f\x8b", "a gzip archive"))
_BINARY_BYTES = bytes(range(0, 9)) + bytes(range(0x0E, 0x1B)) + bytes(range(0x1C, 0x20))


def _check_text_bytes(path: Path, data: bytes, kind: str) -> None:
    """Refuse a binary file (an image, archive or database) given as a text, Markdown or HTML file.

    Decoded as Windows-1252 any bytes are "text": such a file came in as a
    source of garbage. Text in UTF-16/32 (NULs between letters) is text.
    """
    head = data[:65536]
    if by_mark(head) not in (None, "utf-8-sig") or wide_without_mark(head[:4096]):
        return  # UTF-16 or -32: NULs between the letters
    binary = len(head) - len(head.translate(None, _BINARY_BYTES))
    what = next((name for sig, name in _SIGNATURES if data.startswith(sig)), "") if binary else ""
    # A stray control byte or two is text with a flaw (normalise_text drops them); more is no text.
    if what or (binary >= 16 and binary > len(head) // 100):
        raise DocumentError(path, f"is not a {kind}: it holds binary data" + (f"; it looks like {what}" if what else
                                                                                " (NUL or control bytes)"))

def decode(data: bytes) -> str:
    """By a byte-order mark; else UTF-16/32 told by its NULs; else UTF-8, else Windows-1252, else Latin-1.

    Windows-1252 leaves five bytes undefined; Latin-1 decodes anything, so a
    text file is never refused for its encoding. UTF-16 without a mark is
    valid UTF-8 too, and read so it lost every letter outside ASCII.
    """
    codec = by_mark(data) or wide_without_mark(data[:4096])
    if codec:
        return data.decode(codec, errors="replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_text(path: Path, data: bytes) -> DocumentText:
    text = decode(data)
    del data
    if len(text) > 2 * model.MAX_TEXT:  # past any real text even after normalising: spare the copies
        raise too_much_text(path, len(text))
    text = normalise_text(text)
    first = next((line for line in text.split("\n", 50) if line.strip()), "")
    first = " ".join(first.split())
    return DocumentText(text, "text", path.name, title=first if len(first) <= MAX_TITLE else "")


def _read_markdown(path: Path, data: bytes) -> DocumentText:
    return read_markdown(path, decode(data))


_READERS: dict[str, Callable[[Path, bytes], DocumentText]] = {
    "text": _read_text, "markdown": _read_markdown, "html": read_html, "pdf": read_pdf, "docx": read_docx,
}
