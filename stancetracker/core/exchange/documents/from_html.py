"""Web pages, and the HTML that Markdown becomes, read into text and metadata in bounded work.

lxml's HTML parser (libxml2) builds the tree in C, about twenty times faster
and lighter than BeautifulSoup's Python tree; its own limit on nesting depth
is reported as a refusal rather than a silently shortened text. Every step
after the parse is one pass over the tree, so hostile nesting costs no more
than the same number of flat elements.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from stancetracker.core.exchange.encodings import by_mark, codec_name, wide_without_mark
from stancetracker.core.exchange.documents.base import (
    DocumentError,
    DocumentText,
    TextBudget,
    first_date,
    library,
    normalise_text,
)

# A tree of this many elements takes under 100 MB and about two seconds to walk here;
# a real article, even a saved page with all its scripts, holds a few tens of thousands.
MAX_TAGS = 250_000

# Never text a reader sees, whatever page or Markdown they come from.
_NO_TEXT = {"script", "style", "noscript", "template", "svg", "iframe", "head", "title"}
# Elements that start and end a paragraph; everything else flows inline.
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "li", "main", "nav", "ol", "p", "section", "summary", "table", "td",
    "th", "tr", "ul",
}
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def parse_html(markup: bytes | str, path: Path, what: str = "web page", max_tags: int = MAX_TAGS) -> Any:
    """The page's ``<html>`` element; refused when it has too many elements or nests too deep."""
    etree = library("lxml.etree", path)

    tags = markup.count(b"<" if isinstance(markup, bytes) else "<")
    tags -= markup.count(b"</" if isinstance(markup, bytes) else "</")  # an upper bound on start tags
    if tags > max_tags:
        hint = ("save the article alone, e.g. from the browser's reader view, and import that" if what == "web page"
                else "split it, or save it as .txt to read it as plain text")
        raise DocumentError(path, f"holds about {tags:,} HTML elements; the limit is {max_tags:,} ({hint})")
    text = markup if isinstance(markup, str) else decode_html(markup)
    if "\x00" in text:
        text = text.replace("\x00", "")  # libxml2 would turn each NUL into a visible U+FFFD
    # Plain etree elements: lxml.html's element classes cost a lookup for every element.
    parser = etree.HTMLParser(encoding="utf-8", huge_tree=True, remove_pis=True)
    root = etree.fromstring(text.encode("utf-8", "replace"), parser=parser)
    if root is None:  # nothing but white space
        raise DocumentError(path, "the document holds no text")
    for entry in parser.error_log:
        if entry.level_name == "FATAL" and "depth" in entry.message.lower():
            raise DocumentError(path, "its elements are nested more deeply than a parser can follow "
                                      f"(over 2,048 levels); it is not an ordinary {what}")
    return root


_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)


def decode_html(data: bytes) -> str:
    """A page's text: by its byte-order mark, else its declared charset, else UTF-8, else Windows-1252.

    A declaration is a hint: one that names no file encoding (idna, utf-7,
    unicode-escape …, see codec_name), or that cannot read the page, is ignored.
    """
    codec = by_mark(data) or wide_without_mark(data[:4096])
    if codec:
        return data.decode(codec, errors="replace")
    m = _DECLARED.search(data[:4096])
    declared = codec_name(m.group(1).decode("ascii")) if m else None
    # A page that could read its own declaration is not UTF-16 or -32, whatever it says (browsers agree).
    if declared and not declared.startswith(("utf-16", "utf-32")):
        try:
            return data.decode(declared, errors="replace")
        except UnicodeError:  # a codec that cannot replace, or refuses the bytes outright
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


class _Paragraphs:
    """Gathers inline text into lines and lines into paragraphs during an HTML walk."""

    def __init__(self, budget: TextBudget) -> None:
        self.budget = budget
        self.paragraphs: list[str] = []
        self.lines: list[str] = []
        self.pieces: list[str] = []

    def inline(self, text: str | None) -> None:
        if text:
            self.budget.add(len(text))
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
        self.budget.add(len(text))
        if text.strip():
            self.paragraphs.append(text.strip("\n"))

    def text(self) -> str:
        self.paragraph_break()
        return "\n\n".join(self.paragraphs)


def html_text(root: Any, path: Path, skip: Callable[[Any, bool], bool] | None = None) -> str:
    """The visible text under ``root``: blocks become paragraphs, ``<br>`` a line end.

    Elements for which ``skip(element, inside_article)`` is true are left out
    with all they hold. Walks with an explicit stack, so no nesting exhausts recursion.
    """
    out = _Paragraphs(TextBudget(path))
    # (element, closing, inside an <article>)
    stack: list[tuple[Any, bool, bool]] = [(root, False, False)]
    while stack:
        node, closing, in_article = stack.pop()
        tag = node.tag
        if not isinstance(tag, str):  # a comment: only the text after it is read
            out.inline(node.tail)
        elif closing:
            if tag in _BLOCK:
                out.paragraph_break()
            out.inline(node.tail)
        elif tag in _NO_TEXT or (skip is not None and skip(node, in_article)):
            out.inline(node.tail)
        elif tag == "br":
            out.line_break()
            out.inline(node.tail)
        elif tag == "pre":
            out.preformatted("".join(node.itertext()))
            out.inline(node.tail)
        else:
            if tag in _BLOCK:
                out.paragraph_break()
            out.inline(node.text)
            stack.append((node, True, in_article))
            inside = in_article or tag == "article"
            stack.extend((child, False, inside) for child in reversed(node))
    return normalise_text(out.text())


