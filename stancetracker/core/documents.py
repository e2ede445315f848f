"""Reading a document file (text, Markdown, web page, PDF, Word) into normalised text.

The text a coder quotes from must be the words a reader sees, laid out so that
``mentions.paragraphs`` finds the paragraphs: one ``\\n`` per line end and one
blank line between paragraphs. Each format is read with its usual library
(Python-Markdown, BeautifulSoup, pypdf, python-docx); those libraries are
imported only when a file of their kind is read, so the rest of the core keeps
working without them.
"""

from __future__ import annotations

import bisect
import codecs
import importlib
import io
import json
import logging
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .dates import DateError, PartialDate, parse_date
from .errors import StanceError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

SUPPORTED = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
             ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}

_KIND = {"text": "text file", "markdown": "Markdown file", "html": "web page", "pdf": "PDF",
         "docx": "Word document"}
_LIBRARY = {"markdown": "markdown", "bs4": "beautifulsoup4", "pypdf": "pypdf", "docx": "python-docx"}
MAX_TITLE = 200


class DocumentError(StanceError):
    """A document that cannot be read; the message names the file and says why."""

    def __init__(self, path: str | Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


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


def read_document(path: str | Path) -> DocumentText:
    """Read a supported document; every failure is a DocumentError, never a traceback."""
    path = Path(path)
    fmt = SUPPORTED.get(path.suffix.lower())
    if fmt is None:
        kinds = ", ".join(SUPPORTED)
        what = f"{path.suffix} files" if path.suffix else "files without an extension"
        raise DocumentError(path, f"cannot read {what}; supported kinds are {kinds}")
    data = _read_bytes(path)
    reader = _READERS[fmt]
    try:
        doc = reader(path, data)
    except DocumentError:
        raise
    except Exception as err:  # parsers raise all kinds of errors on damaged files
        raise DocumentError(path, f"not a readable {_KIND[fmt]} ({_short(err)})") from None
    if not doc.text:
        raise DocumentError(path, "the document holds no text")
    return doc


def page_at(pages: list[int], offset: int) -> int | None:
    """1-based page holding ``text[offset]``; None for documents without pages."""
    if not pages or offset < 0:
        return None
    return bisect.bisect_right(pages, offset)


# --- normalisation -----------------------------------------------------------

_LINE_ENDS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\v": "\n", "\f": "\n"})
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.M)
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


def _read_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(path, "no such file") from None
    except IsADirectoryError:
        raise DocumentError(path, "is a folder, not a document") from None
    except OSError as err:
        raise DocumentError(path, f"cannot read the file ({err.strerror or err})") from None
    if not data:
        raise DocumentError(path, "the file is empty")
    return data


def _short(err: BaseException) -> str:
    """The first line of an exception's message, clipped, for a one-line user message."""
    lines = str(err).strip().splitlines()
    text = lines[0] if lines else type(err).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _library(name: str, path: Path) -> ModuleType:
    """Import a format's library, or say which package to install to read this file."""
    try:
        return importlib.import_module(name)
    except ImportError:
        raise DocumentError(path, f"reading this kind of file needs the Python package "
                                  f"{_LIBRARY[name]!r}; install it and try again") from None


def _title_or_stem(title: str, path: Path) -> str:
    """A usable title: the one given if it is a short single line, else the file's stem."""
    title = " ".join(title.split())
    return title if title and len(title) <= MAX_TITLE else path.stem


_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ]\d")


