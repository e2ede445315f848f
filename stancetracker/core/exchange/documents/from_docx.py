"""Word (.docx) read into text and metadata by streaming its XML, within limits checked before inflating.

A .docx is a zip: a 3 MB one can inflate to gigabytes, and half a megabyte
can hold millions of empty paragraphs. So the zip's directory is checked
first (member count, each part's stated size), every part is read through a
counter that stops at the limit whatever its header says, and the body is
parsed as a stream, each paragraph dropped once its text is taken.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from stancetracker.core.exchange.documents.base import (
    DocumentError,
    DocumentText,
    DocumentWarning,
    TextBudget,
    first_date,
    library,
    normalise_text,
    short,
)

MAX_MEMBERS = 10_000
# The body of a 50-million-character document is about this size; the other parts are far smaller.
MAX_PART = 256 * 1024 * 1024
MAX_SMALL_PART = 16 * 1024 * 1024
MAX_PARAGRAPHS = 500_000
# Counted as "<" while a part streams in: it bounds the elements lxml holds at once and the time
# spent, whatever they are. A thousand-page document has about two million.
MAX_XML_TAGS = 3_000_000

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC = "{http://purl.org/dc/elements/1.1/}"
_DCTERMS = "{http://purl.org/dc/terms/}"
_RUN_TEXT = {f"{_W}t": None, f"{_W}tab": "\t", f"{_W}ptab": "\t", f"{_W}cr": "\n",
             f"{_W}noBreakHyphen": "-"}
_DROP_BEFORE = {f"{_W}body", f"{_W}tbl", f"{_W}styles",
                "{http://schemas.openxmlformats.org/package/2006/relationships}Relationships"}
_NOT_WORD = "is not a Word .docx file; if it is an old .doc file, save it as .docx in Word first"


class _Capped(io.RawIOBase):
    """A zip member read through a counter that refuses to go past ``limit`` bytes."""

    def __init__(self, member: IO[bytes], path: Path, name: str, limit: int):
        self.member, self.path, self.name, self.limit = member, path, name, limit
        self.read_so_far = self.tags = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.member.read(min(len(buffer), 1 << 20))
        self.read_so_far += len(data)
        if self.read_so_far > self.limit:
            raise DocumentError(self.path, f"its part {self.name} inflates past {self.limit // 2**20:,} MB; "
                                           "it is not an ordinary Word document")
        self.tags += data.count(b"<")
        if self.tags > MAX_XML_TAGS:
            raise DocumentError(self.path, f"its part {self.name} holds more than {MAX_XML_TAGS:,} XML tags; "
                                           "split the document into parts and import each")
        buffer[:len(data)] = data
        return len(data)


class _Package:
    """The zip, checked before anything in it is inflated."""

    def __init__(self, path: Path, data: bytes):
        self.path = path
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            members = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise DocumentError(path, _NOT_WORD) from None
        if len(members) > MAX_MEMBERS:
            raise DocumentError(path, f"holds {len(members):,} parts; a Word document has a few dozen "
                                      f"(the limit is {MAX_MEMBERS:,})")
        self.sizes = {m.filename: m.file_size for m in members}

    def open(self, name: str, limit: int) -> IO[bytes] | None:
        """A part to stream, None if absent; refused if its stated size is past ``limit``."""
        if name not in self.sizes:
            return None
        if self.sizes[name] > limit:
            raise DocumentError(self.path, f"its part {name} would inflate to {self.sizes[name]:,} bytes; "
                                           f"the limit is {limit:,}")
        return io.BufferedReader(_Capped(self.zip.open(name), self.path, name, limit))

    def relationships(self, name: str) -> dict[str, str]:
        """Relationship type (its last word) -> target part name, for the part ``name``."""
        folder, base = posixpath.split(name)
        stream = self.open(posixpath.join(folder, "_rels", base + ".rels"), MAX_SMALL_PART)
        out: dict[str, str] = {}
        if stream is None:
            return out
        for el in _elements(stream, _REL):
            target = el.get("Target", "")
            kind = el.get("Type", "").rsplit("/", 1)[-1]
            if target and el.get("TargetMode") != "External":
                part = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                out.setdefault(kind, posixpath.normpath(part))
        return out


def _elements(stream: IO[bytes], *tags: str) -> Iterator[Any]:
    """Elements with these tags as each closes, from a stream, dropped once the caller has it."""
    from lxml import etree

    first = True
    for _event, el in etree.iterparse(stream, events=("end",), tag=tags, resolve_entities=False,
                                      no_network=True, load_dtd=False, huge_tree=False):
        if first:
            first = False
            # Word never writes a DTD. Its entities are left unresolved (no file or network is
            # read), but the text after such a reference would be lost without a word.
            info = el.getroottree().docinfo
            if info.doctype or info.internalDTD is not None:
                raw = getattr(stream, "raw", stream)
                raise DocumentError(getattr(raw, "path", Path("?")), (
                    f"its part {getattr(raw, 'name', '?')} declares a DTD (<!DOCTYPE …>), which Word never "
                    "writes; it is not an ordinary Word document"))
        yield el
        parent = el.getparent()
        el.clear(keep_tail=False)
        # Inside a cell the cell's properties come first and are still needed.
        if parent is not None and parent.tag in _DROP_BEFORE:
            while el.getprevious() is not None:
                del parent[0]


def _style_names(package: _Package, styles: str | None) -> dict[str, str]:
    """Style id -> name, used only to find a heading; a damaged styles part is read as far as it goes."""
    from lxml import etree

    names: dict[str, str] = {}
    try:
        stream = package.open(styles, MAX_SMALL_PART) if styles else None
        for el in _elements(stream, f"{_W}style") if stream is not None else ():
            name = el.find(f"{_W}name")
            if name is not None and len(names) < 100_000:
                names[el.get(f"{_W}styleId", "")] = name.get(f"{_W}val", "")
    except (etree.XMLSyntaxError, DocumentError, zipfile.BadZipFile, EOFError):
        pass
    return names


def _run_text(run: Any) -> Iterator[str]:
    for child in run:
        if child.tag in _RUN_TEXT:
            yield child.text or "" if _RUN_TEXT[child.tag] is None else _RUN_TEXT[child.tag]
        elif child.tag == f"{_W}br" and child.get(f"{_W}type", "textWrapping") == "textWrapping":
            yield "\n"


def _paragraph_text(p: Any) -> str:
    """The paragraph's runs, and those of its hyperlinks, as python-docx's ``Paragraph.text`` reads them."""
    parts: list[str] = []
    for child in p:
        if child.tag == f"{_W}r":
            parts.extend(_run_text(child))
        elif child.tag == f"{_W}hyperlink":
            for run in child.iterchildren(f"{_W}r"):
                parts.extend(_run_text(run))
    return "".join(parts)


def _is_continued(cell: Any) -> bool:
    """A cell merged into the one above it (its text is the upper cell's)."""
    merge = cell.find(f"{_W}tcPr/{_W}vMerge")
    return merge is not None and merge.get(f"{_W}val", "continue") != "restart"


class _Body:
    """Paragraph texts of the body in reading order, tables cell by cell, merged cells once."""

    def __init__(self, path: Path, styles: dict[str, str]):
        self.path = path
        self.styles = styles
        self.texts: list[str] = []
        self.heading = ""
        self.count = 0
        self.budget = TextBudget(path)

    def read(self, stream: IO[bytes]) -> None:
        body, cell = f"{_W}body", f"{_W}tc"
        for el in _elements(stream, f"{_W}p", f"{_W}tbl", f"{_W}tr"):
            if el.tag != f"{_W}p":
                continue  # its paragraphs came as they closed; the row or table is only dropped
            parent = el.getparent()
            where = parent.tag if parent is not None else None
            self.count += 1
            if self.count > MAX_PARAGRAPHS:
                raise DocumentError(self.path, f"holds more than {MAX_PARAGRAPHS:,} paragraphs; "
                                               "it is not an ordinary Word document")
            if where == body or (where == cell and not _is_continued(parent)):
                self._paragraph(el)

    def _paragraph(self, p: Any) -> None:
        text = _paragraph_text(p)
        if not text.strip():
            return
        self.budget.add(len(text) + 2)
        self.texts.append(text)
        if not self.heading:
            style = p.find(f"{_W}pPr/{_W}pStyle")
            name = self.styles.get(style.get(f"{_W}val", ""), "") if style is not None else ""
            if name.lower() == "title" or name.lower().startswith("heading"):
                self.heading = text


def _core_properties(package: _Package, part: str | None, doc: DocumentText) -> None:
    """Title, creator, created and language from docProps/core.xml; a damaged part is only a warning."""
    from lxml import etree

    wanted = {f"{_DC}title": "title", f"{_DC}creator": "author", f"{_DCTERMS}created": "created",
              f"{_DC}language": "language"}
    out: dict[str, str] = {}
    try:
        stream = package.open(part, MAX_SMALL_PART) if part else None
        for el in _elements(stream, *wanted) if stream is not None else ():
            out.setdefault(wanted[el.tag], (el.text or "").strip())
    except (etree.XMLSyntaxError, DocumentError, zipfile.BadZipFile, EOFError) as err:
        reason = err.reason if isinstance(err, DocumentError) else short(err)
        doc.warnings.append(DocumentWarning(str(package.path), "", f"the document's properties ({part}) could "
                                                                   f"not be read ({reason}); title, author and "
                                                                   "date are left to you"))
        return
    doc.title = out.get("title") or doc.title
    doc.author = out.get("author", "")
    doc.language = out.get("language", "")
    first_date(doc, (out.get("created"),))


def read_docx(path: Path, data: bytes) -> DocumentText:
    library("lxml", path)
    package = _Package(path, data)
    main = package.relationships("").get("officeDocument", "word/document.xml")
    stream = package.open(main, MAX_PART)
    if stream is None:
        raise DocumentError(path, _NOT_WORD)
    body = _Body(path, _style_names(package, package.relationships(main).get("styles")))
    from lxml import etree

    try:
        body.read(stream)
    except etree.XMLSyntaxError as err:
        if "depth" not in str(err).lower():
            raise
        raise DocumentError(path, "its XML is nested more than 256 levels deep; it is not an ordinary "
                                  "Word document") from None
    doc = DocumentText(normalise_text("\n\n".join(body.texts)), "docx", path.name, title=body.heading)
    _core_properties(package, package.relationships("").get("core-properties"), doc)
    return doc