def inline_text(element: Any | None) -> str:
    return " ".join(" ".join(element.itertext()).split()) if element is not None else ""


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


def _marked_ancestors(root: Any, tags: tuple[str, ...]) -> set[Any]:
    """Every element that holds one of ``tags`` below it; each ancestor is visited once."""
    marked: set[Any] = set()
    for element in root.iter(*tags):
        parent = element.getparent()
        while parent is not None and parent not in marked:
            marked.add(parent)
            parent = parent.getparent()
    return marked


class _Furniture:
    """Decides which elements are navigation, banners, cookie notices and the like, not the article."""

    def __init__(self, root: Any) -> None:
        self.holds_content = _marked_ancestors(root, ("main", "article"))
        self.holds_paragraph = _marked_ancestors(root, ("p",))

    def __call__(self, element: Any, in_article: bool) -> bool:
        return self._is_furniture(element, in_article) and not self._keeps_content(element)

    @staticmethod
    def _is_furniture(element: Any, in_article: bool) -> bool:
        tag = element.tag
        if tag in _FURNITURE_TAGS:
            return True
        if tag == "header":  # the site's header, not an article's headline block
            return not in_article
        if str(element.get("role", "")).lower() in _FURNITURE_ROLES:
            return True
        names = [*str(element.get("class", "")).split(), str(element.get("id", ""))]
        return any(_FURNITURE_NAME.match(n) for n in names if n)

    def _keeps_content(self, element: Any) -> bool:
        """True for elements that are or wrap the page's content, which are never dropped.

        Guards against a page wrapped whole in one ``<form>`` (ASP.NET does this)
        or a wrapper whose class happens to look like furniture.
        """
        if element.tag in ("html", "body", "main", "article") or element in self.holds_content:
            return True
        return element.tag == "form" and element in self.holds_paragraph


def _text_lengths(root: Any) -> dict[Any, int]:
    """Characters of text under each element, children counted before their parents (one pass)."""
    lengths: dict[Any, int] = {}
    for element in reversed(list(root.iter())):
        n = len(element.text or "") if isinstance(element.tag, str) else 0
        for child in element:
            n += lengths.get(child, 0) + len(child.tail or "")
        lengths[element] = n
    return lengths


def _content_root(root: Any) -> Any:
    """The largest ``<article>``, else ``<main>``, else ``<body>``."""
    articles = list(root.iter("article"))
    if len(articles) > 1:
        lengths = _text_lengths(root)
        return max(articles, key=lambda a: lengths[a])
    if articles:
        return articles[0]
    # An lxml element without children is false, so each is compared with None.
    for tag in ("main", "body"):
        element = next(root.iter(tag), None)
        if element is not None:
            return element
    return root


def _metas(root: Any) -> dict[str, str]:
    """``<meta>`` contents by lower-cased property/name; the first of each wins."""
    out: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        content = " ".join(str(meta.get("content", "")).split())
        if key and content:
            out.setdefault(str(key).lower(), content)
    return out


def _json_ld(root: Any) -> dict[str, Any]:
    """The first JSON-LD object stating an author or a publication date, or {}."""
    for script in root.iter("script"):
        if str(script.get("type", "")).strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):  # deeply nested JSON exhausts the decoder's recursion
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


def _ld_name(value: Any, depth: int = 0) -> str:
    """A JSON-LD author: a name, an object with a name, or a list of either (a few levels deep at most)."""
    if isinstance(value, str):
        return value.strip()
    if depth > 3:
        return ""
    if isinstance(value, dict):
        return _ld_name(value.get("name"), depth + 1)
    if isinstance(value, list):
        return ", ".join(n for n in (_ld_name(v, depth + 1) for v in value[:50]) if n)
    return ""


def _strip_site(title: str, site: str) -> str:
    """"Headline | Site" -> "Headline" when Site is the page's own site name."""
    for sep in (" | ", " - ", " – ", " — "):
        if site and title.endswith(sep + site):
            return title[: -len(sep + site)].strip()
    return title


def read_html(path: Path, data: bytes) -> DocumentText:
    root = parse_html(data, path)
    metas = _metas(root)
    ld = _json_ld(root)
    content = _content_root(root)
    site = metas.get("og:site_name", "")
    title = (metas.get("og:title") or inline_text(next(content.iter("h1"), None))
             or inline_text(next(root.iter("title"), None)))
    author = metas.get("author") or metas.get("article:author", "")
    if author.startswith(("http://", "https://")):  # Facebook puts a profile URL here
        author = ""
    canonical = next((link for link in root.iter("link")
                      if "canonical" in str(link.get("rel", "")).lower().split()), None)
    time = next((t for t in content.iter("time") if t.get("datetime") is not None), None)
    doc = DocumentText(
        html_text(content, path, skip=_Furniture(root)), "html", path.name,
        title=_strip_site(title, site),
        author=author or _ld_name(ld.get("author")),
        publisher=site,
        url=(str(canonical.get("href", "")).strip() if canonical is not None else "") or metas.get("og:url", ""),
        language=str(root.get("lang", "")).strip(),
    )
    first_date(doc, (metas.get("article:published_time"), metas.get("date"),
                     time.get("datetime") if time is not None else None, ld.get("datePublished")))
    return doc