def _when(value: object) -> PartialDate | None:
    """A stated publication date at the precision given; None if it is not one we understand.

    Metadata is a hint for the coder, so an odd date is ignored rather than refused.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    m = _ISO_DATETIME.match(value)
    try:
        return parse_date(m.group(1) if m else value)
    except DateError:
        return None


# --- plain text --------------------------------------------------------------

def _decode(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252, else Latin-1.

    Windows-1252 leaves five bytes undefined; Latin-1 decodes anything, so a
    text file is never refused for its encoding.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_text(path: Path, data: bytes) -> DocumentText:
    text = normalise_text(_decode(data))
    first = next((line for line in text.split("\n") if line.strip()), "")
    return DocumentText(text, "text", path.name, title=_title_or_stem(first, path))


# --- HTML to text (shared by web pages and Markdown) -------------------------

# Never text a reader sees, whatever page or Markdown they come from.
_NO_TEXT = {"script", "style", "noscript", "template", "svg", "iframe", "head"}
# Elements that start and end a paragraph; everything else flows inline.
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "section", "summary", "table", "td",
    "th", "tr", "ul",
}
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


class _Paragraphs:
    """Gathers inline text into lines and lines into paragraphs during an HTML walk."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.lines: list[str] = []
        self.pieces: list[str] = []

    def inline(self, text: str) -> None:
        self.pieces.append(text)

    def line_break(self) -> None:
        # HTML collapses runs of white space, including those across inline tags.
        self.lines.append(_HTML_SPACE.sub(" ", "".join(self.pieces)).strip(" "))
        self.pieces = []

    def paragraph_break(self) -> None:
        if self.pieces:
            self.line_break()
        text = "\n".join(self.lines).strip()
        if text:
            self.paragraphs.append(text)
        self.lines = []

    def preformatted(self, text: str) -> None:
        self.paragraph_break()
        if text.strip():
            self.paragraphs.append(text.strip("\n"))

    def text(self) -> str:
        self.paragraph_break()
        return "\n\n".join(self.paragraphs)


def _html_text(root: Tag, skip: Callable[[Tag], bool] | None = None) -> str:
    """The visible text under ``root``: blocks become paragraphs, ``<br>`` a line end.

    Elements for which ``skip`` is true are left out with all they hold. Walks
    with an explicit stack so deeply nested pages cannot exhaust recursion.
    """
    from bs4.element import NavigableString, PreformattedString

    out = _Paragraphs()
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            out.paragraph_break()
        elif isinstance(node, NavigableString):
            if not isinstance(node, PreformattedString):  # comments, doctype, CDATA
                out.inline(str(node))
        elif node.name in _NO_TEXT or (skip is not None and skip(node)):
            continue
        elif node.name == "br":
            out.line_break()
        elif node.name == "pre":
            out.preformatted(node.get_text())
        else:
            if node.name in _BLOCK:
                out.paragraph_break()
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
    return normalise_text(out.text())


def _soup(markup: str | bytes, path: Path) -> BeautifulSoup:
    return _library("bs4", path).BeautifulSoup(markup, "html.parser")


def _inline_text(tag: Tag | None) -> str:
    return " ".join(tag.get_text(" ").split()) if tag is not None else ""


# --- web pages ---------------------------------------------------------------

# Site furniture around an article. Kept modest: a wrong guess loses real text.
_FURNITURE_TAGS = {"nav", "footer", "aside", "form", "button"}
_FURNITURE_ROLES = {"navigation", "banner", "contentinfo"}
# A class or id naming a menu, cookie banner, share bar, comments or related
# links, as a whole word at its start ("site-menu", "cookie-banner",
# "share_bar", "comments", "related-links"), so "commentary" is kept.
_FURNITURE_NAME = re.compile(
    r"^(?:(?:site|main|page|top|primary|global)[-_])?"
    r"(?:menu|nav|navbar|navigation|breadcrumbs?|cookies?|cookie(?:consent|banner|notice)|consent|"
    r"gdpr|share|sharing|sharebar|social|comments?|related)(?:[-_]|$)",
    re.I,
)


def _is_furniture(tag: Tag) -> bool:
    """Navigation, banners, cookie notices and the like, which are not the article."""
    name = tag.name
    if name in _FURNITURE_TAGS:
        return True
    if name == "header":  # the site's header, not an article's headline block
        return tag.find_parent("article") is None
    if str(tag.get("role", "")).lower() in _FURNITURE_ROLES:
        return True
    names = [*tag.get("class", []), str(tag.get("id", ""))]
    return any(_FURNITURE_NAME.match(n) for n in names if n)


def _holds_content(tag: Tag) -> bool:
    """True for elements that are or wrap the page's content, which are never dropped.

    Guards against a page wrapped whole in one ``<form>`` (ASP.NET does this)
    or a wrapper whose class happens to look like furniture.
    """
    if tag.name in ("html", "body", "main", "article"):
        return True
    if tag.find(["main", "article"]) is not None:
        return True
    return tag.name == "form" and tag.find("p") is not None


def _is_dropped(tag: Tag) -> bool:
    return _is_furniture(tag) and not _holds_content(tag)


def _content_root(soup: BeautifulSoup) -> Tag:
    """The largest ``<article>``, else ``<main>``, else ``<body>``."""
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text()))
    return soup.find("main") or soup.body or soup


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    """``<meta>`` contents by lower-cased property/name; the first of each wins."""
    out: dict[str, str] = {}
    for meta in soup.find_all("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = " ".join(str(meta.get("content", "")).split())
        if key and content:
            out.setdefault(str(key).lower(), content)
    return out


def _json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    """The first JSON-LD object stating an author or a publication date, or {}."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except ValueError:
            continue
        for obj in _ld_objects(data):
            if "author" in obj or "datePublished" in obj:
                return obj
    return {}


def _ld_objects(data: Any) -> Iterator[dict[str, Any]]:
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (g for g in graph if isinstance(g, dict))


def _ld_name(value: Any) -> str:
    """A JSON-LD author: a name, an object with a name, or a list of either."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, dict):
        return _ld_name(value.get("name"))
    if isinstance(value, list):
        return ", ".join(n for n in map(_ld_name, value) if n)
    return ""


def _strip_site(title: str, site: str) -> str:
    """"Headline | Site" -> "Headline" when Site is the page's own site name."""
    for sep in (" | ", " - ", " – ", " — "):
        if site and title.endswith(sep + site):
            return title[: -len(sep + site)].strip()
    return title


def _read_html(path: Path, data: bytes) -> DocumentText:
    soup = _soup(data, path)  # bytes, so BeautifulSoup honours the page's declared charset
    metas = _metas(soup)
    ld = _json_ld(soup)
    root = _content_root(soup)
    site = metas.get("og:site_name", "")
    title = (metas.get("og:title") or _inline_text(root.find("h1"))
             or _inline_text(soup.title))
    author = metas.get("author") or metas.get("article:author", "")
    if author.startswith(("http://", "https://")):  # Facebook puts a profile URL here
        author = ""
    canonical = soup.find("link", rel="canonical")
    time = root.find("time", datetime=True)
    dates = (metas.get("article:published_time"), metas.get("date"),
             time.get("datetime") if time else None, ld.get("datePublished"))
    html = soup.find("html")
    return DocumentText(
        _html_text(root, skip=_is_dropped), "html", path.name,
        title=_title_or_stem(_strip_site(title, site), path),
        author=author or _ld_name(ld.get("author")),
        publisher=site,
        url=(str(canonical.get("href", "")).strip() if canonical else "") or metas.get("og:url", ""),
        published=next((d for d in map(_when, dates) if d), None),
        language=str(html.get("lang", "")).strip() if html else "",
    )


# --- Markdown ----------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FIELD = re.compile(r"^([A-Za-z][\w-]*)[ \t]*:[ \t]*(.*?)[ \t]*$")


def _front_matter(source: str) -> tuple[dict[str, str], str]:
    """``key: value`` lines of a leading ``---`` block, and the Markdown after it.

    Read as simple lines, not YAML: the few fields used here are plain values.
    A leading ``---`` block without any such line is a horizontal rule, not front matter.
    """
    m = _FRONT_MATTER.match(source)
    if not m:
        return {}, source
    fields: dict[str, str] = {}
    for line in m.group(1).split("\n"):
        f = _FIELD.match(line)
        if f and _unquote(f.group(2)):
            fields.setdefault(f.group(1).lower(), _unquote(f.group(2)))
    return (fields, source[m.end():]) if fields else ({}, source)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1].strip()
    return value


def _read_markdown(path: Path, data: bytes) -> DocumentText:
    markdown = _library("markdown", path)
    source = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    fields, body = _front_matter(source)
    html = markdown.markdown(body, extensions=["tables", "fenced_code", "sane_lists"])
    soup = _soup(html, path)
    title = fields.get("title") or _inline_text(soup.find("h1"))
    return DocumentText(
        _html_text(soup), "markdown", path.name,
        title=_title_or_stem(title, path),
        author=fields.get("author", ""),
        publisher=fields.get("publisher", ""),
        url=fields.get("url", ""),
        published=_when(fields.get("published") or fields.get("date")),
        language=fields.get("language") or fields.get("lang", ""),
    )


# --- PDF ---------------------------------------------------------------------

_PDF_DATE = re.compile(r"^D:(\d{4})(\d{2})?(\d{2})?")
# Titles that PDF printers write in place of a real one.
_JUNK_TITLE = re.compile(
    r"^(?:microsoft (?:word|powerpoint|excel) - |untitled\b)"
    r"|\.(?:docx?|pdf|rtf|odt|pptx?|xlsx?|indd|qxd|tex|dvi)$",
    re.I,
)


def _pdf_date(value: object) -> PartialDate | None:
    """``D:YYYYMMDDHHmmSS...`` to a date at the precision the string gives."""
    m = _PDF_DATE.match(str(value or "").strip())
    if not m:
        return None
    return _when("-".join(part for part in m.groups() if part))


def _pdf_title(value: object) -> str:
    title = " ".join(str(value or "").split())
    return "" if _JUNK_TITLE.search(title) else title


def _join_pages(page_texts: list[str]) -> tuple[str, list[int]]:
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
    pypdf = _library("pypdf", path)
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


def _read_pdf(path: Path, data: bytes) -> DocumentText:
    reader = _open_pdf(path, data)
    text, pages = _join_pages([normalise_text(page.extract_text() or "") for page in reader.pages])
    if not text:
        raise DocumentError(path, "this PDF has no text layer (a scanned document?); run it "
                                  "through OCR first, then import the result")
    info = reader.metadata or {}
    return DocumentText(
        text, "pdf", path.name,
        title=_title_or_stem(_pdf_title(info.get("/Title")), path),
        author=" ".join(str(info.get("/Author") or "").split()),
        published=_pdf_date(info.get("/CreationDate")),
        language=str(reader.root_object.get("/Lang") or "").strip(),
        pages=pages,
    )


# --- Word --------------------------------------------------------------------

def _docx_paragraphs(container: Any) -> Iterator[Any]:
    """Paragraphs in document order, descending into tables cell by cell."""
    from docx.table import Table

    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield from _table_paragraphs(item)
        else:
            yield item


def _table_paragraphs(table: Any) -> Iterator[Any]:
    seen = set()
    for row in table.rows:
        for cell in row.cells:
            if cell._tc in seen:  # a merged cell is listed once per grid column it spans
                continue
            seen.add(cell._tc)
            yield from _docx_paragraphs(cell)


def _is_heading(paragraph: Any) -> bool:
    name = (paragraph.style.name if paragraph.style is not None else "") or ""
    return name == "Title" or name.startswith("Heading")


def _read_docx(path: Path, data: bytes) -> DocumentText:
    docx = _library("docx", path)
    try:
        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DocumentError(path, "is not a Word .docx file; if it is an old .doc file, save it "
                                  "as .docx in Word first") from None
    texts: list[str] = []
    heading = ""
    for paragraph in _docx_paragraphs(document):
        text = paragraph.text
        if text.strip():
            texts.append(text)
            if not heading and _is_heading(paragraph):
                heading = text
    props = document.core_properties
    return DocumentText(
        normalise_text("\n\n".join(texts)), "docx", path.name,
        title=_title_or_stem(props.title or heading, path),
        author=" ".join((props.author or "").split()),
        published=PartialDate(props.created.date(), "day") if props.created else None,
        language=(props.language or "").strip(),
    )


_READERS: dict[str, Callable[[Path, bytes], DocumentText]] = {
    "text": _read_text, "markdown": _read_markdown, "html": _read_html, "pdf": _read_pdf,
    "docx": _read_docx,
}
